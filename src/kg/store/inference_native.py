"""The native path of materialisation: the data read and parsed once, the closure computed in
Python, and only the inferred graph's difference written back.

``kg.store.inference.materialise`` uses it when the rules compile (``kg.store.inference_rules``);
``Speculation`` parses a file being loaded and derives its inferences while the store loads it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox

from kg.store.base import LOADING_MARK, STAGING_PREFIX
from kg.store.embedded import OxigraphStore
from kg.store.inference_closure import Facts, closure, relevant_predicates
from kg.store.inference_closure import parse_filter as parse_filter
from kg.store.inference_rules import Fact
from kg.store.inference_rules import Rule as Rule
from kg.store.inference_rules import compile_rules as compile_rules
from kg.store.load_focus import LoadedCopy, ShapeFacts, copy_of
from kg.store.load_parse import no_gc, parse_file

#: Up to this many changed inferred triples are written in one (atomic) update; more are written
#: with the bulk loader, like a bulk load's data, because transactional writes to an on-disk store
#: run at ~10^4 triples/s.
ATOMIC_LIMIT = 20_000

#: A big new file up to this size is parsed whole into Python (``Speculation``); the copy
#: takes ~12× the file's size in memory (~170 MB for the 15 MB, 371 k-triple 10× benchmark
#: file), so past this the file is parsed quad by quad and memory stays bounded.
MEMORY_COPY_BYTES = 64 * 1024 * 1024


def _data_block(verb: str, graph: str, triples: Iterable[ox.Triple] | Iterable[Fact]) -> str:
    body = "\n".join(f"{s} {p} {o} ." for s, p, o in triples)
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


class _RdfStar(Exception):
    """A quoted triple in a parsed file: its graph is read back from the store instead."""


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
        facts = Facts()
        literals: list[Fact] = []
        try:
            facts.extend(self._kept(literals))
        except _RdfStar:
            return None  # not worth the care, read it back
        if literals:  # the store canonicalises typed literals ("01"^^xsd:integer is 1)
            scratch = ox.Store()
            marker = ox.NamedNode("urn:kg:literal")
            scratch.extend(
                ox.Quad(ox.NamedNode(f"urn:kg:{i}"), marker, t[2]) for i, t in enumerate(literals)
            )
            facts.extend(
                (*literals[int(q.subject.value[7:])][:2], q.object)
                for q in scratch.quads_for_pattern(None, marker, None, None)
            )
        return facts

    def _kept(self, literals: list[Fact]) -> Iterator[Fact]:
        """The file's triples with a kept predicate, as the store holds them (literal ones go
        to ``literals``, to be put in the store's form)."""
        keep = self.predicates
        suffix = "k" + uuid.uuid4().hex
        for quad in ox.parse(path=str(self.path), format=self.fmt, base_iri=self.base_iri):
            p = quad.predicate
            if p not in keep:
                continue
            s, o = quad.subject, quad.object
            if type(s) is ox.Triple or type(o) is ox.Triple:
                raise _RdfStar
            if type(s) is ox.BlankNode:
                s = ox.BlankNode(s.value + suffix)
            if type(o) is ox.BlankNode:
                o = ox.BlankNode(o.value + suffix)
            elif type(o) is ox.Literal:
                literals.append((s, p, o))
                continue
            yield s, p, o

    def covers(self, predicates: set[ox.NamedNode]) -> bool:
        return self.facts is not None and predicates <= self.predicates


