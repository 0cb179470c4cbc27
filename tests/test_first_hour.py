"""What a new user hits in the first hour over HTTP: answers that explain instead of surprise."""

from __future__ import annotations

import json

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
