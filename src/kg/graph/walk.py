"""Walking the filtered network straight from its adjacency: breadth-first levels and every
shortest path, in the orders networkx gives them.

A networkx view re-checks every edge of every pair it crosses through several layers of Python
wrappers; this walk checks only the edges a traversal reaches against the filters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.graph.filters import Filters, undirected
from kg.graph.projection import Snapshot


class Walk:
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
