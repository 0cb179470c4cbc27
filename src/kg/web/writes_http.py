"""Writes over HTTP: SPARQL 1.1 Update (``/update``) and the Graph Store Protocol (``/store``).

Both are off unless the operator sets a write token (``KG_WRITE_TOKEN`` or ``kg serve
--write-token``); then every request needs ``Authorization: Bearer <token>`` (401 without,
403 with a wrong one; compared in constant time). Each write is validated against the SHACL
shapes before it is committed (422 with the violations otherwise) — see ``kg.store.writes``.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import threading
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, request

from kg.store import guard
from kg.store.base import STAGING_PREFIX, LoadError, QueryError, rdf_format_for_media_type
from kg.web import body_guard
from kg.web.http_common import ApiError, render_result, services
from kg.web.update_dataset import DatasetError, with_protocol_dataset

if TYPE_CHECKING:
    from kg.store.writes import Graph, Writer, WriteRejected

# ``kg.store.writes`` (the SHACL engine, rdflib: ~0.3 s) is imported by the first write, or by
# ``warm_up`` once the service has started, not by the start-up every restart waits for.

blueprint = Blueprint("writes", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_UPDATE = "application/sparql-update"
ENABLE_HINT = (
    "writes are disabled on this service; the operator enables them by setting a write token "
    "(environment variable KG_WRITE_TOKEN, or `kg serve --write-token TOKEN`), and clients then "
    "send `Authorization: Bearer TOKEN`"
)


def writer() -> Writer:
    return writer_for(services())


_WRITER_LOCK = threading.Lock()


def writer_for(svc: Any) -> Writer:
    with _WRITER_LOCK:
        found = svc.extras.get("writer")
        if found is None:
            # no checkpoint for the query workers per write (~200 ms each): the executor takes
            # one before the next query when the store version moved, so reads see every write
            projection = svc.extras.get("projection")  # patched after each write, not rebuilt
            observers = [projection] if projection is not None else []
            from kg.store.writes import Writer

            found = svc.extras.setdefault("writer", Writer(svc.store, observers=observers))
        return found


def warm_up(svc: Any) -> None:
    """Prepare the writer before the first write arrives (shapes and rules read and compiled;
    pyshacl imported when writes will need it), so the first write pays none of it. Runs in
    a background thread when writes are enabled."""
    try:
        found = writer_for(svc)
        if not found.fast:
            import pyshacl  # noqa: F401 - a second or more to import, once
    except Exception:  # noqa: BLE001 - the first write will report whatever is wrong
        pass


def authorise() -> None:
    """401 without credentials, 403 with wrong ones or when writes are off."""
    token = services().config.write_token
    if not token:
        raise ApiError(403, ENABLE_HINT)
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "this endpoint needs `Authorization: Bearer <write token>`")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "the write token is not valid")


@blueprint.after_request
def _challenge(response: Response) -> Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kg"'
    return response


def _rejected(err: WriteRejected) -> ApiError:
    return ApiError(
        422,
        f"the write would break {len(err.violations)} SHACL constraint(s); nothing was changed",
        violations=[dataclasses.asdict(v) for v in err.violations],
    )


def _commit(action: Any, *args: Any) -> Any:
    from kg.store.writes import WriteRejected

    try:
        return action(*args)
    except WriteRejected as err:
        raise _rejected(err) from None
    except QueryError as err:
        raise ApiError(400, f"malformed update: {err}") from None
    except LoadError as err:
        raise ApiError(400, f"unreadable RDF: {err}") from None


# -- SPARQL 1.1 Update ------------------------------------------------------------------------
@blueprint.route("/update", methods=["POST"])
def update() -> Response:
    authorise()
    media = (request.mimetype or "").lower()
    if media == FORM:
        form = request.form
        if "query" in form and "update" not in form:
            raise ApiError(400, "this is the update endpoint; send queries to /sparql")
        updates = form.getlist("update")
        if len(updates) > 1:
            raise ApiError(400, f"give exactly one 'update' parameter, not {len(updates)}")
        text = updates[0] if updates else None
        using, using_named = form.getlist("using-graph-uri"), form.getlist("using-named-graph-uri")
    elif media == SPARQL_UPDATE:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise ApiError(415, f"an update body must be UTF-8, not {charset!r}")
        if "update" in request.args:
            raise ApiError(400, "the update is the request body; do not also give ?update=")
        try:
            text = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ApiError(400, f"the update body is not valid UTF-8: {err}") from None
        args = request.args
        using, using_named = args.getlist("using-graph-uri"), args.getlist("using-named-graph-uri")
    else:
        raise ApiError(
            415,
            f"unsupported request body type {media or '(none)'!r}: POST an update as "
            f"{FORM} (field 'update') or as {SPARQL_UPDATE}",
        )
    if text is None:
        raise ApiError(400, "missing 'update' parameter")
    if not text.strip():
        raise ApiError(400, "the update is empty")
    try:
        text = with_protocol_dataset(text, using, using_named)
    except DatasetError as err:
        raise ApiError(400, str(err)) from None
    try:
        guard.check_nesting(text, what="update")
        guard.check(text, services().config, what="update")
    except (guard.OutboundRefused, guard.TooComplex) as err:
        raise ApiError(400, str(err)) from None
    try:
        body_guard.check_update(text, services().config)
    except body_guard.BodyRefused as err:
        raise ApiError(err.status, err.message) from None
    _commit(writer().update, text)
    return Response(status=204)


# -- Graph Store HTTP Protocol ----------------------------------------------------------------
#: What a direct graph IRI's path may keep unencoded (RFC 3986 pchar and "/").
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def _checked_graph(iri: str) -> str:
    try:
        node = ox.NamedNode(iri)
    except ValueError as err:
        raise ApiError(400, f"graph must be an absolute IRI: {err}") from None
    if ":" not in iri:
        raise ApiError(400, f"graph must be an absolute IRI, got {iri!r}")
    cfg = services().config
    if request.method not in ("GET", "HEAD") and (
        node.value == cfg.inferred_graph or node.value.startswith(STAGING_PREFIX)
    ):
        raise ApiError(
            400, f"<{node.value}> is computed by the service after every write; it cannot be set"
        )
    return node.value


def _direct_graph(rest: str) -> str:
    """Direct identification (GSP §4.1): the request's own URL names the graph. The URL is
    taken under the service's base IRI, so it is the IRI clients see in every answer."""
    if "graph" in request.args or "default" in request.args:
        raise ApiError(400, "name the graph once: by the URL /store/… or by ?graph=/?default")
    return _checked_graph(services().config.base_iri + "store/" + quote(rest, safe=_PATH_SAFE))


