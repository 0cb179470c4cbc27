"""Ours vs the peer's query in one process: is a named query's gap to Oxigraph server the plan?

    python benchmarks/engine_gap.py --store var/bench/x10/store --scale 10
    python benchmarks/engine_gap.py --store STORE --queries NAME --strategy inline

``peer.py`` times the whole request on both servers; when ours is slower, this says whether the
engine is: on one read-only handle of the store it times, interleaved, (1) what a query worker
runs for ``/queries/<name>`` — the query's binding strategy (or ``--strategy``), the default page,
the order made in the worker or by the engine (``--order`` forces one), rendered as SPARQL JSON
by ``kg.web.query_worker.execute`` — and (2) the text the peer is sent (``peer.peer_text``:
constants written in, ``ORDER BY`` and page in the text), evaluated and serialised as JSON by
pyoxigraph. Same rows are checked. A ratio near 1 means the gap is the request path, not the
plan. Run it as the workers run (``LD_PRELOAD`` of mimalloc, see ``kg.web.worker_env``) for
figures comparable to the served ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import peer  # noqa: E402
from run import bench_bindings  # noqa: E402

from kg.config import Config  # noqa: E402
from kg.store.embedded import OxigraphStore  # noqa: E402
from kg.store.named_queries import BINDINGS, load_named_queries  # noqa: E402
from kg.store.sparql_text import with_page  # noqa: E402
from kg.web import page_order  # noqa: E402
from kg.web.paging import DEFAULT_PAGE  # noqa: E402
from kg.web.query_worker import QueryTask, execute  # noqa: E402

JSON = "application/sparql-results+json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--scale", type=float, help="synthetic scale (place parameters)")
    parser.add_argument("--queries", help="comma-separated named queries (default: all)")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--strategy", choices=BINDINGS, help="instead of the header's")
    parser.add_argument("--order", choices=("worker", "engine"), help="who sorts the page")
    args = parser.parse_args(argv)
    config = dataclasses.replace(Config(), store=str(args.store))
    store = OxigraphStore(config, read_only=True)
    queries = load_named_queries(REPO / "queries")
    places = generate.bench_places(args.scale) if args.scale else None
    if args.order == "engine":
        page_order.plan = lambda _text: None  # type: ignore[assignment]
    print("query  binding  order  ours_ms  peer_ms  ratio  rows")
    for name in args.queries.split(",") if args.queries else queries:
        query = queries[name]
        params = bench_bindings(query, config.base_iri, places) if places else {}
        text, substitutions = query.prepare(query.bindings(params, config.base_iri), args.strategy)
        paged = with_page(text, DEFAULT_PAGE + 1, 0) or text
        task = QueryTask(paged, substitutions=substitutions, accept=JSON, page_limit=DEFAULT_PAGE)
        theirs_text = peer.peer_text(query, params, config)

        def ours(task: QueryTask = task) -> bytes:
            return execute(store, task).body

        def theirs(text: str = theirs_text) -> bytes:
            result = store._store.query(text, use_default_graph_as_union=True)  # noqa: SLF001
            return result.serialize(format=ox.QueryResultsFormat.JSON)

        rows = [len(json.loads(fn())["results"]["bindings"]) for fn in (ours, theirs)]
        timing = peer.interleaved(ours, theirs, args.reps, budget_s=60.0, warmup=2)
        order = "worker" if page_order.plan(paged) else "engine"
        print(
            f"{name}  {args.strategy or query.binding}  {order}  {timing['ours_p50_ms']}  "
            f"{timing['peer_p50_ms']}  {timing['ratio']}  {rows[0]}"
            + ("" if rows[0] == rows[1] else f" (peer {rows[1]}: DIFFERENT)"),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
