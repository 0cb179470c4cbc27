"""The peer: Oxigraph's own HTTP server (pip ``oxigraph``, same engine as pyoxigraph) on the
same store, timed interleaved with ``kg serve`` (see benchmarks/README.md).

    python benchmarks/run.py --scales 1,10 --peer oxigraph-server --peer-only
    python benchmarks/peer.py --store var/bench/x10/store --scale 10      # on an existing store

``oxigraph serve-read-only --union-default-graph`` opens the served store itself (a read-only
RocksDB handle works beside the service's read-write one), so both engines answer from the same
quads with the same dataset semantics. Each named query is sent to the peer as the text our
service runs for it, with the parameters written in as constants (``inline_terms``; a ``VALUES``
block where that does not apply) and the same ``BASE``/``PREFIX`` prologue, and with the page
our service answers by default (``LIMIT`` of ``kg.web.paging.DEFAULT_PAGE`` + 1): the same answer.
Calls alternate ours/peer, one lean keep-alive connection each, whole body read.

Also ``kg load`` vs ``oxigraph load`` of the same file (``load_ratio``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import load_pairs  # noqa: E402
from scales import label  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.store.base import QueryError  # noqa: E402
from kg.store.named_queries import NamedQuery, load_named_queries  # noqa: E402
from kg.store.sparql_text import analyse, inject_values, inline_terms, with_page  # noqa: E402
from kg.web.paging import DEFAULT_PAGE  # noqa: E402

SPARQL_JSON = "application/sparql-results+json"
#: The "Done when" of issue 19: ours ≤ 1.2 × peer + 0.5 ms per named query, ASK {} ≤ 2 × peer.
QUERY_FACTOR, QUERY_SLACK_MS, FLOOR_FACTOR = 1.2, 0.5, 2.0


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("the peer needs Oxigraph server: pip install 'oxigraph==0.5.13'")
    return found


class Lean:
    """One keep-alive HTTP connection (stdlib): the client costs the same for both sides."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, target: str, accept: str = SPARQL_JSON) -> bytes:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
            try:
                self.conn.request("GET", target, headers={"Accept": accept})
                response = self.conn.getresponse()
                body = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        if response.status >= 400:
            raise RuntimeError(f"{response.status} for {target[:120]}: {body[:300]!r}")
        return body

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class OxigraphServer:
    """``oxigraph serve-read-only`` on ``store`` (union default graph), on a free port."""

    def __init__(self, store: Path, port: int, log_path: Path) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(store)]
            + ["--bind", f"127.0.0.1:{port}", "--union-default-graph"],
            stdout=open(log_path, "wb"),  # noqa: SIM115 - the child owns it
            stderr=subprocess.STDOUT,
        )
        self.client = Lean(port)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited early:\n{log_path.read_text()}")
            try:
                self.query("ASK {}")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("oxigraph server did not come up")

    def query(self, text: str) -> bytes:
        return self.client.get("/query?" + urlencode({"query": text}))

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def peer_text(query: NamedQuery, params: dict[str, str], config: Config) -> str:
    """What the peer runs for a named query: our text, constants written in, our default page,
    with the BASE/PREFIX prologue our store adds implicitly."""
    from kg.store.remote_dialects import prologue

    bindings = query.bindings(params, config.base_iri)
    try:
        text = inline_terms(query.text, bindings)
    except QueryError:
        text = inject_values(query.text, bindings, analyse(query.text))
    text = with_page(text, DEFAULT_PAGE + 1, 0) or text
    return prologue(config, analyse(text)) + text


def interleaved(
    ours: Callable[[], Any],
    peer: Callable[[], Any],
    reps: int,
    budget_s: float,
    warmup: int = 1,
) -> dict[str, Any]:
    """p50s of ours and the peer, called alternately (``warmup`` calls each, then ``reps``
    pairs)."""
    for _ in range(warmup):
        ours()
        peer()
    mine: list[float] = []
    theirs: list[float] = []
    started = time.perf_counter()
    for i in range(reps):
        for fn, times in (
            ((ours, mine), (peer, theirs)) if i % 2 == 0 else ((peer, theirs), (ours, mine))
        ):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > budget_s:
            break
    ours_ms, peer_ms = statistics.median(mine), statistics.median(theirs)
    return {
        "ours_p50_ms": round(ours_ms, 2),
        "peer_p50_ms": round(peer_ms, 2),
        "ratio": round(ours_ms / peer_ms, 2) if peer_ms else None,
        "n": len(mine),
    }