class Speculation(ParsedFacts):
    """Inference for a load of one big new file, done while the bulk loader stores it: parse
    the file, add the rule-relevant triples of the other graphs, compute the closure and the
    inferred graph's difference, all in a thread (on two cores they overlap), and start the
    difference's bulk write at once, beside the data's (``write`` waits until it started).
    Like the bulk load itself this is not one transaction: a crash leaves a loading marker, and
    the store recomputes the inferences when it next opens. ``size`` is None when it gave up (a
    schema change it cannot see in time): then ``materialise`` runs.

    A file up to ``MEMORY_COPY_BYTES`` is parsed once into a Python subject index
    (``kg.store.load_parse``) and the rule-relevant triples are read from there. With
    ``shape_facts`` the index is kept for validating the load (``copy``,
    ``kg.store.load_focus``) and ``screen`` runs on it in the thread too."""

    def __init__(
        self,
        store: OxigraphStore,
        rules: list[Rule],
        path: Path,
        fmt: ox.RdfFormat,
        graph: str,
        shape_facts: ShapeFacts | None = None,
        screen: Callable[[Speculation], None] | None = None,
    ) -> None:
        super().__init__(path, fmt, store.config.base_iri, parse_filter(store, rules))
        self.store, self.rules = store, rules
        self.inferred = store.config.inferred_graph
        self.others = [g for g in store.named_graphs() if g not in (graph, self.inferred)]
        self.size: int | None = None
        self.wrote = False
        self.changes: list[InferredChange] = []
        self.shape_facts, self.screen = shape_facts, screen
        #: the file in memory, for validating the load (None: not usable for that)
        self.copy: LoadedCopy | None = None
        #: distinct triples of the file (None: not parsed whole)
        self.triples: int | None = None
        #: the inferred graph's write, still running when ``write`` returns (``wait_written``)
        self.writer: _Writer | None = None
        self._derived: list[Fact] = []
        self._had_old = False
        #: set once the inferred graph's difference is known (or the thread gave up): ``write``
        #: may start while the thread screens the load's focus nodes
        self.difference_known = threading.Event()

    def _parse(self) -> Facts | None:
        if self.path.stat().st_size > MEMORY_COPY_BYTES:
            return super()._parse()
        parsed = parse_file(self.path, self.fmt, self.base_iri)
        if parsed is None:
            return None  # RDF-star: not worth the care, read it back
        self.triples = parsed.triples
        if self.shape_facts is not None:
            self.copy = copy_of(parsed, self.shape_facts)
        facts = Facts()
        facts.take(parsed.index, self.predicates)
        return facts

    def _run(self) -> None:
        try:
            self._infer()
        finally:
            self.difference_known.set()

    def _infer(self) -> None:
        with no_gc():
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
            del base
            added, removed, self._had_old = _difference(raw, self.inferred, derived)
            self.changes.append((added, removed))
            self._derived = derived
            self.size = len(derived)
            try:  # beside the data's bulk load: both release the GIL, and on two cores
                self._start_writer()  # they do not slow each other down
            except Exception:  # noqa: BLE001 - the load then recomputes the inferences
                self.size, self.copy = None, None
                return
            self.difference_known.set()
            if self.copy is not None:
                self.copy.add(derived)
                if self.screen is not None:
                    try:
                        self.screen(self)
                    except Exception:  # noqa: BLE001, S110 - validate_load screens it again
                        pass

    def write(self) -> None:
        """Waits until the inferred graph's difference is known: its write has then started,
        in a background thread (``wait_written`` joins it), unless the thread gave up."""
        self.difference_known.wait()

    def _start_writer(self) -> None:
        """Starts storing the inferred graph's difference in a background thread, from the
        speculation's thread as soon as it is known, while the data may still be loading."""
        self.wrote = True
        added, removed = self.changes[-1]
        self.writer = _write_difference(
            self.store, self.inferred, self._derived, added, removed, self._had_old, True
        )
        self._derived = []

    def wait_written(self) -> None:
        """Waits for the inferred graph's background write (re-raising its error)."""
        if self.writer is not None:
            self.writer.wait()


def _read_graph(raw: ox.Store, graph: str, predicates: set[ox.NamedNode], into: Facts) -> None:
    g = ox.NamedNode(graph)
    for p in predicates:
        into.extend((q.subject, p, q.object) for q in raw.quads_for_pattern(None, p, None, g))


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
                    found = parsed.facts.by_s.get(p, {})
                    base.extend((s, p, o) for s, objects in found.items() for o in objects)
            else:
                del usable[graph]
                return None, predicates
        wanted = relevant_predicates(rules, base.match)
    return base, predicates


#: one write of the inferred graph: the triples it added and removed
InferredChange = tuple[list[Fact], set[Fact]]


