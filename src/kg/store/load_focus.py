"""The focus nodes a load of one new graph can affect, without reading the graph back.

``kg.store.shacl_scope.affected_nodes`` finds them from the load's triples, read back from the
store: ~10 µs a quad on disk (every term decoded through RocksDB), more than the bulk load
itself. But a big file is parsed anyway while the bulk loader stores it (the speculative
inference, ``kg.store.inference_native.Speculation``), so the parse also notes, per quad, what
the focus set needs (``NodeCollector``): the IRIs it mentions and, for each subject, the
predicates a shape's path reads there. A new graph's blank nodes are its own, so only IRIs can
be reached from elsewhere; blank nodes that a shape targets make the caller use the old path
(their store labels are not the parser's).

The walk back from changed nodes (``walk_back``) then only needs the arcs of the *other*
graphs: a node with an arc in the loaded graph is one of its subjects, a focus node already.
Those arcs are found by the engine, one query per batch of nodes (one index scan of each
node's incoming arcs, graph and predicate compared as ids), and only the few that come from
other graphs are decoded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.store.base import STAGING_PREFIX
from kg.store.shacl_scope import RDF_TYPE, SUBCLASS, ShapeScope

#: nodes per walk-back query (each one a VALUES row)
BATCH = 2_000


@dataclass
class NodeCollector:
    """What a parse of the loaded file tells about its focus nodes (see module doc)."""

    walk_predicates: frozenset[ox.NamedNode]
    targeted_classes: frozenset[ox.NamedNode]
    blank_target_predicates: frozenset[ox.NamedNode]
    #: predicates the compiled shapes read: their triples are kept (``triples``)
    keep: frozenset[ox.NamedNode] = frozenset()
    #: at most this many triples are kept; past it ``triples`` is dropped (memory stays bounded)
    limit: int = 0
    nodes: set[Any] = field(default_factory=set)
    dirty: dict[Any, set[ox.NamedNode]] = field(default_factory=dict)
    #: the file holds something this reading cannot follow: use the old path
    unusable: bool = False
    #: the kept triples, node -> predicate -> objects (``shacl_model.Data``'s cache form);
    #: blank nodes carry the parser's labels, typed literals are canonicalised by ``finish``
    triples: dict[Any, dict[Any, dict[Any, None]]] | None = field(default_factory=dict)
    kept: int = 0
    _typed: list[tuple[Any, Any, Any]] = field(default_factory=list)
    #: the inferred graph's whole new content (set by the speculative inference)
    inferred: list[tuple[Any, Any, Any]] | None = None

    def see(self, s: Any, p: ox.NamedNode, o: Any) -> None:
        ts, to = type(s), type(o)
        triples = self.triples
        if triples is not None and p in self.keep:
            if to is ox.Literal and o.datatype.value not in _AS_WRITTEN:
                self._typed.append((s, p, o))
            else:
                node = triples.get(s)
                if node is None:
                    node = triples[s] = {None: {}}  # None: the node's triples are all here
                found = node.get(p)
                if found is None:
                    node[p] = {o: None}
                else:
                    found[o] = None
            self.kept += 1
            if self.kept > self.limit:
                self.triples, self._typed = None, []
        if ts is ox.NamedNode:
            self.nodes.add(s)
            if p in self.walk_predicates:
                found = self.dirty.get(s)
                if found is None:
                    self.dirty[s] = {p}
                else:
                    found.add(p)
        elif ts is ox.BlankNode:
            if p in self.blank_target_predicates or (p == RDF_TYPE and o in self.targeted_classes):
                self.unusable = True  # a targeted blank node: its store label is unknown here
        else:
            self.unusable = True  # RDF-star
        if to is ox.NamedNode:
            self.nodes.add(o)
        elif to is ox.BlankNode:
            if p in self.blank_target_predicates:
                self.unusable = True
        elif to is ox.Triple:
            self.unusable = True
        if p == SUBCLASS:
            self.unusable = True  # the class hierarchy changes: every instance may be affected

    def finish(self) -> None:
        """Typed literals in the store's canonical form ("1.50"^^xsd:decimal is stored 1.5),
        so the kept triples equal the stored ones."""
        triples, typed = self.triples, self._typed
        self._typed = []
        if triples is None:
            return
        for s, p, o in _canonical(typed):
            node = triples.get(s)
            if node is None:
                node = triples[s] = {None: {}}
            node.setdefault(p, {})[o] = None


_AS_WRITTEN = {
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
}


def _canonical(triples: list[tuple[Any, Any, Any]]) -> Iterable[tuple[Any, Any, Any]]:
    if not triples:
        return
    scratch = ox.Store()
    marker = ox.NamedNode("urn:kg:literal")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:kg:{i}"), marker, t[2]) for i, t in enumerate(triples)
    )
    for q in scratch.quads_for_pattern(None, marker, None, None):
        s, p, _ = triples[int(q.subject.value[7:])]
        yield s, p, q.object


def collector_for(
    raw: ox.Store,
    shapes: rdflib.Graph,
    scope: ShapeScope,
    keep: frozenset[ox.NamedNode],
    limit: int,
) -> NodeCollector:
    """A collector for the store's current schema (targeted classes and their subclasses),
    keeping up to ``limit`` triples with the predicates in ``keep``."""
    classes = {ox.NamedNode(str(c)) for c in shapes.objects(None, SH.targetClass)}
    below: dict[Any, set[Any]] = {}
    for q in raw.quads_for_pattern(None, SUBCLASS, None, None):
        below.setdefault(q.object, set()).add(q.subject)
    todo = list(classes)
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in classes:
                classes.add(sub)
                todo.append(sub)
    preds = {
        ox.NamedNode(str(p))
        for key in (SH.targetSubjectsOf, SH.targetObjectsOf)
        for p in shapes.objects(None, key)
    }
    walk = frozenset(p for reads in scope.reads_via.values() for p in reads)
    return NodeCollector(walk, frozenset(classes), frozenset(preds), keep, limit)


def complete(
    collector: NodeCollector, raw: ox.Store, loaded: str, inferred_graph: str
) -> dict[Any, dict[Any, dict[Any, None]]] | None:
    """The kept triples plus, for their nodes, the inferred graph's new content and every
    other graph's triples (read by the engine in batches, decoding only those): each node's
    whole view as a store read would give it, for the compiled checks (None: not kept)."""
    triples = collector.triples
    if triples is None or collector.inferred is None:
        return None
    keep = collector.keep
    for s, p, o in collector.inferred:
        node = triples.get(s)
        if node is not None and p in keep:
            node.setdefault(p, {})[o] = None
    iris = [n for n in triples if type(n) is ox.NamedNode]
    allowed = ", ".join(str(p) for p in keep)
    hidden = [ox.NamedNode(loaded), ox.NamedNode(inferred_graph)] + [
        g
        for g in raw.named_graphs()
        if type(g) is ox.NamedNode and g.value.startswith(STAGING_PREFIX)
    ]
    excluded = ", ".join(str(g) for g in hidden)
    for start in range(0, len(iris), BATCH):
        values = " ".join(str(n) for n in iris[start : start + BATCH])
        query = (
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
            f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({excluded}) && ?p IN ({allowed})) }} "
            f"UNION {{ ?s ?p ?o FILTER(?p IN ({allowed})) }} }}"
        )
        for row in raw.query(query):
            s, p, o = row[0], row[1], row[2]
            triples[s].setdefault(p, {})[o] = None
    return triples


def walk_back(
    scope: ShapeScope, raw: ox.Store, loaded: str, dirty: dict[Any, set[ox.NamedNode]]
) -> set[Any]:
    """Nodes outside the loaded graph whose shapes reach a changed node through a path that
    reads what changed there, level by level as deep as the shapes nest (as
    ``shacl_scope.affected_nodes`` walks, restricted to the arcs of the other graphs)."""
    reads_via = scope.reads_via
    paths = sorted(reads_via, key=str)
    if not paths:
        return set()
    found_all: set[Any] = set()
    walked: dict[Any, set[ox.NamedNode]] = {}
    for _ in range(scope.levels):
        wanted: dict[Any, set[ox.NamedNode]] = {}  # node -> paths to walk back along
        for y, preds in dirty.items():
            along = {p for p in paths if preds & reads_via[p]}
            done = walked.setdefault(y, set())
            along -= done
            done |= along
            if along:
                wanted[y] = along
        found: dict[Any, set[ox.NamedNode]] = {}
        for x, p, y in _arcs_from_other_graphs(raw, loaded, paths, list(wanted)):
            if p in wanted.get(y, ()):
                found.setdefault(x, set()).add(p)
        found_all.update(found)
        dirty = found
        if not dirty:
            break
    return found_all


def _arcs_from_other_graphs(
    raw: ox.Store, loaded: str, paths: list[ox.NamedNode], nodes: list[Any]
) -> Iterable[tuple[Any, ox.NamedNode, Any]]:
    """Arcs ``x p y`` (``p`` one of ``paths``) into ``nodes`` in every visible graph but
    ``loaded``."""
    iris = [n for n in nodes if type(n) is ox.NamedNode]
    allowed = ", ".join(str(p) for p in paths)
    skip = ox.NamedNode(loaded)
    # graphs compared as ids in the engine, never decoded: the loaded one and staging ones
    hidden = [skip] + [
        g
        for g in raw.named_graphs()
        if type(g) is ox.NamedNode and g.value.startswith(STAGING_PREFIX)
    ]
    excluded = ", ".join(str(g) for g in hidden)
    for start in range(0, len(iris), BATCH):
        values = " ".join(str(n) for n in iris[start : start + BATCH])
        query = (
            f"SELECT ?x ?p ?y WHERE {{ VALUES ?y {{ {values} }} "
            f"{{ GRAPH ?g {{ ?x ?p ?y }} FILTER(?g NOT IN ({excluded}) && ?p IN ({allowed})) }} "
            f"UNION {{ ?x ?p ?y FILTER(?p IN ({allowed})) }} }}"
        )
        for row in raw.query(query):  # the default graph is the store's own here
            yield row[0], row[1], row[2]
    for y in nodes:  # blank nodes of other graphs (reached at a deeper level): few
        if type(y) is ox.NamedNode:
            continue
        for q in raw.quads_for_pattern(None, None, y, None):
            g = q.graph_name
            if q.predicate in paths and not (
                type(g) is ox.NamedNode and (g == skip or g.value.startswith(STAGING_PREFIX))
            ):
                yield q.subject, q.predicate, y
