"""SPARQL 1.1 Protocol endpoint (``/sparql``), service description and VoID.

Follows https://www.w3.org/TR/sparql11-protocol/: query via GET, URL-encoded POST or direct
POST; the dataset from ``default-graph-uri``/``named-graph-uri``; results by content
negotiation. Error statuses: 400 malformed query, 406 no acceptable format, 415 wrong body.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from kg import formats
from kg.web import executor
from kg.web.http_common import ApiError, render_result, services

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


def _media_type() -> str:
    return (request.mimetype or "").lower()


def _single(values: list[str], name: str) -> str | None:
    """The protocol allows exactly one ``query`` (or ``update``) per request: two is a 400."""
    if len(values) > 1:
        raise ApiError(400, f"give exactly one {name!r} parameter, not {len(values)}")
    return values[0] if values else None


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """(query, default-graph-uri list, named-graph-uri list) per the protocol's three forms."""
    if request.method == "GET":
        args = request.args
        if "update" in args:
            raise ApiError(
                400, "updates are sent with POST to /update (SPARQL 1.1 Protocol §2.2), not GET"
            )
        query = _single(args.getlist("query"), "query")
        return query, args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    media = _media_type()
    if media == FORM:
        form = request.form
        if "update" in form and "query" not in form:
            raise ApiError(400, "this is the query endpoint; send SPARQL updates to /update")
        query = _single(form.getlist("query"), "query")
        return query, form.getlist("default-graph-uri"), form.getlist("named-graph-uri")
    if media == SPARQL_QUERY:
        if "query" in request.args:
            raise ApiError(400, "the query is the request body; do not also give ?query=")
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ApiError(415, f"a query body must be UTF-8, not {charset!r}")
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ApiError(400, f"the query body is not valid UTF-8: {err}") from None
        args = request.args
        return text, args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    raise ApiError(
        415,
        f"unsupported request body type {media or '(none)'!r}: POST a query as "
        f"{FORM} (field 'query') or as {SPARQL_QUERY}",
    )


def _browser_without_format() -> bool:
    """True for a browser's page load: text/html named in Accept and preferred over every RDF
    format, no ``format=``. Protocol clients (``*/*``, RDF types) keep the service description."""
    if request.args.get("format"):
        return False
    accept = request.accept_mimetypes
    rdf_types = [f.media_type for f in formats.formats_for(formats.GRAPH)]
    best = accept.best_match(["text/html", *rdf_types], default=None)
    named = {value.lower() for value, _quality in accept}  # listed by name, not via */*
    return best == "text/html" and "text/html" in named


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query, default_graphs, named_graphs = _read_request()
    svc = services()
    timeout = executor.request_timeout(svc.config)  # a bad timeout= is a 400 even without a query
    if query is None:
        if request.method == "POST":
            raise ApiError(400, "missing 'query' parameter")
        if _browser_without_format():  # a person opened /sparql: give them the editor
            from kg.web.home import editor_page

            return editor_page()
        return render_result(
            svc.describer.service_description(request.base_url),
            kind=formats.GRAPH,
            format_param=request.args.get("format"),
            filename="service-description",
        )
    if not query.strip():
        raise ApiError(400, "the query is empty")
    dataset_given = bool(default_graphs or named_graphs)
    # Guarded (SERVICE allow-list) and run with a timeout in a worker process: kg.web.executor.
    return executor.answer(
        query,
        default_graphs=default_graphs if dataset_given else None,
        named_graphs=named_graphs if dataset_given else None,
        format_param=request.values.get("format"),
        timeout=timeout,
    )


@blueprint.route("/.well-known/void")
def void() -> Response:
    svc = services()
    endpoint = request.host_url + "sparql"
    return render_result(
        svc.describer.void(endpoint),
        kind=formats.GRAPH,
        format_param=request.args.get("format"),
        filename="void",
    )
