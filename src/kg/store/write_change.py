"""What a committed write tells its observers (the traversal projection, VoID counts): the store
versions before and after, and the triples it may have added or removed (``Change``), listed
from the write's own text or delta, or "unknown" when they cannot be listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

#: A touched triple: subject (IRI or ``_:id``), predicate IRI, object (IRI, ``_:id``, ``?`` for
#: a variable, None for a literal). The graph does not matter: readers see the union.
Touched = tuple[str, str, str | None]


#: Above this many triples in a cleared or replaced graph, a write reports "unknown" instead of
#: listing them (observers then start over, which is cheaper than reading them one by one).
CHANGE_LIMIT = 100_000


@dataclass(frozen=True)
class Change:
    """What one committed write did: versions before/after and the triples it may have
    added or removed (a superset), or None if unknown."""

    before: int
    after: int
    triples: tuple[Touched, ...] | None


class WriteObserver(Protocol):
    def write_started(self) -> None: ...

    def write_finished(self, change: Change) -> None: ...


class _Unknown(Exception):
    """The triples a write touches cannot be listed."""


def _term(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph,
) -> str | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return None


def _touched_by(triples: Iterable[ox.Triple]) -> list[Touched]:
    out: list[Touched] = []
    for t in triples:
        s = _term(t.subject)
        if s is None:  # an RDF-star quoted triple as subject
            raise _Unknown
        out.append((s, t.predicate.value, _term(t.object)))
    return out


def _touched_facts(facts: Iterable[tuple[Any, Any, Any]]) -> list[Touched]:
    return [(_term(s) or "", p.value, _term(o)) for s, p, o in facts]


def _template_triples(
    clause: Any, existing: Callable[[str], list[Touched]] | None
) -> list[Touched]:
    """Triples of a data block or template (rdflib terms). A variable subject could be
    anything: _Unknown. So could a variable predicate, except in a delete template
    (``existing`` given): that removes some of the subject's current triples, listed instead."""
    from rdflib import BNode, URIRef, Variable

    def term(t: Any) -> str | None:
        if isinstance(t, URIRef):
            return str(t)
        if isinstance(t, BNode):
            return "_:" + str(t)
        if isinstance(t, Variable):
            return "?"
        return None  # a literal

    triples = list(clause.triples or [])  # CompValue attributes: None when absent
    for block in (clause.quads or {}).values():
        triples.extend(block)
    out: list[Touched] = []
    for s, p, o in triples:
        subject = term(s)
        if subject in (None, "?"):
            raise _Unknown
        if isinstance(p, URIRef):
            out.append((subject, str(p), term(o)))  # type: ignore[arg-type]
        elif existing is not None and not subject.startswith("_:"):  # type: ignore[union-attr]
            out.extend(existing(subject))  # type: ignore[arg-type]
        else:
            raise _Unknown
    return out
