"""The per-request text analyses are memoised (kg.store.guard.check_syntax,
kg.store.sparql_text.with_page):
a repeated text must get exactly the verdict and the rewrite a first-time text gets."""

from __future__ import annotations

import pytest

from kg.config import Config
from kg.store import guard
from kg.store.sparql_text import MEMO_MAX_CHARS, with_page

QUERY = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"


def test_a_malformed_query_is_refused_every_time_it_is_sent() -> None:
    config = Config()
    for _ in range(3):
        with pytest.raises(guard.Malformed, match="query:1:"):
            guard.check_syntax("SELECT ?s WHERE { ?s ?p ", config)


def test_the_verdict_depends_on_which_variables_are_substituted() -> None:
    config = Config()
    guard.check_syntax(QUERY, config, {"s": None})  # in the projection: parses
    guard.check_syntax("SELECT ?o WHERE { ?s ?p ?o }", config, {"s": None})  # worker decides
    guard.check_syntax(QUERY, config)


def test_a_long_query_is_checked_without_being_kept() -> None:
    config = Config()
    long_text = QUERY + " " * MEMO_MAX_CHARS
    with pytest.raises(guard.Malformed):
        guard.check_syntax(long_text + " }", config)
    guard.check_syntax(long_text, config)


def test_pages_of_the_same_text_differ_only_in_their_clause() -> None:
    first = with_page(QUERY, 11, 0)
    second = with_page(QUERY, 11, 20)
    assert first == QUERY + "\nLIMIT 11 OFFSET 0\n"
    assert second == QUERY + "\nLIMIT 11 OFFSET 20\n"
    assert with_page(QUERY + " LIMIT 5", 11, 0) is None
    assert with_page(QUERY + " " * MEMO_MAX_CHARS, 3, 0).endswith("\nLIMIT 3 OFFSET 0\n")
