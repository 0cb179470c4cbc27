"""Linked Data: every entity IRI is also a web address (Cool URIs, direct content negotiation).

``GET /id/place/yancheng`` answers HTML to browsers and RDF (Turtle, N-Triples, JSON-LD,
RDF/XML) to RDF clients from the same URL, with ``Vary: Accept`` and a ``Content-Location``
naming the format-specific variant (``?format=ttl``). No 303 hop: one round trip, and the IRI
stays what the user sees. The description is the entity's symmetric concise bounded
description (its arcs in and out, blank nodes expanded) plus the labels of its neighbours.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from kg import formats
from kg.graph import resolver, source_text, traversal
from kg.graph.projection import KINDS, Snapshot
from kg.web.http_common import ApiError, current_snapshot, render_result, services

blueprint = Blueprint("ld", __name__)

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HTML = "text/html"

Q_OUT = """SELECT ?e ?p ?o ?p2 ?o2 WHERE {
  ?e ?p ?o . OPTIONAL { FILTER(isBlank(?o)) ?o ?p2 ?o2 }
}"""
Q_IN = "SELECT ?e ?s ?p WHERE { ?s ?p ?e }"
#: Labels of a fixed set of IRIs; the set is written as a VALUES block of terms that came out of
#: the store (pyoxigraph serialises them as valid N-Triples), never of request text.
Q_LABELS_OF = "SELECT ?n ?l WHERE {{ VALUES ?n {{ {terms} }} ?n rdfs:label ?l }}"
Q_EXISTS = "SELECT ?e WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"


#: The only IRI schemes that become links in HTML: anything else (``javascript:``, ``data:``,
#: ``vbscript:``…) a write could plant is shown as text, whatever the CSP would have done.
LINK_SCHEMES = ("http://", "https://", "mailto:")


def local_href(iri: str | None) -> str | None:
    """Links inside our IRI space become site-relative paths, so pages work on any host/port;
    other http(s)/mailto IRIs link out; any other scheme gives None (templates show text)."""
    if not iri:
        return None
    base = services().config.base_iri
    if iri.startswith(base):
        return "/" + iri[len(base) :].replace("#", "#", 1)
    if iri.lower().startswith(LINK_SCHEMES):
        return iri
    return None


def describe(iri: str) -> list[ox.Triple]:
    """Symmetric CBD plus neighbour labels, bound by substitution (the IRI is never spliced)."""
    store = services().store
    entity = {"e": ox.NamedNode(iri)}
    triples: set[ox.Triple] = set()
    for row in store.select(Q_OUT, entity):
        triples.add(ox.Triple(row["e"], row["p"], row["o"]))
        if "p2" in row:
            triples.add(ox.Triple(row["o"], row["p2"], row["o2"]))
    for row in store.select(Q_IN, entity):
        triples.add(ox.Triple(row["s"], row["p"], row["e"]))
    label = ox.NamedNode(RDFS_LABEL)
    neighbours = {
        term
        for t in triples
        for term in (t.subject, t.object)
        if isinstance(term, ox.NamedNode) and term.value != iri
    }
    if neighbours:
        terms = " ".join(sorted(map(str, neighbours)))
        for row in store.select(Q_LABELS_OF.format(terms=terms)):
            triples.add(ox.Triple(row["n"], label, row["l"]))
    return sorted(triples, key=str)


def _wants_html() -> bool:
    if request.args.get("format"):
        return request.args["format"].lower() in ("html", HTML)
    accept = request.accept_mimetypes
    if not accept:
        return True
    rdf_types = [f.media_type for f in formats.formats_for(formats.GRAPH)]
    best = accept.best_match([HTML, "application/xhtml+xml", *rdf_types], default=None)
    return best in (HTML, "application/xhtml+xml")


@blueprint.route("/id/<path:local>")
def entity(local: str) -> Response | str:
    iri = services().config.base_iri + "id/" + local
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        abort(404)
    if not services().store.select(Q_EXISTS, {"e": node}):
        raise _not_found(local.rsplit("/", 1)[-1])
    if not _wants_html():
        response = render_result(
            describe(iri), kind=formats.GRAPH, filename=local.replace("/", "-")
        )
        fmt = formats.negotiate(
            formats.GRAPH, request.headers.get("Accept"), request.args.get("format")
        )
        response.headers["Content-Location"] = f"{request.path}?format={fmt.name}"
        return response
    snap = current_snapshot()
    if iri in snap.graph:
        body = render_template("place.html", **place_context(snap, iri))
    elif iri in snap.relations:
        body = render_template("relation.html", **relation_context(snap, iri))
    elif local.startswith("source/"):
        body = render_template("source.html", **source_context(snap, iri))
    else:
        body = render_template("entity.html", **generic_context(snap, iri))
    return _html(body)


def _html(body: str) -> Response:
    response = Response(body, mimetype=HTML)
    response.headers["Vary"] = "Accept"
    return response


def _not_found(name: str) -> ApiError:
    snap = current_snapshot()
    try:
        hints = resolver.suggestions(snap, name)
    except resolver.ResolveError:
        hints = []
    if _wants_html():
        page = render_template("not_found.html", name=name, suggestions=hints, href=local_href)
        raise _HtmlError(page, 404)
    return ApiError(
        404,
        f"no entity {request.path}; try /search?q={quote(name)}",
        suggestions=[{**h, "href": local_href(h["id"])} for h in hints],
    )


class _HtmlError(Exception):
    def __init__(self, page: str, status: int) -> None:
        self.page, self.status = page, status


@blueprint.app_errorhandler(_HtmlError)
def _html_error(err: _HtmlError) -> Response:
    response = _html(err.page)
    response.status_code = err.status
    return response


# -- page contexts -------------------------------------------------------------------------
def _breadcrumb(snap: Snapshot, iri: str) -> list[dict[str, Any]]:
    """Ancestors top-down, with the region users think in (长三角 › 江苏省 › …) above the first
    ancestor that belongs to one, in place of the units above it (the country)."""
    chain = [traversal.place_ref(snap, a) for a in reversed(snap.ancestors(iri))]
    for index, unit in enumerate(chain):
        regions = _regions_of(unit["id"])
        if regions:
            return [traversal.place_ref(snap, regions[0]), *chain[index:]]
    return chain


def _regions_of(iri: str) -> list[str]:
    rows = services().store.select(
        """SELECT ?e ?region (COUNT(?m) AS ?size) WHERE {
             { ?region yrd:hasMember ?e } UNION { ?e yrd:memberOf ?region }
             ?region yrd:hasMember ?m
           } GROUP BY ?e ?region ORDER BY DESC(?size)""",
        {"e": ox.NamedNode(iri)},
    )
    return [r["region"].value for r in rows]


def place_context(snap: Snapshot, iri: str) -> dict[str, Any]:
    details = traversal.place_details(snap, iri)
    order = [*KINDS.values(), "other"]  # the ontology's order of relation classes
    details["relations"] = dict(
        sorted(
            details["relations"].items(),
            key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order),
        )
    )
    return {
        "place": details,
        "breadcrumb": _breadcrumb(snap, iri),
        "map_svg": partner_map(snap, iri),
        "href": local_href,
        "api_name": (local_href(iri) or iri).lstrip("/"),
        "describe_query": f"DESCRIBE <{iri}>",
    }


def relation_context(snap: Snapshot, iri: str) -> dict[str, Any]:
    rel = snap.relations[iri]
    parties = [
        {**traversal.place_ref(snap, p), "roles": roles}
        for p, roles in sorted(rel["roles"].items())
        if p in snap.graph
    ]
    return {
        "rel": rel,
        "parties": parties,
        "orgs": [{"id": o, "label": snap.label(o)} for o in rel["orgs"]],
        "host": traversal.place_ref(snap, rel["host"]) if rel.get("host") else None,
        "href": local_href,
        "describe_query": f"DESCRIBE <{iri}>",
        "properties": _properties(snap, iri),
    }


def source_context(snap: Snapshot, iri: str) -> dict[str, Any]:
    facts = [
        {
            "rel": rel,
            "quotes": [s["quote"] for s in rel["sources"] if s["id"] == iri],
            "parties": [traversal.place_ref(snap, p) for p in rel["roles"] if p in snap.graph],
        }
        for rel in sorted(snap.relations.values(), key=lambda r: (r["kind"], r["id"]))
        if any(s["id"] == iri for s in rel["sources"])
    ]
    svc = services()
    text = source_text.article_text(svc.store, svc.config.data_dirs, iri)
    return {
        "iri": iri,
        "label": snap.label(iri),
        "properties": _properties(snap, iri),
        "facts": facts,
        "article": source_text.segments(text, facts) if text else None,
        "href": local_href,
        "describe_query": f"DESCRIBE <{iri}>",
    }


def generic_context(snap: Snapshot, iri: str) -> dict[str, Any]:
    incoming = services().store.select(Q_IN, {"e": ox.NamedNode(iri)})
    return {
        "iri": iri,
        "label": snap.label(iri),
        "properties": _properties(snap, iri),
        "incoming": sorted(
            {
                (r["s"].value, r["p"].value, _short(r["p"].value))
                for r in incoming
                if isinstance(r["s"], ox.NamedNode)
            }
        ),
        "label_of": snap.label,
        "href": local_href,
        "describe_query": f"DESCRIBE <{iri}>",
    }


def _short(iri: str) -> str:
    for prefix, ns in services().config.prefixes().items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _properties(snap: Snapshot, iri: str) -> list[dict[str, Any]]:
    """Outgoing arcs as (predicate, value) rows; blank nodes (derivations) flattened one level."""
    rows = []
    for row in services().store.select(Q_OUT, {"e": ox.NamedNode(iri)}):
        obj = row["o"]
        if isinstance(obj, ox.BlankNode):
            if "p2" not in row:
                continue
            path = [row["p"].value, row["p2"].value]
            obj = row["o2"]
        else:
            path = [row["p"].value]
        # ``p`` (CURIEs) sorts and is shown where a term has no label; ``path`` are the IRIs.
        pred = " › ".join(_short(p) for p in path)
        if isinstance(obj, ox.NamedNode):
            rows.append({"p": pred, "path": path, "iri": obj.value, "text": snap.label(obj.value)})
        elif isinstance(obj, ox.Literal):
            lang = f" @{obj.language}" if obj.language else ""
            rows.append({"p": pred, "path": path, "iri": None, "text": obj.value + lang})
    unique = {(r["p"], r["iri"], r["text"]): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["p"], r["text"]))


def partner_map(snap: Snapshot, iri: str, size: int = 320) -> dict[str, Any] | None:
    """Positions for a small inline SVG: the place and its partners on their coordinates."""
    graph = snap.graph.to_undirected(as_view=True)
    if iri not in graph:
        return None
    ids = [iri, *sorted(set(graph.neighbors(iri)) - {iri})]
    located = [n for n in ids if graph.nodes[n].get("lat") is not None]
    if iri not in located:
        return None
    lats = [graph.nodes[n]["lat"] for n in located]
    lons = [graph.nodes[n]["lon"] for n in located]
    pad = 0.3
    lo_lat, hi_lat = min(lats) - pad, max(lats) + pad
    lo_lon, hi_lon = min(lons) - pad, max(lons) + pad
    scale = (size - 40) / max(hi_lat - lo_lat, (hi_lon - lo_lon) * math.cos(math.radians(32)), 0.1)

    def xy(n: str) -> tuple[float, float]:
        d = graph.nodes[n]
        x = 20 + (d["lon"] - lo_lon) * math.cos(math.radians(32)) * scale
        y = 20 + (hi_lat - d["lat"]) * scale
        return round(x, 1), round(y, 1)

    points = [
        {"id": n, "label": snap.label(n), "href": local_href(n), "xy": xy(n), "centre": n == iri}
        for n in located
    ]
    width = max(p["xy"][0] for p in points) + 60
    height = max(p["xy"][1] for p in points) + 30
    return {"points": points, "centre": xy(iri), "width": width, "height": height}


# -- index, search, ontology ---------------------------------------------------------------
@blueprint.route("/places")
def places() -> str:
    snap = current_snapshot()
    groups: dict[str, dict[str, Any]] = {}
    degree = snap.graph.to_undirected(as_view=True).degree
    for node, data in snap.graph.nodes(data=True):
        key = data.get("province") or ""
        group = groups.setdefault(
            key,
            {
                "province": traversal.place_ref(snap, key) if key else None,
                "places": [],
                "relations": 0,
            },
        )
        group["places"].append({**traversal.place_ref(snap, node), "degree": degree(node)})
        group["relations"] += degree(node)
    ordered = sorted(groups.values(), key=lambda g: (g["province"] is None, -len(g["places"])))
    for group in ordered:
        group["places"].sort(key=lambda p: (-p["degree"], p["label_zh"]))
    return render_template("places.html", groups=ordered, href=local_href)


@blueprint.route("/search")
def search() -> Response | str:
    q = request.args.get("q", "")
    snap = current_snapshot()
    try:
        found = resolver.matches(snap, q) if q.strip() else []
    except resolver.BadName as err:
        return Response(
            render_template(
                "search.html", q=q, error=str(err), matches=[], suggestions=[], href=local_href
            ),
            status=400,
        )
    if len(found) == 1:
        return redirect(local_href(found[0]["id"]) or url_for("ld.places"), code=303)
    hints = [] if found or not q.strip() else resolver.suggestions(snap, q)
    return render_template(
        "search.html", q=q, error=None, matches=found, suggestions=hints, href=local_href
    )


@blueprint.route("/ontology")
def ontology() -> Response | str:
    config = services().config
    ns = config.ontology_ns
    store = services().store
    if not _wants_html():
        prefix = config.base_iri + "graph/ontology/"
        graphs = [g for g in store.named_graphs() if g.startswith(prefix)]
        triples = store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=graphs, named_graphs=[]
        )
        return render_result(triples, kind=formats.GRAPH, filename="ontology")
    rows = store.select(
        """SELECT ?term ?kind ?zh ?en ?def WHERE {
             ?term a ?kind . FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
             OPTIONAL { ?term rdfs:label ?zh FILTER(lang(?zh) = "zh-hans") }
             OPTIONAL { ?term rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }
             OPTIONAL { ?term skos:definition ?def FILTER(langMatches(lang(?def), "en")) }
           }"""
    )
    terms: dict[str, dict[str, Any]] = {}
    for r in rows:
        if not r["term"].value.startswith(ns):
            continue
        local = r["term"].value[len(ns) :]
        terms.setdefault(
            local,
            {
                "local": local,
                "kind": r["kind"].value.rsplit("#", 1)[-1],
                "zh": r["zh"].value if "zh" in r else "",
                "en": r["en"].value if "en" in r else "",
                "definition": r["def"].value if "def" in r else "",
            },
        )
    ordered = sorted(terms.values(), key=lambda t: (t["kind"] != "Class", t["local"]))
    return render_template("ontology.html", terms=ordered, ns=ns)
