"""``/api/export`` (the co-operation network in any ``network`` format) and the two viewers.

The export takes the same filters as the traversal endpoints (``place``, ``depth``, ``kind``,
``domain``, ``province``, ``since``, ``until``, ``level``); without them it is the whole network.
``/explore`` and ``/map`` are pages whose scripts (``static/netview.js``) draw the d3 export
themselves: no CDN, no tile server, nothing fetched from outside.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import networkx as nx
from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask import url_for as flask_url_for

from kg import formats
from kg.graph import export, fonts, network_groups, traversal
from kg.graph.projection import Snapshot
from kg.web.admission import Gate, Refused, Ticket, render_limits
from kg.web.http_common import ApiError, current_snapshot, services

blueprint = Blueprint("export", __name__)

#: Formats a browser shows rather than saves.
INLINE = {"svg", "png", "html"}
#: Pictures: drawn in the request process (CPU and the GIL), so few at a time (kg.web.admission).
DRAWINGS = {"svg", "png"}
STANDALONE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def select(
    snap: Snapshot, fmt: str | None = None
) -> tuple[nx.MultiDiGraph, list[tuple[str, str]], str | None]:
    """The filtered network for this request, (name, ASCII name) words for the file name, and
    the place it is drawn around (``None`` for the whole network).

    Raises :class:`export.TooLarge` for a drawing ``fmt`` of the whole, unfiltered network
    past its limits before copying it (seconds and hundreds of MB at 100x)."""
    from kg.web.http_common import int_arg
    from kg.web.traversal_http import MAX_DEPTH, filters_from_request, resolve_place

    place = request.args.get("place")
    depth = int_arg("depth", None, 1, MAX_DEPTH)
    filters = filters_from_request(snap)
    words: list[tuple[str, str]] = []
    iri = None
    if place:
        iri = resolve_place(snap, place)
        data = snap.graph.nodes[iri]
        local = iri.rstrip("/").rsplit("/", 1)[-1]
        words.append((data.get("label_zh") or local, data.get("label_en") or local))
        if depth:
            words.append((f"d{depth}", f"d{depth}"))
    for name in ("kind", "domain", "province", "since", "until"):
        words.extend((v, v) for v in request.args.getlist(name) if v)
    if fmt and not iri and filters == traversal.Filters():
        export.check_counts(fmt, *network_groups.drawn_counts(snap))
    graph = traversal.subgraph(snap, place=iri, depth=depth, filters=filters)
    if filters.period_filtered and not filters.include_undated:
        nodes = [n for n in graph if not graph.nodes[n].get("group")] if iri else None
        graph.graph["undated_left_out"] = traversal.undated_left_out(snap, filters, nodes)
    return export.with_hosts(graph, snap.relations), words, iri


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-.").lower()


def disposition(fmt: formats.Format, words: list[tuple[str, str]]) -> str:
    """``attachment`` (``inline`` for pictures and pages) with an ASCII and a UTF-8 file name."""
    kind = "inline" if fmt.name in INLINE else "attachment"
    base = "yrd-network"
    slugs = [s for s in (_ascii_slug(a) for _, a in words) if s]
    ascii_name = "-".join([base, *slugs])[:100] + "." + fmt.extension
    value = f'{kind}; filename="{ascii_name}"'
    if words:
        utf8_name = "-".join([base, *(w for w, _ in words)])[:120] + "." + fmt.extension
        value += "; filename*=UTF-8''" + quote(utf8_name, safe="")
    return value


def _render_turn() -> Ticket:
    """A turn to draw a picture: ``render_slots`` at once, ``render_queue`` waiting, else 503."""
    svc = services()
    gate = svc.extras.get("render_gate")
    if gate is None:
        limits = render_limits(svc.config.render_slots, svc.config.render_queue)
        gate = svc.extras.setdefault("render_gate", Gate(limits, what="picture renderer"))
    try:
        return gate.acquire(request.remote_addr or "")
    except Refused as err:
        refused = ApiError(err.status, err.message)
        refused.headers["Retry-After"] = str(err.retry_after)
        raise refused from None


def _holding(body: Any, ticket: Ticket) -> Any:
    """The body, giving the renderer's turn back once it is written (or abandoned)."""
    try:
        yield from body
    finally:
        ticket.release()


