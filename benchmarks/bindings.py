"""Which binding strategy each named query should use, measured on a store.

    python benchmarks/bindings.py --store var/bench/x10/store --scale 10
    python benchmarks/bindings.py --store var/bench/x10/store --scale 10 --write

For every named query with parameters it runs each strategy of ``kg.store.named_queries.BINDINGS``
(substitution, ``VALUES``, terms written in) in-process on a read-only handle opened the way
the query workers open it, checks that they return the same rows, and prints p50 per strategy.
``--write`` records the fastest in the query's ``# binding:`` header line (right after its
``param`` lines), which is where the service reads it from.

Place parameters point at the synthetic hub city (as in ``run.py``) when ``--scale`` is given;
otherwise the queries' own defaults are used (the bundled graph). A strategy whose first run
takes longer than ``--slow`` seconds is timed once: a disastrous plan is not worth repeating.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import bench_bindings  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.store.base import QueryError  # noqa: E402
from kg.store.named_queries import BINDINGS, NamedQuery, load_named_queries  # noqa: E402


def rows_of(result: ox.QuerySolutions, text: str) -> list[tuple[str, ...]]:
    """Rows to compare; ``GROUP_CONCAT`` cells as sorted parts (their order is the plan's)."""
    concat = {
        var: sep
        for sep, var in re.findall(
            r'GROUP_CONCAT\([^)]*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', text, re.I
        )
    }
    names = [v.value for v in result.variables]
    rows = []
    for solution in result:
        cells = []
        for name in names:
            term = solution[name]
            if term is not None and name in concat:
                cells.append(" / ".join(sorted(term.value.split(concat[name]))))
            else:
                cells.append("" if term is None else str(term))
        rows.append(tuple(cells))
    return rows


def measure(
    handle: ox.Store,
    kwargs: dict,
    query: NamedQuery,
    params: dict[str, str],
    base: str,
    reps: int,
    slow_s: float,
) -> dict[str, dict]:
    bindings = query.bindings(params, base)
    out: dict[str, dict] = {}
    for strategy in BINDINGS:
        try:
            text, subs = query.prepare(bindings, strategy)
        except QueryError as err:
            out[strategy] = {"error": str(err)}
            continue
        extra = {"substitutions": {ox.Variable(k): v for k, v in subs.items()}} if subs else {}

        def run(text: str = text, extra: dict = extra) -> list[tuple[str, ...]]:
            return rows_of(handle.query(text, **kwargs, **extra), text)

        t0 = time.perf_counter()
        rows = run()
        first = (time.perf_counter() - t0) * 1000
        times = [first]
        if first < slow_s * 1000:
            times = []
            for _ in range(reps):
                t0 = time.perf_counter()
                run()
                times.append((time.perf_counter() - t0) * 1000)
        out[strategy] = {
            "p50_ms": round(statistics.median(times), 2),
            "n": len(times),
            "rows": sorted(rows),
        }
    return out


def write_header(path: Path, strategy: str) -> None:
    """Set (or add, after the last ``# param:`` line) the ``# binding:`` header line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = f"# binding: {strategy}\n"
    for i, old in enumerate(lines):
        if re.match(r"^#\s*binding\s*:", old):
            lines[i] = line
            break
    else:
        last = max((i for i, old in enumerate(lines) if re.match(r"^#\s*param\s*:", old)))
        lines.insert(last + 1, line)
    path.write_text("".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an on-disk store (read only)")
    parser.add_argument("--scale", type=float, help="synthetic scale loaded in the store")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--slow", type=float, default=1.0, help="seconds: time once beyond")
    parser.add_argument("--queries", type=Path, default=REPO / "queries")
    parser.add_argument("--write", action="store_true", help="record the fastest in each header")
    parser.add_argument("--only", help="comma-separated query names")
    args = parser.parse_args(argv)
    config = Config(store=str(args.store))
    base = config.base_iri
    handle = ox.Store.read_only(str(args.store))
    kwargs = {"base_iri": base, "prefixes": config.prefixes(), "use_default_graph_as_union": True}
    places = generate.bench_places(args.scale) if args.scale else None
    only = set(args.only.split(",")) if args.only else None
    print(f"{'query':34} " + " ".join(f"{s:>14}" for s in BINDINGS) + "  best")
    failed = False
    for name, query in load_named_queries(args.queries).items():
        if not query.parameters or (only and name not in only):
            continue
        params = (
            bench_bindings(query, base, places)
            if places
            else {p.name: p.default or "" for p in query.parameters}
        )
        found = measure(handle, kwargs, query, params, base, args.reps, args.slow)
        usable = {s: f for s, f in found.items() if "p50_ms" in f}
        answers = {tuple(f["rows"]) for f in usable.values()}
        if len(answers) > 1:
            failed = True
            print(
                f"{name}: strategies disagree: "
                + ", ".join(f"{s} {len(f['rows'])} rows" for s, f in usable.items())
            )
        best = min(usable, key=lambda s: usable[s]["p50_ms"])
        cells = [
            f"{found[s]['p50_ms']:>11.2f} ms" if s in usable else f"{'n/a':>14}" for s in BINDINGS
        ]
        rows = len(next(iter(usable.values()))["rows"])
        print(f"{name:34} " + " ".join(cells) + f"  {best} ({rows} rows)")
        if args.write and len(answers) == 1:
            write_header(args.queries / f"{name}.rq", best)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
