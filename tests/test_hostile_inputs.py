"""Hostile inputs without a server: planted IRIs in pages, picture rendering turns, entity and
literal checks on bodies (kg.web.body_guard), the server's routing of requests to its pools."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.embedded import OxigraphStore
from kg.web import body_guard
from kg.web.app import create_app
from kg.web.server import RoutingDispatcher, connection_limit

RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@pytest.fixture()
def app():  # type: ignore[no-untyped-def]
    config = Config(store=":memory:", render_slots=1, render_queue=0)
    store = OxigraphStore(config)
    b = config.base_iri
    store.update(
        f"INSERT DATA {{ GRAPH <{b}graph/t> {{ <{b}id/thing/x> <{RDFS}label> 'X' ; "
        f"<{RDFS}seeAlso> <javascript:alert(1)>, <https://example.org/ok>, <mailto:a@b.c> . "
        f"<javascript:alert(2)> <{RDFS}seeAlso> <{b}id/thing/x> }} }}"
    )
    return create_app(config, store)


def test_only_web_and_mail_iris_become_links_in_pages(app) -> None:  # type: ignore[no-untyped-def]
    page = app.test_client().get("/id/thing/x", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "https://example.org/ok" in hrefs and "mailto:a@b.c" in hrefs
    assert "javascript:alert(1)" in html and "javascript:alert(2)" in html  # shown as text


def test_pictures_past_the_render_queue_are_503_with_retry_after(app) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert client.get("/api/export?format=svg").status_code == 200  # creates the gate
    gate = app.extensions["kg"].extras["render_gate"]
    turn = gate.acquire("someone else")  # the one renderer is busy, nobody may wait
    try:
        busy = client.get("/api/export?format=svg")
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
        assert "picture renderer" in busy.get_json()["error"]
        assert client.get("/api/export?format=d3").status_code == 200  # data exports: no turn
    finally:
        turn.release()
    done = client.get("/api/export?format=svg")
    assert done.status_code == 200 and done.data.startswith(b"<")
    assert gate.snapshot() == {"held": 0, "waiting": 0}  # the turn was given back


def bomb(depth: int, fan: int = 10) -> bytes:
    decls = '<!ENTITY e0 "ha">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * fan}">' for i in range(1, depth + 1)
    )
    return f'<!DOCTYPE r [{decls}]><r a="&e{depth};"/>'.encode()


def test_entity_expansion_is_computed_not_performed() -> None:
    body_guard.check_xml_entities(bomb(4))  # 20 000 characters: allowed
    with pytest.raises(body_guard.BodyRefused) as refused:
        body_guard.check_xml_entities(bomb(100))  # 10^100: refused in microseconds
    assert refused.value.status == 400 and "expand" in refused.value.message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', "external"),
        (b'<!DOCTYPE r [<!ENTITY % x "a">]><r/>', "parameter"),
        (b'<!DOCTYPE r [<!ENTITY a "&b;"><!ENTITY b "&a;">]><r>&a;</r>', "itself"),
        (b"<!DOCTYPE r [<!ENTITY a >]><r>&a;</r>", "cannot be read"),
        (b'<!DOCTYPE r [<!ENTITY a "x">]><r>&zz;</r>', "undeclared"),
        (b"<!DOCTYPE r [" + b'<!ENTITY a "x">' * 300 + b"]><r/>", "at most"),
    ],
)
def test_hostile_entity_declarations_are_refused(body: bytes, words: str) -> None:
    with pytest.raises(body_guard.BodyRefused) as refused:
        body_guard.check_xml_entities(body)
    assert words in refused.value.message


def test_long_literals_are_found_after_entity_expansion() -> None:
    config = Config(store=":memory:", max_literal_chars=100)
    xml = (
        '<!DOCTYPE rdf:RDF [<!ENTITY a "' + "y" * 60 + '">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:ex="http://e/"><rdf:Description rdf:about="http://e/s">'
        "<ex:p>&a;&a;</ex:p></rdf:Description></rdf:RDF>"
    ).encode()
    assert len(xml) < 400
    with pytest.raises(body_guard.BodyRefused) as refused:
        body_guard.check_literals(xml, ox.RdfFormat.RDF_XML, config)
    assert refused.value.status == 413
    body_guard.check_literals(b'<http://e/s> <http://e/p> "short" .', ox.RdfFormat.TURTLE, config)


def test_requests_are_routed_to_the_query_pool_only_when_they_need_a_worker() -> None:
    dispatcher = RoutingDispatcher(general=1, queries=1)
    try:

        def pool(path: str) -> str:
            chosen = dispatcher.pool_for(SimpleNamespace(requests=[SimpleNamespace(path=path)]))
            return "queries" if chosen is dispatcher.queries else "general"

        assert pool("/sparql") == "queries" and pool("/queries/city_label") == "queries"
        for path in ("/api/graph", "/", "/id/place/x", "/update", "/store", "/static/a.css"):
            assert pool(path) == "general", path
    finally:
        dispatcher.shutdown()


def test_the_connection_limit_is_sized_from_the_open_file_limit() -> None:
    assert 100 <= connection_limit(Config(store=":memory:")) <= 1024
    assert connection_limit(Config(store=":memory:", connection_limit=42)) == 42
