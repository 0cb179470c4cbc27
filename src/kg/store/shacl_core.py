"""SHACL Core compiled once into Python checks, evaluated through index lookups.

pyshacl validates an rdflib graph: everything must first be copied into one (~2,000 triples/s),
and every call re-reads the shapes graph. That caps a write at tens of milliseconds and whole
store validation at minutes per million triples. The shapes of this project use a small part of
SHACL Core (targets by class, simple paths, cardinality, class, datatype, node kind, value
ranges, lengths, patterns, languages, lists of values, nested and qualified shapes, or/and/not/
xone), so those components are compiled here into closures that read values straight from the
store (or from a ``kg.store.overlay.TripleView`` of it after a write) one node at a time.

``compile_shapes`` returns None when the shapes use anything else (SPARQL constraints, complex
paths, closed shapes …): callers then fall back to pyshacl, which stays the reference the tests
compare this engine with (same focus nodes, paths, components and values).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.store.validation import Violation

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
LABEL = ox.NamedNode(str(RDFS.label))
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Shape parameters this engine understands; anything else in a shape means "use pyshacl".
KNOWN = {
    RDF.type, RDFS.label, RDFS.comment, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.property, SH.path, SH.message, SH.severity, SH.name, SH.description,
    SH.order, SH.group, SH.deactivated, SH["class"], SH.datatype, SH.nodeKind, SH.minCount,
    SH.maxCount, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn, SH["in"], SH.hasValue,
    SH.node, SH["or"], SH["and"], SH["not"], SH.xone, SH.qualifiedValueShape,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.defaultValue,
}  # fmt: skip


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
        classes = self.subclasses(cls)
        return any(t in classes for t in self.objects(node, RDF_TYPE))


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
        return next(self.results(data, focus), None) is None


@dataclass
class Compiled:
    shapes: list[Shape]  # the top-level shapes with targets
    targets: dict[int, tuple[list[Any], list[Any], list[Any], list[Any]]]
    predicates: frozenset[ox.NamedNode]

    def shapes_for(self, data: Data, node: Any) -> list[Shape]:
        """The shapes that target ``node``."""
        by_class = data.class_shapes
        if by_class is None:  # class -> shapes targeting it or a superclass
            by_class = data.class_shapes = {}
            for shape in self.shapes:
                for c in self.targets[id(shape)][0]:
                    for sub in data.subclasses(c):
                        by_class.setdefault(sub, []).append(shape)
        types = data.objects(node, RDF_TYPE) if type(node) is not ox.Literal else []
        chosen = {id(s) for t in types for s in by_class.get(t, ())}
        out = []
        for shape in self.shapes:
            _classes, nodes, subjects_of, objects_of = self.targets[id(shape)]
            if (
                id(shape) in chosen
                or node in nodes
                or any(data.objects(node, p) for p in subjects_of)
                or any(next(iter(data.match(None, p, node)), None) for p in objects_of)
            ):
                out.append(shape)
        return out

    def focus_nodes(self, data: Data) -> Iterator[Any]:
        """Every node some shape targets, each once (whole-store validation)."""
        seen: set[Any] = set()
        for shape in self.shapes:
            classes, nodes, subjects_of, objects_of = self.targets[id(shape)]
            found: Iterable[Any] = list(nodes)
            for c in classes:
                for sub in data.subclasses(c):
                    found = [*found, *(t[0] for t in data.match(None, RDF_TYPE, sub))]
            for p in subjects_of:
                found = [*found, *(t[0] for t in data.match(None, p, None))]
            for p in objects_of:
                found = [*found, *(t[2] for t in data.match(None, p, None))]
            for node in found:
                if node not in seen:
                    seen.add(node)
                    yield node

    def validate(self, data: Data, focus: Iterable[Any]) -> list[Violation]:
        out = []
        for node in focus:
            for shape in self.shapes_for(data, node):
                for source, failure in shape.results(data, node):
                    _report(data, node, source, failure, out)
        return out


def _report(data: Data, focus: Any, shape: Shape, failure: Failure, out: list[Violation]) -> None:
    out.append(_violation(data, focus, shape, failure))
    for inner_focus, inner_shape, inner in failure.details:
        _report(data, inner_focus, inner_shape, inner, out)


def _violation(data: Data, focus: Any, shape: Shape, failure: Failure) -> Violation:
    labels = data.objects(focus, LABEL) if type(focus) is not ox.Literal else []
    zh = [lab for lab in labels if (getattr(lab, "language", None) or "").lower() == "zh-hans"]
    label = min((lab.value for lab in (zh or labels)), default=None)
    value = failure.value
    return Violation(
        focus=focus.value if type(focus) is not ox.Literal else str(focus),
        focus_label=label,
        path=_short(shape.path.value) if shape.path is not None else None,
        message=shape.messages[0] if shape.messages else failure.message,
        severity=shape.severity,
        component=failure.component,
        value=None if value is None else value.value,  # as pyshacl's report prints it
    )


def _short(text: str) -> str:
    for sep in ("#", "/"):
        if sep in text:
            return text.rsplit(sep, 1)[1] or text
    return text


class _Unknown(Exception):
    pass


def compile_shapes(shapes: rdflib.Graph) -> Compiled | None:
    """The shapes as checks, or None if they use something this engine does not implement."""
    try:
        return _Compiler(shapes).run()
    except _Unknown:
        return None


class _Compiler:
    def __init__(self, g: rdflib.Graph) -> None:
        self.g = g
        self.memo: dict[Any, Shape] = {}
        self.predicates: set[ox.NamedNode] = {RDF_TYPE, LABEL}

    def run(self) -> Compiled:
        g = self.g
        targeted = {
            s
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for s in g.subjects(p, None)
        }
        for s in g.subjects(RDF.type, SH.NodeShape):
            if (s, RDF.type, RDFS.Class) in g:
                raise _Unknown  # implicit class targets
        shapes, targets = [], {}
        for node in sorted(targeted, key=str):
            shape = self.shape(node)
            if (node, SH.deactivated, rdflib.Literal(True)) in g:
                continue
            shapes.append(shape)
            targets[id(shape)] = tuple(
                [_ox(o) for o in g.objects(node, p)]
                for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            )
            for p in targets[id(shape)][2] + targets[id(shape)][3]:
                self.predicates.add(p)
        return Compiled(shapes, targets, frozenset(self.predicates))  # type: ignore[arg-type]

    def shape(self, node: Any) -> Shape:
        if node in self.memo:
            return self.memo[node]
        g = self.g
        for p in g.predicates(node, None):
            if p not in KNOWN:
                raise _Unknown
        if (node, SH.deactivated, rdflib.Literal(True)) in g:
            raise _Unknown  # a deactivated nested shape: rare, leave it to pyshacl
        path_term = g.value(node, SH.path)
        if path_term is not None and not isinstance(path_term, rdflib.URIRef):
            raise _Unknown
        path = None if path_term is None else ox.NamedNode(str(path_term))
        if path is not None:
            self.predicates.add(path)
        severity = g.value(node, SH.severity)
        shape = Shape(
            node=node,
            path=path,
            checks=[],
            messages=[str(m) for m in g.objects(node, SH.message)],
            severity=_short(str(severity)) if severity is not None else "Violation",
            properties=[],
        )
        self.memo[node] = shape  # before nested shapes: a recursive reference finds it
        shape.checks = self.checks(node, path is not None)
        shape.properties = [self.shape(p) for p in g.objects(node, SH.property)]
        if path is not None and shape.properties:
            raise _Unknown  # property shapes nested in a property shape
        return shape

    def _list(self, head: Any) -> list[Any]:
        return list(Collection(self.g, head))

    def checks(self, node: Any, is_property: bool) -> list[Check]:
        g, checks = self.g, []
        one = g.value
        for cls in g.objects(node, SH["class"]):
            checks.append(_each("ClassConstraintComponent", _class(_ox(cls)), f"not a {cls}"))
            self.predicates.add(RDF_TYPE)
        for dt in g.objects(node, SH.datatype):
            checks.append(_each("DatatypeConstraintComponent", _datatype(str(dt)), f"not {dt}"))
        for kind in g.objects(node, SH.nodeKind):
            checks.append(_each("NodeKindConstraintComponent", _node_kind(kind), f"not {kind}"))
        for key, op in (
            (SH.minInclusive, "ge"),
            (SH.maxInclusive, "le"),
            (SH.minExclusive, "gt"),
            (SH.maxExclusive, "lt"),
        ):
            for bound in g.objects(node, key):
                name = _short(str(key))
                component = name[0].upper() + name[1:] + "ConstraintComponent"
                checks.append(_each(component, _range(bound, op), f"{name} {bound}"))
        for key, longer in ((SH.minLength, False), (SH.maxLength, True)):
            for n in g.objects(node, key):
                name = _short(str(key))
                component = name[0].upper() + name[1:] + "ConstraintComponent"
                checks.append(_each(component, _length(int(n), longer), f"{name} {n}"))
        for pattern in g.objects(node, SH.pattern):
            flags = str(one(node, SH.flags) or "")
            checks.append(
                _each("PatternConstraintComponent", _pattern(str(pattern), flags), "pattern")
            )
        for head in g.objects(node, SH.languageIn):
            langs = [str(x).lower() for x in self._list(head)]
            checks.append(_each("LanguageInConstraintComponent", _language_in(langs), "language"))
        for head in g.objects(node, SH["in"]):
            allowed = {_ox(x) for x in self._list(head)}
            checks.append(_each("InConstraintComponent", lambda d, v, a=allowed: v in a, "in"))
        for value in g.objects(node, SH.hasValue):
            checks.append(_has_value(_ox(value)))
        if is_property:
            for n in g.objects(node, SH.minCount):
                checks.append(_count("MinCountConstraintComponent", int(n), None))
            for n in g.objects(node, SH.maxCount):
                checks.append(_count("MaxCountConstraintComponent", None, int(n)))
        for nested in g.objects(node, SH.node):
            checks.append(_node_check(self.shape(nested)))
        for nested in g.objects(node, SH["not"]):
            inner = self.shape(nested)
            checks.append(
                _each("NotConstraintComponent", lambda d, v, s=inner: not s.conforms(d, v), "not")
            )
        for key, rule in ((SH["or"], "or"), (SH["and"], "and"), (SH.xone, "xone")):
            for head in g.objects(node, key):
                members = [self.shape(x) for x in self._list(head)]
                name = rule[0].upper() + rule[1:] + "ConstraintComponent"
                checks.append(_each(name, _combine(members, rule), rule))
        for nested in g.objects(node, SH.qualifiedValueShape):
            if not is_property:
                raise _Unknown
            low, high = one(node, SH.qualifiedMinCount), one(node, SH.qualifiedMaxCount)
            checks.extend(_qualified(self.shape(nested), low, high))
        return checks


def _ox(term: Any) -> Any:
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        raise _Unknown
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        dt = term.datatype or rdflib.URIRef(XSD + "string")
        return _canonical(ox.Literal(str(term), datatype=ox.NamedNode(str(dt))))
    raise _Unknown


def _canonical(lit: ox.Literal) -> ox.Literal:
    """In the store's canonical form, so ``sh:in`` compares like the store does."""
    scratch = ox.Store()
    node = ox.NamedNode("urn:kg:x")
    scratch.add(ox.Quad(node, node, lit))
    return next(iter(scratch)).object


