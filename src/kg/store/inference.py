"""Materialise the inferences users expect from plain SPARQL into one ``inferred`` graph.

The rules are SPARQL CONSTRUCT files kept next to the ontology (``ontology/inference/*.rq``), so
the people who change the ontology change its entailments in the same place, and any SPARQL
engine can run them: no reasoner dependency, and queries work with or without the graph.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store.base import STAGING_PREFIX, GraphStore, QueryError
from kg.store.embedded import OxigraphStore

MAX_ROUNDS = 20


def rule_files(config_dirs: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for folder in config_dirs:
        files.extend(sorted((folder / "inference").glob("*.rq")))
    return files


def materialise(
    store: GraphStore,
    rules: list[Path],
    *,
    known: Mapping[str, ParsedFacts] | None = None,
    native: bool = True,
    changes: list[InferredChange] | None = None,
) -> int:
    """Recompute the inferred graph to a fixpoint; returns its size.

    The inferred graph is always Cl(data) minus data: every triple the rules derive from the
    union of the data graphs that is not itself data. With the bundled rules on pyoxigraph, the
    native engine below computes it (``known``: rule-relevant triples of graphs just loaded,
    parsed from their files, so they need not be read back from disk); otherwise the rules run as
    SPARQL against the data graphs plus a staging graph that grows each round, then the staging
    graph is swapped in with one update so readers never see a half-computed closure.
    ``native=False`` forces the SPARQL path (the tests compare the two). ``changes``: the native
    engine appends the inferred graph's difference (added, removed) to it, which is what
    validating a load needs to know (nothing appended: the difference is unknown).
    """
    inferred = store.config.inferred_graph
    staging = STAGING_PREFIX + "inferred"
    data_graphs = [g for g in store.named_graphs() if g != inferred]
    texts = [(rule, rule.read_text(encoding="utf-8")) for rule in rules]
    if native and isinstance(store, OxigraphStore) and texts:
        compiled = compile_rules(texts, store)
        if compiled is not None:
            return _materialise_native(store, compiled, data_graphs, inferred, known or {}, changes)
    store.update(f"DROP SILENT GRAPH <{staging}>")
    if isinstance(store, OxigraphStore) and texts:
        try:
            size = _materialise_fast(store, texts, data_graphs, staging, inferred)
        except QueryError:  # a rule the rewrite got wrong: the general path says why
            store.update(f"DROP SILENT GRAPH <{staging}>")
        else:
            if size is not None:
                return size
    seen: set[ox.Triple] = set()
    for _ in range(MAX_ROUNDS):
        new: list[ox.Triple] = []
        for _rule, text in texts:
            for triple in store.query(text, default_graphs=[*data_graphs, staging]):
                if triple not in seen:
                    seen.add(triple)
                    new.append(triple)
        if not new:
            break
        _insert(store, staging, new)
    store.update(f"DROP SILENT GRAPH <{inferred}> ; MOVE SILENT GRAPH <{staging}> TO <{inferred}>")
    return len(seen)


def _insert(store: GraphStore, graph: str, triples: list[ox.Triple]) -> None:
    for start in range(0, len(triples), 5000):
        chunk = triples[start : start + 5000]
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in chunk)
        store.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")


#: Up to this many changed inferred triples are written in one (atomic) update; more are written
#: with the bulk loader, like a bulk load's data, because transactional writes to an on-disk store
#: run at ~10^4 triples/s.
ATOMIC_LIMIT = 20_000


def _materialise_fast(
    store: OxigraphStore,
    texts: list[tuple[Path, str]],
    data_graphs: list[str],
    staging: str,
    inferred: str,
) -> int | None:
    """The fixpoint computed inside pyoxigraph, never row by row in Python; None if a rule is not
    a plain CONSTRUCT … WHERE (then the general path runs).

    In memory: the rules run as ``INSERT … WHERE`` on the store itself, then the staging graph is
    swapped in as before. On disk, where every transactional write is slow, the data graphs are
    copied (natively) into a scratch in-memory store, the fixpoint is computed there, and only
    the difference to the current inferred graph is written back."""
    on_disk = store.path is not None
    # the scratch store holds the data in its default graph and the inferences in the default
    # graph too (so rules join them) and in the staging graph (the result)
    updates = [_as_insert(text, staging, None if on_disk else data_graphs) for _, text in texts]
    if not all(updates):
        return None
    if not on_disk:
        size = _materialise_in_store(store, updates, staging)  # type: ignore[arg-type]
        swap = f"MOVE SILENT GRAPH <{staging}> TO <{inferred}>"
        store.update(f"DROP SILENT GRAPH <{inferred}> ; {swap}")
        return size
    raw = store._store  # noqa: SLF001 - our own backend
    scratch = OxigraphStore(replace(store.config, store=":memory:"))
    dump = io.BytesIO()
    for graph in data_graphs:  # native scans; duplicates across graphs merge on load
        raw.dump(dump, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    scratch._store.bulk_load(dump.getvalue(), ox.RdfFormat.N_TRIPLES)  # noqa: SLF001
    del dump
    size = _materialise_in_store(scratch, updates, staging)  # type: ignore[arg-type]
    target = ox.NamedNode(inferred)
    new = {
        q.triple for q in scratch._store.quads_for_pattern(None, None, None, ox.NamedNode(staging))
    }  # noqa: SLF001
    old = {q.triple for q in raw.quads_for_pattern(None, None, None, target)}
    added, removed = new - old, old - new
    if not raw.contains_named_graph(target) or len(added) + len(removed) > ATOMIC_LIMIT:
        raw.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in added)
        for t in removed:
            raw.remove(ox.Quad(t.subject, t.predicate, t.object, target))
        if not new:
            raw.remove_graph(target)
        store._bump()  # noqa: SLF001
    else:
        ops = []
        if removed:
            ops.append(_data_block("DELETE", inferred, removed))
        if added:
            ops.append(_data_block("INSERT", inferred, added))
        if ops:
            store.update(" ;\n".join(ops))
    return size


def _data_block(verb: str, graph: str, triples: Iterable[ox.Triple] | Iterable[Fact]) -> str:
    body = "\n".join(f"{s} {p} {o} ." for s, p, o in triples)
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def _materialise_in_store(store: GraphStore, updates: list[str], staging: str) -> int:
    """The same fixpoint without pulling triples into Python: each rule runs as an
    ``INSERT … USING <data graphs> USING <staging> WHERE …`` inside the engine, until a round
    adds nothing. At a million triples this is minutes faster than CONSTRUCT + INSERT DATA."""
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
    size = 0
    for _ in range(MAX_ROUNDS):
        for update in updates:
            store.update(update)
        rows = store.select(count)
        grown = int(rows[0]["n"].value) if rows else 0
        if grown == size:
            break
        size = grown
    return size


_CONSTRUCT = re.compile(r"\bCONSTRUCT\s*\{", re.IGNORECASE)
_WHERE = re.compile(r"\s*(WHERE\s*)?\{", re.IGNORECASE)


def _as_insert(text: str, staging: str, data_graphs: list[str] | None) -> str | None:
    """``CONSTRUCT { T } WHERE { P }`` as ``INSERT { GRAPH <staging> { T } } USING … WHERE { P }``
    over the same dataset as the query (data graphs + staging), or None if the rule has another
    shape (short form, solution modifiers): then the general path runs it."""
    match = _CONSTRUCT.search(text)
    if match is None:
        return None
    open_at = match.end() - 1
    close_at = _matching_brace(text, open_at)
    if close_at is None:
        return None
    where = _WHERE.match(text, close_at + 1)
    if where is None:
        return None
    body_open = where.end() - 1
    body_close = _matching_brace(text, body_open)
    if body_close is None or text[body_close + 1 :].strip():
        return None  # LIMIT/ORDER BY/VALUES after the pattern: not valid in an update
    template = text[open_at + 1 : close_at]
    if data_graphs is None:  # everything in the default graph (the scratch store)
        return (
            f"{text[: match.start()]}INSERT {{ {template} GRAPH <{staging}> {{ {template} }} }}"
            f"\nWHERE {text[body_open : body_close + 1]}"
        )
    using = " ".join(f"USING <{g}>" for g in [*data_graphs, staging])
    return (
        f"{text[: match.start()]}INSERT {{ GRAPH <{staging}> {{ {template} }} }}"
        f"\n{using}\nWHERE {text[body_open : body_close + 1]}"
    )


def _matching_brace(text: str, start: int) -> int | None:
    """Index of the ``}`` closing the ``{`` at ``start``, skipping strings, IRIs and comments."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            end = text.find(c, i + 1)
            while end != -1 and text[end - 1] == "\\":
                end = text.find(c, end + 1)
            if end == -1:
                return None
            i = end
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.index(">", i)
        elif c == "#":
            newline = text.find("\n", i)
            i = n if newline == -1 else newline
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


# ---------------------------------------------------------------------------------------------
# The native engine: the bundled rules, recognised by their text, evaluated semi-naively in Python
# over only the triples they can read. On disk, every term pyoxigraph hands to Python costs a
# RocksDB lookup (~15 µs a quad), and SPARQL over the store is no cheaper; so the triples of a
# big new file come from parsing the file (in a thread, while the bulk loader writes it) and the
# rest from index scans of the few predicates the rules use.
# ---------------------------------------------------------------------------------------------

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"

Fact = tuple[Any, ox.NamedNode, Any]


@dataclass(frozen=True)
class _Atom:
    """A triple pattern: a ``str`` is a variable name, anything else an RDF term."""

    s: Any
    p: Any
    o: Any


@dataclass(frozen=True)
class _Filter:
    variables: frozenset[str]
    test: Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Rule:
    """``CONSTRUCT { head } WHERE { body FILTER … FILTER NOT EXISTS { head } }``."""

    head: _Atom
    body: tuple[_Atom, ...]
    filters: tuple[_Filter, ...]
    #: which of the bundled rules this is: ``_Closure`` has the join code for each
    kind: str = ""
    #: the terms the rules name (``type``, ``subClassOf``, ``Pairing`` …), shared by all rules
    constants: Mapping[str, ox.NamedNode] = field(default_factory=dict)


def _iri(*names: str) -> _Filter:
    return _Filter(frozenset(names), lambda b: all(isinstance(b[n], ox.NamedNode) for n in names))


def _differ(a: str, b: str) -> _Filter:
    return _Filter(frozenset((a, b)), lambda bnd: bnd[a] != bnd[b])


def _not_blank(name: str) -> _Filter:
    return _Filter(frozenset((name,)), lambda b: not isinstance(b[name], ox.BlankNode))


def _bundled_rules(ns: str) -> dict[str, list[Rule]]:
    """The rules of ``ontology/inference/*.rq`` as written today (normalised text -> rules);
    ``ns`` is ``<ontology#>`` resolved as the query engine resolves it. A rule file whose text
    is not one of these runs through SPARQL instead, so editing a rule never silently keeps the
    old behaviour."""
    sub_class, sub_prop = ox.NamedNode(_RDFS + "subClassOf"), ox.NamedNode(_RDFS + "subPropertyOf")
    inverse = ox.NamedNode(_OWL + "inverseOf")
    symmetric = ox.NamedNode(_OWL + "SymmetricProperty")
    transitive = ox.NamedNode(_OWL + "TransitiveProperty")
    yrd = {n: ox.NamedNode(ns + n) for n in ("Pairing", "party", "pairedWith", "assists")}
    yrd.update({n: ox.NamedNode(ns + n) for n in ("assistingParty", "assistedParty")})
    a = RDF_TYPE
    constants = {
        "type": a,
        "subClassOf": sub_class,
        "subPropertyOf": sub_prop,
        "inverseOf": inverse,
        "SymmetricProperty": symmetric,
        "TransitiveProperty": transitive,
        **yrd,
    }
    rdfs_prefix = f"PREFIX rdfs: <{_RDFS}> "
    owl_prefix = f"PREFIX owl: <{_OWL}> "
    yrd_prefix = "PREFIX yrd: <ontology#> "
    return {
        rdfs_prefix + "CONSTRUCT { ?x a ?super } WHERE { ?x a ?c . ?c rdfs:subClassOf ?super . "
        "FILTER (isIRI(?x) && isIRI(?super) && ?c != ?super) FILTER NOT EXISTS { ?x a ?super } }": [
            Rule(
                _Atom("x", a, "super"),
                (_Atom("x", a, "c"), _Atom("c", sub_class, "super")),
                (_iri("x", "super"), _differ("c", "super")),
                "subclass",
                constants,
            )
        ],
        rdfs_prefix + "CONSTRUCT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . FILTER "
        "(isIRI(?p) && isIRI(?q) && ?p != ?q) ?s ?p ?o . FILTER (isIRI(?s) && !isBlank(?o)) "
        "FILTER NOT EXISTS { ?s ?q ?o } }": [
            Rule(
                _Atom("s", "q", "o"),
                (_Atom("p", sub_prop, "q"), _Atom("s", "p", "o")),
                (_iri("p", "q"), _differ("p", "q"), _iri("s"), _not_blank("o")),
                "subproperty",
                constants,
            )
        ],
        owl_prefix + "CONSTRUCT { ?o ?q ?s } WHERE { { ?p owl:inverseOf ?q } UNION "
        "{ ?q owl:inverseOf ?p } FILTER (isIRI(?p) && isIRI(?q)) ?s ?p ?o . "
        "FILTER (isIRI(?s) && isIRI(?o)) FILTER NOT EXISTS { ?o ?q ?s } }": [
            Rule(
                _Atom("o", "q", "s"),
                (tbox, _Atom("s", "p", "o")),
                (_iri("p", "q"), _iri("s", "o")),
                "inverse",
                constants,
            )
            for tbox in (_Atom("p", inverse, "q"), _Atom("q", inverse, "p"))
        ],
        owl_prefix + "CONSTRUCT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o . "
        "FILTER (isIRI(?s) && isIRI(?o)) FILTER NOT EXISTS { ?o ?p ?s } }": [
            Rule(
                _Atom("o", "p", "s"),
                (_Atom("p", a, symmetric), _Atom("s", "p", "o")),
                (_iri("s", "o"),),
                "symmetric",
                constants,
            )
        ],
        owl_prefix + "CONSTRUCT { ?a ?p ?c } WHERE { ?p a owl:TransitiveProperty . ?a ?p ?b . "
        "?b ?p ?c . FILTER (isIRI(?a) && isIRI(?c) && ?a != ?c) "
        "FILTER NOT EXISTS { ?a ?p ?c } }": [
            Rule(
                _Atom("a", "p", "c"),
                (_Atom("p", a, transitive), _Atom("a", "p", "b"), _Atom("b", "p", "c")),
                (_iri("a", "c"), _differ("a", "c")),
                "transitive",
                constants,
            )
        ],
        yrd_prefix + "CONSTRUCT { ?a yrd:pairedWith ?b } WHERE { ?pairing a yrd:Pairing ; "
        "yrd:party ?a , ?b . FILTER (isIRI(?a) && isIRI(?b) && ?a != ?b) "
        "FILTER NOT EXISTS { ?a yrd:pairedWith ?b } }": [
            Rule(
                _Atom("a", yrd["pairedWith"], "b"),
                (
                    _Atom("pairing", a, yrd["Pairing"]),
                    _Atom("pairing", yrd["party"], "a"),
                    _Atom("pairing", yrd["party"], "b"),
                ),
                (_iri("a", "b"), _differ("a", "b")),
                "paired",
                constants,
            )
        ],
        yrd_prefix + "CONSTRUCT { ?a yrd:assists ?b } WHERE { ?pairing a yrd:Pairing ; "
        "yrd:assistingParty ?a ; yrd:assistedParty ?b . FILTER (isIRI(?a) && isIRI(?b)) "
        "FILTER NOT EXISTS { ?a yrd:assists ?b } }": [
            Rule(
                _Atom("a", yrd["assists"], "b"),
                (
                    _Atom("pairing", a, yrd["Pairing"]),
                    _Atom("pairing", yrd["assistingParty"], "a"),
                    _Atom("pairing", yrd["assistedParty"], "b"),
                ),
                (_iri("a", "b"),),
                "assists",
                constants,
            )
        ],
    }


def _normalise(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return " ".join(" ".join(lines).split())


def compile_rules(texts: list[tuple[Path, str]], store: GraphStore) -> list[Rule] | None:
    """The native form of the rule files, or None if any of them is not a bundled rule."""
    rows = store.select("SELECT (<ontology#> AS ?ns) {}")
    ns = rows[0]["ns"].value if rows else store.config.ontology_ns
    known = _bundled_rules(ns)
    rules: list[Rule] = []
    for _path, text in texts:
        compiled = known.get(_normalise(text))
        if compiled is None:
            return None
        rules.extend(compiled)
    return rules


class Facts:
    """Triples indexed by predicate, then subject (and, for the predicates a join reaches from
    the object side, by object too, built on first use): what the joins look up."""

    def __init__(self) -> None:
        self.by_s: dict[Any, dict[Any, set[Any]]] = {}
        self._by_o: dict[Any, dict[Any, set[Any]]] = {}
        self.total = 0

    def add(self, s: Any, p: Any, o: Any) -> bool:
        """Adds the triple; False if it was there."""
        subjects = self.by_s.get(p)
        if subjects is None:
            subjects = self.by_s[p] = {}
        objects = subjects.get(s)
        if objects is None:
            subjects[s] = {o}
        elif o in objects:
            return False
        else:
            objects.add(o)
        by_o = self._by_o.get(p)
        if by_o is not None:
            found = by_o.get(o)
            if found is None:
                by_o[o] = {s}
            else:
                found.add(s)
        self.total += 1
        return True

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
            found: list[Fact] = []  # with repeats: facts.add() is the one membership test
            self._round(delta, found)
            delta = Facts()
            for triple in found:
                if facts.add(*triple):
                    derived.append(triple)
                    delta.add(*triple)
            if not delta.total:
                return derived

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
        for s, objects in list(source.by_s.get(p, {}).items()):
            if _is_iri(s):
                kept = [o for o in objects if type(o) is not ox.BlankNode]
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


class ParsedFacts:
    """The rule-relevant triples of one file, parsed in a thread while the store loads it.

    pyoxigraph's bulk loader releases the GIL and leaves most of a core idle, so this costs
    little wall time; reading the same triples back from disk afterwards costs ~15 µs each.
    Blank nodes get a suffix unique to this parse (the parser keeps the file's labels, the store
    does not) and literals are put in the store's canonical form, so the triples equal the
    stored ones. Any failure just means the graph is read from the store."""

    def __init__(
        self, path: Path, fmt: ox.RdfFormat, base_iri: str, predicates: set[ox.NamedNode]
    ) -> None:
        self.path, self.fmt, self.base_iri = path, fmt, base_iri
        self.predicates = frozenset(predicates)
        self.facts: Facts | None = None
        self._thread = threading.Thread(target=self._run, name="kg-infer-parse", daemon=True)

    def start(self) -> ParsedFacts:
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join()

    def _run(self) -> None:
        try:
            self.facts = self._parse()
        except Exception:  # noqa: BLE001 - the store's own load reports parse errors
            self.facts = None

    def _parse(self) -> Facts | None:
        keep = self.predicates
        suffix = "k" + uuid.uuid4().hex
        facts = Facts()
        literals: list[Fact] = []
        for quad in ox.parse(path=str(self.path), format=self.fmt, base_iri=self.base_iri):
            p = quad.predicate
            if p not in keep:
                continue
            s, o = quad.subject, quad.object
            if type(s) is ox.Triple or type(o) is ox.Triple:
                return None  # RDF-star: not worth the care, read it back
            if type(s) is ox.BlankNode:
                s = ox.BlankNode(s.value + suffix)
            if type(o) is ox.BlankNode:
                o = ox.BlankNode(o.value + suffix)
            elif type(o) is ox.Literal:
                literals.append((s, p, o))
                continue
            facts.add(s, p, o)
        if literals:  # the store canonicalises typed literals ("01"^^xsd:integer is 1)
            scratch = ox.Store()
            marker = ox.NamedNode("urn:kg:literal")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"urn:kg:{i}"), marker, t[2]) for i, t in enumerate(literals)
            )
            for q in scratch.quads_for_pattern(None, marker, None, None):
                s, p, _ = literals[int(q.subject.value[7:])]
                facts.add(s, p, q.object)
        return facts

    def covers(self, predicates: set[ox.NamedNode]) -> bool:
        return self.facts is not None and predicates <= self.predicates


