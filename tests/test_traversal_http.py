"""The /api traversal endpoints over real HTTP: shapes, statuses, CSV, hostile input."""

from __future__ import annotations

import csv
import io

import pytest
import requests


def test_partners_endpoint_returns_the_documented_shape(server):
    r = requests.get(server.url + "/api/places/盐城/partners")
    assert r.status_code == 200
    body = r.json()
    assert body["place"]["label_zh"] == "盐城市"
    partner = body["partners"][0]
    assert {"id", "label_zh", "label_en", "type", "relations"} <= set(partner)
    rel = partner["relations"][0]
    assert {"kind", "via", "role", "level", "scheme", "domains", "period", "sources"} <= set(rel)
    assert {"id", "title", "quote"} <= set(rel["sources"][0])


def test_partners_as_csv_has_one_row_per_relation(server):
    r = requests.get(server.url + "/api/places/盐城/partners", headers={"Accept": "text/csv"})
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    body = requests.get(server.url + "/api/places/盐城/partners").json()
    assert len(rows) == sum(len(p["relations"]) for p in body["partners"])
    assert "常州市" in {row["partner_zh"] for row in rows}


def test_ambiguous_place_is_300_with_candidates(server):
    r = requests.get(server.url + "/api/places/Suzhou/partners", allow_redirects=False)
    assert r.status_code == 300
    labels = {c["label_zh"] for c in r.json()["candidates"]}
    assert {"苏州市", "宿州市"} <= labels


def test_unknown_place_is_404_with_suggestions(server):
    r = requests.get(server.url + "/api/places/盐成/partners")
    assert r.status_code == 404
    assert "盐城市" in {s["label_zh"] for s in r.json()["suggestions"]}


def test_resolve_endpoint(server):
    body = requests.get(server.url + "/api/resolve", params={"q": "鹽城市"}).json()
    assert body["query"] == "鹽城市"
    assert [m["label_zh"] for m in body["matches"]] == ["盐城市"]
    assert body["matches"][0]["parent"]["label_zh"] == "江苏省"


@pytest.mark.parametrize(
    "name",
    ['"', "'", "{", "} UNION { ?s ?p ?o }", "a" * 5000, "盐城\x00", "\x1b[2J", "%00", "..", "<>"],
)
def test_hostile_place_names_get_4xx_and_leave_answers_unchanged(server, name):
    before = requests.get(server.url + "/api/places/盐城/partners").json()
    for url in ("/api/places/{}/partners", "/api/places/{}", "/api/places/{}/neighbourhood"):
        r = requests.get(server.url + url.format(requests.utils.quote(name, safe="")))
        assert 400 <= r.status_code < 500, (url, r.status_code, r.text[:200])
    r = requests.get(server.url + "/api/path", params={"from": name, "to": "上海"})
    assert 400 <= r.status_code < 500
    assert requests.get(server.url + "/api/places/盐城/partners").json() == before


def test_bad_filter_values_are_400(server):
    for params in (
        {"depth": "x"},
        {"depth": "99"},
        {"since": "soon"},
        {"include_subunits": "maybe"},
    ):
        r = requests.get(server.url + "/api/places/盐城/partners", params=params)
        assert r.status_code == 400, params
        assert r.json()["error"]
    r = requests.get(server.url + "/api/places/盐城/partners", params={"domain": "astrology"})
    assert r.status_code == 400 and "产业合作" in r.json()["allowed"]  # a bad filter, listed


def test_path_endpoint_explains_each_hop(server):
    body = requests.get(server.url + "/api/path", params={"from": "盐城", "to": "上海"}).json()
    assert body["paths"]
    hop = body["paths"][0]["hops"][0]
    assert hop["from"]["label_zh"] == "盐城市" and hop["relations"]
    assert requests.get(server.url + "/api/path", params={"from": "盐城"}).status_code == 400


def test_neighbourhood_is_nodes_and_edges_around_the_place(server):
    body = requests.get(server.url + "/api/places/盐城/neighbourhood", params={"depth": 1}).json()
    ids = {n["id"] for n in body["nodes"]}
    assert body["place"]["id"] in ids
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    wider = requests.get(server.url + "/api/places/盐城/neighbourhood", params={"depth": 2}).json()
    assert len(wider["nodes"]) >= len(body["nodes"])


def test_place_details_and_graph_summary_and_metrics(server):
    place = requests.get(server.url + "/api/places/盐城").json()
    assert place["coordinates"]["lat"] == pytest.approx(33.35, abs=0.2)
    assert [h["label_zh"] for h in place["hierarchy"]][-1] == "江苏省"
    assert place["relations"] and place["sources"]
    summary = requests.get(server.url + "/api/graph").json()
    assert summary["relations"] > 20 and summary["edges"] > 20
    metrics = requests.get(server.url + "/api/metrics", params={"top": 5}).json()
    assert metrics["count"] == 5
    jiangsu = requests.get(server.url + "/api/metrics", params={"province": "江苏"}).json()
    assert jiangsu["places"] and all(p["province"] == "江苏省" for p in jiangsu["places"])
