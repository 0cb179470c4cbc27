"""Soak test: normal clients alongside hostile ones against a fresh ``kg serve``, loopback only.

    python benchmarks/soak.py                 # 10 minutes (1 of them quiet), prints the table
    python benchmarks/soak.py --minutes 0.5 --json soak.json   # the CI version (tests/)

It starts its own server (bundled graph, a random write token, a store in a temporary folder),
runs only normal clients for the first tenth of the time (the *quiet* baseline), then adds the
hostile ones for the rest (*under attack*), and prints per class: requests, errors, p50/p99
latency for both phases, the server's peak RSS (process and query workers), and whether every
write the server acknowledged is present at the end.

Normal clients: named queries (the catalogue, default parameters), partners, exports (d3, GEXF,
SVG of a neighbourhood), pages (home, places, a place page, VoID, a static file), writes with the
token (one ``INSERT DATA`` at a time, 5 s apart, each with a unique value). Hostile: a slow-query
flood (12 at once from one client, pausing 0.25 s after a refusal, never honouring Retry-After),
an idle-socket flood (150 sockets that send nothing, reopened when closed, plus 10 trickling
header bytes), entity bombs (RDF/XML "billion laughs"), oversized bodies and literals, malformed
SPARQL and RDF. Each class connects from its own loopback address (127.0.0.0/8), so per-client
caps see one client per class: this soak does not model a many-address botnet.

Bounded: at most 60 minutes, loopback only (the server listens on 127.0.0.1), every socket has
a timeout. It ends with a verdict, one PASS/FAIL line per Done-when item (normal clients: no
error and p99 under ``--p99-ms``; every acknowledged write present; server RSS not growing
between the attack's two halves; server alive; hostile clients at their intended rate with only
their refusals), and exits 0 only when every item passed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://127.0.0.1:8000/"  # the default KG_BASE_IRI the spawned server mints under
SOAK_GRAPH = BASE + "graph/soak"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != ?i) }"

NORMAL = ("named", "partners", "exports", "pages", "writes")
HOSTILE = ("slow-flood", "idle-sockets", "entity-bombs", "oversized", "malformed")
#: Statuses a hostile class is expected to get; anything else is "unexpected" in the table.
EXPECTED: dict[str, set[int | str]] = {
    "slow-flood": {200, 429, 503},
    "idle-sockets": {"held", "closed by server"},
    "entity-bombs": {400},
    "oversized": {413, "closed"},
    "malformed": {400},
}


#: Requests a second each paced hostile class sends when the server answers at once.
NOMINAL_RATE = {"entity-bombs": 1.0, "oversized": 1.0, "malformed": 1 / 0.3}
IDLE_SOCKETS = 150


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Tally:
    """Outcomes per (class, phase): latency of each request and its status."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: dict[tuple[str, str], list[tuple[float, int | str]]] = defaultdict(list)
        self.phase = "quiet"
        self.examples: dict[str, str] = {}

    def add(self, cls: str, seconds: float, status: int | str, note: str = "") -> None:
        with self.lock:
            if self.phase == "done":
                return  # a hostile request cut short by the server's own shutdown
            self.rows[(cls, self.phase)].append((seconds, status))
            if note and cls in NORMAL and not _ok(cls, status) and cls not in self.examples:
                self.examples[cls] = f"{status}: {note[:300]}"

    def summary(self, cls: str, phase: str) -> dict[str, object]:
        with self.lock:
            rows = list(self.rows.get((cls, phase), []))
        latencies = [s for s, _ in rows]
        statuses: dict[str, int] = defaultdict(int)
        for _, status in rows:
            statuses[str(status)] += 1
        bad = sum(1 for _, status in rows if not _ok(cls, status))
        return {
            "requests": len(rows),
            "errors" if cls in NORMAL else "unexpected": bad,
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 1) if rows else None,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if rows else None,
            "statuses": dict(sorted(statuses.items())),
        }


def _ok(cls: str, status: int | str) -> bool:
    if cls in NORMAL:
        return isinstance(status, int) and 200 <= status < 300
    return status in EXPECTED[cls]


