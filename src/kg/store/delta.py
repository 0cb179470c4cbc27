"""What a write changes: the quads a SPARQL update inserts and deletes, found without running it.

Validating a write used to mean trying it on a copy of the whole store. Instead the write's
*delta* is worked out from its text and a few index reads: ``INSERT DATA``/``DELETE DATA`` blocks
are parsed (as TriG, by pyoxigraph: the data block grammar is TriG's), a ``DELETE/INSERT … WHERE``
has its ``WHERE`` evaluated on the live store as a ``SELECT`` and its templates instantiated with
the solutions, and ``CLEAR``/``DROP``/``ADD``/``MOVE``/``COPY`` read the graphs they name. The
delta is exact: ``added`` holds quads not in the store, ``removed`` quads that are.

What cannot be worked out this way (``LOAD``, ``CLEAR ALL``, a ``WHERE`` after an operation that
already changed something, a delta bigger than ``DELTA_LIMIT``) raises ``Unsupported``, and the
caller falls back to trying the write on a copy. Functions like ``NOW()`` or ``BNODE()`` in a
template are evaluated here and again when the update runs, so the two may differ.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

#: Above this many changed quads a write is validated on a copy instead (see ``Unsupported``).
DELTA_LIMIT = 200_000


class Unsupported(Exception):
    """The delta of this update cannot be worked out from its text and index reads."""


@dataclass
class Delta:
    """Quads a write adds (absent from the store now) and removes (present now)."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed)


class PendingDelta(Delta):
    """A delta built operation by operation against the live store (sequential semantics of a
    multi-operation update: a later operation sees what an earlier one did)."""

    def __init__(self, raw: ox.Store) -> None:
        super().__init__()
        self.raw = raw

    def _stored(self, quad: ox.Quad) -> bool:
        return any(True for _ in self.raw.quads_for_pattern(*quad))

    def insert(self, quads: Iterable[ox.Quad], *, fresh: bool = False) -> None:
        """``fresh``: the quads carry newly minted blank nodes, never in the store."""
        for quad in quads:
            if quad in self.removed:
                self.removed.discard(quad)
            elif quad not in self.added and (fresh or not self._stored(quad)):
                self.added.add(quad)
        self._check()

    def delete(self, quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            if quad in self.added:
                self.added.discard(quad)
            elif quad not in self.removed and self._stored(quad):
                self.removed.add(quad)
        self._check()

    def graph_quads(self, graph: Any) -> list[ox.Quad]:
        """The quads of ``graph`` as the update has left it so far."""
        out = [q for q in self.raw.quads_for_pattern(None, None, None, graph)]
        if len(out) > DELTA_LIMIT:
            raise Unsupported
        removed = self.removed
        out = [q for q in out if q not in removed]
        out.extend(q for q in self.added if q.graph_name == graph)
        return out

    def _check(self) -> None:
        if len(self) > DELTA_LIMIT:
            raise Unsupported


# -- reading the update text ------------------------------------------------------------------


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal starting at ``i``."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and text[end - 1] == "\\" and text[end - 2] != "\\":
            end = text.find(quote * 3, end + 1)
        if end == -1:
            raise Unsupported
        return end + 3
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            return j + 1
        if c == "\n":
            raise Unsupported
        j += 1
    raise Unsupported


_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def _scan(text: str) -> Iterator[tuple[int, str]]:
    """Positions of the structural characters ``{ } ;`` outside strings, IRIs and comments."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "<":
            m = _IRI.match(text, i)
            if m:
                i = m.end()
                continue
        elif c == "#":
            newline = text.find("\n", i)
            i = n if newline == -1 else newline
            continue
        elif c in "{};":
            yield i, c
        i += 1


@dataclass
class Operation:
    """One operation of an update: its text and the top-level ``{…}`` groups in it."""

    text: str
    groups: list[tuple[int, int]]  # (open, close) offsets of depth-0 groups in ``text``


def split_operations(text: str) -> list[Operation]:
    """The update's operations (separated by ``;`` outside any group)."""
    ops: list[Operation] = []
    start, depth, opened = 0, 0, 0
    groups: list[tuple[int, int]] = []
    for i, c in _scan(text):
        if c == "{":
            if depth == 0:
                opened = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise Unsupported
            if depth == 0:
                groups.append((opened - start, i - start))
        elif depth == 0:
            ops.append(Operation(text[start:i], groups))
            start, groups = i + 1, []
    if depth:
        raise Unsupported
    ops.append(Operation(text[start:], groups))
    return [op for op in ops if op.text.strip()]


_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_DATA = re.compile(r"(INSERT|DELETE)\s+DATA\s*$", re.IGNORECASE)


def _prologue(op: Operation) -> tuple[str, str]:
    """(the declarations opening the operation, the rest)."""
    m = _PROLOGUE.match(op.text)
    end = m.end() if m else 0
    # a comment line between declarations: strip comments from the prologue part
    return op.text[:end], op.text[end:]


def data_block(op: Operation) -> tuple[str, str, str] | None:
    """(verb, prologue, block) of an ``INSERT DATA``/``DELETE DATA`` operation, else None."""
    if len(op.groups) != 1:
        return None
    head, tail = _prologue(op)
    opened, closed = op.groups[0]
    keyword = _strip_comments(op.text[len(head) : opened])
    m = _DATA.match(keyword.strip())
    if m is None or op.text[closed + 1 :].strip():
        return None
    return m.group(1).upper(), head, op.text[opened + 1 : closed]


def _strip_comments(text: str) -> str:
    return re.sub(r"#[^\n]*", " ", text)


def parse_quad_data(
    block: str, prologue: str, base_iri: str, prefixes: dict[str, str]
) -> list[ox.Quad]:
    """The quads of a data block: SPARQL's QuadData is TriG (with ``GRAPH``), except that the
    last triple before the end may omit its dot."""
    declared = "".join(f"PREFIX {k}: <{v}>\n" for k, v in prefixes.items())
    body = block.rstrip()
    if body and not body.endswith((".", "}")):
        body += " ."
    try:
        quads = list(
            ox.parse(declared + prologue + "\n" + body, format=ox.RdfFormat.TRIG, base_iri=base_iri)
        )
    except (SyntaxError, ValueError):
        raise Unsupported from None  # the general path, or the engine, says what is wrong
    return quads


def fresh_blank_nodes(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Blank nodes of a data block are new resources: give them labels no stored node has."""
    suffix = uuid.uuid4().hex
    labels: dict[str, ox.BlankNode] = {}

    def fresh(term: Any) -> Any:
        if type(term) is ox.BlankNode:
            node = labels.get(term.value)
            if node is None:
                node = labels[term.value] = ox.BlankNode(f"{term.value}x{suffix}")
            return node
        return term

    return [ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), q.graph_name) for q in quads]


def canonical(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads in the form the store keeps them (``"01"^^xsd:integer`` is stored as ``1``),
    so they compare equal to what reads return."""
    scratch = ox.Store()
    scratch.extend(quads)
    return list(scratch)
