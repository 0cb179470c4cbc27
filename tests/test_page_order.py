"""Pages of ordered SELECTs sorted in the worker (kg.web.page_order) come out exactly as the
engine orders them, and whatever cannot be ordered exactly is left to the engine."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.store.sparql_text import with_page
from kg.web import page_order, query_worker
from kg.web.query_worker import QueryTask

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """Rows whose keys mix unbound values, IRIs, strings, tagged strings and integers."""
    store = OxigraphStore(Config(store=":memory:"))
    raw = store._store  # noqa: SLF001 - seeding the in-memory engine directly
    kinds = [
        None,
        ox.NamedNode(EX + "b"),
        ox.NamedNode(EX + "a"),
        ox.Literal("zeta"),
        ox.Literal("alpha"),
        ox.Literal("合成城市2", language="zh-Hans"),
        ox.Literal("合成城市10", language="zh-Hans"),
        ox.Literal("alpha", language="en"),
        ox.Literal("Beta", language="en"),
    ]
    for i in range(45):
        item = ox.NamedNode(f"{EX}item{i:02d}")
        raw.add(
            ox.Quad(
                item,
                ox.NamedNode(EX + "n"),
                ox.Literal(str((i * 7) % 45), datatype=ox.NamedNode(XSD + "integer")),
            )
        )
        key = kinds[i % len(kinds)]
        if key is not None:
            raw.add(ox.Quad(item, ox.NamedNode(EX + "key"), key))
        raw.add(
            ox.Quad(
                item,
                ox.NamedNode(EX + "size"),
                ox.Literal(f"{i / 4:.2f}", datatype=ox.NamedNode(XSD + "decimal")),
            )
        )
    return store


QUERY = (
    "SELECT ?item ?key ?n WHERE {{ ?item <{ex}n> ?n OPTIONAL {{ ?item <{ex}key> ?key }} }}\n"
    "ORDER BY {order}"
)


def engine_page(store: OxigraphStore, text: str, limit: int, offset: int) -> list[dict]:
    """The page as the engine orders and cuts it."""
    result = store.query(f"{text}\nLIMIT {limit} OFFSET {offset}")
    return json.loads(ox_json(result))["results"]["bindings"]


def ox_json(result: ox.QuerySolutions) -> bytes:
    import io

    buffer = io.BytesIO()
    result.serialize(buffer, ox.QueryResultsFormat.JSON)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "order",
    ["?key ?item", "DESC(?key) ?item", "?key DESC(?n)", "DESC(?n)", "ASC(?n) ?key"],
)
def test_every_page_is_the_engines_page_in_the_engines_order(store, order):
    text = QUERY.format(ex=EX, order=order)
    plan = page_order.plan(with_page(text, 11, 0))
    assert plan is not None  # ordered in the worker, not left to the engine:
    assert page_order.page(store.query(plan.unordered), plan, 10, 10**6) is not None
    for offset in range(0, 50, 10):
        task = QueryTask(
            with_page(text, 11, offset), accept="application/sparql-results+json", page_limit=10
        )
        out = query_worker.execute(store, task)
        assert json.loads(out.body)["results"]["bindings"] == engine_page(store, text, 10, offset)
        assert out.more == (offset + 10 < 45)


@pytest.mark.parametrize(
    "text",
    [
        f"SELECT ?item ?s WHERE {{ ?item <{EX}size> ?s }} ORDER BY ?s LIMIT 5 OFFSET 0",  # decimals
        f"SELECT ?item WHERE {{ ?item <{EX}n> ?n }} ORDER BY ?n LIMIT 5 OFFSET 0",  # not projected
    ],
)
def test_keys_the_worker_cannot_order_exactly_are_left_to_the_engine(store, text):
    task = QueryTask(text, accept="text/csv", page_limit=4)
    unordered = store.query(page_order.plan(text).unordered)
    assert page_order.page(unordered, page_order.plan(text), 4, 10**6) is None
    engine = store.query(text.replace("LIMIT 5", "LIMIT 4"))
    names = [v.value for v in engine.variables]
    expected = [[s[n].value for n in names] for s in engine]
    lines = query_worker.execute(store, task).body.decode().splitlines()[1:]
    assert [line.split(",") for line in lines] == expected


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY STR(?x) LIMIT 3 OFFSET 0",  # an expression
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x",  # no page
        "SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 2 } } LIMIT 3 OFFSET 0",
        "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 3 OFFSET 0",
    ],
)
def test_only_a_top_level_order_of_plain_variables_with_a_page_is_planned(text):
    assert page_order.plan(text) is None


@pytest.mark.parametrize(
    "order", ["?key ?item", "DESC(?key) DESC(?item)", "DESC(?key) ?item", "?key DESC(?n)"]
)
def test_long_answers_keyed_from_the_tsv_text_come_in_the_engines_order(store, order, monkeypatch):
    """Past ``_FAST_FROM`` rows the keys are read from the TSV text, not parsed terms; the
    pages are the same (an integer key falls back to the parsed terms)."""
    monkeypatch.setattr(page_order, "_FAST_FROM", 0)
    text = QUERY.format(ex=EX, order=order)
    plan = page_order.plan(with_page(text, 11, 0))
    rows = store.query(plan.unordered)
    import io

    buffer = io.BytesIO()
    rows.serialize(buffer, ox.QueryResultsFormat.TSV)
    lines = buffer.getvalue().split(b"\n")[1:-1]
    names = [v.value for v in store.query(plan.unordered).variables]
    columns = [names.index(name) for name, _ in plan.keys]
    fast = page_order._rank_text(lines, columns, plan)  # noqa: SLF001
    assert (fast is None) == ("?n" in order)
    for offset in range(0, 50, 10):
        task = QueryTask(
            with_page(text, 11, offset), accept="application/sparql-results+json", page_limit=10
        )
        out = query_worker.execute(store, task)
        assert json.loads(out.body)["results"]["bindings"] == engine_page(store, text, 10, offset)


def test_keys_with_escapes_are_ordered_from_parsed_terms(monkeypatch):
    """A quote, tab or newline in a key is escaped in TSV: the text is not the value, so those
    rows are keyed from parsed terms, and the page is still the engine's."""
    monkeypatch.setattr(page_order, "_FAST_FROM", 0)
    store = OxigraphStore(Config(store=":memory:"))
    values = ['say "b"', "a\tb", "a\nb", "ab", 'a"']
    for i, value in enumerate(values):
        store._store.add(  # noqa: SLF001
            ox.Quad(ox.NamedNode(f"{EX}i{i}"), ox.NamedNode(EX + "key"), ox.Literal(value))
        )
    text = f"SELECT ?item ?key WHERE {{ ?item <{EX}key> ?key }} ORDER BY ?key"
    task = QueryTask(with_page(text, 4, 0), accept="application/sparql-results+json", page_limit=3)
    out = query_worker.execute(store, task)
    assert json.loads(out.body)["results"]["bindings"] == engine_page(store, text, 3, 0)


