"""What ingest needs from the graph (places, domains) and what it gives back (JSON, a table).

The same context serves the CLI (from the store, or the bundled files when there is no store
yet) and ``POST /api/ingest`` (from the live store, rebuilt when the store's version changes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.curation.ingest import Analysis, Candidate
from kg.curation.ingest_places import PLACES_QUERY, PlaceIndex, graph_places, simplified
from kg.graph import gazetteer

Select = Callable[[str], list[dict[str, Any]]]

DOMAINS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?label WHERE {{
  ?c a skos:Concept ; skos:prefLabel|skos:altLabel ?label .
  FILTER(STRSTARTS(STR(?c), "{base}id/domain/") && langMatches(lang(?label), "zh"))
}}"""


CHOICES_QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?label ?what WHERE {{
  {{ ?x a <{base}ontology#Scheme> BIND("scheme" AS ?what) }}
  UNION {{ ?x a <{base}ontology#ParkType> BIND("park_type" AS ?what) }}
  ?x rdfs:label ?label FILTER(langMatches(lang(?label), "zh-Hans"))
}}"""


class Context:
    def __init__(self, select: Select, base: str, data_dirs: tuple[Path, ...] = ()) -> None:
        self.base = base
        prefix = base + "id/place/"

        def curie(value: str) -> str:
            return "place:" + value[len(prefix) :] if value.startswith(prefix) else value

        rows = []
        for row in select(PLACES_QUERY.format(base=base)):
            row["iri"] = curie(row["iri"])
            if "parent" in row:
                row["parent"] = curie(row["parent"])
            rows.append(row)
        self.index = PlaceIndex(graph_places(rows), gazetteer.load(gazetteer.find_file(data_dirs)))
        labels: dict[str, list[str]] = {}
        for row in select(DOMAINS_QUERY.format(base=base)):
            slug = row["c"].rsplit("/", 1)[-1]
            label = simplified(row["label"])
            labels.setdefault(slug, []).append(label)
            for tail in ("合作", "协作", "共建"):
                if label.endswith(tail) and len(label) - len(tail) >= 2:
                    labels[slug].append(label[: -len(tail)])
        self.domains = sorted((k, sorted(set(v), key=len, reverse=True)) for k, v in labels.items())
        #: what a reviewer may pick: schemes (a pairing needs one) and park types
        self.choices: dict[str, list[dict[str, str]]] = {"scheme": [], "park_type": []}
        for row in select(CHOICES_QUERY.format(base=base)):
            local = row["x"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            entry = {"id": local, "label_zh": row["label"]}
            if entry not in self.choices[row["what"]]:
                self.choices[row["what"]].append(entry)

    def iri(self, curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return f"{self.base}id/{prefix}/{local}" if prefix == "place" else curie


def store_select(store: Any) -> Select:
    def run(sparql: str) -> list[dict[str, Any]]:
        return [{k: v.value for k, v in row.items()} for row in store.select(sparql)]

    return run


def files_select(data_dirs: tuple[Path, ...], base: str) -> Select:
    """A throw-away in-memory store of the bundled ontology and places (no store yet)."""
    store = ox.Store()
    for folder in data_dirs:
        for name in ("yrd.ttl", "domains.ttl", "places.ttl"):
            path = folder / name
            if path.is_file():
                graph = ox.NamedNode(base + "graph/" + name)
                store.load(
                    path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=graph
                )

    def run(sparql: str) -> list[dict[str, Any]]:
        result = store.query(sparql, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return [
            {n: s[n].value for n in names if s[n] is not None}
            for s in result  # type: ignore[index]
        ]

    return run


_lock = threading.Lock()
_cached: dict[int, tuple[int, Context]] = {}


def for_store(store: Any) -> Context:
    """The context of a live store, rebuilt after a write (version change)."""
    with _lock:
        hit = _cached.get(id(store))
        if hit and hit[0] == store.version:
            return hit[1]
    ctx = Context(store_select(store), store.config.base_iri, store.config.data_dirs)
    with _lock:
        _cached[id(store)] = (store.version, ctx)
    return ctx


# --- output ---------------------------------------------------------------------------------
def candidate_json(ctx: Context, c: Candidate) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "parties": [
            {"iri": ctx.iri(p.iri), "label_zh": p.label_zh, "role": role, "in_graph": p.in_graph}
            for p, role in c.parties
        ],
        "shape": c.shape,
        "name": c.name,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
        "date": c.date,
        "domains": c.domains,
        "confidence": c.confidence,
        "evidence": c.evidence,
    }


def to_json(ctx: Context, result: Analysis) -> dict[str, Any]:
    places = []
    for place, count in result.places.values():
        parent = ctx.index.places.get(place.parent or "")
        places.append(
            {
                "iri": ctx.iri(place.iri),
                "label_zh": place.label_zh,
                "type": place.cls,
                "code": place.code,
                "parent": parent.label_zh if parent else None,
                "in_graph": place.in_graph,
                "mentions": count,
            }
        )
    return {
        "candidates": [candidate_json(ctx, c) for c in result.candidates],
        "places": sorted(places, key=lambda p: -p["mentions"]),
        "unresolved": result.unresolved,
        "choices": ctx.choices,
        "home": (
            {
                "iri": ctx.iri(result.home.iri),
                "label_zh": result.home.label_zh,
                "evidence": result.home_evidence,
            }
            if result.home
            else None
        ),
    }


def to_table(data: dict[str, Any]) -> str:
    lines = []
    for n, c in enumerate(data["candidates"], 1):
        parties = " — ".join(
            p["label_zh"] + (f"({p['role']})" if p["role"] else "") for p in c["parties"]
        )
        extra = " ".join(x for x in (c["name"] or "", c["date"] or "") if x)
        lines.append(f"{n:>3}. {c['kind']:<22} {parties}  {extra}  [{c['confidence']:.2f}]")
        lines.append(f"     「{c['quote'][:90]}{'…' if len(c['quote']) > 90 else ''}」")
    lines.append(
        f"{len(data['candidates'])} candidate(s); places: "
        + ", ".join(f"{p['label_zh']}×{p['mentions']}" for p in data["places"][:15])
    )
    if data["unresolved"]:
        lines.append("unresolved: " + ", ".join(u["text"] for u in data["unresolved"][:15]))
    return "\n".join(lines)
