"""Side-by-side benchmark of the service on the synthetic graph (see benchmarks/README.md).

    python benchmarks/run.py --scales 1,10,100 --reps 50
    python benchmarks/run.py --quick                      # smallest scale, few reps (CI smoke)
    python benchmarks/run.py --scales bundled,10,100 --peer oxigraph-server --peer-only \
        --data 10=syn-x10.ttl --store 100=COPY-OF-A-100x-STORE --reps bundled=30,10=5,100=2
                                                          # issue 19's one interleaved run

``bundled`` is the shipped graph alone; ``--store SCALE=DIR`` serves an existing store as it is
(no load, nothing timed about loading; kg serve opens it read-write, so pass a copy);
``--data SCALE=FILE`` loads that file instead of generating one; ``--reps``, ``--warmup`` and
``--budget`` take one value or per-scale values (``benchmarks/scales.py``).

For each scale it generates ``var/bench/syn-xSCALE.ttl`` (if missing), then measures, on the
same data and the same queries:

* load: ``kg load`` (the real CLI, in a subprocess, into a fresh on-disk store that already holds
  the ontology and the bundled graph) vs. raw ``pyoxigraph.Store.bulk_load`` of the same file
  (with ``--peer``: vs. ``oxigraph load``), ``--load-reps`` interleaved pairs (3), every run,
  the medians and their ratio reported (``load_pairs.py``); the last ``kg load``'s store is
  the one served;
* every named query (``queries/*.rq``) and partners / path / neighbourhood calls: raw in-process
  pyoxigraph (read-only handle on the same store; the time includes reading every row) vs. the
  HTTP endpoint of a real spawned ``kg serve`` (one client, keep-alive) vs. rdflib's in-memory
  SPARQL on the smallest scale only (the "rdflib slice"). The named queries and the HTTP floor
  are timed with a lean keep-alive client (stdlib ``http.client``, whole body read, status
  checked): ``requests.Session`` spends 1–3 ms of client-side Python per call here (proxy
  look-ups in the environment, cookie jar, hooks, urllib3), more than the whole 1 ms allowance of
  the target, and none of it is the service's. The floor is also timed with ``requests`` so the
  difference stays visible (``http_floor_requests``); traversal calls use the lean client too;
* the projection build (cold, in-process) — what happens after every write;
* export of the whole network to GEXF and GeoJSON (``/api/export`` when the server has it, else
  networkx ``write_gexf`` on the projection);
* peak RSS of the server process and of its query workers.

Before anything is timed on a served store, the run waits until RocksDB has stopped compacting
it (its SST files unchanged for ``--store-quiet`` seconds, 5) and the query workers read a
checkpoint of the compacted files (``settle.py``), then until the CPU is quiet.

Timings are medians (p50) and 99th percentiles over ``--reps`` repetitions after warm-up; the
machine is shared, so compare medians. Results go to ``benchmarks/results/<stamp>.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import load_pairs  # noqa: E402
import peer  # noqa: E402
import scales as scale_opts  # noqa: E402
import settle as store_settle  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.store.named_queries import load_named_queries  # noqa: E402

RESULTS = HERE / "results"
TOKEN = "bench-token"
SPARQL_JSON = "application/sparql-results+json"

# -- small helpers -----------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timeit(fn: Callable[[], Any], reps: int, warmup: int, budget_s: float = 120.0) -> dict:
    """p50/p99 in ms; stops early (and says so) when a call is so slow the budget runs out."""
    started = time.perf_counter()
    for _ in range(warmup):  # warm-up is bounded by the budget too (slow calls at scale)
        fn()
        if time.perf_counter() - started > budget_s / 10:
            break
    times: list[float] = []
    started = time.perf_counter()
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > budget_s:  # n says how many runs it got
            break
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(percentile(times, 0.99), 3),
        "min_ms": round(min(times), 3),
        "n": len(times),
    }


def rss_mb(pid: int) -> dict[str, float]:
    """Current and peak (VmHWM) resident memory of a process, from /proc (Linux)."""
    out = {"rss_mb": float("nan"), "peak_mb": float("nan")}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return out
    for key, name in (("VmRSS", "rss_mb"), ("VmHWM", "peak_mb")):
        match = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
        if match:
            out[name] = round(int(match.group(1)) / 1024, 1)
    return out


def children_of(pid: int) -> list[int]:
    try:
        import psutil

        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except Exception:  # noqa: BLE001 - psutil is optional: fall back to /proc
        kids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                if re.search(rf"^PPid:\s+{pid}$", status.read_text(), re.M):
                    kids.append(int(status.parent.name))
            except OSError:
                continue
        return kids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of processes, from /proc (Linux); gone ones count 0."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


class RssSampler:
    """Samples the RSS of a process tree while a block runs; ``peak_mb`` above the baseline."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0.0
        self._stop = threading.Event()

    def _total(self) -> float:
        return sum(rss_mb(p)["rss_mb"] for p in [self.pid]) or 0.0

    def __enter__(self) -> RssSampler:
        self.baseline = self._total()
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._total())
            time.sleep(self.interval)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._total())

    @property
    def delta_mb(self) -> float:
        return round(self.peak - self.baseline, 1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """This Python in a fresh process, in the repository: measurements that must not share the
    benchmark's own process (its memory, its open stores)."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )


def kg(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return python("-m", "kg", *args, env=env)


# -- the service -------------------------------------------------------------------------------


class Server:
    def __init__(
        self, store: Path, log_path: Path, store_quiet_s: float = store_settle.QUIET_S
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(store)]
            + ["--port", str(self.port)],
            stdout=open(log_path, "wb"),  # noqa: SIM115 - the child owns it
            stderr=subprocess.STDOUT,
            env={**os.environ, "KG_WRITE_TOKEN": TOKEN},
            cwd=REPO,
        )
        self.session = requests.Session()
        self.lean: http.client.HTTPConnection | None = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited early:\n{log_path.read_text()}")
            try:
                if self.session.get(self.url + "/sparql", params={"query": "ASK {}"}).ok:
                    self.settled = self.settle_store(store, store_quiet_s)
                    self.settled["cpu_wait_s"] = self.settle()
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"kg serve did not come up:\n{log_path.read_text()}")

    def settle_store(self, store: Path, quiet_s: float) -> dict[str, Any]:
        """Wait until RocksDB has finished compacting the freshly opened store and the query
        workers read a checkpoint of the compacted files (``benchmarks/settle.py``): timings
        taken in that window measure the compaction. ``quiet_s`` ≤ 0 skips it."""
        if quiet_s <= 0:
            return {"skipped": True}
        out = store_settle.wait_for_quiet_store(store, quiet_s=quiet_s, log=log)
        out.update(
            store_settle.wait_for_checkpoint(
                store, lambda: self.fetch("/sparql", params={"query": "ASK {}"})
            )
        )
        verdict = "gave up waiting" if out["timed_out"] else "quiet"
        log(
            f"  store {verdict} after {out['waited_s']} s ({out['changes']} SST changes over "
            f"{out['compacting_s']} s, then {quiet_s:g} s unchanged; {out['sst_files']} SST "
            f"files, {out['sst_mb']} MB); workers on checkpoint {out['checkpoint']}"
            + ("" if out["checkpoint_matches_store"] else " (NOT the live files)")
        )
        return out

    def settle(self, quiet_share: float = 0.05, longest_s: float = 30.0) -> float:
        """Wait until the service's start-up work is over (with writes enabled a background
        thread imports pyshacl, a second or more of CPU holding the GIL): timings taken
        meanwhile measure the start-up, not the request path. Done when the process tree used
        under ``quiet_share`` of a CPU for half a second. Returns the seconds waited."""
        started = time.monotonic()
        deadline = started + longest_s
        before = cpu_seconds([self.process.pid, *children_of(self.process.pid)])
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = cpu_seconds([self.process.pid, *children_of(self.process.pid)])
            if now - before < quiet_share * 0.5:
                break
            before = now
        return round(time.monotonic() - started, 1)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.get(self.url + path, **kwargs)
        response.raise_for_status()
        return response

    def fetch(
        self, path: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> bytes:
        """GET on one lean keep-alive connection (stdlib): what the named-query timings use, so
        they measure the service rather than the client library (see the module docstring)."""
        target = path + ("?" + urlencode(params) if params else "")
        for attempt in (1, 2):
            reused = self.lean is not None
            if self.lean is None:
                self.lean = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
            try:
                self.lean.request("GET", target, headers=headers or {})
                response = self.lean.getresponse()
                body = response.read()
                break
            except (OSError, http.client.HTTPException) as err:
                self.lean.close()  # a broken connection is reopened
                self.lean = None
                # the server closes a keep-alive connection idle for longer than its channel
                # timeout (waitress: 120 s, e.g. while a slow raw query ran): reconnect once,
                # as requests/urllib3 do
                stale = isinstance(
                    err, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
                )
                if not (reused and stale and attempt == 1):
                    raise
        if response.status >= 400:
            raise requests.HTTPError(f"{response.status} for {target}: {body[:300]!r}")
        return body

    def memory(self) -> dict[str, Any]:
        workers = [rss_mb(p) for p in children_of(self.process.pid)]
        main = rss_mb(self.process.pid)
        return {
            "server_rss_mb": main["rss_mb"],
            "server_peak_mb": main["peak_mb"],
            "workers": len(workers),
            "workers_peak_mb": [w["peak_mb"] for w in workers],
        }

    def stop(self) -> None:
        self.session.close()
        if self.lean is not None:
            self.lean.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:  # a clean stop saves the projection for the next start: 135 s at 100x
                self.process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- what is measured ----------------------------------------------------------------------------


def count_triples(path: Path, base: str) -> int:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base)
    return len(store)


RAW_LOAD = """
import sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
t0 = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.TURTLE, base_iri=sys.argv[3],
                to_graph=ox.NamedNode(sys.argv[3] + "graph/bench"))
