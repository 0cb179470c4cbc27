"""Write-path benchmark (issue #14): validated writes, loads, validation and restart, side by side.

    python benchmarks/writes.py --scales bundled,1,10 --reps 60 --markdown

For each scale (``bundled`` = the bundled graph alone; a number = the bundled graph plus
``benchmarks/generate.py`` synthetic data at that scale) it measures, in one run:

* ``kg load`` of the synthetic file with SHACL validation on (default) vs ``--no-validate`` vs
  raw ``pyoxigraph.Store.bulk_load`` of the same file into an empty store (triples/s);
* ``kg validate`` of the whole store (seconds);
* through ``kg serve`` (HTTP, keep-alive, SHACL + inference on every write): a one-triple
  ``INSERT DATA`` on ``/update`` and a one-relation Graph Store Protocol ``PUT`` (p50/p99 ms,
  sequential), the same one-triple write again after one 3 MB literal was stored, and
  ``INSERT DATA`` from 4 clients at once (writes/s);
* the same one-triple update with raw ``pyoxigraph.Store.update`` on the same store (no HTTP,
  no validation, no inference) and, when the ``oxigraph`` server is installed (``pip install
  oxigraph``), on Oxigraph's own HTTP server over a copy of the store;
* startup to the first ``/api/places/盐城/partners`` answer: a first start (projection built)
  and a restart after a clean stop (projection restored from disk; ``--restarts N`` of them).

Big scales: ``--prepare-only --keep`` builds the store and, with one first start and clean stop
of ``kg serve``, its saved projection (outside any quiet-machine lock: that takes minutes);
``--reuse --keep --skip build`` then measures writes and restarts on it without a build.

Figures depend on the machine; on a shared machine they are noisy. Results go to
``benchmarks/results/writes-<date>.json``; ``--markdown`` prints the table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

TOKEN = "bench-write-token"
BASE = "http://127.0.0.1:8000/"  # the IRIs the stores are loaded with (KG_BASE_IRI)
PARTNERS = "/api/places/%E7%9B%90%E5%9F%8E/partners"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(statistics.median(ms), 2), "p99_ms": round(pct(ms, 0.99), 2)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env() -> dict[str, str]:
    # the 3 MB literal measurement needs the literal cap (256 K characters) raised
    return {
        **os.environ,
        "KG_WRITE_TOKEN": TOKEN,
        "KG_BASE_IRI": BASE,
        "KG_MAX_LITERAL_CHARS": "4000000",
    }


def kg(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env()
    )
    return time.perf_counter() - t0, done


def count(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE))


class Serve:
    """``kg serve`` on a free port; ``started`` = seconds until the first /partners answer."""

    def __init__(self, store: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log_file = store.with_suffix(".log")
        start = log_file.stat().st_size if log_file.exists() else 0
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "kg", "serve", "--store", str(store)]
        self.process = subprocess.Popen(
            [*cmd, "--port", str(self.port)],
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=open(log_file, "a"),  # noqa: SIM115
        )
        while True:
            try:
                r = requests.get(self.url + PARTNERS, timeout=600)
                if r.status_code == 200:
                    break
            except requests.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError("kg serve exited") from None
                time.sleep(0.05)
        self.started = time.perf_counter() - t0
        with open(log_file, "rb") as handle:
            handle.seek(start)
            #: whether it adopted a saved projection (``kg.web.serving`` says so at start)
            self.restored = b"projection restored" in handle.read()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # clean: the projection is saved
        try:
            self.process.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def relation(i: int, places: tuple[str, str]) -> bytes:
    """A one-relation graph that passes the shapes (labels, parties, source and quote)."""
    return (
        f"@prefix yrd: <{BASE}ontology#> . @prefix prov: <http://www.w3.org/ns/prov#> .\n"
        f"<{BASE}id/relation/bench-put> a yrd:Agreement ;\n"
        f'  <http://www.w3.org/2000/01/rdf-schema#label> "基准协议{i}"@zh-Hans , "bench {i}"@en ;\n'
        f"  yrd:party <{places[0]}> , <{places[1]}> ;\n"
        f"  prov:wasDerivedFrom <{BASE}id/source/s000> ;\n"
        f"  prov:qualifiedDerivation [ prov:entity <{BASE}id/source/s000> ;\n"
        f'    yrd:quote "基准测试引文{i}"@zh-Hans ] .\n'
    ).encode()


def one_triple(i: int, worker: int = 0) -> str:
    return (
        f"INSERT DATA {{ GRAPH <{BASE}graph/bench-writes> {{ <{BASE}id/place/yancheng> "
        f'<http://www.w3.org/2000/01/rdf-schema#comment> "w{worker}-{i}"@en }} }}'
    )


def http_writes(url: str, reps: int, places: tuple[str, str], *, kg_server: bool) -> dict:
    """Sequential one-triple updates and one-relation PUTs, then 4 concurrent clients."""
    auth = {"Authorization": f"Bearer {TOKEN}"} if kg_server else {}
    update_url, store_url = url + "/update", url + "/store"  # the same paths on both servers
    s = requests.Session()
    out: dict[str, Any] = {}
    times = []
    for i in range(reps + 5):
        t0 = time.perf_counter()
        r = s.post(
            update_url,
            data=one_triple(i).encode(),
            headers={**auth, "Content-Type": "application/sparql-update"},
        )
        if i >= 5:
            times.append(time.perf_counter() - t0)
        assert r.status_code in (200, 204), r.text
    out["insert_one"] = summary(times)
    times = []
    graph = f"{BASE}graph/bench-put"
    for i in range(reps + 5):
        t0 = time.perf_counter()
        r = s.put(
            store_url,
            params={"graph": graph},
            data=relation(i, places),
            headers={**auth, "Content-Type": "text/turtle"},
        )
        if i >= 5:
            times.append(time.perf_counter() - t0)
        assert r.status_code in (200, 201, 204), r.text
    out["put_relation"] = summary(times)
    if kg_server:
        # One 3 MB literal stored, then the same one-triple write again: its cost must not
        # follow the size of what the store already holds (it used to copy the store).
        big = (
            f"INSERT DATA {{ GRAPH <{BASE}graph/bench-big> {{ <{BASE}id/place/yancheng> "
            f'<http://www.w3.org/2000/01/rdf-schema#comment> "{"大" * 1_000_000}"@zh-Hans }} }}'
        )
        r = s.post(
            update_url,
            data=big.encode(),
            headers={**auth, "Content-Type": "application/sparql-update"},
        )
        assert r.status_code in (200, 204), r.text
        times = []
        for i in range(reps + 5):
            t0 = time.perf_counter()
            r = s.post(
                update_url,
                data=one_triple(i, 7).encode(),
                headers={**auth, "Content-Type": "application/sparql-update"},
            )
            if i >= 5:
                times.append(time.perf_counter() - t0)
            assert r.status_code in (200, 204), r.text
        out["insert_one_after_3mb_literal"] = summary(times)
    done = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + 10

    def client(worker: int) -> None:
        session, n = requests.Session(), 0
        while time.perf_counter() < stop:
            session.post(
                update_url,
                data=one_triple(n, worker + 1).encode(),
                headers={**auth, "Content-Type": "application/sparql-update"},
            )
            n += 1
        with lock:
            done[0] += n

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["four_clients_writes_per_s"] = round(done[0] / (time.perf_counter() - t0), 1)
    return out


def raw_updates(store: Path, reps: int) -> dict:
    handle = ox.Store(str(store))
    times = []
    for i in range(reps + 5):
        t0 = time.perf_counter()
        handle.update(one_triple(i, 9))
        if i >= 5:
            times.append(time.perf_counter() - t0)
    del handle
    return summary(times)


def oxigraph_server(store: Path, reps: int, places: tuple[str, str]) -> dict | None:
    binary = shutil.which("oxigraph")
    if binary is None:
        return None
    copy = store.with_name(store.name + "-oxigraph")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(copy), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                requests.get(url + "/query", params={"query": "ASK {}"}, timeout=5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        return http_writes(url, reps, places, kg_server=False)
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(copy, ignore_errors=True)


def write_places() -> tuple[str, str]:
    """Two real places of the bundled graph (every scale includes it) for the PUT's parties."""
    return (f"{BASE}id/place/suzhou", f"{BASE}id/place/yancheng")


