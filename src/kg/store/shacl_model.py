"""What the compiled SHACL checks read and report: the store's data through its indexes
(``Data``), the class hierarchy (``Schema``), a compiled shape and its checks, and failures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import RDF, RDFS

RDF_TYPE = ox.NamedNode(str(RDF.type))


SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


LABEL = ox.NamedNode(str(RDFS.label))


LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


XSD = "http://www.w3.org/2001/XMLSchema#"

_EMPTY: dict[Any, None] = {}

#: a node no data holds: a property shape's verdict on a node without values (``Shape``)
_ABSENT = ox.NamedNode("urn:kg:shacl:absent")


@dataclass
class Schema:
    """The class hierarchy as read from the data (``rdfs:subClassOf``), and which shapes target
    each class: reusable across validations until a write changes the hierarchy."""

    below: dict[Any, set[Any]] | None = None
    closure: dict[Any, frozenset[Any]] = field(default_factory=dict)
    class_shapes: dict[Any, list[Any]] | None = None


class Data:
    """What the checks read: objects of (node, predicate), and class membership through the
    class hierarchy (``rdfs:subClassOf*``), from any ``match(s, p, o)``."""

    #: nodes whose triples are remembered at most (a validation in batches calls ``forget``)
    CACHE = 200_000

    def __init__(
        self,
        match: Callable[[Any, Any, Any], Iterable[tuple[Any, Any, Any]]],
        raw: ox.Store | None = None,
        schema: Schema | None = None,
    ) -> None:
        """``schema``: the class hierarchy read by an earlier validation of the same store, if
        it has not changed since. ``raw``: read objects straight from this store's indexes,
        every graph (faster than ``match``; for a store with no staging graph and no pending
        change)."""
        self.match = match
        self.raw = raw
        self._cache: dict[Any, dict[Any, dict[Any, None]]] = {}
        self.schema = Schema() if schema is None else schema

    @property
    def class_shapes(self) -> dict[Any, list[Any]] | None:
        return self.schema.class_shapes

    @class_shapes.setter
    def class_shapes(self, value: dict[Any, list[Any]]) -> None:
        self.schema.class_shapes = value

    def objects(self, s: Any, p: Any) -> list[Any]:
        """Objects of ``s p ?``. Reading a whole store (``raw``), the first lookup of a node
        reads all its triples at once (one index scan instead of one per predicate a shape asks
        for); through a view (a write), each (node, predicate) is looked up on its own, as a
        write's nodes are few and may carry many triples no shape reads."""
        node = self._cache.get(s)
        if node is None:
            if len(self._cache) >= self.CACHE:
                self._cache.clear()
            node = self._cache[s] = {}
            if self.raw is not None:
                for q in self.raw.quads_for_pattern(s, None, None):
                    found = node.get(q.predicate)
                    if found is None:
                        node[q.predicate] = {q.object: None}
                    else:
                        found[q.object] = None
                node[None] = {}  # marks the node as read whole
        values = node.get(p)
        if values is None and None not in node:
            values = node[p] = dict.fromkeys(t[2] for t in self.match(s, p, None))
        return list(values) if values else []

    def values(self, s: Any, p: Any) -> dict[Any, None]:
        """Objects of ``s p ?`` as the cached dict itself (read-only for callers): what the
        yes/no checks iterate, without the copy ``objects`` makes."""
        node = self._cache.get(s)
        if node is not None:
            values = node.get(p)
            if values is not None:
                return values
            if None in node:
                return _EMPTY
        self.objects(s, p)
        return self._cache[s].get(p) or _EMPTY

    def whole(self, s: Any) -> dict[Any, dict[Any, None]] | None:
        """Every triple of ``s`` by predicate (read-only for callers), when this reads nodes
        whole (``raw``, or a cache filled whole); None otherwise."""
        node = self._cache.get(s)
        if node is None:
            if self.raw is None:
                return None
            self.objects(s, RDF_TYPE)
            node = self._cache[s]
        return node if None in node else None

    def remember(self, s: Any, pairs: Iterable[tuple[Any, Any]]) -> None:
        """Take ``s``'s triples (every graph, as (predicate, object)) read elsewhere, e.g. by
        one query for a batch of nodes, as if ``objects`` had read them. Whole-store reading
        only: through a view, a write's changes would be missed."""
        if s in self._cache:
            return
        if len(self._cache) >= self.CACHE:
            self._cache.clear()
        node: dict[Any, dict[Any, None]] = {}
        for p, o in pairs:
            found = node.get(p)
            if found is None:
                node[p] = {o: None}
            else:
                found[o] = None
        node[None] = {}  # marks the node as read whole
        self._cache[s] = node

    def forget(self) -> None:
        self._cache.clear()

    def subclasses(self, cls: Any) -> frozenset[Any]:
        """``cls`` and every class below it."""
        schema = self.schema
        known = schema.closure.get(cls)
        if known is not None:
            return known
        if schema.below is None:
            below: dict[Any, set[Any]] = {}
            for s, _p, o in self.match(None, SUBCLASS, None):
                below.setdefault(o, set()).add(s)
            schema.below = below
        out, todo = {cls}, [cls]
        while todo:
            for child in schema.below.get(todo.pop(), ()):
                if child not in out:
                    out.add(child)
                    todo.append(child)
        schema.closure[cls] = frozenset(out)
        return schema.closure[cls]

    def is_instance(self, node: Any, cls: Any) -> bool:
        if type(node) is ox.Literal:
            return False
        return not self.subclasses(cls).isdisjoint(self.values(node, RDF_TYPE))