store.flush()
print(time.perf_counter() - t0, len(store))
"""


def bundled_base(workdir: Path) -> Path:
    """A store holding the bundled graph (untimed), copied for every timed ``kg load``."""
    base_store = workdir / "base-store"
    shutil.rmtree(base_store, ignore_errors=True)
    bundled = [d for d in ("ontology", "graph_data") if (REPO / d).is_dir()]
    done = kg("load", "--no-validate", "--store", str(base_store), *bundled)  # not timed
    if done.returncode != 0:  # the bundled data is being edited by others: the ontology suffices
        log(f"  bundled graph did not load ({done.stderr.strip()[-200:]}); using ontology/ only")
        shutil.rmtree(base_store, ignore_errors=True)
        done = kg("load", "--store", str(base_store), "ontology")
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
    return base_store


def kg_load_once(base_store: Path, store: Path, data: Path, validate: str | None) -> dict[str, Any]:
    """One timed ``kg load`` of ``data`` into a fresh copy of ``base_store`` at ``store``."""
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(base_store, store)
    t0 = time.perf_counter()
    done = kg("load", *([validate] if validate else []), "--store", str(store), str(data))
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    pattern = r"loaded .*?, ([\d,]+) triples, ([\d,]+) inferred, in ([\d.]+) s"
    match = re.search(pattern, done.stdout)
    # kg prints "  FILE: N triples in S s": the file's own load, before counts and inference
    per_file = re.search(re.escape(data.name) + r": ([\d,]+) triples in ([\d.]+) s", done.stderr)
    return {
        "s": float(match.group(3)) if match else wall,  # the time kg load reports
        "wall_s": wall,
        "file_s": float(per_file.group(2)) if per_file else None,
        "triples": int(match.group(1).replace(",", "")) if match else 0,
        "inferred": int(match.group(2).replace(",", "")) if match else 0,
        "validated": "validation skipped" not in done.stdout,
    }


def raw_load_once(data: Path, workdir: Path, base: str) -> dict[str, Any]:
    """One raw ``pyoxigraph.Store.bulk_load`` of ``data`` into a fresh store (in a child)."""
    raw_dir = workdir / "raw-store"
    shutil.rmtree(raw_dir, ignore_errors=True)
    raw = python("-c", RAW_LOAD, str(raw_dir), str(data), base)
    raw.check_returncode()
    shutil.rmtree(raw_dir, ignore_errors=True)
    raw_seconds, raw_triples = raw.stdout.split()
    return {"s": float(raw_seconds), "triples": int(raw_triples)}


def measure_load(
    data: Path,
    workdir: Path,
    base: str,
    validate: str | None = None,
    reps: int = 1,
    with_peer: bool = False,
    with_raw: bool = True,
) -> tuple[dict[str, Any], Path, dict[str, Any] | None]:
    """``kg load`` into a fresh store holding the bundled graph, ``reps`` times, interleaved with
    the loader it is compared with (``oxigraph load`` ``with_peer``, else raw bulk_load;
    ``benchmarks/load_pairs.py``). The store served afterwards is the last ``kg load``'s, so
    nothing is loaded only to be served. With the peer, raw bulk_load runs once, and not at all
    unless ``with_raw`` (``--peer-only`` prints no raw figures). Returns the load figures
    (medians), that store, and with the peer its side of the pairs (``peer_load`` turns it
    into the load ratio)."""
    base_store = bundled_base(workdir)
    store = workdir / "store"
    log(f"  {data.name} ({data.stat().st_size / 1e6:.0f} MB): {reps} interleaved load pair(s)")
    loaders: dict[str, load_pairs.Loader] = {
        "kg": lambda i: kg_load_once(base_store, store, data, validate)
    }
    if with_peer:
        loaders["oxigraph"] = lambda i: {
            "s": peer.oxigraph_load(data, workdir, base)["oxigraph_load_s"]
        }
    else:
        loaders["raw"] = lambda i: raw_load_once(data, workdir, base)
    pairs = load_pairs.interleave(reps, loaders, log)
    kg_runs = pairs["runs"]["kg"]
    peer_side = None
    if with_peer:
        peer_side = {
            "oxigraph_load_runs_s": load_pairs.seconds(pairs["runs"]["oxigraph"]),
            "order": pairs["order"],
        }
        # The same load without the SHACL check (inference still on), which oxigraph load does
        # not do either: the ratio is "with inference on"; validation is reported
        # apart. One run, beside the pairs' medians.
        log("  kg load --no-validate (same file, fresh store, one run) …")
        plain_store = workdir / "no-validate-store"
        plain = kg_load_once(base_store, plain_store, data, "--no-validate")
        shutil.rmtree(plain_store, ignore_errors=True)
        peer_side["kg_load_no_validate_s"] = round(plain["s"], 2)
        raw_runs = []
        if with_raw:
            log(f"  raw bulk_load {data.name} (one run, for the non-peer figures) …")
            raw_runs = [raw_load_once(data, workdir, base)]
    else:
        raw_runs = pairs["runs"]["raw"]
    kg_times = load_pairs.seconds(kg_runs)
    raw_times = load_pairs.seconds(raw_runs)
    kg_seconds = statistics.median(kg_times)
    file_times = load_pairs.seconds(kg_runs, "file_s")
    file_seconds = statistics.median(file_times) if len(file_times) == len(kg_runs) else None
    triples = kg_runs[-1]["triples"]
    kg_rate = triples / kg_seconds
    result = {
        "triples": triples,
        "inferred": kg_runs[-1]["inferred"],
        "validated": kg_runs[-1]["validated"],
        "reps": reps,
        "kg_load_s": round(kg_seconds, 2),  # the median of the runs
        "kg_load_runs_s": kg_times,
        "kg_load_wall_s": load_pairs.median(load_pairs.seconds(kg_runs, "wall_s")),
        "kg_file_load_s": round(file_seconds, 2) if file_seconds else None,
        "inference_and_counts_s": round(kg_seconds - file_seconds, 2) if file_seconds else None,
        "kg_triples_per_s": round(kg_rate),
        "served_store": f"the last kg load (run {reps} of {reps})",
    }
    if raw_runs:
        raw_rate = raw_runs[-1]["triples"] / statistics.median(raw_times)
        result.update(
            raw_bulk_load_s=load_pairs.median(raw_times),
            raw_bulk_load_runs_s=raw_times,
            raw_triples_per_s=round(raw_rate),
            kg_vs_raw=round(kg_rate / raw_rate, 3),
        )
    shutil.rmtree(base_store, ignore_errors=True)
    return result, store, peer_side


def raw_store(store: Path) -> tuple[ox.Store, dict[str, Any]]:
    config = Config(store=str(store))
    handle = ox.Store.read_only(str(store))
    kwargs = {
        "base_iri": config.base_iri,
        "prefixes": config.prefixes(),
        "use_default_graph_as_union": True,
    }
    return handle, kwargs


def consume(result: Any) -> int:
    """Read every value of a result, as a client of the store would."""
    n = 0
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for solution in result:
            for name in names:
                solution[name]
            n += 1
    elif isinstance(result, ox.QueryBoolean):
        n = int(bool(result))
    else:
        for _triple in result:
            n += 1
    return n


def bench_bindings(query: Any, base: str, places: dict[str, str]) -> dict[str, str]:
    """Defaults of the named query, with place parameters pointed at synthetic places."""
    params: dict[str, str] = {}
    for p in query.parameters:
        value = p.default or ""
        if p.type in ("iri", "place") and "id/place/" in value:
            other = "far" if params else "hub"  # a second place parameter gets another place
            if any(v == places["hub"] for v in params.values()):
                other = "far"
            value = places[other]
        params[p.name] = value
    return params


PARTNERS_SPARQL = """
SELECT ?partner ?rel ?cls WHERE {
  ?rel yrd:party <%s> , ?partner ; a ?cls .
  ?cls rdfs:subClassOf* yrd:CooperationRelation .
  FILTER(?partner != <%s>)
}"""

NEIGHBOURS_SPARQL = """
SELECT DISTINCT ?from ?to WHERE {
  VALUES ?from { %s }
  ?rel yrd:party ?from , ?to . FILTER(?from != ?to)
}"""


def raw_path(run: Callable[[str], Any], source: str, target: str, max_hops: int = 6) -> int:
    """Breadth-first search in SPARQL, one query per level: what a client without the
    projection would do. Returns the hop count (or -1)."""
    seen, frontier = {source}, [source]
    for hop in range(1, max_hops + 1):
        values = " ".join(f"<{f}>" for f in frontier)
        nxt = []
        for row in run(NEIGHBOURS_SPARQL % values):
            node = row["to"].value if hasattr(row["to"], "value") else str(row["to"])
            if node == target:
                return hop
            if node not in seen:
                seen.add(node)
                nxt.append(node)
        if not nxt:
            return -1
        frontier = nxt
    return -1


def rdflib_dataset(handle: ox.Store) -> Any:
    """Everything the store holds (bundled graph, synthetic graph, inferences) in rdflib."""
    import io

    import rdflib

    buffer = io.BytesIO()
    handle.dump(buffer, ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=buffer.getvalue(), format="nquads")
    return dataset


def to_rdflib(term: Any) -> Any:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(term.value)


def measure_scale(scale: float, args: argparse.Namespace, with_rdflib: bool) -> dict[str, Any]:
    if scale == scale_opts.BUNDLED or scale in args.stores:
        return measure_served_only(scale, args)
    base = Config().base_iri
    workdir = args.workdir / f"x{scale:g}"
    workdir.mkdir(parents=True, exist_ok=True)
    data = args.datas.get(scale) or args.workdir / f"syn-x{scale:g}.ttl"
    if not data.exists():
        log(f"generating scale {scale:g} …")
        generate.write(scale, data, quiet=True)
    size_mb = round(data.stat().st_size / 1e6, 1)
    out: dict[str, Any] = {"scale": scale, "file": data.name, "file_mb": size_mb}
    places = {k: base + v for k, v in generate.bench_places(scale).items()}
    out["places"] = places

    log(f"scale {scale:g}: load")
    args.big = scale >= 50
    out["load"], store, peer_side = measure_load(
        data,
        workdir,
        base,
        "--no-validate" if args.quick else None,
        reps=args.load_reps,
        with_peer=bool(args.peer),
        with_raw=not args.peer_only,
    )
    raw_rate = out["load"].get("raw_triples_per_s")
    log(
        f"  kg load {out['load']['kg_triples_per_s']:,} triples/s (median of "
        f"{out['load']['reps']})" + (f", raw bulk_load {raw_rate:,} triples/s" if raw_rate else "")
    )

    if peer_side is not None:
        out["peer"] = {"load": peer_load(out["load"], peer_side)}
    log(f"scale {scale:g}: starting kg serve")
    server = Server(store, workdir / "server.log", args.store_quiet)
    out["settle"] = server.settled
    try:
        if args.peer:
            out["peer"].update(measure_peer(server, store, workdir, scale, args))
            if args.peer_only:
                return out
        out["server_memory_idle"] = server.memory()
        t0 = time.perf_counter()
        summary = server.get("/api/graph").json()
        out["projection"] = {
            "first_request_s": round(time.perf_counter() - t0, 2),
            "places": summary.get("places"),
            "edges": summary.get("edges"),
            "relations": summary.get("relations"),
        }
        log(f"  first /api request (projection build) {out['projection']['first_request_s']} s")

        handle, kwargs = raw_store(store)
        out["store_triples"] = len(handle)

        def raw_select(text: str, bindings: dict[str, Any] | None = None) -> list[Any]:
            subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
            return list(handle.query(text, substitutions=subs, **kwargs))

        rdf = None
        if with_rdflib:
            log("  rdflib slice: the whole store at this scale, parsed into an rdflib Dataset …")
            t0 = time.perf_counter()
            rdf = rdflib_dataset(handle)
            out["rdflib_slice"] = {
                "what": f"the whole store at scale {scale:g} (all graphs, N-Quads dump)",
                "quads": len(handle),
                "parse_s": round(time.perf_counter() - t0, 2),
            }
        prefixes = Config().prefixes()

        def rdflib_run(text: str, bindings: dict[str, Any] | None = None) -> int:
            result = rdf.query(
                text,
                initNs=prefixes,
                base=base,
                initBindings={k: to_rdflib(v) for k, v in (bindings or {}).items()},
            )
            return len(list(result)) if result.type != "ASK" else int(result.askAnswer)

        reps, warmup = args.reps, args.warmup
        rdflib_budget = 3.0 if args.quick else 10.0
        # the floor: the cheapest request the server answers (ASK {} through a query worker)
        out["http_floor"] = timeit(
            lambda: server.fetch("/sparql", params={"query": "ASK {}"}), reps, warmup
        )
        out["http_floor_requests"] = timeit(
            lambda: server.get("/sparql", params={"query": "ASK {}"}).content, reps, warmup
        )
        log(
            f"  HTTP floor (ASK {{}}) p50 {out['http_floor']['p50_ms']} ms "
            f"(with requests.Session: {out['http_floor_requests']['p50_ms']} ms)"
        )
        # -- named queries -------------------------------------------------------------------
        named: dict[str, Any] = {}
        for name, query in load_named_queries(REPO / "queries").items():
            params = bench_bindings(query, base, generate.bench_places(scale))
            bindings = query.bindings(params, base)
            subs = {ox.Variable(k): v for k, v in bindings.items()}
            log(f"  named query {name} …")
            entry: dict[str, Any] = {"params": params}
            ways: dict[str, Callable[[], Any]] = {
                "raw": lambda q=query, s=subs: consume(
                    handle.query(q.text, substitutions=s, **kwargs)
                ),
                "http": lambda n=name, p=params: server.fetch(
                    f"/queries/{n}", params=p, headers={"Accept": SPARQL_JSON}
                ),
            }
            if rdf is not None and not args.quick:  # rdflib takes seconds on some: not in CI
                ways["rdflib"] = lambda q=query, b=bindings: rdflib_run(q.text, b)
            for way, fn in ways.items():
                try:
                    if way == "raw":
                        entry["rows"] = consume(
                            handle.query(query.text, substitutions=subs, **kwargs)
                        )
                    slow = way == "rdflib"
                    entry[way] = timeit(
                        fn,
                        reps,
                        0 if slow else warmup,
                        budget_s=rdflib_budget if slow else args.budget,
                    )
                except Exception as err:  # noqa: BLE001 - e.g. an rdflib SPARQL limitation
                    entry[f"{way}_error"] = f"{type(err).__name__}: {err}"[:300]
                    log(f"    {way} failed: {entry[f'{way}_error']}")
            named[name] = entry
        out["named_queries"] = named

        # -- traversal -------------------------------------------------------------------------
        traversal: dict[str, Any] = {}
        hub, city, far = places["hub"], places["city"], places["far"]
        partners_query = PARTNERS_SPARQL % (city, city)
        calls: dict[str, dict[str, Callable[[], Any]]] = {
            "partners": {
                "http": lambda: server.fetch(f"/api/places/{quote(city, safe=':/')}/partners"),
                "raw": lambda: raw_select(partners_query),
            },
            "path": {
                "http": lambda: server.fetch("/api/path", params={"from": far, "to": city}),
                "raw": lambda: raw_path(lambda t: raw_select(t), far, city),
            },
            "neighbourhood": {
                "http": lambda: server.fetch(f"/api/places/{quote(city, safe=':/')}/neighbourhood"),
                "raw": lambda: raw_select(NEIGHBOURS_SPARQL % f"<{city}>"),
            },
        }
        if rdf is not None:
            calls["partners"]["rdflib"] = lambda: rdflib_run(partners_query)
            calls["neighbourhood"]["rdflib"] = lambda: rdflib_run(NEIGHBOURS_SPARQL % f"<{city}>")

            def rdflib_rows(text: str) -> list[Any]:
                return list(rdf.query(text, initNs=prefixes, base=base))

            calls["path"]["rdflib"] = lambda: raw_path(rdflib_rows, far, city)
        for call, ways in calls.items():
            log(f"  {call} …")
            traversal[call] = {}
            for way, fn in ways.items():
                budget = rdflib_budget if way == "rdflib" else args.budget
                traversal[call][way] = timeit(fn, reps, min(warmup, 2), budget_s=budget)
        partners = server.get(f"/api/places/{city}/partners").json()
        hub_partners = server.get(f"/api/places/{hub}/partners").json()
        path = server.get("/api/path", params={"from": far, "to": city}).json()
        traversal["answer_sizes"] = {
            "partners_of_city": partners.get("count"),
            "partners_of_hub": hub_partners.get("count"),
            "path_length": path.get("length"),
        }
        traversal["partners_hub"] = {
            "http": timeit(
                lambda: server.fetch(f"/api/places/{quote(hub, safe=':/')}/partners"),
                max(5, reps // 5),
                1,
            )
        }
        out["traversal"] = traversal

        # -- projection build in-process: the cost every write pays -----------------------------
        log("  projection build in-process …")
        out["projection"].update(measure_projection(store, args))

        # -- export --------------------------------------------------------------------------
        log("  export …")
        out["export"] = measure_export(server, store)
        out["server_memory"] = server.memory()
        log(
            f"  server peak RSS {out['server_memory']['server_peak_mb']} MB, "
            f"workers {out['server_memory']['workers_peak_mb']}"
        )
    finally:
        server.stop()
    # -- the projection after a small write (needs the store writable: the server is gone) -------
    log("  projection after a write …")
    out["projection"].update(measure_projection_after_write(store))
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
    return out


def measure_served_only(scale: float, args: argparse.Namespace) -> dict[str, Any]:
    """The peer table on a store that is not loaded (and not timed loading) here: the bundled
    graph (``kg load`` of ``ontology/`` and ``graph_data/`` into a fresh store, untimed: several
    files, so no ``oxigraph load`` counterpart; the load ratio is taken at the synthetic scales)
    or an existing store given with ``--store`` (served as it is)."""
    workdir = args.workdir / scale_opts.label(scale)
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {"scale": scale, "label": scale_opts.label(scale)}
    store = args.stores.get(scale)
    if store is None:
        store = workdir / "store"
        shutil.rmtree(store, ignore_errors=True)
        log(f"{scale_opts.label(scale)}: kg load --no-validate ontology graph_data (not timed)")
        bundled = [d for d in ("ontology", "graph_data") if (REPO / d).is_dir()]
        kg("load", "--no-validate", "--store", str(store), *bundled).check_returncode()
    out["store"] = str(store)
    out["store_triples"] = len(ox.Store.read_only(str(store)))
    log(f"{scale_opts.label(scale)}: starting kg serve on {store} ({out['store_triples']:,} quads)")
    server = Server(store, workdir / "server.log", args.store_quiet)
    out["settle"] = server.settled
    try:
        out["peer"] = measure_peer(server, store, workdir, scale, args)
    finally:
        server.stop()
    return out


def peer_load(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """``oxigraph load`` of the same file vs ``kg load`` (inference included on our side): the
    medians of the interleaved pairs (``measure_load``) and the ratio of the medians, the
    issue's ``kg load`` ≥ 0.7 × ``oxigraph load``."""
    oxigraph_runs, kg_runs = theirs["oxigraph_load_runs_s"], ours["kg_load_runs_s"]
    result = {
        "reps": len(kg_runs),
        "order": theirs["order"],
        "oxigraph_load_s": load_pairs.median(oxigraph_runs),
        "oxigraph_load_runs_s": oxigraph_runs,
        "kg_load_s": ours["kg_load_s"],
        "kg_load_runs_s": kg_runs,
        "ratio": load_pairs.ratio_of_medians(oxigraph_runs, kg_runs),
        "pair_ratios": load_pairs.pair_ratios(oxigraph_runs, kg_runs),
    }
    log(
        f"  kg load runs at {result['ratio']}× oxigraph load's speed (medians of "
        f"{result['reps']} pairs; pairs {result['pair_ratios']})"
    )
    plain = theirs["kg_load_no_validate_s"]
    result["kg_load_no_validate_s"] = plain
    result["ratio_no_validate"] = round(result["oxigraph_load_s"] / plain, 3)
    log(f"  without validation: {result['ratio_no_validate']}× oxigraph load's speed (one run)")
    return result


