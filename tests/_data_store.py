"""Local fallback store for the data tests (owned by the ontology/data work, not the service code).

Loads every ontology/*.ttl and graph_data/* file into its own named graph with the default base,
materialises ontology/inference/*.rq (in name order, repeatedly, until no new triples) into the
`inferred` graph, and queries the union of all graphs. Mirrors what the service does, so the data
tests can run before (or without) the service's `bundled_store` fixture.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

BASE = "http://127.0.0.1:8000/"
INFERRED = BASE + "graph/inferred"
REPO = Path(__file__).resolve().parents[1]
RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".rdf": ox.RdfFormat.RDF_XML,
}


def data_files() -> list[Path]:
    files = sorted((REPO / "ontology").glob("*.ttl"))
    files += sorted(p for p in (REPO / "graph_data").rglob("*") if p.suffix in RDF_SUFFIXES)
    return files


def rule_files() -> list[Path]:
    return sorted((REPO / "ontology" / "inference").glob("*.rq"))


def seeds_dir() -> Path | None:
    """KG_SEEDS_DIR first, then the article texts bundled in graph_data/sources/."""
    env = os.environ.get("KG_SEEDS_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(REPO / "graph_data" / "sources")
    for c in candidates:
        if c.is_dir() and any(c.glob("*.txt")):
            return c
    return None


class LocalStore:
    def __init__(self) -> None:
        self.store = ox.Store()
        for f in data_files():
            graph = ox.NamedNode(BASE + "graph/" + f.relative_to(REPO).as_posix())
            self.store.load(
                path=str(f), format=RDF_SUFFIXES[f.suffix], base_iri=BASE, to_graph=graph
            )
        self.inferred_count = self._infer()

    def _infer(self) -> int:
        target = ox.NamedNode(INFERRED)
        rules = [r.read_text(encoding="utf-8") for r in rule_files()]
        total = 0
        for _ in range(50):
            new = 0
            for text in rules:
                triples = list(
                    self.store.query(text, base_iri=BASE, use_default_graph_as_union=True)
                )
                for t in triples:
                    q = ox.Quad(t.subject, t.predicate, t.object, target)
                    if q not in self.store:
                        self.store.add(q)
                        new += 1
            total += new
            if not new:
                return total
        raise RuntimeError("inference did not reach a fixpoint")

    def select(self, query: str, bindings: dict | None = None) -> list[dict]:
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        res = self.store.query(
            query, base_iri=BASE, use_default_graph_as_union=True, substitutions=subs or None
        )
        names = [v.value for v in res.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in res]

    def ask(self, query: str) -> bool:
        return bool(self.store.query(query, base_iri=BASE, use_default_graph_as_union=True))

    def graph_triples(self, graph: str | None = None):
        """All triples (union, or one named graph) for handing to rdflib/pyshacl."""
        if graph is None:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in self.store]
        return [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        ]


@lru_cache(maxsize=1)
def local_store() -> LocalStore:
    return LocalStore()


PREFIXES = """PREFIX yrd: <ontology#>
PREFIX place: <id/place/>
PREFIX park: <id/park/>
PREFIX pairing: <id/pairing/>
PREFIX agreement: <id/agreement/>
PREFIX rel: <id/relation/>
PREFIX org: <id/org/>
PREFIX domain: <id/domain/>
PREFIX scheme: <id/scheme/>
PREFIX source: <id/source/>
PREFIX stat: <id/statistic/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
"""


def store_for(request):
    """The service's `bundled_store` fixture when it exists, else the local fallback.

    Set KG_DATA_TESTS_STORE=local to force the fallback.
    """
    import pytest

    if os.environ.get("KG_DATA_TESTS_STORE", "").lower() != "local":
        try:
            return request.getfixturevalue("bundled_store")
        except pytest.FixtureLookupError:
            pass
    return local_store()
