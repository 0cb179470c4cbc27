"""Read the vendored W3C protocol test manifests (``tests/w3c/``) into plain request records.

The manifests (w3c/rdf-tests, ``sparql/sparql11/protocol`` and ``graph-store-protocol``) describe
each test as HTTP requests in the W3C HTTP vocabulary (``ht:``) with the expected answer
(``mf:expectedStatus`` and friends). Reading them instead of retyping them keeps our tests
exactly the W3C's: a test is run by name, and an updated manifest is a file copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

HERE = Path(__file__).parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

#: hts: terms -> the status codes they allow.
_STATUS = {
    "OK": {200},
    "Created": {201},
    "NoContent": {204},
    "NotFound": {404},
    "StatusCode2xx": set(range(200, 300)),
    "StatusCode3xx": set(range(300, 400)),
    "StatusCode4xx": set(range(400, 500)),
}


@dataclass
class Expected:
    statuses: set[int]
    boolean: bool | None = None
    result_format: str | None = None  # "boolean", "tabular" or "RDF"
    content_type: str | None = None
    body: str | None = None  # Turtle the answer must be isomorphic to
    location_variable: str | None = None  # e.g. "$LOCATION$", filled from the Location header


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class W3CTest:
    name: str  # the manifest's local name, e.g. "update_dataset_full"
    title: str
    requests: list[Request]
    graph_data: dict[str, Path] = field(default_factory=dict)  # graph IRI -> N-Triples file


def _headers(g: Graph, node: object) -> dict[str, str]:
    out: dict[str, str] = {}
    lst = g.value(node, HT.headers)
    if lst is not None:
        for h in Collection(g, lst):
            out[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
    return out


def _body(g: Graph, node: object) -> tuple[str | None, str]:
    body = g.value(node, HT.body)
    if body is None:
        return None, "UTF-8"
    return str(g.value(body, CNT.chars)), str(g.value(body, CNT.characterEncoding) or "UTF-8")


def _expected(g: Graph, resp: object) -> Expected:
    statuses: set[int] = set()
    for status in g.objects(resp, MF.expectedStatus):
        statuses |= _STATUS[str(status).rsplit("#", 1)[1]]
    boolean = g.value(resp, MF.expectedBoolean)
    fmt = g.value(resp, MF.expectedFormat)
    location = g.value(resp, MF.expectedLocation)
    body, _ = _body(g, resp)
    return Expected(
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        result_format=None if fmt is None else str(fmt),
        content_type=_headers(g, resp).get("content-type"),
        body=body,
        location_variable=None if location is None else str(location),
    )


def load(manifest: Path) -> list[W3CTest]:
    """Every test of a manifest (following ``mf:include``), in the manifest's order."""
    g = Graph()
    g.parse(manifest, format="turtle")
    root = URIRef(manifest.resolve().as_uri())
    tests: list[W3CTest] = []
    included = g.value(root, MF.include)
    if included is not None:
        for sub in Collection(g, included):
            tests.extend(load(Path(str(sub).removeprefix("file://"))))
    entries = g.value(root, MF.entries)
    for test in Collection(g, entries) if entries is not None else []:
        action = g.value(test, MF.action)
        requests = []
        for req in Collection(g, g.value(action, HT.requests)):
            text, encoding = _body(g, req)
            requests.append(
                Request(
                    method=str(g.value(req, HT.methodName)),
                    path=str(g.value(req, HT.absolutePath)),
                    headers=_headers(g, req),
                    body=None if text is None else text.encode(encoding.lower()),
                    expected=_expected(g, g.value(req, HT.resp)),
                )
            )
        graph_data = {}
        for data in g.objects(test, UT.graphData):
            graph_data[str(g.value(data, RDFS.label))] = Path(
                str(g.value(data, UT.graph)).removeprefix("file://")
            )
        assert (test, RDF.type, None) in g
        tests.append(
            W3CTest(
                name=str(test).rsplit("#", 1)[1],
                title=str(g.value(test, MF.name)),
                requests=requests,
                graph_data=graph_data,
            )
        )
    return tests


PROTOCOL = HERE / "protocol" / "manifest.ttl"
GRAPH_STORE = HERE / "graph-store-protocol" / "manifest.ttl"
