"""The first hour from a terminal: mistakes end in one line naming the fix, tables fit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from processes import answering, free_port, stop_process
from tiny_data import make_root

from kg.__main__ import program as cli
from kg.cli.table import display_width
from kg.config import PROJECT_ROOT


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def kg(*args: str) -> Ran:
    """``kg ARGS`` in this process (click's runner): the same code path, without paying a
    Python start-up per call; KG_STORE/KG_BASE_IRI from the caller's environment are unset."""
    runner = CliRunner(env={"KG_STORE": None, "KG_BASE_IRI": None})
    result = runner.invoke(cli, list(args), prog_name="kg")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def one_line_error(result: Ran) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("first-hour") / "store"
    result = kg("load", "--no-validate", "--store", str(path))  # validated in test_cli
    assert result.returncode == 0, result.stderr
    return str(path)


def test_read_commands_in_an_empty_folder_do_not_create_a_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    error = one_line_error(kg("stats"))
    assert str(tmp_path / "var" / "store") in error and "kg load" in error
    assert not (tmp_path / "var").exists()


def test_unknown_filter_values_are_one_line_errors_listing_the_allowed(store, tmp_path):
    error = one_line_error(kg("partners", "盐城", "--kind", "bogus", "--store", store))
    assert "'bogus'" in error and "pairing" in error and "park" in error
    out = tmp_path / "net.gexf"
    error = one_line_error(
        kg("export", "--format", "gexf", "--kind", "bogus", "-o", str(out), "--store", store)
    )
    assert "pairing" in error and not out.exists()
    assert "CityLevel" in one_line_error(kg("partners", "盐城", "--level", "x", "--store", store))
    assert "江苏省" in one_line_error(kg("metrics", "--province", "盐城", "--store", store))


def test_kind_lists_work_as_over_http(store):
    comma = kg("partners", "盐城", "--kind", "pairing,park", "--format", "json", "--store", store)
    repeated = kg(
        "partners",
        "盐城",
        "--kind",
        "pairing",
        "--kind",
        "park",
        "--format",
        "json",
        "--store",
        store,
    )
    assert comma.returncode == 0, comma.stderr
    assert comma.stdout == repeated.stdout and '"partners": [{' in comma.stdout.replace(" ", " ")


def test_named_query_place_parameters_take_names(store):
    by_name = kg(
        "query", "-n", "partners-of-place", "-p", "place=盐城", "--format", "csv", "--store", store
    )
    by_iri = kg(
        "query",
        "-n",
        "partners-of-place",
        "-p",
        "place=id/place/yancheng",
        "--format",
        "csv",
        "--store",
        store,
    )
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_iri.stdout and len(by_name.stdout.splitlines()) > 10
    error = one_line_error(
        kg("query", "-n", "partners-of-place", "-p", "place=Suzhou", "--store", store)
    )
    assert "苏州市" in error and "宿州市" in error


def test_tables_fit_100_columns_with_relation_and_source(store):
    table = kg("partners", "盐城", "--store", store).stdout
    lines = table.splitlines()
    assert max(display_width(line) for line in lines) <= 100
    assert lines[0].split() == ["partner", "kind", "relation", "period", "source"]
    assert "全市深度融入长三角" in table  # the source article's title, cut to fit
    wide = kg("partners", "盐城", "--wide", "--store", store).stdout
    assert max(display_width(line) for line in wide.splitlines()) > 100
    assert "http://127.0.0.1:8000/id/relation/" in wide


def test_path_shows_labels_hop_by_hop(store):
    result = kg("path", "盐城", "宿迁", "--store", store)
    assert result.returncode == 0, result.stderr
    assert "盐城市" in result.stdout and "宿迁市" in result.stdout
    assert "徐宿淮盐铁路" in result.stdout and "http://" not in result.stdout


def test_serve_on_a_busy_port_is_one_line(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        error = one_line_error(kg("serve", "--store", str(tmp_path / "s"), "--port", str(port)))
    assert f"port {port}" in error and "already in use" in error
    assert not (tmp_path / "s").exists()  # nothing loaded before the port was checked


def serve(store: Path, port: int, root: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "KG_BASE_IRI"}
    env.update(KG_DATA_ROOT=str(root), KG_QUERIES_DIR=str(root / "queries"))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--workers",
            "0",
        ],
        stdout=open(log, "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
        env=env,
        cwd=PROJECT_ROOT,
    )


def wait_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    if not answering(url + "/sparql", process, 60, lambda: AssertionError(log.read_text())):
        raise AssertionError(log.read_text())


def test_base_iri_follows_the_port_and_a_moved_store_is_reported(tmp_path):
    root = make_root(tmp_path / "root")
    first, second = free_port(), free_port()
    store, log = tmp_path / "store", tmp_path / "serve.log"
    process = serve(store, first, root, log)
    try:
        url = f"http://127.0.0.1:{first}"
        wait_up(url, process, log)
        graphs = requests.get(
            url + "/sparql",
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", "format": "csv"},
            timeout=30,
        ).text
        assert f"{url}/graph/inferred" in graphs  # minted under where it is served
    finally:
        stop_process(process, timeout=15)
    process = serve(store, second, root, log)
    try:
        wait_up(f"http://127.0.0.1:{second}", process, log)
        text = log.read_text()
        assert "WARNING:" in text and f"{url}/" in text and "KG_BASE_IRI" in text
    finally:
        stop_process(process, timeout=15)
