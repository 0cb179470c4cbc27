"""``POST /api/ingest`` (candidates, no write), ``POST /api/ingest/accept`` (token: write the
reviewed facts into the article's own named graph) and the ``/ingest`` review page.

Accepting goes through the curated-file builder (same checks as ``kg build``: known places,
verbatim quotes, kinds and fields) and then the validated write path (SHACL, atomic, token), so
the page cannot write anything a curator's file could not. Removing an article is deleting its
graph (``DELETE /store?graph=…``), which the page offers too.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request

from kg.curation.curated import CurationError, Vocabulary
from kg.curation.curated_build import build_text
from kg.curation.ingest import IngestError, Meta, analyse
from kg.curation.ingest_context import for_store, to_json
from kg.curation.ingest_write import AcceptError, facts_document, source_slug, text_file_name
from kg.graph import gazetteer
from kg.web.http_common import ApiError, services
from kg.web.writes_http import _commit, authorise, writer

blueprint = Blueprint("ingest", __name__)
META_KEYS = ("title", "date", "url", "publisher", "place")
MAX_BODY = 1_000_000


def _json_body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, f"request body over {MAX_BODY} bytes")
    if request.mimetype == "text/plain":
        return {"text": request.get_data(as_text=True), **request.args.to_dict()}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, 'send JSON {"text": "…", "title": …} or text/plain')
    return data


def _meta(data: dict[str, Any]) -> Meta:
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else data
    values = {k: meta.get(k) for k in META_KEYS}
    for key, value in values.items():
        if value is not None and not isinstance(value, str):
            raise ApiError(400, f"{key} must be text")
    date = values["date"]
    if date and not re.fullmatch(r"(19|20)\d\d(-\d\d(-\d\d)?)?", date):
        raise ApiError(400, f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {date!r}")
    return Meta(**values)


@blueprint.route("/api/ingest", methods=["POST"])
def ingest() -> Response:
    data = _json_body()
    meta = _meta(data)
    ctx = for_store(services().store)
    try:
        result = analyse(data.get("text"), meta, ctx.index, ctx.domains)  # type: ignore[arg-type]
    except IngestError as err:
        raise ApiError(400, str(err)) from None
    out = to_json(ctx, result)
    out["source"] = source_slug(result.text)
    return jsonify(out)


@blueprint.route("/api/ingest/accept", methods=["POST"])
def accept() -> Response:
    authorise()
    data = _json_body()
    text, candidates = data.get("text"), data.get("candidates")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "text (the article) is required")
    if not isinstance(candidates, list) or not candidates:
        raise ApiError(400, "candidates: accept at least one")
    meta = _meta(data)
    store = services().store
    ctx = for_store(store)
    base = store.config.base_iri
    slug = source_slug(text)
    try:
        document = facts_document(
            candidates,
            text=text,
            meta=meta.article(),
            slug=slug,
            file_name=text_file_name(text, 900),
            base=base,
            index=ctx.index,
        )
        vocab = Vocabulary(store, base)
        graph = f"{base}graph/article/{slug}"
        _drop_own(vocab, graph, store)
        built = build_text(
            document,
            text,
            vocab,
            gazetteer.load(gazetteer.find_file(store.config.data_dirs)),
            with_text=True,
        )
    except AcceptError as err:
        raise ApiError(400, str(err)) from None
    except CurationError as err:
        # the lines of the problems are lines of curated_yaml, the facts as they would be filed
        raise ApiError(
            422, "the accepted facts are not valid", problems=err.problems, curated_yaml=document
        ) from None
    turtle = next(iter(built.outputs.values()))
    created = _commit(writer().put, graph, turtle.encode("utf-8"), ox.RdfFormat.TURTLE)
    return jsonify(
        {
            "graph": graph,
            "source": f"{base}id/source/{slug}",
            "facts": sorted(built.where),
            "created": created,
            "curated_yaml": document,
        }
    ), 201 if created else 200


def _drop_own(vocab: Vocabulary, graph: str, store: Any) -> None:
    """Accepting an article again replaces its graph: its own ids are not "already defined"."""
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    for row in rows:
        value = row[0].value if isinstance(row[0], ox.NamedNode) else ""
        if value.startswith(vocab.base):
            vocab.subjects.discard(value[len(vocab.base) :])
    vocab.codes = {c: p for c, p in vocab.codes.items() if vocab.known(p)}


@blueprint.route("/ingest", methods=["GET"])
def page() -> str:
    return render_template("ingest.html")
