"""`kg ingest`: candidate facts from an article, on texts the rules were not written from.

tests/ingest_texts/ holds synthetic articles about cities the bundled articles do not name
(official pairing lists, park reports in traditional script, a city plan with 我市), each with
the place pairs a reader finds stated.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from _data_store import REPO
from click.testing import CliRunner

from kg.cli.commands import cli
from kg.config import Config
from kg.curation.curated_build import build
from kg.curation.ingest import IngestError, Meta, analyse
from kg.curation.ingest_context import Context, files_select, to_json

TEXTS = REPO / "tests" / "ingest_texts"
BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def ctx() -> Context:
    config = Config()
    return Context(files_select(config.data_dirs, BASE), BASE, config.data_dirs)


def _run(ctx: Context, name: str, **meta: str) -> dict:
    expected = json.loads((TEXTS / f"{name}.json").read_text(encoding="utf-8"))
    text = (TEXTS / f"{name}.txt").read_text(encoding="utf-8")
    result = analyse(text, Meta(**{**expected.get("meta", {}), **meta}), ctx.index, ctx.domains)
    return to_json(ctx, result)


def _pairs(data: dict) -> set[frozenset[str]]:
    out = set()
    for c in data["candidates"]:
        places = [p["iri"].replace(BASE + "id/place/", "place:") for p in c["parties"]]
        out |= {frozenset((a, b)) for a in places for b in places if a < b}
    return out


@pytest.mark.parametrize("name", sorted(p.stem for p in TEXTS.glob("*.txt")))
def test_stated_place_pairs_are_proposed(ctx, name):
    expected = json.loads((TEXTS / f"{name}.json").read_text(encoding="utf-8"))
    want = {frozenset(p) for p in expected["pairs"]}
    found = _pairs(_run(ctx, name)) & want
    assert len(found) / len(want) >= 0.8, sorted(map(sorted, want - found))


def test_candidate_carries_its_verbatim_sentence_parties_date_and_domains(ctx):
    text = (TEXTS / "park-report-hant.txt").read_text(encoding="utf-8")
    data = _run(ctx, "park-report-hant")
    for c in data["candidates"]:
        assert c["quote"] in text and text[c["start"] : c["end"]] == c["quote"]
        assert set(c) >= {"kind", "parties", "shape", "quote", "date", "domains", "confidence"}
    huzhou = next(c for c in data["candidates"] if {"湖州市", "广安市"} <= _labels(c))
    assert huzhou["kind"] == "Pairing" and huzhou["date"] == "2023"  # 今年, article of 2023
    park = next(c for c in data["candidates"] if c["kind"] == "Park" and "庆元县" in _labels(c))
    assert park["name"] == "嘉善庆元飞地产业园" and park["confidence"] >= 0.6


def _labels(candidate: dict) -> set[str]:
    return {p["label_zh"] for p in candidate["parties"]}


def test_district_written_under_its_city_is_the_district(ctx):
    data = _run(ctx, "city-plan")
    putuo = [p for p in data["places"] if p["label_zh"] == "普陀区"]
    assert [(p["iri"], p["parent"], p["code"]) for p in putuo] == [
        (BASE + "id/place/putuo-310107", "上海市", "310107")
    ]
    # 上海市 written only as 普陀区's parent is not a party of its own
    signed = next(c for c in data["candidates"] if c["kind"] == "Agreement")
    assert _labels(signed) == {"衢州市", "普陀区"}


def test_my_city_is_resolved_from_clues_or_given(ctx):
    assert _run(ctx, "city-plan")["home"]["label_zh"] == "衢州市"  # title and 衢州日报
    given = _run(ctx, "city-plan", place="丽水")
    assert given["home"]["label_zh"] == "丽水市"


def test_pairing_list_under_a_heading(ctx):
    data = _run(ctx, "east-west-list")
    kinds = {c["kind"] for c in data["candidates"]}
    assert kinds == {"Pairing"} and len(data["candidates"]) == 6
    assert any(
        "pairing list under a heading" in e for c in data["candidates"] for e in c["evidence"]
    )


def test_empty_article_is_refused(ctx):
    with pytest.raises(IngestError, match="empty"):
        analyse("   ", Meta(), ctx.index, ctx.domains)


def test_cli_json_and_error(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "no-store")
    result = runner.invoke(
        cli, ["ingest", str(TEXTS / "east-west-list.txt"), "--json", "--store", store]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"candidates", "places", "unresolved"} <= set(data)
    bad = runner.invoke(cli, ["ingest", str(tmp_path / "missing.txt"), "--store", store])
    assert bad.exit_code == 1 and "Error: cannot read" in bad.output


def test_curated_file_from_ingest_builds(tmp_path):
    """--curate writes text + YAML a curator can build: new places come from the gazetteer."""
    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    shutil.copytree(REPO / "graph_data", tmp_path / "graph_data")
    result = CliRunner().invoke(
        cli,
        [
            "ingest",
            str(TEXTS / "heldout-news.txt"),
            "--curate",
            str(tmp_path),
            "--title",
            "测试",
            "--date",
            "2024-04-18",
            "--store",
            str(tmp_path / "no-store"),
        ],
    )
    assert result.exit_code == 0, result.output
    yaml_file = tmp_path / "graph_data" / "facts" / "seed-005.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert "code: '320724'" in text  # 灌南县, a unit the graph did not have
    # a curator keeps what is right: the pairings (a scheme chosen) and drops the rest
    document = yaml.safe_load(text)
    document["facts"] = [f for f in document["facts"] if f["kind"] == "Pairing"]
    for fact in document["facts"]:
        fact["scheme"] = ["jiangsunanbeijiedui"]
    kept = document["facts"]
    yaml_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    built = build(tmp_path)
    turtle = built.outputs[tmp_path / "graph_data" / "seed-005.ttl"]
    assert 'yrd:adminCode "320724"' in turtle and "place:guannan" in turtle
    assert len(built.where) == 155 + len(kept) >= 157