class _Writer(threading.Thread):
    """A bulk write of the inferred graph's additions, from N-Triples text: the engine parses
    and stores it without the GIL, so the caller's Python (validating the load) runs beside it
    on the second core, where ``bulk_extend`` would hold the GIL to pull every quad."""

    def __init__(self, store: OxigraphStore, target: ox.NamedNode, added: list[Fact]) -> None:
        super().__init__(name="kg-infer-write", daemon=True)
        self.store, self.target = store, target
        self.data = "".join([f"{s} {p} {o} .\n" for s, p, o in added]).encode()
        self.removed: set[Fact] = set()
        self.error: BaseException | None = None
        # a crash mid-write leaves this mark: the next open drops the inferred graph and has it
        # recomputed (``OxigraphStore._drop_leftover_staging``), as for a half-loaded graph
        self.marker = ox.NamedNode(STAGING_PREFIX + "loading-" + uuid.uuid4().hex)
        raw = store._store  # noqa: SLF001 - our own backend
        raw.add(ox.Quad(self.marker, ox.NamedNode(LOADING_MARK), target, self.marker))

    def run(self) -> None:
        raw = self.store._store  # noqa: SLF001 - our own backend
        try:
            raw.bulk_load(self.data, ox.RdfFormat.N_TRIPLES, to_graph=self.target)
            for s, p, o in self.removed:
                raw.remove(ox.Quad(s, p, o, self.target))
        except BaseException as err:  # noqa: BLE001 - re-raised by wait()
            self.error = err
        finally:
            self.data = b""
            raw.remove_graph(self.marker)
            self.store._bump()  # noqa: SLF001

    def wait(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


def _difference(
    raw: ox.Store, inferred: str, derived: list[Fact]
) -> tuple[list[Fact], set[Fact], bool]:
    """What writing ``derived`` (no repeats) as the inferred graph adds and removes, and whether
    the graph had content."""
    target = ox.NamedNode(inferred)
    old = {
        (q.subject, q.predicate, q.object) for q in raw.quads_for_pattern(None, None, None, target)
    }
    if not old:
        return derived, set(), False
    # one pass over ``derived`` (~150 k tuples at 10x, each hashed term by term) instead of
    # two (the added ones, then a set of all for the removed ones)
    added: list[Fact] = []
    kept: set[Fact] = set()
    for t in derived:
        if t in old:
            kept.add(t)
        else:
            added.append(t)
    return added, old - kept, True


def _write_inferred(
    store: OxigraphStore,
    inferred: str,
    derived: list[Fact],
    changes: list[InferredChange] | None = None,
    background: bool = False,
) -> _Writer | None:
    """Writes the difference between ``derived`` (no repeats) and the inferred graph (and
    appends it to ``changes``). ``background``: a big write runs in a thread, returned (its
    ``wait`` joins it and re-raises what it met)."""
    raw = store._store  # noqa: SLF001 - our own backend
    added, removed, had_old = _difference(raw, inferred, derived)
    if changes is not None:
        changes.append((added, removed))
    return _write_difference(store, inferred, derived, added, removed, had_old, background)


def _write_difference(
    store: OxigraphStore,
    inferred: str,
    derived: list[Fact],
    added: list[Fact],
    removed: set[Fact],
    had_old: bool,
    background: bool,
) -> _Writer | None:
    raw = store._store  # noqa: SLF001 - our own backend
    target = ox.NamedNode(inferred)
    if not derived:  # no inferences: no inferred graph, as after the SPARQL path's swap
        if raw.contains_named_graph(target):
            raw.remove_graph(target)
            store._bump()  # noqa: SLF001
        return None
    if not added and not removed:
        return None
    if background and store.path is not None:
        # a load's inferences: written like its data (bulk, under a loading mark), not as one
        # transaction (~10^4 triples/s on disk, and the load is not one transaction anyway)
        writer = _Writer(store, target, added)
        writer.removed = removed
        writer.start()
        return writer
    if store.path is None or not had_old or len(added) + len(removed) > ATOMIC_LIMIT:
        raw.bulk_extend(ox.Quad(s, p, o, target) for s, p, o in added)
        for s, p, o in removed:
            raw.remove(ox.Quad(s, p, o, target))
        store._bump()  # noqa: SLF001
        return None
    ops = []
    if removed:
        ops.append(_data_block("DELETE", inferred, removed))
    if added:
        ops.append(_data_block("INSERT", inferred, added))
    store.update(" ;\n".join(ops))
    return None
