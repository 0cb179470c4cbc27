"""Traversal questions as plain functions over a projection snapshot (networkx style).

HTTP and CLI call these and only format the answers; nothing here knows about requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from .projection import Snapshot


@dataclass(frozen=True)
class Filters:
    """The filters shared by partners, paths, neighbourhoods and exports."""

    kinds: frozenset[str] | None = None
    domains: frozenset[str] | None = None  # concept IRIs, narrower ones included
    level: str | None = None
    since: int | None = None
    until: int | None = None
    province: str | None = None

    def accepts(self, edge: dict[str, Any]) -> bool:
        if self.kinds and edge["kind"] not in self.kinds:
            return False
        if self.domains is not None and not any(d["id"] in self.domains for d in edge["domains"]):
            return False
        if self.level and (edge.get("level") or "").lower() != self.level.lower():
            return False
        if self.since is not None or self.until is not None:
            start, end = edge.get("start"), edge.get("end")
            if start is None:
                return False  # undated facts cannot be placed in a period
            if self.until is not None and start > self.until:
                return False
            if self.since is not None and end is not None and end < self.since:
                return False
        return True


def make_filters(
    snap: Snapshot,
    *,
    kinds: Iterable[str] | None = None,
    domain: str | None = None,
    level: str | None = None,
    since: int | None = None,
    until: int | None = None,
    province: str | None = None,
) -> Filters:
    domains = None
    if domain:
        concept = resolve_domain(snap, domain)
        domains = frozenset(snap.narrower_closure(concept))
    kind_set = frozenset(k.strip().lower() for k in kinds if k.strip()) if kinds else None
    return Filters(kind_set or None, domains, level, since, until, province)


class UnknownDomain(LookupError):
    def __init__(self, query: str, known: list[str]) -> None:
        self.known = known
        super().__init__(f"unknown domain {query!r}")


def domain_concepts(snap: Snapshot) -> list[str]:
    used = {d["id"] for r in snap.relations.values() for d in r["domains"]}
    return sorted(used | set(snap.broader) | {b for bs in snap.broader.values() for b in bs})


def resolve_domain(snap: Snapshot, text: str) -> str:
    """A domain by IRI, slug, or zh/en label (case-insensitive)."""
    wanted = text.strip().lower()
    for concept in domain_concepts(snap):
        lab = snap.labels.get(concept)
        names = {concept.lower(), concept.rsplit("/", 1)[-1].lower()}
        if lab:
            names |= {n.lower() for n in (lab.zh, lab.en, lab.hant, *lab.alt) if n}
        if wanted in names:
            return concept
    raise UnknownDomain(text, [snap.label(c) for c in domain_concepts(snap)])


def undirected(snap: Snapshot) -> nx.MultiGraph:
    """The network without direction (kept in each edge's ``source``), built once per snapshot.

    Copying the whole network per request is what would make partners and paths grow with the
    data; every request reads this one copy, through a lazy filtering view when it filters."""

    def build() -> nx.MultiGraph:
        graph = nx.MultiGraph()
        graph.add_nodes_from(snap.graph.nodes(data=True))
        for u, v, key, data in snap.graph.edges(keys=True, data=True):
            graph.add_edge(u, v, key=key, source=u, target=v, **data)
        return graph

    return snap.cached("undirected", build)


def filtered_view(snap: Snapshot, filters: Filters) -> nx.MultiGraph:
    """The edges passing the filters: a read-only view, evaluated only where a traversal looks."""
    graph = undirected(snap)
    if filters == Filters():
        return graph
    province = filters.province

    def keep_node(node: str) -> bool:
        return province is None or graph.nodes[node].get("province") == province

    def keep_edge(u: str, v: str, key: str) -> bool:
        return filters.accepts(graph[u][v][key])

    return nx.subgraph_view(graph, filter_node=keep_node, filter_edge=keep_edge)


def explain(edge: dict[str, Any], place: str) -> dict[str, Any]:
    """An edge as a relation entry from ``place``'s point of view."""
    role = edge["role"]
    if role != "mutual":
        outgoing = edge["source"] == place
        role = {
            ("assists", True): "assists",
            ("assists", False): "assisted",
            ("transfers-to", True): "transfers-to",
            ("transfers-to", False): "receives-from",
        }[(role, outgoing)]
    return {
        "id": edge["relation"],
        "kind": edge["kind"],
        "label_zh": edge.get("label_zh"),
        "via": edge["via"],
        "role": role,
        "level": edge["level"],
        "scheme": edge["scheme"],
        "domains": edge["domains"],
        "period": edge["period"],
        "start": edge["start"],
        "end": edge["end"],
        "sources": edge["sources"],
    }


def place_ref(snap: Snapshot, iri: str) -> dict[str, Any]:
    data = snap.graph.nodes[iri] if iri in snap.graph else {}
    return {
        "id": iri,
        "label_zh": snap.label(iri),
        "label_en": data.get("label_en"),
        "type": data.get("type"),
        "province": data.get("province_label"),
    }


def partners(
    snap: Snapshot,
    place: str,
    filters: Filters = Filters(),
    *,
    include_subunits: bool = False,
    depth: int = 1,
) -> dict[str, Any]:
    """Every partner of ``place``: one entry per partner with all relations connecting them."""
    view = filtered_view(snap, filters)
    origins = [place]
    subunits: set[str] = set()
    if include_subunits:
        subunits = set(snap.descendants(place))
        origins += sorted(subunits) + snap.ancestors(place)
    entries: dict[str, dict[str, Any]] = {}
    for origin in origins:
        if origin not in view:
            continue
        for neighbour in view.neighbors(origin):
            if neighbour in origins:
                continue
            entry = entries.setdefault(neighbour, {**place_ref(snap, neighbour), "relations": []})
            for edge in view.get_edge_data(origin, neighbour).values():
                rel = explain(edge, origin)
                if origin != place:
                    rel["through"] = place_ref(snap, origin)
                    rel["through"]["relation_to_place"] = (
                        "subunit" if origin in subunits else "parent"
                    )
                entry["relations"].append(rel)
            entry["hops"] = 1
    if depth > 1 and place in view:
        paths = nx.single_source_shortest_path(view, place, cutoff=depth)
        for target, path in paths.items():
            hops = len(path) - 1
            if hops < 2 or target in entries or target in origins:
                continue
            entry = {**place_ref(snap, target), "hops": hops, "relations": []}
            entry["path"] = [place_ref(snap, p) for p in path]
            last = path[-2]
            for edge in view.get_edge_data(last, target).values():
                entry["relations"].append(explain(edge, last))
            entries[target] = entry
    for entry in entries.values():
        entry["relations"].sort(key=lambda r: (r["kind"], r["id"]))
    ordered = sorted(
        entries.values(), key=lambda e: (e["hops"], -len(e["relations"]), e["label_zh"], e["id"])
    )
    return {"place": place_ref(snap, place), "count": len(ordered), "partners": ordered}


def shortest_paths(
    snap: Snapshot, source: str, target: str, filters: Filters = Filters(), *, limit: int = 5
) -> dict[str, Any]:
    """All shortest paths (up to ``limit``), each hop explained with its relations."""
    view = filtered_view(snap, filters)
    result: dict[str, Any] = {
        "from": place_ref(snap, source),
        "to": place_ref(snap, target),
        "paths": [],
    }
    if source not in view or target not in view:
        return result
    try:
        found = []
        for path in nx.all_shortest_paths(view, source, target):
            found.append(path)
            if len(found) >= limit:
                break
    except nx.NetworkXNoPath:
        return result
    for path in found:
        hops = []
        for a, b in zip(path, path[1:], strict=False):
            hops.append(
                {
                    "from": place_ref(snap, a),
                    "to": place_ref(snap, b),
                    "relations": sorted(
                        (explain(e, a) for e in view.get_edge_data(a, b).values()),
                        key=lambda r: (r["kind"], r["id"]),
                    ),
                }
            )
        result["paths"].append({"length": len(path) - 1, "hops": hops})
    result["length"] = len(found[0]) - 1 if found else None
    return result


def neighbourhood(
    snap: Snapshot, place: str, depth: int = 1, filters: Filters = Filters()
) -> nx.MultiDiGraph:
    """The k-hop subgraph around ``place`` (directed, as in the projection)."""
    view = filtered_view(snap, filters)
    if place not in view:
        return nx.MultiDiGraph()
    nodes = nx.single_source_shortest_path_length(view, place, cutoff=depth)
    return subgraph_of(snap, filters, set(nodes))


def subgraph_of(snap: Snapshot, filters: Filters, nodes: set[str] | None = None) -> nx.MultiDiGraph:
    """A filtered copy: of the whole network, or of ``nodes`` (reading only their own edges)."""
    graph = snap.graph
    out = nx.MultiDiGraph()
    for n in graph if nodes is None else (n for n in nodes if n in graph):
        data = graph.nodes[n]
        if filters.province and data.get("province") != filters.province:
            continue
        out.add_node(n, **data)
    edges = (
        graph.edges(keys=True, data=True)
        if nodes is None
        else graph.out_edges(list(out), keys=True, data=True)
    )
    for u, v, key, data in edges:
        if u in out and v in out and filters.accepts(data):
            out.add_edge(u, v, key=key, **data)
    return out


def subgraph(
    snap: Snapshot,
    *,
    place: str | None = None,
    depth: int | None = None,
    filters: Filters = Filters(),
) -> nx.MultiDiGraph:
    """What exports draw: the whole network (places with a relation) or a neighbourhood."""
    if place:
        return neighbourhood(snap, place, depth or 1, filters)
    graph = subgraph_of(snap, filters)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Nodes and edges as plain JSON (the neighbourhood endpoint's shape)."""
    return {
        "nodes": [{"id": n, **data} for n, data in graph.nodes(data=True)],
        "edges": [
            {"source": u, "target": v, "key": k, **data}
            for u, v, k, data in graph.edges(keys=True, data=True)
        ],
    }


def metrics(snap: Snapshot) -> list[dict[str, Any]]:
    """Per place: degree, weighted degree, betweenness, PageRank, community; cached."""

    def compute() -> list[dict[str, Any]]:
        simple = nx.Graph()
        for u, v, _data in snap.graph.edges(data=True):
            if u == v:
                continue
            weight = simple.get_edge_data(u, v, {"weight": 0})["weight"] + 1
            simple.add_edge(u, v, weight=weight)
        if simple.number_of_nodes() == 0:
            return []
        betweenness = nx.betweenness_centrality(simple)
        pagerank = nx.pagerank(simple, weight="weight")
        communities = nx.community.louvain_communities(simple, weight="weight", seed=42)
        community_of = {}
        for index, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c)))):
            for member in members:
                community_of[member] = index
        rows = []
        for node in simple.nodes:
            data = snap.graph.nodes[node]
            rows.append(
                {
                    "id": node,
                    "label_zh": data.get("label_zh"),
                    "label_en": data.get("label_en"),
                    "type": data.get("type"),
                    "province": data.get("province_label"),
                    "province_id": data.get("province"),
                    "degree": simple.degree(node),
                    "weighted_degree": simple.degree(node, weight="weight"),
                    "betweenness": round(betweenness[node], 6),
                    "pagerank": round(pagerank[node], 6),
                    "community": community_of[node],
                }
            )
        rows.sort(key=lambda r: (-r["pagerank"], r["label_zh"] or ""))
        return rows

    return snap.cached("metrics", compute)


