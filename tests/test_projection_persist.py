"""The traversal projection survives a clean restart, and is never trusted after a change.

A snapshot saved at shutdown is adopted by the next start (no build) and equals a fresh build;
any process that opens the store for writing in between (a ``kg load``, say), a write after
the store was opened, or a missing token makes the next start rebuild.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_projection_patch import NEW_PAIRING, PREFIXES, TEST_GRAPH, canonical

from kg.config import Config
from kg.graph import filters, projection_store, snapshot_file, traversal
from kg.graph.projection import Projection, Snapshot, build_snapshot
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_bundled
from kg.store.writes import Writer


def undirected_view(snap: Snapshot) -> list[Any]:
    """The traversal network as a reader walks it: nodes, neighbours and edges in order."""
    graph = filters.undirected(snap)
    adj = graph._adj  # noqa: SLF001
    return [
        (u, graph.nodes[u], [(v, list(keyed.items())) for v, keyed in adj[u].items()])
        for u in graph
    ]


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
    # saved with it, so the first request does not wait for them
    assert {"resolver-index", "undirected"} <= set(snap._cache)  # noqa: SLF001
    fresh = build_snapshot(store, store.version)
    assert undirected_view(snap) == undirected_view(fresh)
    assert canonical(snap) == canonical(build_snapshot(store, store.version))


def test_partners_after_a_restart_do_not_wait_for_the_directed_edges(saved: Path) -> None:
    """The directed graph's edges (half the saved file) stay encoded until something reads
    them: a partners answer reads the undirected network; the first reader of the directed
    edges gets what a build gives."""
    store = open_store(saved)
    projection = Projection(store)
    assert projection_store.restore(projection, store)
    snap = projection.snapshot()
    yancheng = "http://127.0.0.1:8000/id/place/yancheng"
    answer = traversal.partners(snap, yancheng)
    fresh = build_snapshot(store, store.version)
    assert answer == traversal.partners(fresh, yancheng) and answer["partners"]
    assert snap.graph.__dict__["_saved_adjacency"] is not None  # still encoded
    assert list(snap.graph.in_edges(yancheng, keys=True, data=True)) == list(
        fresh.graph.in_edges(yancheng, keys=True, data=True)
    )
    assert snap.graph.__dict__["_saved_adjacency"] is None
    assert list(snap.graph.edges(keys=True, data=True)) == list(
        fresh.graph.edges(keys=True, data=True)
    )
    assert pickle.loads(pickle.dumps(snap.graph)).adj == fresh.graph.adj


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


def test_a_restored_snapshot_is_patched_by_writes_and_saved_again_as_a_rebuild_gives(
    saved: Path,
) -> None:
    """Relation records and labels stay encoded until read: a write patches a copy of them,
    and saving again writes the records nobody read as they were loaded."""
    store = open_store(saved)
    projection = Projection(store)
    assert projection_store.restore(projection, store)
    restored = projection.snapshot()
    assert isinstance(restored.relations, snapshot_file.Decoded)
    writer = Writer(store, observers=[projection])
    writer.update(f"{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ {NEW_PAIRING} }} }}")
    patched = projection.snapshot()
    assert projection.patches == 1 and projection.builds == 1  # the patch, no rebuild
    assert canonical(patched) == canonical(build_snapshot(store, store.version))
    rel = "http://127.0.0.1:8000/id/pairing/test-suzhou-yancheng"
    assert rel in patched.relations and rel not in restored.relations  # the old one unchanged
    assert projection_store.save(projection, store)
    # what the next start reads (read here: reopening the store races the writer's flush)
    token = (saved.parent / (saved.name + ".projection-token")).read_text()
    with open(saved.parent / (saved.name + ".projection"), "rb") as handle:
        state = snapshot_file.read(handle, token, projection_store._kind())  # noqa: SLF001
    assert state is not None
    fields = {k: v for k, v in state.items() if k not in ("_caches", "graphs")}
    assert canonical(Snapshot(**fields)) == canonical(build_snapshot(store, store.version))


def test_a_file_in_another_format_is_not_adopted(saved: Path) -> None:
    """E.g. the pickle an older version saved, with the current token: rebuilt, not misread."""
    token = (saved.parent / (saved.name + ".projection-token")).read_text()
    (saved.parent / (saved.name + ".projection")).write_bytes(pickle.dumps((token, "x", {})))
    store = open_store(saved)
    assert not projection_store.restore(Projection(store), store)


def test_a_decoded_mapping_behaves_as_the_dict_it_stands_for() -> None:
    plain = {"a": {"n": 1}, "b": [2], "c": "three"}
    keys, buffer, starts = snapshot_file._pack(plain, snapshot_file.marshal.dumps)  # noqa: SLF001
    lazy = snapshot_file._unpack(keys, buffer, starts, snapshot_file.marshal.loads)  # noqa: SLF001
    assert lazy == plain and list(lazy) == list(plain) and len(lazy) == 3
    assert lazy["a"] is lazy["a"]  # decoded once
    assert lazy.get("z") is None and "z" not in lazy
    changed = lazy.copy()
    changed["d"] = 4
    del changed["b"]
    changed.pop("c")
    assert changed == {"a": {"n": 1}, "d": 4}
    assert lazy == plain  # the copy changed, not the original
    again = snapshot_file._unpack(  # noqa: SLF001
        *snapshot_file._pack(changed, snapshot_file.marshal.dumps),  # noqa: SLF001
        snapshot_file.marshal.loads,
    )
    assert again == changed


def test_a_stop_with_no_write_since_the_restore_renews_only_the_token(saved: Path) -> None:
    saved_file = saved.parent / (saved.name + ".projection")
    before = saved_file.read_bytes()
    store = open_store(saved)
    projection = Projection(store)
    assert projection_store.restore(projection, store)
    projection.snapshot()  # read, as a served request would
    assert projection_store.save(projection, store)
    after = saved_file.read_bytes()
    assert len(after) == len(before) and after != before  # the header's token, nothing else
    token = (saved.parent / (saved.name + ".projection-token")).read_text()
    assert token.encode() in after[:200] and token.encode() not in before
    store.close()
    del store
    store = open_store(saved)
    again = Projection(store)
    assert projection_store.restore(again, store)
    assert canonical(again.snapshot()) == canonical(build_snapshot(store, store.version))
