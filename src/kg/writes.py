"""Validated, atomic writes to a live store: SPARQL Update and Graph Store Protocol operations.

Every write is expressed as one SPARQL update (pyoxigraph runs an update as one transaction) and
goes through the same steps, one write at a time:

1. if SHACL shapes exist: copy the store (minus the inferred graph) into memory, apply the
   update there, recompute the inferences and validate the result; violations → ``WriteRejected``
   and the real store is never touched;
2. apply the update to the real store (atomic: a syntax or evaluation error changes nothing);
3. recompute the inferred graph (``kg.inference.materialise``) and flush, so the read-only query
   workers (``kg.executor``) and a crash-restart see the write. Each store update bumps the
   store version, so the traversal projection and VoID counts follow.

Functions such as ``NOW()``, ``UUID()`` or ``BNODE()`` are evaluated once on the candidate and
once on the store, so they may differ between what was validated and what was committed.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import replace

import pyoxigraph as ox

from . import inference, validation
from .loading import ValidationFailed
from .store import QUAD_FORMATS, GraphStore, LoadError, OxigraphStore, describe_syntax_error

#: ``None`` stands for the store's default graph (the Graph Store Protocol's ``?default``).
Graph = str | None


class WriteRejected(ValidationFailed):
    """The write would break SHACL shapes; nothing was changed."""


class Writer:
    """Serialises writes on one store; validates each against the shapes before committing."""

    def __init__(self, store: GraphStore, on_commit: Callable[[], object] | None = None) -> None:
        self.store = store
        self.on_commit = on_commit
        self.config = store.config
        self.lock = threading.Lock()
        self._shapes = validation.shapes_graph(self.config.data_dirs, self.config.base_iri)
        self._rules = inference.rule_files(self.config.data_dirs)

    # -- primitives ---------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Validate then commit one SPARQL update (raises QueryError, WriteRejected)."""
        with self.lock:
            if len(self._shapes):
                candidate = self._candidate()
                candidate.update(sparql)
                self._validate(candidate)
            self.store.update(sparql)
            self._after_commit()

    def _candidate(self) -> OxigraphStore:
        candidate = OxigraphStore(replace(self.config, store=":memory:"))
        buffer = io.BytesIO()
        self.store.dump(buffer, ox.RdfFormat.N_QUADS)
        raw = candidate._store  # noqa: SLF001 - our own backend, bulk-filled in memory
        raw.load(buffer.getvalue(), ox.RdfFormat.N_QUADS)
        raw.remove_graph(ox.NamedNode(self.config.inferred_graph))
        return candidate

    def _validate(self, candidate: OxigraphStore) -> None:
        inference.materialise(candidate, self._rules)
        violations = [
            v
            for v in validation.validate(validation.store_as_rdflib(candidate), self._shapes)
            if v.severity == "Violation"
        ]
        if violations:
            raise WriteRejected(violations)

    def _after_commit(self) -> None:
        inference.materialise(self.store, self._rules)
        flush = getattr(self.store, "flush", None)
        if flush is not None:
            flush()
        if self.on_commit is not None:
            self.on_commit()  # e.g. publish a checkpoint for the query workers

    # -- Graph Store Protocol ------------------------------------------------------------------
    def graph_exists(self, graph: Graph) -> bool:
        if graph is None:
            return True
        return graph in self.store.named_graphs()

    def triples(self, graph: Graph) -> list[ox.Triple]:
        target = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        raw = getattr(self.store, "_store", None)
        if raw is not None:
            quads = raw.quads_for_pattern(None, None, None, target)
            return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        where = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        return list(self.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where}"))

    def parse_body(self, data: bytes, fmt: ox.RdfFormat, graph: Graph) -> str:
        """The body as the triples block of an INSERT DATA (raises LoadError)."""
        if fmt in QUAD_FORMATS:
            raise LoadError("a graph body must be a triples format (Turtle, N-Triples, …)")
        base = graph or self.config.base_iri
        try:
            triples = [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(data, format=fmt, base_iri=base)
            ]
        except SyntaxError as err:
            raise LoadError(describe_syntax_error("request body", err)) from None
        except ValueError as err:
            raise LoadError(f"request body: {err}") from None
        return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)

    @staticmethod
    def _graph_ref(graph: Graph) -> str:
        return "DEFAULT" if graph is None else f"GRAPH <{graph}>"

    @staticmethod
    def _insert(graph: Graph, body: str) -> str:
        if not body:
            return ""
        block = body if graph is None else f"GRAPH <{graph}> {{\n{body}\n}}"
        return f"INSERT DATA {{\n{block}\n}}"

    def put(self, graph: Graph, data: bytes, fmt: ox.RdfFormat) -> bool:
        """Replace the graph; True if it did not exist before."""
        body = self.parse_body(data, fmt, graph)
        created = not self.graph_exists(graph)
        ops = [f"CLEAR SILENT {self._graph_ref(graph)}", self._insert(graph, body)]
        self.update(" ;\n".join(op for op in ops if op))
        return created

    def post(self, graph: Graph, data: bytes, fmt: ox.RdfFormat) -> bool:
        """Merge into the graph; True if it did not exist before."""
        body = self.parse_body(data, fmt, graph)
        created = not self.graph_exists(graph)
        if body:
            self.update(self._insert(graph, body))
        return created

    def delete(self, graph: Graph) -> None:
        self.update(
            f"CLEAR SILENT {self._graph_ref(graph)}"
            if graph is None
            else f"DROP SILENT GRAPH <{graph}>"
        )
