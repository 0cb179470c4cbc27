"""Interleaved A/B of ``kg load`` (validated and ``--no-validate``) from two source trees, next to
``oxigraph load`` of the same file: the load figures of benchmarks/README.md.

    git archive fe7ec62 | tar -x -C /tmp/before      # any two checkouts of the project
    git archive HEAD | tar -x -C /tmp/after
    kg load --no-validate --store /tmp/base ontology graph_data
    flock -x /work/quiet.lock python benchmarks/load_ab.py FILE --base /tmp/base \\
        --tree before=/tmp/before --tree after=/tmp/after --reps 5

Each repetition loads FILE with every tree and mode into a fresh copy of the ``--base`` store
(one after the other, so drift on a shared machine hits all of them alike) and takes the time
``kg load`` reports; ``oxigraph load``'s is its wall time (the peer of issue #19's ratio).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_IRI = "http://127.0.0.1:8000/"


def kg_load(tree: Path, store: Path, data: Path, validate: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    args = [sys.executable, "-m", "kg", "load", "--store", str(store), str(data)]
    if not validate:
        args.append("--no-validate")
    done = subprocess.run(args, capture_output=True, text=True, cwd=tree, env=env)
    found = re.search(r"in ([\d.]+) s", done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"{tree}: kg load failed: {done.stderr[-500:]}")
    return float(found.group(1))


def oxigraph_load(store: Path, data: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["oxigraph", "load", "--location", str(store), "--file", str(data)]
        + ["--base", BASE_IRI, "--graph", BASE_IRI + "graph/bench"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="store to copy for each load")
    parser.add_argument("--tree", action="append", required=True, help="NAME=PATH of a checkout")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--modes",
        default="validated,no-validate",
        help="comma-separated: validated, no-validate (fewer modes: more reps per hold)",
    )
    args = parser.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree)
    modes = [{"validated": True, "no-validate": False}[m] for m in args.modes.split(",")]
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="kg-load-ab-") as scratch:
        store = Path(scratch) / "store"
        for rep in range(args.reps):
            for name, tree in trees.items():
                for validate in modes:
                    shutil.rmtree(store, ignore_errors=True)
                    shutil.copytree(args.base, store)
                    key = f"{name} {'validated' if validate else '--no-validate'}"
                    times.setdefault(key, []).append(
                        kg_load(Path(tree), store, args.data, validate)
                    )
            shutil.rmtree(store, ignore_errors=True)
            times.setdefault("oxigraph load", []).append(oxigraph_load(store, args.data))
            print(rep, {k: round(v[-1], 2) for k, v in times.items()}, flush=True)
    peer = statistics.median(times["oxigraph load"])
    print(f"\n| load of {args.data.name} | median s | min s | ÷ oxigraph speed | n |")
    print("| --- | --- | --- | --- | --- |")
    for key, values in times.items():
        median = statistics.median(values)
        print(f"| {key} | {median:.2f} | {min(values):.2f} | {peer / median:.3f} | {len(values)} |")


if __name__ == "__main__":
    main()
