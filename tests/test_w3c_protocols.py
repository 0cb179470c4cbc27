"""The W3C SPARQL 1.1 Protocol (34 tests) and Graph Store Protocol (13 tests) suites, run from
the vendored manifests in ``tests/w3c/`` against a live ``kg serve``.

Each W3C test is one pytest test named after it (``test_sparql_protocol[update_dataset_full]``).
As the manifests ask, their ``/sparql/`` path is mapped onto our endpoints: queries go to
``/sparql``, updates to ``/update``; the Graph Store's ``/gsp`` is our ``/store`` (indirect
``?graph=``) and ``/store/...`` (direct identification). Every request carries the write token,
as a client of a write-enabled service would. Before each test the store is emptied and the
test's ``ut:graphData`` files are put into their named graphs, so each test stands alone.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import Server, start_server
from rdflib import Graph
from rdflib.compare import isomorphic
from tiny_data import AUTH, TOKEN
from w3c_manifest import GRAPH_STORE, PROTOCOL, Expected, Request, W3CTest, load

PROTOCOL_TESTS = load(PROTOCOL)
GRAPH_STORE_TESTS = load(GRAPH_STORE)

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"},
}
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def test_the_vendored_suites_are_complete() -> None:
    """The counts the W3C publishes: a manifest that stopped parsing would shrink them."""
    assert len(PROTOCOL_TESTS) == 34
    assert len(GRAPH_STORE_TESTS) == 13  # 4 direct + 9 indirect


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A write-enabled service on an empty data root: the suites bring their own data."""
    folder = tmp_path_factory.mktemp("w3c")
    for part in ("ontology", "graph_data"):
        (folder / "root" / part).mkdir(parents=True)
    (folder / "root" / "ontology" / "suite.ttl").write_text(
        '<urn:kg:w3c-suite> <http://www.w3.org/2000/01/rdf-schema#comment> "W3C suites" .\n'
    )
    server = start_server(
        folder / "store",
        env={
            "KG_DATA_ROOT": str(folder / "root"),
            "KG_WRITE_TOKEN": TOKEN,
        },
        args=["--workers", "0"],
    )
    yield server
    server.stop()


def _is_update(request: Request) -> bool:
    """An update request by its body type, its form field or its URL parameters."""
    body = (request.body or b"").decode("utf-8", "replace")
    return (
        request.headers.get("content-type", "").startswith("application/sparql-update")
        or body.startswith("update=")
        or "using-graph-uri=" in request.path
        or "using-named-graph-uri=" in request.path
    ) and request.method == "POST"


def _target(request: Request, variables: dict[str, str]) -> str:
    path = request.path
    for name, value in variables.items():
        path = path.replace(name, value)
    if path.startswith("/sparql/"):
        return ("/update" if _is_update(request) else "/sparql") + path[len("/sparql/") :]
    assert path.startswith("/gsp"), path
    return "/store" + path[len("/gsp") :]


def _media(value: str | None) -> tuple[str, str | None]:
    media, _, params = (value or "").partition(";")
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", params, re.I)
    return media.strip().lower(), charset.group(1).lower() if charset else None


def _boolean(response: requests.Response) -> bool:
    media, _ = _media(response.headers.get("Content-Type"))
    if media == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    root = ET.fromstring(response.content)
    found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None, response.text
    return found.text == "true"


def _check(response: requests.Response, expected: Expected, method: str) -> None:
    assert response.status_code in expected.statuses, (
        f"{response.status_code} not in {sorted(expected.statuses)}: {response.text[:300]}"
    )
    media, charset = _media(response.headers.get("Content-Type"))
    if expected.result_format:
        assert media in RESULT_TYPES[expected.result_format], media
    if expected.boolean is not None:
        assert _boolean(response) is expected.boolean
    if expected.content_type:
        assert (media, charset) == _media(expected.content_type)
    if expected.body is not None and method != "HEAD":
        got = Graph().parse(data=response.content, format=RDFLIB_FORMATS[media])
        want = Graph().parse(data=expected.body, format="turtle")
        assert isomorphic(got, want), response.text


def _reset(srv: Server, test: W3CTest) -> None:
    r = requests.post(
        srv.url + "/update",
        data="DROP ALL",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=30,
    )
    assert r.status_code == 204, r.text
    for graph, file in test.graph_data.items():
        r = requests.put(
            srv.url + "/store",
            params={"graph": graph},
            data=Path(file).read_bytes(),
            headers={**AUTH, "Content-Type": "application/n-triples"},
            timeout=30,
        )
        assert r.status_code in (201, 204), r.text


def run(srv: Server, test: W3CTest) -> None:
    _reset(srv, test)
    variables: dict[str, str] = {}
    for request in test.requests:
        body = request.body
        for name, value in variables.items():
            body = body.replace(name.encode(), value.encode()) if body else body
        headers = {**AUTH, **request.headers}  # bytes bodies get no Content-Type added
        response = requests.request(
            request.method,
            srv.url + _target(request, variables),
            data=body,
            headers=headers,
            timeout=30,
            allow_redirects=False,
        )
        _check(response, request.expected, request.method)
        if request.expected.location_variable:
            variables[request.expected.location_variable] = response.headers["Location"]


@pytest.mark.parametrize("test", PROTOCOL_TESTS, ids=[t.name for t in PROTOCOL_TESTS])
def test_sparql_protocol(srv: Server, test: W3CTest) -> None:
    run(srv, test)


@pytest.mark.parametrize("test", GRAPH_STORE_TESTS, ids=[t.name for t in GRAPH_STORE_TESTS])
def test_graph_store_protocol(srv: Server, test: W3CTest) -> None:
    run(srv, test)
