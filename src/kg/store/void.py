"""Self-description of the service: SPARQL 1.1 Service Description and a VoID dataset summary.

Both are RDF built from live counts, computed once per store version (writes bump it), so a
crawler hitting ``/.well-known/void`` never triggers a full scan per request.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

from kg.store.base import GraphStore

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"
FORMATS = "http://www.w3.org/ns/formats/"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

UNION_NOTE = (
    "The default graph is the union of all named graphs (one per loaded file, plus the "
    "inferred graph). When a request carries default-graph-uri or named-graph-uri, the dataset "
    "is exactly the graphs it names (SPARQL 1.1 Protocol, section 2.1.4)."
)


def _n(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)


class Describer:
    """Caches the counts behind the descriptions, keyed by the store's version."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._cached: tuple[int, dict[str, object]] | None = None

    def counts(self) -> dict[str, object]:
        version = self._store.version
        with self._lock:
            if self._cached and self._cached[0] == version:
                return self._cached[1]
        store = self._store
        graphs = {
            row["g"].value: int(row["n"].value)
            for row in store.select(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        }
        classes = {
            row["c"].value: int(row["n"].value)
            for row in store.select(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
            )
            if isinstance(row["c"], ox.NamedNode)
        }
        distinct = store.select(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
        )
        counts = {
            "quads": sum(graphs.values()),
            "triples": int(distinct[0]["n"].value) if distinct else 0,
            "graphs": graphs,
            "classes": classes,
        }
        with self._lock:
            self._cached = (version, counts)
        return counts

    def void(self, endpoint: str) -> list[ox.Triple]:
        base = self._store.config.base_iri
        counts = self.counts()
        ds = ox.NamedNode(base + ".well-known/void#dataset")
        v = lambda local: ox.NamedNode(VOID + local)  # noqa: E731
        triples = [
            ox.Triple(ds, RDF_TYPE, v("Dataset")),
            ox.Triple(
                ds,
                ox.NamedNode(DCT + "title"),
                ox.Literal("Yangtze Delta co-operation knowledge graph", language="en"),
            ),
            ox.Triple(
                ds,
                ox.NamedNode(DCT + "title"),
                ox.Literal("长三角结对帮扶与合作知识图谱", language="zh-Hans"),
            ),
            ox.Triple(ds, v("sparqlEndpoint"), ox.NamedNode(endpoint)),
            ox.Triple(ds, v("triples"), _n(counts["triples"])),  # type: ignore[arg-type]
            ox.Triple(ds, v("uriSpace"), ox.Literal(base + "id/")),
        ]
        for graph, n in sorted(counts["graphs"].items()):  # type: ignore[union-attr]
            sub = ox.BlankNode()
            triples += [
                ox.Triple(ds, v("subset"), sub),
                ox.Triple(sub, RDF_TYPE, v("Dataset")),
                ox.Triple(sub, ox.NamedNode(SD + "name"), ox.NamedNode(graph)),
                ox.Triple(sub, v("triples"), _n(n)),
            ]
        for cls, n in sorted(counts["classes"].items()):  # type: ignore[union-attr]
            part = ox.BlankNode()
            triples += [
                ox.Triple(ds, v("classPartition"), part),
                ox.Triple(part, v("class"), ox.NamedNode(cls)),
                ox.Triple(part, v("entities"), _n(n)),
            ]
        triples.append(ox.Triple(ds, v("classes"), _n(len(counts["classes"]))))  # type: ignore[arg-type]
        return triples

    def service_description(self, endpoint: str) -> list[ox.Triple]:
        from kg.formats import BOOLEAN, GRAPH, SOLUTIONS, formats_for

        counts = self.counts()
        svc = ox.NamedNode(endpoint)
        sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
        triples = [
            ox.Triple(svc, RDF_TYPE, sd("Service")),
            ox.Triple(svc, sd("endpoint"), svc),
            ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
            ox.Triple(svc, sd("feature"), sd("UnionDefaultGraph")),
            ox.Triple(svc, sd("feature"), sd("BasicFederatedQuery")),
            ox.Triple(
                svc, ox.NamedNode(DCT + "description"), ox.Literal(UNION_NOTE, language="en")
            ),
        ]
        w3c_names = {
            "json": "SPARQL_Results_JSON",
            "xml": "SPARQL_Results_XML",
            "csv": "SPARQL_Results_CSV",
            "tsv": "SPARQL_Results_TSV",
            "turtle": "Turtle",
            "ntriples": "N-Triples",
            "jsonld": "JSON-LD",
            "rdfxml": "RDF_XML",
            "trig": "TriG",
            "nquads": "N-Quads",
        }
        seen: set[str] = set()
        for kind in (SOLUTIONS, BOOLEAN, GRAPH):
            for fmt in formats_for(kind):
                if fmt.name in w3c_names and fmt.name not in seen:
                    seen.add(fmt.name)
                    triples.append(
                        ox.Triple(
                            svc, sd("resultFormat"), ox.NamedNode(FORMATS + w3c_names[fmt.name])
                        )
                    )
        dataset, default = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(svc, sd("defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
            ox.Triple(dataset, sd("defaultGraph"), default),
            ox.Triple(default, RDF_TYPE, sd("Graph")),
            ox.Triple(default, ox.NamedNode(VOID + "triples"), _n(counts["triples"])),  # type: ignore[arg-type]
        ]
        for graph, n in sorted(counts["graphs"].items()):  # type: ignore[union-attr]
            named, g = ox.BlankNode(), ox.BlankNode()
            triples += [
                ox.Triple(dataset, sd("namedGraph"), named),
                ox.Triple(named, sd("name"), ox.NamedNode(graph)),
                ox.Triple(named, sd("graph"), g),
                ox.Triple(g, ox.NamedNode(VOID + "triples"), _n(n)),
            ]
        return triples
