"""Embedded store vs a remote Virtuoso: the same queries and traversal calls, timed.

    python benchmarks/remote.py [--repeat 20] [--virtuoso http://127.0.0.1:8890 --user dba]

Without ``--virtuoso`` a throw-away Virtuoso is started (``tests/virtuoso.py``; needs Debian's
``virtuoso-opensource``). Columns: the embedded pyoxigraph store, ``SparqlProtocolStore`` on
Virtuoso (our layer: local parse, rewrite, HTTP, parse of the answer into pyoxigraph objects),
and Virtuoso's ``/sparql`` asked directly with the same final text (the engine alone), so the
layer's overhead is the difference of the last two. ``bench_remote()`` returns the rows for
``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from kg.config import Config  # noqa: E402
from kg.graph import resolver, traversal  # noqa: E402
from kg.graph.projection import build_snapshot  # noqa: E402
from kg.store.backends import open_store  # noqa: E402
from kg.store.base import GraphStore  # noqa: E402
from kg.store.embedded import OxigraphStore  # noqa: E402
from kg.store.loading import load_bundled  # noqa: E402
from kg.store.named_queries import load_named_queries  # noqa: E402
from kg.store.remote_store import SparqlProtocolStore  # noqa: E402

EXTRA_QUERIES = {
    "count-all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "labels-zh": 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(lang(?l) = "zh-hans") }',
    "describe-yancheng": "DESCRIBE place:yancheng",
    "places-path": "SELECT ?p WHERE { ?p a ?t . ?t rdfs:subClassOf* yrd:Place }",
}


def _median_ms(func: Callable[[], Any], repeat: int) -> float:
    func()  # warm-up (caches, connections)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _consume(result: Any) -> int:
    return sum(1 for _ in result) if not isinstance(result, ox.QueryBoolean) else 1


def bench_remote(
    embedded: GraphStore, remote: SparqlProtocolStore, *, repeat: int = 10
) -> list[dict[str, Any]]:
    """Rows of {name, embedded_ms, remote_ms, direct_ms} for queries and traversal calls."""
    rows: list[dict[str, Any]] = []
    session = requests.Session()
    cases: list[tuple[str, str, dict[str, Any] | None]] = [
        (f"named:{name}", q.text, q.bindings({}, embedded.config.base_iri))
        for name, q in load_named_queries(embedded.config.queries_dir).items()
    ]
    cases += [(f"sparql:{name}", text, None) for name, text in EXTRA_QUERIES.items()]
    for name, text, bindings in cases:
        final = remote.prepare(text, bindings)
        kind = type(embedded.query(text, substitutions=bindings))
        accept = (
            "application/n-triples"
            if kind is ox.QueryTriples
            else "application/sparql-results+json"
        )

        def direct(final: str = final, accept: str = accept) -> None:
            r = session.post(remote.query_url, data={"query": final}, headers={"Accept": accept})
            r.raise_for_status()

        rows.append(
            {
                "name": name,
                "embedded_ms": _median_ms(
                    lambda t=text, b=bindings: _consume(embedded.query(t, substitutions=b)), repeat
                ),
                "remote_ms": _median_ms(
                    lambda t=text, b=bindings: _consume(remote.query(t, substitutions=b)), repeat
                ),
                "direct_ms": _median_ms(direct, repeat),
            }
        )
    # Traversal: the projection is built from the store once per version, then served from memory.
    snaps = {}
    for label, store in (("embedded_ms", embedded), ("remote_ms", remote)):
        started = time.perf_counter()
        snaps[label] = build_snapshot(store, store.version)
        rows_build = (time.perf_counter() - started) * 1000
        if label == "embedded_ms":
            build = {"name": "traversal:build-projection", "direct_ms": None}
        build[label] = rows_build
    rows.append(build)
    for call, func in (
        ("partners(盐城)", lambda s: traversal.partners(s, resolver.resolve(s, "盐城"))),
        ("resolve(鹽城市)", lambda s: resolver.resolve(s, "鹽城市")),
    ):
        row: dict[str, Any] = {"name": f"traversal:{call}", "direct_ms": None}
        for label, snap in snaps.items():
            row[label] = _median_ms(lambda f=func, s=snap: f(s), repeat)
        rows.append(row)
    return rows


def print_table(rows: list[dict[str, Any]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'case':44} {'embedded':>10} {'remote':>10} {'virtuoso':>10} {'layer':>8}")
    for row in rows:
        direct = row["direct_ms"]
        layer = f"{row['remote_ms'] - direct:8.1f}" if direct is not None else " " * 8
        direct_text = f"{direct:10.1f}" if direct is not None else " " * 10
        print(
            f"{row['name'][:44]:44} {row['embedded_ms']:10.1f} {row['remote_ms']:10.1f} "
            f"{direct_text} {layer}"
        )
    print("(median ms; 'layer' = our remote store minus Virtuoso's /sparql asked directly)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--virtuoso", help="an existing Virtuoso, e.g. http://127.0.0.1:8890")
    parser.add_argument("--user", default="dba")
    parser.add_argument("--password", default="dba")
    parser.add_argument(
        "--synthetic",
        type=float,
        default=0.0,
        help="then add benchmarks/generate.py data at this scale and run again (1.5 ≈ 10x)",
    )
    args = parser.parse_args()

    server = None
    if args.virtuoso:
        base = args.virtuoso.rstrip("/")
    else:
        from virtuoso import start_virtuoso

        server = start_virtuoso(Path(tempfile.mkdtemp(prefix="kg-bench-virtuoso-")))
        base = server.url
    try:
        config = Config(
            store="sparql+" + base + "/sparql",
            update_url=base + "/sparql-auth",
            graph_store_url=base + "/sparql-graph-crud-auth",
            remote_user=args.user,
            remote_password=args.password,
        )
        remote = open_store(config)
        assert isinstance(remote, SparqlProtocolStore)
        embedded = OxigraphStore(Config(store=":memory:"))
        started = time.perf_counter()
        load_bundled(embedded, validate=False)
        emb_load = time.perf_counter() - started
        started = time.perf_counter()
        load_bundled(remote, validate=False)
        rem_load = time.perf_counter() - started
        bundled = embedded.triple_count()
        print(
            f"load of the bundled graph ({embedded.triple_count():,} quads): "
            f"embedded {emb_load:.2f} s, Virtuoso {rem_load:.2f} s (no SHACL)"
        )
        print_table(bench_remote(embedded, remote, repeat=args.repeat), "1x (the bundled graph)")
        if args.synthetic > 0:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from generate import write

            from kg.store.loading import load_files

            folder = Path(tempfile.mkdtemp(prefix="kg-bench-syn-"))
            data = write(args.synthetic, folder / f"syn-x{args.synthetic:g}.ttl", quiet=True)
            times = []
            for store in (embedded, remote):
                started = time.perf_counter()
                load_files(store, [data], validate=False)
                times.append(time.perf_counter() - started)
            scale = embedded.triple_count() / bundled
            print(
                f"\nadded {data.name} ({data.stat().st_size / 1e6:.1f} MB): embedded "
                f"{times[0]:.2f} s, Virtuoso {times[1]:.2f} s (batched GSP load + inference)"
            )
            rows = bench_remote(embedded, remote, repeat=args.repeat)
            total = embedded.triple_count()
            print_table(rows, f"{scale:.1f}x (bundled + synthetic, {total:,} quads)")
            for store in (embedded, remote):  # leave Virtuoso as it was
                for graph in store.named_graphs():
                    if graph.endswith(data.name):
                        store.drop_graph(graph)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
