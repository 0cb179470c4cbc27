"""A throw-away Oxigraph server (pip ``oxigraph``) for the remote-store tests: the second engine,
so the generic SPARQL 1.1 dialect (``kg.store.remote_dialects.Dialect``) is tested against a server
that declares no quirks, next to Virtuoso's dialect.

``oxigraph serve`` on a temporary folder and a free loopback port: SPARQL at ``/query``, updates at
``/update``, the Graph Store Protocol at ``/store``, no authentication. It is started without
``--union-default-graph``: the remote store names its dataset explicitly, as with any engine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from processes import RemoteEngine, answering, engine_for_session, free_port


class OxigraphUnavailable(RuntimeError):
    """The ``oxigraph`` binary is missing or the server did not start."""


@dataclass
class OxigraphServer(RemoteEngine):
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    user: str | None = None
    password: str | None = None

    PATHS = ("/query", "/update", "/store")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_oxigraph(folder: Path, timeout: float = 60.0) -> OxigraphServer:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        raise OxigraphUnavailable("the oxigraph binary is missing: pip install -e '.[test]'")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=open(folder / "oxigraph.out", "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
    )
    server = OxigraphServer(folder, port, process)
    output = folder / "oxigraph.out"
    exited = lambda: OxigraphUnavailable(f"oxigraph exited: {output.read_text()}")  # noqa: E731
    if answering(server.sparql_url, process, timeout, exited):
        return server
    server.stop()
    raise OxigraphUnavailable(f"Oxigraph server did not answer within {timeout:g} s")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One Oxigraph server for the session; skipped (failed in CI) when it cannot start."""
    folder = tmp_path_factory.mktemp("oxigraph")
    yield from engine_for_session(
        lambda: start_oxigraph(folder), OxigraphUnavailable, "Oxigraph server"
    )
