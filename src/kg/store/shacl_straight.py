"""The compiled shapes written out as straight-line Python, for the yes/no screen of a load.

``Shape.conforms`` (``kg.store.shacl_model``) asks each check of a shape through generic
objects: the shape's tuple of yes/no forms, a closure per component, a predicate per value,
``Data.is_instance`` … About 130 µs per focus node of a relation at 10× (38 shape calls, ~30
paths), the biggest Python piece of a big ``kg load`` after the parse. Here every shape becomes
one Python function whose body is the shape itself: the paths it reads, a loop over their
values with the value tests as one expression (``sh:class`` as a set test against the class
and its subclasses, ``sh:in`` as a set lookup, ``sh:or`` as ``or``), the counts as
comparisons. Components without a straight-line form (ranges, patterns, …) call the compiled
predicate they came from (``spec``, ``kg.store.shacl_components``).

The verdict is ``Shape.conforms``'s, node for node (``tests/test_shacl_straight.py``): the
same checks, the same reads through ``Data`` (cache, read-whole nodes, the verdict of a path
without values worked out once). Only the screen uses it; ``Compiled.validate`` (the writes,
the exact checks that name violations) is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyoxigraph as ox

from kg.store.shacl_core import Compiled
from kg.store.shacl_model import LANG_STRING, RDF_TYPE, XSD, Data, Shape

#: a focus node's verdict for one shape
Verdict = Callable[[Any], bool]


class _Writer:
    """Writes one function per shape reachable from the targeted ones (``c<n>``; a property
    shape also ``w<n>``, its test of the values there are) into the body of ``make(data)``.
    Constants (paths, sets, fallback predicates) are globals of the generated code; the
    classes' subclass sets are read from ``data`` once, at the top of ``make``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.head: list[str] = []
        self.consts: dict[str, Any] = {"_Lit": ox.Literal, "_TYPE": RDF_TYPE}
        self.shapes: dict[int, Shape] = {}  # number -> shape
        self.names: dict[int, int] = {}  # id(shape) -> number
        self.todo: list[Shape] = []

    def const(self, value: Any, prefix: str = "K") -> str:
        name = f"{prefix}{len(self.consts)}"
        self.consts[name] = value
        return name

    def number(self, shape: Shape) -> int:
        """The shape's number (``c<n>`` is its function), queued for writing when new."""
        found = self.names.get(id(shape))
        if found is None:
            found = self.names[id(shape)] = len(self.names)
            self.shapes[found] = shape
            self.todo.append(shape)
        return found

    def run(self, tops: list[Shape]) -> str:
        for shape in tops:
            self.number(shape)
        while self.todo:
            self.shape(self.todo.pop())
        table = ", ".join(f"{i}: c{self.names[id(s)]}" for i, s in enumerate(tops))
        return "\n".join(
            [
                "def make(data):",
                "    values, whole = data.values, data.whole",
                *self.head,
                *self.lines,
                f"    return {{{table}}}",
            ]
        )

    def predicate(self, ok: Any, v: str) -> str:
        """An expression true when the value node ``v`` passes the predicate ``ok``."""
        spec = getattr(ok, "spec", None) or (None,)
        kind = spec[0]
        if kind == "class":  # Data.is_instance
            name = self.const(spec[1], "C")
            self.head.append(f"    S{name} = data.subclasses({name})")
            return f"(type({v}) is not _Lit and not S{name}.isdisjoint(values({v}, _TYPE)))"
        if kind == "datatype" and spec[1] in (LANG_STRING, XSD + "string"):
            return f"(type({v}) is _Lit and {v}.datatype.value == {self.const(spec[1])})"
        if kind == "language_in":  # the tag (lower case) is one of them or starts with one-
            if "*" in spec[1]:
                return f"(type({v}) is _Lit and bool({v}.language))"
            tags, prefixes = frozenset(spec[1]), tuple(lang + "-" for lang in spec[1])
            return (
                f"(type({v}) is _Lit and bool(t := {v}.language) and ((t := t.lower()) in "
                f"{self.const(tags)} or t.startswith({self.const(prefixes)})))"
            )
        if kind == "kind":
            return f"(type({v}) in {self.const(spec[1])})"
        if kind == "in":
            return f"({v} in {self.const(spec[1])})"
        if kind == "not":
            return f"(not {self.call(spec[1], v)})"
        if kind in ("or", "and", "xone"):
            calls = [self.call(m, v) for m in spec[1]]
            if not calls:  # as any([]), all([]), sum([]) == 1
                return "True" if kind == "and" else "False"
            if kind == "xone":
                return f"(({' + '.join(calls)}) == 1)"
            return f"({(' ' + kind + ' ').join(calls)})"
        return f"{self.const(ok, 'P')}(data, {v})"  # no straight form: the predicate itself

    def call(self, shape: Shape, v: str) -> str:
        """An expression for ``shape``'s verdict on ``v``: its one value test written in place
        when it is a node shape with nothing else (``[ sh:class yrd:Place ]`` in an ``sh:or``),
        else a call of its function."""
        if shape.path is None and not shape.properties and len(shape.checks) == 1:
            spec = getattr(shape.checks[0], "spec", None) or (None,)
            inner = (getattr(spec[1], "spec", None) or (None,)) if spec[0] == "each" else (None,)
            if inner[0] in ("class", "datatype", "language_in", "kind", "in"):
                return self.predicate(spec[1], v)
        return f"c{self.number(shape)}({v})"

    def checks(self, shape: Shape, values: str) -> tuple[list[str], list[str]]:
        """(tests of each value ``v``, tests of the values ``values`` as a whole)."""
        each: list[str] = []
        whole: list[str] = []
        for check in shape.checks:
            spec = getattr(check, "spec", None) or (None,)
            kind = spec[0]
            if kind == "each":
                each.append(self.predicate(spec[1], "v"))
            elif kind == "node":
                each.append(self.call(spec[1], "v"))
            elif kind == "has_value":
                whole.append(f"{self.const(spec[1])} in {values}")
            elif kind == "count":
                if spec[1] is not None:
                    whole.append(f"len({values}) >= {int(spec[1])}")
                if spec[2] is not None:
                    whole.append(f"len({values}) <= {int(spec[2])}")
            elif kind == "qualified":
                count = f"sum(1 for v in {values} if {self.call(spec[1], 'v')})"
                op = ">=" if spec[3] else "<="
                whole.append(f"{count} {op} {int(spec[2])}")
            else:  # a check without a spec: its own yes/no form
                quick = self.const(check.quick, "Q")  # type: ignore[attr-defined]
                whole.append(f"{quick}(data, focus, {values})")
        return each, whole

    def shape(self, shape: Shape) -> None:
        n, out = self.names[id(shape)], self.lines
        if shape.path is None:  # a node shape: its checks test the focus node itself
            each, whole = self.checks(shape, "(focus,)")
            out.append(f"    def c{n}(focus):")
            out.append("        v = focus")
            out.extend(f"        if not {test}: return False" for test in each)
            out.extend(f"        if not ({test}): return False" for test in whole)
            self.properties(shape)
            out.append("        return True")
            return
        each, whole = self.checks(shape, "vals")
        out.append(f"    def w{n}(focus, vals):")
        if each:
            out.append("        for v in vals:")
            out.append(f"            if not ({' and '.join(each)}): return False")
        out.extend(f"        if not ({test}): return False" for test in whole)
        out.append("        return True")
        out.append(f"    def c{n}(focus):")
        out.append(f"        vals = values(focus, {self.const(shape.path)})")
        out.append(f"        return w{n}(focus, vals) if vals else {_empty(shape)}")

    def properties(self, shape: Shape) -> None:
        """As ``Shape._properties_conform``: a node read whole is tested only along the paths
        it has, plus a lookup for each path whose absence fails."""
        props, out = shape.properties, self.lines
        nums = [self.number(p) for p in props]
        if len(props) > 3:
            groups: dict[Any, list[Shape]] = {}
            for prop in props:
                groups.setdefault(prop.path, []).append(prop)
            out.append("        present = whole(focus)")
            out.append("        if present is not None:")
            for path, members in groups.items():
                # the values there are pass every member, or (none) the verdict without values
                out.append(f"            vals = present.get({self.const(path)})")
                tests = " and ".join(f"w{self.names[id(m)]}(focus, vals)" for m in members)
                out.append("            if vals:")
                out.append(f"                if not ({tests}): return False")
                if not all(map(_empty, members)):
                    out.append("            else: return False")
            out.append("            return True")
        out.extend(f"        if not c{num}(focus): return False" for num in nums)


