"""The closure of a set of facts under the rules, computed natively (semi-naive, by index).

``Facts`` holds triples indexed for the rules' joins; ``closure`` adds what the rules derive
until nothing new appears; ``relevant_predicates``/``parse_filter`` keep only the triples
some rule can read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from kg.store.embedded import OxigraphStore
from kg.store.inference_rules import Fact
from kg.store.inference_rules import Rule as Rule
from kg.store.inference_rules import compile_rules as compile_rules


class Facts:
    """Triples indexed by predicate, then subject (and, for the predicates a join reaches from
    the object side, by object too, built on first use): what the joins look up."""

    def __init__(self) -> None:
        self.by_s: dict[Any, dict[Any, set[Any]]] = {}
        self._by_o: dict[Any, dict[Any, set[Any]]] = {}
        self.total = 0

    def extend(
        self, triples: Iterable[Fact], new: list[Fact] | None = None, delta: Facts | None = None
    ) -> int:
        """Adds the triples; returns how many were not there, appended to ``new`` and added
        to ``delta`` (fresh: no object index) if given (in order, each once; a big file's
        parse gives None, not to keep its tuples). The one insert of the index: a closure
        round runs it over every triple it found (~300 k at 10×), and the rules emit runs of
        one predicate object, so a run looks that predicate's indexes up once (``is``: no hash
        through pyoxigraph)."""
        by_s, by_o = self.by_s, self._by_o
        fresh_by_s = None if delta is None else delta.by_s
        append = None if new is None else new.append
        added = 0
        last: Any = None
        subjects: dict[Any, set[Any]] = {}
        back: dict[Any, set[Any]] | None = None
        fresh: dict[Any, set[Any]] | None = None
        for triple in triples:
            s, p, o = triple
            if p is not last:
                last = p
                subjects = by_s.get(p)  # type: ignore[assignment]
                if subjects is None:
                    subjects = by_s[p] = {}
                back = by_o.get(p)
                fresh = None  # the delta's, made on the run's first new triple
            objects = subjects.get(s)
            if objects is None:
                subjects[s] = {o}
            elif o in objects:
                continue
            else:
                objects.add(o)
            if back is not None:
                found = back.get(o)
                if found is None:
                    back[o] = {s}
                else:
                    found.add(s)
            if fresh_by_s is not None:
                if fresh is None:
                    fresh = fresh_by_s.setdefault(p, {})
                found = fresh.get(s)
                if found is None:
                    fresh[s] = {o}
                else:
                    found.add(o)
            added += 1
            if append is not None:
                append(triple)
        self.total += added
        if delta is not None:
            delta.total += added
        return added

    def take(self, index: dict[Any, dict[Any, Any]], predicates: frozenset[Any]) -> None:
        """Adds the triples of a subject index (subject -> predicate -> objects, each triple
        once, ``kg.store.load_parse``) whose predicate is one of ``predicates``: one set per
        (subject, predicate) instead of one insert per triple (~150 k at 10×)."""
        by_s, total = self.by_s, self.total
        for s, preds in index.items():
            for p, objects in preds.items():
                if p in predicates:
                    subjects = by_s.get(p)
                    if subjects is None:
                        subjects = by_s[p] = {}
                    found = subjects.get(s)
                    if found is None:
                        subjects[s] = set(objects)
                        total += len(objects)
                    else:
                        size = len(found)
                        found.update(objects)
                        total += len(found) - size
        self.total = total
        self._by_o.clear()  # built again on first use, from by_s

    def by_o(self, p: Any) -> dict[Any, set[Any]]:
        """Object -> subjects for ``p`` (kept up to date from the first call on)."""
        index = self._by_o.get(p)
        if index is None:
            index = self._by_o[p] = {}
            for s, objects in self.by_s.get(p, {}).items():
                for o in objects:
                    found = index.get(o)
                    if found is None:
                        index[o] = {s}
                    else:
                        found.add(s)
        return index

    def __contains__(self, triple: Fact) -> bool:
        s, p, o = triple
        objects = self.by_s.get(p, {}).get(s)
        return objects is not None and o in objects

    def match(self, s: Any, p: Any, o: Any) -> Iterator[Fact]:
        predicates = list(self.by_s) if p is None else [p]
        for pred in predicates:
            if s is not None:
                objects = self.by_s.get(pred, {}).get(s, ())
                if o is not None:
                    if o in objects:
                        yield s, pred, o
                else:
                    for obj in objects:
                        yield s, pred, obj
            elif o is not None:
                for subj in self.by_o(pred).get(o, ()):
                    yield subj, pred, o
            else:
                for subj, objects in self.by_s.get(pred, {}).items():
                    for obj in objects:
                        yield subj, pred, obj


def _is_iri(term: Any) -> bool:
    return type(term) is ox.NamedNode


class _Closure:
    """Semi-naive, set-at-a-time evaluation of the bundled rules: each round joins the triples
    found in the previous round (``delta``; the first round: all) with everything known, through
    the per-predicate indexes, so every rule instance is found once its last premise is known and
    the result is the fixpoint the SPARQL rules reach. Each join is a tight loop over index
    groups instead of a SPARQL round over all the data."""

    def __init__(self, rules: list[Rule], facts: Facts) -> None:
        self.kinds = {rule.kind for rule in rules}
        self.facts = facts
        self.c = rules[0].constants if rules else {}

    def run(self) -> list[Fact]:
        facts, derived = self.facts, []
        delta = facts
        while True:
            found: list[Fact] = []  # with repeats: the insert below is the one membership test
            self._round(delta, found)
            delta = Facts()
            new = self._insert(found, derived, delta)
            if not new:
                return derived

    def _insert(self, found: list[Fact], derived: list[Fact], delta: Facts) -> int:
        """Adds the found triples: the new ones go to ``derived`` and to ``delta`` (fresh,
        so without an object index yet). Returns how many were new."""
        return self.facts.extend(found, derived, delta)

    def _round(self, delta: Facts, out: list[Fact]) -> None:
        kinds = self.kinds
        if "subclass" in kinds:
            self._subclass(delta, out)
        if "subproperty" in kinds:
            self._subproperty(delta, out)
        if "inverse" in kinds:
            self._inverse(delta, out)
        if "symmetric" in kinds:
            self._symmetric(delta, out)
        if "transitive" in kinds:
            self._transitive(delta, out)
        if "paired" in kinds or "assists" in kinds:
            self._pairing(delta, out)

    def _subclass(self, delta: Facts, out: list[Fact]) -> None:
        # ?x a ?c . ?c rdfs:subClassOf ?super  FILTER(isIRI(?x) && isIRI(?super) && ?c != ?super)
        facts, a, sc = self.facts, self.c["type"], self.c["subClassOf"]
        supers_of = facts.by_s.get(sc, {})
        for c, xs in delta.by_o(a).items():
            sups = [s for s in supers_of.get(c, ()) if _is_iri(s) and s != c]
            for sup in sups:
                out.extend((x, a, sup) for x in xs if _is_iri(x))
        typed = facts.by_o(a)
        for c, sups in delta.by_s.get(sc, {}).items():
            xs = [x for x in typed.get(c, ()) if _is_iri(x)]
            for sup in sups:
                if _is_iri(sup) and sup != c:
                    out.extend((x, a, sup) for x in xs)

    def _pairs(self, index: Facts, p: Any) -> Iterator[tuple[Any, set[Any]]]:
        return iter(index.by_s.get(p, {}).items())

    def _subproperty(self, delta: Facts, out: list[Fact]) -> None:
        # ?p rdfs:subPropertyOf ?q . ?s ?p ?o  FILTER(isIRI(?p), isIRI(?q), ?p != ?q,
        # isIRI(?s), !isBlank(?o))
        facts, sp = self.facts, self.c["subPropertyOf"]
        supers_of = facts.by_s.get(sp, {})
        for p in list(delta.by_s):
            qs = [q for q in supers_of.get(p, ()) if _is_iri(q) and q != p]
            if qs:
                self._copy(delta, p, qs, out)
        for p, qs in list(delta.by_s.get(sp, {}).items()):
            if _is_iri(p):
                self._copy(facts, p, [q for q in qs if _is_iri(q) and q != p], out)

    def _copy(self, source: Facts, p: Any, qs: list[Any], out: list[Fact]) -> None:
        named, blank = ox.NamedNode, ox.BlankNode
        if len(qs) == 1:  # the usual case, written out: ~170 k subjects at 10x
            q, append = qs[0], out.append
            for s, objects in list(source.by_s.get(p, {}).items()):
                if type(s) is named:
                    for o in objects:
                        if type(o) is not blank:
                            append((s, q, o))
            return
        for s, objects in list(source.by_s.get(p, {}).items()):
            if type(s) is named:
                kept = [o for o in objects if type(o) is not blank]
                for q in qs:
                    out.extend((s, q, o) for o in kept)

    def _inverse(self, delta: Facts, out: list[Fact]) -> None:
        # { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } . ?s ?p ?o => ?o ?q ?s (IRIs)
        facts, inv = self.facts, self.c["inverseOf"]
        fwd, back = facts.by_s.get(inv, {}), facts.by_o(inv)
        for p in list(delta.by_s):
            if not _is_iri(p):
                continue
            qs = {q for q in (*fwd.get(p, ()), *back.get(p, ())) if _is_iri(q)}
            if qs:
                self._flip(delta, p, qs, out)
        for p, qs in list(delta.by_s.get(inv, {}).items()):
            if _is_iri(p):
                for q in qs:
                    if _is_iri(q):
                        self._flip(facts, p, {q}, out)
                        self._flip(facts, q, {p}, out)

    def _flip(self, source: Facts, p: Any, qs: set[Any], out: list[Fact]) -> None:
        for s, objects in list(source.by_s.get(p, {}).items()):
            if _is_iri(s):
                for q in qs:
                    out.extend((o, q, s) for o in objects if _is_iri(o))

    def _symmetric(self, delta: Facts, out: list[Fact]) -> None:
        # ?p a owl:SymmetricProperty . ?s ?p ?o => ?o ?p ?s (IRIs)
        facts, a, sym = self.facts, self.c["type"], self.c["SymmetricProperty"]
        symmetric = facts.by_o(a).get(sym, set())
        for p in list(delta.by_s):
            if p in symmetric:
                self._flip(delta, p, {p}, out)
        for p in list(delta.by_o(a).get(sym, ())):
            self._flip(facts, p, {p}, out)

    def _transitive(self, delta: Facts, out: list[Fact]) -> None:
        # ?p a owl:TransitiveProperty . ?a ?p ?b . ?b ?p ?c => ?a ?p ?c (IRIs, ?a != ?c)
        facts, a, tr = self.facts, self.c["type"], self.c["TransitiveProperty"]
        transitive = facts.by_o(a).get(tr, set())
        for p in list(delta.by_s):
            if p not in transitive:
                continue
            after, before = facts.by_s[p], facts.by_o(p)
            for x, ys in list(delta.by_s[p].items()):
                for y in ys:
                    if _is_iri(x):  # delta is the first step
                        out.extend((x, p, z) for z in after.get(y, ()) if _is_iri(z) and z != x)
                    if _is_iri(y):  # delta is the second step
                        out.extend((w, p, y) for w in before.get(x, ()) if _is_iri(w) and w != y)
        for p in list(delta.by_o(a).get(tr, ())):
            steps = facts.by_s.get(p, {})
            for x, ys in list(steps.items()):
                if _is_iri(x):
                    for y in ys:
                        out.extend((x, p, z) for z in steps.get(y, ()) if _is_iri(z) and z != x)

    def _pairing(self, delta: Facts, out: list[Fact]) -> None:
        # ?pairing a yrd:Pairing ; yrd:party ?a , ?b => ?a yrd:pairedWith ?b (IRIs, ?a != ?b)
        # ?pairing a yrd:Pairing ; yrd:assistingParty ?a ; yrd:assistedParty ?b => ?a yrd:assists ?b
        facts, c, kinds = self.facts, self.c, self.kinds
        a, pairing = c["type"], c["Pairing"]
        party, paired = facts.by_s.get(c["party"], {}), c["pairedWith"]
        helping, helped = (
            facts.by_s.get(c["assistingParty"], {}),
            facts.by_s.get(c["assistedParty"], {}),
        )
        assists = c["assists"]
        pairings = facts.by_o(a).get(pairing, set())
        touched: set[Any] = set(delta.by_o(a).get(pairing, ()))
        for p in (c["party"], c["assistingParty"], c["assistedParty"]):
            touched.update(x for x in delta.by_s.get(p, {}) if x in pairings)
        # a pairing touched by the delta is re-joined whole: its party lists are tiny
        for x in touched:
            if "paired" in kinds:
                parties = [y for y in party.get(x, ()) if _is_iri(y)]
                out.extend((y, paired, z) for y in parties for z in parties if y != z)
            if "assists" in kinds:
                bs = [z for z in helped.get(x, ()) if _is_iri(z)]
                for y in helping.get(x, ()):
                    if _is_iri(y):
                        out.extend((y, assists, z) for z in bs)


def closure(rules: list[Rule], base: Facts) -> list[Fact]:
    """Everything the rules add to ``base`` (which grows to the fixpoint): Cl(base) minus base."""
    return _Closure(rules, base).run()


Matcher = Callable[[Any, Any, Any], Iterable[Fact]]


def relevant_predicates(rules: list[Rule], match: Matcher) -> set[ox.NamedNode]:
    """Every predicate a rule can read or write, given the schema triples ``match`` finds: the
    constant ones, and the values of predicate variables (``?p`` of ``?p rdfs:subPropertyOf
    ?q``). Only triples with these predicates take part in inference."""
    found: set[ox.NamedNode] = set()
    for rule in rules:
        atoms = (*rule.body, rule.head)
        found.update(a.p for a in atoms if isinstance(a.p, ox.NamedNode))
        variables = {a.p for a in atoms if isinstance(a.p, str)}
        for atom in rule.body:
            if isinstance(atom.p, str):
                continue
            wanted = [i for i, t in ((0, atom.s), (2, atom.o)) if t in variables]
            if not wanted:
                continue
            s = None if isinstance(atom.s, str) else atom.s
            o = None if isinstance(atom.o, str) else atom.o
            for triple in match(s, atom.p, o):
                found.update(triple[i] for i in wanted if isinstance(triple[i], ox.NamedNode))
    return found


def _store_matcher(raw: ox.Store) -> Matcher:
    def match(s: Any, p: Any, o: Any) -> Iterator[Fact]:
        for q in raw.quads_for_pattern(s, p, o, None):
            yield q.subject, q.predicate, q.object

    return match


def parse_filter(store: OxigraphStore, rules: list[Rule]) -> set[ox.NamedNode]:
    """The predicates worth keeping while parsing a new file, from the schema already stored.
    If the new data turns out to need more (it declares new sub-properties, say), the load
    reads that graph back from the store instead."""
    return relevant_predicates(rules, _store_matcher(store._store))  # noqa: SLF001
