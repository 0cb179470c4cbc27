"""The front door: the home page (``/``), the SPARQL editor (``/query``, and ``/sparql`` for
browsers) and the named queries as forms (``/query/<name>``).

The editor itself is CodeMirror 6 with its SPARQL mode, built once into
``static/vendor/codemirror.js`` (``tools/editor``); ``static/query.js`` wires it to this service:
completion of our prefixes and ontology terms (sent with the page) and of place names (from
``/api/resolve``), error marks from the 400 messages' ``line:column``, result tables, downloads.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from kg import formats
from kg.graph import overview
from kg.store.named_queries import NamedQuery
from kg.web.http_common import current_snapshot, services
from kg.web.linked_data import local_href
from kg.web.terms import page_language, term_labels

blueprint = Blueprint("home", __name__)

DEFAULT_QUERY = """SELECT ?class (COUNT(?s) AS ?n)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?n)"""

#: Ontology terms offered by completion: their kind as the editor shows it. Only IRIs: OWL
#: restrictions are blank-node classes, and a remote store's blank-node ids may not even parse.
Q_VOCABULARY = """SELECT DISTINCT ?term ?type WHERE {
  ?term a ?type .
  FILTER(?type IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:NamedIndividual))
  FILTER(isIRI(?term))
}"""
TERM_TYPES = {
    "Class": "class",
    "ObjectProperty": "property",
    "DatatypeProperty": "property",
    "NamedIndividual": "individual",
}


_LOCAL_NAME = re.compile(r"[A-Za-z_][\w-]*")


def _curie(iri: str, prefixes: dict[str, str]) -> str | None:
    """``yrd:Pairing`` for a term a prefix can write (a plain local name), else None."""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and _LOCAL_NAME.fullmatch(iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return None


def vocabulary() -> list[dict[str, Any]]:
    """Our ontology's classes, properties and individuals for completion, with both labels."""
    svc = services()
    prefixes = svc.config.prefixes()
    labels = term_labels()

    def compute() -> list[dict[str, Any]]:
        terms: dict[str, dict[str, Any]] = {}
        for row in svc.store.select(Q_VOCABULARY):
            iri = row["term"].value
            curie = _curie(iri, prefixes)
            kind = TERM_TYPES.get(row["type"].value.rsplit("#", 1)[-1])
            if not curie or not kind or not iri.startswith(svc.config.ontology_ns):
                continue
            entry = terms.setdefault(
                curie,
                {
                    "curie": curie,
                    "iri": iri,
                    "kind": kind,
                    "zh": labels.label(iri, "zh-Hans"),
                    "en": labels.label(iri, "en"),
                },
            )
            if kind == "class":  # a class that is also an individual completes as a class
                entry["kind"] = kind
        return sorted(terms.values(), key=lambda t: t["curie"])

    return current_snapshot().cached("editor-vocabulary", compute)


def _result_formats() -> dict[str, list[dict[str, str]]]:
    """Download formats per answer shape: the same list content negotiation serves."""
    shapes = {
        "solutions": formats.SOLUTIONS,
        "boolean": formats.BOOLEAN,
        "graph": formats.GRAPH,
    }
    return {
        shape: [
            {"name": f.name, "type": f.media_type, "ext": f.extension}
            for f in formats.formats_for(kind)
        ]
        for shape, kind in shapes.items()
    }


def editor_data() -> dict[str, Any]:
    """What query.js needs, sent inside the page (no extra round trips, nothing external)."""
    svc = services()
    return {
        "base": svc.config.base_iri,
        "prefixes": svc.config.prefixes(),
        "vocabulary": vocabulary(),
        "formats": _result_formats(),
        "lang": page_language(),
        "named": [
            {"name": q.name, "title": q.title, "url": url_for("home.named_form", name=q.name)}
            for q in svc.queries.values()
        ],
    }


def editor_page(query: str | None = None) -> Response:
    """The editor, with ``query`` (from a shared URL) in it and run on load."""
    body = render_template(
        "query.html",
        initial_query=query if query is not None else DEFAULT_QUERY,
        run_on_load=query is not None,
        editor_json=json.dumps(editor_data(), ensure_ascii=False).replace("</", "<\\/"),
    )
    response = Response(body, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/")
def index() -> Response | str:
    if request.args.get("query") is not None:  # links of the old front page still work
        return redirect(url_for("home.query_editor", query=request.args["query"]), code=301)
    svc = services()
    snap = current_snapshot()
    facts = overview.overview(svc.store, snap)
    return render_template(
        "index.html",
        facts=facts,
        # Questions about a place first: "every partner of 盐城" is where most people start.
        questions=sorted(
            (named_question(q) for q in svc.queries.values()),
            key=lambda q: (not any(f["place"] for f in q["fields"]), q["name"]),
        ),
        href=local_href,
        query_link=lambda text: url_for("home.query_editor", query=text),
    )


@blueprint.route("/query")
def query_editor() -> Response:
    return editor_page(request.args.get("query"))


def _field(param: Any) -> dict[str, Any]:
    """A form field for a named query's typed parameter."""
    default = param.default or ""
    is_place = param.type == "place" or (param.type == "iri" and "/place/" in default)
    is_source = param.type == "iri" and "/source/" in default
    field = {
        "name": param.name,
        "type": param.type,
        "default": default,
        "place": is_place,
        "source": is_source,
    }
    if (is_place or is_source) and default:
        snap = current_snapshot()
        iri = default if ":" in default else services().config.base_iri + default
        ref = snap.ref(iri) or {}
        english = page_language() == "en" and ref.get("label_en")
        field["shown"] = ref["label_en"] if english else snap.label(iri)
    else:
        field["shown"] = default
    return field


_QUESTION = re.compile(r"^#\s*question(-en)?\s*:\s*(.+?)\s*$")


def _questions(text: str) -> dict[str, str]:
    """The plain-language question lines of a query's comment header (``# question:`` in
    Chinese, ``# question-en:`` in English); ``{param}`` marks where a parameter goes."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _QUESTION.match(line)
        if match:
            found["en" if match.group(1) else "zh-Hans"] = match.group(2)
    return found


def named_question(query: NamedQuery) -> dict[str, Any]:
    """A named query as a question in the page's language, its parameters filled with their
    defaults' names (盐城 rather than id/place/yancheng)."""
    fields = [_field(p) for p in query.parameters]
    asked = _questions(query.text)
    question = asked.get(page_language()) or asked.get("zh-Hans") or query.title
    for field in fields:
        question = question.replace("{" + field["name"] + "}", field["shown"] or field["name"])
    return {
        "name": query.name,
        "title": query.title,
        "question": question,
        "description": query.description,
        "url": url_for("home.named_form", name=query.name),
        "parameters": [p.name for p in query.parameters],
        "fields": fields,
    }


@blueprint.route("/query/<name>")
def named_form(name: str) -> Response | str:
    svc = services()
    query = svc.queries.get(name)
    if query is None:
        body = render_template(
            "not_found.html", name=name, suggestions=[], href=local_href, kind="query"
        )
        return Response(body, status=404, mimetype="text/html")
    return render_template(
        "named_query.html",
        q=named_question(query),
        sources=overview.sources(svc.store)
        if any(p.type == "iri" for p in query.parameters)
        else [],
        query_text=query.text,
        api_url=url_for("queries.run_query", name=name),
        editor_json=json.dumps(editor_data(), ensure_ascii=False).replace("</", "<\\/"),
    )
