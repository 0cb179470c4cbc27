"""The traversal projection kept across restarts, next to the store, keyed to its content.

Building the projection reads every place and relation (tens of seconds at millions of
triples), and the first traversal request after a restart used to wait for it. So a service
that stops cleanly pickles its current snapshot next to the store (``<store>.projection``)
together with a fresh random token, and writes the same token to ``<store>.projection-token``.

Whoever opens the store for writing consumes the token (``kg.store.base``: read, then delete it)
before it can change anything — ``kg load``, a restarted ``kg serve``, anything. So the token
on disk means "nothing has opened this store for writing since the snapshot was saved", and a
service starting with a matching pickle (and no write since it opened the store) adopts the
snapshot instead of rebuilding. Missing token, missing or unreadable pickle, different token,
a write in between: the projection is rebuilt as before. A killed service saves nothing.

The snapshot object is saved field by field (whatever ``kg.graph.projection.Snapshot`` holds), minus
its per-version memo cache and lock, so changes to what a snapshot contains need no change here.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import uuid
import weakref
from pathlib import Path
from typing import Any

from kg.graph.projection import Projection, Snapshot
from kg.store.base import GraphStore
from kg.store.embedded import projection_token_path

#: Snapshot fields that are per-process (memoised results, a lock): rebuilt empty on load.
_TRANSIENT = ("_cache", "_lock")


def _paths(store_path: Path) -> tuple[Path, Path]:
    base = store_path.resolve()
    return base.with_name(base.name + ".projection"), projection_token_path(base)


def restore(projection: Projection, store: GraphStore) -> bool:
    """Adopt the saved snapshot if it is the store's current content; True if it was."""
    path = getattr(store, "path", None)
    token = getattr(store, "clean_token", None)
    if path is None or token is None or store.version != getattr(store, "opened_version", -1):
        return False
    pickle_file, _token = _paths(path)
    collecting = gc.isenabled()
    gc.disable()  # see below
    try:
        with open(pickle_file, "rb") as handle:
            saved_token, kind, state = pickle.load(handle)  # noqa: S301 - our own file
        if saved_token != token or kind != f"{Snapshot.__module__}.{Snapshot.__qualname__}":
            return False
        try:
            snapshot = Snapshot(**{**state, "version": store.version})
        except TypeError:  # the Snapshot class changed its fields since: rebuild
            return False
        # Millions of objects at 100x (6.4 M): with the cyclic collector running, loading them
        # took 24 s instead of 7, and its first pass over them afterwards another 2-3 s, on
        # the first request. They live as long as the snapshot, so they are moved out of the
        # collector's sight (gc.freeze) until it is replaced (then gc.unfreeze).
        gc.freeze()
        weakref.finalize(snapshot, gc.unfreeze)
    except Exception:  # noqa: BLE001 - missing, truncated, from an older version: rebuild
        return False
    finally:
        if collecting:
            gc.enable()
    projection._snapshot = snapshot  # noqa: SLF001 - handing it the snapshot it would build
    return True


def save(projection: Projection, store: GraphStore) -> bool:
    """Pickle the current snapshot (brought up to date first) and leave a fresh token."""
    path = getattr(store, "path", None)
    if path is None or projection._snapshot is None:  # noqa: SLF001 - never built: nothing
        return False
    snapshot = projection.snapshot()  # a patch at most, if writes came after the last read
    if snapshot.version != store.version:
        return False
    state: dict[str, Any] = {
        f.name: getattr(snapshot, f.name)
        for f in dataclasses.fields(snapshot)
        if f.init and f.name not in _TRANSIENT
    }
    token = uuid.uuid4().hex
    pickle_file, token_file = _paths(path)
    kind = f"{Snapshot.__module__}.{Snapshot.__qualname__}"
    tmp = pickle_file.with_name(pickle_file.name + ".tmp")
    with open(tmp, "wb") as handle:
        pickle.dump((token, kind, state), handle, protocol=pickle.HIGHEST_PROTOCOL)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(pickle_file)
    tmp = token_file.with_name(token_file.name + ".tmp")
    tmp.write_text(token, encoding="ascii")
    tmp.replace(token_file)
    return True
