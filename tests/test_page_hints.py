"""A query worker renders a page it has seen whole without the TSV cut (kg.web.page_hints): the
same bytes in every format, and never for a page that was cut or a text whose rows may change
between two runs."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.store.sparql_text import with_page
from kg.web import paging
from kg.web.page_hints import PageHints
from kg.web.query_worker import QueryTask, execute

EX = "http://example.org/"
FORMATS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """Terms of every kind, with escapes, blank nodes and unbound values."""
    store = OxigraphStore(Config(store=":memory:"))
    values = [
        ox.Literal('say "hi"\tand\nbye'),
        ox.Literal("合成城市", language="zh-Hans"),
        ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.BlankNode("b1"),
        ox.NamedNode(EX + "o"),
    ]
    for i, value in enumerate(values):
        subject = ox.NamedNode(f"{EX}s{i}")
        store._store.add(ox.Quad(subject, ox.NamedNode(EX + "p"), value))  # noqa: SLF001
        if i % 2:
            store._store.add(ox.Quad(subject, ox.NamedNode(EX + "q"), ox.Literal(i)))  # noqa: SLF001
    return store


TEXT = f"SELECT ?s ?o ?n WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?n }} }} ORDER BY STR(?s)"


@pytest.mark.parametrize("accept", FORMATS)
def test_a_page_seen_whole_is_rendered_the_same_without_the_cut(store, accept, monkeypatch):
    task = QueryTask(with_page(TEXT, 11, 0), accept=accept, page_limit=10)
    hints = PageHints()
    first = execute(store, task, hints)
    assert hints.whole(hints.key(task))
    cuts: list[int] = []
    trim = paging.trim_solutions
    monkeypatch.setattr(paging, "trim_solutions", lambda r, n: cuts.append(n) or trim(r, n))
    again = execute(store, task, hints)
    assert not cuts and again == first == execute(store, task)
    if accept.endswith("json"):
        assert len(json.loads(again.body)["results"]["bindings"]) == 6 and not again.more


def test_a_page_with_rows_past_its_end_is_cut_every_time(store):
    task = QueryTask(with_page(TEXT, 5, 0), accept=FORMATS[0], page_limit=4)
    hints = PageHints()
    for _ in range(2):
        out = execute(store, task, hints)
        assert out.more and len(json.loads(out.body)["results"]["bindings"]) == 4
    assert not hints.whole(hints.key(task))


def test_texts_whose_rows_may_change_are_not_remembered_and_a_new_checkpoint_forgets(store):
    hints = PageHints()
    volatile = f"SELECT ?s WHERE {{ ?s <{EX}p> ?o FILTER(rand() < 2) }} ORDER BY STR(?s)"
    steady = QueryTask(with_page(TEXT, 11, 0), accept=FORMATS[0], page_limit=10)
    for text in (volatile,):
        task = QueryTask(with_page(text, 11, 0), accept=FORMATS[0], page_limit=10)
        execute(store, task, hints)
        assert not hints.whole(hints.key(task))
    execute(store, steady, hints)
    assert hints.whole(hints.key(steady))
    hints.forget()
    assert not hints.whole(hints.key(steady))