@dataclass
class Failure:
    component: str
    value: Any  # the offending value node, or None
    message: str
    #: for ``sh:node``: the nested shape's own failures on the value node (pyshacl reports
    #: them too, as ``sh:detail`` results): (focus, shape, failure)
    details: list[tuple[Any, Shape, Failure]] = field(default_factory=list)


Check = Callable[[Data, Any, list[Any]], Iterator[Failure]]


@dataclass
class Shape:
    node: Any  # the shape's own node in the shapes graph
    path: ox.NamedNode | None
    checks: list[Check]
    messages: list[str]
    severity: str
    properties: list[Shape]
    #: the checks' yes/no forms, and the verdict on a node without values (``conforms``)
    _quick: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    _empty: bool | None = field(default=None, repr=False, compare=False)
    #: property shapes by path, and the paths whose absence fails (``_properties_conform``)
    _by_path: dict[Any, list[Shape]] | None = field(default=None, repr=False, compare=False)
    _required: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def results(self, data: Data, focus: Any) -> Iterator[tuple[Shape, Failure]]:
        """Every failure of ``focus`` against this shape (and its property shapes)."""
        values = [focus] if self.path is None else data.objects(focus, self.path)
        for check in self.checks:
            for failure in check(data, focus, values):
                yield self, failure
        if self.path is None:
            for prop in self.properties:
                yield from prop.results(data, focus)

    def conforms(self, data: Data, focus: Any) -> bool:
        """Whether ``results`` would yield nothing, asked of each check's yes/no form: most
        nodes conform, and building no failures (no generators, no messages) makes this ~10×
        cheaper than ``results``; callers run ``results`` only where this says no.

        A property shape with no values at the node has the same verdict at every node (every
        component either tests each value or counts them), so it is worked out once: most
        paths of a shape are absent at most nodes (a relation's shape has ~30)."""
        quick = self._quick
        if quick is None:
            quick = self._quick = tuple(c.quick for c in self.checks)  # type: ignore[attr-defined]
        if self.path is None:
            values: Any = [focus]
        else:
            values = data.values(focus, self.path)
            if not values:
                empty = self._empty
                if empty is None:
                    empty = self._empty = all(q(data, focus, values) for q in quick)
                return empty
        for q in quick:
            if not q(data, focus, values):
                return False
        if self.path is None and self.properties:
            return self._properties_conform(data, focus)
        return True

    def _properties_conform(self, data: Data, focus: Any) -> bool:
        """The property shapes' verdicts. When the node's triples are all in ``data``'s cache,
        only the paths it has are evaluated: an absent path's verdict is the one worked out
        once (``_empty``), so the shapes that fail without values are tested by a lookup."""
        props = self.properties
        present = data.whole(focus) if len(props) > 3 else None
        if present is None:
            for prop in props:
                if not prop.conforms(data, focus):
                    return False
            return True
        by_path = self._by_path
        if by_path is None:
            by_path = {}
            for prop in props:
                by_path.setdefault(prop.path, []).append(prop)
            self._by_path = by_path
            self._required = tuple(
                path
                for path, group in by_path.items()
                if not all(prop.conforms(data, _ABSENT) for prop in group)
            )
        for path in self._required:  # type: ignore[union-attr]
            if not present.get(path):
                return False
        for path in present:
            group = by_path.get(path)
            if group is not None:
                for prop in group:
                    if not prop.conforms(data, focus):
                        return False
        return True


class _Unknown(Exception):
    pass


Predicate = Callable[[Data, Any], bool]