class Speculation(ParsedFacts):
    """Inference for a load of one big new file, done before the file is even stored: parse it,
    add the rule-relevant triples of the other graphs, compute the closure and write the
    inferred graph's changes, all in a thread while the bulk loader writes the data (on two
    cores they overlap). Like the bulk load itself this is not one transaction: a crash leaves
    a loading marker, and the store recomputes the inferences when it next opens. ``size`` is
    None when it gave up (a schema change it cannot see in time): then ``materialise`` runs."""

    def __init__(
        self, store: OxigraphStore, rules: list[Rule], path: Path, fmt: ox.RdfFormat, graph: str
    ) -> None:
        super().__init__(path, fmt, store.config.base_iri, parse_filter(store, rules))
        self.store, self.rules = store, rules
        self.inferred = store.config.inferred_graph
        self.others = [g for g in store.named_graphs() if g not in (graph, self.inferred)]
        self.size: int | None = None
        self.wrote = False
        self.changes: list[InferredChange] = []

    def _run(self) -> None:
        super()._run()
        base = self.facts
        if base is None:
            return
        self.facts = None  # the closure grows it: not a file's triples any more
        raw = self.store._store  # noqa: SLF001 - our own backend
        keep = set(self.predicates)
        for graph in self.others:
            _read_graph(raw, graph, keep, base)
        if not relevant_predicates(self.rules, base.match) <= keep:
            return
        derived = closure(self.rules, base)
        if not relevant_predicates(self.rules, base.match) <= keep:
            return
        self.wrote = True
        _write_inferred(self.store, self.inferred, derived, self.changes)
        self.size = len(derived)


