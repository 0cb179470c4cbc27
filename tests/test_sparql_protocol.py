"""SPARQL 1.1 Protocol conformance over real HTTP against a spawned ``kg serve``."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib
import requests

CITIES = """
PREFIX yrd: <http://127.0.0.1:8000/ontology#>
SELECT ?city ?label WHERE {
  ?city a yrd:PrefectureLevelCity ; rdfs:label ?label . FILTER(lang(?label) = "zh-hans")
} ORDER BY ?label
"""
YANCHENG = "http://127.0.0.1:8000/id/place/yancheng"
SRX = "{http://www.w3.org/2005/sparql-results#}"


def labels_from_json(body: dict) -> set[str]:
    return {b["label"]["value"] for b in body["results"]["bindings"]}


def test_get_query_returns_json_results_from_the_bundled_graph(server):
    r = requests.get(server.url + "/sparql", params={"query": CITIES})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/sparql-results+json")
    body = r.json()
    assert body["head"]["vars"] == ["city", "label"]
    assert {"盐城市", "苏州市", "宿迁市", "淮安市"} <= labels_from_json(body)
    langs = {b["label"]["xml:lang"] for b in body["results"]["bindings"]}
    assert langs == {"zh-hans"}


def test_post_form_and_direct_post_give_the_same_answer_as_get(server):
    get = requests.get(server.url + "/sparql", params={"query": CITIES}).json()
    form = requests.post(server.url + "/sparql", data={"query": CITIES}).json()
    direct = requests.post(
        server.url + "/sparql",
        data=CITIES.encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    ).json()
    assert get == form == direct
    assert len(get["results"]["bindings"]) >= 10


def test_xml_results_parse_and_carry_language_tags(server):
    r = requests.get(
        server.url + "/sparql",
        params={"query": CITIES},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")
    root = ET.fromstring(r.content)
    names = [v.get("name") for v in root.iter(SRX + "variable")]
    assert names == ["city", "label"]
    literals = [el for el in root.iter(SRX + "literal")]
    assert "盐城市" in {el.text for el in literals}
    assert all(el.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans" for el in literals)


def test_csv_and_tsv_results_have_header_and_rows(server):
    csv_r = requests.get(
        server.url + "/sparql", params={"query": CITIES}, headers={"Accept": "text/csv"}
    )
    assert csv_r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_r.content.decode())))
    assert rows[0] == ["city", "label"]
    assert [YANCHENG, "盐城市"] in rows

    tsv_r = requests.get(
        server.url + "/sparql",
        params={"query": CITIES},
        headers={"Accept": "text/tab-separated-values"},
    )
    lines = tsv_r.content.decode().splitlines()
    assert lines[0] == "?city\t?label"
    assert f'<{YANCHENG}>\t"盐城市"@zh-hans' in lines


def test_ask_query_in_json_and_xml(server):
    ask = f"ASK {{ <{YANCHENG}> ?p ?o }}"
    assert requests.get(server.url + "/sparql", params={"query": ask}).json() == {
        "head": {},
        "boolean": True,
    }
    r = requests.get(
        server.url + "/sparql",
        params={"query": "ASK { <urn:nothing> ?p ?o }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert ET.fromstring(r.content).find(SRX + "boolean").text == "false"


@pytest.mark.parametrize(
    "media_type, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/trig", "trig"),
    ],
)
def test_construct_results_parse_back_in_every_rdf_format(server, media_type, rdflib_format):
    query = f"CONSTRUCT {{ <{YANCHENG}> ?p ?o }} WHERE {{ <{YANCHENG}> ?p ?o }}"
    r = requests.get(
        server.url + "/sparql", params={"query": query}, headers={"Accept": media_type}
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith(media_type)
    if rdflib_format == "trig":
        graph = rdflib.Dataset()
        graph.parse(data=r.content, format="trig")
        triples = list(graph.quads((None, None, None, None)))
    else:
        graph = rdflib.Graph()
        graph.parse(data=r.content, format=rdflib_format)
        triples = list(graph)
    labels = {str(o) for s, p, o, *_ in triples if str(p).endswith("#label")}
    assert "盐城市" in labels and "Yancheng" in labels


def test_describe_returns_turtle_by_default(server):
    r = requests.get(server.url + "/sparql", params={"query": f"DESCRIBE <{YANCHENG}>"})
    assert r.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.content, format="turtle")
    assert (rdflib.URIRef(YANCHENG), None, None) in graph


def test_accept_q_values_pick_the_highest_quality_format(server):
    r = requests.get(
        server.url + "/sparql",
        params={"query": CITIES},
        headers={"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"},
    )
    assert r.headers["Content-Type"].startswith("text/csv")
    r = requests.get(
        server.url + "/sparql",
        params={"query": CITIES},
        headers={"Accept": "text/csv;q=0, application/sparql-results+xml"},
    )
    assert r.headers["Content-Type"].startswith("application/sparql-results+xml")


def test_format_parameter_overrides_accept(server):
    r = requests.get(
        server.url + "/sparql",
        params={"query": CITIES, "format": "tsv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")


def test_unacceptable_format_is_406_naming_what_is_available(server):
    r = requests.get(
        server.url + "/sparql", params={"query": CITIES}, headers={"Accept": "image/png"}
    )
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    r = requests.get(
        server.url + "/sparql",
        params={"query": f"CONSTRUCT WHERE {{ <{YANCHENG}> ?p ?o }}"},
        headers={"Accept": "text/csv"},
    )
    assert r.status_code == 406
    assert "text/turtle" in r.text


def test_malformed_query_is_400_with_the_parser_position(server):
    r = requests.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert r.status_code == 400
    assert "malformed query" in r.text
    assert "1:" in r.text  # line:column from the parser


def test_wrong_body_type_is_415(server):
    r = requests.post(
        server.url + "/sparql", data=CITIES.encode(), headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 415
    assert "application/sparql-query" in r.text


def test_update_sent_to_the_query_endpoint_is_refused(server):
    r = requests.post(server.url + "/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 400
    still = requests.get(server.url + "/sparql", params={"query": f"ASK {{ <{YANCHENG}> ?p ?o }}"})
    assert still.json()["boolean"] is True


def test_default_graph_uri_restricts_the_dataset(server):
    graphs = requests.get(
        server.url + "/sparql",
        params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
    ).json()
    names = [b["g"]["value"] for b in graphs["results"]["bindings"]]
    places = next(g for g in names if g.endswith("graph_data/places.ttl"))
    ontology = next(g for g in names if g.endswith("ontology/yrd.ttl"))
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params):
        r = requests.get(server.url + "/sparql", params={"query": count, **params})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    whole, only_places = n(), n(**{"default-graph-uri": places})
    assert 0 < only_places < whole
    both = requests.get(
        server.url + "/sparql",
        params=[("query", count), ("default-graph-uri", places), ("default-graph-uri", ontology)],
    ).json()
    assert int(both["results"]["bindings"][0]["n"]["value"]) > only_places
    # named-graph-uri alone: an empty default graph, the named graph reachable via GRAPH.
    assert n(**{"named-graph-uri": places}) == 0
    in_named = requests.get(
        server.url + "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": places,
        },
    ).json()
    assert int(in_named["results"]["bindings"][0]["n"]["value"]) == only_places


def test_get_without_query_is_a_service_description(server):
    r = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.content, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = graph.value(predicate=rdflib.RDF.type, object=sd.Service)
    assert service is not None
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (
        service,
        sd.resultFormat,
        rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON"),
    ) in graph
    assert len(list(graph.objects(None, sd.namedGraph))) >= 3


def test_void_description_counts_the_dataset(server):
    r = requests.get(server.url + "/.well-known/void", headers={"Accept": "application/ld+json"})
    graph = rdflib.Graph().parse(data=r.content, format="json-ld")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    ds = graph.value(predicate=rdflib.RDF.type, object=void.Dataset, any=True)
    triples = [int(o) for o in graph.objects(None, void.triples)]
    assert max(triples) > 500
    classes = {str(o) for o in graph.objects(None, void["class"])}
    assert "http://127.0.0.1:8000/ontology#PrefectureLevelCity" in classes
    assert ds is not None


def test_query_page_is_served_and_lists_named_queries(server):
    r = requests.get(server.url + "/query")
    assert r.status_code == 200
    assert "<textarea" in r.text
    data = r.text.split('id="editor-data" type="application/json">')[1].split("</script>")[0]
    assert len(json.loads(data)["named"]) >= 8
    for script in ("query.js", "results.js", "vendor/codemirror.js"):
        assert requests.get(server.url + "/static/" + script).status_code == 200