def place_details(snap: Snapshot, place: str) -> dict[str, Any]:
    """Everything about one place: labels, hierarchy, coordinates, relations by kind, sources."""
    data = snap.graph.nodes[place]
    lab = snap.labels.get(place)
    involved = [r for r in snap.relations.values() if place in r["roles"] or r.get("host") == place]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, dict[str, Any]] = {}
    for rel in sorted(involved, key=lambda r: (r["kind"], r["id"])):
        others = [place_ref(snap, p) for p in rel["roles"] if p != place and p in snap.graph]
        by_kind.setdefault(rel["kind"], []).append(
            {
                "id": rel["id"],
                "label_zh": rel["label_zh"],
                "label_en": rel["label_en"],
                "roles": rel["roles"].get(place, ["hostPlace"] if rel.get("host") == place else []),
                "partners": others,
                "host": place_ref(snap, rel["host"]) if rel.get("host") else None,
                "scheme": rel["scheme"],
                "level": rel["level"],
                "domains": rel["domains"],
                "period": rel["period"],
                "sources": rel["sources"],
            }
        )
        for s in rel["sources"]:
            sources.setdefault(s["id"], {"id": s["id"], "title": s["title"], "facts": 0})
            sources[s["id"]]["facts"] += 1
    return {
        **place_ref(snap, place),
        "label_zh_hant": lab.hant if lab else None,
        "aliases": sorted(set(lab.alt)) if lab else [],
        "coordinates": {"lat": data.get("lat"), "lon": data.get("lon")}
        if data.get("lat") is not None
        else None,
        "parent": place_ref(snap, data["parent"]) if data.get("parent") else None,
        "hierarchy": [place_ref(snap, a) for a in reversed(snap.ancestors(place))],
        "subunits": [place_ref(snap, c) for c in sorted(snap.children.get(place, []))],
        "relations": by_kind,
        "sources": sorted(sources.values(), key=lambda s: s["id"]),
    }


