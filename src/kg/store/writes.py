"""Validated, atomic writes to a live store: SPARQL Update and Graph Store Protocol operations.

Every write goes through the same steps, one write at a time:

1. work out its delta — the quads it adds and removes (``kg.store.delta``: data blocks parsed, a
   ``WHERE`` evaluated on the live store, a replaced graph diffed);
2. from the delta, the inferred graph's change (``kg.store.incremental``: semi-naive for inserts,
   delete-and-rederive for deletes) and the SHACL verdict on the focus nodes the write can
   affect (``kg.store.shacl_scope``), read through a view of the store as the write would leave it
   (``kg.store.write_plan``); violations → ``WriteRejected`` and the store is never touched;
3. commit the write and the inferred graph's change as one SPARQL update (one transaction,
   durable through RocksDB's write-ahead log once it returns); it is flushed to disk in the
   background shortly after (``kg.store.flusher``: what ``kg backup`` from another process reads);
   the query workers' checkpoint is taken before the next query (``kg.web.executor``). The
   update bumps the store version, so the traversal projection and VoID counts follow.

Nothing in steps 1–2 copies the store: their cost follows the size of the write. A write whose
delta cannot be worked out that way (``LOAD``, ``CLEAR ALL``, rules the native engine does not
know, a remote store) is validated the old way: applied to an in-memory copy of the store, the
inferences recomputed and the whole copy validated, then committed and the inferences
recomputed on the store.

Observers (the traversal projection) hear when a write starts and when it ends, with a
``Change``: the store versions before and after, and the triples the write may have added or
removed (``None`` when that cannot be told cheaply). That is what lets the projection patch its
previous snapshot instead of re-reading millions of triples.

Functions such as ``NOW()``, ``UUID()`` or ``BNODE()`` are evaluated once when the delta is
worked out and once on the store, so they may differ between what was validated and what was
committed.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from kg.store import inference, shacl_core, shacl_scope, validation, write_plan
from kg.store.base import QUAD_FORMATS, GraphStore, LoadError, QueryError, describe_syntax_error
from kg.store.delta import Delta, PendingDelta, Unsupported, canonical, fresh_blank_nodes
from kg.store.delta_update import update_delta
from kg.store.embedded import OxigraphStore
from kg.store.loading import ValidationFailed
from kg.store.write_change import (
    CHANGE_LIMIT,
    Change,
    Touched,
    WriteObserver,
    _template_triples,
    _touched_by,
    _touched_facts,
    _Unknown,
)

#: ``None`` stands for the store's default graph (the Graph Store Protocol's ``?default``).
Graph = str | None


class WriteRejected(ValidationFailed):
    """The write would break SHACL shapes; nothing was changed."""


class Writer:
    """Serialises writes on one store; validates each against the shapes before committing."""

    def __init__(
        self,
        store: GraphStore,
        on_commit: Callable[[], object] | None = None,
        observers: Iterable[WriteObserver] = (),
    ) -> None:
        self.store = store
        self.on_commit = on_commit
        self.observers = list(observers)
        self.config = store.config
        self.lock = threading.Lock()
        self._shapes = validation.shapes_graph(self.config.data_dirs, self.config.base_iri)
        self._rules = inference.rule_files(self.config.data_dirs)
        self._native: list[inference.Rule] | None = None
        self._scope: shacl_scope.ShapeScope | None = None
        self._compiled: shacl_core.Compiled | None = None
        #: the class hierarchy the last validations read, until a write changes it
        self._schema = shacl_core.Schema()
        if isinstance(store, OxigraphStore):
            texts = [(rule, rule.read_text(encoding="utf-8")) for rule in self._rules]
            self._native = inference.compile_rules(texts, store) if texts else []
            self._scope = shacl_scope.scope_of(self._shapes)
            self._compiled = shacl_core.compile_shapes(self._shapes)
        #: writes committed through the delta path / through a copy (for tests and benchmarks)
        self.delta_writes = 0
        self.copy_writes = 0

    @property
    def fast(self) -> bool:
        """Whether writes are validated from their delta (else: on a copy, with pyshacl)."""
        return self._native is not None and (self._compiled is not None or not len(self._shapes))

    # -- primitives ---------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Validate then commit one SPARQL update (raises QueryError, WriteRejected)."""
        cfg = self.config

        def delta(raw: ox.Store) -> Delta:
            return update_delta(raw, sparql, cfg.base_iri, cfg.prefixes())

        self._commit(sparql, None, delta)

    def _commit(
        self,
        sparql: str,
        touched: Callable[[], list[Touched]] | None,
        delta: Callable[[ox.Store], Delta] | None = None,
    ) -> None:
        """``touched`` lists what the update touches (read before it runs); None: parse it.
        ``delta``: works out the write's quads (``Unsupported``: the update is tried on a copy)."""
        with self.lock:
            if delta is not None and self._native is not None:
                raw = self.store._store  # type: ignore[attr-defined] # noqa: SLF001
                try:
                    planned = write_plan.plan(
                        raw,
                        delta(raw),
                        self._native,
                        self.config.inferred_graph,
                        self._shapes,
                        self._scope,
                        self._compiled,
                        self._schema,
                    )
                except Unsupported:
                    _check_syntax(sparql, self.config.base_iri, self.config.prefixes())
                else:
                    if any(f[1] == shacl_scope.SUBCLASS for f in planned.changes):
                        self._schema = shacl_core.Schema()
                    self._commit_planned(sparql, planned)
                    return
            self._schema = shacl_core.Schema()  # anything may change
            self.copy_writes += 1
            if len(self._shapes):
                candidate = self._candidate()
                candidate.update(sparql)
                self._validate(candidate)
            found: tuple[Touched, ...] | None = None
            if self.observers:
                try:
                    found = tuple(touched() if touched else self._touched_by_update(sparql))
                except _Unknown:
                    found = None
            with self._observed(found):
                self.store.update(sparql)
                inference.materialise(self.store, self._rules)
                self._after_commit()

    def _commit_planned(self, sparql: str, planned: write_plan.Plan) -> None:
        """Commit a write whose delta was validated: its update and the inferred graph's change
        in one update (one transaction)."""
        if planned.violations:
            raise WriteRejected(planned.violations)
        text = sparql.rstrip()
        ops = planned.inferred_ops(self.config.inferred_graph)
        if ops:
            text = (text + "\n;\n" if text and not text.endswith(";") else text + "\n") + (
                " ;\n".join(ops)
            )
        found = tuple(_touched_facts(planned.changes)) if self.observers else None
        with self._observed(found):
            self.store.update(text)
            self.delta_writes += 1
            self._after_commit()

    @contextlib.contextmanager
    def _observed(self, found: tuple[Touched, ...] | None) -> Iterator[None]:
        """Tell the observers a write starts, and then what it changed (``None``: unknown, or
        the write failed, so they rebuild rather than patch)."""
        before = self.store.version
        for observer in self.observers:
            observer.write_started()
        done = False
        try:
            yield
            done = True
        finally:
            change = Change(before, self.store.version, found if done else None)
            for observer in self.observers:
                observer.write_finished(change)

    # -- what a write touches ------------------------------------------------------------------
    def _graph_triples(self, graph: Graph | str) -> list[Touched]:
        """The triples of a graph about to be cleared, replaced or copied (``DEFAULT``: the
        default graph); _Unknown if there are more than ``CHANGE_LIMIT``."""
        target = None if graph == "DEFAULT" else graph
        raw = getattr(self.store, "_store", None)
        if raw is not None:
            name = ox.DefaultGraph() if target is None else ox.NamedNode(target)
            quads = raw.quads_for_pattern(None, None, None, name)
            triples = [q.triple for _, q in zip(range(CHANGE_LIMIT + 1), quads, strict=False)]
        else:
            where = "{ ?s ?p ?o }" if target is None else f"{{ GRAPH <{target}> {{ ?s ?p ?o }} }}"
            result = self.store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {where} LIMIT {CHANGE_LIMIT + 1}"
            )
            triples = list(result)  # type: ignore[arg-type]
        if len(triples) > CHANGE_LIMIT:
            raise _Unknown
        return _touched_by(triples)

    def _subject_triples(self, subject: str) -> list[Touched]:
        """Every triple about ``subject`` now: what a delete template with a variable predicate
        can remove."""
        node = ox.BlankNode(subject[2:]) if subject.startswith("_:") else ox.NamedNode(subject)
        raw = getattr(self.store, "_store", None)
        if raw is not None:
            triples = [q.triple for q in raw.quads_for_pattern(node, None, None, None)]
        else:
            result = self.store.query(f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ {node} ?p ?o }}")
            triples = list(result)  # type: ignore[arg-type]
        return _touched_by(triples)

    def _touched_by_update(self, sparql: str) -> list[Touched]:
        """The triples a SPARQL update may add or remove, from its parse (rdflib's algebra):
        data blocks and templates whose subjects and predicates are fixed, and the contents of
        graphs it clears, drops or overwrites. Anything else: _Unknown."""
        if len(sparql) > 1_000_000:
            raise _Unknown  # parsing a huge update in Python would cost more than a rebuild
        from rdflib.plugins.sparql.algebra import translateUpdate
        from rdflib.plugins.sparql.parser import parseUpdate

        try:
            parsed = translateUpdate(
                parseUpdate(sparql), base=self.config.base_iri, initNs=self.config.prefixes()
            )
        except Exception:  # noqa: BLE001 - rdflib's grammar is not ours; the store decides
            raise _Unknown from None
        out: list[Touched] = []
        for op in parsed.algebra:
            name = op.name
            if name in ("InsertData", "DeleteData"):
                out.extend(_template_triples(op, None))
            elif name == "DeleteWhere":
                out.extend(_template_triples(op, self._subject_triples))
            elif name == "Modify":
                delete, insert = op.delete, op.insert  # None when absent (CompValue)
                if delete:
                    out.extend(_template_triples(delete, self._subject_triples))
                if insert:
                    out.extend(_template_triples(insert, None))
            elif name in ("Clear", "Drop"):
                out.extend(self._graph_triples(_graph_name(op.graphiri)))
            elif name in ("Add", "Move", "Copy"):
                for graph in op.graph:
                    out.extend(self._graph_triples(_graph_name(graph)))
            elif name != "Create":
                raise _Unknown  # LOAD, or something newer than this code
        return out

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
        """Let the rest of the service know of the committed write. It is already durable (a
        pyoxigraph update commits through RocksDB's write-ahead log, which survives the process
        being killed) and visible to stores opened afterwards (the query workers' checkpoints);
        only ``kg backup`` from another process needs it flushed to disk, which ``kg.store.flusher``
        does in the background within a fraction of a second (flushing before acknowledging
        cost nearly all of a small write's time)."""
        flush_soon = getattr(self.store, "flush_soon", None)
        if flush_soon is not None:
            flush_soon()
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

    def _parse_triples(self, data: bytes, fmt: ox.RdfFormat, graph: Graph) -> list[ox.Triple]:
        if fmt in QUAD_FORMATS:
            raise LoadError("a graph body must be a triples format (Turtle, N-Triples, …)")
        base = graph or self.config.base_iri
        try:
            return [
                ox.Triple(q.subject, q.predicate, q.object)
                for q in ox.parse(data, format=fmt, base_iri=base)
            ]
        except SyntaxError as err:
            raise LoadError(describe_syntax_error("request body", err)) from None
        except ValueError as err:
            raise LoadError(f"request body: {err}") from None

    @staticmethod
    def _body(triples: list[ox.Triple]) -> str:
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
        triples = self._parse_triples(data, fmt, graph)
        body = self._body(triples)
        created = not self.graph_exists(graph)
        ops = [f"CLEAR SILENT {self._graph_ref(graph)}", self._insert(graph, body)]

        def delta(raw: ox.Store) -> Delta:
            pending = PendingDelta(raw)
            pending.delete(pending.graph_quads(_graph_node(graph)))
            pending.insert(_new_quads(triples, graph), fresh=True)
            return pending

        self._commit(
            " ;\n".join(op for op in ops if op),
            lambda: self._graph_triples(graph or "DEFAULT") + _touched_by(triples),
            delta,
        )
        return created

    def post(self, graph: Graph, data: bytes, fmt: ox.RdfFormat) -> bool:
        """Merge into the graph; True if it did not exist before."""
        triples = self._parse_triples(data, fmt, graph)
        body = self._body(triples)
        created = not self.graph_exists(graph)
        if body:

            def delta(raw: ox.Store) -> Delta:
                pending = PendingDelta(raw)
                pending.insert(_new_quads(triples, graph), fresh=True)
                return pending

            self._commit(self._insert(graph, body), lambda: _touched_by(triples), delta)
        return created

    def delete(self, graph: Graph) -> None:
        def delta(raw: ox.Store) -> Delta:
            pending = PendingDelta(raw)
            pending.delete(pending.graph_quads(_graph_node(graph)))
            return pending

        self._commit(
            f"CLEAR SILENT {self._graph_ref(graph)}"
            if graph is None
            else f"DROP SILENT GRAPH <{graph}>",
            lambda: self._graph_triples(graph or "DEFAULT"),
            delta,
        )


def _graph_node(graph: Graph) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _new_quads(triples: list[ox.Triple], graph: Graph) -> list[ox.Quad]:
    """A request body's triples as stored quads: fresh blank nodes, canonical literals."""
    target = _graph_node(graph)
    quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    return canonical(fresh_blank_nodes(quads))


def _check_syntax(sparql: str, base_iri: str, prefixes: dict[str, str]) -> None:
    """Before trying a write on a copy of the store, let the engine reject a malformed update
    on an empty store (instant) instead."""
    try:
        ox.Store().update(sparql, base_iri=base_iri, prefixes=prefixes)
    except SyntaxError as err:
        raise QueryError(describe_syntax_error("update", err)) from None
    except (ValueError, OSError):
        pass  # an evaluation problem: the store reports it when the update runs


def _graph_name(ref: Any) -> str:
    """rdflib's graph reference in CLEAR/DROP/ADD/MOVE/COPY: an IRI or ``DEFAULT``."""
    if isinstance(ref, str) and ref == "DEFAULT":
        return "DEFAULT"
    from rdflib import URIRef

    if isinstance(ref, URIRef):
        return str(ref)
    raise _Unknown  # NAMED, ALL: every graph
