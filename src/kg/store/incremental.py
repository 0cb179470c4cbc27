"""Incremental inference: what a write changes in the inferred graph, from the write alone.

``kg.store.inference.materialise`` recomputes the closure from all the data (it stays the oracle the
tests compare with). A write that adds or removes a handful of triples changes a handful of
inferences, so this module finds them by joining only the changed triples with the store:

- inserts: semi-naive evaluation — each round joins only the triples found in the previous round
  (the first round: the inserted data) with everything known, until a round finds nothing new;
- deletes: delete-and-rederive (DRed) — first every inference that had a derivation using a
  deleted triple is tentatively removed (transitively), then each of those that still has a
  derivation from what remains is put back, and the put-back triples propagate like inserts.

The invariant kept is the one ``materialise`` establishes: inferred = Cl(data) minus data, where
data is the union of the data graphs. Rules are the parsed ``kg.store.inference_rules.Rule`` objects
(head, body atoms, filters), evaluated generically by nested index lookups, so this code does not
need to change when a rule does — as long as the rule is one ``compile_rules`` recognises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.store.inference_rules import Rule, _Atom
from kg.store.overlay import Fact, FactIndex, TripleView, closure_graphs, data_graphs

Binding = dict[str, Any]
Matcher = Callable[[Any, Any, Any], Iterator[Fact]]


@dataclass
class InferenceDelta:
    added: set[Fact]
    removed: set[Fact]


def _resolve(term: Any, binding: Binding) -> Any:
    return binding.get(term) if isinstance(term, str) else term


def _unify(atom: _Atom, fact: Fact, binding: Binding) -> Binding | None:
    """``binding`` extended so that ``atom`` equals ``fact``; None if it cannot."""
    out = dict(binding)
    for term, value in zip((atom.s, atom.p, atom.o), fact, strict=True):
        if isinstance(term, str):
            bound = out.get(term)
            if bound is None:
                out[term] = value
            elif bound != value:
                return None
        elif term != value:
            return None
    return out


def _passes(rule: Rule, binding: Binding) -> bool:
    """Every filter whose variables are all bound holds."""
    for flt in rule.filters:
        if flt.variables <= binding.keys() and not flt.test(binding):
            return False
    return True


def _join(rule: Rule, atoms: list[_Atom], binding: Binding, match: Matcher) -> Iterator[Binding]:
    """Bindings of ``atoms`` (after ``binding``) found through ``match``, filters applied as
    soon as their variables are bound. The most bound atom is joined first."""
    if not atoms:
        yield binding
        return

    def boundness(atom: _Atom) -> int:
        return sum(_resolve(t, binding) is not None for t in (atom.s, atom.p, atom.o))

    best = max(range(len(atoms)), key=lambda i: boundness(atoms[i]))
    atom, rest = atoms[best], atoms[:best] + atoms[best + 1 :]
    s, p, o = (_resolve(t, binding) for t in (atom.s, atom.p, atom.o))
    if p is not None and type(p) is not ox.NamedNode:
        return
    for fact in match(s, p, o):
        extended = _unify(atom, fact, binding)
        if extended is not None and _passes(rule, extended):
            yield from _join(rule, rest, extended, match)


def _head(rule: Rule, binding: Binding) -> Fact | None:
    s, p, o = (_resolve(t, binding) for t in (rule.head.s, rule.head.p, rule.head.o))
    if s is None or p is None or o is None:
        return None
    if type(s) is ox.Literal or type(p) is not ox.NamedNode:
        return None
    return s, p, o


def consequences(rules: list[Rule], fact: Fact, match: Matcher) -> Iterator[Fact]:
    """Heads of every rule instance that uses ``fact`` for one of its premises and finds the
    others through ``match``."""
    for rule in rules:
        for i, atom in enumerate(rule.body):
            binding = _unify(atom, fact, {})
            if binding is None or not _passes(rule, binding):
                continue
            rest = [*rule.body[:i], *rule.body[i + 1 :]]
            for full in _join(rule, rest, binding, match):
                if _passes(rule, full):
                    head = _head(rule, full)
                    if head is not None:
                        yield head


def derivable(rules: list[Rule], fact: Fact, match: Matcher) -> bool:
    """Whether some rule derives ``fact`` in one step from what ``match`` finds."""
    for rule in rules:
        binding = _unify(rule.head, fact, {})
        if binding is None or not _passes(rule, binding):
            continue
        for full in _join(rule, list(rule.body), binding, match):
            if _passes(rule, full):
                return True
    return False


def update_inferences(
    raw: ox.Store,
    rules: list[Rule],
    inferred: str,
    data_added: Iterable[Fact],
    data_removed: Iterable[Fact],
) -> InferenceDelta:
    """The inferred graph's change when the union of the data graphs gains ``data_added`` and
    loses ``data_removed`` (both already exact: triples that really enter or leave the union).
    Reads the live store (which still holds the state before the write); writes nothing."""
    data_added, data_removed = set(data_added), set(data_removed)
    old = TripleView(raw, closure_graphs)  # Cl(data) as stored now
    inferred_node = ox.NamedNode(inferred)

    def was_inferred(fact: Fact) -> bool:
        return any(True for _ in raw.quads_for_pattern(*fact, inferred_node))

    # 1. overdelete: every inference with a derivation through a deleted triple
    over: set[Fact] = set()
    frontier = set(data_removed)
    while frontier:
        found: set[Fact] = set()
        for fact in frontier:
            for head in consequences(rules, fact, old.match):
                if head not in over and head not in data_removed and was_inferred(head):
                    over.add(head)
                    found.add(head)
        frontier = found
    gone = over | data_removed

    # 2. rederive what still follows from the rest, then 3. propagate it and the inserts
    added = FactIndex()
    now = TripleView(raw, closure_graphs, added=added, removed=gone)
    frontier = {
        fact for fact in gone if fact not in data_added and derivable(rules, fact, now.match)
    }
    frontier |= {fact for fact in data_added if fact not in now}
    while frontier:
        for fact in frontier:
            added.add(fact)
        found = set()
        for fact in frontier:
            for head in consequences(rules, fact, now.match):
                if head not in now:
                    found.add(head)
        frontier = found

    # the inferred graph's difference: closure membership now minus data membership now
    data = TripleView(raw, data_graphs(inferred))
    result = InferenceDelta(set(), set())
    for fact in gone | set(added) | data_added:
        in_closure = fact in added or (fact not in gone and old.stored_contains(fact))
        is_data = fact in data_added or (fact not in data_removed and data.stored_contains(fact))
        infer_now = in_closure and not is_data
        infer_before = was_inferred(fact)
        if infer_now and not infer_before:
            result.added.add(fact)
        elif infer_before and not infer_now:
            result.removed.add(fact)
    return result
