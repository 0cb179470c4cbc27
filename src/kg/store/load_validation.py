"""Validating a load of any size: store it, check the nodes it can affect, undo it if it breaks.

Trying a load on an in-memory copy of the store (and pyshacl on all of it) costs memory and time
that grow with the store, so big loads used to skip validation. Instead the files are stored as
usual (bulk loader, native inference), then only the focus nodes the load can affect are
checked with the compiled shapes (``kg.store.shacl_core``): the subjects and objects of the loaded
triples, of the triples a replaced graph lost and of the inferred graph's change, plus the
nodes whose shapes reach those through their paths (``kg.store.shacl_scope``). The triples are read
back from the store as a stream, graph by graph, and focus nodes are checked in batches, so
memory stays bounded by the nodes, not the triples.

If anything is violated — or anything fails on the way — the load is undone: graphs that were
new are dropped, replaced graphs get their previous content back (saved to a temporary file
before they were replaced), and the inferences are recomputed. Readers may see the new data
while the load runs (as with any bulk load); the store ends as it was.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store import inference, load_focus, shacl_core, shacl_scope
from kg.store.embedded import OxigraphStore
from kg.store.overlay import Fact, TripleView, visible_graphs
from kg.store.validation import Violation

#: Focus nodes checked per batch (and between progress reports).
BATCH = 5_000
#: Stop collecting after this many violations: the file needs fixing either way.
MAX_VIOLATIONS = 1_000
#: The other graphs are read whole for screening a load when they hold at most this many
#: quads, or ``OTHERS_PER_SUBJECT`` per subject of the file (``load_focus.OtherGraphs``);
#: else each node is looked up on disk.
OTHERS_READ_WHOLE = 200_000
OTHERS_PER_SUBJECT = 8


@dataclass
class Undo:
    """How to put the store back as it was before a load."""

    store: OxigraphStore
    rules: list[Path]
    new_graphs: list[str] = field(default_factory=list)
    saved: dict[str, Path] = field(default_factory=dict)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kg-load-")))

    def before_load(self, graph: str) -> None:
        """Remember the graph's current content (or that it did not exist)."""
        raw = self.store._store  # noqa: SLF001 - our own backend
        node = ox.NamedNode(graph)
        if graph in self.saved or graph in self.new_graphs:
            return
        if not raw.contains_named_graph(node):
            self.new_graphs.append(graph)
            return
        path = self.folder / f"{len(self.saved)}.nt"
        raw.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=node)
        self.saved[graph] = path

    def run(self) -> None:
        """Drop what the load wrote, restore what it replaced, recompute the inferences."""
        raw = self.store._store  # noqa: SLF001
        for graph in [*self.new_graphs, *self.saved]:
            raw.remove_graph(ox.NamedNode(graph))
        for graph, path in self.saved.items():  # parsed, not loaded: blank nodes keep their ids
            node = ox.NamedNode(graph)
            quads = ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            raw.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, node) for q in quads)
        self.store._bump()  # noqa: SLF001
        inference.materialise(self.store, self.rules)
        self.store.flush()

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _graph_facts(raw: ox.Store, graph: str) -> Iterator[Fact]:
    for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        yield q.subject, q.predicate, q.object


def _file_facts(path: Path) -> Iterator[Fact]:
    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
        yield q.subject, q.predicate, q.object


def changes_of_load(
    store: OxigraphStore, undo: Undo, inferred: list[inference.InferredChange]
) -> Iterator[Fact]:
    """Every triple the load may have added or removed (a superset): the loaded graphs' triples,
    the replaced graphs' old triples, the inferred graph's difference."""
    raw = store._store  # noqa: SLF001
    for graph in [*undo.new_graphs, *undo.saved]:
        yield from _graph_facts(raw, graph)
    for path in undo.saved.values():
        yield from _file_facts(path)
    for added, removed in inferred:
        yield from added
        yield from removed


