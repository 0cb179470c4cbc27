"""Hostile load against a real ``kg serve``: slow-query floods, idle and trickling sockets,
entity bombs, oversized literals, writes to the inferred graph (README "Limits").

Clients that must count as different peers (per-client caps key on the peer address) bind to
different loopback addresses: all of 127.0.0.0/8 reaches the server on Linux.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote, urlparse

import pytest
import requests
from conftest import Server
from tiny_data import AUTH, EX, UPDATE, serve_tiny

#: Seven unconstrained patterns over the tiny graph: never finishes (stopped by its timeout).
EXPLOSION = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(7)) + " }"
)
SMALL = f"SELECT ?l WHERE {{ <{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
SLOW_S = 3  # the flood's time limit: long enough to outlast every check below
LIMITS = {
    "KG_QUERY_TIMEOUT": str(SLOW_S),  # a plain ?query= (kg.web.query_lane) has the server's limit
    "KG_QUERY_WORKERS": "2",
    "KG_QUERY_QUEUE": "4",
    "KG_QUERY_QUEUE_WAIT": "1",
    "KG_HEADER_TIMEOUT": "1",
    "KG_IDLE_TIMEOUT": "2",
    "KG_MAX_LITERAL_CHARS": "1000",
}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_tiny(tmp_path_factory.mktemp("hostile"), env=LIMITS)
    yield server
    server.stop()


def fetch(
    srv: Server, path: str, *, source: str = "127.0.0.1", timeout: float = 30
) -> tuple[int, dict[str, str], bytes, float]:
    """GET from a given loopback address: status, headers, body, seconds."""
    url = urlparse(srv.url)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=timeout, source_address=(source, 0)
    )
    started = time.monotonic()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        conn.close()


def sparql_path(query: str, timeout: float | None = None) -> str:
    return "/sparql?query=" + quote(query) + (f"&timeout={timeout}" if timeout else "")


def flood(
    srv: Server, sources: list[str], *, lane: bool = False
) -> tuple[list[threading.Thread], list[tuple]]:
    """One slow query per source address, all at once; results collected as they end.
    ``lane``: a plain ``GET /sparql?query=`` (kg.web.query_lane), else with ``timeout=`` (Flask)."""
    results: list[tuple] = []
    path = sparql_path(EXPLOSION) if lane else sparql_path(EXPLOSION, SLOW_S)

    def one(source: str) -> None:
        status, headers, body, seconds = fetch(srv, path, source=source)
        results.append((source, status, headers, body, seconds))

    threads = [threading.Thread(target=one, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    return threads, results


def test_a_flood_from_one_client_is_capped_and_others_keep_their_worker(srv: Server) -> None:
    threads, results = flood(srv, ["127.0.0.2"] * 8, lane=True)  # the fast path is capped too
    time.sleep(0.5)
    # another client's query gets the worker the flood may not take, while the flood runs
    status, _, body, _ = fetch(srv, sparql_path(SMALL))
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["l"]["value"] == "A"
    assert any(t.is_alive() for t in threads), "the flood ended before the check"
    for t in threads:
        t.join()
    statuses = sorted(r[1] for r in results)
    # one ran into its time limit; one waited its turn and was refused; the rest at once
    assert statuses.count(429) >= 5, statuses
    refused = [r for r in results if r[1] == 429]
    assert all(int(r[2]["Retry-After"]) >= 1 for r in refused)
    assert all(r[4] < SLOW_S for r in refused)  # never held until the running query ended
    assert b"per client" in refused[0][3]
    recovered(srv)


def recovered(srv: Server) -> None:
    """Wait (bounded) until killed workers are replaced, so later tests start from a full pool."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(fetch(srv, sparql_path(SMALL), source=f"127.0.3.{i}")[0] == 200 for i in (1, 2)):
            return
        time.sleep(0.5)
    raise AssertionError("the query workers did not come back within 60 s")


def test_requests_needing_no_worker_never_wait_behind_queries(srv: Server) -> None:
    # different peers: every worker busy and the queue full, so the next query is 503 at once
    threads, results = flood(srv, [f"127.0.0.{i}" for i in range(10, 22)])
    for _ in range(10):  # until the workers and the queue are full (the flood is under way)
        status, headers, _, _ = fetch(srv, sparql_path(SMALL), source="127.0.0.9")
        if status == 503:
            break
    assert status == 503 and int(headers["Retry-After"]) >= 1
    for path in ("/api/graph", "/queries", "/.well-known/void", "/static/site.css"):
        status, _, _, _ = fetch(srv, path)
        assert status == 200, path
    assert any(t.is_alive() for t in threads), "the slow queries ended before the checks"
    write = requests.post(
        srv.url + "/update",
        data=f"INSERT DATA {{ GRAPH <{EX}g/flood> {{ <{EX}a> <{EX}note> 'written' }} }}",
        headers=UPDATE,
        timeout=30,
    )
    assert write.status_code == 204, write.text  # the general pool (routing: test_hostile_inputs)
    for t in threads:
        t.join()
    statuses = [r[1] for r in results]
    assert statuses.count(503) == len(statuses), statuses  # time limit, waited, or queue full
    recovered(srv)


