"""The ``kg`` command: a thin shell over the same functions the HTTP service uses.

User mistakes end with a one-line ``Error: …`` and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import pyoxigraph as ox

from . import filter_values, formats, load_validation, validation
from .cli_common import (
    base_option,
    make_config,
    open_existing,
    open_for_cli,
    store_exists,
    store_option,
)
from .loading import FileLoad, load_bundled, load_files
from .named_queries import ParameterError, load_named_queries
from .store import GraphStore, QueryError, StoreError
from .void import Describer

_config = make_config
_open = open_for_cli
_exists = store_exists


class _Progress:
    """Progress on a terminal only: a bulk load reports bytes read and speed in place."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.last < 0.25 and done < total):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6) / 1e6
        click.echo(
            f"\r  {done / 1e6:8.1f} / {total / 1e6:.1f} MB ({100 * done / max(total, 1):3.0f}%) "
            f"{rate:6.1f} MB/s",
            err=True,
            nl=False,
        )

    def file_done(self, load: FileLoad) -> None:
        if self.enabled:
            click.echo("\r" + " " * 70 + "\r", err=True, nl=False)
        rate = load.triples / max(load.seconds, 1e-6)
        click.echo(
            f"  {load.path}: {load.triples:,} triples in {load.seconds:.2f} s "
            f"({rate:,.0f} triples/s)",
            err=True,
        )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Yangtze Delta co-operation knowledge graph: load, query and serve it."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_option
