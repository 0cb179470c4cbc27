"""``kg partners|path|place|metrics``: the traversal API from a terminal.

Same resolver, same traversal functions and same format registry as ``/api``; only the shell
differs.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from kg.cli import table as cli_table
from kg.cli.common import base_option, make_config, open_existing, store_option
from kg.formats import ROWS, Rows, by_name, formats_for
from kg.graph import filter_values, resolver, traversal
from kg.graph.projection import Projection, Snapshot


def _snapshot(ctx: click.Context) -> Snapshot:
    config = make_config(ctx.params.get("store_path"), ctx.params.get("base_iri"))
    store = open_existing(config)
    ctx.call_on_close(store.close)
    return Projection(store).snapshot()


def _resolve(snap: Snapshot, name: str) -> str:
    try:
        return resolver.resolve(snap, name)
    except resolver.ResolveError as err:
        raise click.ClickException(str(err)) from None


def _emit(document: Any, columns: list[str], rows: list[dict[str, Any]], fmt: str) -> None:
    chosen = by_name(ROWS, fmt)
    if chosen is None:
        names = ", ".join(f.name for f in formats_for(ROWS))
        raise click.ClickException(f"unknown format {fmt!r}; use one of: {names}")
    for chunk in chosen.render(Rows(document, columns, rows), None):  # type: ignore[arg-type]
        sys.stdout.buffer.write(chunk)
    if chosen.name == "json":
        sys.stdout.buffer.write(b"\n")
    sys.stdout.flush()


def _filters(snap: Snapshot, kind: tuple[str, ...], domain: str | None, **kw: Any) -> Any:
    """Same checks and list syntax as HTTP: ``--kind pairing,park`` (or repeated ``--kind``)."""
    try:
        return traversal.make_filters(snap, kinds=list(kind) or None, domain=domain, **kw)
    except filter_values.UnknownValue as err:
        raise click.ClickException(str(err)) from None


wide_option = click.option(
    "--wide", is_flag=True, help="Table: every column at full width (default: fit 100 columns)."
)
PARTNER_COLUMNS = [
    ("partner_zh", "partner"),
    ("kind", "kind"),
    ("relation_label", "relation"),
    ("period", "period"),
    ("source", "source"),
]
PARTNER_WIDE = [
    ("partner_zh", "partner"),
    ("partner_en", "partner (en)"),
    ("hops", "hops"),
    ("kind", "kind"),
    ("role", "role"),
    ("partner_role", "partner's role"),
    ("own_role", "own role"),
    ("via", "via"),
    ("level", "level"),
    ("domains", "domains"),
    ("period", "period"),
    ("relation_label", "relation"),
    ("sources", "sources"),
    ("relation", "relation IRI"),
]
PATH_COLUMNS = [
    ("path", "path"),
    ("step", "step"),
    ("from", "from"),
    ("to", "to"),
    ("kinds", "kinds"),
    ("relations", "relations"),
]


def _table(columns: list[tuple[str, str]], rows: list[dict[str, Any]], wide: bool) -> None:
    click.echo(cli_table.render(columns, rows, wide=wide), nl=False)


format_option = click.option(
    "--format", "fmt", default="table", show_default=True, help="table, json or csv."
)
kind_option = click.option(
    "--kind",
    multiple=True,
    help="Relation kind, repeatable or comma-separated (pairing,park): "
    + ", ".join(filter_values.allowed_kinds())
    + ".",
)
domain_option = click.option("--domain", help="Co-operation domain: IRI, slug or label.")


@click.command()
@store_option
@base_option
@click.argument("place")
@kind_option
@domain_option
@click.option("--level", help="Relation level, e.g. CityLevel.")
@click.option("--since", type=int)
@click.option("--until", type=int)
@click.option("--depth", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option("--include-subunits", is_flag=True, help="Also partners of counties/districts.")
@click.option(
    "--include-undated", is_flag=True, help="With --since/--until: keep undated relations too."
)
@format_option
@wide_option
@click.pass_context
def partners(
    ctx: click.Context,
    store_path: str | None,
    base_iri: str | None,
    place: str,
    kind: tuple[str, ...],
    domain: str | None,
    level: str | None,
    since: int | None,
    until: int | None,
    depth: int,
    include_subunits: bool,
    include_undated: bool,
    fmt: str,
    wide: bool,
) -> None:
    """Every partner of PLACE, with the relations and their sources."""
    snap = _snapshot(ctx)
    iri = _resolve(snap, place)
    filters = _filters(
        snap,
        kind,
        domain,
        level=level,
        since=since,
        until=until,
        include_undated=include_undated,
    )
    result = traversal.partners(snap, iri, filters, include_subunits=include_subunits, depth=depth)
    if result.get("undated_left_out") and fmt == "table":
        click.echo(
            f"({result['undated_left_out']} undated relations left out by the period filter; "
            "--include-undated keeps them)",
            err=True,
        )
    rows = traversal.partner_rows(result)
    if fmt == "table":
        labels = {r["id"]: r.get("label_zh") for p in result["partners"] for r in p["relations"]}
        for row in rows:
            row["relation_label"] = labels.get(row["relation"]) or row["relation"]
            row["source"] = row["sources"][0] if row["sources"] else ""
        _table(PARTNER_WIDE if wide else PARTNER_COLUMNS, rows, wide)
        return
    columns = list(rows[0]) if rows else [c for c, _ in PARTNER_COLUMNS]
    _emit(result, columns, rows, fmt)


@click.command()
@store_option
@base_option
@click.argument("source")
@click.argument("target")
@kind_option
@click.option("--max", "limit", type=click.IntRange(1, 50), default=5, show_default=True)
@format_option
@wide_option
@click.pass_context
def path(
    ctx: click.Context,
    store_path: str | None,
    base_iri: str | None,
    source: str,
    target: str,
    kind: tuple[str, ...],
    limit: int,
    fmt: str,
    wide: bool,
) -> None:
    """Shortest co-operation paths from SOURCE to TARGET, hop by hop with the relations."""
    snap = _snapshot(ctx)
    a, b = _resolve(snap, source), _resolve(snap, target)
    result = traversal.shortest_paths(snap, a, b, _filters(snap, kind, None), limit=limit)
    if not result["paths"]:
        raise click.ClickException(
            f"no co-operation path between {snap.label(a)} and {snap.label(b)}"
        )
    if fmt == "table":
        _table(PATH_COLUMNS, _path_hops(result), wide)
        return
    _emit(result, list(traversal.PATH_COLUMNS), traversal.path_rows(result), fmt)


def _path_hops(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per hop: who to whom, and the relations that make the hop, by their labels."""
    return [
        {
            "path": i + 1,
            "step": j + 1,
            "from": hop["from"]["label_zh"],
            "to": hop["to"]["label_zh"],
            "kinds": sorted({r["kind"] for r in hop["relations"]}),
            "relations": [r.get("label_zh") or r["id"] for r in hop["relations"]],
        }
        for i, p in enumerate(result["paths"])
        for j, hop in enumerate(p["hops"])
    ]