def compare(
    ours: Callable[[str, dict[str, str]], bytes],
    peer: OxigraphServer,
    params_for: Callable[[NamedQuery], dict[str, str]],
    reps: int,
    budget_s: float,
    log: Callable[[str], None] = print,
    only: set[str] | None = None,
    warmup: int = 1,
) -> dict[str, Any]:
    """The ASK {} floor and every named query (or those in ``only``), ours vs the peer.

    ``warmup=0`` (heavy queries at 100x): the call that counts the rows is the only warm-up."""
    config = Config()
    out: dict[str, Any] = {
        "floor": interleaved(
            lambda: ours("/sparql", {"query": "ASK {}"}),
            lambda: peer.query("ASK {}"),
            reps * 4,
            budget_s,
        )
    }
    out["floor"]["ok"] = out["floor"]["ours_p50_ms"] <= FLOOR_FACTOR * out["floor"]["peer_p50_ms"]
    floor = out["floor"]
    log(f"  floor ASK {{}}: ours {floor['ours_p50_ms']} ms, peer {floor['peer_p50_ms']} ms")
    named: dict[str, Any] = {}
    for name, query in load_named_queries(REPO / "queries").items():
        if only is not None and name not in only:
            continue
        params = params_for(query)
        text = peer_text(query, params, config)
        try:
            ours_rows = len(json.loads(ours(f"/queries/{name}", params))["results"]["bindings"])
            peer_rows = len(json.loads(peer.query(text))["results"]["bindings"])
            entry = interleaved(
                lambda n=name, p=params: ours(f"/queries/{n}", p),
                lambda t=text: peer.query(t),
                reps,
                budget_s,
                warmup,
            )
        except Exception as err:  # noqa: BLE001 - e.g. ours stopped at its time limit (503)
            named[name] = {"error": f"{type(err).__name__}: {err}"[:300]}
            log(f"  {name}: {named[name]['error']}")
            continue
        entry["rows"], entry["peer_rows"] = ours_rows, peer_rows
        entry["ok"] = entry["ours_p50_ms"] <= QUERY_FACTOR * entry["peer_p50_ms"] + QUERY_SLACK_MS
        mine, theirs = entry["ours_p50_ms"], entry["peer_p50_ms"]
        log(f"  {name}: ours {mine} ms, peer {theirs} ms ({entry['ratio']}×)")
        named[name] = entry
    out["named_queries"] = named
    return out


def oxigraph_load(data: Path, workdir: Path, base: str) -> dict[str, Any]:
    """``oxigraph load`` of ``data`` into a fresh store (the peer's side of the load ratio)."""
    target = workdir / "peer-load-store"
    shutil.rmtree(target, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(target), "--file", str(data)]
        + ["--base", base, "--graph", base + "graph/bench"],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t0
    shutil.rmtree(target, ignore_errors=True)
    return {"oxigraph_load_s": round(seconds, 2)}


def print_peer(scale: float, result: dict[str, Any], markdown: bool = False) -> None:
    """One table: named queries and the floor, ours vs peer, with the ratio and the verdict."""
    sep = " | " if markdown else "  "
    rows = [("ASK {} (floor)", result["floor"], f"≤ {FLOOR_FACTOR:g}×")]
    rows += [(name, e, "") for name, e in result["named_queries"].items()]
    print(f"\n{label(scale)}: ours vs Oxigraph server (p50 ms, interleaved)")
    header = ["query", "ours", "peer", "ratio", "limit", "rows", ""]
    if markdown:
        print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name, e, note in rows:
        if "error" in e:
            print(sep.join([name, "error: " + e["error"][:80]]))
            continue
        limit = note or f"{QUERY_FACTOR * e['peer_p50_ms'] + QUERY_SLACK_MS:.1f}"
        cells = [
            name,
            f"{e['ours_p50_ms']:.2f}",
            f"{e['peer_p50_ms']:.2f}",
            f"{e['ratio']}×",
            limit,
            str(e.get("rows", "")),
            "OK" if e["ok"] else "MISS",
        ]
        line = sep.join(cells)
        print(f"| {line} |" if markdown else line)
    named = result["named_queries"].values()
    met = sum(1 for e in named if e.get("ok"))
    print(
        f"{label(scale)}: {met} of {len(named)} named queries within {QUERY_FACTOR:g} × peer + "
        f"{QUERY_SLACK_MS:g} ms ({sum(1 for e in named if 'error' in e)} errors); ASK {{}} "
        + ("OK" if result["floor"]["ok"] else "MISS")
    )
    if "load" in result:
        load = result["load"]
        print("\n".join(load_pairs.report_lines(load, markdown)))  # runs, medians, ratio
        if "kg_load_no_validate_s" in load:
            print(
                f"load without SHACL validation (inference on): kg load "
                f"{load['kg_load_no_validate_s']} s = {load['ratio_no_validate']}×"
            )


def main(argv: list[str] | None = None) -> int:
    import run  # noqa: PLC0415 - the service runner and helpers live there

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store kg serve can open")
    parser.add_argument("--scale", type=float, help="synthetic scale loaded in the store")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--budget", type=float, default=20.0)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--queries", help="comma-separated named queries (default: all)")
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed calls per query (0: the row count only)"
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="KG_QUERY_TIMEOUT of the served side (s)"
    )
    args = parser.parse_args(argv)
    os.environ["KG_QUERY_TIMEOUT"] = str(args.timeout)  # kg serve inherits the environment
    base = Config().base_iri
    places = run.generate.bench_places(args.scale) if args.scale else None
    server = run.Server(args.store, args.store.parent / "server.log")
    peer = OxigraphServer(args.store, run.free_port(), args.store.parent / "peer.log")
    try:
        result = compare(
            lambda path, params: server.fetch(path, params=params, headers={"Accept": SPARQL_JSON}),
            peer,
            lambda q: run.bench_bindings(q, base, places) if places else {},
            args.reps,
            args.budget,
            log=run.log,
            only=set(args.queries.split(",")) if args.queries else None,
            warmup=args.warmup,
        )
    finally:
        peer.stop()
        server.stop()
    print_peer(args.scale or 0, result, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
