"""SHACL Core constraint components, each compiled into a Python check over ``Data``.

One function per component kind (``sh:class``, ``sh:datatype``, ``sh:minCount`` …); the
compiler (``kg.store.shacl_core``) picks them by the shape's parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.store.shacl_model import (
    LANG_STRING,
    XSD,
    Check,
    Failure,
    Predicate,
    Shape,
    _Unknown,
)
from kg.store.shacl_model import Data as Data
from kg.store.shacl_model import Schema as Schema


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


def _each(component: str, ok: Predicate, message: str) -> Check:
    """A value-node component: one failure per value node that does not pass. ``spec``
    names it for the straight-line screen (``kg.store.shacl_straight``)."""

    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        for v in values:
            if not ok(data, v):
                yield Failure(component, v, f"Value {v} fails {message}")

    def quick(data: Data, focus: Any, values: list[Any]) -> bool:
        for v in values:
            if not ok(data, v):
                return False
        return True

    return _spec(_with_quick(check, quick), "each", ok)


def _spec(f: Any, *spec: Any) -> Any:
    """Tags a check or predicate with what it tests (``f.spec``), so that
    ``kg.store.shacl_straight`` can write it out as an expression instead of calling it."""
    f.spec = spec
    return f


def _tagged(*spec: Any) -> Any:
    """``_spec`` as a decorator."""
    return lambda f: _spec(f, *spec)


def _with_quick(check: Any, quick: Any) -> Check:
    """``check`` plus its yes/no form ``check.quick(data, focus, values)``: True exactly when
    ``check`` yields no failure, without building one (``Shape.conforms`` asks only that)."""
    check.quick = quick
    return check  # type: ignore[no-any-return]


def _class(cls: Any) -> Predicate:
    return _spec(lambda data, v: data.is_instance(v, cls), "class", cls)


_WELL_FORMED: dict[tuple[str, str], bool] = {}


def _datatype(dt: str) -> Predicate:
    @_tagged("datatype", dt)
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
    return _spec(lambda data, v: type(v) in allowed, "kind", allowed)


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
    @_tagged("language_in", tuple(langs))
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

    return _spec(
        _with_quick(check, lambda data, focus, values: value in values), "has_value", value
    )


def _count(component: str, low: int | None, high: int | None) -> Check:
    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        n = len(values)
        if low is not None and n < low:
            yield Failure(component, None, f"Less than {low} values, found {n}")
        if high is not None and n > high:
            yield Failure(component, None, f"More than {high} values, found {n}")

    def quick(data: Data, focus: Any, values: list[Any]) -> bool:
        n = len(values)
        return (low is None or n >= low) and (high is None or n <= high)

    return _spec(_with_quick(check, quick), "count", low, high)


def _node_check(shape: Shape) -> Check:
    def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
        for v in values:
            details = [(v, s, f) for s, f in shape.results(data, v)]
            if details:
                yield Failure("NodeConstraintComponent", v, f"Value {v} fails sh:node", details)

    def quick(data: Data, focus: Any, values: list[Any]) -> bool:
        return all(shape.conforms(data, v) for v in values)

    return _spec(_with_quick(check, quick), "node", shape)


def _combine(members: list[Shape], rule: str) -> Predicate:
    if rule == "or":  # stop at the first member that passes (or fails, for "and")
        return _spec(lambda data, v: any(m.conforms(data, v) for m in members), rule, members)
    if rule == "and":
        return _spec(lambda data, v: all(m.conforms(data, v) for m in members), rule, members)

    @_tagged(rule, members)
    def ok(data: Data, v: Any) -> bool:
        return sum(1 for m in members if m.conforms(data, v)) == 1

    return ok


def _qualified(shape: Shape, low: Any, high: Any) -> list[Check]:
    def counter(component: str, bound: int, at_least: bool) -> Check:
        def check(data: Data, focus: Any, values: list[Any]) -> Iterator[Failure]:
            n = sum(1 for v in values if shape.conforms(data, v))
            if (n < bound) if at_least else (n > bound):
                yield Failure(component, None, f"{n} values conform to the qualified shape")

        def quick(data: Data, focus: Any, values: list[Any]) -> bool:
            n = sum(1 for v in values if shape.conforms(data, v))
            return not ((n < bound) if at_least else (n > bound))

        return _spec(_with_quick(check, quick), "qualified", shape, bound, at_least)

    out = []
    if low is not None:
        out.append(counter("QualifiedMinCountConstraintComponent", int(low), True))
    if high is not None:
        out.append(counter("QualifiedMaxCountConstraintComponent", int(high), False))
    return out
