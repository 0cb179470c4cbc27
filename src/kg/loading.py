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

from . import inference, validation
from .config import Config
from .store import (
    GraphStore,
    OxigraphStore,
    Progress,
    StoreError,
    iter_rdf_files,
    rdf_format_for,
)

#: Above this much new data, whole-graph SHACL validation (pyshacl, in Python) is skipped unless
#: asked for; syntax is still checked atomically and ``kg validate`` can be run afterwards.
VALIDATE_AUTO_LIMIT_BYTES = 32 * 1024 * 1024


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
    """Load files/folders; ``validate=None`` means validate unless the batch is very large."""
    started = time.perf_counter()
    files = iter_rdf_files(paths)
    if not files:
        raise StoreError("nothing to load: no RDF files in " + ", ".join(map(str, paths)))
    plan = [
        (file, graph_name_for(store.config, file, root), rdf_format_for(file))
        for file, root in files
    ]
    total = sum(f.stat().st_size for f, _, _ in plan)
    if validate is None:
        validate = total <= VALIDATE_AUTO_LIMIT_BYTES
    rules = inference.rule_files(store.config.data_dirs)
    if validate:
        _check_candidate(store, plan, rules)

    report = LoadReport(validated=validate)
    for file, graph, fmt in plan:
        t0 = time.perf_counter()
        graphs = store.replace_graph(graph, file, fmt, source_name=str(file), progress=progress)
        triples = sum(store.triple_count(g) for g in graphs)
        done = FileLoad(file, graphs, triples, time.perf_counter() - t0)
        report.files.append(done)
        if on_file:
            on_file(done)
    report.inferred = inference.materialise(store, rules)
    report.seconds = time.perf_counter() - started
    return report


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
    """First start on an empty store: load the bundled graph so a newcomer gets data at once."""
    if store.named_graphs():
        return None
    return load_bundled(store)
