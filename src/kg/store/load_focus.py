"""The focus nodes a load of one new graph can affect, and their first screen, from the parse.

``kg.store.shacl_scope.affected_nodes`` finds the focus nodes from the load's triples, read
back from the store: ~10 µs a quad on disk (every term decoded through RocksDB), more than the
bulk load itself. But a big file is parsed anyway while the bulk loader stores it
(``kg.store.load_parse``, for the speculative inference of ``kg.store.inference_native``), so
its subject index also gives what the focus set needs (``copy_of``): the IRIs it mentions and,
for each subject, the predicates a shape's path reads there. A new graph's blank nodes are its
own, so only IRIs can be reached from elsewhere; blank nodes that a shape targets make the
caller use the old path (their store labels are not the parser's).

The walk back from changed nodes (``walk_back``) then only needs the arcs of the *other*
graphs: a node with an arc in the loaded graph is one of its subjects, a focus node already.
With the inferred graph's new content and the other graphs' triples of its subjects added
(``complete``), the index reads every subject as the disk store will, and ``screen`` runs the
compiled shapes' yes/no form over it: dict lookups, ~20 µs a node.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.store import shacl_straight
from kg.store.base import STAGING_PREFIX
from kg.store.load_parse import Index, ParsedFile, index_add
from kg.store.shacl_scope import RDF_TYPE, SUBCLASS, ShapeScope


@dataclass(frozen=True)
class ShapeFacts:
    """What the shapes say about which triples of a file matter for its focus nodes."""

    #: predicates whose change at a node a shape reads through a path into it
    walk_predicates: frozenset[ox.NamedNode]
    #: targeted classes and their subclasses (a blank node of one is a focus node)
    targeted_classes: frozenset[ox.NamedNode]
    #: predicates of ``sh:targetSubjectsOf``/``sh:targetObjectsOf``
    target_predicates: frozenset[ox.NamedNode]
    #: every predicate a shape reads, at a focus node or at a value (``ShapeScope``)
    read_predicates: frozenset[ox.NamedNode]


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
    return ShapeFacts(walk, frozenset(classes), frozenset(preds), scope.focus_predicates | walk)


@dataclass
class LoadedCopy:
    """The loaded file as a Python subject index (``kg.store.load_parse``: blank nodes under
    labels of its own, literals in the store's canonical form), what it says about the focus
    nodes, and later the inferred graph's new content (what a shape can read of it) and the
    other graphs' triples of its subjects (``add``, ``complete``): then each subject it holds
    reads as the disk store would along every path a shape follows."""

    index: Index
    #: IRIs the file mentions (subjects and objects)
    nodes: set[Any]
    #: IRI subject -> the walk predicates the file gives it
    dirty: dict[Any, set[ox.NamedNode]]
    #: the predicates the shapes read (``ShapeFacts.read_predicates``)
    read: frozenset[Any]
    #: set by ``load_validation.screen_new_graph``: the focus nodes that failed the screen
    #: (None: every focus node must be checked), once ``screened``
    suspects: list[Any] | None = None
    screened: bool = False

    def add(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Adds the inferred graph's new triples that the screen can read: those of a
        predicate some shape reads (at 10×, ~70 k of 157 k have one none does: ``yrd:time``,
        ``yrd:pairedWith`` …). Every subject gets in all the same, so the copy holds the
        same nodes and they read as on disk along every path a shape follows."""
        index, add, read = self.index, index_add, self.read
        last: Any = None
        kept = False
        for s, p, o in triples:
            if p is not last:  # the closure gives runs of one predicate object
                last, kept = p, p in read
            if kept:
                add(index, s, p, o)
            elif s not in index:
                index[s] = {}


def copy_of(parsed: ParsedFile, facts: ShapeFacts) -> LoadedCopy | None:
    """The focus-node facts of the parsed file, or None when they cannot be followed this way:
    the file changes the class hierarchy or holds a targeted blank node (its disk label is not
    the parse's)."""
    classes, targets, walk = facts.targeted_classes, facts.target_predicates, facts.walk_predicates
    nodes: set[Any] = set()
    dirty: dict[Any, set[ox.NamedNode]] = {}
    named = ox.NamedNode
    # predicate -> what it is for the shapes, worked out once (a file has a few dozen; it has
    # ~300 k (subject, predicate) pairs at 10x)
    kinds: dict[Any, tuple[bool, bool, bool, bool]] = {}
    for s, preds in parsed.index.items():
        subject_is_iri = type(s) is named
        if subject_is_iri:
            nodes.add(s)
        for p, objects in preds.items():
            kind = kinds.get(p)
            if kind is None:
                kind = kinds[p] = (p == SUBCLASS, p in targets, p == RDF_TYPE, p in walk)
            subclass, target, typed, walked = kind
            if subclass:
                return None
            if target and (not subject_is_iri or any(type(o) is ox.BlankNode for o in objects)):
                return None
            if typed and not subject_is_iri and not classes.isdisjoint(objects):
                return None
            if walked and subject_is_iri:
                dirty.setdefault(s, set()).add(p)
            for o in objects:
                if type(o) is named:
                    nodes.add(o)
    return LoadedCopy(parsed.index, nodes, dirty, facts.read_predicates)


class OtherGraphs:
    """The triples of every graph but the loaded one and the staging graphs, as the focus set
    and the screen need them: the arcs into a node along the shapes' paths (``arcs_into``) and
    a subject's triples outside the inferred graph (``triples_of``).

    While the file is bulk-loaded the loaded graph grows on disk, and a per-node index scan
    decodes its triples too (~16 a node at 10×, each a RocksDB lookup per term) only to skip
    them. So when the other graphs hold fewer quads than ``limit`` they are read once, graph by
    graph, into dicts; otherwise each node is looked up on disk."""

    def __init__(
        self, raw: ox.Store, loaded: str, inferred: str, paths: Iterable[Any], limit: int
    ) -> None:
        self.raw, self.paths = raw, frozenset(paths)
        self.skip = _skipped_graphs(raw, loaded)
        self.inferred = ox.NamedNode(inferred)
        self.subjects: Index | None = None
        self.into: dict[Any, list[tuple[Any, Any]]] | None = None
        self._read_whole(limit)

    def _read_whole(self, limit: int) -> None:
        subjects: Index = {}
        into: dict[Any, list[tuple[Any, Any]]] = {}
        paths, inferred, seen = self.paths, self.inferred, 0
        graphs = [g for g in self.raw.named_graphs() if g not in self.skip]
        for g in [ox.DefaultGraph(), *graphs]:
            for q in self.raw.quads_for_pattern(None, None, None, g):
                seen += 1
                if seen > limit:
                    return  # too many: look nodes up one by one
                s, p, o = q.subject, q.predicate, q.object
                if p in paths:
                    into.setdefault(o, []).append((s, p))
                if g == inferred:
                    continue
                index_add(subjects, s, p, o)
        self.subjects, self.into = subjects, into

    def triples_of(self, s: Any) -> Iterable[tuple[Any, Any]]:
        """(predicate, object) of ``s`` outside the inferred graph."""
        if self.subjects is not None:
            for p, objects in self.subjects.get(s, {}).items():
                for o in objects:
                    yield p, o
            return
        skip, inferred = self.skip, self.inferred
        for q in self.raw.quads_for_pattern(s, None, None, None):
            g = q.graph_name
            if g not in skip and g != inferred:
                yield q.predicate, q.object

    def arcs_into(self, y: Any) -> Iterable[tuple[Any, Any]]:
        """(subject, path predicate) of the arcs into ``y``, the old inferred graph's too."""
        if self.into is not None:
            yield from self.into.get(y, ())
            return
        paths, skip = self.paths, self.skip
        for q in self.raw.quads_for_pattern(None, None, y, None):
            if q.predicate in paths and q.graph_name not in skip:
                yield q.subject, q.predicate


def complete(copy: LoadedCopy, others: OtherGraphs) -> None:
    """Adds to ``copy`` the other graphs' triples of its IRI subjects, after ``add`` gave it
    the inferred graph's new content: then every subject it holds reads as on disk."""
    index, add = copy.index, index_add
    for s in [n for n in index if type(n) is ox.NamedNode]:
        for p, o in others.triples_of(s):
            add(index, s, p, o)


def _skipped_graphs(raw: ox.Store, *graphs: str) -> set[Any]:
    """``graphs`` and every staging graph (the loading marks)."""
    return {ox.NamedNode(g) for g in graphs} | {
        g
        for g in raw.named_graphs()
        if type(g) is ox.NamedNode and g.value.startswith(STAGING_PREFIX)
    }


def screen(compiled: Any, data: Any, copy: LoadedCopy, focus: Iterable[Any]) -> list[Any]:
    """The focus nodes that fail a shape when read from the copy (its subjects, from the Python
    index; other nodes from ``data``'s store), by the shapes written out as straight-line
    functions (``kg.store.shacl_straight``). Every other node conforms on disk too; these are
    validated again on the disk store, which reports them under its own labels."""
    cache = data._cache  # noqa: SLF001 - filled with the copy: the subjects read whole
    for s, preds in copy.index.items():
        cache[s] = {**preds, None: {}}
    data.CACHE = len(cache) + type(data).CACHE  # the copy must not be forgotten midway
    return shacl_straight.failing(compiled, data, focus)


_NONE: frozenset[Any] = frozenset()


def walk_back(
    scope: ShapeScope, others: OtherGraphs, dirty: dict[Any, set[ox.NamedNode]]
) -> set[Any]:
    """Nodes outside the loaded graph whose shapes reach a changed node through a path that
    reads what changed there, level by level as deep as the shapes nest (as
    ``shacl_scope.affected_nodes`` walks, restricted to the arcs of the other graphs)."""
    reads_via = scope.reads_via
    if not reads_via:
        return set()
    # predicate -> the paths that read it at the node they reach (a node changes by 1-3
    # predicates; testing each of ~30 paths against them cost ~20 µs a node)
    readers: dict[Any, set[ox.NamedNode]] = {}
    for path, reads in reads_via.items():
        for read in reads:
            readers.setdefault(read, set()).add(path)
    found_all: set[Any] = set()
    walked: dict[Any, set[ox.NamedNode]] = {}
    for _ in range(scope.levels):
        wanted: dict[Any, set[ox.NamedNode]] = {}  # node -> paths to walk back along
        for y, preds in dirty.items():
            along: set[ox.NamedNode] = set()
            for pred in preds:
                along |= readers.get(pred, _NONE)
            done = walked.setdefault(y, set())
            along -= done
            done |= along
            if along:
                wanted[y] = along
        found: dict[Any, set[ox.NamedNode]] = {}
        for y, along in wanted.items():
            for x, p in others.arcs_into(y):
                if p in along:
                    found.setdefault(x, set()).add(p)
        found_all.update(found)
        dirty = found
        if not dirty:
            break
    return found_all