def _target() -> Graph:
    """Indirect identification (GSP §4.2): ``?graph=<IRI>`` or ``?default``."""
    args = request.args
    has_default = "default" in args
    if args.get("default"):
        raise ApiError(400, "?default takes no value (it names the default graph)")
    iri = args.get("graph")
    if has_default == (iri is not None):
        raise ApiError(400, "name the graph: give exactly one of ?graph=<IRI> or ?default")
    if iri is None:
        return None
    return _checked_graph(iri)


def _unsupported(media: str) -> ApiError:
    return ApiError(
        415,
        f"unsupported body type {media or '(none)'!r}: send text/turtle, application/n-triples, "
        "application/ld+json, application/rdf+xml, or multipart/form-data parts of those (POST)",
    )


def _check_json_ld_document(data: bytes) -> None:
    """JSON-LD 1.1 §9: a document is a JSON object or array; a bare number or string is not."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as err:
        raise ApiError(400, f"the JSON-LD body is not valid JSON: {err}") from None
    if not isinstance(document, dict | list):
        raise ApiError(
            400, f"a JSON-LD document is an object or an array, not {type(document).__name__}"
        )


def _rdf_part(data: bytes, media: str) -> ox.RdfFormat:
    """The triples format of one body (or multipart part), after the parser-safety checks."""
    media = media.split(";")[0].strip().lower()
    fmt = rdf_format_for_media_type(media) if media else None
    if fmt is None or fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        raise _unsupported(media)
    try:
        guard.check_rdf_nesting(data, media)
    except guard.TooComplex as err:
        raise ApiError(400, str(err)) from None
    try:  # before any parser runs: entity bombs, then oversized literals
        if fmt == ox.RdfFormat.RDF_XML:
            body_guard.check_xml_entities(data)
        body_guard.check_literals(data, fmt, services().config)
    except body_guard.BodyRefused as err:
        raise ApiError(err.status, err.message) from None
    if fmt == ox.RdfFormat.JSON_LD:
        _check_json_ld_document(data)
    return fmt


def _body(graph: Graph) -> tuple[bytes, ox.RdfFormat]:
    """The request's RDF. A ``multipart/form-data`` POST (GSP §5.5) carries several RDF
    documents: each is parsed with its own type (blank nodes kept apart) and they are merged
    into one N-Triples body, so the write stays one validated transaction."""
    media = (request.mimetype or "").lower()
    if media != "multipart/form-data":
        data = request.get_data(cache=False)
        return data, _rdf_part(data, media)
    if request.method != "POST":
        raise ApiError(415, "multipart/form-data bodies are for POST (merge) only")
    parts = list(request.files.values())
    if not parts:
        raise ApiError(400, "the multipart/form-data body has no file parts")
    triples: list[ox.Triple] = []
    base = graph or services().config.base_iri
    for part in parts:
        data = part.read()
        fmt = _rdf_part(data, part.content_type or "")
        try:
            for quad in ox.parse(data, format=fmt, base_iri=base, rename_blank_nodes=True):
                triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        except (SyntaxError, ValueError) as err:
            raise ApiError(400, f"unreadable RDF in part {part.name!r}: {err}") from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), ox.RdfFormat.N_TRIPLES


def _handle(graph: Graph, *, created_location: bool = False) -> Response:
    w = writer()
    if request.method in ("GET", "HEAD"):
        if not w.graph_exists(graph):
            raise ApiError(404, f"no graph <{graph}> in the store")
        return render_result(
            w.triples(graph),
            kind="graph",
            format_param=request.args.get("format"),
            filename="graph",
        )
    if request.method == "DELETE":
        if not w.graph_exists(graph):
            raise ApiError(404, f"no graph <{graph}> in the store")
        _commit(w.delete, graph)
        return Response(status=204)
    data, fmt = _body(graph)
    action = w.put if request.method == "PUT" else w.post
    created = _commit(action, graph, data, fmt)
    response = Response(status=201 if created else 204)
    if created_location:
        response.headers["Location"] = graph
    return response


@blueprint.route("/store", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    authorise()
    if request.method == "POST" and not request.args:
        # GSP §5.5: POST to the graph store itself creates a new graph; its IRI (a direct
        # identification URL under /store/) is returned in Location with 201 Created.
        graph = _checked_graph(services().config.base_iri + "store/" + uuid.uuid4().hex)
        return _handle(graph, created_location=True)
    return _handle(_target())


@blueprint.route("/store/<path:rest>", methods=["GET", "HEAD", "PUT", "POST", "DELETE"])
def graph_store_direct(rest: str) -> Response:
    authorise()
    return _handle(_direct_graph(rest))
