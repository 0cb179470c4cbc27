"""Limits and isolation: query timeout in killable workers, outbound allow-list, result and body
size limits, CORS on reads only, security headers on pages."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import Server
from tiny_data import EX, UPDATE, Listener, serve_tiny

from kg.config import Config
from kg.store import guard
from kg.store.embedded import OxigraphStore
from kg.web.app import create_app

#: Seven unconstrained patterns over ~40 triples: 40^7 solutions to count; never finishes.
EXPLOSION = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
)
SMALL = f"SELECT ?l WHERE {{ <{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_tiny(tmp_path_factory.mktemp("limits"), args=["--workers", "2"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def small_query(srv: Server, source: str = "127.0.0.2") -> float:
    """A small query from another client than the runaway's (per-client caps key on the peer
    address, so one client's runaway may make its own next query wait: kg.web.admission)."""
    t0 = time.monotonic()
    session = requests.Session()
    session.mount("http://", _SourceAdapter(source))
    r = session.get(srv.url + "/sparql", params={"query": SMALL}, timeout=10)
    assert r.status_code == 200, r.text
    assert [b["l"]["value"] for b in r.json()["results"]["bindings"]] == ["A"]
    return time.monotonic() - t0


class _SourceAdapter(requests.adapters.HTTPAdapter):
    """Connects from a chosen loopback address (all of 127.0.0.0/8 is loopback on Linux)."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


def test_runaway_query_is_stopped_while_small_queries_stay_fast(srv: Server) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        t0 = time.monotonic()
        r = requests.get(srv.url + "/sparql", params={"query": EXPLOSION, "timeout": "2"})
        outcome["status"], outcome["text"] = r.status_code, r.text
        outcome["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    during = []
    while thread.is_alive():
        during.append(small_query(srv))
        time.sleep(0.1)
    thread.join()
    assert outcome["status"] == 503
    assert "time limit" in str(outcome["text"])
    assert float(outcome["seconds"]) < 2 + 3  # type: ignore[arg-type]
    assert len(during) >= 5 and max(during) < 1.0, during
    # the killed worker was replaced: the pool still answers, including two at once
    for _ in range(5):
        small_query(srv)
    # and the runaway's own client gets its slot back once the replacement is ready
    deadline = time.monotonic() + 60
    while requests.get(srv.url + "/sparql", params={"query": SMALL}, timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "the runaway's client never got a worker back"
        time.sleep(0.5)


def test_timeout_parameter_is_validated(srv: Server) -> None:
    for bad in ("soon", "-1", "0", ""):
        r = requests.get(srv.url + "/sparql", params={"query": SMALL, "timeout": bad})
        assert r.status_code == 400, bad
        assert "timeout" in r.text
    # also without a query (the service description): found by schemathesis
    r = requests.get(srv.url + "/sparql", params={"timeout": ""})
    assert r.status_code == 400 and "timeout" in r.text


SERVICE_VARIANTS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE{{SERVICE<{url}>{{?s ?p ?o}}}}",
    "PREFIX remote: <{url}>\nSELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?svc {{ <{url}> }} SERVICE ?svc {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    '# comment "\nSELECT * WHERE {{ BIND("x" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "BASE <{url}>\nSELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_VARIANTS)
def test_service_to_a_target_not_allowed_is_refused_without_contact(
    srv: Server, listener: Listener, template: str
) -> None:
    query = template.format(url=listener.url)
    r = requests.get(srv.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 400, (query, r.text)
    assert "KG_OUTBOUND_ALLOW" in r.text or "not a fixed" in r.text
    assert listener.hits == []


def test_load_in_an_update_is_refused_without_contact(srv: Server, listener: Listener) -> None:
    for update in (
        f"LOAD <{listener.url}data.ttl>",
        f"load silent <{listener.url}data.ttl> into graph <{EX}g>",
        f"INSERT {{ <{EX}a> <{EX}p> ?o }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
    ):
        r = requests.post(srv.url + "/update", data=update, headers=UPDATE, timeout=30)
        assert r.status_code == 400, (update, r.text)
    assert listener.hits == []


def test_the_word_service_in_strings_comments_and_names_is_not_a_false_alarm(srv: Server) -> None:
    query = (
        '# SERVICE <http://evil.example/>\nSELECT ?service WHERE { BIND("SERVICE <http://x/>" '
        "AS ?service) ?s <http://example.org/service> ?o }"
    )
    r = requests.get(srv.url + "/sparql", params={"query": query})
    assert r.status_code == 200, r.text


def test_guard_allows_only_listed_prefixes() -> None:
    config = Config(store=":memory:", outbound_allow=("https://query.wikidata.org/",))
    guard.check("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", config)
    with pytest.raises(guard.OutboundRefused):
        guard.check("SELECT * { SERVICE <https://query.wikidata.org.evil/> {} }", config)
    with pytest.raises(guard.OutboundRefused):
        guard.check("LOAD <http://169.254.169.254/latest/meta-data>", config, what="update")
    assert guard.outbound_targets('SELECT ("SERVICE <http://x/>" AS ?x) {}', config) == []


def test_allow_listed_service_is_really_called(tmp_path: Path, listener: Listener) -> None:
    server = serve_tiny(tmp_path, env={"KG_OUTBOUND_ALLOW": listener.url, "KG_QUERY_WORKERS": "1"})
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
        r = requests.get(server.url + "/sparql", params={"query": query}, timeout=30)
        assert r.status_code == 200, r.text
        assert listener.hits, "the allow-listed endpoint was not contacted"
    finally:
        listener.hits.clear()
        server.stop()


@pytest.fixture()
def memory_app():  # type: ignore[no-untyped-def]
    config = Config(
        store=":memory:", max_result_bytes=300, max_body_bytes=1000, cors_origins=("*",)
    )
    store = OxigraphStore(config)
    store.update(
        "INSERT DATA { "
        + " ".join(f"<{EX}s{i}> <{EX}p> 'value number {i}' ." for i in range(50))
        + " }"
    )
    return create_app(config, store).test_client()


def test_result_size_limit_is_413_with_a_message(memory_app) -> None:  # type: ignore[no-untyped-def]
    r = memory_app.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 413
    assert b"KG_MAX_RESULT_BYTES" in r.data
    r = memory_app.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"})
    assert r.status_code == 200


def test_request_body_limit_is_413(memory_app) -> None:  # type: ignore[no-untyped-def]
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    r = memory_app.post("/sparql", data=big, content_type="application/sparql-query")
    assert r.status_code == 413


def test_cors_on_reads_never_on_writes(memory_app) -> None:  # type: ignore[no-untyped-def]
    origin = {"Origin": "https://elsewhere.example"}
    r = memory_app.get("/sparql", query_string={"query": "ASK {}"}, headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = memory_app.options("/sparql", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert memory_app.get("/queries", headers=origin).headers["Access-Control-Allow-Origin"]
    for path in ("/update", "/store"):
        r = memory_app.options(path, headers={**origin, "Access-Control-Request-Method": "POST"})
        assert "Access-Control-Allow-Origin" not in r.headers
        r = memory_app.post(path, data="x", headers=origin)
        assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_origins_can_be_restricted() -> None:
    config = Config(store=":memory:", cors_origins=("https://ok.example",))
    client = create_app(config, OxigraphStore(config)).test_client()
    ok = client.get("/sparql?query=ASK{}", headers={"Origin": "https://ok.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://ok.example"
    bad = client.get("/sparql?query=ASK{}", headers={"Origin": "https://bad.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_html_pages_carry_security_headers(memory_app) -> None:  # type: ignore[no-untyped-def]
    r = memory_app.get("/")
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"]
