"""A throw-away OpenLink Virtuoso server for the remote-store tests.

Started from Debian's ``virtuoso-opensource`` package: the packaged ``virtuoso.ini`` is copied
with the database, transaction, temp and log files moved into a temporary folder, both ports
bound to free loopback ports, and the result-set cap raised so whole-graph reads are not cut
short. Writes go to ``/sparql-auth`` (HTTP digest, the default ``dba`` account of a fresh
database), reads to the anonymous ``/sparql``.

Where the binary is missing or the server does not come up, ``start_virtuoso`` raises
``VirtuosoUnavailable``; the fixture turns that into a skip, or a failure when ``CI=true``.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from processes import RemoteEngine, answering, engine_for_session, free_port

PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT_S = 120.0


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed or did not start; the message says why."""


@dataclass
class Virtuoso(RemoteEngine):
    folder: Path
    http_port: int
    sql_port: int
    process: subprocess.Popen[bytes]
    user: str = "dba"
    password: str = "dba"

    PATHS = ("/sparql", "/sparql-auth", "/sparql-graph-crud-auth")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def isql(self, statement: str) -> str:
        """Run SQL through ``isql-vt`` (administration the protocols do not cover)."""
        done = subprocess.run(
            [
                "isql-vt",
                f"127.0.0.1:{self.sql_port}",
                self.user,
                self.password,
                f"exec={statement}",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        return done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")


def write_ini(folder: Path, http_port: int, sql_port: int) -> Path:
    ini = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";",))
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read(PACKAGED_INI, encoding="utf-8")
    db = folder / "db"
    db.mkdir(parents=True, exist_ok=True)
    ini["Database"].update(
        {
            "DatabaseFile": str(db / "virtuoso.db"),
            "ErrorLogFile": str(db / "virtuoso.log"),
            "LockFile": str(db / "virtuoso.lck"),
            "TransactionFile": str(db / "virtuoso.trx"),
            "xa_persistent_file": str(db / "virtuoso.pxa"),
        }
    )
    ini["TempDatabase"].update(
        {
            "DatabaseFile": str(db / "virtuoso-temp.db"),
            "TransactionFile": str(db / "virtuoso-temp.trx"),
        }
    )
    params = ini["Parameters"]
    params["ServerPort"] = f"127.0.0.1:{sql_port}"
    params["DirsAllowed"] = f"., {folder}, /usr/share/virtuoso-opensource-7/vad"
    params["NumberOfBuffers"] = "20000"
    params["MaxDirtyBuffers"] = "15000"
    # One thread per query: Virtuoso's answers to the same query on the same data differed
    # between runs (issue 19), and parallel evaluation is the nondeterminism it lets us switch
    # off; the tests compare exact answers.
    params["ThreadsPerQuery"] = "1"
    ini["HTTPServer"]["ServerPort"] = f"127.0.0.1:{http_port}"
    ini["HTTPServer"]["ServerThreads"] = "10"
    # The packaged cap (10 000 rows) would silently cut whole-graph reads short.
    ini["SPARQL"]["ResultSetMaxRows"] = "1000000"
    ini["SPARQL"]["MaxQueryExecutionTime"] = "120"
    ini["SPARQL"]["MaxQueryCostEstimationTime"] = "0"
    if ini.has_section("Plugins"):  # hosting plugins are not needed and slow the start
        ini.remove_section("Plugins")
    path = folder / "virtuoso.ini"
    with open(path, "w", encoding="utf-8") as handle:
        ini.write(handle)
    return path


def start_virtuoso(folder: Path, *, timeout: float = START_TIMEOUT_S) -> Virtuoso:
    binary = shutil.which("virtuoso-t")
    if binary is None or not PACKAGED_INI.exists():
        raise VirtuosoUnavailable(
            "virtuoso-t not found: install Debian's virtuoso-opensource package"
        )
    if shutil.which("isql-vt") is None:
        raise VirtuosoUnavailable("isql-vt not found (virtuoso-opensource is incomplete)")
    http_port, sql_port = free_port(), free_port()
    ini = write_ini(folder, http_port, sql_port)
    log = folder / "virtuoso.out"
    process = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=open(log, "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
    )
    server = Virtuoso(folder, http_port, sql_port, process)

    def exited() -> Exception:
        return VirtuosoUnavailable(f"virtuoso-t exited with {process.returncode}:\n{_tail(folder)}")

    if answering(server.sparql_url, process, timeout, exited, pause=0.5):
        return server
    server.stop()
    raise VirtuosoUnavailable(f"Virtuoso did not answer within {timeout:g} s:\n{_tail(folder)}")


def _tail(folder: Path) -> str:
    texts = []
    for name in ("virtuoso.out", "db/virtuoso.log"):
        path = folder / name
        if path.exists():
            texts.append(path.read_text(errors="replace")[-2000:])
    return "\n".join(texts)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """One Virtuoso for the session; skipped (failed in CI) when it cannot start."""
    folder = tmp_path_factory.mktemp("virtuoso")
    yield from engine_for_session(lambda: start_virtuoso(folder), VirtuosoUnavailable, "Virtuoso")
