"""Shared fixtures: the bundled graph in memory, and a real ``kg serve`` process over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from oxigraph_server import OxigraphServer, oxigraph_server  # noqa: F401 - session fixture
from processes import answering, free_port, stop_process
from virtuoso import Virtuoso, virtuoso  # noqa: F401 - the session fixture, registered here

from kg.config import PROJECT_ROOT, Config
from kg.store.backends import open_store
from kg.store.base import GraphStore
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_bundled

#: Modules whose ``server``/``bundled_store`` tests run on both backends (README "Scaling out");
#: the rest of the suite runs on the embedded store only, to keep it fast.
BOTH_BACKENDS = {
    "test_sparql_protocol",
    "test_sparql_clients",
    "test_named_queries",
    "test_traversal_http",
    "test_traversal",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "remote: runs against a real Virtuoso (tests/virtuoso.py)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend`` = embedded and virtuoso for the modules above, embedded elsewhere."""
    uses = {"server", "bundled_store", "backend"} & set(metafunc.fixturenames)
    if uses and metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_BACKENDS:
        metafunc.parametrize(
            "backend",
            ["embedded", pytest.param("virtuoso", marks=pytest.mark.remote)],
            indirect=True,
            scope="session",
        )


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "embedded")


def remote_config(server: Virtuoso | OxigraphServer, **overrides: object) -> Config:
    """A config whose store is the given engine (Virtuoso: writes via /sparql-auth, loads via
    GSP; Oxigraph server: /update and /store, no authentication)."""
    return Config(
        store=server.store_spec,
        update_url=server.update_url,
        graph_store_url=server.graph_store_url,
        remote_user=server.user,
        remote_password=server.password,
        **overrides,  # type: ignore[arg-type]
    )


BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="session")
def bundled_store(backend: str, request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """The bundled ontology and data, loaded (validated, with inferences) into memory.

    With ``backend == "virtuoso"``: loaded into the session's Virtuoso instead.
    """
    if backend == "virtuoso":
        store = open_store(remote_config(request.getfixturevalue("virtuoso")))
    else:
        store = OxigraphStore(Config(store=":memory:"))
    load_bundled(store)
    yield store


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    store_path: Path
    log: Path

    def stop(self) -> None:
        stop_process(self.process, timeout=15)


def start_server(
    store_path: Path,
    *,
    env: dict[str, str] | None = None,
    args: list[str] | None = None,
    store: str | None = None,
) -> Server:
    """Spawn ``kg serve`` on a free port and wait until it answers queries.

    ``store`` (e.g. ``sparql+http://…``) replaces ``store_path`` as ``--store``; the log still
    goes next to ``store_path``.
    """
    port = free_port()
    log = store_path.parent / f"server-{port}.log"
    store_arg = store or str(store_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", store_arg, "--port", str(port)]
        + (args or []),
        stdout=open(log, "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
        # The data's IRIs are checked against the default base, whatever port the test picks.
        env={**os.environ, "KG_BASE_IRI": BASE, **(env or {})},
        cwd=PROJECT_ROOT,
    )
    server = Server(f"http://127.0.0.1:{port}", process, store_path, log)
    exited = lambda: RuntimeError(f"kg serve exited early:\n{log.read_text()}")  # noqa: E731
    if answering(server.url + "/sparql", process, 60, exited):
        return server
    server.stop()
    raise RuntimeError(f"kg serve did not come up:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory, backend: str, request: pytest.FixtureRequest
) -> Iterator[Server]:
    """One real server on the bundled graph, shared by the read-only HTTP tests."""
    folder = tmp_path_factory.mktemp("served")
    if backend == "virtuoso":
        remote: Virtuoso = request.getfixturevalue("virtuoso")
        srv = start_server(folder / "store", env=remote.env(), store=remote.store_spec)
    else:
        srv = start_server(folder / "store")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium via Playwright (see browser_support: never downloads one)."""
    from browser_support import launch, sync_playwright

    assert sync_playwright is not None, "playwright must be installed in CI"
    with sync_playwright() as pw:
        chromium = launch(pw)
        yield chromium
        chromium.close()
