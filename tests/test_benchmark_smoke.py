"""CI smoke test of the benchmark tools: generator + ``run.py --quick`` at a tiny scale.

Not a timing test: it checks that the scripts run end to end against a real ``kg serve`` and
write a results JSON with the expected keys and positive figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kg.config import PROJECT_ROOT

BENCH = PROJECT_ROOT / "benchmarks"
SCALE = "0.05"


def test_generator_and_quick_run_write_results(tmp_path: Path) -> None:
    data = tmp_path / f"syn-x{float(SCALE):g}.ttl"
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--scale", SCALE, "--out", str(data)],
        check=True,
        timeout=60,
        cwd=PROJECT_ROOT,
    )
    text = data.read_text(encoding="utf-8")
    assert "place:syn-" in text and "合成城市" in text  # visibly synthetic
    again = tmp_path / "again.ttl"
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--scale", SCALE, "--out", str(again)],
        check=True,
        timeout=60,
    )
    assert again.read_bytes() == data.read_bytes()  # deterministic

    out = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--scales", SCALE]
        + ["--workdir", str(tmp_path), "--out", str(out), "--reps", "3"],
        capture_output=True,
        text=True,
        timeout=170,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert {"meta", "scales", "targets"} <= set(results)
    (scale,) = results["scales"]
    assert scale["scale"] == float(SCALE)
    load = scale["load"]
    for key in ("kg_triples_per_s", "raw_triples_per_s", "triples"):
        assert load[key] > 0, key
    assert len(load["kg_load_runs_s"]) == load["reps"] == 1  # --quick: one load pair
    # timings started once the served store's files were quiet and the workers read them
    assert scale["settle"]["checkpoint_matches_store"] and not scale["settle"]["timed_out"]
    assert scale["store_triples"] > 0
    for call in ("partners", "path", "neighbourhood"):
        for way in ("http", "raw", "rdflib"):
            figures = scale["traversal"][call][way]
            assert figures["p50_ms"] > 0 and figures["p99_ms"] >= figures["p50_ms"], (call, way)
    for name, entry in scale["named_queries"].items():
        if "error" not in entry:
            assert entry["http"]["p50_ms"] > 0 and entry["raw"]["p50_ms"] > 0, name
    assert scale["projection"]["build_s_p50"] > 0
    assert scale["server_memory"]["server_peak_mb"] > 0
    assert {"gexf", "geojson"} <= set(scale["export"])
