"""Child processes the tests start (``kg serve``, Virtuoso, Oxigraph): a free port for them,
waiting until they answer, and ending them politely, then firmly."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable

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
