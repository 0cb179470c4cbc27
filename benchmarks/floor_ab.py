"""Two versions of the service and Oxigraph server, interleaved call by call: the request floor.

    python benchmarks/floor_ab.py --a-src /tmp/old/src --a-store A/store \\
        --b-src src --b-store B/store --targets ASK,parks-of-two-places --seconds 5

``peer.py`` compares one service with the peer; a change of a few tens of microseconds in the
request path is smaller than the drift between two of its runs on a shared machine. Here two
``kg serve`` processes — ``--a-src`` and ``--b-src`` are ``src`` folders put first on their
``PYTHONPATH`` (e.g. ``git archive COMMIT src | tar -x -C /tmp/old``; a ``queries`` folder or
link beside it) — each on its own copy of the store (a store is opened by one service only),
and Oxigraph server on A's copy, are called in rotating order on one keep-alive connection
each, for ``--seconds`` per target: thousands of pairs. A is slightly favoured or not by its
position: run it both ways (or with the same source twice) before trusting a difference under
0.1 ms. The answers of A and B are checked to be the same bytes. Targets: ``ASK`` (``ASK {}``)
or a named query with its own defaults (the bundled scale).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402
from peer import Lean, OxigraphServer, peer_text  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.store.named_queries import load_named_queries  # noqa: E402


def calls(target: str, ours: Lean, peer: OxigraphServer) -> tuple[Callable[[], bytes], ...]:
    """(one service's call, the peer's call) for ``target``."""
    if target == "ASK":
        path = "/sparql?" + urlencode({"query": "ASK {}"})
        return (lambda: ours.get(path)), (lambda: peer.query("ASK {}"))
    text = peer_text(load_named_queries(REPO / "queries")[target], {}, Config())
    return (lambda: ours.get(f"/queries/{target}")), (lambda: peer.query(text))


def measure(fns: dict[str, Callable[[], bytes]], seconds: float) -> dict[str, list[float]]:
    """Calls of every side in rotating order for ``seconds``; times in ms per side."""
    for _ in range(10):
        for fn in fns.values():
            fn()
    sides = list(fns.items())
    times: dict[str, list[float]] = {name: [] for name in fns}
    end, turn = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        for name, fn in sides[turn % 3 :] + sides[: turn % 3]:
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)
        turn += 1
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a-src", required=True, help="src folder of version A")
    parser.add_argument("--b-src", required=True, help="src folder of version B")
    parser.add_argument("--a-store", type=Path, required=True)
    parser.add_argument("--b-store", type=Path, required=True, help="another copy of the store")
    parser.add_argument("--targets", default="ASK", help="ASK, named queries (comma-separated)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per target and round")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    servers = {}
    saved = os.environ.get("PYTHONPATH")
    try:
        for side, src, store in (("A", args.a_src, args.a_store), ("B", args.b_src, args.b_store)):
            os.environ["PYTHONPATH"] = str(Path(src).resolve())  # the service and its workers
            servers[side] = run.Server(store, store.parent / f"server-{side}.log")
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    peer = OxigraphServer(args.a_store, run.free_port(), args.a_store.parent / "peer.log")
    try:
        for _ in range(args.rounds):
            for target in args.targets.split(","):
                a, p = calls(target, Lean(servers["A"].port), peer)
                b, _ = calls(target, Lean(servers["B"].port), peer)
                if a() != b():
                    raise SystemExit(f"{target}: A and B answer differently")
                times = measure({"A": a, "B": b, "peer": p}, args.seconds)
                p50 = {side: statistics.median(values) for side, values in times.items()}
                print(
                    f"{target:32s} n={len(times['A']):5d} A {p50['A']:.3f}  B {p50['B']:.3f}  "
                    f"peer {p50['peer']:.3f} ms | A/peer {p50['A'] / p50['peer']:.2f} "
                    f"B/peer {p50['B'] / p50['peer']:.2f} | B-A {p50['B'] - p50['A']:+.3f} ms",
                    flush=True,
                )
    finally:
        peer.stop()
        for server in servers.values():
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
