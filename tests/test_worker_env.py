"""Query workers start with a faster allocator when the system has one (README "Limits"),
and the service starts without one.

The worker processes are found as this process's children (Linux /proc), so the test does not
depend on how the executor keeps them.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from processes import in_ci

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.web import worker_env
from kg.web.executor import QueryExecutor
from kg.web.query_worker import QueryTask


def test_an_explicit_library_is_preloaded_in_front_of_the_existing_preload(
    tmp_path: Path,
) -> None:
    library = tmp_path / "libfast.so"
    library.write_bytes(b"")
    env = {worker_env.SETTING: str(library), "LD_PRELOAD": "/opt/other.so"}
    assert worker_env.worker_environment(env) == {"LD_PRELOAD": f"{library} /opt/other.so"}
    assert worker_env.worker_environment({**env, "LD_PRELOAD": str(library)}) == {}


def test_system_or_a_missing_library_leaves_the_workers_on_the_system_allocator(
    tmp_path: Path,
) -> None:
    assert worker_env.worker_environment({worker_env.SETTING: "system"}) == {}
    missing = {worker_env.SETTING: str(tmp_path / "absent.so")}
    assert worker_env.worker_environment(missing) == {}
    assert worker_env.allocator_name(None) == "system"
    assert worker_env.allocator_name("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2") == "mimalloc"


def _children() -> list[int]:
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="mapped libraries read from /proc")
def test_query_workers_run_with_the_preloaded_allocator_and_the_service_does_not(
    tmp_path: Path,
) -> None:
    library = worker_env.allocator_library("auto")
    if library is None:
        if in_ci():
            pytest.fail("CI installs libmimalloc2.0 (.ci/run): the workers should preload it")
        pytest.skip("neither mimalloc nor jemalloc is installed")
    path = tmp_path / "store"
    seed = ox.Store(str(path))
    seed.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    seed.flush()
    del seed
    config = Config(store=str(path), query_workers=1)
    store = OxigraphStore(config)
    before = os.environ.get("LD_PRELOAD")
    runner = QueryExecutor(store, config)
    try:
        output = runner.run(QueryTask("SELECT ?o { ?s ?p ?o }", accept="text/csv"), timeout=30)
        assert output.body.split() == [b"o", b"o"]
        real = os.path.realpath(library)
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while time.monotonic() < deadline:
            workers = [pid for pid in _children() if "spawn_main" in _cmdline(pid)]
            if workers:
                break
            time.sleep(0.05)
        assert workers
        for pid in workers:
            assert real in Path(f"/proc/{pid}/maps").read_text()
        assert real not in Path("/proc/self/maps").read_text() or library in (before or "")
    finally:
        runner.close()
        store.close()
    with worker_env.SPAWN_LOCK:  # no worker start under way: the service's environment is kept
        assert os.environ.get("LD_PRELOAD") == before


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""
