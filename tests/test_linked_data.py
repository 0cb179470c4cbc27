"""Linked Data: entity IRIs dereference to HTML for people and RDF for machines."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
import rdflib
import requests

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_files
from kg.web.app import create_app

YANCHENG = "http://127.0.0.1:8000/id/place/yancheng"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "media_type, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_entity_iri_gives_rdf_by_content_negotiation(server, media_type, rdflib_format):
    r = requests.get(server.url + "/id/place/yancheng", headers={"Accept": media_type})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(media_type)
    assert "Accept" in r.headers["Vary"]
    graph = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    me = rdflib.URIRef(YANCHENG)
    assert (me, rdflib.RDFS.label, rdflib.Literal("盐城市", lang="zh-hans")) in graph or (
        me,
        rdflib.RDFS.label,
        rdflib.Literal("盐城市", lang="zh-Hans"),
    ) in graph
    # inbound arcs: the relations that name 盐城 as a party are part of its description
    yrd = rdflib.Namespace("http://127.0.0.1:8000/ontology#")
    relations = set(graph.subjects(yrd.party, me))
    assert relations
    # neighbour labels: the partner cities are named, not just IRIs
    changzhou = rdflib.URIRef("http://127.0.0.1:8000/id/place/changzhou")
    assert graph.value(changzhou, rdflib.RDFS.label) is not None


def test_browser_accept_gets_an_html_page_with_hierarchy_relations_and_quotes(server):
    r = requests.get(server.url + "/id/place/yancheng", headers={"Accept": BROWSER_ACCEPT})
    assert r.headers["Content-Type"].startswith("text/html")
    html = r.text
    assert "<h1>盐城" in html
    assert "江苏省</a> ›" in html  # breadcrumb
    assert "常州" in html and "<blockquote" in html
    assert 'href="/query?query=DESCRIBE' in html and "/api/export?place=id/place/yancheng" in html
    assert "在查询编辑器中打开" in html  # Chinese by default; ?lang=en switches the page
    english = requests.get(
        server.url + "/id/place/yancheng?lang=en", headers={"Accept": BROWSER_ACCEPT}
    )
    assert "open in query editor" in english.text and "export this neighbourhood" in english.text


def test_unknown_entity_is_404_with_a_search_suggestion(server):
    r = requests.get(server.url + "/id/place/yanchen", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 404
    assert "/search?q=yanchen" in r.text
    assert "盐城" in r.text
    api = requests.get(server.url + "/id/place/yanchen", headers={"Accept": "text/turtle"})
    assert api.status_code == 404
    assert any(s["label_zh"] == "盐城市" for s in api.json()["suggestions"])


def test_source_article_page_lists_the_facts_derived_from_it(server):
    r = requests.get(server.url + "/id/source/s000", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200
    assert "出自这篇文章的事实" in r.text
    assert r.text.count('class="fact"') >= 5


def test_search_redirects_to_a_single_match_and_lists_ambiguous_ones(server):
    r = requests.get(server.url + "/search", params={"q": "鹽城"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith("/id/place/yancheng")
    r = requests.get(server.url + "/search", params={"q": "Suzhou"})
    assert "苏州" in r.text and "宿州" in r.text


def test_places_index_groups_by_province_with_counts(server):
    html = requests.get(server.url + "/places").text
    assert "江苏" in html and "安徽" in html
    assert re.search(r"江苏省</a> Jiangsu\s*<small>\(\d+ 个地点，\d+ 个关系端\)", html)


def test_ontology_terms_dereference(server):
    page = requests.get(server.url + "/ontology", headers={"Accept": BROWSER_ACCEPT})
    assert 'id="Pairing"' in page.text
    ttl = requests.get(server.url + "/ontology", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=ttl.content, format="turtle")
    pairing = rdflib.URIRef("http://127.0.0.1:8000/ontology#Pairing")
    assert (pairing, rdflib.RDF.type, rdflib.OWL.Class) in graph


def test_labels_from_data_are_escaped(tmp_path):
    data = tmp_path / "graph_data"
    data.mkdir()
    (data / "evil.ttl").write_text(
        "@prefix yrd: <ontology#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<id/place/evil> a yrd:Place ; rdfs:label "<script>alert(1)</script>"@zh-Hans .\n',
        encoding="utf-8",
    )
    config = Config(store=":memory:", data_dirs=(tmp_path / "ontology", data))
    store = OxigraphStore(config)
    load_files(store, [data])
    client = create_app(config, store).test_client()
    for url in ("/id/place/evil", "/places", "/search?q=%3Cscript%3E"):
        body = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/id/place/evil").get_data(
        as_text=True
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_every_internal_link_on_every_entity_page_resolves(server):
    """Crawl from /places through every entity page; no internal link may 404 (or 5xx)."""
    start = server.url + "/places"
    seen: set[str] = set()
    queue = [start]
    pages = 0
    failures = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        r = requests.get(url, headers={"Accept": BROWSER_ACCEPT}, allow_redirects=False)
        if r.status_code >= 400 or r.status_code == 300:
            failures.append((url, r.status_code))
            continue
        path = urlparse(url).path
        if not (path.startswith("/id/") or path == "/places") or "format=" in url:
            continue
        pages += 1
        parser = _Links()
        parser.feed(r.text)
        for link in parser.links:
            absolute = urljoin(url, link).split("#")[0]
            if absolute.startswith(server.url) and absolute not in seen:
                queue.append(absolute)
    assert not failures, failures[:10]
    assert pages > 50
