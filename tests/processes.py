"""Child processes the tests start (``kg serve``, Virtuoso, Oxigraph): a free port for them,
waiting until they answer, ending them politely, then firmly, and how the service is pointed
at a remote engine."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
import requests


def free_port() -> int:
    """A loopback port nobody listens on now (tests run side by side: never a fixed one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answering(
    sparql_url: str,
    process: subprocess.Popen[bytes],
    timeout: float,
    exited: Callable[[], Exception],
    pause: float = 0.2,
) -> bool:
    """Wait until ``sparql_url`` answers ``ASK {}``: True, or False after ``timeout`` seconds;
    the exception ``exited()`` makes is raised at once if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise exited()
        try:
            if requests.get(sparql_url, params={"query": "ASK {}"}, timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(pause)
    return False


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL: never leaves a server behind."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RemoteEngine:
    """A SPARQL engine the tests started, as the service is pointed at it: its three endpoints
    (``PATHS``: query, update, Graph Store Protocol, under ``url``), ``--store`` and the
    ``KG_*`` environment of a ``kg`` process talking to it."""

    PATHS: tuple[str, str, str]
    process: subprocess.Popen[bytes]
    user: str | None
    password: str | None

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def sparql_url(self) -> str:
        return self.url + self.PATHS[0]

    @property
    def update_url(self) -> str:
        return self.url + self.PATHS[1]

    @property
    def graph_store_url(self) -> str:
        return self.url + self.PATHS[2]

    @property
    def store_spec(self) -> str:
        """The ``--store`` value that points the service at this engine."""
        return "sparql+" + self.sparql_url

    def env(self) -> dict[str, str]:
        """Environment for a ``kg`` process talking to this engine."""
        env = {
            "KG_STORE": self.store_spec,
            "KG_UPDATE_URL": self.update_url,
            "KG_GRAPH_STORE_URL": self.graph_store_url,
        }
        if self.user is not None:
            env["KG_REMOTE_USER"] = self.user
            env["KG_REMOTE_PASSWORD"] = self.password or ""
        return env

    def stop(self) -> None:
        stop_process(self.process, timeout=30)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


Engine = TypeVar("Engine", bound=RemoteEngine)


def engine_for_session(
    start: Callable[[], Engine], unavailable: type[Exception], name: str
) -> Iterator[Engine]:
    """A remote engine for a session fixture: skipped where it cannot start, but failed in CI,
    where every engine must run so a missing install cannot pass as a skip."""
    try:
        server = start()
    except unavailable as err:
        if in_ci():
            pytest.fail(f"{name} is required in CI: {err}")
        pytest.skip(f"{name} unavailable: {err}")
    try:
        yield server
    finally:
        server.stop()
