"""Traversal questions as plain functions over a projection snapshot (networkx style).

HTTP and CLI call these and only format the answers; nothing here knows about requests. The
filters live in ``kg.graph.filters``, the filtered walk in ``kg.graph.walk``, relation
entries in ``kg.graph.explain`` and whole-network answers in ``kg.graph.summaries``; the
names callers use are importable from here too.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

from kg.formats import json_compact, json_text
from kg.graph import network_groups
from kg.graph.explain import (
    _PARTNER_KEYS,
    _explained,
    _place_ref_json,
    _place_refs,
    _relation_key,
    explain,
    place_ref,
)
from kg.graph.filters import Filters as Filters
from kg.graph.filters import UnknownDomain as UnknownDomain
from kg.graph.filters import filtered_view as filtered_view
from kg.graph.filters import make_filters as make_filters
from kg.graph.filters import resolve_domain as resolve_domain
from kg.graph.filters import undirected
from kg.graph.projection import Snapshot
from kg.graph.summaries import graph_summary as graph_summary
from kg.graph.summaries import metrics as metrics
from kg.graph.summaries import place_details as place_details
from kg.graph.summaries import relation_partners as relation_partners
from kg.graph.walk import Walk


def partners(
    snap: Snapshot,
    place: str,
    filters: Filters = Filters(),
    *,
    include_subunits: bool = False,
    depth: int = 1,
) -> dict[str, Any]:
    """Every partner of ``place``: one entry per partner with all relations connecting them."""
    walk = Walk(snap, filters)
    explained = _explained(snap)
    origins = [place]
    subunits: set[str] = set()
    if include_subunits:
        subunits = set(snap.descendants(place))
        origins += sorted(subunits) + snap.ancestors(place)
    origin_set = set(origins)
    accepts = None if walk.edges_free else filters.accepts
    refs = _place_refs(snap)
    # every neighbour in the adjacency is a node: only a province filter can leave one out
    check_nodes = walk.province is not None
    entries: dict[str, dict[str, Any]] = {}
    merged: set[str] = set()  # entries holding relations from more than one origin
    count_undated = filters.period_filtered and not filters.include_undated
    undated: set[str] = set()  # relations a period filter left out for having no date
    for origin in origins:
        if origin not in walk:
            continue
        through = None
        if origin != place:
            through = place_ref(snap, origin)
            through["relation_to_place"] = "subunit" if origin in subunits else "parent"
        for neighbour, pairs in explained.of(origin).items():
            if neighbour in origin_set or (check_nodes and neighbour not in walk):
                continue
            if accepts is None:
                rels = [rel for _, rel in pairs]
            else:
                rels = [rel for edge, rel in pairs if accepts(edge)]
            if count_undated:
                undated.update(e["relation"] for e, _ in pairs if filters.left_out_undated(e))
            if not rels:
                continue
            if through is not None:
                rels = [{**rel, "through": dict(through)} for rel in rels]
            entry = entries.get(neighbour)
            if entry is None:
                entry = entries[neighbour] = place_ref(snap, neighbour, refs)
                entry["relations"] = rels
            else:
                entry["relations"].extend(rels)
                merged.add(neighbour)
            entry["hops"] = 1
    if depth > 1 and place in walk:
        for target, path in walk.bfs_levels(place, depth).items():
            hops = len(path) - 1
            if hops < 2 or target in entries or target in origin_set:
                continue
            last = path[-2]
            entries[target] = {
                **place_ref(snap, target),
                "hops": hops,
                "relations": sorted(
                    (explain(e, last) for e in walk.edges(last, target)), key=_relation_key
                ),
                "path": [place_ref(snap, p) for p in path],
            }
    for neighbour in merged:
        entries[neighbour]["relations"].sort(key=_relation_key)
    ordered = sorted(
        entries.values(), key=lambda e: (e["hops"], -len(e["relations"]), e["label_zh"], e["id"])
    )
    result: dict[str, Any] = {"place": place_ref(snap, place), "count": len(ordered)}
    if count_undated:
        result["undated_left_out"] = len(undated)
    result["partners"] = ordered
    return result


def partners_json(snap: Snapshot, result: dict[str, Any]) -> bytes:
    """``json.dumps(result, ensure_ascii=False).encode()`` for a ``partners`` answer, faster.

    Encoding a few hundred relations with their sources and quotes cost several times the
    traversal itself; the shared, explained relations are encoded once per snapshot (as UTF-8,
    so the answer is joined as bytes, never re-encoded) and the answer is assembled around
    them. Entries of another shape (reached through a subunit or over several hops) are
    encoded as they are."""
    if len(result) < 2 or list(result)[-1] != "partners":  # keep the document's key order
        return json_text(result).encode()
    explained = _explained(snap)
    ref_json = _place_ref_json(snap)
    parts = []
    for entry in result["partners"]:
        if list(entry) != _PARTNER_KEYS or entry["hops"] != 1 or type(entry["hops"]) is not int:
            parts.append(json_text(entry).encode())
            continue
        iri = entry["id"]
        head = ref_json.get(iri)
        if head is None:
            head = ref_json[iri] = json_text(place_ref(snap, iri)).encode()[:-1]
        relations = b", ".join([explained.json(rel) for rel in entry["relations"]])
        parts.append(b"".join((head, b', "relations": [', relations, b'], "hops": 1}')))
    head = json_text({k: v for k, v in result.items() if k != "partners"}).encode()[:-1]
    return b"".join((head, b', "partners": [', b", ".join(parts), b"]}"))


def shortest_paths(
    snap: Snapshot, source: str, target: str, filters: Filters = Filters(), *, limit: int = 5
) -> dict[str, Any]:
    """All shortest paths (up to ``limit``), each hop explained with its relations."""
    walk = Walk(snap, filters)
    result: dict[str, Any] = {
        "from": place_ref(snap, source),
        "to": place_ref(snap, target),
        "paths": [],
    }
    if source not in walk or target not in walk:
        return result
    found = list(itertools.islice(walk.shortest_paths(source, target), limit))
    if not found:
        return result
    for path in found:
        hops = []
        for a, b in zip(path, path[1:], strict=False):
            hops.append(
                {
                    "from": place_ref(snap, a),
                    "to": place_ref(snap, b),
                    "relations": sorted(
                        (explain(e, a) for e in walk.edges(a, b)), key=_relation_key
                    ),
                }
            )
        result["paths"].append({"length": len(path) - 1, "hops": hops})
    result["length"] = len(found[0]) - 1
    return result


def neighbourhood_nodes(snap: Snapshot, place: str, depth: int, filters: Filters) -> set[str]:
    """The places within ``depth`` hops of ``place`` over the filtered network."""
    walk = Walk(snap, filters)
    if place not in walk:
        return set()
    return set(walk.bfs_levels(place, depth))


def neighbourhood(
    snap: Snapshot, place: str, depth: int = 1, filters: Filters = Filters()
) -> nx.MultiDiGraph:
    """The k-hop subgraph around ``place`` (directed, as in the projection)."""
    nodes = neighbourhood_nodes(snap, place, depth, filters)
    if not nodes:
        return nx.MultiDiGraph()
    graph = subgraph_of(snap, filters, nodes)
    network_groups.add_groups(snap, graph, filters)
    return graph


def _neighbourhood_selection(
    snap: Snapshot, place: str, depth: int, filters: Filters
) -> tuple[list[str], Iterator[tuple[str, str, str, dict[str, Any]]]]:
    """The neighbourhood's nodes (in ``neighbourhood``'s order) and its directed edges, read
    straight from the snapshot: copying every edge into a new MultiDiGraph only to read it out
    again was most of the request."""
    graph = snap.graph
    node_data = graph._node
    province = filters.province
    nodes = [
        n
        for n in neighbourhood_nodes(snap, place, depth, filters)
        if n in node_data and (not province or node_data[n].get("province") == province)
    ]
    kept = set(nodes)
    edges_free = filters.edges_unfiltered
    accepts = filters.accepts
    succ = graph._succ

    def edges() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for u in nodes:
            for v, keyed in succ[u].items():
                if v in kept:
                    for key, data in keyed.items():
                        if edges_free or accepts(data):
                            yield u, v, key, data

    return nodes, edges()


#: How many edges' JSON each snapshot keeps for neighbourhood answers (oldest dropped first).
EDGE_JSON_CACHE_EDGES = 100_000


class _EdgeJsonCache:
    """Per snapshot: a directed edge as a node-link entry in compact UTF-8 JSON, encoded once.

    A neighbourhood answer is mostly its edges (each with its sources and quotes); encoding
    them again for every request cost several times finding them. Keyed by the identity of
    the edge's attribute dict (one per edge of the snapshot's graph, alive as long as it)."""

    def __init__(self) -> None:
        self.text: dict[int, tuple[dict[str, Any], bytes]] = {}
        self._lock = threading.Lock()

    def encode(self, u: str, v: str, key: str, data: dict[str, Any]) -> bytes:
        """Encode an edge and remember it (dropping the oldest beyond the cache's size)."""
        found = json_compact({"source": u, "target": v, "key": key, **data}).encode()
        with self._lock:
            self.text[id(data)] = (data, found)
            while len(self.text) > EDGE_JSON_CACHE_EDGES:
                del self.text[next(iter(self.text))]
        return found


def neighbourhood_json(
    snap: Snapshot, place: str, depth: int = 1, filters: Filters = Filters()
) -> bytes:
    """The neighbourhood endpoint's body: ``{"place", "depth", "nodes", "edges"}`` as compact
    UTF-8 JSON (what ``flask.jsonify`` writes for ``node_link(neighbourhood(...))``, newline
    included); each edge's JSON is encoded once per snapshot."""
    nodes, selected = _neighbourhood_selection(snap, place, depth, filters)
    cache: _EdgeJsonCache = snap.cached("traversal-edge-json", _EdgeJsonCache)
    known = cache.text.get
    edges = []
    # a multilateral group is a node joined to its members; a member's edge to it comes after
    # the member's own edges, as in ``node_link(neighbourhood(...))``
    groups = nx.MultiDiGraph()
    groups.add_nodes_from(nodes)
    network_groups.add_groups(snap, groups, filters)
    to_group = {
        u: [
            json_compact({"source": u, "target": v, "key": k, **d}).encode()
            for v, keyed in groups._succ[u].items()
            for k, d in keyed.items()
        ]
        for u in nodes
        if groups._succ[u]
    }
    by_node: dict[str, list[bytes]] = {}
    for u, v, key, data in selected:
        found = known(id(data))
        if found is not None and found[0] is data:
            text = found[1]
        else:
            text = cache.encode(u, v, key, data)
        by_node.setdefault(u, []).append(text)
    for u in nodes:
        edges.extend(by_node.get(u, ()))
        edges.extend(to_group.get(u, ()))
    node_data = snap.graph._node
    node_list = [{"id": n, **node_data[n]} for n in nodes]
    node_list += [{"id": n, **d} for n, d in groups.nodes(data=True) if d.get("group")]
    head = json_compact({"place": place_ref(snap, place), "depth": depth}).encode()[:-1]
    node_json = json_compact(node_list).encode()
    return b"".join((head, b',"nodes":', node_json, b',"edges":[', b",".join(edges), b"]}\n"))


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
    """What exports draw: the whole network (places with a relation) or a neighbourhood; each
    multilateral group as one node joined to its members (never as a clique)."""
    if place:
        return neighbourhood(snap, place, depth or 1, filters)
    graph = subgraph_of(snap, filters)
    network_groups.add_groups(snap, graph, filters)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    return graph


def undated_left_out(snap: Snapshot, filters: Filters, nodes: Iterable[str] | None = None) -> int:
    """How many relations (among those touching ``nodes``, or all) a period filter leaves out
    only because they have no date; 0 without a period filter or with ``include_undated``."""
    if not filters.period_filtered or filters.include_undated:
        return 0
    wanted = None if nodes is None else set(nodes)
    found: set[str] = set()
    for u, v, edge in undirected(snap).edges(data=True):
        if (wanted is None or u in wanted or v in wanted) and filters.left_out_undated(edge):
            found.add(edge["relation"])
    return len(found)


def node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """Nodes and edges as plain JSON (the neighbourhood endpoint's shape)."""
    return {
        "nodes": [{"id": n, **data} for n, data in graph.nodes(data=True)],
        "edges": [
            {"source": u, "target": v, "key": k, **data}
            for u, v, k, data in graph.edges(keys=True, data=True)
        ],
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
            "own_role": (r.get("own_role") or {}).get("label_zh"),
            "partner_role": (r.get("partner_role") or {}).get("label_zh"),
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
