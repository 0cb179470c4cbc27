"""A plain ``GET /sparql?query=`` answered by the query worker on the client's socket
(kg.web.direct_lane): the connection must behave as if waitress had answered — keep-alive,
pipelining, big answers to slow readers, the time limit — and never hold a worker for a client.

One served tiny graph with a single query worker (so a held worker would show at once) and a
two-second time limit.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
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
#: 11³ = 1,331 rows: more than the default page, so its answer carries ``Link: rel=next``.
_ELEVEN = " ".join(str(i) for i in range(11))
MANY = f"""# title: Many rows, tagged
# param: tag string = x
SELECT ?tag ?a ?b ?c
WHERE {{ VALUES ?a {{ {_ELEVEN} }} VALUES ?b {{ {_ELEVEN} }} VALUES ?c {{ {_ELEVEN} }} }}
"""


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"KG_QUERY_WORKERS": "1", "KG_QUERY_TIMEOUT": "2", "KG_IDLE_TIMEOUT": "10"}
    folder = tmp_path_factory.mktemp("direct")
    queries = make_root(folder / "root") / "queries"
    (queries / "label_of.rq").write_text(LABEL_OF)
    (queries / "many.rq").write_text(MANY)
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


def spare_ready(srv: Server, workers: int = 1, timeout: float = 60) -> None:
    """Wait until the service's query workers and its spare are started, their store open.

    A worker killed at its time limit is replaced by the spare at once; with no spare ready
    (just after start, or after an earlier kill, on a loaded machine) the client keeps its slot
    until a new worker has started, and its next query may wait longer than the queue allows
    (429): what the tests below assert is the case with a spare. Read from ``/proc``: worker
    processes (``spawn_main``) with files of the store's checkpoint open."""
    pid = srv.process.pid
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return  # no /proc here: nothing to wait for
        ready = 0
        for child in children:
            try:
                if b"spawn_main" not in Path(f"/proc/{child}/cmdline").read_bytes():
                    continue
                fds = Path(f"/proc/{child}/fd")
                if any(".snapshots/" in os.readlink(fd) for fd in fds.iterdir()):
                    ready += 1
            except OSError:
                continue  # gone meanwhile
        if ready > workers:
            return
        time.sleep(0.05)
    raise AssertionError("the query workers' spare did not start")


def test_a_direct_query_past_its_time_limit_is_503_and_the_connection_goes_on(
    srv: Server,
) -> None:
    spare_ready(srv)
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
    spare_ready(srv)
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


# -- named queries on the kept connection (kg.web.direct_named) -----------------------------
def ordinary(srv: Server, path: str) -> tuple[int, dict[str, str], bytes]:
    """The request path's answer: ``Connection: close`` keeps a request off the direct lane."""
    conn = connect(srv)
    conn.request("GET", path, headers={**JSON, "Connection": "close"})
    response = conn.getresponse()
    answer = response.status, dict(response.getheaders()), response.read()
    conn.close()
    return answer


def same_answer(kept: tuple[int, dict[str, str], bytes], flask: tuple) -> None:
    """Status, body and every header but the date and the connection's are the same."""
    drop = ("Date", "Connection")
    assert kept[0] == flask[0]
    assert kept[2] == flask[2]
    assert {k: v for k, v in kept[1].items() if k not in drop} == {
        k: v for k, v in flask[1].items() if k not in drop
    }


def test_named_queries_on_a_kept_connection_answer_as_the_request_path(srv: Server) -> None:
    paths = [
        "/queries/label_of?thing=http://example.org/a",
        "/queries/many?tag=one",  # a page with rows after it: Link rel=next
        "/queries/label_of?thing=http://example.org/b",
        "/queries/many",  # the default parameter
        "/queries/many?tag=two&tag=three",  # the first value, as Flask reads it
        "/queries/label_of?town=x",  # a parameter error: the request path's 400
        "/queries/nope",  # no such query: 404
    ]
    conn = connect(srv)
    kept = [get(conn, path) for path in [*paths, *paths]]  # after the first: lingered
    conn.close()
    for path, answer in zip([*paths, *paths], kept, strict=True):
        same_answer(answer, ordinary(srv, path))
    assert json.loads(kept[0][2])["results"]["bindings"][0]["label"]["value"] == "A"
    assert json.loads(kept[2][2])["results"]["bindings"][0]["label"]["value"] == "B"
    link = kept[1][1]["Link"]
    assert "tag=one&limit=1000&offset=1000" in link and link.endswith('rel="next"')
    assert len(json.loads(kept[1][2])["results"]["bindings"]) == 1000
    assert kept[5][0] == 400 and kept[6][0] == 404


