"""The store as a write will leave it, without copying it: live reads plus a small difference.

A validated write must look at the store *after* the write before committing it (SHACL) and
work out what the write changes in the inferred graph. Copying the store to try the write costs
time and memory that grow with the store; instead, reads go to the live store through its
indexes and are corrected by the triples the write adds and removes, which grow only with the
write. ``TripleView`` is that corrected, read-only view of some of the store's graphs, at the
level readers see: triples (the default graph of queries is the union of the graphs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.store.base import STAGING_PREFIX

#: subject, predicate, object as pyoxigraph terms
Fact = tuple[Any, ox.NamedNode, Any]

GraphFilter = Callable[[Any], bool]


def data_graphs(inferred: str) -> GraphFilter:
    """Graphs inference reads: named graphs except the inferred and staging ones (as
    ``kg.store.inference.materialise`` does; the store's own default graph is not data for
    rules)."""

    def keep(g: Any) -> bool:
        return (
            type(g) is ox.NamedNode
            and g.value != inferred
            and not g.value.startswith(STAGING_PREFIX)
        )

    return keep


def closure_graphs(g: Any) -> bool:
    """Data graphs plus the inferred graph: what the rules join over."""
    return type(g) is ox.NamedNode and not g.value.startswith(STAGING_PREFIX)


def visible_graphs(g: Any) -> bool:
    """Everything a query over the union sees (SHACL validates that): all but staging."""
    return type(g) is not ox.NamedNode or not g.value.startswith(STAGING_PREFIX)


class FactIndex:
    """A small set of triples with pattern lookups (the added side of a view)."""

    def __init__(self, facts: Iterable[Fact] = ()) -> None:
        self._all: set[Fact] = set()
        self._s: dict[Any, set[Fact]] = {}
        self._o: dict[Any, set[Fact]] = {}
        self._p: dict[Any, set[Fact]] = {}
        for fact in facts:
            self.add(fact)

    def add(self, fact: Fact) -> bool:
        if fact in self._all:
            return False
        self._all.add(fact)
        self._s.setdefault(fact[0], set()).add(fact)
        self._p.setdefault(fact[1], set()).add(fact)
        self._o.setdefault(fact[2], set()).add(fact)
        return True

    def __contains__(self, fact: object) -> bool:
        return fact in self._all

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def match(self, s: Any, p: Any, o: Any) -> Iterator[Fact]:
        if s is not None:
            pool: Iterable[Fact] = self._s.get(s, ())
        elif o is not None:
            pool = self._o.get(o, ())
        elif p is not None:
            pool = self._p.get(p, ())
        else:
            pool = self._all
        for fact in pool:
            if (
                (s is None or fact[0] == s)
                and (p is None or fact[1] == p)
                and (o is None or fact[2] == o)
            ):
                yield fact


class TripleView:
    """Triples of the graphs ``keep`` selects, minus ``removed``, plus ``added``."""

    def __init__(
        self,
        raw: ox.Store,
        keep: GraphFilter,
        added: FactIndex | None = None,
        removed: set[Fact] | None = None,
    ) -> None:
        self.raw, self.keep = raw, keep
        self.added = added if added is not None else FactIndex()
        self.removed = removed if removed is not None else set()

    def stored(self, s: Any, p: Any, o: Any) -> Iterator[Fact]:
        """Matches in the live store only (no correction), each triple once."""
        keep = self.keep
        seen: set[Fact] = set()
        for q in self.raw.quads_for_pattern(s, p, o, None):
            if keep(q.graph_name):
                fact = (q.subject, q.predicate, q.object)
                if fact not in seen:
                    seen.add(fact)
                    yield fact

    def stored_contains(self, fact: Fact) -> bool:
        keep = self.keep
        return any(keep(q.graph_name) for q in self.raw.quads_for_pattern(*fact, None))

    def match(self, s: Any, p: Any, o: Any) -> Iterator[Fact]:
        removed, added = self.removed, self.added
        for fact in self.stored(s, p, o):
            if fact not in removed and fact not in added:
                yield fact
        yield from added.match(s, p, o)

    def subjects(self, p: Any, o: Any) -> set[Any]:
        """Subjects of ``? p o`` (the reverse step of a path), without building triples."""
        keep, removed = self.keep, self.removed
        found = {
            q.subject for q in self.raw.quads_for_pattern(None, p, o, None) if keep(q.graph_name)
        }
        if removed:
            found = {s for s in found if (s, p, o) not in removed}
        found.update(f[0] for f in self.added.match(None, p, o))
        return found

    def __contains__(self, fact: object) -> bool:
        if fact in self.added:
            return True
        return fact not in self.removed and self.stored_contains(fact)  # type: ignore[arg-type]
