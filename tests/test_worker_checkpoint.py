"""The query workers read a checkpoint of the store; once RocksDB compacts the live store (a
freshly loaded one is compacted right after the service opens it), the workers move to a new
checkpoint of the same data instead of reading the pre-compaction files for as long as the
store version lasts (benchmarks/README.md, round 7: 1.3–1.8× slower queries at 10×)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.web import executor as executor_module
from kg.web.executor import QueryExecutor
from kg.web.query_worker import QueryTask

EX = "http://example.org/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def sst_files(folder: str | Path) -> set[str]:
    return {name for name in os.listdir(folder) if name.endswith(".sst")}


def test_workers_move_to_a_new_checkpoint_once_the_store_is_compacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store"
    raw = ox.Store(str(path))
    for batch in range(4):  # each bulk load ingests its own files: several to compact
        raw.bulk_extend(
            ox.Quad(ox.NamedNode(f"{EX}s{batch}-{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)))
            for i in range(500)
        )
    raw.flush()
    del raw
    monkeypatch.setattr(executor_module, "LAYOUT_CHECK_S", 0.0)
    config = Config(store=str(path), query_workers=1)
    store = OxigraphStore(config)
    runner = QueryExecutor(store, config)
    try:
        first = runner.publish()
        before = json.loads(runner.run(QueryTask(COUNT)).body)
        assert runner.publish() == first  # nothing changed: the same checkpoint

        store._store.optimize()  # noqa: SLF001 - what RocksDB does by itself after a load
        assert not sst_files(first) <= sst_files(path)  # the test's premise: files went away

        # The direct lane notices it first (it never checkpoints: the request path does).
        assert runner.try_take("client") is None
        # and the request path's checkpoint follows even before the next look at the files
        monkeypatch.setattr(executor_module, "LAYOUT_CHECK_S", 3600.0)
        second = runner.publish()
        assert second != first
        assert sst_files(second) <= sst_files(path)
        assert store.version == runner._version  # noqa: SLF001 - same data, new files only
        assert json.loads(runner.run(QueryTask(COUNT)).body) == before
        assert before["results"]["bindings"][0]["n"]["value"] == "2000"
    finally:
        runner.close()
        store.close()


def test_a_publish_leaves_another_threads_checkpoint_in_progress_alone(tmp_path: Path) -> None:
    """Two request threads can publish one after the other; the first one's clean-up must not
    remove the second one's backup while RocksDB writes it (``vN.tmp``, renamed when done):
    that failed the second publish with a 500 under hostile load (tests/test_soak.py)."""
    config = Config(store=str(tmp_path / "store"), query_workers=1)
    store = OxigraphStore(config)
    runner = QueryExecutor(store, config)
    try:
        first = Path(runner.publish())
        in_progress = first.parent / f"v{int(first.name[1:]) + 50}.tmp"  # another thread's
        in_progress.mkdir()
        (in_progress / "CURRENT").write_text("being written\n")
        store.update(f"INSERT DATA {{ <{EX}s> <{EX}p> 'o' }}")  # the next publish checkpoints
        second = Path(runner.publish())
        assert second != first and not first.exists()  # the old checkpoint is cleaned up
        assert (in_progress / "CURRENT").read_text() == "being written\n"
    finally:
        runner.close()
        store.close()