def test_a_named_query_can_leave_its_order_to_the_engine():
    """``# order: engine`` in a query's header (short answers: the engine's sort is cheaper
    than the worker's round trip through TSV) keeps the page with the engine."""
    text = "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x LIMIT 3 OFFSET 0"
    assert page_order.plan("# title: t\n" + text) is not None
    assert page_order.plan("# title: t\n# order: engine\n" + text) is None
    assert page_order.plan(
        "SELECT ?x WHERE { ?x ?p ?o }\n# order: engine\nORDER BY ?x LIMIT 3 OFFSET 0"
    )


def test_unordered_rows_larger_than_the_result_limit_are_still_sorted_here(store, monkeypatch):
    """The result limit is the page's: a long answer's unordered rows may exceed it (83 MB of
    TSV for relations-in-year at 100x, limit 64 MB) and are still sorted in the worker; past
    the sort buffer the engine orders."""
    text = QUERY.format(ex=EX, order="?key ?item")
    plan = page_order.plan(with_page(text, 11, 0))
    paged = page_order.page(store.query(plan.unordered), plan, 10, max_bytes=100)
    assert paged is not None
    rows, more = paged
    assert more and len(list(rows)) == 10
    monkeypatch.setattr(page_order, "SORT_BUFFER_BYTES", 100)
    assert page_order.page(store.query(plan.unordered), plan, 10, max_bytes=100) is None
