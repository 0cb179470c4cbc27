"""A tiny, deterministic data root (ontology + shapes + one rule + data + a named query) and a
``kg serve`` on it, for the write, limit, malformed-input and crash tests."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
from conftest import Server, start_server

TOKEN = "test-write-token-0123456789"
EX = "http://example.org/"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = {**AUTH, "Content-Type": "application/sparql-update"}

PREFIXES = f"""@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
ONTOLOGY = (
    PREFIXES
    + """
ex:City a owl:Class ; rdfs:subClassOf ex:Place .
ex:Place a owl:Class .
"""
)
SHAPES = (
    PREFIXES
    + """
ex:CityShape a sh:NodeShape ;
  sh:targetClass ex:City ;
  sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "a city needs a label" ] ,
              [ sh:path ex:population ; sh:datatype xsd:integer ; sh:maxCount 1 ] .
"""
)
RULE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?s a ?super } WHERE { ?s a ?c . ?c rdfs:subClassOf ?super }
"""
DATA = (
    PREFIXES
    + """
ex:a a ex:City ; rdfs:label "A" ; ex:population 10 ; ex:partner ex:b .
ex:b a ex:City ; rdfs:label "B"@en ; ex:population 20 ; ex:partner ex:c .
ex:c a ex:City ; rdfs:label "C" ; ex:partner ex:a .
"""
)
NAMED_QUERY = """# title: Label of a city
# param: city iri = http://example.org/a
SELECT ?label WHERE { ?city <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""


def make_root(folder: Path) -> Path:
    (folder / "ontology" / "inference").mkdir(parents=True, exist_ok=True)
    (folder / "graph_data").mkdir(exist_ok=True)
    (folder / "queries").mkdir(exist_ok=True)
    (folder / "ontology" / "tiny.ttl").write_text(ONTOLOGY)
    (folder / "ontology" / "shapes.ttl").write_text(SHAPES)
    (folder / "ontology" / "inference" / "subclass.rq").write_text(RULE)
    (folder / "graph_data" / "cities.ttl").write_text(DATA)
    (folder / "queries" / "city_label.rq").write_text(NAMED_QUERY)
    return folder


def serve_tiny(
    folder: Path, *, token: str | None = TOKEN, env: dict[str, str] | None = None, **kw: object
) -> Server:
    root = make_root(folder / "root")
    environment = {
        "KG_DATA_ROOT": str(root),
        "KG_QUERIES_DIR": str(root / "queries"),
        "KG_WRITE_TOKEN": token or "",
        **(env or {}),
    }
    return start_server(folder / "store", env=environment, **kw)  # type: ignore[arg-type]


def dump_sorted(store_path: Path) -> list[bytes]:
    """Every quad of a store the service holds (read-only open), N-Quads lines, sorted."""
    store = ox.Store.read_only(str(store_path))
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    del store
    return sorted(line for line in data.splitlines() if line.strip())


class Listener:
    """A local HTTP server that records every request it receives (it must get none)."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _record  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.hits = hits
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