class Client:
    """One keep-alive HTTP/1.1 connection from a fixed loopback address (reconnects)."""

    def __init__(self, port: int, source: str, timeout: float = 60) -> None:
        self.port, self.source, self.timeout = port, source, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int | str, bytes, float]:
        started = time.perf_counter()
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout, source_address=(self.source, 0)
                )
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data, time.perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as err:
                self.close()  # a keep-alive connection the server closed while idle: once more
                if attempt or body is not None and len(body) > 1_000_000:
                    return "closed", str(err).encode(), time.perf_counter() - started
            except (OSError, http.client.HTTPException) as err:
                self.close()
                return type(err).__name__, str(err).encode(), time.perf_counter() - started
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# -- the server ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    workdir: Path, token: str, src: Path | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """``kg serve`` on a new store in ``workdir`` (``src``: another checkout's code), once it
    answers ``ASK {}``; also hostile.py's server."""
    port = free_port()
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - the child owns it
    env = {**os.environ, "KG_WRITE_TOKEN": token, "KG_BASE_IRI": BASE}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(workdir / "store")]
        + ["--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=ROOT,
    )
    probe = Client(port, "127.0.0.1", timeout=5)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("kg serve exited:\n" + (workdir / "server.log").read_text())
        status, _, _ = probe.request("GET", "/sparql?query=" + quote("ASK {}"))
        if status == 200:
            probe.close()
            return process, port
        time.sleep(0.5)
    process.kill()
    raise SystemExit("kg serve did not come up in 10 minutes")


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(server process, server + its children) resident memory in MB, from /proc."""

    def rss(p: int) -> float:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    children: list[int] = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    own = rss(pid)
    return own, own + sum(rss(c) for c in children)


# -- normal clients -----------------------------------------------------------------------------
class Normal:
    def __init__(self, port: int, token: str, tally: Tally, stop: threading.Event) -> None:
        self.port, self.token, self.tally, self.stop = port, token, tally, stop
        self.acked: list[str] = []
        setup = Client(port, "127.0.1.250")
        _, body, _ = setup.request("GET", "/queries")
        self.named = [q["name"] for q in json.loads(body)["queries"]]
        query = urlencode({"top": 12, "format": "json"})
        _, body, _ = setup.request("GET", "/api/metrics?" + query)
        self.places = [p["id"] for p in json.loads(body)["places"]]
        setup.close()

    def loop(self, cls: str, source: str, step: object, pause: float) -> None:
        client = Client(self.port, source)
        rng = random.Random(source)
        i = 0
        while not self.stop.is_set():
            method, path, body, headers, on_ok = step(rng, i)  # type: ignore[operator]
            status, data, seconds = client.request(method, path, body, headers)
            self.tally.add(cls, seconds, status, data.decode("utf-8", "replace"))
            if on_ok and status == 204:
                on_ok()
            i += 1
            self.stop.wait(pause)
        client.close()

    def named_step(self, rng: random.Random, i: int) -> tuple:
        return "GET", "/queries/" + self.named[i % len(self.named)], None, None, None

    def partners_step(self, rng: random.Random, i: int) -> tuple:
        place = self.places[i % len(self.places)].removeprefix(BASE)  # id/place/…: unambiguous
        return "GET", f"/api/places/{quote(place)}/partners", None, None, None

    def exports_step(self, rng: random.Random, i: int) -> tuple:
        place = self.places[i % len(self.places)].removeprefix(BASE)
        fmt = ("d3", "gexf", "svg")[i % 3]
        query = urlencode({"format": fmt, "place": place, "depth": 1})
        return "GET", "/api/export?" + query, None, None, None

    def pages_step(self, rng: random.Random, i: int) -> tuple:
        place = self.places[i % len(self.places)].removeprefix(BASE)
        paths = ["/", "/places", "/" + place, "/.well-known/void", "/static/site.css", "/explore"]
        accept = "text/html,application/xhtml+xml,*/*;q=0.8"  # what a browser sends
        return "GET", paths[i % len(paths)], None, {"Accept": accept}, None

    def writes_step(self, rng: random.Random, i: int) -> tuple:
        key = f"w{i}-{secrets.token_hex(4)}"
        update = (
            f"INSERT DATA {{ GRAPH <{SOAK_GRAPH}> {{ <{BASE}id/soak/{key}> <{RDFS}comment> "
            f'"soak write {key}" }} }}'
        )
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/sparql-update",
        }
        return "POST", "/update", update.encode(), headers, lambda: self.acked.append(key)

    def threads(self) -> list[threading.Thread]:
        plan = [
            ("named", self.named_step, 0.2, 2),
            ("partners", self.partners_step, 0.2, 2),
            ("exports", self.exports_step, 0.5, 1),
            ("pages", self.pages_step, 0.2, 2),
            ("writes", self.writes_step, 5.0, 1),
        ]
        out = []
        for n, (cls, step, pause, count) in enumerate(plan):
            for k in range(count):
                source = f"127.0.1.{10 * n + k + 1}"
                out.append(threading.Thread(target=self.loop, args=(cls, source, step, pause)))
        return out


# -- hostile clients ----------------------------------------------------------------------------
def billion_laughs(depth: int = 30) -> bytes:
    entities = '<!ENTITY e0 "ha">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, depth + 1)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
        f'<rdf:Description rdf:about="http://e/s"><ex:p>&e{depth};</ex:p></rdf:Description>'
        "</rdf:RDF>"
    ).encode()


class Hostile:
    def __init__(self, port: int, token: str, tally: Tally, stop: threading.Event) -> None:
        self.port, self.token, self.tally, self.stop = port, token, tally, stop
        self.auth = {"Authorization": f"Bearer {token}"}
        #: Sampled once a second: slow queries awaiting an answer, idle sockets held open.
        self.in_flight = 0
        self.held = 0
        self.lock = threading.Lock()

    def slow_flood(self) -> None:
        client = Client(self.port, "127.0.2.1", timeout=120)
        while not self.stop.is_set():
            with self.lock:
                self.in_flight += 1
            status, _, seconds = client.request("GET", "/sparql?query=" + quote(SLOW))
            with self.lock:
                self.in_flight -= 1
            self.tally.add("slow-flood", seconds, status)
            if status != 200:
                self.stop.wait(0.25)
        client.close()

    def idle_sockets(self, count: int = IDLE_SOCKETS, trickle: int = 10) -> None:
        socks: list[socket.socket] = []
        trickling: list[socket.socket] = []

        def connect(source: str) -> socket.socket | None:
            started = time.perf_counter()
            try:
                s = socket.create_connection(
                    ("127.0.0.1", self.port), timeout=5, source_address=(source, 0)
                )
            except OSError as err:
                self.tally.add("idle-sockets", time.perf_counter() - started, type(err).__name__)
                return None
            self.tally.add("idle-sockets", time.perf_counter() - started, "held")
            return s

        while not self.stop.is_set():
            alive = []
            for s in socks:
                s.setblocking(False)
                try:
                    gone = s.recv(1) == b""
                except BlockingIOError:
                    gone = False
                except OSError:
                    gone = True
                if gone:
                    self.tally.add("idle-sockets", 0.0, "closed by server")
                    s.close()
                else:
                    alive.append(s)
            socks = alive
            while len(socks) < count and not self.stop.is_set():
                s = connect("127.0.2.2")
                if s is None:
                    break
                socks.append(s)
            kept = []
            for s in trickling:
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                    kept.append(s)
                except OSError:
                    self.tally.add("idle-sockets", 0.0, "closed by server")
                    s.close()
            trickling = kept
            self.held = len(socks)
            while len(trickling) < trickle and not self.stop.is_set():
                s = connect("127.0.2.3")
                if s is None:
                    break
                try:
                    s.sendall(b"GET /api/graph HTTP/1.1\r\nHost: x\r\n")
                    trickling.append(s)
                except OSError:
                    s.close()
            self.stop.wait(0.5)
        for s in socks + trickling:
            s.close()

    def entity_bombs(self) -> None:
        client = Client(self.port, "127.0.2.4")
        bomb = billion_laughs()
        headers = {**self.auth, "Content-Type": "application/rdf+xml"}
        path = "/store?" + urlencode({"graph": BASE + "graph/bomb"})
        while not self.stop.is_set():
            status, _, seconds = client.request("PUT", path, bomb, headers)
            self.tally.add("entity-bombs", seconds, status)
            self.stop.wait(1.0)
        client.close()

    def oversized(self) -> None:
        client = Client(self.port, "127.0.2.5")
        big_query = b"query=" + b"A" * (4 * 1024 * 1024 + 10_000)
        long_literal = f'<http://e/s> <http://e/p> "{"x" * 300_000}" .'.encode()
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        turtle = {**self.auth, "Content-Type": "text/turtle"}
        path = "/store?" + urlencode({"graph": BASE + "graph/big"})
        i = 0
        while not self.stop.is_set():
            if i % 3 == 0:
                status, _, seconds = client.request("POST", "/sparql", big_query, form)
            elif i % 3 == 1:
                status, _, seconds = client.request("PUT", path, long_literal, turtle)
            else:
                huge = b"<http://e/s> <http://e/p> <http://e/o> .\n" * 250_000  # 10 MB
                status, _, seconds = client.request("PUT", path, huge, turtle)
            self.tally.add("oversized", seconds, status)
            i += 1
            self.stop.wait(1.0)
        client.close()

    def malformed(self) -> None:
        client = Client(self.port, "127.0.2.6")
        rng = random.Random(7)
        turtle = {**self.auth, "Content-Type": "text/turtle"}
        path = "/store?" + urlencode({"graph": BASE + "graph/malformed"})
        words = ["SELECT", "WHERE", "{", "}", "?x", "FILTER(", "<http://", '"', "UNION", "."]
        i = 0
        while not self.stop.is_set():
            if i % 3 == 0:
                text = " ".join(rng.choice(words) for _ in range(12)) + " }}}"
                status, _, seconds = client.request("GET", "/sparql?query=" + quote(text))
            elif i % 3 == 1:
                body = b"<http://e/s> <http://e/p> " + bytes(rng.randrange(256) for _ in range(64))
                status, _, seconds = client.request("PUT", path, body, turtle)
            else:
                text = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
                status, _, seconds = client.request("GET", "/sparql?query=" + quote(text))
            self.tally.add("malformed", seconds, status)
            i += 1
            self.stop.wait(0.3)
        client.close()

    def threads(self, flood: int = 12) -> list[threading.Thread]:
        out = [threading.Thread(target=self.slow_flood, daemon=True) for _ in range(flood)]
        for target in (self.idle_sockets, self.entity_bombs, self.oversized, self.malformed):
            out.append(threading.Thread(target=target, daemon=True))
        return out


# -- the run ------------------------------------------------------------------------------------
def acknowledged_present(port: int, token: str, acked: list[str]) -> tuple[int, list[str]]:
    """Read the soak graph back (Graph Store Protocol, N-Triples): which acked keys are missing."""
    client = Client(port, "127.0.1.251", timeout=120)
    path = "/store?" + urlencode({"graph": SOAK_GRAPH})
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/n-triples"}
    status, body, _ = client.request("GET", path, None, headers)
    client.close()
    if status == 404 and not acked:
        return 0, []
    if status != 200:
        raise SystemExit(f"could not read the soak graph back: {status} {body[:300]!r}")
    text = body.decode("utf-8")
    missing = [key for key in acked if f"soak write {key}" not in text]
    return len(acked) - len(missing), missing


def run(minutes: float, workdir: Path) -> dict[str, object]:
    token = secrets.token_hex(16)
    started = time.monotonic()
    process, port = start_server(workdir, token)
    print(f"server up on 127.0.0.1:{port} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    tally = Tally()
    stop_normal, stop_hostile = threading.Event(), threading.Event()
    peak = {"server_mb": 0.0, "tree_mb": 0.0}
    series: list[tuple[float, float, float]] = []
    attack_rss: list[tuple[float, float]] = []  # (server, with workers) during the attack
    gauges: list[tuple[int, int]] = []  # (slow queries awaiting an answer, idle sockets held)
    sampling = threading.Event()
    normal = Normal(port, token, tally, stop_normal)
    hostile = Hostile(port, token, tally, stop_hostile)

    def sample() -> None:
        t0 = time.monotonic()
        while not sampling.is_set():
            own, tree = tree_rss_mb(process.pid)
            peak["server_mb"] = max(peak["server_mb"], own)
            peak["tree_mb"] = max(peak["tree_mb"], tree)
            series.append((round(time.monotonic() - t0, 1), round(own, 1), round(tree, 1)))
            if tally.phase == "attack" and not stop_hostile.is_set():
                attack_rss.append((own, tree))
                gauges.append((hostile.in_flight, hostile.held))
            sampling.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    total = minutes * 60
    quiet = max(5.0, total / 10)
    workers = normal.threads()
    try:
        for t in workers:
            t.start()
        time.sleep(quiet)
        rss_before = tree_rss_mb(process.pid)
        tally.phase = "attack"
        attack_started = time.monotonic()
        attackers = hostile.threads()
        for t in attackers:
            t.start()
        time.sleep(max(1.0, total - quiet))
        attack_s = time.monotonic() - attack_started
        stop_hostile.set()
        stop_normal.set()
        for t in workers:
            t.join(timeout=180)
        present, missing = acknowledged_present(port, token, normal.acked)
        alive = process.poll() is None
        rss_end = tree_rss_mb(process.pid)
    finally:
        sampling.set()
        stop_hostile.set()
        stop_normal.set()
        tally.phase = "done"
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    classes = {
        cls: {phase: tally.summary(cls, phase) for phase in ("quiet", "attack")} for cls in NORMAL
    }
    classes.update({cls: {"attack": tally.summary(cls, "attack")} for cls in HOSTILE})
    normal_errors = sum(
        int(classes[c][p]["errors"])
        for c in NORMAL
        for p in ("quiet", "attack")  # type: ignore[call-overload]
    )
    half = len(attack_rss) // 2

    def top(rows: list[tuple[float, float]], i: int) -> float:
        return round(max((r[i] for r in rows), default=0.0), 1)

    return {
        "minutes": minutes,
        "quiet_s": round(quiet, 1),
        "attack_s": round(attack_s, 1),
        "classes": classes,
        "hostile_rates": {
            cls: round(int(classes[cls]["attack"]["requests"]) / attack_s, 2)  # type: ignore[call-overload]
            for cls in HOSTILE
            if cls != "idle-sockets"
        },
        "slow_in_flight_mean": round(sum(g[0] for g in gauges) / max(1, len(gauges)), 2),
        "idle_sockets_held": {
            "mean": round(sum(g[1] for g in gauges) / max(1, len(gauges)), 1),
            "min": min((g[1] for g in gauges), default=0),
        },
        "error_examples": tally.examples,
        "writes": {"acknowledged": len(normal.acked), "present": present, "missing": missing},
        "rss_mb": {
            "peak_server": round(peak["server_mb"], 1),
            "peak_with_workers": round(peak["tree_mb"], 1),
            "before_attack": [round(v, 1) for v in rss_before],
            "end": [round(v, 1) for v in rss_end],
            # the highest in the attack's first half and in its second: growth means a leak
            "attack_first_half": [top(attack_rss[:half], 0), top(attack_rss[:half], 1)],
            "attack_second_half": [top(attack_rss[half:], 0), top(attack_rss[half:], 1)],
        },
        "rss_series": series[:: max(1, len(series) // 60)],
        "server_alive_at_end": alive,
        "normal_errors": normal_errors,
        "machine": {"cpus": os.cpu_count(), "load_avg_at_end": os.getloadavg()},
    }


def verdict(result: dict[str, Any], p99_limit_ms: float) -> list[tuple[str, bool, str]]:
    """The Done-when of the soak, item by item: (what, met, the figures behind it)."""
    classes = result["classes"]
    worst = max((classes[c][p]["p99_ms"] or 0.0, c, p) for c in NORMAL for p in ("quiet", "attack"))
    r = result["rss_mb"]
    first, second = r["attack_first_half"], r["attack_second_half"]
    # a worker is replaced whenever the flood's query is stopped, and a new one warms its
    # caches: the tree gets one worker's worth of slack, the server process none
    grew = [second[0] > first[0] * 1.10 + 16, second[1] > first[1] * 1.10 + 64]
    w = result["writes"]
    rates = result["hostile_rates"]
    slow = [c for c, nominal in NOMINAL_RATE.items() if rates[c] < nominal / 2]
    held = result["idle_sockets_held"]
    unexpected = [c for c in HOSTILE if classes[c]["attack"]["unexpected"]]
    return [
        (
            "normal clients: no error",
            result["normal_errors"] == 0,
            f"{result['normal_errors']} errors",
        ),
        (
            f"normal clients: p99 < {p99_limit_ms:g} ms in both phases",
            worst[0] < p99_limit_ms,
            f"highest p99 {worst[0]} ms ({worst[1]}, {worst[2]})",
        ),
        (
            "every acknowledged write present",
            not w["missing"] and w["acknowledged"] > 0,
            f"{w['present']} of {w['acknowledged']}",
        ),
        (
            "server RSS bounded (attack's 2nd half ≤ 1st + 10 % + 16 MB; with workers + 64 MB)",
            not any(grew),
            f"server {first[0]} → {second[0]} MB, with workers {first[1]} → {second[1]} MB",
        ),
        ("server alive at the end", bool(result["server_alive_at_end"]), ""),
        (
            "hostile clients ran at their intended rate and got only their refusals",
            not slow and held["mean"] >= 0.9 * IDLE_SOCKETS and not unexpected,
            ", ".join(f"{c} {v}/s" for c, v in rates.items())
            + f"; slow queries awaiting an answer {result['slow_in_flight_mean']} on average"
            + f"; idle sockets held {held['mean']} on average (min {held['min']})"
            + (f"; below half their rate: {slow}" if slow else "")
            + (f"; unexpected statuses: {unexpected}" if unexpected else ""),
        ),
    ]


def table(result: dict[str, object]) -> str:
    lines = [
        "| class | phase | requests | errors / unexpected | p50 ms | p99 ms | statuses |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for cls, phases in result["classes"].items():  # type: ignore[union-attr]
        for phase, s in phases.items():
            bad = s.get("errors", s.get("unexpected"))
            statuses = ", ".join(f"{k}×{v}" for k, v in s["statuses"].items())
            lines.append(
                f"| {cls} | {phase} | {s['requests']} | {bad} | {s['p50_ms']} | {s['p99_ms']} "
                f"| {statuses} |"
            )
    w = result["writes"]
    r = result["rss_mb"]
    lines.append("")
    lines.append(
        f"writes acknowledged {w['acknowledged']}, present at the end {w['present']}, "  # type: ignore[index]
        f"missing {len(w['missing'])}; peak RSS {r['peak_server']} MB server, "  # type: ignore[index]
        f"{r['peak_with_workers']} MB with query workers (before the attack "  # type: ignore[index]
        f"{r['before_attack'][1]} MB, at the end {r['end'][1]} MB); "  # type: ignore[index]
        f"server alive at the end: {result['server_alive_at_end']}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="total, ≤ 60 (default 10)")
    parser.add_argument("--workdir", type=Path, help="for the store and the server log")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--p99-ms",
        type=float,
        default=1000.0,
        help="the normal clients' p99 the verdict asks for (default 1000)",
    )
    args = parser.parse_args(argv)
    if not 0 < args.minutes <= 60:
        parser.error("--minutes must be in (0, 60]")
    with tempfile.TemporaryDirectory(prefix="kg-soak-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.minutes, workdir)
    items = verdict(result, args.p99_ms)
    result["verdict"] = {what: {"met": met, "figures": figures} for what, met, figures in items}
    result["passed"] = all(met for _, met, _ in items)
    print(table(result))
    print()
    for what, met, figures in items:
        print(f"{'PASS' if met else 'FAIL'}  {what}" + (f": {figures}" if figures else ""))
    print(f"VERDICT: {'PASS' if result['passed'] else 'FAIL'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    if result["error_examples"]:
        print("normal-client errors, first of each class:", file=sys.stderr)
        for cls, example in result["error_examples"].items():  # type: ignore[union-attr]
            print(f"  {cls}: {example}", file=sys.stderr)
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
