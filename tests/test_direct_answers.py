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
from typing import Any
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
        bodies = [_read_response(stream) for _ in range(4)]
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


# -- the worker keeps the connection for its next plain queries (kg.web.direct_linger) --------
def test_later_queries_on_a_connection_get_the_first_answers_headers_and_flasks(
    srv: Server,
) -> None:
    conn = connect(srv)
    answers = [get(conn, LABEL) for _ in range(4)]  # the first dispatched, the rest lingered
    flask = get(conn, LABEL + "&timeout=5")  # two parameters: the request path answers
    conn.close()
    for status, headers, body in [*answers, flask]:
        assert status == 200 and body == answers[0][2]
        assert json.loads(body)["results"]["bindings"][0]["l"]["value"] == "A"
        headers.pop("Date")
        assert headers == answers[0][1]


def test_errors_and_the_time_limit_on_a_lingering_connection_are_the_request_paths(
    srv: Server,
) -> None:
    conn = connect(srv)
    assert get(conn, ASK)[0] == 200
    status, _, body = get(conn, "/sparql?query=" + quote("SELEKT nothing"))
    assert status == 400 and b"error" in body.lower()
    assert get(conn, ASK)[0] == 200
    started = time.monotonic()
    status, _, body = get(conn, EXPLOSION)  # the lingering worker runs it: killed at 2 s
    assert status == 503 and b"stopped after the 2 s time limit" in body
    assert time.monotonic() - started < 5
    status, _, body = get(conn, LABEL)  # the same connection goes on
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["l"]["value"] == "A"
    conn.close()


def test_a_query_after_a_write_on_another_connection_sees_the_write(srv: Server) -> None:
    from tiny_data import UPDATE

    reader, writer = connect(srv), connect(srv)
    thing = f"<{EX}linger-{time.monotonic_ns()}>"
    probe = "/sparql?query=" + quote(f"ASK {{ {thing} ?p ?o }}")
    assert json.loads(get(reader, probe)[2])["boolean"] is False  # the reader's worker lingers
    writer.request(
        "POST", "/update", body=f"INSERT DATA {{ {thing} a <{EX}Thing> }}", headers=UPDATE
    )
    response = writer.getresponse()
    assert response.status == 204, response.read()
    response.read()
    assert json.loads(get(reader, probe)[2])["boolean"] is True
    reader.close()
    writer.close()


def test_requests_pipelined_after_a_direct_answer_are_answered_in_order(srv: Server) -> None:
    url = urlparse(srv.url)
    head = "HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n"
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        stream = sock.makefile("rb")
        sock.sendall(f"GET {ASK} {head}".encode())
        first = _read_response(stream)
        time.sleep(0.002)  # the worker lingers on the connection now
        sock.sendall(b"".join(f"GET {p} {head}".encode() for p in (LABEL, "/queries", ASK, LABEL)))
        rest = [_read_response(stream) for _ in range(4)]
    assert json.loads(first) == json.loads(rest[2]) == {"head": {}, "boolean": True}
    assert json.loads(rest[0]) == json.loads(rest[3])
    assert json.loads(rest[0])["results"]["bindings"][0]["l"]["value"] == "A"
    assert "queries" in json.loads(rest[1])


def test_another_client_gets_the_only_worker_while_a_connection_lingers(srv: Server) -> None:
    mine, other = connect(srv), connect(srv, source="127.0.0.2")
    for _ in range(3):
        assert get(mine, ASK)[0] == 200  # the worker lingers on this connection
        assert get(other, LABEL)[0] == 200  # and gives it back for this one
    mine.close()
    other.close()


def _read_response(stream: Any) -> bytes:
    status = stream.readline()
    assert status.startswith(b"HTTP/1.1 200"), status
    length = None
    while (line := stream.readline()) != b"\r\n":
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length is not None
    return stream.read(length)


@pytest.mark.parametrize(
    ("raw", "taken"),
    [
        (b"GET /sparql?query=ASK+%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n", True),
        (b"GET /sparql?query=ASK+%7B%7D HTTP/1.1\r\n\r\nGET /other HTTP/1.1\r\n\r\n", True),
        (b"GET /sparql?query=ASK+%7B%7D HTTP/1.1\r\nHost: x\r\n", False),  # not whole yet
        (b"GET /sparql?query=ASK+%7B%7D HTTP/1.0\r\n\r\n", False),
        (b"POST /sparql?query=ASK+%7B%7D HTTP/1.1\r\n\r\n", False),
        (b"GET /sparql?query=ASK+%7B%7D&timeout=3 HTTP/1.1\r\n\r\n", False),
        (b"GET /sparql?query=ASK#x HTTP/1.1\r\n\r\n", False),
        (b"GET /%73parql?query=ASK HTTP/1.1\r\n\r\n", False),
        (b"GET /sparql?query=ASK HTTP/1.1\r\nConnection: close\r\n\r\n", False),
        (b"GET /sparql?query=ASK HTTP/1.1\r\nAccept: text/html\r\n\r\n", False),
        (b"GET /sparql?query=ASK HTTP/1.1\r\nContent-Length: 0\r\n\r\n", False),
        (b"GET /sparql?query=ASK HTTP/1.1\r\nAccept: a\r\nAccept: b\r\n\r\n", False),
        (b"GET /sparql?query=ASK HTTP/1.1\r\nX: a\r\n b\r\n\r\n", False),  # folded
        (b"GET /sparql?query=ASK HTTP/1.1\r\nX_Y: a\r\n\r\n", False),
        ("GET /sparql?query=ASK HTTP/1.1\r\nX: é\r\n\r\n".encode(), False),
        (b"GET /sparql?query=%20 HTTP/1.1\r\n\r\n", False),
    ],
)
def test_a_lingering_worker_answers_only_requests_the_direct_lane_would_take(
    raw: bytes, taken: bool
) -> None:
    from kg.web import direct_linger

    parsed = direct_linger.parse(raw)
    assert (parsed is not None) == taken
    if parsed is not None:
        assert parsed[0] == "ASK {}" and raw[parsed[2] :] in (b"", b"GET /other HTTP/1.1\r\n\r\n")
