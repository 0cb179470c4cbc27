"""Concurrent load on a running (or spawned) ``kg serve``, loopback only, bounded in time and count.

    python benchmarks/load_test.py                          # spawn a server on the bundled graph
    python benchmarks/load_test.py --url http://127.0.0.1:8000 --clients 16 --seconds 30

N client threads (keep-alive sessions) pick requests at random from a mix of named queries
(``/queries/<name>`` with their default parameters), SPARQL queries (``/sparql``), and — when the
server has them — traversal (``/api/places/…/partners``, ``/api/path``, ``/api/metrics``) and
export (``/api/export``) calls, until ``--seconds`` (≤ 60) or ``--max-requests`` is reached.
Prints requests/s, p50/p90/p99 latency per kind and overall, and the errors (non-2xx, timeouts).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[1]

SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?c ?label WHERE { ?c a ?type ; rdfs:label ?label } LIMIT 50",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "ASK { ?s rdfs:label ?l }",
    "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 100",
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def build_mix(url: str) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, path, params) requests that the server actually offers."""
    mix: list[tuple[str, str, dict[str, str]]] = [
        ("sparql", "/sparql", {"query": q}) for q in SPARQL
    ]
    catalogue = requests.get(url + "/queries", timeout=30).json().get("queries", [])
    for q in catalogue:
        mix.append(("named", f"/queries/{q['name']}", {}))
    spec = requests.get(url + "/openapi.json", timeout=30)
    paths = spec.json().get("paths", {}) if spec.ok else {}
    place = None
    if "/api/metrics" in paths:
        mix.append(("traversal", "/api/metrics", {"top": "20", "format": "json"}))
        r = requests.get(url + "/api/metrics", params={"top": "5", "format": "json"}, timeout=30)
        if r.ok:
            places = r.json().get("places", [])
            place = places[0]["id"] if places else None
            other = places[1]["id"] if len(places) > 1 else None
            if place:
                mix.append(("traversal", f"/api/places/{place}/partners", {"format": "json"}))
            if place and other:
                mix.append(("traversal", "/api/path", {"from": place, "to": other}))
    if "/api/export" in paths:
        mix.append(("export", "/api/export", {"format": "json"}))
        if place:
            mix.append(("export", "/api/export", {"place": place, "depth": "1", "format": "gexf"}))
    return mix


def run(url: str, clients: int, seconds: float, max_requests: int, seed: int) -> int:
    mix = build_mix(url)
    kinds = sorted({k for k, _, _ in mix})
    print(
        f"mix: {len(mix)} distinct requests ({', '.join(kinds)}); {clients} clients, "
        f"up to {seconds:g} s / {max_requests} requests against {url}"
    )
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    samples: list[str] = []
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        rnd = random.Random(seed + n)
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            kind, path, params = rnd.choice(mix)
            t0 = time.perf_counter()
            try:
                r = session.get(url + path, params=params, timeout=60)
                ok = 200 <= r.status_code < 300
                _ = r.content
                label = f"{r.status_code} {path}"
            except requests.RequestException as err:
                ok, label = False, f"{type(err).__name__} {path}"
            elapsed = time.perf_counter() - t0
            with lock:
                latencies[kind].append(elapsed)
                if not ok:
                    errors[kind] += 1
                    if len(samples) < 5:
                        samples.append(label)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    everything = [x for v in latencies.values() for x in v]
    total_errors = sum(errors.values())
    print(
        f"\n{'kind':<10} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'mean ms':>8}"
    )
    for kind in [*kinds, "all"]:
        values = everything if kind == "all" else latencies.get(kind, [])
        errs = total_errors if kind == "all" else errors.get(kind, 0)
        if not values:
            continue
        print(
            f"{kind:<10} {len(values):>9} {errs:>7} {1000 * percentile(values, 0.5):>8.1f} "
            f"{1000 * percentile(values, 0.9):>8.1f} {1000 * percentile(values, 0.99):>8.1f} "
            f"{1000 * statistics.fmean(values):>8.1f}"
        )
    rate = len(everything) / wall
    print(f"\n{len(everything)} requests in {wall:.1f} s = {rate:.1f} requests/s;", end=" ")
    print(f"{total_errors} errors")
    for sample in samples:
        print("  error:", sample)
    return 1 if total_errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="A running service (loopback only); default: spawn one.")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0, help="At most 60.")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2, help="Query workers of a spawned server.")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    seconds = min(args.seconds, 60.0)
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            parser.error("load tests run against loopback only (127.0.0.1/localhost)")
        return run(args.url.rstrip("/"), args.clients, seconds, args.max_requests, args.seed)
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import start_server  # the same spawning as the test suite

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "store", args=["--workers", str(args.workers)])
        try:
            return run(server.url, args.clients, seconds, args.max_requests, args.seed)
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