def measure_peer(
    server: Server, store: Path, workdir: Path, scale: float, args: argparse.Namespace
) -> dict[str, Any]:
    """Oxigraph server on the served store, interleaved with ours (benchmarks/peer.py)."""
    log(f"{scale_opts.label(scale)}: peer {args.peer} on the same store")
    other = peer.OxigraphServer(store, free_port(), workdir / "peer.log")
    base = Config().base_iri
    places = generate.bench_places(scale) if scale != scale_opts.BUNDLED else None
    try:
        return peer.compare(
            lambda path, params: server.fetch(path, params=params, headers={"Accept": SPARQL_JSON}),
            other,
            # the bundled graph: each named query's own defaults (places of the shipped data)
            lambda q: bench_bindings(q, base, places) if places else {},
            args.reps,
            args.budget,
            log=log,
            warmup=min(args.warmup, 1),
        )
    finally:
        other.stop()


PROJECTION_BUILD = """
import json, sys, time, gc
from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.graph.projection import build_snapshot
store = OxigraphStore(Config(store=sys.argv[1]), read_only=True)
times = []
for _ in range(int(sys.argv[2])):
    gc.collect()
    t0 = time.perf_counter()
    snap = build_snapshot(store, 0)
    times.append(time.perf_counter() - t0)
    del snap
print(json.dumps(times))
"""


