"""Getting files into the store safely: parse, validate, then commit file by file, then infer.

The order matters: everything that can fail because of the *data* (syntax, SHACL shapes) is
checked on an in-memory candidate before the persistent store is touched, so a bad batch leaves
the store exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.config import Config
from kg.store import (
    inference,
    load_focus,
    load_validation,
    shacl_core,
    shacl_scope,
    validation,
)
from kg.store.base import (
    QUAD_FORMATS,
    GraphStore,
    Progress,
    StoreError,
    iter_rdf_files,
    rdf_format_for,
)
from kg.store.embedded import BULK_THRESHOLD_BYTES, OxigraphStore
from kg.store.load_parse import no_gc

#: Kept for callers that print it; validation no longer depends on the size of a load (the
#: compiled shapes check the focus nodes a load can affect, ``kg.store.load_validation``).
VALIDATE_AUTO_LIMIT_BYTES = 2 * 1024 * 1024

#: A lone big file gets its inferences computed and written in a thread while the bulk loader
#: stores it (``inference.Speculation``), instead of after it.
SPECULATE = True


class ValidationFailed(StoreError):
    """The data breaks SHACL shapes; nothing was written."""

    def __init__(self, violations: list[validation.Violation]) -> None:
        self.violations = violations
        shown = "\n  ".join(str(v) for v in violations[:20])
        more = f"\n  … and {len(violations) - 20} more" if len(violations) > 20 else ""
        super().__init__(
            f"{len(violations)} SHACL violation(s); nothing was loaded:\n  {shown}{more}"
        )


@dataclass
class FileLoad:
    path: Path
    graphs: list[str]
    triples: int
    seconds: float


@dataclass
class LoadReport:
    files: list[FileLoad] = field(default_factory=list)
    inferred: int = 0
    seconds: float = 0.0
    validated: bool = False
    #: the inferred graph's difference (None: unknown), for validating the load
    inferred_changes: list[inference.InferredChange] | None = None
    #: waits for the inferred graph's background write (re-raising its error)
    wait_inferred: Callable[[], None] = field(default=lambda: None, repr=False)
    #: the loaded graph and its in-memory copy (``kg.store.load_focus``)
    collected: tuple[str, load_focus.LoadedCopy] | None = None

    @property
    def triples(self) -> int:
        return sum(f.triples for f in self.files)


def graph_name_for(config: Config, file: Path, root: Path) -> str:
    """Stable graph IRI from the file's path, relative to the project when the file is in it."""
    data_root = config.data_dirs[0].parent if config.data_dirs else root
    for anchor in (data_root, root):
        try:
            return config.graph_iri_for(str(file.resolve().relative_to(anchor.resolve())))
        except ValueError:
            continue
    return config.graph_iri_for(file.name)


def load_files(
    store: GraphStore,
    paths: list[Path],
    *,
    validate: bool | None = None,
    progress: Progress | None = None,
    on_file: Callable[[FileLoad], None] | None = None,
) -> LoadReport:
    """Load files/folders, SHACL-validated unless ``validate=False`` (``None`` means yes).

    On an embedded store with shapes the compiled checks understand, the files are stored, the
    focus nodes they can affect are checked, and a violation (or any error) undoes the whole
    batch (``kg.store.load_validation``). Otherwise the batch is first tried on an in-memory
    copy. Python's cycle collector pauses meanwhile (``load_parse.no_gc``)."""
    with no_gc():
        return _load_files(store, paths, validate, progress, on_file)


