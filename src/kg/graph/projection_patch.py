"""The incremental path: a snapshot patched with what a write touched, equal to a fresh build.

A write that says what it touched (``kg.store.writes`` reports the triples it may have added or
removed) is applied by re-reading only the resources those triples are about, and the relations
and places that depend on them, into a copy-on-write copy of the previous snapshot.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from kg.graph.projection_build import node_attrs, relation_pairs, snapshot_from, with_province
from kg.graph.projection_read import (
    OWL,
    PROV,
    Q_DEP_DERIVATION,
    Q_DEP_LABEL,
    Q_DEP_LOCATED,
    Q_DEP_PARTY,
    Q_DEP_SOURCE,
    Q_PROPERTY_RULES,
    RDF,
    RDFS,
    SCHEMA_PREDICATES,
    read_facts,
    read_relations,
    read_sources,
    rows,
)
from kg.graph.snapshot import ChangedTriple, Snapshot
from kg.store.base import GraphStore


# -- incremental -------------------------------------------------------------------------------
class _GraphCopy:
    """A new ``MultiDiGraph`` sharing the old one's inner dicts until it changes them.

    The old graph is never modified (requests may still read it): the outer dicts are copied
    (C-speed, one entry per node), and a node's adjacency dict or a pair's key dict is copied the
    first time an edge there changes. Edge and node attribute dicts are shared, never mutated.
    """

    def __init__(self, old: nx.MultiDiGraph) -> None:
        graph = nx.MultiDiGraph()
        graph.graph.update(old.graph)
        graph._node = dict(old._node)  # noqa: SLF001 - see the class docstring
        graph._adj = dict(old._adj)  # noqa: SLF001 - also sets _succ
        graph._pred = dict(old._pred)  # noqa: SLF001
        self.graph = graph
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_keys: set[tuple[str, str]] = set()

    def _succ(self, u: str) -> dict[str, Any]:
        succ = self.graph._succ  # noqa: SLF001
        if u not in self._own_succ:
            succ[u] = dict(succ[u])
            self._own_succ.add(u)
        return succ[u]

    def _pred(self, v: str) -> dict[str, Any]:
        pred = self.graph._pred  # noqa: SLF001
        if v not in self._own_pred:
            pred[v] = dict(pred[v])
            self._own_pred.add(v)
        return pred[v]

    def _keys(self, u: str, v: str) -> dict[str, Any] | None:
        """The (own) key dict of the pair u→v, shared by ``_succ[u][v]`` and ``_pred[v][u]``."""
        succ, pred = self._succ(u), self._pred(v)
        keys = succ.get(v)
        if keys is None:
            return None
        if (u, v) not in self._own_keys:
            keys = succ[v] = pred[u] = dict(keys)
            self._own_keys.add((u, v))
        return keys

    def remove_edge(self, u: str, v: str, key: str) -> None:
        if u not in self.graph._succ or v not in self.graph._succ[u]:  # noqa: SLF001
            return
        keys = self._keys(u, v)
        if keys is None or key not in keys:
            return
        del keys[key]
        if not keys:
            del self._succ(u)[v]
            del self._pred(v)[u]

    def add_edge(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        keys = self._keys(u, v)
        if keys is None:
            keys = {}
            self._succ(u)[v] = keys
            self._pred(v)[u] = keys
            self._own_keys.add((u, v))
        keys[key] = attrs

    def set_node(self, n: str, attrs: dict[str, Any]) -> None:
        g = self.graph
        if n not in g._node:  # noqa: SLF001
            g._succ[n] = {}  # noqa: SLF001
            g._pred[n] = {}  # noqa: SLF001
            self._own_succ.add(n)
            self._own_pred.add(n)
        g._node[n] = attrs  # noqa: SLF001

    def remove_node(self, n: str) -> None:
        g = self.graph
        for v, keys in list(g._succ[n].items()):  # noqa: SLF001
            for key in list(keys):
                self.remove_edge(n, v, key)
        for u, keys in list(g._pred[n].items()):  # noqa: SLF001
            for key in list(keys):
                self.remove_edge(u, n, key)
        del g._node[n], g._succ[n], g._pred[n]  # noqa: SLF001


def _affected(store: GraphStore, touched: list[ChangedTriple]) -> set[str] | None:
    """The resources whose facts a write may have changed, or None when that cannot be bounded
    (then the caller rebuilds).

    Subjects of the touched triples; objects too where an inverse or symmetric property turns a
    triple into a fact about its object (the inference rules). The rules derive facts about the
    resources of the triples they read, except along transitive properties (only ``yrd:partOf``,
    which the projection reads from asserted graphs only) and after schema changes."""
    rules: dict[str, set[str]] = {"inverse": set(), "transitive": set()}
    for p, rule in store.query(Q_PROPERTY_RULES):  # type: ignore[misc]
        rules[rule.value].add(p.value)
    ns = store.config.ontology_ns
    if rules["transitive"] - {ns + "partOf"}:
        return None
    derivation_nodes = {
        o for s, p, o in touched if p == PROV + "qualifiedDerivation" and o and o.startswith("_:")
    }
    affected: set[str] = set()
    for s, p, o in touched:
        if p in SCHEMA_PREDICATES:
            return None
        if p == RDF + "type" and o is not None and o.startswith((OWL, RDFS, "?")):
            return None
        if s.startswith("_:"):
            if s not in derivation_nodes:
                return None  # a blank node we cannot name again: not a derivation of a relation
        else:
            affected.add(s)
        if p in rules["inverse"]:
            if o is None:
                continue
            if o.startswith(("_:", "?")):
                return None
            affected.add(o)
    return affected


def patch_snapshot(
    store: GraphStore, old: Snapshot, version: int, touched: list[ChangedTriple]
) -> Snapshot | None:
    """``old`` with the effect of writes that touched ``touched`` applied; None if the writes
    cannot be applied incrementally (the caller then rebuilds). ``old`` is not modified."""
    changed = _affected(store, touched)
    if changed is None:
        return None
    new = read_facts(store, changed)
    new_types, new_coords = new.types, new.coords

    labels, parents, located, broader = (
        old.labels.copy(),  # a dict, or the lazily decoded mapping of a restored one
        dict(old._parents),  # noqa: SLF001 - our own snapshot
        dict(old._located),  # noqa: SLF001
        dict(old.broader),
    )
    for mapping, fresh in (
        (labels, new.labels),
        (parents, new.parents),
        (located, new.located),
        (broader, new.broader),
    ):
        for iri in changed:
            mapping.pop(iri, None)
        mapping.update(fresh)  # type: ignore[arg-type]

    children = dict(old.children)
    for iri in changed:
        before, after = old._parents.get(iri), parents.get(iri)  # noqa: SLF001
        if before == after:
            continue
        if before is not None:
            siblings = [c for c in children.get(before, []) if c != iri]
            if siblings:
                children[before] = siblings
            else:
                children.pop(before, None)
        if after is not None:
            children[after] = [*children.get(after, []), iri]

    # which relations to re-read: the changed ones, and those that depend on a changed resource
    was_place = {iri for iri in changed if iri in old.graph}
    is_place = set(new_types)
    status = was_place ^ is_place
    relabelled = {iri for iri in changed if old.labels.get(iri) != labels.get(iri)}
    relocated = {
        iri
        for iri in changed
        if old._located.get(iri) != located.get(iri)  # noqa: SLF001
    }
    # a place moved in the hierarchy may have become (or stopped being) another's own unit:
    # the relations of its whole subtree are re-read (pairs never join a place with its unit)
    moved: set[str] = set()
    todo = [iri for iri in changed if old._parents.get(iri) != parents.get(iri)]  # noqa: SLF001
    while todo:
        iri = todo.pop()
        if iri not in moved:
            moved.add(iri)
            todo.extend(children.get(iri, []))
    party_deps = status | moved | ((relabelled | relocated) - (was_place & is_place))
    stale = set(changed)
    for query, iris in (
        (Q_DEP_PARTY, party_deps),
        (Q_DEP_LOCATED, status),
        (Q_DEP_LABEL, relabelled),
        (Q_DEP_DERIVATION, changed),
        (Q_DEP_SOURCE, changed),
    ):
        if iris:
            stale.update(rel.value for (rel,) in rows(store, query, "r", iris))

    copy = _GraphCopy(old.graph)
    for rel in stale:
        record = old.relations.get(rel)
        if record is not None:
            for a, b in relation_pairs(record, old.graph)[0]:
                copy.remove_edge(a, b, rel)
    for place in was_place - is_place:
        copy.remove_node(place)
    nodes = copy.graph._node  # noqa: SLF001
    for place in is_place:
        copy.set_node(place, node_attrs(place, new_types[place], labels, parents, new_coords))
    # a place's province (and its label) follows its ancestors: re-derive below every change
    below: set[str] = set()
    todo = list(changed)
    while todo:
        iri = todo.pop()
        if iri not in below:
            below.add(iri)
            todo.extend(children.get(iri, []))
    for place in below & nodes.keys():
        attrs = dict(nodes[place])
        copy.set_node(place, with_province(place, attrs, nodes, parents, labels))

    graph = copy.graph
    infos = read_relations(store, stale, graph, located)
    relations = old.relations.copy()
    groups = dict(old.groups)
    for rel in stale:
        relations.pop(rel, None)
        groups.pop(rel, None)
    return snapshot_from(
        store,
        version,
        graph,
        infos,
        labels=labels,
        sources=read_sources(store, set(infos)),
        relations=relations,
        groups=groups,
        add_edge=copy.add_edge,
        children=children,
        broader=broader,
        parents=parents,
        located=located,
    )
