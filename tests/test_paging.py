"""Paging of long answers (kg.web.paging): named queries and traversal lists answer ``limit`` rows
from ``offset`` with ``Link: rel="next"``; following the links reads every row once, in order."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from kg.store.sparql_text import with_page
from kg.web.paging import DEFAULT_PAGE, MAX_PAGE, Page, trim_solutions

JSON = {"Accept": "application/sparql-results+json"}


def follow(
    url: str, params: dict, key=lambda r: r.json()["results"]["bindings"], headers=JSON
) -> list:
    """Every row of every page, following ``rel="next"`` from the first."""
    rows: list = []
    response = requests.get(url, params=params, headers=headers)
    pages = 0
    while True:
        assert response.status_code == 200, response.text
        rows += key(response)
        pages += 1
        if "next" not in response.links:
            return rows
        assert pages < 200, "paging does not end"
        response = requests.get(response.links["next"]["url"], headers=headers)


# -- the query text ---------------------------------------------------------------------------
def test_the_page_clause_goes_before_a_trailing_values_block_on_its_own_line():
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # done\nVALUES ?p { <urn:p> }"
    assert with_page(text, 11, 20) == (
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # done\n"
        "\nLIMIT 11 OFFSET 20\nVALUES ?p { <urn:p> }"
    )
    assert with_page("SELECT * { ?s ?p ?o } # end", 5, 0).endswith("# end\nLIMIT 5 OFFSET 0\n")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o } LIMIT 3",
        "SELECT * { ?s ?p ?o } OFFSET 3",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
    ],
)
def test_queries_with_their_own_limit_or_without_solutions_are_not_paged(text):
    assert with_page(text, 10, 0) is None


def test_a_limit_inside_a_subquery_does_not_stop_paging():
    text = "SELECT ?s { { SELECT ?s { ?s ?p ?o } LIMIT 2 } }"
    assert with_page(text, 10, 0).endswith("\nLIMIT 10 OFFSET 0\n")


# -- trimming the extra row -------------------------------------------------------------------
TERMS = [
    ox.Literal('tab\there, "quoted"\nnew line'),
    ox.Literal("盐城", language="zh-Hans"),
    ox.Literal("2020", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
    ox.NamedNode("http://example.org/a"),
    ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
]


def _store() -> ox.Store:
    store = ox.Store()
    for i, term in enumerate(TERMS):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), term))
    return store


QUERY = "SELECT ?s ?o ?none WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?none } } ORDER BY ?s"


@pytest.mark.parametrize("limit, more", [(2, True), (4, True), (5, False), (6, False)])
def test_a_page_keeps_its_rows_exactly_and_knows_whether_more_follow(limit, more):
    store = _store()
    expected = [tuple(r) for r in store.query(QUERY)][:limit]
    page, has_more = trim_solutions(store.query(with_page(QUERY, limit + 1, 0)), limit)
    assert [v.value for v in page.variables] == ["s", "o", "none"]
    assert [tuple(r) for r in page] == expected
    assert has_more is more


def test_page_cut_of_a_list():
    assert Page(limit=2, offset=1).cut([1, 2, 3, 4]) == ([2, 3], True)
    assert Page(limit=2, offset=2).cut([1, 2, 3, 4]) == ([3, 4], False)


# -- HTTP -------------------------------------------------------------------------------------
def _longest_query(server) -> tuple[str, list]:
    """The named query with the most rows on the bundled graph, and its whole answer."""
    best = ("", [])
    for q in requests.get(server.url + "/queries").json()["queries"]:
        rows = requests.get(
            f"{server.url}/queries/{q['name']}", params={"limit": MAX_PAGE}, headers=JSON
        ).json()["results"]["bindings"]
        if len(rows) > len(best[1]):
            best = (q["name"], rows)
    return best


def test_following_next_links_reads_every_row_of_a_named_query_once_in_order(server):
    name, whole = _longest_query(server)
    assert len(whole) > 10
    paged = follow(f"{server.url}/queries/{name}", {"limit": 7})
    assert paged == whole


def test_a_middle_page_links_both_ways_and_keeps_the_other_parameters(server):
    name, whole = _longest_query(server)
    r = requests.get(
        f"{server.url}/queries/{name}", params={"limit": 3, "offset": 3, "format": "csv"}
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert len(r.text.strip().splitlines()) == 1 + 3
    assert "offset=6" in r.links["next"]["url"] and "format=csv" in r.links["next"]["url"]
    assert "offset=0" in r.links["prev"]["url"]


def test_a_short_answer_has_no_link_and_default_page_size_applies(server):
    r = requests.get(f"{server.url}/queries/regions-and-members", headers=JSON)
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) <= DEFAULT_PAGE
    assert "Link" not in r.headers


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": "0"}, "limit must be between"),
        ({"offset": "-1"}, "offset must be between"),
        ({"limit": "ten"}, "limit must be an integer"),
        ({"limit": MAX_PAGE + 1}, "limit"),
    ],
)
def test_bad_paging_parameters_are_refused(server, params, message):
    r = requests.get(f"{server.url}/queries/regions-and-members", params=params)
    assert r.status_code == 400 and message in r.json()["error"]


def test_partners_and_metrics_pages_follow_next_to_the_whole_list(server):
    whole = requests.get(server.url + "/api/places/盐城/partners").json()
    assert whole["count"] == len(whole["partners"]) > 3
    paged = follow(
        server.url + "/api/places/盐城/partners", {"limit": 2}, lambda r: r.json()["partners"], {}
    )
    assert paged == whole["partners"]
    first = requests.get(server.url + "/api/places/盐城/partners", params={"limit": 2}).json()
    assert first["count"] == whole["count"]  # the total, not the page
    metrics = requests.get(server.url + "/api/metrics").json()["places"]
    assert (
        follow(server.url + "/api/metrics", {"limit": 25}, lambda r: r.json()["places"], {})
        == metrics
    )
