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
from kg.store.shacl_scope import SUBCLASS, ShapeScope

#: nodes per walk-back query (each one a VALUES row)
BATCH = 2_000


@dataclass(frozen=True)
class ShapeFacts:
    """What the shapes say about which triples of a file matter for its focus nodes."""

    #: predicates whose change at a node a shape reads through a path into it
    walk_predicates: frozenset[ox.NamedNode]
    #: targeted classes and their subclasses (a blank node of one is a focus node)
    targeted_classes: frozenset[ox.NamedNode]
    #: predicates of ``sh:targetSubjectsOf``/``sh:targetObjectsOf``
    target_predicates: frozenset[ox.NamedNode]


def shape_facts(raw: ox.Store, shapes: rdflib.Graph, scope: ShapeScope) -> ShapeFacts:
    """For the store's current schema (targeted classes and their subclasses)."""
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
    return ShapeFacts(walk, frozenset(classes), frozenset(preds))


@dataclass
class LoadedCopy:
    """The loaded file in an in-memory store (blank nodes under its own labels, literals in the
    canonical form the disk store gives them), what it says about the focus nodes, and later
    the inferred graph's new content and the other graphs' triples of its nodes (``add``,
    ``complete``): then each node it holds as a subject reads as the disk store would."""

    mem: ox.Store
    #: IRIs the file mentions (subjects and objects)
    nodes: set[Any]
    #: IRI subject -> the walk predicates the file gives it
    dirty: dict[Any, set[ox.NamedNode]]
    #: subjects ``mem`` answers for, and the disk store for the others (set by ``complete``)
    covered: set[Any] = field(default_factory=set)
    disk: Any = None

    def add(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        self.mem.bulk_extend(ox.Quad(s, p, o) for s, p, o in triples)

    def quads_for_pattern(self, s: Any, p: Any, o: Any, g: Any = None) -> Any:
        """What ``shacl_model.Data`` reads a node with: from memory for the nodes held here,
        from the disk store (``disk``) for the others."""
        if s in self.covered:
            return self.mem.quads_for_pattern(s, p, o, None)
        return self.disk.quads_for_pattern(s, p, o, g)


def _ask(mem: ox.Store, query: str) -> bool:
    return bool(mem.query(query))


def copy_of(mem: ox.Store, facts: ShapeFacts) -> LoadedCopy | None:
    """The focus-node facts of the file in ``mem`` (all from the engine, in Rust), or None
    when they cannot be followed this way: the file changes the class hierarchy, holds a
    targeted blank node (its disk label is not ``mem``'s) or RDF-star."""
    classes = " ".join(str(c) for c in facts.targeted_classes)
    preds = " ".join(str(p) for p in facts.target_predicates)
    checks = [f"ASK {{ ?s <{SUBCLASS.value}> ?o }}"]
    if classes:
        checks.append(f"ASK {{ ?b a ?c FILTER(isBlank(?b)) VALUES ?c {{ {classes} }} }}")
    if preds:
        checks.append(
            f"ASK {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) VALUES ?p {{ {preds} }} }}"
        )
    checks.append("ASK { ?s ?p ?o FILTER(isTRIPLE(?s) || isTRIPLE(?o)) }")
    try:
        if any(_ask(mem, q) for q in checks):
            return None
    except (SyntaxError, ValueError, OSError):
        return None
    nodes = {
        row[0]
        for row in mem.query(
            "SELECT DISTINCT ?n WHERE { { ?n ?p ?o } UNION { ?s ?p ?n } FILTER(isIRI(?n)) }"
        )
    }
    dirty: dict[Any, set[ox.NamedNode]] = {}
    if facts.walk_predicates:
        walk = " ".join(str(p) for p in facts.walk_predicates)
        query = (
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p ?o FILTER(isIRI(?s)) VALUES ?p {{ {walk} }} }}"
        )
        for row in mem.query(query):
            dirty.setdefault(row[0], set()).add(row[1])
    return LoadedCopy(mem, nodes, dirty)


def complete(copy: LoadedCopy, raw: ox.Store, loaded: str, inferred_graph: str) -> None:
    """Adds to ``copy`` the other graphs' triples of its subjects (read by the engine in
    batches, decoding only those), after ``add`` gave it the inferred graph's new content:
    then every subject it holds reads as on disk (``quads_for_pattern``)."""
    mem = copy.mem
    copy.covered = {row[0] for row in mem.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")}
    copy.disk = raw
    iris = [n for n in copy.covered if type(n) is ox.NamedNode]
    excluded = _excluded_graphs(raw, loaded, inferred_graph)
    for start in range(0, len(iris), BATCH):
        values = " ".join(str(n) for n in iris[start : start + BATCH])
        query = (
            f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} "
            f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({excluded})) }} "
            f"UNION {{ ?s ?p ?o }} }}"
        )
        mem.extend(ox.Quad(row[0], row[1], row[2]) for row in raw.query(query))


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
    excluded = _excluded_graphs(raw, loaded)
    for start in range(0, len(iris), BATCH):
        values = " ".join(str(n) for n in iris[start : start + BATCH])
        query = (
            f"SELECT ?x ?p ?y WHERE {{ VALUES ?y {{ {values} }} "
            f"{{ GRAPH ?g {{ ?x ?p ?y }} FILTER(?g NOT IN ({excluded}) && ?p IN ({allowed})) }} "
            f"UNION {{ ?x ?p ?y FILTER(?p IN ({allowed})) }} }}"
        )
        for row in raw.query(query):  # the default graph is the store's own here
            yield row[0], row[1], row[2]
    skip = ox.NamedNode(loaded)
    for y in nodes:  # blank nodes of other graphs (reached at a deeper level): few
        if type(y) is ox.NamedNode:
            continue
        for q in raw.quads_for_pattern(None, None, y, None):
            g = q.graph_name
            if q.predicate in paths and not (
                type(g) is ox.NamedNode and (g == skip or g.value.startswith(STAGING_PREFIX))
            ):
                yield q.subject, q.predicate, y


def _excluded_graphs(raw: ox.Store, *graphs: str) -> str:
    """``graphs`` and every staging graph, as the list of a ``FILTER(?g NOT IN (…))``: graphs
    are compared as ids in the engine, never decoded."""
    hidden = [ox.NamedNode(g) for g in graphs] + [
        g
        for g in raw.named_graphs()
        if type(g) is ox.NamedNode and g.value.startswith(STAGING_PREFIX)
    ]
    return ", ".join(str(g) for g in hidden)
