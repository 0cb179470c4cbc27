"""``kg query`` and ``kg export``: SPARQL answers and the co-operation network, in any
registered format, from a terminal (the same functions and formats as ``/sparql`` and
``/api/export``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg import formats
from kg.cli.common import base_option, make_config, open_existing, store_option
from kg.graph import filter_values
from kg.store.base import GraphStore, QueryError, StoreError
from kg.store.named_queries import ParameterError, load_named_queries


@click.command()
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
    config = make_config(store_path, base_iri)
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
    from kg.graph import resolver
    from kg.graph.projection import Projection

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


@click.command("export")
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
    # importing it registers the network formats
    from kg.graph import export, fonts, resolver, traversal
    from kg.graph.projection import Projection

    chosen = formats.by_name(formats.NETWORK, fmt)
    if chosen is None:
        names = ", ".join(f.name for f in formats.formats_for(formats.NETWORK))
        raise click.ClickException(f"unknown export format {fmt!r}; use one of: {names}")
    if output is None and not chosen.charset and sys.stdout.isatty():
        raise click.ClickException(f"{chosen.name} is binary: give -o FILE or redirect stdout")
    config = make_config(store_path, base_iri)
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


COMMANDS = (query, export_network)
