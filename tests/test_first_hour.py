"""What a new user hits in the first hour over HTTP: answers that explain instead of surprise."""

from __future__ import annotations

import json
import socket

import pytest
import requests

YANCHENG = "/id/place/yancheng"


def test_json_client_on_an_entity_iri_gets_json_ld(server):
    r = requests.get(server.url + YANCHENG, headers={"Accept": "application/json"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/ld+json")
    document = json.loads(r.content)
    assert "盐城" in r.text and document  # the entity's description, as JSON


def test_not_acceptable_answers_say_they_depend_on_accept(server):
    r = requests.get(server.url + YANCHENG, headers={"Accept": "image/gif"}, timeout=30)
    assert r.status_code == 406
    assert "Accept" in r.headers.get("Vary", "")
    assert "turtle" in r.text  # and it lists what is available
    q = requests.get(
        server.url + "/sparql",
        params={"query": "ASK {}"},
        headers={"Accept": "image/gif"},
        timeout=30,
    )
    assert q.status_code == 406 and "Accept" in q.headers.get("Vary", "")


def raw_get(server, target: str) -> tuple[int, bytes]:
    """GET with the request target's UTF-8 bytes as typed (what curl sends), not encoded."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET " + target.encode("utf-8") + b" HTTP/1.0\r\nHost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_raw_utf8_in_the_url_works_like_percent_encoding(server):
    status, body = raw_get(server, "/api/places/盐城/partners?domain=产业合作&format=csv")
    assert status == 200, body[:300]
    encoded = requests.get(
        server.url + "/api/places/盐城/partners",
        params={"domain": "产业合作", "format": "csv"},
        timeout=30,
    )
    assert body.decode() == encoded.text and "上海市" in encoded.text


def test_a_domain_label_prefix_finds_the_broadest_domain(server):
    def partners(domain: str) -> list[str]:
        r = requests.get(
            server.url + "/api/places/盐城/partners", params={"domain": domain}, timeout=30
        )
        assert r.status_code == 200, r.text
        return sorted(p["id"] for p in r.json()["partners"])

    assert partners("产业") == partners("产业合作") != []


@pytest.mark.parametrize(
    ("param", "value", "allowed"),
    [
        ("kind", "bogus", "pairing"),
        ("level", "bogus", "CityLevel"),
        ("province", "火星", "江苏省"),
        ("province", "盐城", "江苏省"),  # a place, but not a province-level unit
        ("domain", "astrology", "产业合作"),
    ],
)
def test_unknown_filter_values_are_400_listing_the_allowed_ones(server, param, value, allowed):
    r = requests.get(server.url + "/api/places/盐城/partners", params={param: value}, timeout=30)
    assert r.status_code == 400, r.text
    assert allowed in r.json()["allowed"] and value in r.json()["error"]


def test_metrics_filters_are_checked_too(server):
    r = requests.get(server.url + "/api/metrics", params={"type": "Planet"}, timeout=30)
    assert r.status_code == 400 and "PrefectureLevelCity" in r.json()["allowed"]
    r = requests.get(server.url + "/api/metrics", params={"province": "江苏"}, timeout=30)
    assert r.status_code == 200 and {p["province"] for p in r.json()["places"]} == {"江苏省"}


def test_an_unknown_format_name_is_400_listing_the_formats(server):
    r = requests.get(server.url + "/api/places/盐城/partners", params={"format": "xlsx"})
    assert r.status_code == 400 and "csv" in r.json()["error"]
    r = requests.get(server.url + "/sparql", params={"query": "ASK {}", "format": "xlsx"})
    assert r.status_code == 400 and "json" in r.text


def test_kind_lists_mean_the_same_comma_separated_or_repeated(server):
    url = server.url + "/api/places/盐城/partners"
    comma = requests.get(url, params={"kind": "pairing,park"}, timeout=30).json()
    repeated = requests.get(url, params=[("kind", "pairing"), ("kind", "park")], timeout=30).json()
    assert comma == repeated and comma["partners"]


def test_named_query_place_parameters_take_names_through_the_resolver(server):
    url = server.url + "/queries/partners-of-place"
    by_name = requests.get(url, params={"place": "盐城"}, timeout=30)
    by_iri = requests.get(url, params={"place": "id/place/yancheng"}, timeout=30)
    assert by_name.status_code == 200 and by_name.json() == by_iri.json()
    assert by_name.json()["results"]["bindings"]
    ambiguous = requests.get(url, params={"place": "Suzhou"}, timeout=30)
    assert ambiguous.status_code == 300
    assert {c["label_zh"] for c in ambiguous.json()["candidates"]} == {"苏州市", "宿州市"}
    assert requests.get(url, params={"place": "火星"}, timeout=30).status_code == 404


def test_an_export_error_is_not_saved_under_a_result_like_name(server):
    r = requests.get(server.url + "/api/export", params={"format": "gexf", "kind": "bogus"})
    assert r.status_code == 400
    assert 'filename="yrd-network-error-400.json"' in r.headers["Content-Disposition"]