Predicate = Callable[[Data, Any], bool]


def _each(component: str, ok: Predicate, message: str) -> Check:
    """A value-node component: one failure per value node that does not pass."""

    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        for v in values:
            if not ok(data, v):
                yield Failure(component, v, f"Value {v} fails {message}")

    return check


def _class(cls: Any) -> Predicate:
    return lambda data, v: data.is_instance(v, cls)


_WELL_FORMED: dict[tuple[str, str], bool] = {}


def _datatype(dt: str) -> Predicate:
    def ok(data: Data, v: Any) -> bool:
        if type(v) is not ox.Literal:
            return False
        if v.datatype.value != dt:
            return False
        if dt in (LANG_STRING, XSD + "string"):
            return True
        key = (v.value, dt)
        found = _WELL_FORMED.get(key)
        if found is None:
            found = not rdflib.Literal(v.value, datatype=rdflib.URIRef(dt)).ill_typed
            if len(_WELL_FORMED) < 100_000:
                _WELL_FORMED[key] = found
        return found

    return ok


def _node_kind(kind: Any) -> Predicate:
    allowed = {
        SH.IRI: (ox.NamedNode,),
        SH.BlankNode: (ox.BlankNode,),
        SH.Literal: (ox.Literal,),
        SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
        SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
        SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
    }.get(kind)
    if allowed is None:
        raise _Unknown
    return lambda data, v: type(v) in allowed


