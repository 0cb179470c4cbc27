"""Load timings as interleaved pairs: ``kg load`` and the loader it is compared with, N times.

A measurement fix, not a product change. One ``kg load`` against one ``oxigraph load`` of the
same file gave 0.778× and 0.685× in two runs minutes apart (round 8): a single load of each
moves by ±0.1 on this shared machine (``oxigraph load`` alone 5.97–8.43 s from one repetition to
the next). ``benchmarks/run.py`` therefore times ``reps`` pairs, each load into a fresh
directory, the order alternating (kg first, then the other first, …) so drift hits both sides
alike, and reports every run, the medians and the ratio of the medians.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

#: The issue's load target: ``kg load`` at ≥ this share of the other loader's speed.
LOAD_TARGET = 0.7

#: A loader runs one timed load into a fresh directory and returns at least ``{"s": seconds}``
#: (more figures of that run may ride along); it gets the repetition's index.
Loader = Callable[[int], dict[str, Any]]


def interleave(
    reps: int, loaders: dict[str, Loader], log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Run every loader ``reps`` times, alternating the order per repetition (the first
    repetition in the given order, the second reversed, …). Returns ``runs`` (per loader, the
    loaders' results in repetition order) and ``order`` (who went first in each)."""
    if reps < 1:
        raise ValueError(f"load repetitions must be ≥ 1, got {reps}")
    names = list(loaders)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    order: list[list[str]] = []
    for i in range(reps):
        turn = names if i % 2 == 0 else names[::-1]
        order.append(list(turn))
        for name in turn:
            runs[name].append(loaders[name](i))
        figures = ", ".join(f"{name} {runs[name][-1]['s']:.2f} s" for name in names)
        log(f"  load pair {i + 1}/{reps} ({' first, '.join(turn)} second): {figures}")
    return {"runs": runs, "order": order}


def seconds(runs: list[dict[str, Any]], key: str = "s") -> list[float]:
    """One figure of every run, rounded for the results file."""
    return [round(run[key], 2) for run in runs if run.get(key) is not None]


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def ratio_of_medians(theirs: list[float], ours: list[float]) -> float:
    """``median(theirs) / median(ours)`` — with times, our speed as a share of theirs (the
    convention of ``run.py``'s load ratio: ≥ 0.7 means ``kg load`` runs at ≥ 70 % of the
    other loader's speed)."""
    return round(statistics.median(theirs) / statistics.median(ours), 3)


def pair_ratios(theirs: list[float], ours: list[float]) -> list[float]:
    """The same ratio for each pair on its own: how far single pairs scatter."""
    return [round(t / o, 3) for t, o in zip(theirs, ours, strict=True)]


def report_lines(load: dict[str, Any], markdown: bool = False) -> list[str]:
    """The load part of the peer report (``peer.print_peer``): every run, the medians and the
    ratio; results written before round 9 (one load each) keep their one-line form."""
    verdict = "OK" if load["ratio"] >= LOAD_TARGET else "MISS"
    runs = load.get("kg_load_runs_s")
    if not runs:
        return [
            f"load: kg load {load['kg_load_s']} s vs oxigraph load {load['oxigraph_load_s']} s "
            f"= {load['ratio']}× of Oxigraph's speed (target ≥ {LOAD_TARGET:g})"
        ]
    theirs, reps = load["oxigraph_load_runs_s"], len(runs)
    rows = [
        ["kg load (s)", *(f"{t:.2f}" for t in runs), f"{load['kg_load_s']:.2f}"],
        ["oxigraph load (s)", *(f"{t:.2f}" for t in theirs), f"{load['oxigraph_load_s']:.2f}"],
        ["oxigraph / kg", *(f"{r:.3f}×" for r in load["pair_ratios"]), f"{load['ratio']:.3f}×"],
    ]
    firsts = [order[0] for order in load.get("order", [])]
    header = ["load", *(f"pair {i + 1}" for i in range(reps)), "median"]
    if firsts:
        header[1:-1] = [f"{h} ({who} first)" for h, who in zip(header[1:-1], firsts, strict=True)]
    if markdown:  # a blank line first: a table does not interrupt the line above
        lines = ["", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines.append("")
    else:
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                 for r in [header, *rows]]  # fmt: skip
    lines.append(
        f"load: kg load {load['kg_load_s']} s vs oxigraph load {load['oxigraph_load_s']} s "
        f"(medians of {reps} interleaved pairs) = {load['ratio']}× of Oxigraph's speed "
        f"(target ≥ {LOAD_TARGET:g}): {verdict}"
    )
    return lines