@base_option
@click.option(
    "--validate/--no-validate",
    default=None,
    help="SHACL-validate the batch (default: yes, at any size; a violation undoes the whole "
    "batch and exits 1 listing the violations).",
)
def load(
    paths: tuple[Path, ...], store_path: str | None, base_iri: str | None, validate: bool | None
) -> None:
    """Load RDF files or folders (default: the bundled ontology/ and graph_data/).

    Each file replaces its own named graph, atomically; a broken file or a SHACL violation
    leaves the store as it was.
    """
    config = _config(store_path, base_iri)
    store = _open(config)
    progress = _Progress()
    try:
        if paths:
            report = load_files(
                store, list(paths), validate=validate, progress=progress, on_file=progress.file_done
            )
        else:
            report = load_bundled(
                store, validate=validate, progress=progress, on_file=progress.file_done
            )
    except (StoreError, OSError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()
    click.echo(
        f"loaded {len(report.files)} file(s), {report.triples:,} triples, "
        f"{report.inferred:,} inferred, in {report.seconds:.2f} s"
        + ("" if report.validated else " (SHACL validation skipped; run `kg validate`)")
    )


@cli.command()
@click.argument("text", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(exists=True, path_type=Path),
    help="Read the query from a file.",
)
@click.option("-n", "--named", help="Run a named query from queries/.")
@click.option("-p", "--param", multiple=True, help="Named-query parameter NAME=VALUE (repeatable).")
@click.option("--format", "fmt", default="table", help="table, csv, tsv, json, xml, turtle, …")
@store_option
@base_option
def query(
    text: str | None,
    file: Path | None,
    named: str | None,
    param: tuple[str, ...],
    fmt: str,
    store_path: str | None,
    base_iri: str | None,
) -> None:
    """Run a SPARQL query given as TEXT, a file (-f) or a named query (-n)."""
    if sum(x is not None for x in (text, file, named)) != 1:
        raise click.UsageError("give exactly one of: TEXT, --file, --named")
    config = _config(store_path, base_iri)
    bindings = None
    store = open_existing(config)
    try:
        if named:
            text, bindings = _named_query(store, named, param)
        elif file:
            text = file.read_text(encoding="utf-8")
        result = store.query(text or "", substitutions=bindings)
        kind = formats.result_kind(result)
        chosen = formats.by_name(kind, fmt)
        if chosen is None:
            names = ", ".join(f.name for f in formats.formats_for(kind))
            raise click.ClickException(
                f"format {fmt!r} cannot show a {kind} result; use one of: {names}"
            )
        ctx = formats.RenderContext(prefixes=config.prefixes())
        out = sys.stdout.buffer
        for chunk in chosen.render(result, ctx):
            out.write(chunk)
        out.flush()
    except StoreError as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()


def _named_query(store: GraphStore, named: str, param: tuple[str, ...]) -> tuple[str, dict | None]:
    """The named query's text and bindings; place parameters take names (盐城) like the
    traversal commands, through the same resolver."""
    from . import resolver
    from .projection import Projection

    queries = load_named_queries(store.config.queries_dir)
    if named not in queries:
        raise click.ClickException(
            f"no named query {named!r}; available: {', '.join(queries) or 'none'}"
        )
    given = {}
    for item in param:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param needs NAME=VALUE, got {item!r}")
        given[key] = value
    chosen = queries[named]
    place_resolver = None
    if any(p.type == "place" for p in chosen.parameters):
        snap = Projection(store).snapshot()
        place_resolver = lambda name: resolver.resolve(snap, name)  # noqa: E731
    try:
        return chosen.prepare(
            chosen.bindings(given, store.config.base_iri, place_resolver), store=store
        )
    except (ParameterError, QueryError, resolver.ResolveError) as err:
        raise click.ClickException(str(err)) from None


@cli.command()
@click.option(
    "--sources",
    "check_sources",
    is_flag=True,
    help="Also check that every yrd:quote occurs verbatim in its source article's text.",
)
@store_option
@base_option
def validate(check_sources: bool, store_path: str | None, base_iri: str | None) -> None:
    """Check the store against the SHACL shapes; exit 1 listing the violations."""
    config = _config(store_path, base_iri)
    store = open_existing(config)
    try:
        if check_sources:
            from .source_text import check_quotes

            checked, problems = check_quotes(store, config.data_dirs)
            for line in problems:
                click.echo(line)
            if problems:
                raise click.ClickException(f"{len(problems)} quote problem(s) in {checked}")
            click.echo(f"{checked} quotes found verbatim in their sources")
        shapes = validation.shapes_graph(config.data_dirs, config.base_iri)
        if len(shapes) == 0:
            raise click.ClickException("no SHACL shapes found (ontology/*shapes*.ttl)")
        results = load_validation.validate_store(store, shapes, _validation_progress)
    finally:
        store.close()
    errors = [r for r in results if r.severity == "Violation"]
    for r in results:
        click.echo(str(r))
    if errors:
        raise click.ClickException(f"{len(errors)} violation(s)")
    click.echo(f"conforms ({len(shapes):,} shape triples checked; {len(results)} warning(s))")


def _validation_progress(done: int, total: int) -> None:
    """One progress line on stderr, rewritten in place on a terminal."""
    end = "\n" if done >= total or not sys.stderr.isatty() else "\r"
    click.echo(f"  checked {done:,} of {total:,} focus nodes", err=True, nl=False)
    click.echo(end, err=True, nl=False)


@cli.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["nquads", "trig"]), default="nquads", show_default=True
)
@store_option
@base_option
def dump(output: Path | None, fmt: str, store_path: str | None, base_iri: str | None) -> None:
    """Write every graph (N-Quads or TriG), e.g. for backup or moving to another store."""
    config = _config(store_path, base_iri)
    store = open_existing(config)
    rdf_format = ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG
    try:
        if output:
            tmp = output.with_name(output.name + ".part")
            with open(tmp, "wb") as handle:
                store.dump(handle, rdf_format)
            tmp.replace(output)
            click.echo(f"wrote {output}", err=True)
        else:
            store.dump(sys.stdout.buffer, rdf_format)
    except (StoreError, OSError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()


@cli.command()
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@store_option
@base_option
def backup(target: Path, store_path: str | None, base_iri: str | None) -> None:
    """Write a consistent snapshot of the store to the new folder TARGET.

    Works while `kg serve` runs: the store is then opened read-only and the snapshot holds
    every write the service has acknowledged. Restore with `kg restore TARGET --store PATH`.
    """
    from .backends import open_store
    from .store import OxigraphStore

    if target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} exists and is not empty; choose a new folder")
    config = _config(store_path, base_iri)
    if not _exists(config):
        raise click.ClickException(f"no store at {config.store}")
    try:
        store = open_store(config)
    except StoreError:
        # Held by a running service: it flushes every write before acknowledging it (kg.writes),
        # so a read-only handle opened now sees every acknowledged write.
        store = _open(config, read_only=True)
    try:
        if not isinstance(store, OxigraphStore):
            raise click.ClickException("backup needs the embedded store")
        if target.exists():
            target.rmdir()
        target.parent.mkdir(parents=True, exist_ok=True)
        store.backup(target)
    except OSError as err:
        raise click.ClickException(f"backup failed: {err}") from None
    finally:
        store.close()
    click.echo(f"backed up {config.store} to {target}", err=True)


