"""``GET /sparql?query=…`` answered without Flask (kg.web.query_lane) must be indistinguishable from
the Flask path: same body, same headers a client or browser relies on, same errors."""

from __future__ import annotations

import requests

from kg.config import Config
from kg.web import executor
from kg.web.app import create_app

CITIES = """
PREFIX yrd: <http://127.0.0.1:8000/ontology#>
SELECT ?city WHERE { ?city a yrd:PrefectureLevelCity } ORDER BY ?city
"""
#: Headers whose values must match between the lane and Flask.
SAME = ("Content-Type", "Vary", "X-Content-Type-Options", "Access-Control-Allow-Origin")


def test_the_lane_answers_like_flask_over_http(server):
    accept = {"Accept": "application/sparql-results+json"}
    lane = requests.get(server.url + "/sparql", params={"query": CITIES}, headers=accept)
    # ``timeout=`` (the server limit) sends the same query through Flask's view
    flask = requests.get(
        server.url + "/sparql", params={"query": CITIES, "timeout": "30"}, headers=accept
    )
    assert lane.status_code == flask.status_code == 200
    assert lane.content == flask.content
    assert len(lane.json()["results"]["bindings"]) >= 10
    for name in SAME:
        assert lane.headers.get(name) == flask.headers.get(name), name
    assert "Content-Disposition" in lane.headers["Access-Control-Expose-Headers"]


def test_refusals_keep_flasks_statuses_and_messages(server):
    bad = requests.get(server.url + "/sparql", params={"query": "SELECT ?s WHERE { ?s"})
    assert bad.status_code == 400 and "malformed query" in bad.text
    outbound = requests.get(
        server.url + "/sparql", params={"query": "SELECT * { SERVICE <http://x.example/> {} }"}
    )
    assert outbound.status_code == 400 and "not allowed" in outbound.text
    refused = requests.get(
        server.url + "/sparql",
        params={"query": "ASK {}"},
        headers={"Accept": "image/png"},
    )
    assert refused.status_code == 406


def test_an_origin_from_the_allow_list_is_echoed_and_varied_on():
    config = Config(store=":memory:", cors_origins=("https://a.example",))
    client = create_app(config).test_client()
    response = client.get("/sparql?query=ASK%20%7B%7D", headers={"Origin": "https://a.example"})
    assert response.status_code == 200 and response.json == {"head": {}, "boolean": True}
    assert response.headers["Access-Control-Allow-Origin"] == "https://a.example"
    assert response.headers["Vary"] == "Accept, Origin"
    other = client.get("/sparql?query=ASK%20%7B%7D", headers={"Origin": "https://b.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_an_error_after_the_query_ran_is_reported_by_flask_without_a_second_run(monkeypatch):
    config = Config(store=":memory:", max_result_bytes=10)
    app = create_app(config)
    runs: list[str] = []
    original = executor.QueryExecutor.run

    def counting(self, task, timeout=None, client=""):
        runs.append(task.query)
        return original(self, task, timeout, client)

    monkeypatch.setattr(executor.QueryExecutor, "run", counting)
    response = app.test_client().get("/sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D")
    assert response.status_code == 413
    assert "larger than the limit" in response.get_data(as_text=True)
    assert len(runs) == 1
