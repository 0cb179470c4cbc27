"""``/queries``: the catalogue of named queries and running one with bound parameters."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from kg.store.named_queries import RESERVED, NamedQuery, ParameterError, PlaceResolver
from kg.web import direct_named, executor, paging
from kg.web.http_common import ApiError, current_snapshot, services
from kg.web.traversal_http import resolve_place

blueprint = Blueprint("queries", __name__)


@blueprint.route("/queries")
def list_queries() -> Response:
    svc = services()
    return jsonify(
        {
            "queries": [
                {**q.describe(), "url": url_for("queries.run_query", name=q.name, _external=True)}
                for q in svc.queries.values()
            ]
        }
    )


def _place_resolver(query: NamedQuery) -> PlaceResolver | None:
    """Place parameters go through the traversal API's resolver (300 ambiguous, 404 unknown);
    the projection is only built when the query has one. Names it resolves are handed to
    query workers, which then bind them on a kept connection (``kg.web.direct_named``)."""
    if not any(p.type == "place" for p in query.parameters):
        return None
    snap = current_snapshot()

    def resolve(name: str) -> str:
        iri = resolve_place(snap, name)
        direct_named.remember(snap, name, iri)  # a lingering worker may bind it now
        return iri

    return resolve


@blueprint.route("/queries/<name>")
def run_query(name: str) -> Response:
    svc = services()
    query = svc.queries.get(name)
    if query is None:
        raise ApiError(404, f"no named query {name!r}", available=sorted(svc.queries))
    params = {k: v for k, v in request.args.items() if k not in RESERVED}
    try:
        bindings = query.bindings(params, svc.config.base_iri, _place_resolver(query))
        text, substitutions = query.prepare(bindings, store=svc.store)
    except ParameterError as err:
        raise ApiError(400, str(err)) from None
    return executor.answer(
        text,
        substitutions=substitutions,
        format_param=request.args.get("format"),
        filename=name,
        query_error=(500, f"named query {name!r} failed: "),
        page=paging.page_from_request(),
    )