def _load_files(
    store: GraphStore,
    paths: list[Path],
    validate: bool | None,
    progress: Progress | None,
    on_file: Callable[[FileLoad], None] | None,
) -> LoadReport:
    started = time.perf_counter()
    files = iter_rdf_files(paths)
    if not files:
        raise StoreError("nothing to load: no RDF files in " + ", ".join(map(str, paths)))
    plan = [
        (file, graph_name_for(store.config, file, root), rdf_format_for(file))
        for file, root in files
    ]
    if validate is None:
        validate = True
    rules = inference.rule_files(store.config.data_dirs)
    checks = _compiled_checks(store, plan) if validate else None
    if validate and checks is None:
        _check_candidate(store, plan, rules)
    undo = load_validation.Undo(store, rules) if checks is not None else None  # type: ignore[arg-type]
    facts = None
    screen: Callable[[inference.Speculation], None] | None = None
    if checks is not None:
        raw = store._store  # type: ignore[attr-defined] # noqa: SLF001 - our own backend
        facts = load_focus.shape_facts(raw, checks[2], checks[1])
        compiled_shapes, scope = checks[0], checks[1]

        def screen(spec: inference.Speculation) -> None:  # in the load's thread
            only_new = undo is not None and undo.new_graphs == [plan[0][1]] and not undo.saved
            if spec.copy is not None and only_new and not scope.whole:
                load_validation.screen_new_graph(
                    store,  # type: ignore[arg-type]
                    compiled_shapes,
                    scope,
                    plan[0][1],
                    spec.copy,
                    spec.changes,
                )

    report = LoadReport()
    try:
        _load(store, plan, rules, progress, on_file, undo, facts, report, screen)
        try:
            if undo is not None and checks is not None:
                compiled, scope, _shapes = checks
                violations = load_validation.validate_load(
                    store,  # type: ignore[arg-type]
                    compiled,
                    scope,
                    undo,
                    report.inferred_changes,
                    collected=report.collected,
                    wait=report.wait_inferred,
                )
                if violations:
                    raise ValidationFailed(violations)
        finally:
            report.wait_inferred()  # before the store is used, or undone
    except BaseException:
        _quietly(report.wait_inferred)  # a background write ends before anything else
        if undo is not None:
            undo.run()
        raise
    finally:
        if undo is not None:
            undo.close()
    report.validated = validate
    report.seconds = time.perf_counter() - started
    return report


def _compiled_checks(
    store: GraphStore, plan: list[tuple[Path, str, ox.RdfFormat]]
) -> tuple[shacl_core.Compiled, shacl_scope.ShapeScope, rdflib.Graph] | None:
    """The compiled shapes, when a load can be validated after storing it (embedded store,
    triple formats: each file names its one graph, so it can be undone)."""
    if not isinstance(store, OxigraphStore) or any(fmt in QUAD_FORMATS for _, _, fmt in plan):
        return None
    shapes = validation.shapes_graph(store.config.data_dirs, store.config.base_iri)
    compiled = shacl_core.compile_shapes(shapes)
    if compiled is None:
        return None
    return compiled, shacl_scope.scope_of(shapes), shapes


def _load(
    store: GraphStore,
    plan: list[tuple[Path, str, ox.RdfFormat]],
    rules: list[Path],
    progress: Progress | None,
    on_file: Callable[[FileLoad], None] | None,
    undo: load_validation.Undo | None,
    shape_facts: load_focus.ShapeFacts | None = None,
    report: LoadReport | None = None,
    screen: Callable[[inference.Speculation], None] | None = None,
) -> LoadReport:
    """Store the files and their inferences (``undo`` hears about each graph first). With
    ``shape_facts``, a lone big file's in-memory copy is kept for validating it."""

    report = LoadReport() if report is None else report
    compiled = _native_rules(store, rules)
    big = [
        fmt not in QUAD_FORMATS and file.stat().st_size >= BULK_THRESHOLD_BYTES
        for file, _, fmt in plan
    ]
    # one big file: its inferences are computed and written while it loads; several: the rules'
    # triples of each big file are parsed while it loads, and inference runs at the end
    speculate = SPECULATE and compiled is not None and len(plan) == 1 and big[0]
    keep = None
    if compiled is not None and any(big) and not speculate:
        keep = inference.parse_filter(store, compiled)  # type: ignore[arg-type]
    known: dict[str, inference.ParsedFacts] = {}
    speculation: inference.Speculation | None = None
    for (file, graph, fmt), is_big in zip(plan, big, strict=True):
        t0 = time.perf_counter()
        parsed: inference.ParsedFacts | None = None
        if speculate and compiled is not None:
            parsed = speculation = inference.Speculation(
                store,  # type: ignore[arg-type]
                compiled,
                file,
                fmt,
                graph,
                shape_facts,
                screen,
            )
            # the inferred graph may be written after the thread ends: readers wait for it
            report.wait_inferred = speculation.wait_written
        elif keep is not None and is_big:
            parsed = inference.ParsedFacts(file, fmt, store.config.base_iri, keep)
        if undo is not None:
            undo.before_load(graph)
        if parsed is not None:
            parsed.start()
        try:
            graphs = store.replace_graph(graph, file, fmt, source_name=str(file), progress=progress)
        except BaseException:
            if parsed is not None:
                parsed.join()
            if speculation is not None and speculation.wrote:
                _quietly(speculation.wait_written)
                inference.materialise(store, rules)  # inferences of data that never arrived
            raise
        try:
            if speculation is not None:  # the inferred graph's write has started (beside
                speculation.write()  # the data's), while the thread screens the focus nodes
        finally:
            if parsed is not None:
                parsed.join()
        for g in graphs:
            known.pop(g, None)
        if parsed is not None and parsed is not speculation:
            known[graph] = parsed
        if speculation is not None and speculation.triples is not None and graphs == [graph]:
            triples = speculation.triples  # the parse's distinct triples: no count on disk
        else:
            triples = sum(store.triple_count(g) for g in graphs)
        done = FileLoad(file, graphs, triples, time.perf_counter() - t0)
        report.files.append(done)
        if on_file:
            on_file(done)
    changes: list[inference.InferredChange] = []
    if speculation is not None and speculation.size is not None:
        report.inferred = speculation.size
        changes = speculation.changes
        if speculation.copy is not None:
            report.collected = (plan[0][1], speculation.copy)
    else:
        if speculation is not None:
            _quietly(speculation.wait_written)
        report.inferred = inference.materialise(store, rules, known=known, changes=changes)
    report.inferred_changes = changes if changes else None
    _inference_done(store)
    return report