@blueprint.route("/api/export")
def export_network() -> Response:
    try:
        formats.check_format_name(request.args.get("format"), [formats.NETWORK])
        fmt = formats.negotiate(
            formats.NETWORK, request.headers.get("Accept"), request.args.get("format")
        )
    except formats.NotAcceptable as err:
        raise ApiError(err.status, str(err)) from None
    ticket = _render_turn() if fmt.name in DRAWINGS else None
    try:
        graph, words, focus = select(current_snapshot(), fmt.name)
        title = " ".join(w for w, _ in words) or "network"
        body = fmt.render(graph, formats.RenderContext(title=title, focus=focus))
    except fonts.MissingFont as err:
        if ticket is not None:
            ticket.release()
        raise ApiError(503, str(err), package=fonts.PACKAGE) from None
    except export.TooLarge as err:
        if ticket is not None:
            ticket.release()
        raise ApiError(
            413,
            str(err),
            places=err.places,
            relations=err.relations,
            limits=dict(zip(("places", "relations"), export.DRAW_LIMITS[err.format], strict=True)),
        ) from None
    except BaseException:
        if ticket is not None:
            ticket.release()
        raise
    if ticket is not None:
        body = _holding(body, ticket)
    response = Response(stream_with_context(body), content_type=fmt.content_type)
    if ticket is not None:
        response.call_on_close(ticket.release)  # also when the body is never read
    response.headers["Vary"] = "Accept"
    response.headers["Content-Disposition"] = disposition(fmt, words)
    if "undated_left_out" in graph.graph:
        response.headers["X-Undated-Left-Out"] = str(graph.graph["undated_left_out"])
    if fmt.name == "html":
        # The self-contained page runs its inlined script and fetches nothing at all.
        response.headers["Content-Security-Policy"] = STANDALONE_CSP
    return response


@blueprint.after_request
def _name_error_files(response: Response) -> Response:
    """``curl -OJ`` saves whatever comes back: an error must not land in a file named after
    the URL (``export``) that looks like a result. It is named as the error it is instead
    (``yrd-network-error-400.json``); ``curl -fOJ`` saves nothing and exits non-zero."""
    if request.endpoint == "export.export_network" and response.status_code >= 400:
        response.headers["Content-Disposition"] = (
            f'attachment; filename="yrd-network-error-{response.status_code}.json"'
        )
    return response


def _url(endpoint: str, **values: Any) -> str | None:
    """A URL when another module's endpoint exists in this app, else ``None``."""
    if endpoint not in current_app.view_functions:
        return None
    return flask_url_for(endpoint, **values)


def _page(template: str, mode: str) -> str:
    passthrough = {k: v for k, v in request.args.items(multi=True) if k != "format"}
    data_url = flask_url_for("export.export_network", format="d3", **passthrough)
    place_url = _url("traversal.place", name="__NAME__")
    config = {
        "mode": mode,
        "dataUrl": data_url,
        "resolveUrl": _url("traversal.resolve"),
        "placeUrl": place_url,
        "exportUrl": flask_url_for("export.export_network"),
        "query": request.query_string.decode("utf-8", "replace"),
    }
    filters = {k: v for k, v in request.args.items() if k != "format"}
    return render_template(
        template,
        config_json=export.script_json(config),
        filters=filters,
        viewer_scripts=export.VIEWER_SCRIPTS,
    )


def nav_links() -> list[tuple[str, str]]:
    """(endpoint, label) pairs for the site header (``extra_nav`` in base.html)."""
    return [("export.explore", "Explore 网络"), ("export.map_view", "Map 地图")]


@blueprint.route("/explore")
def explore() -> str:
    return _page("explore.html", "force")


@blueprint.route("/map")
def map_view() -> str:
    return _page("map.html", "geo")