def _read_graph(raw: ox.Store, graph: str, predicates: set[ox.NamedNode], into: Facts) -> None:
    g = ox.NamedNode(graph)
    for p in predicates:
        for q in raw.quads_for_pattern(None, p, None, g):
            into.add(q.subject, p, q.object)


def _materialise_native(
    store: OxigraphStore,
    rules: list[Rule],
    data_graphs: list[str],
    inferred: str,
    known: Mapping[str, ParsedFacts],
    changes: list[InferredChange] | None = None,
) -> int:
    """Cl(data) minus data, computed over the rule-relevant triples only, then written as the
    difference to the current inferred graph."""
    raw = store._store  # noqa: SLF001 - our own backend
    usable = {g: parsed for g, parsed in known.items() if parsed.facts is not None}
    wanted = relevant_predicates(rules, lambda s, p, o: ())
    while True:
        base, predicates = _collect(rules, raw, data_graphs, usable, wanted)
        if base is None:
            continue  # a parsed file lacked a predicate: that graph is read from the store
        derived = closure(rules, base)
        wanted = relevant_predicates(rules, base.match)
        if wanted <= predicates:
            break
        wanted |= predicates  # derived schema triples name more properties: start again
    _write_inferred(store, inferred, derived, changes)
    return len(derived)