_NUMERIC = {
    XSD + n
    for n in (
        "decimal integer int long short byte float double nonNegativeInteger positiveInteger "
        "negativeInteger nonPositiveInteger unsignedInt unsignedLong unsignedShort unsignedByte"
    ).split()
}


def _range(bound: Any, op: str) -> Predicate:
    if not isinstance(bound, rdflib.Literal) or str(bound.datatype or "") not in _NUMERIC:
        raise _Unknown  # dates, strings: pyshacl's comparison rules
    limit = Decimal(str(bound))

    def ok(data: Data, v: Any) -> bool:
        if type(v) is not ox.Literal or v.datatype.value not in _NUMERIC:
            return False
        try:
            x = Decimal(v.value)
        except InvalidOperation:
            return False
        return {"ge": x >= limit, "le": x <= limit, "gt": x > limit, "lt": x < limit}[op]

    return ok


def _length(n: int, longest: bool) -> Predicate:
    def ok(data: Data, v: Any) -> bool:
        if type(v) is ox.BlankNode:
            return False
        size = len(v.value)
        return size <= n if longest else size >= n

    return ok


def _pattern(pattern: str, flags: str) -> Predicate:
    bits = 0
    for f in flags:
        bits |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}.get(f, 0)
    compiled = re.compile(pattern, bits)
    return lambda data, v: type(v) is not ox.BlankNode and compiled.search(v.value) is not None


