"""How ``benchmarks/run.py`` measures (round 9): loads as interleaved pairs, and the wait for a
freshly loaded store to stop compacting before anything is timed. No timings are checked here:
the helpers are driven with fake loaders and a folder whose files a thread changes."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from kg.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import load_pairs  # noqa: E402
import settle  # noqa: E402


def test_load_pairs_alternate_who_goes_first_and_keep_every_run() -> None:
    calls: list[tuple[str, int]] = []

    def loader(name: str, seconds: list[float]) -> load_pairs.Loader:
        def run(i: int) -> dict[str, float]:
            calls.append((name, i))
            return {"s": seconds[i]}

        return run

    pairs = load_pairs.interleave(
        3,
        {"kg": loader("kg", [10.0, 8.0, 9.0]), "oxigraph": loader("oxigraph", [7.0, 6.0, 6.5])},
        log=lambda _: None,
    )
    assert calls == [
        ("kg", 0),
        ("oxigraph", 0),
        ("oxigraph", 1),
        ("kg", 1),
        ("kg", 2),
        ("oxigraph", 2),
    ]
    assert pairs["order"] == [["kg", "oxigraph"], ["oxigraph", "kg"], ["kg", "oxigraph"]]
    kg = load_pairs.seconds(pairs["runs"]["kg"])
    theirs = load_pairs.seconds(pairs["runs"]["oxigraph"])
    assert kg == [10.0, 8.0, 9.0] and theirs == [7.0, 6.0, 6.5]
    # run.py's convention: oxigraph time / kg time, of the medians (6.5 / 9.0), not of a pair
    assert load_pairs.ratio_of_medians(theirs, kg) == 0.722
    assert load_pairs.pair_ratios(theirs, kg) == [0.7, 0.75, 0.722]


def test_load_pairs_refuse_zero_repetitions() -> None:
    with pytest.raises(ValueError, match="≥ 1"):
        load_pairs.interleave(0, {"kg": lambda i: {"s": 1.0}})


def test_load_report_lists_every_run_and_the_ratio_of_medians() -> None:
    load = {
        "kg_load_s": 9.0,
        "kg_load_runs_s": [10.0, 8.0, 9.0],
        "oxigraph_load_s": 6.5,
        "oxigraph_load_runs_s": [7.0, 6.0, 6.5],
        "ratio": 0.722,
        "pair_ratios": [0.7, 0.75, 0.722],
        "order": [["kg", "oxigraph"], ["oxigraph", "kg"], ["kg", "oxigraph"]],
    }
    table = load_pairs.report_lines(load, markdown=True)
    assert table[0] == ""  # a Markdown table needs a blank line before it
    assert table[1].startswith("| load | pair 1 (kg first) | pair 2 (oxigraph first)")
    assert "| kg load (s) | 10.00 | 8.00 | 9.00 | 9.00 |" in table
    assert "| oxigraph / kg | 0.700× | 0.750× | 0.722× | 0.722× |" in table
    assert table[-1].endswith("(medians of 3 interleaved pairs) = 0.722× of Oxigraph's speed "
                              "(target ≥ 0.7): OK")  # fmt: skip
    # a results file from before round 9 (one load each) still reports
    old = {"kg_load_s": 9.44, "oxigraph_load_s": 6.09, "ratio": 0.645}
    assert load_pairs.report_lines(old) == [
        "load: kg load 9.44 s vs oxigraph load 6.09 s = 0.645× of Oxigraph's speed (target ≥ 0.7)"
    ]


def test_store_wait_lasts_until_the_sst_files_stop_changing(tmp_path: Path) -> None:
    (tmp_path / "000010.sst").write_bytes(b"x" * 10)
    (tmp_path / "LOG").write_text("not a table: ignored")

    def compact() -> None:  # a compaction: files grow, appear and go for about a second
        out = tmp_path / "000020.sst"
        for _ in range(5):
            time.sleep(0.2)
            with out.open("ab") as f:
                f.write(b"y" * 100)
        (tmp_path / "000010.sst").unlink()

    writer = threading.Thread(target=compact)
    started = time.monotonic()
    writer.start()
    seen = settle.wait_for_quiet_store(tmp_path, quiet_s=0.6, poll_s=0.05, log=lambda _: None)
    writer.join()
    assert not seen["timed_out"]
    assert seen["changes"] >= 3  # it watched the compaction, not just the first listing
    assert time.monotonic() - started >= 1.0 + 0.6  # the compaction, then the quiet interval
    assert seen["sst_files"] == 1 and seen["sst_mb"] == 0.0  # 000020.sst, 500 bytes


def test_store_wait_gives_up_and_says_so(tmp_path: Path) -> None:
    stop = threading.Event()

    def forever() -> None:
        n = 0
        while not stop.is_set():
            (tmp_path / f"{n:06d}.sst").write_bytes(b"z")
            n += 1
            time.sleep(0.05)

    writer = threading.Thread(target=forever)
    writer.start()
    lines: list[str] = []
    try:
        seen = settle.wait_for_quiet_store(
            tmp_path, quiet_s=0.5, longest_s=0.8, poll_s=0.05, log=lines.append, progress_s=0.3
        )
    finally:
        stop.set()
        writer.join()
    assert seen["timed_out"] and seen["waited_s"] < 1.5
    assert any(line.strip().startswith("still compacting:") for line in lines)


def test_checkpoint_wait_pokes_until_the_workers_checkpoint_holds_the_live_files(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    snapshots = tmp_path / "store.snapshots"
    for folder in (store, snapshots / "v1"):
        folder.mkdir(parents=True)
    (store / "000030.sst").write_bytes(b"compacted")
    (snapshots / "v1" / "000010.sst").write_bytes(b"level 0")  # taken before the compaction
    pokes: list[int] = []

    def poke() -> None:  # the service re-checkpoints on a query after it saw the layout move
        pokes.append(1)
        if len(pokes) == 2:
            (snapshots / "v2").mkdir()
            (snapshots / "v2" / "000030.sst").write_bytes(b"compacted")

    seen = settle.wait_for_checkpoint(store, poke, longest_s=10)
    assert seen["checkpoint_matches_store"] and seen["checkpoint"] == "v2"
    assert seen["pokes"] == 2
