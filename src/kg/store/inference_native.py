"""The native path of materialisation: the data read and parsed once, the closure computed in
Python, and only the inferred graph's difference written back.

``kg.store.inference.materialise`` uses it when the rules compile (``kg.store.inference_rules``);
``Speculation`` parses a file being loaded and derives its inferences while the store loads it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from kg.store.embedded import OxigraphStore
from kg.store.inference_closure import Facts, closure, relevant_predicates
from kg.store.inference_closure import parse_filter as parse_filter
from kg.store.inference_rules import Fact
from kg.store.inference_rules import Rule as Rule
from kg.store.inference_rules import compile_rules as compile_rules
from kg.store.load_focus import LoadedCopy, ShapeFacts, copy_of

#: Up to this many changed inferred triples are written in one (atomic) update; more are written
#: with the bulk loader, like a bulk load's data, because transactional writes to an on-disk store
#: run at ~10^4 triples/s.
ATOMIC_LIMIT = 20_000

#: A big new file up to this size is parsed into an in-memory store (``Speculation``); the
#: copy takes ~15× the file's size in memory (215 MB for the 15 MB, 371 k-triple 10×
#: benchmark file), so past this the file is parsed quad by quad and memory stays bounded.
MEMORY_COPY_BYTES = 160 * 1024 * 1024


def _data_block(verb: str, graph: str, triples: Iterable[ox.Triple] | Iterable[Fact]) -> str:
    body = "\n".join(f"{s} {p} {o} ." for s, p, o in triples)
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


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
    None when it gave up (a schema change it cannot see in time): then ``materialise`` runs.

    A file up to ``MEMORY_COPY_BYTES`` is parsed by loading it into an in-memory store (the
    parser and the indexes in Rust, without the GIL: the second core works while the first
    bulk-loads) and the rule-relevant triples are read from there, ~5× cheaper than a Python
    loop over every parsed quad. With ``shape_facts`` the copy is kept for validating the load
    (``copy``, ``kg.store.load_focus``)."""

    def __init__(
        self,
        store: OxigraphStore,
        rules: list[Rule],
        path: Path,
        fmt: ox.RdfFormat,
        graph: str,
        shape_facts: ShapeFacts | None = None,
    ) -> None:
        super().__init__(path, fmt, store.config.base_iri, parse_filter(store, rules))
        self.store, self.rules = store, rules
        self.inferred = store.config.inferred_graph
        self.others = [g for g in store.named_graphs() if g not in (graph, self.inferred)]
        self.size: int | None = None
        self.wrote = False
        self.changes: list[InferredChange] = []
        self.shape_facts = shape_facts
        #: the file in memory, for validating the load (None: not usable for that)
        self.copy: LoadedCopy | None = None

    def _parse(self) -> Facts | None:
        if self.path.stat().st_size > MEMORY_COPY_BYTES:
            return super()._parse()
        mem = ox.Store()
        mem.bulk_load(path=str(self.path), format=self.fmt, base_iri=self.base_iri)
        if self.shape_facts is not None:
            self.copy = copy_of(mem, self.shape_facts)
        facts = Facts()
        for p in self.predicates:
            for q in mem.quads_for_pattern(None, p, None, None):
                s, o = q.subject, q.object
                if type(s) is ox.Triple or type(o) is ox.Triple:
                    return None  # RDF-star: not worth the care, read it back
                facts.add(s, p, o)
        return facts

    def _run(self) -> None:
        super()._run()
        base = self.facts
        if base is None:
            self.copy = None
            return
        self.facts = None  # the closure grows it: not a file's triples any more
        raw = self.store._store  # noqa: SLF001 - our own backend
        keep = set(self.predicates)
        for graph in self.others:
            _read_graph(raw, graph, keep, base)
        if not relevant_predicates(self.rules, base.match) <= keep:
            self.copy = None
            return
        derived = closure(self.rules, base)
        if not relevant_predicates(self.rules, base.match) <= keep:
            self.copy = None
            return
        if self.copy is not None:
            self.copy.add(derived)
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
