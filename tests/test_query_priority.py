"""A long query gives way: its worker drops to the lowest CPU priority (README "Limits").

In-process executor on a small on-disk store with one worker (and its spare), so the worker
processes can be looked at directly. Linux only (priorities are read from /proc).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.web import priority
from kg.web.executor import QueryExecutor
from kg.web.query_worker import ExecutionError, QueryTask

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="priorities read from /proc")

N = 15  # triples: a 4-way cross product is N**4 rows (tens of ms), a 7-way one never ends
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ENDLESS = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("priority") / "store"
    store = ox.Store(str(path))
    ex = "http://example.org/"
    store.extend(
        ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(f"{ex}p"), ox.Literal(str(i)))
        for i in range(N)
    )
    store.flush()
    del store
    return path


@pytest.fixture
def executor(store_path: Path, request: pytest.FixtureRequest) -> Iterator[QueryExecutor]:
    config = Config(store=str(store_path), query_workers=1, query_demote_after_s=request.param)
    store = OxigraphStore(config)
    runner = QueryExecutor(store, config)
    deadline = time.monotonic() + 60
    while runner._standby.empty() and time.monotonic() < deadline:  # noqa: SLF001
        time.sleep(0.05)  # the spare starts in the background: slow on a busy machine
    yield runner
    runner.close()
    store.close()


def count(output_body: bytes) -> int:
    import json

    return int(json.loads(output_body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("executor", [0.3], indirect=True)
def test_a_query_running_past_the_threshold_runs_at_the_lowest_priority(
    executor: QueryExecutor,
) -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)
    outcome: list[object] = []

    def slow() -> None:
        try:
            executor.run(QueryTask(ENDLESS, accept="application/json"), timeout=1.5)
        except ExecutionError as err:
            outcome.append(err.status)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.15)
    (busy,) = list(executor._busy)  # noqa: SLF001 - the worker running the slow query
    assert priority.nice_of(busy.process.pid) == base  # not yet: short queries pay nothing
    time.sleep(0.6)
    assert priority.nice_of(busy.process.pid) == priority.DEMOTED
    thread.join()
    assert outcome == [503]  # still stopped at its time limit
    # the pool is whole again and nobody in it runs demoted
    output = executor.run(QueryTask(CROSS, accept="application/json"))
    assert count(output.body) == N**4
    for worker in list(executor._all):  # noqa: SLF001
        assert priority.nice_of(worker.process.pid) == base


@pytest.mark.parametrize("executor", [0.001], indirect=True)
def test_a_demoted_worker_that_cannot_be_raised_back_is_retired_after_answering(
    executor: QueryExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what an unprivileged service sees (raising a priority needs CAP_SYS_NICE)
    monkeypatch.setattr(priority, "restore", lambda pid, value=0: False)
    (first,) = list(executor._idle.queue)  # noqa: SLF001
    output = executor.run(QueryTask(CROSS, accept="application/json"))
    assert count(output.body) == N**4  # the answer is delivered all the same
    assert not first.process.is_alive()  # retired, not left serving at the lowest priority
    again = executor.run(QueryTask(CROSS, accept="application/json"))  # the spare took over
    assert count(again.body) == N**4
    # with no spare ready yet, the next demoted worker serves on rather than leave the pool short
    (second,) = [w for w in executor._all if w.process.is_alive() and w.demoted]  # noqa: SLF001
    assert second.process.pid != first.process.pid
