# ruff: noqa: E501 - the corpus reads best one request per line
"""A corpus of malformed requests: each gets a 4xx with a message, none changes the store.

The store is compared byte for byte (sorted N-Quads dump) before and after the whole corpus,
and the service must still answer afterwards (no crashed process, no wedged worker).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import Server
from tiny_data import AUTH, EX, dump_sorted, serve_tiny

TTL = {**AUTH, "Content-Type": "text/turtle"}
SU = {**AUTH, "Content-Type": "application/sparql-update"}
SQ = {"Content-Type": "application/sparql-query"}
G = {"graph": f"{EX}g/target"}
DEEP = 5000

# (id, method, path, kwargs for requests, acceptable statuses)
CORPUS: list[tuple[str, str, str, dict[str, Any], set[int]]] = [
    ("query-syntax", "GET", "/sparql", {"params": {"query": "SELEC * WHERE {"}}, {400}),
    ("query-unclosed", "GET", "/sparql", {"params": {"query": "SELECT * { ?s ?p }"}}, {400}),
    ("query-empty", "POST", "/sparql", {"data": {"query": "  "}}, {400}),
    ("query-missing", "POST", "/sparql", {"data": {"nothing": "1"}}, {400}),
    ("query-is-update", "GET", "/sparql", {"params": {"query": f"DROP GRAPH <{EX}g>"}}, {400}),
    ("update-to-query-endpoint", "POST", "/sparql", {"data": {"update": "CLEAR ALL"}}, {400}),
    (
        "query-content-type",
        "POST",
        "/sparql",
        {"data": "ASK {}", "headers": {"Content-Type": "text/plain"}},
        {415},
    ),
    ("query-invalid-utf8", "POST", "/sparql", {"data": b"ASK { \xff\xfe }", "headers": SQ}, {400}),
    (
        "query-bad-escape",
        "GET",
        "/sparql",
        {"params": {"query": 'SELECT * { ?s ?p "\\q" }'}},
        {400},
    ),
    (
        "query-deep-braces",
        "GET",
        "/sparql",
        {"params": {"query": "SELECT * WHERE " + "{" * DEEP + "}" * DEEP}},
        {400},
    ),
    (
        "query-deep-parens",
        "POST",
        "/sparql",
        {"data": "ASK { FILTER(" + "(" * DEEP + "1" + ")" * DEEP + ") }", "headers": SQ},
        {400},
    ),
    (
        "query-huge",
        "POST",
        "/sparql",
        {"data": "ASK { " + "?s ?p ?o . " * 500_000 + "}", "headers": SQ},
        {413},
    ),
    ("query-bad-format", "GET", "/sparql", {"params": {"query": "ASK {}", "format": "png"}}, {406}),
    (
        "query-bad-accept",
        "GET",
        "/sparql",
        {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}},
        {406},
    ),
    (
        "query-bad-dataset",
        "GET",
        "/sparql",
        {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
        {400},
    ),
    (
        "query-bad-timeout",
        "GET",
        "/sparql",
        {"params": {"query": "ASK {}", "timeout": "nan"}},
        {400},
    ),
    ("query-wrong-method", "DELETE", "/sparql", {}, {405}),
    ("named-unknown", "GET", "/queries/no_such_query", {}, {404}),
    ("named-bad-param", "GET", "/queries/city_label", {"params": {"nope": "1"}}, {400}),
    ("named-bad-iri", "GET", "/queries/city_label", {"params": {"city": '<>"{}'}}, {400}),
    (
        "update-syntax",
        "POST",
        "/update",
        {"data": f"INSERT DATA {{ <{EX}a> }}", "headers": SU},
        {400},
    ),
    ("update-is-query", "POST", "/update", {"data": "SELECT * {}", "headers": SU}, {400}),
    ("update-empty", "POST", "/update", {"data": "", "headers": SU}, {400}),
    (
        "update-form-missing",
        "POST",
        "/update",
        {"data": {"query": "ASK {}"}, "headers": AUTH},
        {400},
    ),
    (
        "update-content-type",
        "POST",
        "/update",
        {"data": "CLEAR ALL", "headers": {**AUTH, "Content-Type": "text/plain"}},
        {415},
    ),
    (
        "update-invalid-utf8",
        "POST",
        "/update",
        {"data": b"CLEAR GRAPH <\xff>", "headers": SU},
        {400},
    ),
    (
        "update-deep",
        "POST",
        "/update",
        {"data": "INSERT { <a:a> <a:b> <a:c> } WHERE " + "{" * DEEP + "}" * DEEP, "headers": SU},
        {400},
    ),
    ("update-wrong-method", "GET", "/update", {"headers": AUTH}, {405}),
    (
        "update-huge",
        "POST",
        "/update",
        {"data": "INSERT DATA { " + f"<{EX}s> <{EX}p> 'x' . " * 200_000 + "}", "headers": SU},
        {413},
    ),
    ("store-no-target", "GET", "/store", {"headers": AUTH}, {400}),
    ("store-both-targets", "GET", "/store?default", {"params": G, "headers": AUTH}, {400}),
    (
        "store-relative-iri",
        "GET",
        "/store",
        {"params": {"graph": "just-a-name"}, "headers": AUTH},
        {400},
    ),
    (
        "store-bad-iri",
        "PUT",
        "/store",
        {"params": {"graph": "http://x/ y"}, "data": "", "headers": TTL},
        {400},
    ),
    (
        "store-unknown-graph",
        "GET",
        "/store",
        {"params": {"graph": f"{EX}g/none"}, "headers": AUTH},
        {404},
    ),
    (
        "store-delete-unknown",
        "DELETE",
        "/store",
        {"params": {"graph": f"{EX}g/none"}, "headers": AUTH},
        {404},
    ),
    (
        "store-broken-turtle",
        "PUT",
        "/store",
        {"params": G, "data": f"<{EX}a> <{EX}b> .", "headers": TTL},
        {400},
    ),
    (
        "store-turtle-bad-prefix",
        "POST",
        "/store",
        {"params": G, "data": "nope:a nope:b nope:c .", "headers": TTL},
        {400},
    ),
    (
        "store-broken-jsonld",
        "PUT",
        "/store",
        {
            "params": G,
            "data": '{"@id": "http://x/a", "http://x/p": ',
            "headers": {**AUTH, "Content-Type": "application/ld+json"},
        },
        {400},
    ),
    (
        "store-jsonld-not-a-document",
        "POST",
        "/store",
        {"params": G, "data": "-200", "headers": {**AUTH, "Content-Type": "application/ld+json"}},
        {400},
    ),
    (
        "store-deep-jsonld",
        "PUT",
        "/store",
        {
            "params": G,
            "data": '{"http://x/p": ' * DEEP + "1" + "}" * DEEP,
            "headers": {**AUTH, "Content-Type": "application/ld+json"},
        },
        {400},
    ),
    (
        "store-broken-rdfxml",
        "PUT",
        "/store",
        {
            "params": G,
            "data": "<rdf:RDF><oops",
            "headers": {**AUTH, "Content-Type": "application/rdf+xml"},
        },
        {400},
    ),
    (
        "store-invalid-utf8",
        "PUT",
        "/store",
        {"params": G, "data": b'<http://x/a> <http://x/b> "\xff\xfe" .', "headers": TTL},
        {400},
    ),
    (
        "store-unknown-type",
        "PUT",
        "/store",
        {"params": G, "data": "x", "headers": {**AUTH, "Content-Type": "application/x-unknown"}},
        {415},
    ),
    (
        "store-quads-type",
        "PUT",
        "/store",
        {"params": G, "data": "", "headers": {**AUTH, "Content-Type": "application/n-quads"}},
        {415},
    ),
    ("store-no-type", "POST", "/store", {"params": G, "data": b"x", "headers": AUTH}, {415}),
    (
        "store-huge",
        "PUT",
        "/store",
        {"params": G, "data": f"<{EX}s> <{EX}p> 'x' .\n" * 300_000, "headers": TTL},
        {413},
    ),
    (
        "store-shape-violation",
        "PUT",
        "/store",
        {"params": G, "data": f"<{EX}q> a <{EX}City> .", "headers": TTL},
        {422},
    ),
    (
        "store-no-token",
        "PUT",
        "/store",
        {"params": G, "data": "", "headers": {"Content-Type": "text/turtle"}},
        {401},
    ),
    (
        "store-wrong-token",
        "DELETE",
        "/store",
        {"params": G, "headers": {"Authorization": "Bearer x"}},
        {403},
    ),
    ("not-found", "GET", "/no/such/endpoint", {}, {404}),
]


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_tiny(tmp_path_factory.mktemp("malformed"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def before(srv: Server) -> list[bytes]:
    return dump_sorted(srv.store_path)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "statuses"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_malformed_request_gets_a_4xx_with_a_message(
    srv: Server,
    before: list[bytes],
    method: str,
    path: str,
    kwargs: dict[str, Any],
    statuses: set[int],
) -> None:
    r = requests.request(method, srv.url + path, timeout=60, **kwargs)
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    assert len(r.text.strip()) > 5, "no message"


def test_store_is_byte_for_byte_unchanged_and_service_alive(
    srv: Server, before: list[bytes]
) -> None:
    for _, method, path, kwargs, _statuses in CORPUS:  # in case of -k selection: run all again
        requests.request(method, srv.url + path, timeout=60, **kwargs)
    assert srv.process.poll() is None, "the service died"
    assert dump_sorted(srv.store_path) == before
    r = requests.get(srv.url + "/sparql", params={"query": f"ASK {{ <{EX}a> ?p ?o }}"})
    assert r.json()["boolean"] is True
