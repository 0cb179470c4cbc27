"""The project's CURIE prefixes, one table for the service and the curated data.

The service declares them for every query and abbreviates answers with them
(``kg.config.Config.prefixes``, namespaces made absolute under the base IRI); ``kg build``
writes them at the head of every curated Turtle file (``kg.curation.curated_schema``, namespaces
left relative, as the bundled Turtle is). Two lists of the same namespaces drifted apart once;
this table is the only one.

The order is the order the prefixes are declared in: curated Turtle files are compared byte for
byte with what ``kg build`` writes (``kg build --check``), so changing it rewrites every one.
"""

from __future__ import annotations

#: prefix -> namespace; a namespace without ``://`` is relative to the service's base IRI.
TABLE: dict[str, str] = {
    "yrd": "ontology#",
    "place": "id/place/",
    "park": "id/park/",
    "pairing": "id/pairing/",
    "agreement": "id/agreement/",
    "rel": "id/relation/",
    "org": "id/org/",
    "domain": "id/domain/",
    "scheme": "id/scheme/",
    "source": "id/source/",
    "stat": "id/statistic/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "wd": "http://www.wikidata.org/entity/",
    "void": "http://rdfs.org/ns/void#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

#: Only the curated files declare it (their Wikidata links); the service's answers write
#: those IRIs in full, as they always did.
CURATED_ONLY = frozenset({"wd"})
#: Only the service declares them (its VoID and service descriptions); no curated fact uses them.
SERVICE_ONLY = frozenset({"void", "sd"})

#: The curated files' prefixes, relative as written in graph_data/.
CURATED: dict[str, str] = {p: ns for p, ns in TABLE.items() if p not in SERVICE_ONLY}


def service(base_iri: str) -> dict[str, str]:
    """The service's prefixes, namespaces absolute under ``base_iri``."""
    return {
        p: ns if "://" in ns else base_iri + ns for p, ns in TABLE.items() if p not in CURATED_ONLY
    }
