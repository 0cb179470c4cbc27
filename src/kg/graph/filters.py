"""The filters every traversal and export takes (kind, domain, level, period, province), and the
undirected network they are checked on.

A filter value is checked against what exists (``kg.graph.filter_values``) before it filters
anything, so an unknown kind is an error listing the allowed ones, not an empty answer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.graph import filter_values, network_groups
from kg.graph.projection import Snapshot


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
        adj = graph._adj  # noqa: SLF001 - filled directly: add_edge cost 2 s at 100x

        def add(u: str, v: str, key: str, data: dict[str, Any]) -> None:
            """What ``graph.add_edge(u, v, key=key, source=u, target=v, **data)`` does."""
            if u not in adj or v not in adj:
                graph.add_node(u)
                graph.add_node(v)
            attrs = {"source": u, "target": v, **data}
            keyed = adj[u].get(v)
            if keyed is None:
                adj[u][v] = adj[v][u] = {key: attrs}
            elif key in keyed:  # the same relation in both directions: one undirected edge
                keyed[key].update(attrs)
            else:
                keyed[key] = attrs

        # Hundreds of thousands of dicts that live as long as the snapshot: with the cyclic
        # collector running, its full passes over the growing heap cost 1.6 s of 2.6 at 100x
        # (after a restore froze the rest of the heap, gc.freeze, each pass came sooner).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for u, nbrs in snap.graph._succ.items():  # noqa: SLF001 - every node is in adj
                around = adj[u]
                for v, keyed in nbrs.items():
                    for key, data in keyed.items():  # ``add`` inlined: 220 k edges at 100x
                        attrs = {"source": u, "target": v, **data}
                        pair = around.get(v)
                        if pair is None:
                            around[v] = adj[v][u] = {key: attrs}
                        elif key in pair:
                            pair[key].update(attrs)
                        else:
                            pair[key] = attrs
            # members of one multilateral group are partners of each other, through the group
            for u, v, key, data in network_groups.co_member_edges(snap):
                add(u, v, key, data)
        finally:
            if collecting:
                gc.enable()
        nx._clear_cache(graph)  # noqa: SLF001 - as add_edge does
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
