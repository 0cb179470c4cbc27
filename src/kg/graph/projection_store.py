"""The traversal projection kept across restarts, next to the store, keyed to its content.

Building the projection reads every place and relation (tens of seconds at millions of
triples), and the first traversal request after a restart used to wait for it. So a service
that stops cleanly saves its current snapshot next to the store (``<store>.projection``)
together with a fresh random token, and writes the same token to ``<store>.projection-token``.

Whoever opens the store for writing consumes the token (``kg.store.base``: read, then delete it)
before it can change anything — ``kg load``, a restarted ``kg serve``, anything. So the token
on disk means "nothing has opened this store for writing since the snapshot was saved", and a
service starting with a matching file (and no write since it opened the store) adopts the
snapshot instead of rebuilding. Missing token, missing or unreadable file, different token,
a write in between: the projection is rebuilt as before. A killed service saves nothing.

The snapshot object is saved field by field (whatever ``kg.graph.projection.Snapshot`` holds), minus
its per-version memo cache and lock, so changes to what a snapshot contains need no change here.
The file format (``kg.graph.snapshot_file``) is built to be read back fast: the graph as plain
dicts, relation records and labels decoded when first read.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import uuid
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.graph import filters, resolver, snapshot_file
from kg.graph.projection import Projection, Snapshot
from kg.store.base import GraphStore
from kg.store.embedded import projection_token_path

#: Snapshot fields that are per-process (memoised results, a lock): rebuilt empty on load.
_TRANSIENT = ("_cache", "_lock")

#: Memoised results saved with the snapshot (computed at save if they were not yet) that every
#: first traversal request would otherwise wait for: the place-name index (~1 s at 100x) and
#: the undirected network (1-2 s; saved sharing the edges' values with the snapshot's graph).
_SAVED_CACHES: dict[str, Callable[[Snapshot], Any]] = {
    "resolver-index": resolver.build_index,
    "undirected": filters.undirected,
}


def _kind() -> str:
    return f"{Snapshot.__module__}.{Snapshot.__qualname__}"


def _paths(store_path: Path) -> tuple[Path, Path]:
    base = store_path.resolve()
    return base.with_name(base.name + ".projection"), projection_token_path(base)


def restore(projection: Projection, store: GraphStore) -> bool:
    """Adopt the saved snapshot if it is the store's current content; True if it was."""
    path = getattr(store, "path", None)
    token = getattr(store, "clean_token", None)
    if path is None or token is None or store.version != getattr(store, "opened_version", -1):
        return False
    saved_file, _token = _paths(path)
    collecting = gc.isenabled()
    gc.disable()  # see below
    try:
        with open(saved_file, "rb") as handle:
            state = snapshot_file.read(handle, token, _kind())
        if state is None:  # another token, format or snapshot class
            return False
        try:
            caches = {**state.pop("_caches", {}), **state.pop("graphs")}
            caches = {k: v for k, v in caches.items() if k in _SAVED_CACHES}
            snapshot = Snapshot(**{**state, "version": store.version}, _cache=caches)
        except TypeError:  # the Snapshot class changed its fields since: rebuild
            return False
        # Millions of objects at 100x: with the cyclic collector running, loading them (as a
        # pickle) took 24 s instead of 7, and its first pass over them afterwards another
        # 2-3 s, on the first request. They live as long as the snapshot, so they are moved out
        # of the collector's sight (gc.freeze) until it is replaced (then gc.unfreeze).
        gc.freeze()
        weakref.finalize(snapshot, gc.unfreeze)
    except Exception:  # noqa: BLE001 - missing, truncated, from an older version: rebuild
        return False
    finally:
        if collecting:
            gc.enable()
    projection._snapshot = projection.restored = snapshot  # noqa: SLF001 - the one it would build
    return True


def save(projection: Projection, store: GraphStore) -> bool:
    """Save the current snapshot (brought up to date first) and leave a fresh token."""
    path = getattr(store, "path", None)
    if path is None or projection._snapshot is None:  # noqa: SLF001 - never built: nothing
        return False
    snapshot = projection.snapshot()  # a patch at most, if writes came after the last read
    if snapshot.version != store.version:
        return False
    token = uuid.uuid4().hex
    saved_file, token_file = _paths(path)
    if snapshot is projection.restored and _retoken(saved_file, token):
        _write_token(token_file, token)
        return True
    state: dict[str, Any] = {
        f.name: getattr(snapshot, f.name)
        for f in dataclasses.fields(snapshot)
        if f.init and f.name not in _TRANSIENT
    }
    caches = {
        key: snapshot.cached(key, lambda compute=compute: compute(snapshot))
        for key, compute in _SAVED_CACHES.items()
    }
    graphs = {key: value for key, value in caches.items() if isinstance(value, nx.Graph)}
    state["_caches"] = {key: value for key, value in caches.items() if key not in graphs}
    tmp = saved_file.with_name(saved_file.name + ".tmp")
    with open(tmp, "wb") as handle:
        snapshot_file.write(handle, token, _kind(), state, graphs)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(saved_file)
    _write_token(token_file, token)
    return True


def _retoken(saved_file: Path, token: str) -> bool:
    """The file the snapshot was restored from, unchanged since (no write came): only its
    token is renewed (a full save takes tens of seconds at 100x)."""
    try:
        with open(saved_file, "r+b") as handle:
            if not snapshot_file.retoken(handle, _kind(), token):
                return False
            handle.flush()
            os.fsync(handle.fileno())
    except (OSError, ValueError, EOFError):
        return False
    return True


def _write_token(token_file: Path, token: str) -> None:
    tmp = token_file.with_name(token_file.name + ".tmp")
    tmp.write_text(token, encoding="ascii")
    tmp.replace(token_file)
