"""The front door without a browser: the home page's numbers, /sparql for people vs. protocol
clients, the editor page, named-query forms, and ontology terms shown as words (#21)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from flask.testing import FlaskClient

from kg.config import Config
from kg.store.base import GraphStore
from kg.web.app import create_app

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.fixture(scope="module")
def client(bundled_store: GraphStore) -> FlaskClient:
    return create_app(Config(store=":memory:"), bundled_store).test_client()


def _count(store: GraphStore, query: str) -> int:
    return int(store.select(query)[0]["n"].value)


def _text(html: str) -> str:
    """What a reader sees: tags, scripts and attributes dropped."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def test_home_counts_articles_places_and_relations_as_sparql_does(client, bundled_store):
    html = client.get("/", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    shown = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    assert shown == {
        "articles": _count(bundled_store, "SELECT (COUNT(DISTINCT ?a) AS ?n) { ?a a yrd:Source }"),
        "places": _count(bundled_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a yrd:Place }"),
        "relations": _count(
            bundled_store, "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a yrd:CooperationRelation }"
        ),
    }
    pairings = _count(bundled_store, "SELECT (COUNT(DISTINCT ?r) AS ?n) { ?r a yrd:Pairing }")
    assert f'data-kind="pairing">{pairings}<' in html
    cities = _count(
        bundled_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?p a yrd:PrefectureLevelCity }"
    )
    assert f'data-type="PrefectureLevelCity">{cities}<' in html


def test_home_page_leads_to_partners_questions_editor_and_sources(client):
    html = client.get("/").get_data(as_text=True)
    text = _text(html)
    assert 'action="/search"' in html  # the place search goes through the resolver
    assert "盐城市与哪些地方合作？" in text  # a named query as a question, default filled in
    assert 'href="/query/partners-of-place"' in html
    assert "/explore?place=id/place/yancheng" in html  # most connected → the network
    assert 'href="/id/place/yancheng"' in html
    assert 'href="/id/source/s000"' in html  # where the data comes from
    assert 'href="/query"' in html
    # Every count links to the query that made it, runnable in the editor.
    links = re.findall(r'class="q" href="(/query\?query=[^"]+)"', html)
    assert len(links) == 3
    assert "yrd:Source" in unescape(links[0]).replace("+", " ").replace("%3A", ":")


def test_home_speaks_english_when_asked_and_remembers_it(client):
    english = client.get("/?lang=en")
    text = _text(english.get_data(as_text=True))
    assert "Prefecture-level city" in text and "Pairing" in text and "地级市" not in text
    assert "lang=en" in english.headers["Set-Cookie"]
    assert '<html lang="en">' in english.get_data(as_text=True)
    again = client.get("/id/place/yancheng")  # the cookie keeps the choice
    assert "Prefecture-level city" in _text(again.get_data(as_text=True))
    client.get("/?lang=zh-Hans")
    assert "地级市" in _text(client.get("/id/place/yancheng").get_data(as_text=True))


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "text/turtle",
        "application/sparql-results+json, */*;q=0.1",
        "text/html;q=0.5, text/turtle",
    ],
)
def test_sparql_without_query_still_describes_the_service_to_protocol_clients(client, accept):
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", headers=headers)
    assert r.status_code == 200
    assert not r.mimetype.startswith("text/html")
    assert "sparql-service-description" in r.get_data(as_text=True)