def _quietly(wait: Callable[[], None]) -> None:
    """Lets a background write of the inferred graph end, on the way out of a failed load (its
    own error does not matter: the inferences are recomputed next)."""
    try:
        wait()
    except Exception:  # noqa: BLE001, S110 - superseded by the recomputation that follows
        pass


def _inference_done(store: GraphStore) -> None:
    """Clear a remote engine's "inference pending" mark (``kg.store.remote_store``), set by the
    update that swapped the data in; the embedded store has no such mark (its loads recover
    through staging graphs)."""
    done = getattr(store, "inference_done", None)
    if done is not None:
        done()


def repair_inference(store: GraphStore) -> int | None:
    """Recompute the inferred graph when a load stopped between swapping its data in and
    recomputing inferences (a remote engine's timeout, a crash): the data and the inferred
    graph then match again, as if the load had finished. Returns the inferred size, or
    ``None`` when nothing was pending."""
    pending = getattr(store, "inference_pending", None)
    if pending is None or not pending():
        return None
    size = inference.materialise(store, inference.rule_files(store.config.data_dirs))
    _inference_done(store)
    return size


def _native_rules(store: GraphStore, rules: list[Path]) -> list[inference.Rule] | None:
    """The rules in the native engine's form, or None when inference will not use it (a
    remote store, rules it does not know)."""
    if not isinstance(store, OxigraphStore):
        return None
    texts = [(rule, rule.read_text(encoding="utf-8")) for rule in rules]
    return inference.compile_rules(texts, store) if texts else None


def _check_candidate(
    store: GraphStore, plan: list[tuple[Path, str, ox.RdfFormat]], rules: list[Path]
) -> None:
    """Build what the store would hold after the load, in memory, and validate it."""
    candidate = OxigraphStore(replace(store.config, store=":memory:"))
    replaced = {graph for _, graph, _ in plan} | {store.config.inferred_graph}
    keep = [g for g in store.named_graphs() if g not in replaced]
    if keep:
        quads = store.query(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graphs=keep, named_graphs=[]
        )
        data = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
        candidate.replace_graph(store.config.base_iri + "graph/_kept", data, ox.RdfFormat.N_TRIPLES)
    for file, graph, fmt in plan:
        candidate.replace_graph(graph, file, fmt, source_name=str(file))
    inference.materialise(candidate, rules)
    shapes = validation.shapes_graph(store.config.data_dirs, store.config.base_iri)
    violations = [
        v
        for v in validation.validate(validation.store_as_rdflib(candidate), shapes)
        if v.severity == "Violation"
    ]
    if violations:
        raise ValidationFailed(violations)


def load_bundled(store: GraphStore, **kwargs: object) -> LoadReport:
    dirs = [d for d in store.config.data_dirs if d.exists()]
    if not dirs:
        raise StoreError(
            "the bundled ontology/ and graph_data/ folders were not found; set KG_DATA_ROOT"
        )
    return load_files(store, dirs, **kwargs)  # type: ignore[arg-type]


def ensure_loaded(store: GraphStore) -> LoadReport | None:
    """First start on an empty store: load the bundled graph so a newcomer gets data at once.
    Later starts finish what a stopped remote load left undone (``repair_inference``)."""
    if store.named_graphs():
        repair_inference(store)
        return None
    return load_bundled(store)