def _collect(
    rules: list[Rule],
    raw: ox.Store,
    data_graphs: list[str],
    usable: dict[str, ParsedFacts],
    wanted: set[ox.NamedNode],
) -> tuple[Facts | None, set[ox.NamedNode]]:
    """The data's triples with the predicates the rules use, growing ``wanted`` as the schema
    found names more. A parsed graph is used whole or not at all (its blank nodes are not the
    store's): if it lacks a predicate it is dropped from ``usable`` and None returned."""
    base, predicates = Facts(), set[ox.NamedNode]()
    while not wanted <= predicates:
        extra = wanted - predicates
        predicates = predicates | wanted
        for graph in data_graphs:
            parsed = usable.get(graph)
            if parsed is None:
                _read_graph(raw, graph, extra, base)
            elif parsed.covers(predicates) and parsed.facts is not None:
                for p in extra:
                    for s, objects in parsed.facts.by_s.get(p, {}).items():
                        for o in objects:
                            base.add(s, p, o)
            else:
                del usable[graph]
                return None, predicates
        wanted = relevant_predicates(rules, base.match)
    return base, predicates


#: one write of the inferred graph: the triples it added and removed
InferredChange = tuple[list[Fact], set[Fact]]


def _write_inferred(
    store: OxigraphStore,
    inferred: str,
    derived: list[Fact],
    changes: list[InferredChange] | None = None,
) -> None:
    """Writes the difference between ``derived`` (no repeats) and the inferred graph (and
    appends it to ``changes``)."""
    raw = store._store  # noqa: SLF001 - our own backend
    target = ox.NamedNode(inferred)
    old = {
        (q.subject, q.predicate, q.object) for q in raw.quads_for_pattern(None, None, None, target)
    }
    new = derived
    if old:
        added = [t for t in derived if t not in old]
        removed = old - set(derived)
    else:
        added, removed = derived, set()
    if changes is not None:
        changes.append((added, removed))
    if not new:  # no inferences: no inferred graph, as after the SPARQL path's swap
        if raw.contains_named_graph(target):
            raw.remove_graph(target)
            store._bump()  # noqa: SLF001
        return
    if not added and not removed:
        return
    if store.path is None or not old or len(added) + len(removed) > ATOMIC_LIMIT:
        raw.bulk_extend(ox.Quad(s, p, o, target) for s, p, o in added)
        for s, p, o in removed:
            raw.remove(ox.Quad(s, p, o, target))
        store._bump()  # noqa: SLF001
        return
    ops = []
    if removed:
        ops.append(_data_block("DELETE", inferred, removed))
    if added:
        ops.append(_data_block("INSERT", inferred, added))
    store.update(" ;\n".join(ops))
