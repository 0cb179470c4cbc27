"""Multilateral groups in the network: a group node in drawings, co-membership in traversals.

A relation of shape ``yrd:MultilateralGroup`` (one agreement, one railway line) makes its members
partners of each other, but drawing it as an edge between every two members shows a web of
pairings the article never states. So the projection keeps a group out of its place graph
(``Snapshot.groups``); partners and paths see co-members joined *through the group* (each such
edge says ``via`` the group), and drawings, exports and metrics get one node per group with an
edge to each member.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx

from kg.graph.projection import Snapshot

#: The ``type`` of a group node (places have their place class there).
GROUP_TYPE = "MultilateralGroup"


def co_member_edges(snap: Snapshot) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(a, b, key, attributes)`` joining every two members of every group (traversals only)."""
    out = []
    for rel, group in sorted(snap.groups.items()):
        edge, role = group["edge"], group["edge"]["member_role"]
        for a, b in itertools.combinations(group["members"], 2):
            out.append((a, b, rel, {**edge, "roles": {a: role, b: role}}))
    return out


def group_node(snap: Snapshot, rel: str) -> dict[str, Any]:
    """The attributes of a group's node (shaped like a place node, so every export reads it)."""
    record = snap.relations.get(rel, {})
    group = snap.groups[rel]
    return {
        "label_zh": record.get("label_zh") or snap.label(rel),
        "label_en": record.get("label_en"),
        "type": GROUP_TYPE,
        "kind": record.get("kind"),
        "group": True,
        "members": list(group["members"]),
        "parent": None,
        "lat": None,
        "lon": None,
        "province": None,
        "province_label": None,
    }


def member_edge(snap: Snapshot, rel: str, member: str) -> dict[str, Any]:
    """The attributes of the edge from a member to its group's node."""
    edge = snap.groups[rel]["edge"]
    role = edge["member_role"]
    return {
        **{k: v for k, v in edge.items() if k != "member_role"},
        "role": "member",
        "roles": {member: role, rel: role},
    }


def add_groups(snap: Snapshot, graph: nx.MultiDiGraph, filters: Any = None) -> None:
    """Add to ``graph`` (a drawing's places and edges) a node per group with at least two of its
    members in ``graph`` and passing ``filters``, and an edge from each such member to it."""
    for rel in sorted(snap.groups):
        members = [m for m in snap.groups[rel]["members"] if m in graph]
        if len(members) < 2:
            continue
        probe = member_edge(snap, rel, members[0])
        if filters is not None and not filters.accepts(probe):
            continue
        graph.add_node(rel, **group_node(snap, rel))
        for member in members:
            graph.add_edge(member, rel, key=rel, **member_edge(snap, rel, member))


def with_group_nodes(snap: Snapshot) -> nx.Graph:
    """The network as a simple weighted graph with one node per group (for metrics): a group
    of n members adds n edges, not the n(n-1)/2 of a clique."""
    simple = nx.Graph()
    for u, v in snap.graph.edges():
        if u == v:
            continue
        weight = simple.get_edge_data(u, v, {"weight": 0})["weight"] + 1
        simple.add_edge(u, v, weight=weight)
    for rel, group in snap.groups.items():
        for member in group["members"]:
            simple.add_edge(member, rel, weight=1)
    return simple


def drawn_counts(snap: Snapshot) -> tuple[int, int]:
    """How many nodes (places with a relation, and group nodes) and edges a drawing of the whole
    network has, from the snapshot's counts (no copy): what a size limit is checked against."""
    linked = {n for n, degree in snap.graph.degree() if degree}
    members = [m for group in snap.groups.values() for m in group["members"]]
    linked.update(members)
    return len(linked) + len(snap.groups), snap.graph.number_of_edges() + len(members)
