"""Writes are flushed to disk in the background, one flush per burst, within a bounded delay."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.store.flusher import DeferredFlush


def test_a_burst_of_writes_shares_one_flush_started_within_the_delay() -> None:
    flushed: list[float] = []
    deferred = DeferredFlush(lambda: flushed.append(time.monotonic()), delay=0.05)
    start = time.monotonic()
    for _ in range(50):
        deferred.request()
    assert deferred.pending and not flushed  # acknowledged writes do not wait for the flush
    deadline = time.monotonic() + 5
    while not flushed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(flushed) == 1 and flushed[0] - start >= 0.05
    deferred.request()  # a write after the flush started asks for another one
    deferred.now()
    assert len(flushed) == 2 and not deferred.pending


def test_a_checkpoint_from_another_process_sees_a_write_once_the_deferred_flush_ran(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    store = OxigraphStore(Config(store=str(path)))
    store.update('INSERT DATA { <http://ex.org/a> <http://ex.org/p> "first" }')
    store.flush()
    store.update('INSERT DATA { <http://ex.org/a> <http://ex.org/p> "acknowledged" }')
    store.flush_soon()
    time.sleep(0.2 + 0.5)  # FLUSH_DELAY_S, and the flush itself
    backup = tmp_path / "backup"
    code = (
        "import pyoxigraph as ox, sys; "
        "ox.Store.read_only(sys.argv[1]).backup(sys.argv[2])"  # what `kg backup` does
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(backup)], check=True)
    store.close()
    copy = ox.Store.read_only(str(backup))
    assert copy.query('ASK { <http://ex.org/a> <http://ex.org/p> "acknowledged" }')