def _empty(shape: Shape) -> bool:
    """A property shape's verdict at a node without values (as ``Shape.conforms`` works it
    out): no check reads the data then."""
    return all(c.quick(None, None, {}) for c in shape.checks)  # type: ignore[attr-defined]


def source(compiled: Compiled) -> tuple[str, dict[str, Any]]:
    """The generated ``make(data)`` and its constants (for reading, and for the tests)."""
    writer = _Writer()
    return writer.run(compiled.shapes), writer.consts


def verdicts(compiled: Compiled, data: Data) -> dict[int, Verdict]:
    """``id(shape)`` -> the shape's verdict on a focus node, reading ``data``, for each
    targeted shape of ``compiled``: ``Shape.conforms(data, node)`` as one function."""
    text, consts = source(compiled)
    namespace = dict(consts)
    exec(compile(text, "<kg.store.shacl_straight>", "exec"), namespace)  # noqa: S102 - our own code
    made = namespace["make"](data)
    return {id(shape): made[i] for i, shape in enumerate(compiled.shapes)}


def failing(compiled: Compiled, data: Data, focus: Iterable[Any]) -> list[Any]:
    """The focus nodes that fail a shape targeting them, read through ``data``: what
    ``Shape.conforms`` says of each (``kg.store.load_focus.screen``). With class targets only,
    the shapes of a node follow from its types, so they are looked up once per set of types."""
    verdict = verdicts(compiled, data)
    by_class_only = not any(any(compiled.targets[id(s)][1:]) for s in compiled.shapes)
    chosen: dict[tuple[Any, ...], list[Verdict]] = {}
    values, literal, out = data.values, ox.Literal, []
    for node in focus:
        if by_class_only and type(node) is not literal:
            key = tuple(values(node, RDF_TYPE))
            tests = chosen.get(key)
            if tests is None:
                tests = chosen[key] = [verdict[id(s)] for s in compiled.shapes_for(data, node)]
        else:
            tests = [verdict[id(s)] for s in compiled.shapes_for(data, node)]
        for test in tests:
            if not test(node):
                out.append(node)
                break
    return out