def test_sparql_opens_the_editor_for_a_browser(client):
    r = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert 'id="editor-data"' in r.get_data(as_text=True)
    assert r.headers["Vary"] == "Accept"
    # …but not when it asks for a format, and queries are answered as before.
    assert client.get("/sparql?format=ttl", headers={"Accept": BROWSER_ACCEPT}).mimetype == (
        "text/turtle"
    )
    answer = client.get(
        "/sparql?query=ASK{}", headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.get_json() == {"head": {}, "boolean": True}


def test_editor_page_carries_a_shared_query_and_the_vocabulary(client):
    query = 'SELECT ?p WHERE { ?p a yrd:Pairing } # "<shared>"'
    r = client.get("/query", query_string={"query": query})
    html = r.get_data(as_text=True)
    assert unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)) == query
    assert 'data-run-on-load="true"' in html
    data = json.loads(re.search(r'id="editor-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    pairing = next(t for t in data["vocabulary"] if t["curie"] == "yrd:Pairing")
    assert (pairing["kind"], pairing["zh"], pairing["en"]) == ("class", "结对帮扶", "Pairing")
    assert any(
        t["curie"] == "yrd:assistedParty" and t["kind"] == "property" for t in data["vocabulary"]
    )
    assert data["prefixes"]["place"].endswith("/id/place/")
    assert {f["name"] for f in data["formats"]["solutions"]} >= {"json", "xml", "csv", "tsv"}
    assert {f["name"] for f in data["formats"]["graph"]} >= {"turtle", "ntriples", "jsonld"}
    assert 'data-run-on-load="false"' in client.get("/query").get_data(as_text=True)


def test_old_front_page_links_with_a_query_reach_the_editor(client):
    r = client.get("/?query=ASK%20%7B%7D")
    assert r.status_code == 301 and r.headers["Location"].endswith("/query?query=ASK+%7B%7D")


def test_named_query_form_has_typed_fields(client):
    html = client.get("/query/partners-of-place").get_data(as_text=True)
    place = re.search(r'<input id="p-place"[^>]*>', html).group(0)
    assert 'data-kind="place"' in place and 'value="盐城市"' in place and "list=" in place
    assert "盐城市与哪些地方合作？" in _text(html)
    year = re.search(
        r'<input id="p-year"[^>]*>', client.get("/query/agreements-of-year").get_data(as_text=True)
    )
    assert 'type="number"' in year.group(0) and 'value="2020"' in year.group(0)
    source = client.get("/query/facts-with-sources").get_data(as_text=True)
    assert re.search(r'<option value="[^"]*/id/source/s000" selected>', source)
    assert client.get("/query/no-such-query").status_code == 404


def test_place_and_relation_pages_show_ontology_terms_as_words(client):
    place = _text(client.get("/id/place/yancheng?lang=zh-Hans").get_data(as_text=True))
    assert "地级市" in place and "结对帮扶" in place and "受帮扶方" in place and "市级" in place
    relation = client.get("/id/place/yancheng").get_data(as_text=True)
    pairing = re.search(r'href="(/id/pairing/[^"]+)"', relation).group(1)
    page = _text(client.get(pairing).get_data(as_text=True))
    assert "帮扶方" in page and "受帮扶方" in page
    for text in (place, page):
        for local in (
            "PrefectureLevelCity",
            "assistedParty",
            "assistingParty",
            "CityLevel",
            "role:",
            "level:",
            "scheme:",
        ):
            assert local not in text, local


def test_schema_prefix_reaches_the_schema_org_terms_the_data_uses(bundled_store):
    """``schema:`` in a query (the editor's, a named query's) must name the namespace the
    curated files use (https://schema.org/), or ``schema:url`` silently finds nothing."""
    with_prefix = _count(bundled_store, "SELECT (COUNT(*) AS ?n) { ?s schema:url ?u }")
    spelled_out = _count(
        bundled_store, "SELECT (COUNT(*) AS ?n) { ?s <https://schema.org/url> ?u }"
    )
    assert with_prefix == spelled_out > 0
    from kg.graph import overview

    listed = {s["id"]: s["url"] for s in overview.sources(bundled_store)}
    with_url = bundled_store.select(
        "SELECT ?s ?u { ?s a yrd:Source ; <https://schema.org/url> ?u }"
    )
    assert with_url and all(listed[r["s"].value] == r["u"].value for r in with_url)
