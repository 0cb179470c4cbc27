"""Traversal questions as plain functions over a projection snapshot (networkx style).

HTTP and CLI call these and only format the answers; nothing here knows about requests.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from . import filter_values, network_groups, relation_model
from .formats import json_compact, json_text
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
    #: keep relations without any date when a period (since/until) is asked for
    include_undated: bool = False

    @property
    def period_filtered(self) -> bool:
        return self.since is not None or self.until is not None

    def left_out_undated(self, edge: dict[str, Any]) -> bool:
        """True when ``edge`` is rejected only because it has no date under a period filter
        (answers count these, so an undated relation never vanishes without a word)."""
        if self.include_undated or not self.period_filtered or edge.get("start") is not None:
            return False
        return Filters(self.kinds, self.domains, self.level).accepts(edge)

    @property
    def edges_unfiltered(self) -> bool:
        """True when every edge passes (only the province, a node filter, may be set)."""
        return (
            not self.kinds
            and self.domains is None
            and not self.level
            and self.since is None
            and self.until is None
        )

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
                return self.include_undated  # undated facts cannot be placed in a period
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
    include_undated: bool = False,
) -> Filters:
    """Checked filters: an unknown kind, domain or level raises ``filter_values.UnknownValue``
    (listing the allowed values) instead of silently matching nothing."""
    domains = None
    if domain:
        concept = resolve_domain(snap, domain)
        domains = frozenset(snap.narrower_closure(concept))
    kind_list = filter_values.check_kinds(kinds)
    kind_set = frozenset(kind_list) if kind_list else None
    level = filter_values.check_level(snap, level)
    return Filters(kind_set, domains, level, since, until, province, include_undated)


#: An unknown domain (or kind, level, province): one error type for every filter.
UnknownDomain = filter_values.UnknownValue


def domain_concepts(snap: Snapshot) -> list[str]:
    """Every domain concept in use or in the hierarchy, sorted (computed once per snapshot: it
    reads every relation)."""

    def compute() -> list[str]:
        used = {d["id"] for r in snap.relations.values() for d in r["domains"]}
        return sorted(used | set(snap.broader) | {b for bs in snap.broader.values() for b in bs})

    return list(snap.cached("traversal-domain-concepts", compute))


def _domain_names(snap: Snapshot) -> dict[str, str]:
    """Per snapshot: lower-cased IRI, slug and labels -> the first concept (sorted) so named."""

    concepts = domain_concepts(snap)  # outside: ``cached`` holds the snapshot's lock

    def compute() -> dict[str, str]:
        names: dict[str, str] = {}
        for concept in concepts:
            lab = snap.labels.get(concept)
            own = {concept.lower(), concept.rsplit("/", 1)[-1].lower()}
            if lab:
                own |= {n.lower() for n in (lab.zh, lab.en, lab.hant, *lab.alt) if n}
            for name in own:
                names.setdefault(name, concept)
        return names

    return snap.cached("traversal-domain-names", compute)


def resolve_domain(snap: Snapshot, text: str) -> str:
    """A domain by IRI, slug, zh/en label (case-insensitive) or label prefix."""
    return filter_values.resolve_domain(snap, text)


def undirected(snap: Snapshot) -> nx.MultiGraph:
    """The network without direction (kept in each edge's ``source``), built once per snapshot.

    Copying the whole network per request is what would make partners and paths grow with the
    data; every request reads this one copy (its adjacency dicts directly, filters checked only
    on the edges a traversal actually looks at)."""

    def build() -> nx.MultiGraph:
        graph = nx.MultiGraph()
        graph.add_nodes_from(snap.graph.nodes(data=True))
        for u, v, key, data in snap.graph.edges(keys=True, data=True):
            graph.add_edge(u, v, key=key, source=u, target=v, **data)
        # members of one multilateral group are partners of each other, through the group
        for u, v, key, data in network_groups.co_member_edges(snap):
            graph.add_edge(u, v, key=key, source=u, target=v, **data)
        return graph

    return snap.cached("undirected", build)


def filtered_view(snap: Snapshot, filters: Filters) -> nx.MultiGraph:
    """The edges passing the filters as a networkx read-only view (for callers wanting a graph).

    The traversals below do not use it: a view re-checks every edge of every pair it crosses
    through several layers of Python wrappers; they walk :class:`_Walk` instead."""
    graph = undirected(snap)
    if filters == Filters():
        return graph
    province = filters.province

    def keep_node(node: str) -> bool:
        return province is None or graph.nodes[node].get("province") == province

    def keep_edge(u: str, v: str, key: str) -> bool:
        return filters.accepts(graph[u][v][key])

    return nx.subgraph_view(graph, filter_node=keep_node, filter_edge=keep_edge)


class _Walk:
    """The undirected network as ``filtered_view`` shows it, read straight from the adjacency.

    Same nodes, same neighbours in the same order, same edges per pair as the view (so BFS
    orders, and therefore which shortest paths come first, do not change); only the edges a
    traversal reaches are checked against the filters."""

    __slots__ = ("adj", "nodes", "filters", "edges_free", "province")

    def __init__(self, snap: Snapshot, filters: Filters) -> None:
        graph = undirected(snap)
        self.adj: dict[str, dict[str, dict[str, dict[str, Any]]]] = graph._adj
        self.nodes: dict[str, dict[str, Any]] = graph._node
        self.filters = filters
        self.province = filters.province
        self.edges_free = filters.edges_unfiltered

    def __contains__(self, node: str) -> bool:
        data = self.nodes.get(node)
        if data is None:
            return False
        return self.province is None or data.get("province") == self.province

    def edges(self, u: str, v: str) -> list[dict[str, Any]]:
        """The edges between two (adjacent) nodes passing the filters, in key order."""
        keyed = self.adj[u][v]
        if self.edges_free:
            return list(keyed.values())
        accepts = self.filters.accepts
        return [e for e in keyed.values() if accepts(e)]

    def linked(self, u: str, v: str) -> bool:
        """Whether ``v`` (a neighbour of ``u`` in the full graph) is one in the filtered one."""
        if self.province is not None and self.nodes[v].get("province") != self.province:
            return False
        if self.edges_free:
            return True
        accepts = self.filters.accepts
        return any(accepts(e) for e in self.adj[u][v].values())

    def neighbours(self, node: str) -> Iterator[str]:
        """Neighbours of ``node`` with at least one edge passing the filters, adjacency order."""
        around = self.adj[node]
        if self.edges_free and self.province is None:
            yield from around
            return
        linked = self.linked
        for other in around:
            if linked(node, other):
                yield other

    def bfs_levels(self, source: str, cutoff: int) -> dict[str, list[str]]:
        """``networkx.single_source_shortest_path`` (with ``cutoff``) over the filtered graph."""
        paths = {source: [source]}
        level, frontier = 0, [source]
        while frontier and level < cutoff:
            level += 1
            discovered = []
            for v in frontier:
                for w in self.neighbours(v):
                    if w not in paths:
                        paths[w] = paths[v] + [w]
                        discovered.append(w)
            frontier = discovered
        return paths

    def shortest_paths(self, source: str, target: str) -> Iterator[list[str]]:
        """Every shortest path, in the order ``networkx.all_shortest_paths`` gives them.

        networkx runs a BFS from ``source`` over the whole component; a bidirectional BFS
        (expanding the smaller frontier) finds the distance and the nodes on shortest paths
        instead, and the predecessor lists are replayed over those nodes only. A node's
        predecessors are all on shortest paths too, and within a BFS level the nodes on
        shortest paths keep their relative order, so the lists (hence the paths and their
        order) are the ones networkx would build."""
        if source == target:
            yield [source]
            return
        dist_s, dist_t = {source: 0}, {target: 0}
        pred_s: dict[str, list[str]] = {source: []}
        pred_t: dict[str, list[str]] = {target: []}
        front_s, front_t = [source], [target]
        level_s = level_t = 0
        meet: list[str] = []
        while front_s and front_t and not meet:
            forward = len(front_s) <= len(front_t)
            frontier, dist, pred, other = (
                (front_s, dist_s, pred_s, dist_t) if forward else (front_t, dist_t, pred_t, dist_s)
            )
            level = (level_s if forward else level_t) + 1
            discovered: list[str] = []
            for v in frontier:
                for w in self.neighbours(v):
                    seen = dist.get(w)
                    if seen is None:
                        dist[w] = level
                        pred[w] = [v]
                        discovered.append(w)
                    elif seen == level:
                        pred[w].append(v)
            meet = [w for w in discovered if w in other]
            if forward:
                front_s, level_s = discovered, level
            else:
                front_t, level_t = discovered, level
        if not meet:
            return
        length = level_s + level_t
        # nodes on some shortest path, with their distance from the source
        on_path: dict[str, int] = {}
        todo = list(meet)
        while todo:
            node = todo.pop()
            if node not in on_path and node in dist_s and dist_s[node] <= level_s:
                on_path[node] = dist_s[node]
                todo.extend(pred_s[node])
        todo = [p for w in meet for p in pred_t[w]]
        while todo:
            node = todo.pop()
            if node not in on_path:
                on_path[node] = length - dist_t[node]
                todo.extend(pred_t[node])
        # networkx's predecessor lists, replayed level by level over those nodes only
        by_level: dict[int, list[str]] = {}
        for node, level in on_path.items():
            by_level.setdefault(level, []).append(node)
        pred: dict[str, list[str]] = {source: []}
        frontier = [source]
        for level in range(1, length + 1):
            discovered = []
            candidates = by_level.get(level, [])
            for v in frontier:
                around = self.adj[v]
                if len(candidates) < len(around):  # a hub: test the few candidates instead
                    hits = [w for w in candidates if w in around and self.linked(v, w)]
                    if len(hits) > 1:  # several: put them in the adjacency order
                        wanted = set(hits)
                        hits = [w for w in around if w in wanted]
                else:
                    hits = [w for w in around if on_path.get(w) == level and self.linked(v, w)]
                for w in hits:
                    if w in pred:
                        pred[w].append(v)
                    else:
                        pred[w] = [v]
                        discovered.append(w)
            frontier = discovered
        yield from _paths_from_predecessors(source, target, pred)


def _paths_from_predecessors(
    source: str, target: str, pred: dict[str, list[str]]
) -> Iterator[list[str]]:
    """Simple paths from ``source`` to ``target`` along predecessor lists, depth first from the
    target, each list in order (the walk ``networkx.all_shortest_paths`` makes)."""
    if target not in pred:
        return
    seen = {target}
    stack: list[list[Any]] = [[target, 0]]
    top = 0
    while top >= 0:
        node, i = stack[top]
        if node == source:
            yield [p for p, _ in reversed(stack[: top + 1])]
        if len(pred[node]) > i:
            stack[top][1] = i + 1
            nxt = pred[node][i]
            if nxt in seen:
                continue
            seen.add(nxt)
            top += 1
            if top == len(stack):
                stack.append([nxt, 0])
            else:
                stack[top][:] = [nxt, 0]
        else:
            seen.discard(node)
            top -= 1


_ROLE_FROM = {
    ("assists", True): "assists",
    ("assists", False): "assisted",
    ("transfers-to", True): "transfers-to",
    ("transfers-to", False): "receives-from",
}


def explain(edge: dict[str, Any], place: str) -> dict[str, Any]:
    """An edge as a relation entry from ``place``'s point of view: the partner's role and the
    asked place's own role, with the ontology's labels (帮扶方 / 受帮扶方 …)."""
    role = edge["role"]
    if role != "mutual":
        role = _ROLE_FROM[(role, edge["source"] == place)]
    other = edge["target"] if edge["source"] == place else edge["source"]
    roles = edge.get("roles") or {}
    return {
        "id": edge["relation"],
        "kind": edge["kind"],
        "label_zh": edge.get("label_zh"),
        "via": edge["via"],
        "role": role,
        "own_role": roles.get(place),
        "partner_role": roles.get(other),
        "shape": edge.get("shape"),
        "level": edge["level"],
        "scheme": edge["scheme"],
        "domains": edge["domains"],
        "period": edge["period"],
        "start": edge["start"],
        "end": edge["end"],
        "sources": edge["sources"],
    }


def _relation_key(rel: dict[str, Any]) -> tuple[str, str]:
    return rel["kind"], rel["id"]


#: How many explained relations each snapshot keeps (whole places, least recently used dropped).
EXPLAINED_CACHE_RELATIONS = 100_000

_Explained = dict[str, list[tuple[dict[str, Any], dict[str, Any]]]]


class _ExplainedCache:
    """Per snapshot: a place's relations to each neighbour, explained and sorted, once.

    Every partners answer for a place is a filtered selection of the same explained entries;
    building them (one dict per edge, a sort per neighbour) and JSON-encoding them again was
    most of a request. The entries are shared between answers and must not be modified."""

    def __init__(self, graph: nx.MultiGraph) -> None:
        self._adj = graph._adj
        self._entries: OrderedDict[str, tuple[_Explained, int]] = OrderedDict()
        self._size = 0
        # id(entry) -> (entry, its JSON or None): identity-checked, so a reused id never matches
        self._text: dict[int, tuple[dict[str, Any], bytes | None]] = {}
        self._lock = threading.Lock()

    def of(self, place: str) -> _Explained:
        """neighbour -> [(edge, explained relation)] sorted by (kind, id); shared, read-only."""
        with self._lock:
            found = self._entries.get(place)
            if found is not None:
                self._entries.move_to_end(place)
                return found[0]
        built: _Explained = {}
        size = 0
        for other, keyed in self._adj[place].items():
            pairs = [(edge, explain(edge, place)) for edge in keyed.values()]
            pairs.sort(key=lambda pair: _relation_key(pair[1]))
            built[other] = pairs
            size += len(pairs)
        with self._lock:
            if place in self._entries:  # another thread built it meanwhile: keep one copy
                return self._entries[place][0]
            self._entries[place] = (built, size)
            self._size += size
            for pairs in built.values():
                for _, rel in pairs:
                    self._text[id(rel)] = (rel, None)
            while self._size > EXPLAINED_CACHE_RELATIONS and len(self._entries) > 1:
                _, (dropped, dropped_size) = self._entries.popitem(last=False)
                self._size -= dropped_size
                for pairs in dropped.values():
                    for _, rel in pairs:
                        self._text.pop(id(rel), None)
        return built

    def json(self, rel: dict[str, Any]) -> bytes:
        """``rel`` as UTF-8 JSON, encoded once if it is one of the cached entries."""
        known = self._text.get(id(rel))
        if known is None or known[0] is not rel:
            return json_text(rel).encode()
        if known[1] is None:
            known = (rel, json_text(rel).encode())
            self._text[id(rel)] = known
        return known[1]


def _explained(snap: Snapshot) -> _ExplainedCache:
    graph = undirected(snap)  # outside: ``cached`` holds the snapshot's (non-reentrant) lock
    return snap.cached("traversal-explained", lambda: _ExplainedCache(graph))


def _place_refs(snap: Snapshot) -> dict[str, dict[str, Any]]:
    """Per snapshot: ``place_ref`` of each place asked about so far (filled lazily)."""
    return snap.cached("traversal-place-refs", dict)


def place_ref(
    snap: Snapshot, iri: str, refs: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A place as every answer names it: id, labels, type, province (a fresh dict).

    ``refs`` is the snapshot's ``_place_refs``, for callers naming hundreds of places per
    request (fetching it once each time takes the snapshot's cache lock)."""
    if refs is None:
        refs = _place_refs(snap)
    ref = refs.get(iri)
    if ref is None:
        data = snap.graph.nodes[iri] if iri in snap.graph else {}
        ref = refs[iri] = {
            "id": iri,
            "label_zh": snap.label(iri),
            "label_en": data.get("label_en"),
            "type": data.get("type"),
            "province": data.get("province_label"),
        }
    return dict(ref)


def partners(
    snap: Snapshot,
    place: str,
    filters: Filters = Filters(),
    *,
    include_subunits: bool = False,
    depth: int = 1,
) -> dict[str, Any]:
    """Every partner of ``place``: one entry per partner with all relations connecting them."""
    walk = _Walk(snap, filters)
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


#: The keys of a direct partner entry, in order (``place_ref``'s, then the two ``partners`` adds).
_PARTNER_KEYS = ["id", "label_zh", "label_en", "type", "province", "relations", "hops"]


def _place_ref_json(snap: Snapshot) -> dict[str, bytes]:
    """Per snapshot: ``place_ref`` as UTF-8 JSON without its closing brace, per place (lazily)."""
    return snap.cached("traversal-place-ref-json", dict)


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
    walk = _Walk(snap, filters)
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
    walk = _Walk(snap, filters)
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
