"""A plain ``GET /sparql?query=`` answered by the query worker on the client's socket
(kg.web.direct_lane): the connection must behave as if waitress had answered — keep-alive,
pipelining, big answers to slow readers, the time limit — and never hold a worker for a client.

One served tiny graph with a single query worker (so a held worker would show at once) and a
two-second time limit.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import quote, urlparse

import pytest
from conftest import Server
from tiny_data import EX, make_root, serve_tiny

ASK = "/sparql?query=" + quote("ASK {}")
LABEL = "/sparql?query=" + quote(
    f"SELECT ?l WHERE {{ <{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
)
#: Never finishes on its own (stopped by the time limit).
EXPLOSION = "/sparql?query=" + quote(
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
)
#: 15,625 rows (≈ 1.2 MB of JSON): more than an unread loopback connection buffers.
_DIGITS = " ".join(str(i) for i in range(25))
BIG = "/sparql?query=" + quote(
    f"SELECT * {{ VALUES ?a {{ {_DIGITS} }} VALUES ?b {{ {_DIGITS} }} VALUES ?c {{ {_DIGITS} }} }}"
)
JSON = {"Accept": "application/sparql-results+json"}
LABEL_OF = """# title: Label of a thing
# param: thing iri = http://example.org/a
# binding: inline
SELECT ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"KG_QUERY_WORKERS": "1", "KG_QUERY_TIMEOUT": "2", "KG_IDLE_TIMEOUT": "10"}
    folder = tmp_path_factory.mktemp("direct")
    (make_root(folder / "root") / "queries" / "label_of.rq").write_text(LABEL_OF)
    server = serve_tiny(folder, env=env)
    yield server
    server.stop()


def connect(
    srv: Server, timeout: float = 10, source: str = "127.0.0.1"
) -> http.client.HTTPConnection:
    url = urlparse(srv.url)
    return http.client.HTTPConnection(
        url.hostname, url.port, timeout=timeout, source_address=(source, 0)
    )


def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict[str, str], bytes]:
    conn.request("GET", path, headers=JSON)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_one_connection_carries_direct_answers_and_ordinary_requests_in_turn(srv: Server) -> None:
    conn = connect(srv)
    sock_before = None
    for path in (ASK, LABEL, "/queries", ASK, LABEL + "&timeout=5", LABEL):
        status, headers, body = get(conn, path)
        assert status == 200, (path, body[:200])
        if path.startswith("/sparql"):
            assert headers["Content-Type"].startswith("application/sparql-results+json")
            assert headers["Vary"] == "Accept" and headers["X-Content-Type-Options"] == "nosniff"
        if path == ASK:
            assert json.loads(body) == {"head": {}, "boolean": True}
        elif path.startswith(LABEL):
            assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "A"
        sock_before = sock_before or conn.sock
        assert conn.sock is sock_before  # the same keep-alive connection throughout
    conn.close()


def test_pipelined_requests_are_answered_in_order(srv: Server) -> None:
    url = urlparse(srv.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        head = "HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n"
        requests = b"".join(f"GET {path} {head}".encode() for path in (LABEL, ASK, "/queries", ASK))
        sock.sendall(requests)
        stream = sock.makefile("rb")
        bodies = []
        for _ in range(4):
            status = stream.readline()
            assert status.startswith(b"HTTP/1.1 200"), status
            length = None
            while (line := stream.readline()) != b"\r\n":
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            bodies.append(stream.read(length))
    assert json.loads(bodies[0])["results"]["bindings"][0]["l"]["value"] == "A"
    assert json.loads(bodies[1]) == json.loads(bodies[3]) == {"head": {}, "boolean": True}
    assert "queries" in json.loads(bodies[2])


def test_a_slow_reader_of_a_big_answer_does_not_hold_the_worker(srv: Server) -> None:
    slow = connect(srv, timeout=30)
    slow.request("GET", BIG, headers=JSON)  # and do not read yet
    # Another client (another address: per-client caps apart) gets the only worker once the
    # big answer is rendered; it would not while the slow reader held it.
    deadline = time.monotonic() + 15
    while True:
        other = connect(srv, source="127.0.0.2")
        status, _, body = get(other, ASK)
        other.close()
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status == 200 and json.loads(body)["boolean"] is True
    response = slow.getresponse()
    rows = json.loads(response.read())["results"]["bindings"]
    assert response.status == 200 and len(rows) == 25**3
    status, _, body = get(slow, ASK)  # and the slow connection goes on
    assert status == 200
    slow.close()


def test_a_direct_query_past_its_time_limit_is_503_and_the_connection_goes_on(
    srv: Server,
) -> None:
    conn = connect(srv)
    started = time.monotonic()
    status, _, body = get(conn, EXPLOSION)
    assert status == 503 and b"stopped after the 2 s time limit" in body
    assert time.monotonic() - started < 5
    status, _, body = get(conn, LABEL)  # same connection, the replacement worker
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["l"]["value"] == "A"
    conn.close()


def test_a_named_query_answered_directly_matches_the_flask_answer(srv: Server) -> None:
    conn = connect(srv)
    direct = get(conn, "/queries/label_of?thing=http://example.org/a")
    flask = get(conn, "/queries/label_of?thing=http://example.org/a&timeout=5")
    assert direct[0] == flask[0] == 200, (direct, flask)
    assert direct[2] == flask[2]
    assert json.loads(direct[2])["results"]["bindings"][0]["label"]["value"] == "A"
    for name in ("Content-Type", "Vary", "X-Content-Type-Options", "Access-Control-Allow-Origin"):
        assert direct[1].get(name) == flask[1].get(name), name
    status, _, body = get(conn, "/queries/label_of?town=x")  # the request path's 400
    assert status == 400 and b"unknown parameter" in body
    conn.close()


def test_the_next_page_link_of_a_direct_named_query_is_the_one_flask_writes() -> None:
    from waitress.adjustments import Adjustments
    from waitress.parser import HTTPRequestParser

    from kg.config import Config
    from kg.web import direct_plan, paging
    from kg.web.app import create_app

    app = create_app(Config(store=":memory:", query_workers=0))
    target = "/queries/relations-in-year?year=2020"
    raw = f"GET {target} HTTP/1.1\r\nHost: kg.example:8080\r\nAccept: */*\r\n\r\n".encode()
    request = HTTPRequestParser(Adjustments())
    request.received(raw)
    planned = direct_plan.plan(request, app.extensions["kg"])
    assert planned is not None and planned.task.page_limit == paging.DEFAULT_PAGE
    with app.test_request_context(target, base_url="http://kg.example:8080"):
        expected = paging.link_header(paging.Page(paging.DEFAULT_PAGE, 0), True)
    assert planned.link_if_more == expected
    for other in (target + "&limit=5", target + "&format=csv", "/queries/nope"):
        request = HTTPRequestParser(Adjustments())
        request.received(raw.replace(target.encode(), other.encode()))
        assert direct_plan.plan(request, app.extensions["kg"]) is None, other
