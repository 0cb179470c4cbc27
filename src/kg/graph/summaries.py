"""Whole-network answers over a projection snapshot: per-place metrics (centralities,
communities), everything about one place, and a summary of the network.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.graph import network_groups, relation_model
from kg.graph.explain import place_ref
from kg.graph.projection import Snapshot


def metrics(snap: Snapshot) -> list[dict[str, Any]]:
    """Per place: degree, weighted degree, betweenness, PageRank, community; cached."""

    def compute() -> list[dict[str, Any]]:
        # a multilateral group is one node (n edges), not a clique of its members
        simple = network_groups.with_group_nodes(snap)
        if simple.number_of_nodes() == 0:
            return []
        betweenness = nx.betweenness_centrality(simple)
        pagerank = nx.pagerank(simple, weight="weight")
        # group nodes take part in the walk but are not listed: places' shares sum to 1
        total = sum(v for n, v in pagerank.items() if n in snap.graph) or 1.0
        pagerank = {n: v / total for n, v in pagerank.items()}
        communities = nx.community.louvain_communities(simple, weight="weight", seed=42)
        community_of = {}
        for index, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c)))):
            for member in members:
                community_of[member] = index
        rows = []
        for node in simple.nodes:
            if node not in snap.graph:
                continue  # a group node: measured through, not listed as a place
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
    involved = [r for r in snap.relations.values() if place in r["roles"] or _involves(r, place)]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    sources: dict[str, dict[str, Any]] = {}
    for rel in sorted(involved, key=lambda r: (r["kind"], r["id"])):
        others = [place_ref(snap, p) for p in relation_partners(snap, rel, place)]
        by_kind.setdefault(rel["kind"], []).append(
            {
                "id": rel["id"],
                "label_zh": rel["label_zh"],
                "label_en": rel["label_en"],
                "roles": rel["roles"].get(place, _involvement(rel, place)),
                "partners": others,
                "host": place_ref(snap, rel["host"]) if rel.get("host") else None,
                "scheme": rel["scheme"],
                "level": rel["level"],
                "domains": rel["domains"],
                "period": rel["period"],
                "times": rel.get("times", []),
                "shape": rel.get("shape"),
                "confidence": rel.get("confidence"),
                "candidates": rel.get("candidates", []),
                "locations": rel.get("locations", []),
                "platforms": rel.get("platforms", []),
                "linked": rel.get("linked", []),
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


def _involvement(rel: dict[str, Any], place: str) -> list[str]:
    """How ``place`` takes part in ``rel`` without being a party (host, location, platform)."""
    out = ["hostPlace"] if rel.get("host") == place else []
    for key, name in (("locations", "location"), ("platforms", "platform")):
        if any(ref["id"] == place for ref in rel.get(key, ())):
            out.append(name)
    return out


def _involves(rel: dict[str, Any], place: str) -> bool:
    return bool(_involvement(rel, place))


def relation_partners(snap: Snapshot, rel: dict[str, Any], place: str) -> list[str]:
    """The places ``rel`` makes partners of ``place``, by its shape: the other side of a pair,
    the hub for a spoke (every spoke for the hub), the other members of a group; none for a
    fact that is implied or ambiguous, or for a place that is only a location or platform."""
    if place not in rel["roles"]:
        return []
    group = snap.groups.get(rel["id"])
    if group is not None:
        return [m for m in group["members"] if m != place]
    pairs, _ = relation_model.pairs(rel, snap.graph)
    found = {b for a, b in pairs if a == place} | {a for a, b in pairs if b == place}
    return sorted(found - {place})


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
        "groups": len(snap.groups),
        "places_by_type": dict(sorted(types.items())),
        # Weak components of the directed graph are the undirected graph's components, counted
        # on a view: ``to_undirected()`` deep-copied every edge's evidence (15 ms a request).
        "components": nx.number_weakly_connected_components(graph.subgraph(connected))
        if connected
        else 0,
    }
