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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.store.shacl_components import (
    _class,
    _combine,
    _count,
    _datatype,
    _each,
    _has_value,
    _language_in,
    _length,
    _node_check,
    _node_kind,
    _ox,
    _pattern,
    _qualified,
    _range,
    _spec,
)
from kg.store.shacl_model import (
    LABEL,
    RDF_TYPE,
    Check,
    Failure,
    Shape,
    _Unknown,
)
from kg.store.shacl_model import Data as Data
from kg.store.shacl_model import Schema as Schema
from kg.store.validation import Violation

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
class Compiled:
    shapes: list[Shape]  # the top-level shapes with targets
    targets: dict[int, tuple[list[Any], list[Any], list[Any], list[Any]]]
    predicates: frozenset[ox.NamedNode]
    #: shapes with node, subjects-of or objects-of targets (computed on first use)
    _other_targets: list[Shape] | None = None

    def shapes_for(self, data: Data, node: Any) -> list[Shape]:
        """The shapes that target ``node``, in ``self.shapes`` order."""
        by_class = data.class_shapes
        if by_class is None:  # class -> shapes targeting it or a superclass
            by_class = data.class_shapes = {}
            for shape in self.shapes:
                for c in self.targets[id(shape)][0]:
                    for sub in data.subclasses(c):
                        by_class.setdefault(sub, []).append(shape)
        types = data.objects(node, RDF_TYPE) if type(node) is not ox.Literal else []
        chosen = {id(s) for t in types for s in by_class.get(t, ())}
        others = self._other_targets
        if others is None:
            others = self._other_targets = [s for s in self.shapes if any(self.targets[id(s)][1:])]
        if not others:  # class targets only: the common case, no further reads
            return [s for s in self.shapes if id(s) in chosen] if chosen else []
        for shape in others:
            _classes, nodes, subjects_of, objects_of = self.targets[id(shape)]
            if (
                node in nodes
                or any(data.objects(node, p) for p in subjects_of)
                or any(next(iter(data.match(None, p, node)), None) for p in objects_of)
            ):
                chosen.add(id(shape))
        return [s for s in self.shapes if id(s) in chosen]

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
                if shape.conforms(data, node):  # the yes/no form first: most nodes pass
                    continue
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
            member = _spec(lambda d, v, a=allowed: v in a, "in", allowed)
            checks.append(_each("InConstraintComponent", member, "in"))
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
            negated = _spec(lambda d, v, s=inner: not s.conforms(d, v), "not", inner)
            checks.append(_each("NotConstraintComponent", negated, "not"))
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
