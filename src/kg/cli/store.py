"""``kg load|validate|dump|backup|restore|stats``: the store's own commands.

Filling and checking a store, copying it out and back, and counting what it holds; all of them
open the store the same way (``kg.cli.common``) and end a user's mistake in one ``Error:`` line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import pyoxigraph as ox

from kg.cli.common import (
    base_option,
    make_config,
    open_existing,
    open_for_cli,
    store_exists,
    store_option,
)
from kg.store import store_validation, validation
from kg.store.base import StoreError
from kg.store.loading import FileLoad, load_bundled, load_files
from kg.store.void import Describer


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


@click.command()
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
    config = make_config(store_path, base_iri)
    store = open_for_cli(config)
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


@click.command()
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
    config = make_config(store_path, base_iri)
    store = open_existing(config)
    try:
        if check_sources:
            from kg.graph.source_text import check_quotes

            checked, problems = check_quotes(store, config.data_dirs)
            for line in problems:
                click.echo(line)
            if problems:
                raise click.ClickException(f"{len(problems)} quote problem(s) in {checked}")
            click.echo(f"{checked} quotes found verbatim in their sources")
        shapes = validation.shapes_graph(config.data_dirs, config.base_iri)
        if len(shapes) == 0:
            raise click.ClickException("no SHACL shapes found (ontology/*shapes*.ttl)")
        results = store_validation.validate_store(store, shapes, _validation_progress)
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


@click.command()
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
    config = make_config(store_path, base_iri)
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


@click.command()
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@store_option
@base_option
def backup(target: Path, store_path: str | None, base_iri: str | None) -> None:
    """Write a consistent snapshot of the store to the new folder TARGET.

    Works while `kg serve` runs: the store is then opened read-only (after a second's wait
    for the service's background flush) and the snapshot holds every write the service
    acknowledged before the command started. Restore with `kg restore TARGET --store PATH`.
    """
    from kg.store.backends import open_store
    from kg.store.embedded import OxigraphStore

    if target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} exists and is not empty; choose a new folder")
    config = make_config(store_path, base_iri)
    if not store_exists(config):
        raise click.ClickException(f"no store at {config.store}")
    try:
        store = open_store(config)
    except StoreError:
        # Held by a running service. A checkpoint of a read-only handle holds what was flushed
        # to disk, and the service flushes each write within kg.store.flusher.FLUSH_DELAY_S of
        # acknowledging it: waiting BACKUP_WAIT_S lets every write acknowledged before this
        # command started reach the disk.
        from kg.store.flusher import BACKUP_WAIT_S

        time.sleep(BACKUP_WAIT_S)
        store = open_for_cli(config, read_only=True)
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


@click.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@store_option
@base_option
def restore(source: Path, store_path: str | None, base_iri: str | None) -> None:
    """Make a new store from a `kg backup` folder (the --store folder must not exist yet)."""
    import shutil

    config = make_config(store_path, base_iri)
    target = Path(config.store)
    if config.store == ":memory:" or (target.exists() and any(target.iterdir())):
        raise click.ClickException(
            f"{config.store} exists; restore into a new folder, then point KG_STORE at it"
        )
    shutil.copytree(source, target, dirs_exist_ok=True)
    store = open_for_cli(config)  # proves it opens
    graphs = len(store.named_graphs())
    store.close()
    click.echo(f"restored {source} to {target} ({graphs} graphs)", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@store_option
@base_option
def stats(as_json: bool, store_path: str | None, base_iri: str | None) -> None:
    """Count triples, graphs and instances per class."""
    import json

    config = make_config(store_path, base_iri)
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


COMMANDS = (load, validate, dump, backup, restore, stats)
