"""Each ``kg`` command once, with its error path: one-line errors, non-zero exits."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.config import PROJECT_ROOT


def kg(*args: str, store: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "kg", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    result = kg("load", store=store)
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout and "triples" in result.stdout
    return store


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert result.returncode != 0
    assert result.stderr.strip().startswith("Error:") or "Usage:" in result.stderr


def test_help_lists_every_command():
    result = kg("--help")
    for command in ("load", "serve", "query", "validate", "dump", "stats"):
        assert command in result.stdout


def test_load_reports_per_file_throughput_and_rejects_broken_files(loaded, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .\n")
    result = kg("load", str(broken), store=loaded)
    no_traceback(result)
    assert "broken.ttl:1:" in result.stderr
    missing = kg("load", str(tmp_path / "nope.ttl"), store=loaded)
    no_traceback(missing)


def test_query_table_csv_and_json(loaded):
    q = 'SELECT ?c WHERE { ?c rdfs:label "盐城市"@zh-Hans }'
    table = kg("query", q, store=loaded)
    assert table.returncode == 0, table.stderr
    assert "place:yancheng" in table.stdout  # the table abbreviates with the predeclared prefixes
    assert "(1 row)" in table.stdout
    as_csv = kg("query", q, "--format", "csv", store=loaded)
    assert as_csv.stdout.splitlines() == ["c", "http://127.0.0.1:8000/id/place/yancheng"]
    as_json = json.loads(kg("query", q, "--format", "json", store=loaded).stdout)
    assert as_json["results"]["bindings"][0]["c"]["value"].endswith("/id/place/yancheng")


def test_query_from_file_and_named_query_with_param(loaded, tmp_path):
    file = tmp_path / "q.rq"
    file.write_text('ASK { ?c rdfs:label "宿迁市"@zh-Hans }')
    assert kg("query", "-f", str(file), store=loaded).stdout.strip() == "true"
    named = kg("query", "-n", "partners-of-place", "-p", "place=id/place/yancheng", store=loaded)
    assert named.returncode == 0, named.stderr
    assert "changzhou" in named.stdout


def test_query_errors_are_one_line(loaded):
    no_traceback(kg("query", "SELECT * WHERE {", store=loaded))
    no_traceback(kg("query", "-n", "no-such-query", store=loaded))
    no_traceback(kg("query", "-n", "partners-of-place", "-p", "bogus=1", store=loaded))
    no_traceback(kg("query", store=loaded))
    no_traceback(kg("query", "ASK {}", "--format", "turtle", store=loaded))


def test_validate_passes_on_the_bundled_graph(loaded):
    result = kg("validate", store=loaded)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_dump_round_trips_as_nquads_and_trig(loaded, tmp_path):
    out = tmp_path / "dump.nq"
    assert kg("dump", "-o", str(out), store=loaded).returncode == 0
    ds = rdflib.Dataset()
    ds.parse(out, format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) > 500
    trig = kg("dump", "--format", "trig", store=loaded)
    assert trig.returncode == 0
    ds2 = rdflib.Dataset()
    ds2.parse(data=trig.stdout, format="trig")
    assert len(list(ds2.quads((None, None, None, None)))) == len(
        list(ds.quads((None, None, None, None)))
    )
    no_traceback(kg("dump", "--format", "xml", store=loaded))


def test_stats_counts_graphs_and_classes(loaded):
    stats = json.loads(kg("stats", "--json", store=loaded).stdout)
    assert stats["triples"] > 500
    assert any(g.endswith("graph/inferred") for g in stats["graphs"])
    assert stats["classes"]["http://127.0.0.1:8000/ontology#PrefectureLevelCity"] >= 10


def test_serve_on_a_locked_store_fails_with_one_line(loaded, server):
    result = kg("load", store=server.store_path)
    no_traceback(result)
    assert "another process" in result.stderr
