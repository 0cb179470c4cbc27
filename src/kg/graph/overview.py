"""What the graph holds, counted live for the home page: articles, places, relations, years.

Every headline count is a SPARQL query the page links to (``/query?query=…``), so a newcomer can
see exactly what was counted and change it; the breakdowns (places by type and by province,
relations by kind, the most connected places) come from the projection snapshot of the same store
version. The whole overview is computed once per store version and cached with the snapshot.
"""

from __future__ import annotations

from typing import Any

from kg.graph.projection import Snapshot
from kg.store.base import GraphStore

#: The headline counts: name -> a query with one ``?n`` answer. Shown with links to run them.
COUNT_QUERIES = {
    "articles": "SELECT (COUNT(DISTINCT ?article) AS ?n) WHERE { ?article a yrd:Source }",
    "places": "SELECT (COUNT(DISTINCT ?place) AS ?n) WHERE { ?place a yrd:Place }",
    "relations": (
        "SELECT (COUNT(DISTINCT ?relation) AS ?n) WHERE { ?relation a yrd:CooperationRelation }"
    ),
}

Q_SOURCES = """SELECT ?source (SAMPLE(?t) AS ?title) (SAMPLE(?u) AS ?url) (SAMPLE(?d) AS ?date)
       (COUNT(DISTINCT ?fact) AS ?facts)
WHERE {
  ?source a yrd:Source .
  OPTIONAL { ?source dcterms:title|rdfs:label ?t }
  OPTIONAL { ?source schema:url|dcterms:source|prov:atLocation ?u FILTER(isIRI(?u)) }
  OPTIONAL { ?source dcterms:issued|dcterms:date|schema:datePublished ?d }
  OPTIONAL { ?fact prov:wasDerivedFrom ?source }
} GROUP BY ?source ORDER BY ?source"""

MOST_CONNECTED = 12


def _count(store: GraphStore, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0


def sources(store: GraphStore) -> list[dict[str, Any]]:
    """The articles the facts come from, with how many facts cite each."""
    out = []
    for row in store.select(Q_SOURCES):
        out.append(
            {
                "id": row["source"].value,
                "title": row["title"].value if "title" in row else None,
                "url": row["url"].value if "url" in row else None,
                # Only dates with a year: some articles give just --09-24 (gMonthDay).
                "date": row["date"].value
                if "date" in row and row["date"].value[:1].isdigit()
                else None,
                "facts": int(row["facts"].value) if "facts" in row else 0,
            }
        )
    return out


def most_connected(snap: Snapshot, n: int = MOST_CONNECTED) -> list[dict[str, Any]]:
    """Places with the most distinct partners (any kind of relation), ties by name."""
    graph = snap.graph.to_undirected(as_view=True)
    scored = []
    for node in graph.nodes:
        partners = len(set(graph.neighbors(node)) - {node})
        if partners:
            scored.append((partners, node))
    scored.sort(key=lambda pair: (-pair[0], snap.label(pair[1])))
    return [
        {**(snap.ref(node) or {}), "partners": partners, "type": graph.nodes[node].get("type")}
        for partners, node in scored[:n]
    ]


def _by(values: list[str | None]) -> list[tuple[str | None, int]]:
    counts: dict[str | None, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or "~"))


def overview(store: GraphStore, snap: Snapshot) -> dict[str, Any]:
    """Everything the home page shows about the graph's contents, for this store version."""

    def compute() -> dict[str, Any]:
        nodes = snap.graph.nodes
        years = [
            year
            for rel in snap.relations.values()
            for year in (rel.get("start"), rel.get("end"))
            if isinstance(year, int)
        ]
        provinces = [
            {"place": snap.ref(p) if p else None, "count": c}
            for p, c in _by([nodes[n].get("province") for n in nodes])
        ]
        return {
            "counts": {name: _count(store, q) for name, q in COUNT_QUERIES.items()},
            "count_queries": COUNT_QUERIES,
            "place_types": _by([nodes[n].get("type") or "Place" for n in nodes]),
            "provinces": provinces,
            "kinds": _by([rel["kind"] for rel in snap.relations.values()]),
            "years": (min(years), max(years)) if years else None,
            "dated": sum(1 for rel in snap.relations.values() if rel.get("start") is not None),
            "most_connected": most_connected(snap),
            "sources": sources(store),
        }

    return snap.cached("home-overview", compute)