@cli.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@store_option
@base_option
def restore(source: Path, store_path: str | None, base_iri: str | None) -> None:
    """Make a new store from a `kg backup` folder (the --store folder must not exist yet)."""
    import shutil

    config = _config(store_path, base_iri)
    target = Path(config.store)
    if config.store == ":memory:" or (target.exists() and any(target.iterdir())):
        raise click.ClickException(
            f"{config.store} exists; restore into a new folder, then point KG_STORE at it"
        )
    shutil.copytree(source, target, dirs_exist_ok=True)
    store = _open(config)  # proves it opens
    graphs = len(store.named_graphs())
    store.close()
    click.echo(f"restored {source} to {target} ({graphs} graphs)", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@store_option
@base_option
def stats(as_json: bool, store_path: str | None, base_iri: str | None) -> None:
    """Count triples, graphs and instances per class."""
    import json

    config = _config(store_path, base_iri)
    store = open_existing(config)
    try:
        counts = Describer(store).counts()
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    click.echo(f"triples: {counts['triples']:,} (quads: {counts['quads']:,})")
    click.echo(f"graphs:  {len(counts['graphs'])}")  # type: ignore[arg-type]
    for graph, n in sorted(counts["graphs"].items()):  # type: ignore[union-attr]
        click.echo(f"  {n:>8,}  {graph}")
    click.echo(f"classes: {len(counts['classes'])}")  # type: ignore[arg-type]
    for cls, n in sorted(counts["classes"].items(), key=lambda kv: -kv[1]):  # type: ignore[union-attr]
        click.echo(f"  {n:>8,}  {cls}")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    default="graphml",
    show_default=True,
    help="graphml, gexf, cyjs, d3, dot, geojson, svg, png or html.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.option("--place", help="Only the neighbourhood of this place (name or IRI).")
@click.option("--depth", type=click.IntRange(1, 4), default=None, help="Hops around --place.")
@click.option(
    "--kind", multiple=True, help="Relation kind, repeatable or comma-separated: pairing,park…"
)
@click.option("--domain", help="Co-operation domain: IRI, slug or label.")
@click.option("--province", help="Only places in this province-level unit.")
@click.option("--since", type=int)
@click.option("--until", type=int)
@click.option(
    "--include-undated", is_flag=True, help="With --since/--until: keep undated relations too."
)
@store_option
@base_option
def export_network(
    fmt: str,
    output: Path | None,
    place: str | None,
    depth: int | None,
    kind: tuple[str, ...],
    domain: str | None,
    province: str | None,
    since: int | None,
    until: int | None,
    include_undated: bool,
    store_path: str | None,
    base_iri: str | None,
) -> None:
    """Export the co-operation network (or a filtered part) as a graph file, map or picture."""
    from . import (
        export,  # importing it registers the network formats
        fonts,
        resolver,
        traversal,
    )
    from .projection import Projection

    chosen = formats.by_name(formats.NETWORK, fmt)
    if chosen is None:
        names = ", ".join(f.name for f in formats.formats_for(formats.NETWORK))
        raise click.ClickException(f"unknown export format {fmt!r}; use one of: {names}")
    if output is None and not chosen.charset and sys.stdout.isatty():
        raise click.ClickException(f"{chosen.name} is binary: give -o FILE or redirect stdout")
    config = _config(store_path, base_iri)
    store = open_existing(config)
    try:
        snap = Projection(store).snapshot()
        iri = resolver.resolve(snap, place) if place else None
        filters = traversal.make_filters(
            snap,
            kinds=list(kind) or None,
            domain=domain,
            since=since,
            until=until,
            province=filter_values.resolve_province(snap, province) if province else None,
            include_undated=include_undated,
        )
        graph = traversal.subgraph(snap, place=iri, depth=depth, filters=filters)
        export.with_hosts(graph, snap.relations)
        ctx = formats.RenderContext(
            title=" ".join(x for x in (place, *kind, domain) if x), focus=iri
        )
        body = chosen.render(graph, ctx)  # refuses (TooLarge) before any file is opened
        if output:
            tmp = output.with_name(output.name + ".part")
            with open(tmp, "wb") as handle:
                for chunk in body:
                    handle.write(chunk)
            tmp.replace(output)
            click.echo(
                f"wrote {output}: {graph.number_of_nodes()} places, "
                f"{graph.number_of_edges()} relations ({chosen.name})",
                err=True,
            )
        else:
            for chunk in body:
                sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
    except (resolver.ResolveError, filter_values.UnknownValue, export.TooLarge) as err:
        raise click.ClickException(str(err)) from None
    except fonts.MissingFont as err:  # no CJK font for a PNG: names the package to install
        raise click.ClickException(str(err)) from None
    except (StoreError, OSError) as err:
        raise click.ClickException(str(err)) from None
    finally:
        store.close()


from .cli_build import COMMANDS as _BUILD_COMMANDS  # noqa: E402
from .cli_ingest import COMMANDS as _INGEST_COMMANDS  # noqa: E402
from .cli_traversal import COMMANDS as _TRAVERSAL_COMMANDS  # noqa: E402

for _command in (*_TRAVERSAL_COMMANDS, *_BUILD_COMMANDS, *_INGEST_COMMANDS):
    cli.add_command(_command)


def main(group: click.Group = cli) -> None:
    """Run ``group`` (the terminal commands; ``kg.__main__.program`` adds ``kg serve``) as
    ``kg``, a store failure mid-command ending in one ``Error:`` line."""
    try:
        group(prog_name="kg")
    except StoreError as err:  # e.g. a remote engine that went down mid-command: one line
        click.echo(f"Error: {err}", err=True)
        sys.exit(1)


if __name__ == "__main__":  # `python -m kg.cli` (older scripts): the whole `kg`, with serve
    from .__main__ import main as kg_main

    kg_main()
