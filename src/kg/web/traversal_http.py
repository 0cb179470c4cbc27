"""Graph-traversal endpoints under ``/api``: thin wrappers over ``kg.graph.traversal``.

Ambiguous place names answer ``300 Multiple Choices`` with the candidates; unknown ones ``404``
with the closest names. Place names never reach SPARQL: they are resolved against the in-memory
projection, so hostile strings can only fail to match.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, request

from kg import formats
from kg.formats import ROWS, Rows
from kg.graph import filter_values, resolver, traversal
from kg.graph.projection import Snapshot
from kg.web import paging
from kg.web.http_common import ApiError, current_snapshot, int_arg, render_result

blueprint = Blueprint("traversal", __name__, url_prefix="/api")

MAX_DEPTH = 4


def resolve_place(snap: Snapshot, name: str, param: str = "place") -> str:
    try:
        return resolver.resolve(snap, name)
    except resolver.Ambiguous as err:
        raise ApiError(300, f"{param}: {err}", query=name, candidates=err.candidates) from None
    except resolver.Unknown as err:
        raise ApiError(404, f"{param}: {err}", query=name, suggestions=err.suggestions) from None
    except resolver.BadName as err:
        raise ApiError(400, f"{param}: {err}") from None


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return False
    raw = raw.lower()
    if raw in ("0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ApiError(400, f"{name} must be true or false, got {raw[:20]!r}")


def filters_from_request(snap: Snapshot) -> traversal.Filters:
    """The shared filters; an unknown kind, domain, level or province is a 400 listing the
    allowed values (``kind``/``kinds`` take comma-separated lists and may repeat)."""
    province = request.args.get("province")
    try:
        return traversal.make_filters(
            snap,
            kinds=request.args.getlist("kind") + request.args.getlist("kinds") or None,
            domain=request.args.get("domain") or None,
            level=request.args.get("level") or None,
            since=int_arg("since", None, -3000, 3000),
            until=int_arg("until", None, -3000, 3000),
            province=filter_values.resolve_province(snap, province) if province else None,
            include_undated=_bool_arg("include_undated"),
        )
    except filter_values.UnknownValue as err:
        raise ApiError(400, str(err), parameter=err.name, allowed=err.allowed) from None


def _answer(document: Any, columns: list[str], rows: list[dict[str, Any]], name: str) -> Response:
    return render_result(
        Rows(document, columns, rows),
        kind=ROWS,
        format_param=request.args.get("format"),
        filename=name,
    )


def _answer_json_fast(
    json_body: Callable[[], bytes],
    tabular: Callable[[], tuple[list[str], list[dict[str, Any]]]],
    document: Any,
    name: str,
) -> Response:
    """Like ``_answer``, but a JSON answer is ``json_body()`` (pre-encoded parts) and the flat
    rows are only built when a tabular format is asked for."""
    format_param = request.args.get("format")
    try:
        formats.check_format_name(format_param, [ROWS])
        fmt = formats.negotiate(ROWS, request.headers.get("Accept"), format_param)
    except formats.NotAcceptable as err:
        raise ApiError(err.status, str(err)) from None
    if fmt.name != "json":
        columns, rows = tabular()
        return _answer(document, columns, rows, name)
    response = Response(json_body(), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if format_param:
        response.headers["Content-Disposition"] = f'inline; filename="{name}.{fmt.extension}"'
    return response


@blueprint.route("/resolve")
def resolve() -> Response:
    snap = current_snapshot()
    query = request.args.get("q", "")
    try:
        found = resolver.matches(snap, query)
    except resolver.BadName as err:
        raise ApiError(400, str(err)) from None
    body: dict[str, Any] = {"query": query, "matches": found}
    if not found:
        body["suggestions"] = resolver.suggestions(snap, query)
    return jsonify(body)


@blueprint.route("/places/<path:name>/partners")
def partners(name: str) -> Response:
    snap = current_snapshot()
    place = resolve_place(snap, name)
    result = traversal.partners(
        snap,
        place,
        filters_from_request(snap),
        include_subunits=_bool_arg("include_subunits"),
        depth=int_arg("depth", 1, 1, MAX_DEPTH) or 1,
    )
    page = paging.page_from_request()
    result["partners"], more = page.cut(result["partners"])  # "count" stays the total

    def tabular() -> tuple[list[str], list[dict[str, Any]]]:
        rows = traversal.partner_rows(result)
        return (list(rows[0]) if rows else ["partner", "kind", "role", "relation"]), rows

    response = _answer_json_fast(
        lambda: traversal.partners_json(snap, result),
        tabular,
        result,
        f"partners-{place.rsplit('/', 1)[-1]}",
    )
    return _with_links(response, page, more)


def _with_links(response: Response, page: paging.Page, more: bool) -> Response:
    link = paging.link_header(page, more)
    if link:
        response.headers["Link"] = link
    return response


@blueprint.route("/places/<path:name>/neighbourhood")
def neighbourhood(name: str) -> Response:
    snap = current_snapshot()
    place = resolve_place(snap, name)
    depth = int_arg("depth", 1, 1, MAX_DEPTH) or 1
    body = traversal.neighbourhood_json(snap, place, depth, filters_from_request(snap))
    return Response(body, mimetype="application/json")


@blueprint.route("/places/<path:name>")
def place(name: str) -> Response:
    snap = current_snapshot()
    return jsonify(traversal.place_details(snap, resolve_place(snap, name)))


@blueprint.route("/path")
def path() -> Response:
    snap = current_snapshot()
    if not request.args.get("from") or not request.args.get("to"):
        raise ApiError(400, "give both from= and to= (place names or IRIs)")
    source = resolve_place(snap, request.args["from"], "from")
    target = resolve_place(snap, request.args["to"], "to")
    limit = int_arg("max", 5, 1, 50) or 5
    result = traversal.shortest_paths(snap, source, target, filters_from_request(snap), limit=limit)
    rows = traversal.path_rows(result)
    return _answer(result, list(traversal.PATH_COLUMNS), rows, "path")


@blueprint.route("/metrics")
def metrics() -> Response:
    snap = current_snapshot()
    rows = traversal.metrics(snap)
    province = request.args.get("province")
    place_type = request.args.get("type")
    try:
        if province:
            wanted = filter_values.resolve_province(snap, province)
            rows = [r for r in rows if r["province_id"] == wanted]
    except filter_values.UnknownValue as err:
        raise ApiError(400, str(err), parameter=err.name, allowed=err.allowed) from None
    if place_type:
        types = sorted({r["type"] for r in traversal.metrics(snap) if r["type"]})
        if place_type.lower() not in {t.lower() for t in types}:
            err = filter_values.UnknownValue("type", place_type, types)
            raise ApiError(400, str(err), parameter="type", allowed=types)
        rows = [r for r in rows if (r["type"] or "").lower() == place_type.lower()]
    top = int_arg("top", None, 1, 100000)
    if top:
        rows = rows[:top]
    total = len(rows)
    page = paging.page_from_request()
    rows, more = page.cut(rows)
    columns = [
        "id",
        "label_zh",
        "label_en",
        "type",
        "province",
        "degree",
        "weighted_degree",
        "betweenness",
        "pagerank",
        "community",
    ]
    return _with_links(
        _answer({"count": total, "places": rows}, columns, rows, "metrics"), page, more
    )


@blueprint.route("/graph")
def graph_summary() -> Response:
    return jsonify(traversal.graph_summary(current_snapshot()))