def _language_in(langs: list[str]) -> Predicate:
    def ok(data: Data, v: Any) -> bool:
        if type(v) is not ox.Literal or not v.language:
            return False
        tag = v.language.lower()
        return any(tag == lang or tag.startswith(lang + "-") or lang == "*" for lang in langs)

    return ok


def _has_value(value: Any) -> Check:
    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        if value not in values:
            yield Failure("HasValueConstraintComponent", None, f"Missing value {value}")

    return check


def _count(component: str, low: int | None, high: int | None) -> Check:
    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        n = len(values)
        if low is not None and n < low:
            yield Failure(component, None, f"Less than {low} values, found {n}")
        if high is not None and n > high:
            yield Failure(component, None, f"More than {high} values, found {n}")

    return check


def _node_check(shape: Shape) -> Check:
    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        for v in values:
            details = [(v, s, f) for s, f in shape.results(data, v)]
            if details:
                yield Failure("NodeConstraintComponent", v, f"Value {v} fails sh:node", details)

    return check


def _combine(members: list[Shape], rule: str) -> Predicate:
    def ok(data: Data, v: Any) -> bool:
        passed = sum(1 for m in members if m.conforms(data, v))
        if rule == "or":
            return passed > 0
        if rule == "and":
            return passed == len(members)
        return passed == 1

    return ok


def _qualified(shape: Shape, low: Any, high: Any) -> list[Check]:
    def counter(component: str, bound: int, at_least: bool) -> Check:
        def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
            n = sum(1 for v in values if shape.conforms(data, v))
            if (n < bound) if at_least else (n > bound):
                yield Failure(component, None, f"{n} values conform to the qualified shape")

        return check

    out = []
    if low is not None:
        out.append(counter("QualifiedMinCountConstraintComponent", int(low), True))
    if high is not None:
        out.append(counter("QualifiedMaxCountConstraintComponent", int(high), False))
    return out