def prepare(scale: str, args: argparse.Namespace, out: dict[str, Any]) -> Path:
    """A store holding the bundled graph and, for a number, that scale of synthetic data;
    measuring ``kg load`` (validated, ``--no-validate``, raw bulk_load) on the way unless
    ``load`` is skipped (then: one ``kg load --no-validate``)."""
    work = args.workdir / f"x{scale}"
    store = work / "store"
    if args.reuse and store.exists():
        log(f"[{scale}] reusing {store}")
        return store
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log(f"[{scale}] load the bundled graph …")
    seconds, done = kg("load", "--store", str(store))
    assert done.returncode == 0, done.stderr
    out["bundled_load_validated_s"] = round(seconds, 2)
    if scale == "bundled":
        return store
    data = generate.write(float(scale), work / f"syn-x{scale}.ttl", quiet=True)
    if "load" in args.skip:
        log(f"[{scale}] kg load --no-validate of the synthetic data …")
        seconds, done = kg("load", str(data), "--no-validate", "--store", str(store))
        assert done.returncode == 0, done.stderr
        out["kg_load_no_validate_s"] = round(seconds, 1)
        return store
    triples = count(data)
    out["synthetic_triples"] = triples
    log(f"[{scale}] kg load of {triples:,} synthetic triples (validated, then not) …")
    raw_dir = work / "raw"
    t0 = time.perf_counter()
    ox.Store(str(raw_dir)).bulk_load(path=str(data), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    raw_s = time.perf_counter() - t0
    shutil.rmtree(raw_dir, ignore_errors=True)
    plain = work / "plain"
    shutil.copytree(store, plain)
    plain_s, done = kg("load", str(data), "--no-validate", "--store", str(plain))
    assert done.returncode == 0, done.stderr
    shutil.rmtree(plain, ignore_errors=True)
    valid_s, done = kg("load", str(data), "--store", str(store))
    assert done.returncode == 0, done.stderr
    out["load"] = {
        "raw_bulk_load_triples_per_s": round(triples / raw_s),
        "kg_load_no_validate_triples_per_s": round(triples / plain_s),
        "kg_load_validated_triples_per_s": round(triples / valid_s),
        "validated_vs_raw": round(raw_s / valid_s, 2),
    }
    return store


def measure(scale: str, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"scale": scale}
    store = prepare(scale, args, out)
    out["store_quads"] = len(ox.Store.read_only(str(store)))
    saved = store.parent / (store.name + ".projection")
    if args.prepare_only:
        if not saved.exists():  # a first start builds the projection, its clean stop saves it
            log(f"[{scale}] kg serve: first start (projection built and saved) …")
            server = Serve(store)
            out["first_start_to_partners_s"] = round(server.started, 2)
            server.stop()
        return out
    if "validate" not in args.skip:
        log(f"[{scale}] kg validate …")
        seconds, done = kg("validate", "--store", str(store))
        out["kg_validate_s"] = round(seconds, 2)
        out["kg_validate_exit"] = done.returncode
    restarts = []
    if "build" in args.skip:  # the projection a --prepare-only run saved is adopted
        log(f"[{scale}] kg serve: start (projection restored), writes …")
        server = Serve(store)
        restarts.append(server.started)
        if not server.restored:
            server.stop()
            raise RuntimeError(f"{store}: no saved projection was adopted (run --prepare-only)")
    else:
        log(f"[{scale}] kg serve: first start, writes …")
        saved.unlink(missing_ok=True)  # a first start builds the projection
        server = Serve(store)
        out["first_start_to_partners_s"] = round(server.started, 2)
    places = write_places()
    try:
        out["kg_http"] = http_writes(server.url, args.reps, places, kg_server=True)
    finally:
        server.stop()
    for _ in range(args.restarts):
        log(f"[{scale}] restart …")
        server = Serve(store)
        restarts.append(server.started)
        server.stop()
        if not server.restored:
            log(f"[{scale}] warning: the restart rebuilt the projection")
    out["restarts_to_partners_s"] = [round(seconds, 2) for seconds in restarts]
    out["restart_to_partners_s"] = round(statistics.median(restarts), 2)
    log(f"[{scale}] raw pyoxigraph Store.update …")
    out["raw_update_one"] = raw_updates(store, args.reps)
    if "oxigraph" not in args.skip:
        log(f"[{scale}] oxigraph server …")
        out["oxigraph_server"] = oxigraph_server(store, args.reps, places)
    if not args.keep:
        shutil.rmtree(store.parent, ignore_errors=True)
    return out


def markdown(results: list[dict[str, Any]]) -> str:
    def cell(d: dict | None, key: str) -> str:
        if not d:
            return "–"
        v = d.get(key)
        return (
            "–"
            if v is None
            else f"{v['p50_ms']} / {v['p99_ms']}"
            if isinstance(v, dict)
            else str(v)
        )

    rows = [
        "| measure | " + " | ".join(r["scale"] for r in results) + " |",
        "| --- |" + " --- |" * len(results),
        "| synthetic triples loaded | "
        + " | ".join(str(r.get("synthetic_triples", "–")) for r in results)
        + " |",
        "| quads in the store | " + " | ".join(f"{r['store_quads']:,}" for r in results) + " |",
        "| one-triple INSERT DATA, kg `/update` p50 / p99 ms | "
        + " | ".join(cell(r["kg_http"], "insert_one") for r in results)
        + " |",
        "| same, after one 3 MB literal was stored, p50 / p99 ms | "
        + " | ".join(cell(r["kg_http"], "insert_one_after_3mb_literal") for r in results)
        + " |",
        "| same, raw `pyoxigraph.Store.update` p50 / p99 ms | "
        + " | ".join(
            f"{r['raw_update_one']['p50_ms']} / {r['raw_update_one']['p99_ms']}" for r in results
        )
        + " |",
        "| same, Oxigraph server `/update` p50 / p99 ms | "
        + " | ".join(cell(r.get("oxigraph_server"), "insert_one") for r in results)
        + " |",
        "| one-relation GSP PUT, kg `/store` p50 / p99 ms | "
        + " | ".join(cell(r["kg_http"], "put_relation") for r in results)
        + " |",
        "| same, Oxigraph server `/store` p50 / p99 ms | "
        + " | ".join(cell(r.get("oxigraph_server"), "put_relation") for r in results)
        + " |",
        "| 4 clients, kg writes/s | "
        + " | ".join(str(r["kg_http"]["four_clients_writes_per_s"]) for r in results)
        + " |",
        "| 4 clients, Oxigraph server writes/s | "
        + " | ".join(cell(r.get("oxigraph_server"), "four_clients_writes_per_s") for r in results)
        + " |",
        "| first start → first /partners s (projection built) | "
        + " | ".join(str(r.get("first_start_to_partners_s", "–")) for r in results)
        + " |",
        "| restart → first /partners s (projection restored; median of the restarts) | "
        + " | ".join(
            f"{r['restart_to_partners_s']} ({', '.join(map(str, r['restarts_to_partners_s']))})"
            for r in results
        )
        + " |",
        "| `kg load` validated / `--no-validate` / raw bulk_load, triples/s | "
        + " | ".join(
            (
                f"{r['load']['kg_load_validated_triples_per_s']:,} / "
                f"{r['load']['kg_load_no_validate_triples_per_s']:,} / "
                f"{r['load']['raw_bulk_load_triples_per_s']:,}"
            )
            if "load" in r
            else "–"
            for r in results
        )
        + " |",
        "| `kg validate` whole store s | "
        + " | ".join(str(r.get("kg_validate_s", "–")) for r in results)
        + " |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="bundled,1", help="bundled and/or synthetic scales")
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench-writes")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="only build the stores and their saved projections (with --keep: a later --reuse "
        "run measures on them)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure on stores kept before")
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated: load (no load comparison), validate, oxigraph, build (the first "
        "start adopts the projection --prepare-only saved instead of building it: minutes at "
        "100x; it counts as one more restart)",
    )
    parser.add_argument("--restarts", type=int, default=1, help="restarts measured (median)")
    args = parser.parse_args(argv)
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    results = [measure(s.strip(), args) for s in args.scales.split(",") if s.strip()]
    out = (
        args.out or REPO / "benchmarks" / "results" / f"writes-{time.strftime('%Y%m%d-%H%M')}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"results: {out}")
    print(markdown(results) if args.markdown else json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