def validate_load(
    store: OxigraphStore,
    compiled: shacl_core.Compiled,
    scope: shacl_scope.ShapeScope,
    undo: Undo,
    inferred: list[inference.InferredChange] | None,
    progress: Callable[[int, int], None] | None = None,
    collected: tuple[str, load_focus.LoadedCopy] | None = None,
    wait: Callable[[], None] = lambda: None,
) -> list[Violation]:
    """The violations on the focus nodes the load can affect (all focus nodes when the
    inferred graph's change is unknown or the class hierarchy changed). ``collected``: a lone
    new graph and its in-memory copy; its focus nodes then come from that and the inferred
    change, not from reading the graph back (``kg.store.load_focus``), and are screened on
    the copy while ``wait`` (the inferred graph's write) is still running."""
    raw = store._store  # noqa: SLF001
    view = TripleView(raw, visible_graphs)
    data = shacl_core.Data(view.match, raw)  # after the load no staging graph is left
    focus: list[object]
    fast = (
        collected is not None
        and inferred is not None
        and not scope.whole
        and _only_new(undo, collected[0], inferred)
    )
    if not fast:
        wait()  # everything below reads the store, the inferred graph included
    if inferred is None or scope.whole:
        focus = list(compiled.focus_nodes(data))
    elif fast and collected is not None:
        graph, copy = collected
        if not copy.screened:  # the load's thread did not get to it
            screen_new_graph(store, compiled, scope, graph, copy, inferred)
        wait()  # the exact checks below read the inferred graph on disk
        # None: a class moved, every instance's targets may have changed
        found = copy.suspects
        focus = list(compiled.focus_nodes(data)) if found is None else found
    else:
        hierarchy = False

        def watched() -> Iterator[Fact]:
            nonlocal hierarchy
            for fact in changes_of_load(store, undo, inferred):
                hierarchy = hierarchy or fact[1] == shacl_scope.SUBCLASS
                yield fact

        focus = list(shacl_scope.affected_nodes(scope, view, watched()))
        if hierarchy:  # a class moved: every instance's targets may have changed
            focus = list(compiled.focus_nodes(data))
    found: list[Violation] = []
    for start in range(0, len(focus), BATCH):
        batch = focus[start : start + BATCH]
        # no data.forget() between batches: neighbours (places, sources) are shared by many
        # batches, and Data bounds its cache itself (Data.CACHE nodes)
        found.extend(v for v in compiled.validate(data, batch) if v.severity == "Violation")
        if progress is not None:
            progress(min(start + BATCH, len(focus)), len(focus))
        if len(found) >= MAX_VIOLATIONS:
            break
    return found


def _only_new(undo: Undo, graph: str, inferred: list[inference.InferredChange]) -> bool:
    return undo.new_graphs == [graph] and not undo.saved


def _focus_of_new_graph(
    scope: shacl_scope.ShapeScope,
    others: load_focus.OtherGraphs,
    copy: load_focus.LoadedCopy,
    inferred: list[inference.InferredChange],
) -> list[Any] | None:
    """The loaded graph's IRIs, the inferred change's nodes, and the nodes of other graphs
    that reach a changed one (None: the class hierarchy changed)."""
    focus: set[Any] = set(copy.nodes)
    dirty = {node: set(preds) for node, preds in copy.dirty.items()}
    walk = {p for reads in scope.reads_via.values() for p in reads}
    kinds: dict[Any, int] = {}  # predicate -> 2: subclass, 1: a path reads it, 0: neither
    named, blank = ox.NamedNode, ox.BlankNode
    last: Any = None
    kind = 0
    for change in inferred:
        for triples in change:  # added, removed: ~150 k triples at 10x, a few predicates
            for s, p, o in triples:
                if p is not last:  # the closure gives runs of one predicate object
                    last = p
                    kind = kinds.get(p, -1)
                    if kind < 0:
                        kind = kinds[p] = 2 if p == shacl_scope.SUBCLASS else int(p in walk)
                if kind == 2:
                    return None
                focus.add(s)
                if type(o) is named or type(o) is blank:
                    focus.add(o)
                if kind:
                    dirty.setdefault(s, set()).add(p)
    focus |= load_focus.walk_back(scope, others, dirty)
    return list(focus)


def screen_new_graph(
    store: OxigraphStore,
    compiled: shacl_core.Compiled,
    scope: shacl_scope.ShapeScope,
    graph: str,
    copy: load_focus.LoadedCopy,
    inferred: list[inference.InferredChange],
) -> None:
    """Finds the focus nodes of a load of one new graph and screens them on its in-memory copy
    (``kg.store.load_focus``), setting ``copy.suspects``: the nodes that fail there (None: the
    class hierarchy changed, every focus node must be checked). Runs in the load's thread,
    while the bulk loader stores the file; only the suspects are validated on disk after."""
    raw = store._store  # noqa: SLF001
    limit = max(OTHERS_READ_WHOLE, len(copy.index) * OTHERS_PER_SUBJECT)
    others = load_focus.OtherGraphs(raw, graph, store.config.inferred_graph, scope.reads_via, limit)
    found = _focus_of_new_graph(scope, others, copy, inferred)
    if found is not None:
        load_focus.complete(copy, others)
        data = shacl_core.Data(TripleView(raw, visible_graphs).match, raw)
        found = load_focus.screen(compiled, data, copy, found)
    copy.suspects = found
    copy.screened = True
