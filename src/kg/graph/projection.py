"""The networkx projection of the co-operation graph, built from the store with SPARQL.

Traversal questions ("every partner of 盐城", shortest paths, centrality) are graph questions;
answering them with property paths costs time that grows with the data. So the store is read
once per *version* into an in-memory ``MultiDiGraph`` (places as nodes, one edge per relation and
pair of parties), and every request reads that immutable snapshot. A write bumps the store's
version and the next reader gets a new snapshot; nothing is rebuilt per request.

A full build reads every place, relation and label (tens of seconds at millions of triples), so a
write that says what it touched (``kg.store.writes`` reports a ``Change``: the triples it may have
added or removed) is applied *incrementally*: the resources those triples are about, and the
relations and places that depend on them, are re-read with the same queries restricted by
``VALUES``, and a copy-on-write copy of the previous snapshot is patched (``patch_snapshot``). Every
choice the build makes among several values is order-independent, so a patched snapshot equals a
fresh build.
"""

from __future__ import annotations

import threading
from typing import Any

import networkx as nx

from kg.graph.projection_build import build_snapshot as build_snapshot
from kg.graph.projection_patch import patch_snapshot
from kg.graph.snapshot import KINDS as KINDS
from kg.graph.snapshot import ChangedTriple
from kg.graph.snapshot import Labels as Labels
from kg.graph.snapshot import Snapshot as Snapshot
from kg.store.base import GraphStore


class Projection:
    """Holds the current snapshot and renews it when the store's version moves.

    Writers that go through ``kg.store.writes.Writer`` announce themselves (``write_started`` /
    ``write_finished``): while a write runs, readers keep the previous snapshot (the store is
    between versions, and its inferences not yet recomputed), and a finished write whose
    ``Change`` names the triples it touched is applied incrementally. Any other version bump
    (no record, or a record that says "unknown") means a full rebuild, as before.
    """

    #: Change records kept for snapshots that have not caught up yet.
    MAX_CHANGES = 256

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        #: the snapshot adopted from disk at start (``kg.graph.projection_store``): while it is
        #: still the current one, saving it again only renews the file's token
        self.restored: Snapshot | None = None
        self._changes: list[tuple[int, int, tuple[ChangedTriple, ...] | None]] = []
        self._writing = 0
        self._stable = 0  # the version readers get while a write is in progress
        self.builds = 0
        self.patches = 0

    # -- writes announce themselves (kg.store.writes.Writer observers)
    # -------------------------------
    def write_started(self) -> None:
        """Called just before a write touches the store: readers stay at this version (all
        earlier writes included) until the write has finished."""
        with self._log_lock:
            if not self._writing:
                self._stable = self._store.version
            self._writing += 1

    def write_finished(self, change: Any) -> None:
        """``change`` has ``before``/``after`` versions and ``triples`` (None: unknown)."""
        with self._log_lock:
            self._writing -= 1
            if change.after != change.before:
                triples = None if change.triples is None else tuple(change.triples)
                self._changes.append((change.before, change.after, triples))
                del self._changes[: -self.MAX_CHANGES]

    def _changed_since(self, version: int, target: int) -> list[ChangedTriple] | None:
        """The triples touched between two versions, if every step is recorded and known."""
        with self._log_lock:
            steps = {before: (after, triples) for before, after, triples in self._changes}
        out: list[ChangedTriple] = []
        while version != target:
            step = steps.get(version)
            if step is None or step[1] is None or step[0] > target:
                return None
            version = step[0]
            out.extend(step[1])
        return out

    # -- readers -------------------------------------------------------------------------------
    def _target(self) -> int:
        """The version to serve: the store's, or while a write runs, the one before it."""
        with self._log_lock:
            return self._stable if self._writing else self._store.version

    def current_or_none(self) -> Snapshot | None:
        """The snapshot if it is current, else ``None`` — never builds (for the server's I/O
        thread, which must not wait: ``kg.web.direct_plan``)."""
        current = self._snapshot
        return current if current is not None and current.version == self._target() else None

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and current.version == self._target():
            return current
        with self._lock:
            version = self._target()
            previous = self._snapshot
            if previous is not None and previous.version == version:
                return previous
            snap = None
            if previous is not None:
                touched = self._changed_since(previous.version, version)
                if touched is not None:
                    snap = patch_snapshot(self._store, previous, version, touched)
                    self.patches += snap is not None
            if snap is None:
                snap = build_snapshot(self._store, version)
            self.builds += 1
            self._snapshot = snap
            with self._log_lock:
                self._changes = [c for c in self._changes if c[1] > version]
            return snap

    def graph(self) -> nx.MultiDiGraph:
        return self.snapshot().graph
