"""Standard SPARQL clients work against the endpoint unchanged."""

from __future__ import annotations

import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

SELECT = """
PREFIX yrd: <http://127.0.0.1:8000/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city WHERE { ?city a yrd:PrefectureLevelCity ; rdfs:label "盐城市"@zh-Hans }
"""
YANCHENG = "http://127.0.0.1:8000/id/place/yancheng"


def test_sparqlwrapper_reads_json_select_and_ask(server):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["city"]["value"] for r in rows] == [YANCHENG]
    client.setQuery(f"ASK {{ <{YANCHENG}> a ?c }}")
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_reads_xml_select(server):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(XML)
    doc = client.query().convert()
    uris = [node.firstChild.data for node in doc.getElementsByTagName("uri")]
    assert uris == [YANCHENG]


def test_sparqlwrapper_post_method_works(server):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod("POST")
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["city"]["value"] == YANCHENG


def test_rdflib_sparqlstore_select_ask_and_construct(server):
    graph = rdflib.Graph(store=SPARQLStore(server.url + "/sparql"))
    rows = list(graph.query(SELECT))
    assert [str(r.city) for r in rows] == [YANCHENG]
    assert graph.query(f"ASK {{ <{YANCHENG}> ?p ?o }}").askAnswer is True
    constructed = graph.query(
        f"CONSTRUCT {{ <{YANCHENG}> ?p ?o }} WHERE {{ <{YANCHENG}> ?p ?o }}"
    ).graph
    labels = {str(o) for o in constructed.objects(rdflib.URIRef(YANCHENG), rdflib.RDFS.label)}
    assert {"盐城市", "Yancheng"} <= labels
