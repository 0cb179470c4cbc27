"""Shared fixtures: the bundled graph in memory, and a real ``kg serve`` process over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from kg.config import PROJECT_ROOT, Config
from kg.loading import load_bundled
from kg.store import GraphStore, OxigraphStore

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def bundled_store() -> Iterator[GraphStore]:
    """The bundled ontology and data, loaded (validated, with inferences) into memory."""
    store = OxigraphStore(Config(store=":memory:"))
    load_bundled(store)
    yield store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    store_path: Path
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    store_path: Path, *, env: dict[str, str] | None = None, args: list[str] | None = None
) -> Server:
    """Spawn ``kg serve`` on a free port and wait until it answers queries."""
    port = free_port()
    log = store_path.parent / f"server-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(store_path), "--port", str(port)]
        + (args or []),
        stdout=open(log, "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=PROJECT_ROOT,
    )
    server = Server(f"http://127.0.0.1:{port}", process, store_path, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited early:\n{log.read_text()}")
        try:
            if requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"kg serve did not come up:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server on the bundled graph, shared by the read-only HTTP tests."""
    srv = start_server(tmp_path_factory.mktemp("served") / "store")
    yield srv
    srv.stop()