def test_a_named_query_after_a_write_on_another_connection_sees_the_write(srv: Server) -> None:
    from tiny_data import UPDATE

    reader, writer = connect(srv), connect(srv)
    thing = f"{EX}named-{time.monotonic_ns()}"
    path = "/queries/label_of?thing=" + quote(thing, safe="")
    assert get(reader, ASK)[0] == 200
    assert json.loads(get(reader, path)[2])["results"]["bindings"] == []  # the worker lingers
    writer.request(
        "POST", "/update", body=f'INSERT DATA {{ <{thing}> <{RDFS_LABEL}> "new" }}', headers=UPDATE
    )
    response = writer.getresponse()
    assert response.status == 204, response.read()
    response.read()
    rows = json.loads(get(reader, path)[2])["results"]["bindings"]
    assert [row["label"]["value"] for row in rows] == ["new"]
    reader.close()
    writer.close()


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_place_names_on_a_kept_connection_resolve_as_on_the_request_path(server: Server) -> None:
    """The bundled graph: exact names, other written forms, an ambiguous and an unknown name."""
    base = "/queries/domains-between-two-places"
    paths = [
        f"{base}?a=常州&b=盐城",
        f"{base}?a=Changzhou&b=yancheng",
        f"{base}?a=Suzhou&b=盐城",  # ambiguous: 300 with the candidates
        f"{base}?a=Nowhereville&b=盐城",  # unknown: 404 with suggestions
        "/queries/transport-links-of-place?place=盐城市",
        f"{base}?a=常州&b=盐城",
    ]
    paths = [quote(path, safe="/?=&") for path in paths]
    conn = connect(server)  # type: ignore[arg-type]
    kept = [get(conn, path) for path in [*paths, *paths]]
    conn.close()
    for path, answer in zip([*paths, *paths], kept, strict=True):
        same_answer(answer, ordinary(server, path))  # type: ignore[arg-type]
    assert kept[0][2] == kept[1][2] and json.loads(kept[0][2])["results"]["bindings"]
    assert kept[2][0] == 300 and {c["label_zh"] for c in json.loads(kept[2][2])["candidates"]} == {
        "苏州市",
        "宿州市",
    }
    assert kept[3][0] == 404 and "Nowhereville" in json.loads(kept[3][2])["error"]


@pytest.mark.parametrize(
    ("raw", "name", "query_string"),
    [
        (
            b"GET /queries/x-y_1?a=%E7%9B%90&b=2 HTTP/1.1\r\nHost: h:1\r\n\r\n",
            "x-y_1",
            "a=%E7%9B%90&b=2",
        ),
        (b"GET /queries/x HTTP/1.1\r\nHost: h\r\n\r\n", "x", ""),
        (b"GET /queries/%78 HTTP/1.1\r\nHost: h\r\n\r\n", None, None),  # waitress unquotes
        (b"GET /queries/x/y HTTP/1.1\r\nHost: h\r\n\r\n", None, None),
        (b"GET /queries/x?a=1#f HTTP/1.1\r\nHost: h\r\n\r\n", None, None),
        (b"GET /queries/x HTTP/1.1\r\nHost: h\r\nAccept: text/html\r\n\r\n", None, None),
    ],
)
def test_a_lingering_worker_reads_named_queries_as_waitress_does(
    raw: bytes, name: str | None, query_string: str | None
) -> None:
    from kg.web import direct_linger

    parsed = direct_linger.parse(raw)
    if name is None:
        assert parsed is None
        return
    assert parsed is not None and (parsed.name, parsed.query) == (name, query_string)
    assert parsed.host is not None and parsed.host.startswith("h") and parsed.length == len(raw)


