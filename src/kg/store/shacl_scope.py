"""Targeted SHACL: validate only the focus nodes a write can affect, on their neighbourhood.

A shape's verdict on a focus node depends on the node's own triples along the shape's paths (and
its types, for targets), on what nested constraints read at the values (``sh:class`` reads the
value's ``rdf:type``, ``sh:node`` the nested shape's paths …) and on the class hierarchy. So a
changed triple ``s p o`` can change the verdict on ``s`` and ``o`` themselves, and on any node
that reaches ``s`` through a path whose value constraints read ``p`` there — found by walking
those paths backwards from the changed nodes. Everything else keeps the verdict it had, and the
store conformed before the write.

``ShapeScope`` is that reading of the shapes graph; ``affected_nodes`` walks back from a write's
changes; ``neighbourhood`` fetches the triples the shapes read around those nodes (from a
``kg.store.overlay.TripleView`` of the store after the write); pyshacl then validates that small
graph and only the verdicts on the affected nodes are kept. Shapes this reading cannot follow
(complex paths, SPARQL constraints, SPARQL targets) and changes to the class hierarchy make the
caller validate the whole store instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.store.overlay import Fact, TripleView

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
LABEL = ox.NamedNode(str(RDFS.label))

#: constraint parameters whose objects are shapes evaluated at the same value nodes
_NESTED = (SH.node, SH.qualifiedValueShape, SH["not"])
_NESTED_LISTS = (SH["or"], SH["and"], SH.xone)
_SIBLING_PATHS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_UNFOLLOWED = (SH.sparql, SH.target, SH.rule, SH.targetSubjectsOf, SH.targetObjectsOf)


@dataclass
class _Reads:
    """What validating one node against a shape reads: predicates at the node itself, and for
    each path predicate, what is read at its values."""

    here: set[ox.NamedNode] = field(default_factory=set)
    via: dict[ox.NamedNode, _Reads] = field(default_factory=dict)

    def merge(self, other: _Reads) -> None:
        self.here |= other.here
        for p, reads in other.via.items():
            self.via.setdefault(p, _Reads()).merge(reads)

    def depth(self) -> int:
        return 1 + max((r.depth() for r in self.via.values() if r.here or r.via), default=0)


@dataclass
class ShapeScope:
    #: predicates read at a focus node (paths, rdf:type, rdfs:label for the report)
    focus_predicates: frozenset[ox.NamedNode]
    #: path predicate -> predicates read at its value nodes, at any nesting level
    reads_via: dict[ox.NamedNode, frozenset[ox.NamedNode]]
    #: levels of outgoing triples to fetch around a focus node
    levels: int
    #: True if the shapes use something this reading does not follow
    whole: bool


def scope_of(shapes: rdflib.Graph) -> ShapeScope:
    whole = any(True for p in _UNFOLLOWED for _ in shapes.subject_objects(p))
    memo: dict[Any, _Reads] = {}

    def reads_of(shape: Any, active: frozenset[Any]) -> _Reads:
        nonlocal whole
        if shape in memo:
            return memo[shape]
        if shape in active:  # a recursive shape: SHACL leaves it undefined; be safe
            whole = True
            return _Reads()
        active = active | {shape}
        out = _Reads()
        if (shape, SH["class"], None) in shapes:
            out.here.add(RDF_TYPE)
        for param in _SIBLING_PATHS:
            for other in shapes.objects(shape, param):
                if isinstance(other, rdflib.URIRef):
                    out.here.add(ox.NamedNode(str(other)))
                else:
                    whole = True
        for param in _NESTED:
            for nested in shapes.objects(shape, param):
                out.merge(reads_of(nested, active))
        for param in _NESTED_LISTS:
            for head in shapes.objects(shape, param):
                for nested in Collection(shapes, head):
                    out.merge(reads_of(nested, active))
        for prop in shapes.objects(shape, SH.property):
            out.merge(reads_of(prop, active))
        path = shapes.value(shape, SH.path)
        if path is not None:
            if not isinstance(path, rdflib.URIRef):
                whole = True
                memo[shape] = _Reads()
                return memo[shape]
            # a property shape: its own constraints apply to the values of the path
            p = ox.NamedNode(str(path))
            out = _Reads({p}, {p: out})
        memo[shape] = out
        return out

    total = _Reads({RDF_TYPE, LABEL})
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    shape_nodes |= {
        s for p in (SH.targetClass, SH.targetNode, SH.property) for s in shapes.subjects(p, None)
    }
    for shape in shape_nodes:
        total.merge(reads_of(shape, frozenset()))
    flat: dict[ox.NamedNode, set[ox.NamedNode]] = {}

    def flatten(reads: _Reads) -> None:
        for p, values in reads.via.items():
            flat.setdefault(p, set()).update(values.here)
            flat[p].update(values.via)
            flatten(values)

    flatten(total)
    return ShapeScope(
        focus_predicates=frozenset(total.here),
        reads_via={p: frozenset(r) for p, r in flat.items() if r},
        levels=total.depth() + 1,
        whole=whole,
    )


def _node(term: Any) -> bool:
    return type(term) in (ox.NamedNode, ox.BlankNode)


def affected_nodes(scope: ShapeScope, view: TripleView, changes: Iterable[Fact]) -> set[Any]:
    """Nodes whose verdict a change can move: the changed triples' subjects and objects, and
    nodes reaching a changed subject through a path whose values' constraints read what
    changed there (walked back as deep as the shapes nest)."""
    affected: set[Any] = set()
    dirty: dict[Any, set[ox.NamedNode]] = {}
    for s, p, o in changes:
        affected.add(s)
        if _node(o):
            affected.add(o)
        dirty.setdefault(s, set()).add(p)
    walked: dict[Any, set[ox.NamedNode]] = {}  # paths already walked back from a node
    for _ in range(scope.levels):
        found: dict[Any, set[ox.NamedNode]] = {}
        for y, preds in dirty.items():
            paths = {p for p, reads in scope.reads_via.items() if preds & reads}
            # walked at an earlier level: what it reached is affected already, and was walked
            # from at least as deep as it would be now (a load dirties thousands of nodes that
            # reach each other; each is read once instead of once per level)
            done = walked.setdefault(y, set())
            paths -= done
            done |= paths
            if not paths:
                continue
            if len(paths) > 2:  # one scan of the node's incoming arcs instead of one per path
                for x, p, _y in view.match(None, None, y):
                    if p in paths:
                        found.setdefault(x, set()).add(p)
                continue
            for p in paths:
                for x in view.subjects(p, y):
                    found.setdefault(x, set()).add(p)
        affected.update(found)
        dirty = found
        if not dirty:
            break
    return affected


def neighbourhood(scope: ShapeScope, view: TripleView, focus: Iterable[Any]) -> list[Fact]:
    """The triples validating ``focus`` reads: each focus node's triples with a predicate the
    shapes read, then at each value node what its constraints read, level by level, plus the
    class hierarchy."""
    wanted: dict[Any, frozenset[ox.NamedNode]] = {n: scope.focus_predicates for n in focus}
    done: dict[Any, frozenset[ox.NamedNode]] = {}
    out: list[Fact] = list(view.match(None, SUBCLASS, None))
    for _ in range(scope.levels):
        following: dict[Any, set[ox.NamedNode]] = {}
        for node, preds in wanted.items():
            missing = preds - done.get(node, frozenset())
            if not missing:
                continue
            done[node] = done.get(node, frozenset()) | missing
            if len(missing) > 3:
                found = [f for f in view.match(node, None, None) if f[1] in missing]
            else:
                found = [f for p in missing for f in view.match(node, p, None)]
            for fact in found:
                if fact[1] != SUBCLASS:
                    out.append(fact)
                reads = scope.reads_via.get(fact[1])
                if reads and _node(fact[2]):
                    following.setdefault(fact[2], set()).update(reads)
        wanted = {n: frozenset(p) for n, p in following.items()}
        if not wanted:
            break
    return out
