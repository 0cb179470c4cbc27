"""Waiting, before anything is timed, until a freshly loaded store has stopped compacting.

A measurement fix, not a product change. ``kg load`` leaves ~30 level-0 SST files; RocksDB
compacts them within seconds of ``kg serve`` opening the store, and timings taken in that window
measure the compaction (round 8, run A: ``ASK {}`` at 10× 0.84 ms vs the peer's 0.37 ms, 2.28×,
where a compacted copy gave 0.33 vs 0.30 ms). Waiting for the CPU alone is not enough: a
compaction writing and syncing its output can leave the CPU idle for longer than the half second
``run.Server.settle`` looks at. So the benchmark also waits until the store directory's SST files
(names and sizes: a file being written grows) have not changed for ``quiet_s`` seconds.

The query workers read checkpoints (``<store>.snapshots/vN``, hard links of the live SST files,
``kg.web.executor``), and the service moves them to a new checkpoint once compaction removed
files the current one holds, on the next query that looks (at most once a second,
``LAYOUT_CHECK_S``). ``wait_for_checkpoint`` sends that query until the newest checkpoint holds
exactly the live files, so the workers answer from the compacted layout before timing starts.

Oxigraph server (the peer, ``benchmarks/peer.py``) opens the same live store read-only after
this wait and loads no copy of its own, so it sees the same settled files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.web.executor import LAYOUT_CHECK_S, latest_snapshot

#: SST files unchanged this long = compaction over (10×: steps 0.3–0.6 s apart, done 2–4 s
#: after the open on a quiet machine; a loaded machine stretches the steps).
QUIET_S = 5.0
#: Give up (and say so) after this long: the run goes on, with the figures marked.
LONGEST_S = 300.0
#: A "still compacting" line this often while waiting.
PROGRESS_S = 10.0


def sst_layout(folder: Path) -> frozenset[tuple[str, int]]:
    """Names and sizes of the ``*.sst`` files in ``folder`` (empty if it is gone)."""
    out = set()
    try:
        names = os.listdir(folder)
    except OSError:
        return frozenset()
    for name in names:
        if name.endswith(".sst"):
            try:
                out.add((name, os.path.getsize(folder / name)))
            except OSError:  # compacted away between the listing and the stat
                continue
    return frozenset(out)


def wait_for_quiet_store(
    store: Path,
    quiet_s: float = QUIET_S,
    longest_s: float = LONGEST_S,
    poll_s: float = 0.25,
    log: Callable[[str], None] = print,
    progress_s: float = PROGRESS_S,
) -> dict[str, Any]:
    """Block until ``store``'s SST files have not changed for ``quiet_s`` seconds (or
    ``longest_s`` passed). Returns what it saw: seconds waited, how many changes, the final
    file count and size, and whether it gave up."""
    started = time.monotonic()
    layout = sst_layout(store)
    changed_at, changes = started, 0
    next_progress = started + progress_s
    while True:
        now = time.monotonic()
        if now - changed_at >= quiet_s:
            timed_out = False
            break
        if now - started >= longest_s:
            timed_out = True
            break
        if now >= next_progress:
            log(
                f"  still compacting: {len(layout)} SST files, "
                f"{sum(size for _, size in layout) / 1e6:.0f} MB, {changes} changes in "
                f"{now - started:.0f} s"
            )
            next_progress = now + progress_s
        time.sleep(poll_s)
        current = sst_layout(store)
        if current != layout:
            layout, changed_at, changes = current, time.monotonic(), changes + 1
    waited = time.monotonic() - started
    return {
        "waited_s": round(waited, 1),
        "compacting_s": round(changed_at - started, 1),  # until the last change seen
        "changes": changes,
        "sst_files": len(layout),
        "sst_mb": round(sum(size for _, size in layout) / 1e6, 1),
        "quiet_s": quiet_s,
        "timed_out": timed_out,
    }


def wait_for_checkpoint(
    store: Path, poke: Callable[[], Any], longest_s: float = 30.0
) -> dict[str, Any]:
    """Send ``poke`` (a cheap query) until the workers' newest checkpoint holds exactly the live
    store's SST files. A store without checkpoints (no query workers) passes at once."""
    started = time.monotonic()
    pokes = 0
    while True:
        poke()
        pokes += 1
        snapshot = latest_snapshot(store)
        live = {name for name, _ in sst_layout(store)}
        if snapshot is None or {name for name, _ in sst_layout(snapshot)} == live:
            matched = True
            break
        if time.monotonic() - started >= longest_s:
            matched = False
            break
        time.sleep(LAYOUT_CHECK_S + 0.1)  # the service compares layouts at most this often
    return {
        "checkpoint": snapshot.name if snapshot is not None else None,
        "checkpoint_matches_store": matched,
        "pokes": pokes,
        "checkpoint_wait_s": round(time.monotonic() - started, 1),
    }
