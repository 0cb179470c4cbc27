"""Three figures of the hostile-load work, on a fresh ``kg serve`` (loopback only, ~2 minutes).

    python benchmarks/hostile.py                       # this checkout
    python benchmarks/hostile.py --src /path/to/src    # another checkout's kg (e.g. the commit
                                                       # before, for the "before" column)
    python benchmarks/hostile.py --floor OLD/src [...]  # only the ASK {} floor, A/B: every
                                                       # server up at once, measured in turns

1. the HTTP floor: ``ASK {}`` through a query worker, one keep-alive client, p50/p99;
2. ``/api/graph`` p50/p99 while 12 slow queries are in flight — from one client, then from 12
   (distinct loopback addresses: per-client caps then no longer apply);
3. with 150 idle sockets open (sending nothing), how long a new connection's request takes.

Figures depend on the machine; on a shared one, run before/after back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from soak import SLOW, Client, percentile, start_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def spawn(workdir: Path, src: Path | None) -> tuple[subprocess.Popen[bytes], int]:
    """``kg serve`` of ``src`` (or this checkout) on a new store, answering."""
    return start_server(workdir, secrets.token_hex(8), src)


def timed(
    client: Client, path: str, reps: int, pause: float = 0.0, budget_s: float = 120
) -> dict[str, float]:
    """p50/p99 of ``reps`` GETs (fewer if ``budget_s`` runs out: a stalled server)."""
    seconds: list[float] = []
    failed = 0
    end = time.monotonic() + budget_s
    for _ in range(reps):
        status, _, took = client.request("GET", path)
        seconds.append(took)
        failed += status != 200
        if pause:
            time.sleep(pause)
        if time.monotonic() > end:
            break
    return {
        "n": len(seconds),
        "failed": failed,
        "p50_ms": round(percentile(seconds, 0.5) * 1000, 2),
        "p99_ms": round(percentile(seconds, 0.99) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
    }


def under_flood(port: int, sources: list[str], seconds: float) -> dict[str, object]:
    stop = threading.Event()
    outcomes: dict[str, int] = {}

    def slow(source: str) -> None:
        client = Client(port, source, timeout=120)
        while not stop.is_set():
            status, _, _ = client.request("GET", "/sparql?query=" + quote(SLOW))
            outcomes[str(status)] = outcomes.get(str(status), 0) + 1
            if status != 200:
                stop.wait(0.25)
        client.close()

    threads = [threading.Thread(target=slow, args=(s,), daemon=True) for s in sources]
    for t in threads:
        t.start()
    time.sleep(2)
    client = Client(port, "127.0.0.1")
    reps = int(seconds / 0.05)
    figures = timed(client, "/api/graph", reps, pause=0.03, budget_s=seconds)
    stop.set()
    client.close()
    return {"api_graph": figures, "slow_query_outcomes": outcomes}


def idle_flood(port: int, count: int = 150) -> dict[str, object]:
    socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
    time.sleep(0.5)
    seconds = []
    for _ in range(3):
        client = Client(port, "127.0.0.1", timeout=15)
        status, _, took = client.request("GET", "/api/graph")
        client.close()
        seconds.append(took if status == 200 else float("inf"))  # inf: no answer in 15 s
    for s in socks:
        s.close()
    return {"idle_sockets": count, "new_request_ms": [round(x * 1000, 1) for x in seconds]}


def floor_ab(srcs: list[Path | None], rounds: int, reps: int, tmp: Path) -> dict[str, object]:
    """The ``ASK {}`` floor of several checkouts, fairly: all servers up side by side, measured
    in turns (order reversed every round) so a change in the machine's load hits each alike.
    Per server: the median over rounds of each round's p50 and p99, and every round's p50."""
    servers = []
    try:
        for i, src in enumerate(srcs):
            workdir = tmp / f"s{i}"
            workdir.mkdir()
            servers.append((str(src or "this checkout"), *spawn(workdir, src)))
        clients = [Client(port, "127.0.0.1") for _, _, port in servers]
        path = "/sparql?query=" + quote("ASK {}")
        for client in clients:
            timed(client, path, 100)  # warm-up: worker caches, first-request costs
        rows: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in servers}
        for r in range(rounds):
            turn = list(zip(servers, clients, strict=True))
            for (name, _, _), client in turn if r % 2 == 0 else reversed(turn):
                rows[name].append(timed(client, path, reps))
        for client in clients:
            client.close()
    finally:
        for _, process, _ in servers:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    def median(values: list[float]) -> float:
        return round(sorted(values)[len(values) // 2], 2)

    return {
        name: {
            "p50_ms": median([f["p50_ms"] for f in figures]),
            "p99_ms": median([f["p99_ms"] for f in figures]),
            "p50_ms_rounds": [f["p50_ms"] for f in figures],
            "failed": sum(int(f["failed"]) for f in figures),
        }
        for name, figures in rows.items()
    } | {"rounds": rounds, "reps": reps, "load_avg": os.getloadavg()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--src", type=Path, help="the kg package's parent folder to serve")
    parser.add_argument("--reps", type=int, default=500, help="ASK {} repetitions")
    parser.add_argument("--seconds", type=float, default=15, help="per flood measurement")
    parser.add_argument(
        "--floor",
        type=Path,
        nargs="+",
        metavar="SRC",
        help="only the ASK {} floor: these checkouts' src folders against this one, in turns",
    )
    parser.add_argument("--rounds", type=int, default=8, help="--floor: turns per server")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.floor:
        with tempfile.TemporaryDirectory(prefix="kg-floor-") as tmp:
            floor = floor_ab([*args.floor, None], args.rounds, args.reps, Path(tmp))
        print(json.dumps(floor, indent=2))
        if args.json:
            args.json.write_text(json.dumps(floor, indent=2), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory(prefix="kg-hostile-") as tmp:
        process, port = spawn(Path(tmp), args.src)
        try:
            client = Client(port, "127.0.0.1")
            timed(client, "/sparql?query=" + quote("ASK {}"), 50)  # warm-up
            result: dict[str, object] = {
                "server": str(args.src or "this checkout"),
                "floor_ask": timed(client, "/sparql?query=" + quote("ASK {}"), args.reps),
                "api_graph_quiet": timed(client, "/api/graph", 200, pause=0.03),
            }
            client.close()
            result["idle"] = idle_flood(port)
            time.sleep(6)  # let the idle timeout clear them (old servers: they stay)
            result["flood_one_client"] = under_flood(port, ["127.0.4.1"] * 12, args.seconds)
            result["flood_12_clients"] = under_flood(
                port, [f"127.0.5.{i}" for i in range(1, 13)], args.seconds
            )
            result["load_avg"] = os.getloadavg()
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