def measure_projection(store: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``build_snapshot`` timed in a fresh process (read-only handle on the served store)."""
    reps = 1 if args.quick or args.big else 3
    done = python("-c", PROJECTION_BUILD, str(store), str(reps))
    if done.returncode != 0:
        return {"build_error": done.stderr[-400:]}
    times = json.loads(done.stdout)
    return {"build_s_p50": round(statistics.median(times), 3), "build_runs": len(times)}


PROJECTION_AFTER_WRITE = """
import json, sys, time
import pyoxigraph as ox
import rdflib
from kg.config import Config
from kg.graph.projection import Projection
from kg.store.embedded import OxigraphStore
from kg.store.writes import Writer
store = OxigraphStore(Config(store=sys.argv[1]))
base = store.config.base_iri
projection = Projection(store)
t0 = time.perf_counter()
projection.snapshot()
out = {"full_build_s": time.perf_counter() - t0, "writes": []}
writer = Writer(store, observers=[projection])
# every write is validated (targeted SHACL on the focus nodes it affects), as in the service
snap = projection.snapshot()
places = sorted(p for p in snap.graph if "/syn-" in p)[:2] or sorted(snap.graph)[:2]
graph = base + "graph/bench-write"
turtle = (
    f"<{base}id/relation/bench-write> a <{base}ontology#Agreement> ;"
    f' <http://www.w3.org/2000/01/rdf-schema#label> "基准写入"@zh-Hans , "bench write"@en ;'
    f" <{base}ontology#party> <{places[0]}> , <{places[1]}> ;"
    f" <http://www.w3.org/ns/prov#wasDerivedFrom> <{base}id/source/s000> ;"
    f" <http://www.w3.org/ns/prov#qualifiedDerivation> [ <http://www.w3.org/ns/prov#entity>"
    f' <{base}id/source/s000> ; <{base}ontology#quote> "基准测试引文"@zh-Hans ] .'
).encode()
for name, write in (
    ("put a graph with one relation", lambda: writer.put(graph, turtle, ox.RdfFormat.TURTLE)),
    ("delete that graph", lambda: writer.delete(graph)),
):
    patches = projection.patches
    t0 = time.perf_counter()
    write()
    t1 = time.perf_counter()
    projection.snapshot()
    t2 = time.perf_counter()
    out["writes"].append({
        "write": name, "write_s": round(t1 - t0, 3), "snapshot_s": round(t2 - t1, 3),
        "incremental": projection.patches > patches,
    })
store.close()
print(json.dumps(out))
"""


def measure_projection_after_write(store: Path) -> dict[str, Any]:
    """A small write through ``kg.store.writes.Writer`` (GSP PUT of a one-relation graph, then its
    DELETE), timed: the write itself (with inference; SHACL skipped) and the next snapshot,
    which the projection patches instead of rebuilding. In a fresh process on the store."""
    done = python("-c", PROJECTION_AFTER_WRITE, str(store))
    if done.returncode != 0:
        return {"after_write_error": done.stderr[-400:]}
    result = json.loads(done.stdout)
    return {
        "after_write_s_max": max(w["snapshot_s"] for w in result["writes"]),
        "after_write": result["writes"],
        "after_write_full_build_s": round(result["full_build_s"], 3),
    }


GEXF_FALLBACK = """
import json, sys, time, io
import networkx as nx
from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.graph.projection import build_snapshot
snap = build_snapshot(OxigraphStore(Config(store=sys.argv[1]), read_only=True), 0)
def plain(d):
    return {k: v for k, v in d.items() if isinstance(v, (str, int, float))}
graph = nx.MultiDiGraph()
graph.add_nodes_from((n, plain(d)) for n, d in snap.graph.nodes(data=True))
graph.add_edges_from((u, v, k, plain(d)) for u, v, k, d in snap.graph.edges(keys=True, data=True))
t0 = time.perf_counter()
buf = io.BytesIO()
nx.write_gexf(graph, buf)
print(json.dumps({"seconds": time.perf_counter() - t0, "bytes": buf.tell()}))
"""


def measure_export(server: Server, store: Path, export_timeout: float = 600) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for fmt in ("gexf", "geojson"):
        try:
            with RssSampler(server.process.pid) as sampler:
                t0 = time.perf_counter()
                response = server.session.get(
                    server.url + "/api/export",
                    params={"format": fmt},
                    stream=True,
                    timeout=(10, export_timeout),
                )
                size, first_byte = 0, None
                for chunk in response.iter_content(1 << 20):
                    if first_byte is None:
                        first_byte = time.perf_counter() - t0
                    size += len(chunk)
                seconds = time.perf_counter() - t0
            if response.status_code == 200:
                out[fmt] = {
                    "method": "GET /api/export",
                    "seconds": round(seconds, 2),
                    "first_byte_s": round(first_byte or seconds, 2),
                    "bytes": size,
                    "server_rss_growth_mb": sampler.delta_mb,
                }
                continue
            out[fmt] = {"method": "GET /api/export", "status": response.status_code}
        except requests.RequestException as err:
            out[fmt] = {"method": "GET /api/export", "error": str(err)[:200]}
            if isinstance(err, requests.Timeout):
                continue  # the endpoint exists and is just slow: no fallback
        if fmt == "gexf":  # fall back to networkx on the projection, in a child we can watch
            child = subprocess.Popen(
                [sys.executable, "-c", GEXF_FALLBACK, str(store)],
                stdout=subprocess.PIPE,
                text=True,
                cwd=REPO,
            )
            stdout, _ = child.communicate()
            if child.returncode == 0:
                out[fmt] = {"method": "networkx write_gexf on the projection (fallback)"}
                out[fmt].update(json.loads(stdout))
    return out


# -- report ------------------------------------------------------------------------------------


def targets(top: dict[str, Any]) -> dict[str, Any]:
    """The issue's acceptance targets, evaluated on the top scale."""
    checks: dict[str, Any] = {}
    for name, entry in top.get("named_queries", {}).items():
        if "raw" in entry and "http" in entry:
            limit = 1.5 * entry["raw"]["p50_ms"] + 1
            checks[f"named:{name}"] = {
                "http_p50_ms": entry["http"]["p50_ms"],
                "limit_ms": round(limit, 3),
                "ok": entry["http"]["p50_ms"] <= limit,
            }
    trav = top.get("traversal", {})
    for call, limit in (("partners", 5.0), ("path", 20.0)):
        if call in trav:
            p50 = trav[call]["http"]["p50_ms"]
            checks[call] = {"http_p50_ms": p50, "limit_ms": limit, "ok": p50 <= limit}
    load = top.get("load", {})
    if "kg_vs_raw" in load:  # not measured with --peer-only (the peer's ratio is the target)
        ratio = load["kg_vs_raw"]
        checks["load"] = {"kg_vs_raw": ratio, "limit": 0.7, "ok": ratio >= 0.7}
    build = top.get("projection", {}).get("build_s_p50")
    if build is not None:
        per_million = build / max(top.get("store_triples", 1) / 1e6, 1e-9)
        checks["projection_rebuild"] = {
            "build_s": build,
            "s_per_million_triples": round(per_million, 2),
            "limit_s_at_1M": 2.0,
            "ok": per_million <= 2.0,
        }
    after = top.get("projection", {}).get("after_write_s_max")
    if after is not None:  # the "(or incremental)": the snapshot after a small write
        incremental = all(w["incremental"] for w in top["projection"]["after_write"])
        checks["projection_after_write"] = {
            "snapshot_s": after,
            "incremental": incremental,
            "limit_s": 2.0,
            "ok": incremental and after <= 2.0,
        }
    return checks


def print_table(results: dict[str, Any], markdown: bool = False) -> None:
    rows: list[tuple[str, ...]] = []
    for s in results["scales"]:
        tag = f"{s['scale']:g}x"
        ld = s["load"]
        rows.append((tag, "triples in store", f"{s.get('store_triples', 0):,}", "", ""))
        rows.append(
            (
                tag,
                "load triples/s (kg | raw)",
                f"{ld['kg_triples_per_s']:,}",
                f"{ld['raw_triples_per_s']:,}",
                f"{ld['kg_vs_raw']:.0%} of raw",
            )  # fmt: skip
        )
        if "kg_load_runs_s" in ld:  # since round 9: interleaved pairs, medians above
            rows.append(
                (
                    tag,
                    f"load s per run, {ld['reps']} interleaved (kg | raw)",
                    "/".join(f"{t:g}" for t in ld["kg_load_runs_s"]),
                    "/".join(f"{t:g}" for t in ld["raw_bulk_load_runs_s"]),
                    "triples/s above: medians",
                )  # fmt: skip
            )
        for name, e in s["named_queries"].items():

            def fig(way: str, e: dict[str, Any] = e) -> str:
                f = e.get(way)
                return (
                    f"{f['p50_ms']:.2f}/{f['p99_ms']:.2f}"
                    if f
                    else "error"
                    if e.get(f"{way}_error")
                    else "-"
                )

            rows.append(
                (
                    tag,
                    f"query {name} p50/p99 ms (http | raw | rdflib)",
                    fig("http"),
                    fig("raw"),
                    fig("rdflib"),
                )  # fmt: skip
            )
        for call in ("partners", "path", "neighbourhood"):
            e = s["traversal"][call]
            rd = e.get("rdflib")
            rows.append(
                (
                    tag,
                    f"{call} p50/p99 ms (http | raw SPARQL | rdflib)",
                    f"{e['http']['p50_ms']:.2f}/{e['http']['p99_ms']:.2f}",
                    f"{e['raw']['p50_ms']:.2f}/{e['raw']['p99_ms']:.2f}",
                    f"{rd['p50_ms']:.1f}/{rd['p99_ms']:.1f}" if rd else "-",
                )  # fmt: skip
            )
        if "http_floor" in s:
            fl = s["http_floor"]
            rq = s.get("http_floor_requests")
            rows.append(
                (
                    tag,
                    "HTTP floor: ASK {} p50/p99 ms (lean client | requests.Session)"
                    if rq
                    else "HTTP floor: ASK {} p50/p99 ms",  # older results: requests only
                    f"{fl['p50_ms']:.2f}/{fl['p99_ms']:.2f}",
                    f"{rq['p50_ms']:.2f}/{rq['p99_ms']:.2f}" if rq else "-",
                    "",
                )  # fmt: skip
            )
        pr = s["projection"]
        rows.append(
            (
                tag,
                "projection build s (in-process | first request)",
                str(pr.get("build_s_p50")),
                str(pr.get("first_request_s")),
                "",
            )  # fmt: skip
        )
        if "after_write" in pr:
            rows.append(
                (
                    tag,
                    "projection after a small write s (snapshot, max | writes)",
                    str(pr["after_write_s_max"]),
                    "/".join(str(w["write_s"]) for w in pr["after_write"]),
                    "",
                )  # fmt: skip
            )
        for fmt, e in s.get("export", {}).items():
            growth = e.get("server_rss_growth_mb", "-")
            rows.append(
                (
                    tag,
                    f"export {fmt} s (first byte) / MB",
                    f"{e.get('seconds', e.get('status', '-'))} ({e.get('first_byte_s', '-')})",
                    f"{e.get('bytes', 0) / 1e6:.1f} MB",
                    f"+{growth} MB server RSS",
                )  # fmt: skip
            )
        mem = s["server_memory"]
        rows.append(
            (
                tag,
                "server peak RSS MB (main | workers)",
                str(mem["server_peak_mb"]),
                str(mem["workers_peak_mb"]),
                "",
            )  # fmt: skip
        )
    if markdown:
        print("| scale | measure | ours (kg) | raw pyoxigraph | rdflib / note |")
        print("|---|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(c.replace("|", "/") for c in r) + " |")
        print()
        for name, check in results.get("targets", {}).items():
            figures = ", ".join(f"{k}={v}" for k, v in check.items() if k != "ok")
            print(f"* {'OK' if check['ok'] else '**MISS**'} `{name}`: {figures}")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print()
    for name, check in results.get("targets", {}).items():
        print(f"  {'OK  ' if check['ok'] else 'MISS'} {name}: {check}")


def print_settle(scale_result: dict[str, Any]) -> None:
    """How long the served store took to settle before the peer table was timed."""
    done = scale_result.get("settle")
    if not done or done.get("skipped"):
        return
    print(
        f"{scale_opts.label(scale_result['scale'])}: timed after the store was "
        + ("NOT quiet (gave up) " if done["timed_out"] else "quiet ")
        + f"{done['waited_s']} s ({done['changes']} SST changes, then {done['quiet_s']:g} s "
        f"unchanged), workers on checkpoint {done['checkpoint']}"
        + ("" if done["checkpoint_matches_store"] else " (not the live files)")
        + f", CPU quiet {done['cpu_wait_s']} s later"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        default="0.1,1,10,100",
        help="comma-separated scale factors; 'bundled' is the shipped graph alone (--peer-only)",
    )
    parser.add_argument(
        "--reps", default="50", help="timed repetitions per call: N or SCALE=N,… (bundled=30,100=2)"
    )
    parser.add_argument(
        "--warmup", default="5", help="untimed calls first: N or SCALE=N,… (peer table: 0 or 1)"
    )
    parser.add_argument("--quick", action="store_true", help="smallest scale, few reps (CI)")
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--out", type=Path, help="results JSON (default benchmarks/results/…)")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument(
        "--budget", default="30", help="max seconds of repetitions per measurement: S or SCALE=S,…"
    )
    parser.add_argument(
        "--store",
        action="append",
        metavar="SCALE=DIR",
        help="serve this existing store at SCALE instead of loading one (--peer-only; a copy: "
        "kg serve opens it read-write)",
    )
    parser.add_argument(
        "--data",
        action="append",
        metavar="SCALE=FILE",
        help="load this file at SCALE instead of generating var/bench/syn-xSCALE.ttl",
    )
    parser.add_argument(
        "--no-rdflib", action="store_true", help="skip the rdflib comparison on the smallest scale"
    )
    parser.add_argument(
        "--report", type=Path, help="print an earlier results JSON as a Markdown table and exit"
    )
    parser.add_argument(
        "--peer",
        choices=["oxigraph-server"],
        help="also time Oxigraph's own server on the same store, interleaved, and its load",
    )
    parser.add_argument(
        "--peer-only", action="store_true", help="with --peer: only the load and the peer table"
    )
    parser.add_argument("--markdown", action="store_true", help="the peer table as Markdown")
    parser.add_argument(
        "--load-reps",
        type=int,
        default=3,
        help="timed loads of each side, as interleaved pairs (kg load vs oxigraph load with "
        "--peer, else vs raw bulk_load); medians and their ratio are reported (--quick: 1)",
    )
    parser.add_argument(
        "--store-quiet",
        type=float,
        default=store_settle.QUIET_S,
        help="before timing, wait until the served store's SST files have not changed for this "
        "many seconds (RocksDB compacting a fresh load); 0 skips the wait",
    )
    args = parser.parse_args(argv)
    if args.report:
        earlier = json.loads(args.report.read_text(encoding="utf-8"))
        if any("named_queries" in s for s in earlier["scales"]):
            print_table(earlier, markdown=True)
        for scale_result in earlier["scales"]:
            if "peer" in scale_result:
                peer.print_peer(scale_result["scale"], scale_result["peer"], markdown=True)
                print_settle(scale_result)
        return 0
    try:
        scales = scale_opts.parse_scales(args.scales)
        reps = scale_opts.per_scale(args.reps, int)
        warmups = scale_opts.per_scale(args.warmup, int)
        budgets = scale_opts.per_scale(args.budget, float)
        args.stores, args.datas = scale_opts.paths(args.store), scale_opts.paths(args.data)
    except ValueError as err:
        parser.error(str(err))
    served_only = [s for s in scales if s == scale_opts.BUNDLED or s in args.stores]
    if served_only and not (args.peer and args.peer_only):
        parser.error("the bundled scale and --store are measured with --peer … --peer-only only")
    if args.load_reps < 1:
        parser.error("--load-reps must be at least 1")
    args.big = False
    if args.quick:  # CI: one load, a tiny store compacts at once
        args.load_reps, args.store_quiet = 1, min(args.store_quiet, 1.0)
        scales = scales[:1]
        reps, warmups = {None: min(scale_opts.pick(reps, scales[0], 5), 5)}, {None: 1}
    args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "meta": {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
            "python": platform.python_version(),
            "pyoxigraph": getattr(ox, "__version__", "?"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "git": _git_head(),
            "reps": args.reps,
            "warmup": args.warmup,
            "quick": args.quick,
            "load_reps": args.load_reps,
            "store_quiet_s": args.store_quiet,
            "note": "shared machine: timings are noisy, compare p50 (median)",
        },
        "scales": [],
    }
    out = args.out or RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for index, scale in enumerate(scales):
        with_rdflib = index == 0 and not args.no_rdflib
        at_scale = argparse.Namespace(**vars(args))  # this scale's reps, warm-up and budget
        at_scale.reps = scale_opts.pick(reps, scale, 50)
        at_scale.warmup = scale_opts.pick(warmups, scale, 5)
        at_scale.budget = scale_opts.pick(budgets, scale, 30.0)
        results["scales"].append(measure_scale(scale, at_scale, with_rdflib))
        results["targets"] = targets(results["scales"][-1])
        results["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        tmp = out.with_name(out.name + ".tmp")  # written after every scale: partial runs count
        tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        tmp.replace(out)
    if not args.peer_only:
        print_table(results)
    for scale_result in results["scales"]:
        if "peer" in scale_result:
            peer.print_peer(scale_result["scale"], scale_result["peer"], markdown=args.markdown)
            print_settle(scale_result)
    log(f"wrote {out}")
    return 0


def _git_head() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    tempfile.tempdir = None
    sys.exit(main())
