"""The traversal projection survives a clean restart, and is never trusted after a change.

A snapshot saved at shutdown is adopted by the next start (no build) and equals a fresh build;
any process that opens the store for writing in between (a ``kg load``, say), a write after
the store was opened, or a missing token makes the next start rebuild.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_projection_patch import canonical

from kg.config import Config
from kg.graph import projection_store
from kg.graph.projection import Projection, build_snapshot
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_bundled


def open_store(path: Path) -> OxigraphStore:
    return OxigraphStore(Config(store=str(path)))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose projection was built, then saved by a clean shutdown."""
    path = tmp_path_factory.mktemp("persist") / "store"
    store = open_store(path)
    load_bundled(store)
    projection = Projection(store)
    projection.snapshot()
    assert projection_store.save(projection, store)
    store.close()
    del store
    return path


@pytest.fixture()
def saved(template: Path, tmp_path: Path) -> Path:
    """A copy of the template: the store, its saved projection and token."""
    for item in template.parent.iterdir():
        target = tmp_path / item.name
        (shutil.copytree if item.is_dir() else shutil.copy)(item, target)
    return tmp_path / template.name


def test_a_clean_restart_adopts_the_saved_snapshot_without_a_build(saved: Path) -> None:
    store = open_store(saved)
    projection = Projection(store)
    assert projection_store.restore(projection, store)
    snap = projection.snapshot()
    assert projection.builds == 0  # nothing was read from the store
    assert canonical(snap) == canonical(build_snapshot(store, store.version))


def test_a_process_that_opened_the_store_for_writing_invalidates_it(saved: Path) -> None:
    store = open_store(saved)  # e.g. `kg load`: it may change anything
    store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c" } }')
    store.close()
    del store
    store = open_store(saved)
    assert not projection_store.restore(Projection(store), store)


def test_a_write_since_opening_or_a_second_start_rebuilds(saved: Path) -> None:
    store = open_store(saved)
    store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c" } }')
    assert not projection_store.restore(Projection(store), store)
    store.close()
    del store
    store = open_store(saved)  # the token was consumed by the first open
    assert not projection_store.restore(Projection(store), store)