def graph_summary(snap: Snapshot) -> dict[str, Any]:
    graph = snap.graph
    kinds: dict[str, int] = {}
    for rel in snap.relations.values():
        kinds[rel["kind"]] = kinds.get(rel["kind"], 0) + 1
    types: dict[str, int] = {}
    for _, data in graph.nodes(data=True):
        types[data["type"]] = types.get(data["type"], 0) + 1
    connected = [n for n in graph if graph.degree(n) > 0]
    return {
        "version": snap.version,
        "places": graph.number_of_nodes(),
        "connected_places": len(connected),
        "edges": graph.number_of_edges(),
        "relations": len(snap.relations),
        "relations_by_kind": dict(sorted(kinds.items())),
        "places_by_type": dict(sorted(types.items())),
        "components": nx.number_connected_components(graph.to_undirected().subgraph(connected))
        if connected
        else 0,
    }


# -- flat, tabular forms (CSV over HTTP, tables in the CLI) ---------------------------------
METRIC_COLUMNS = (
    "id", "label_zh", "label_en", "type", "province", "degree", "weighted_degree",
    "betweenness", "pagerank", "community",
)  # fmt: skip
PATH_COLUMNS = ("path", "step", "from", "to", "kinds", "relations")


def partner_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per (partner, relation), evidence included."""
    return [
        {
            "partner": p["id"],
            "partner_zh": p["label_zh"],
            "partner_en": p["label_en"],
            "hops": p["hops"],
            "kind": r["kind"],
            "role": r["role"],
            "via": r["via"],
            "scheme": r["scheme"],
            "level": r["level"],
            "domains": r["domains"],
            "period": r["period"],
            "through": r.get("through"),
            "sources": [s["title"] or s["id"] for s in r["sources"]],
            "quotes": [s["quote"] for s in r["sources"]],
            "relation": r["id"],
        }
        for p in result["partners"]
        for r in p["relations"]
    ]


def path_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "path": i,
            "step": j,
            "from": hop["from"]["label_zh"],
            "to": hop["to"]["label_zh"],
            "kinds": sorted({r["kind"] for r in hop["relations"]}),
            "relations": [r["id"] for r in hop["relations"]],
        }
        for i, p in enumerate(result["paths"])
        for j, hop in enumerate(p["hops"])
    ]