@click.command()
@store_option
@base_option
@click.argument("name")
@click.option("--format", "fmt", default="json", show_default=True, help="json")
@click.pass_context
def place(
    ctx: click.Context, store_path: str | None, base_iri: str | None, name: str, fmt: str
) -> None:
    """Everything about one place (JSON)."""
    snap = _snapshot(ctx)
    details = traversal.place_details(snap, _resolve(snap, name))
    _emit(details, [], [], "json" if fmt != "json" else fmt)


@click.command()
@store_option
@base_option
@click.option("--top", type=click.IntRange(1, 100000), default=None)
@click.option("--province", help="Only places in this province.")
@format_option
@wide_option
@click.pass_context
def metrics(
    ctx: click.Context,
    store_path: str | None,
    base_iri: str | None,
    top: int | None,
    province: str | None,
    fmt: str,
    wide: bool,
) -> None:
    """Degree, betweenness, PageRank and community of every connected place."""
    snap = _snapshot(ctx)
    rows = traversal.metrics(snap)
    if province:
        try:
            wanted = filter_values.resolve_province(snap, province)
        except filter_values.UnknownValue as err:
            raise click.ClickException(str(err)) from None
        rows = [r for r in rows if r["province_id"] == wanted]
    rows = rows[:top] if top else rows
    if fmt == "table":
        columns = [(c, c) for c in traversal.METRIC_COLUMNS if wide or c != "id"]
        _table(columns, rows, wide)
        return
    _emit({"count": len(rows), "places": rows}, list(traversal.METRIC_COLUMNS), rows, fmt)


COMMANDS = (partners, path, place, metrics)