class Snap:
    """A projection snapshot's memo, without the projection: what ``kg.web.direct_named``
    keeps the resolved place names in."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.memo: dict[str, Any] = {}

    def cached(self, key: str, compute: Any) -> Any:
        return self.memo.setdefault(key, compute())


def test_a_worker_binds_a_named_query_as_the_service_does_with_the_places_it_was_given() -> None:
    from waitress.adjustments import Adjustments
    from waitress.parser import HTTPRequestParser

    from kg.config import Config
    from kg.web import direct_named, direct_plan
    from kg.web.app import create_app

    app = create_app(Config(store=":memory:", query_workers=0))
    svc = app.extensions["kg"]
    snap = Snap(version=7)
    direct_named.remember(snap, "盐城", svc.config.base_iri + "id/place/yancheng")
    named = direct_named.context(snap, svc.queries, svc.config, "http", True)
    assert named is not None  # and a worker that has it is not sent it again:
    assert direct_named.context(snap, svc.queries, svc.config, "http", True, named.key) is None
    for target, qs in [
        ("/queries/relations-in-year", "year=2020"),
        ("/queries/facts-with-sources", ""),
        ("/queries/agreements-of-year", "year=nope"),  # a parameter error: the request path's
        ("/queries/partners-of-place", "place=盐城"),
        ("/queries/partners-of-place", "place=Yancheng"),  # not given: the request path's
    ]:
        worker = direct_named.in_worker(named, target.rsplit("/", 1)[1], qs, "kg.example", "*/*")
        request = HTTPRequestParser(Adjustments())
        head = f"GET {target}?{quote(qs, safe='=&')} HTTP/1.1\r\nHost: kg.example\r\n"
        request.received(head.encode() + b"Accept: */*\r\n\r\n")
        planned = direct_plan.plan(request, svc)
        if "place=" in qs:  # the service resolves places on the projection: none here
            expected = (svc.config.base_iri + "id/place/yancheng") if qs.endswith("盐城") else None
            assert (worker is not None) == (expected is not None), qs
            if worker is not None:
                assert f"<{expected}>" in worker[0].query + str(worker[0].substitutions)
            continue
        assert (worker is None) == (planned is None), target
        if worker is not None and planned is not None:
            assert worker[0] == planned.task and worker[1] == planned.link_if_more


def test_a_lingering_worker_binds_again_once_the_service_gives_it_new_places() -> None:
    """The worker remembers the task each request became (``query_worker.Bound``) — but not
    across a new context: a place name it could not bind before binds once the service has
    resolved it, and the same request then runs the new task."""
    from kg.config import Config
    from kg.web import direct_linger, direct_named, direct_wire, query_worker
    from kg.web.app import create_app

    app = create_app(Config(store=":memory:", query_workers=0))
    svc = app.extensions["kg"]
    snap = Snap(version=1)
    ran: list[Any] = []

    def run(_snapshot: str, task: Any) -> Any:
        ran.append(task)
        return query_worker.QueryOutput(b"{}", "application/sparql-results+json", "srj", "x")

    job = direct_wire.DirectTask(None, "snap", (), 0.0, timeout=30.0)
    request = direct_linger.parse(
        quote("GET /queries/partners-of-place?place=盐城 HTTP/1.1", safe="/?=& ").encode()
        + b"\r\nHost: kg.example\r\n\r\n"
    )
    assert request is not None
    bound = query_worker.Bound()
    before = direct_named.context(snap, svc.queries, svc.config, "http", True)
    attempt = query_worker._lingering(job, svc.config, run, before, bound)
    assert attempt(request, time.monotonic()) == (direct_wire.NEXT, None)
    assert attempt(request, time.monotonic()) == (direct_wire.NEXT, None) and not ran
    direct_named.remember(snap, "盐城", svc.config.base_iri + "id/place/yancheng")
    after = direct_named.context(snap, svc.queries, svc.config, "http", True, before.key)
    attempt = query_worker._lingering(job, svc.config, run, after, bound)
    for _ in range(2):
        answer = attempt(request, time.monotonic())
        assert isinstance(answer, direct_linger.Answer) and answer.output.body == b"{}"
    assert len(ran) == 2 and ran[0] is ran[1]  # bound once, then remembered
    assert "id/place/yancheng" in ran[0].query + str(ran[0].substitutions)