def test_idle_sockets_do_not_lock_other_clients_out(srv: Server) -> None:
    url = urlparse(srv.url)
    idle = [socket.create_connection((url.hostname, url.port), timeout=5) for _ in range(150)]
    try:
        status, _, body, _ = fetch(srv, "/api/graph", timeout=10)
        assert status == 200 and b"places" in body
        # and the idle ones are closed by the server (idle timeout 2 s)
        idle[0].settimeout(10)
        assert idle[0].recv(1) == b""
    finally:
        for s in idle:
            s.close()


def test_headers_trickled_slowly_are_cut_off(srv: Server) -> None:
    url = urlparse(srv.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    sock.sendall(b"GET /api/graph HTTP/1.1\r\nHost: x\r\n")
    closed = False
    try:
        for _ in range(30):  # a header line every 0.3 s: never idle, never finished
            time.sleep(0.3)
            sock.sendall(b"X-Slow: 1\r\n")
    except OSError:
        closed = True
    finally:
        sock.close()
    assert closed, "a client trickling headers kept its connection for 9 s"


def billion_laughs(depth: int) -> bytes:
    entities = '<!ENTITY e0 "ha">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, depth + 1)
    )
    return f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [{entities}]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
<rdf:Description rdf:about="{EX}a"><ex:note>&e{depth};</ex:note></rdf:Description>
</rdf:RDF>""".encode()


def put(srv: Server, graph: str, body: bytes, media: str) -> requests.Response:
    return requests.put(
        srv.url + "/store",
        params={"graph": graph},
        data=body,
        headers={**AUTH, "Content-Type": media},
        timeout=30,
    )


def graph_exists(srv: Server, graph: str) -> bool:
    r = requests.get(srv.url + "/store", params={"graph": graph}, headers=AUTH, timeout=30)
    return r.status_code == 200


def test_entity_bombs_are_refused_before_parsing_and_change_nothing(srv: Server) -> None:
    graph = f"{EX}g/bomb"
    r = put(srv, graph, billion_laughs(30), "application/rdf+xml")
    assert r.status_code == 400 and "expand" in r.text
    external = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    )
    r = put(srv, graph, external, "application/rdf+xml")
    assert r.status_code == 400 and "external" in r.text
    assert not graph_exists(srv, graph)
    assert fetch(srv, sparql_path(SMALL))[0] == 200  # the server is fine


def test_namespace_entities_in_rdf_xml_still_load(srv: Server) -> None:
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY ex "{EX}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
<rdf:Description rdf:about="&ex;a"><ex:seeAlso rdf:resource="&ex;b"/></rdf:Description>
</rdf:RDF>""".encode()
    graph = f"{EX}g/entities"
    assert put(srv, graph, body, "application/rdf+xml").status_code == 201
    query = f"ASK {{ GRAPH <{graph}> {{ <{EX}a> <{EX}seeAlso> <{EX}b> }} }}"
    assert json.loads(fetch(srv, sparql_path(query))[2])["boolean"] is True


def test_a_literal_over_the_cap_is_413_in_every_write_form(srv: Server) -> None:
    graph = f"{EX}g/big"
    long = "x" * 1500
    r = put(srv, graph, f'<{EX}a> <{EX}note> "{long}" .'.encode(), "text/turtle")
    assert r.status_code == 413 and "KG_MAX_LITERAL_CHARS" in r.text
    small_bomb = billion_laughs(3)  # 2 000 characters from a 600-byte body
    r = put(srv, graph, small_bomb, "application/rdf+xml")
    assert r.status_code == 413
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}note> '''{long}''' }} }}"
    r = requests.post(srv.url + "/update", data=update, headers=UPDATE, timeout=30)
    assert r.status_code == 413
    assert not graph_exists(srv, graph)
    fine = put(srv, graph, f'<{EX}a> <{EX}note> "{"x" * 900}" .'.encode(), "text/turtle")
    assert fine.status_code == 201


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA {{ GRAPH <{inferred}> {{ <{ex}a> <{ex}p> <{ex}b> }} }}",
        "PREFIX g: <{base}graph/>\nINSERT DATA {{ GRAPH g:inferred {{ <{ex}a> <{ex}p> 1 }} }}",
        "BASE <{base}>\nDELETE DATA {{ GRAPH <graph/inferred> {{ <{ex}a> <{ex}p> <{ex}b> }} }}",
        "WITH <{inferred}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "DROP GRAPH <{inferred}>",
        "COPY <{ex}g/x> TO <{inferred}>",
    ],
)
def test_updates_naming_the_inferred_graph_are_400_like_the_graph_store(
    srv: Server, update: str
) -> None:
    base = "http://127.0.0.1:8000/"
    text = update.format(inferred=base + "graph/inferred", base=base, ex=EX)
    before = fetch(srv, sparql_path("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[2]
    r = requests.post(srv.url + "/update", data=text, headers=UPDATE, timeout=30)
    assert r.status_code == 400, (text, r.text)
    assert "graph/inferred" in r.text and "computes" in r.text
    after = fetch(srv, sparql_path("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))[2]
    assert before == after
