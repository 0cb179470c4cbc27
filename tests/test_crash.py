"""Crash safety: acknowledged writes survive a SIGKILL of the service at a random moment."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import requests
from conftest import start_server
from tiny_data import EX, UPDATE, serve_tiny

LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    server = serve_tiny(tmp_path)
    acknowledged: list[str] = []
    stop = threading.Event()

    def client(worker: int) -> None:
        session = requests.Session()
        n = 0
        while not stop.is_set():
            n += 1
            iri = f"{EX}crash/{worker}/{n}"
            body = (
                f'INSERT DATA {{ GRAPH <{EX}g/crash> {{ <{iri}> a <{EX}City> ; {LABEL} "c{n}" }} }}'
            )
            try:
                r = session.post(server.url + "/update", data=body, headers=UPDATE, timeout=30)
            except requests.RequestException:
                return  # the server is gone; this write was never acknowledged
            if r.status_code == 204:
                acknowledged.append(iri)
            else:
                raise AssertionError(r.text)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(random.uniform(1.5, 3.5))
    server.process.kill()  # SIGKILL: no flush, no shutdown hooks
    server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(acknowledged) >= 3, "too few writes before the kill to mean anything"

    restarted = start_server(server.store_path, env=_env(tmp_path))
    try:
        values = " ".join(f"<{iri}>" for iri in acknowledged)
        query = (
            f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
            f"GRAPH <{EX}g/crash> {{ ?c a <{EX}City> ; {LABEL} ?l }} }}"
        )
        r = requests.post(restarted.url + "/sparql", data={"query": query}, timeout=60)
        assert r.status_code == 200, r.text
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == len(acknowledged)
        # inferences of the committed writes are there too (recomputed before acknowledging)
        r = requests.get(
            restarted.url + "/sparql",
            params={"query": f"ASK {{ <{acknowledged[-1]}> a <{EX}Place> }}"},
            timeout=60,
        )
        assert r.json()["boolean"] is True
    finally:
        restarted.stop()


def _env(tmp_path: Path) -> dict[str, str]:
    root = tmp_path / "root"
    return {
        "KG_DATA_ROOT": str(root),
        "KG_QUERIES_DIR": str(root / "queries"),
        "KG_WRITE_TOKEN": "x",
    }
