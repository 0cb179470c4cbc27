"""Writes: SPARQL Update and the Graph Store Protocol, behind a token, validated, atomic."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from conftest import Server
from tiny_data import AUTH, EX, TOKEN, UPDATE, dump_sorted, serve_tiny

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_tiny(tmp_path_factory.mktemp("writes"))
    yield server
    server.stop()


def ask(srv: Server, pattern: str) -> bool:
    r = requests.get(srv.url + "/sparql", params={"query": f"ASK {{ {pattern} }}"}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["boolean"]


def count(srv: Server) -> int:
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.get(srv.url + "/sparql", params={"query": q}, timeout=30)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_writes_are_off_without_a_token_and_say_how_to_enable(tmp_path: Path) -> None:
    server = serve_tiny(tmp_path, token=None)
    try:
        for method, path in (("POST", "/update"), ("PUT", "/store?default"), ("GET", "/store")):
            r = requests.request(
                method, server.url + path, data="x", headers={**AUTH, "Content-Type": "text/turtle"}
            )
            assert r.status_code == 403
            assert "KG_WRITE_TOKEN" in r.text
    finally:
        server.stop()


def test_update_needs_the_bearer_token(srv: Server) -> None:
    body = f"INSERT DATA {{ <{EX}z> a <{EX}Thing> }}"
    no_auth = {"Content-Type": UPDATE["Content-Type"]}
    r = requests.post(srv.url + "/update", data=body, headers=no_auth)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = {"Authorization": "Bearer nope", "Content-Type": "application/sparql-update"}
    r = requests.post(srv.url + "/update", data=body, headers=wrong)
    assert r.status_code == 403
    r = requests.post(srv.url + "/update", data=body, headers={**wrong, "Authorization": TOKEN})
    assert r.status_code == 401
    assert not ask(srv, f"<{EX}z> ?p ?o")
    assert "Access-Control-Allow-Origin" not in r.headers


def test_valid_update_is_committed_with_inferences_and_counts_follow(srv: Server) -> None:
    void_before = requests.get(srv.url + "/.well-known/void", params={"format": "nt"}).text
    body = f'INSERT DATA {{ GRAPH <{EX}g/new> {{ <{EX}d> a <{EX}City> ; {LABEL} "D" }} }}'
    r = requests.post(srv.url + "/update", data=body, headers=UPDATE)
    assert r.status_code == 204, r.text
    assert ask(srv, f"<{EX}d> a <{EX}City>")
    # the subclass rule ran again after the write: the inferred graph has the new city
    assert ask(srv, f"GRAPH <http://127.0.0.1:8000/graph/inferred> {{ <{EX}d> a <{EX}Place> }}")
    void_after = requests.get(srv.url + "/.well-known/void", params={"format": "nt"}).text
    assert void_after != void_before
    # form-encoded updates work too
    r = requests.post(
        srv.url + "/update",
        data={"update": f"DELETE DATA {{ GRAPH <{EX}g/new> {{ <{EX}d> a <{EX}City> }} }}"},
        headers=AUTH,
    )
    assert r.status_code == 204, r.text
    assert not ask(srv, f"<{EX}d> a <{EX}Place>")


def test_update_breaking_a_shape_is_422_and_changes_nothing(srv: Server) -> None:
    before = dump_sorted(srv.store_path)
    body = f"INSERT DATA {{ <{EX}nolabel> a <{EX}City> }}"
    r = requests.post(srv.url + "/update", data=body, headers=UPDATE)
    assert r.status_code == 422
    report = r.json()
    assert report["violations"][0]["focus"] == f"{EX}nolabel"
    assert "label" in report["violations"][0]["message"]
    body = f'INSERT DATA {{ <{EX}a> <{EX}population> "many" }}'
    assert requests.post(srv.url + "/update", data=body, headers=UPDATE).status_code == 422
    assert dump_sorted(srv.store_path) == before


def test_graph_store_protocol_round_trip(srv: Server) -> None:
    g = f"{EX}g/gsp"
    turtle = f'<{EX}e> a <{EX}City> ; <http://www.w3.org/2000/01/rdf-schema#label> "E" .'
    h = {**AUTH, "Content-Type": "text/turtle"}
    assert requests.get(srv.url + "/store", params={"graph": g}, headers=AUTH).status_code == 404
    r = requests.put(srv.url + "/store", params={"graph": g}, data=turtle, headers=h)
    assert r.status_code == 201, r.text
    r = requests.put(srv.url + "/store", params={"graph": g}, data=turtle, headers=h)
    assert r.status_code == 204, r.text
    assert requests.head(srv.url + "/store", params={"graph": g}, headers=AUTH).status_code == 200
    more = f'<{EX}f> a <{EX}City> ; <http://www.w3.org/2000/01/rdf-schema#label> "F"@en .'
    r = requests.post(srv.url + "/store", params={"graph": g}, data=more, headers=h)
    assert r.status_code == 204, r.text
    r = requests.get(
        srv.url + "/store", params={"graph": g}, headers={**AUTH, "Accept": "application/n-triples"}
    )
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
    assert {str(t.subject) for t in triples} == {f"<{EX}e>", f"<{EX}f>"}
    # JSON-LD body replaces the graph
    jsonld = (
        '{"@id": "http://example.org/h", "@type": "http://example.org/City", '
        '"http://www.w3.org/2000/01/rdf-schema#label": "H"}'
    )
    r = requests.put(
        srv.url + "/store",
        params={"graph": g},
        data=jsonld,
        headers={**AUTH, "Content-Type": "application/ld+json"},
    )
    assert r.status_code == 204, r.text
    assert ask(srv, f"GRAPH <{g}> {{ <{EX}h> a <{EX}City> }}")
    assert not ask(srv, f"GRAPH <{g}> {{ <{EX}e> ?p ?o }}")
    # a replacement that breaks a shape is refused and the graph kept
    bad = f"<{EX}x> a <{EX}City> ."
    r = requests.put(srv.url + "/store", params={"graph": g}, data=bad, headers=h)
    assert r.status_code == 422
    assert ask(srv, f"GRAPH <{g}> {{ <{EX}h> a <{EX}City> }}")
    # the default graph
    r = requests.post(srv.url + "/store?default", data=f"<{EX}s> <{EX}p> <{EX}o> .", headers=h)
    assert r.status_code == 204, r.text
    r = requests.get(srv.url + "/store?default", headers={**AUTH, "Accept": "text/turtle"})
    assert f"<{EX}o>" in r.text or "ex:o" in r.text or "<o>" in r.text
    assert requests.delete(srv.url + "/store", params={"graph": g}, headers=AUTH).status_code == 204
    assert requests.delete(srv.url + "/store", params={"graph": g}, headers=AUTH).status_code == 404
    assert not ask(srv, f"GRAPH <{g}> {{ ?s ?p ?o }}")


def test_the_inferred_graph_cannot_be_written_directly(srv: Server) -> None:
    r = requests.put(
        srv.url + "/store",
        params={"graph": "http://127.0.0.1:8000/graph/inferred"},
        data="",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert r.status_code == 400


def test_backup_while_serving_holds_every_acknowledged_write(srv: Server, tmp_path: Path) -> None:
    body = f'INSERT DATA {{ GRAPH <{EX}g/bk> {{ <{EX}bk> a <{EX}City> ; {LABEL} "BK" }} }}'
    assert requests.post(srv.url + "/update", data=body, headers=UPDATE).status_code == 204
    target = tmp_path / "backup"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "backup", str(target), "--store", str(srv.store_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert requests.get(srv.url + "/sparql", params={"query": "ASK {}"}).ok  # still serving
    restored = tmp_path / "restored"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "restore", str(target), "--store", str(restored)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    store = ox.Store.read_only(str(restored))
    assert store.query(f"ASK {{ GRAPH <{EX}g/bk> {{ <{EX}bk> a <{EX}City> }} }}")
    assert dump_sorted(restored) == dump_sorted(srv.store_path)
