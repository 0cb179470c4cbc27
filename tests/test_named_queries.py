"""Named queries: header format, the /queries catalogue and safe parameter binding."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from kg.store.named_queries import ParameterError, parse_named_query

SAMPLE = """# title: Partners of a city
# description: Every partner of the place,
# description: with the relation kind.
# param: place iri = id/place/yancheng
# param: since year = 2010
PREFIX yrd: <ontology#>
SELECT ?place ?since WHERE { ?x ?y ?place }
"""


def test_header_declares_title_description_and_typed_parameters():
    q = parse_named_query("partners", SAMPLE)
    assert q.title == "Partners of a city"
    assert q.description == "Every partner of the place, with the relation kind."
    assert [(p.name, p.type, p.default) for p in q.parameters] == [
        ("place", "iri", "id/place/yancheng"),
        ("since", "year", "2010"),
    ]


def test_parameters_become_typed_terms_resolved_against_the_base():
    q = parse_named_query("partners", SAMPLE)
    bound = q.bindings({"since": "2020"}, "http://example.org/")
    assert bound["place"] == ox.NamedNode("http://example.org/id/place/yancheng")
    assert bound["since"] == ox.Literal(
        "2020", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    )


@pytest.mark.parametrize(
    "given, message",
    [
        ({"since": "twenty"}, "expects year"),
        ({"place": "<http://x> } ; DROP ALL ; {"}, "expects iri"),
        ({"nonsense": "1"}, "unknown parameter"),
    ],
)
def test_bad_parameter_values_are_refused_with_the_reason(given, message):
    q = parse_named_query("partners", SAMPLE)
    with pytest.raises(ParameterError, match=message):
        q.bindings(given, "http://example.org/")


def test_a_malformed_param_line_names_the_file():
    with pytest.raises(ValueError, match="bad.rq"):
        parse_named_query("bad", "# param: x banana\nSELECT * {}")


def test_catalogue_lists_every_query_with_its_parameters(server):
    body = requests.get(server.url + "/queries").json()
    names = {q["name"] for q in body["queries"]}
    assert len(names) >= 8
    for q in body["queries"]:
        assert q["title"] and q["description"], q["name"]
        assert q["url"].endswith("/queries/" + q["name"])


def test_every_named_query_runs_with_its_defaults_in_each_result_format(server):
    for q in requests.get(server.url + "/queries").json()["queries"]:
        r = requests.get(f"{server.url}/queries/{q['name']}")
        assert r.status_code == 200, (q["name"], r.text)
        assert r.json()["results"]["bindings"], f"{q['name']} returned no rows"
        csv_r = requests.get(f"{server.url}/queries/{q['name']}", params={"format": "csv"})
        assert csv_r.headers["Content-Type"].startswith("text/csv")
        assert csv_r.headers["Content-Disposition"].endswith(f'{q["name"]}.csv"')


def test_a_string_parameter_cannot_change_the_query(server):
    catalogue = requests.get(server.url + "/queries").json()["queries"]
    with_string = [(q, p) for q in catalogue for p in q["parameters"] if p["type"] == "string"]
    assert with_string, "expected a named query with a string parameter"
    q, p = with_string[0]
    hostile = '" } UNION { ?s ?p ?o } #'
    r = requests.get(f"{server.url}/queries/{q['name']}", params={p["name"]: hostile})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []


def test_unknown_query_is_404_and_bad_param_is_400(server):
    r = requests.get(server.url + "/queries/does-not-exist")
    assert r.status_code == 404
    assert "available" in r.json()
    q = requests.get(server.url + "/queries").json()["queries"][0]
    r = requests.get(f"{server.url}/queries/{q['name']}", params={"zzz": "1"})
    assert r.status_code == 400
    assert "unknown parameter" in r.json()["error"]
