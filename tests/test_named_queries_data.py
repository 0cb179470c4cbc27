"""Every named query in queries/*.rq runs on the bundled data and returns the expected rows.

The header format is the one the service's runner parses:
    # title: …
    # description: …
    # param: NAME TYPE = DEFAULT   (TYPE: iri, place, string, integer, decimal, year, lang-string)
Parameters are bound to ?NAME by substitution, so ?NAME must be in the SELECT projection.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from _data_store import BASE, REPO, store_for

QUERIES = sorted((REPO / "queries").glob("*.rq"))
XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM = re.compile(
    r"^#\s*param:\s*([A-Za-z_]\w*)\s+(iri|place|string|integer|decimal|year|lang-string)"
    r"\s*=\s*(.+?)\s*$"
)


@pytest.fixture(scope="module")
def kg(request):
    return store_for(request)


def header(path: Path) -> dict:
    info: dict = {"params": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if m := re.match(r"^#\s*(title|description):\s*(.+)$", line):
            info[m.group(1)] = m.group(2)
        elif line.startswith("# param:"):
            m = PARAM.match(line)
            assert m, f"{path.name}: bad param line {line!r}"
            info["params"].append(m.groups())
    return info


def term(kind: str, raw: str):
    if kind in ("iri", "place"):  # a place default is written as its IRI
        return ox.NamedNode(raw if "://" in raw else BASE + raw)
    if kind == "string":
        return ox.Literal(raw)
    if kind in ("integer", "decimal"):
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + kind))
    if kind == "year":
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + "gYear"))
    text, _, lang = raw.rpartition("@")
    return ox.Literal(text, language=lang)


def run(kg, name: str, **override) -> list[dict[str, str]]:
    path = REPO / "queries" / f"{name}.rq"
    info = header(path)
    bindings = {}
    for pname, kind, default in info["params"]:
        bindings[pname] = term(kind, override.get(pname, default))
    rows = kg.select(path.read_text(encoding="utf-8"), bindings)
    return [{k: v.value.replace(BASE, "") for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_header_and_projection(path: Path):
    text = path.read_text(encoding="utf-8")
    info = header(path)
    assert info.get("title") and info.get("description"), "title and description lines"
    assert "@base" not in text.lower() and "BASE <" not in text
    assert "<http://127.0.0.1:8000/" not in text, "IRIs relative to the base"
    assert not re.search(r"LIMIT\s+\?", text), "no LIMIT with a variable"
    select = re.search(r"SELECT(.*?)WHERE", text, re.S).group(1)
    for pname, _kind, _default in info["params"]:
        assert re.search(rf"\?{pname}\b", select), f"param ?{pname} must be projected"


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.name)
def test_runs_non_empty(kg, path: Path):
    assert run(kg, path.stem), f"{path.name} returned no rows"


def test_at_least_ten_queries():
    assert len(QUERIES) >= 10


def test_all_pairings(kg):
    rows = run(kg, "all-pairings")
    by = {r["pairing"]: r for r in rows}
    assert len(by) == 10
    assert by["id/pairing/wuxi-lianyungang"]["assisting"] == "id/place/wuxi"
    assert by["id/pairing/wuxi-lianyungang"]["schemeLabel"] == "江苏深化南北结对帮扶合作"
    assert by["id/pairing/suzhougongyeyuanqu-xiangcheng"]["start"] == "2012"
    assert by["id/pairing/hangzhou-suzhouah"]["assisted"] == "id/place/suzhou-ah"
    assert by["id/pairing/sunanjieduixian-subeizhongdianxian"]["levelLabel"] == "县级"


def test_partners_of_place(kg):
    rows = run(kg, "partners-of-place")
    pairs = {(r["partner"], r["kind"].rsplit("#", 1)[1]) for r in rows}
    assert ("id/place/changzhou", "Pairing") in pairs
    assert ("id/place/changzhou", "Park") in pairs
    assert ("id/place/korea", "Park") in pairs
    assert ("id/place/shanghai", "LiaisonOffice") in pairs
    assert all(r["place"] == "id/place/yancheng" for r in rows)
    rows = run(kg, "partners-of-place", place="id/place/bengbu")
    assert {"id/place/ningbo"} <= {r["partner"] for r in rows if r["kind"].endswith("#Pairing")}


def test_parks_of_two_places(kg):
    rows = run(kg, "parks-of-two-places")
    assert {r["park"] for r in rows} == {
        "id/park/susu",
        "id/park/changshusihong",
        "id/park/wujiangsiyang",
    }
    rows = run(kg, "parks-of-two-places", a="id/place/wuxi", b="id/place/xuzhou")
    assert {r["park"] for r in rows} == {
        "id/park/wuxixuzhou",
        "id/park/jiangyinsuining",
        "id/park/yixingpeixian",
    }


def test_domains_between_two_places(kg):
    rows = run(kg, "domains-between-two-places")
    counts = {r["domain"]: int(r["relations"]) for r in rows}
    assert counts["id/domain/park-cobuilding"] == 3
    assert "id/domain/health-care" in counts
    assert all(r["a"] == "id/place/changzhou" and r["b"] == "id/place/yancheng" for r in rows)


def test_pairing_counts_per_province(kg):
    rows = run(kg, "pairing-counts-per-province")
    counts = {r["province"]: int(r["pairings"]) for r in rows}
    assert counts == {"id/place/jiangsu": 7, "id/place/anhui": 4, "id/place/zhejiang": 3}


def test_county_level_pairings(kg):
    rows = {r["relation"]: r for r in run(kg, "county-level-pairings")}
    assert {
        "id/pairing/sunanjieduixian-subeizhongdianxian",
        "id/pairing/hangzhouchengqu-suzhouahxianqu",
        "id/park/changshusihong",
        "id/park/jiangyinsuining",
        "id/park/suxianghezuoqu",
    } <= set(rows)
    assert "id/pairing/nanjing-huaian" not in rows
    assert "泗洪县" in rows["id/park/changshusihong"]["parties"]


def test_facts_with_sources(kg):
    rows = run(kg, "facts-with-sources")
    assert all(r["seedFile"] == "000_7fe07044b1acf61f.txt" for r in rows)
    quotes = {r["fact"]: r["quote"] for r in rows}
    assert quotes["id/pairing/nanjing-huaian"].startswith("市级层面,南京与淮安")
    rows = run(kg, "facts-with-sources", source="id/source/s002")
    assert any("融合發展協議" in r["quote"] for r in rows)


def test_parks_by_industry(kg):
    rows = run(kg, "parks-by-industry")
    assert {r["park"] for r in rows} == {
        "id/park/changshusihong",
        "id/park/wujiangsiyang",
        "id/park/zhenjianglianyungang",
        "id/park/changzhouyancheng",
    }
    rows = run(kg, "parks-by-industry", industry="电子信息")
    assert {r["park"] for r in rows} == {"id/park/susu", "id/park/changzhouyancheng"}


def test_agreements_of_year(kg):
    rows = run(kg, "agreements-of-year")
    assert {r["agreement"] for r in rows} == {
        "id/agreement/nantong-suzhou-ronghe-2020",
        "id/agreement/nantong-wuxi-ronghe-2020",
        "id/agreement/nantong-changzhou-ronghe-2020",
    }
    assert all("南通市" in r["parties"] and r["year"] == "2020" for r in rows)
    rows = run(kg, "agreements-of-year", year="2022")
    assert {r["agreement"] for r in rows} == {
        "id/agreement/yongbeng-jianshefangan",
        "id/agreement/ningbobengbu-weidianzi-kuangjia",
    }


def test_institution_pairings(kg):
    rows = {r["relation"]: r for r in run(kg, "institution-pairings")}
    r = rows["id/relation/jishixueyuan-fuyang-suzhou"]
    assert set(r["institutions"].split(" / ")) == {"阜阳技师学院", "苏州技师学院"}
    assert set(r["places"].split(" / ")) == {"阜阳市", "苏州市"}
    assert "id/relation/jiangsu-hospital-support" in rows


def test_regions_and_members(kg):
    rows = run(kg, "regions-and-members")
    members: dict[str, set] = {}
    for r in rows:
        members.setdefault(r["region"], set()).add(r["member"])
    assert members["id/place/sunan"] == {
        f"id/place/{c}" for c in ("nanjing", "wuxi", "changzhou", "suzhou", "zhenjiang")
    }
    assert "id/place/taizhou" in members["id/place/suzhong"]
    assert {r["memberCount"] for r in rows if r["region"] == "id/place/wanbei"} == {"8"}


def test_transport_links_of_place(kg):
    rows = {r["link"]: r for r in run(kg, "transport-links-of-place")}
    assert rows["id/relation/railway-lianyan"]["modeLabel"] == "铁路"
    assert rows["id/relation/railway-lianyan"]["otherPlaces"] == "连云港市"
    assert rows["id/relation/highway-yancheng-nanjing"]["modeLabel"] == "高速公路"


def test_industry_transfer_destinations(kg):
    rows = run(kg, "industry-transfer-destinations")
    assert [r["destination"] for r in rows] == [
        f"id/place/{c}" for c in ("guiyang", "luzhou", "maoming", "ningbo", "xianyang")
    ]
    rows = run(kg, "industry-transfer-destinations", origin="id/place/wuxi")
    assert rows[0]["destination"] == "id/place/yinchuan" and rows[0]["rank"] == "1"


def test_liaison_offices(kg):
    rows = {(r["origin"], r["destination"]): r for r in run(kg, "liaison-offices")}
    assert rows[("id/place/bengbu", "id/place/ningbo")]["statusLabel"] == "已建立"
    assert rows[("id/place/yancheng", "id/place/hangzhou")]["statusLabel"] == "计划中"


def test_partner_organisations(kg):
    rows = run(kg, "partner-organisations")
    located = {r["org"]: r["located"] for r in rows}
    assert located["id/org/tianheguangneng"] == "id/place/changzhou"
    assert located["id/org/yantaiqicheyanjiusuo"] == "id/place/yantai"


def test_relations_in_year(kg):
    rows = {r["relation"]: r for r in run(kg, "relations-in-year")}
    assert "id/agreement/nantong-suzhou-ronghe-2020" in rows
    assert "id/park/suxianghezuoqu" in rows  # started 2020
    assert "id/pairing/suzhougongyeyuanqu-xiangcheng" in rows  # since 2012, open-ended
    assert "id/relation/transfer-suzhou-guiyang" in rows  # 2019–2022
    assert "id/agreement/yongbeng-jianshefangan" not in rows  # 2022
    rows = {r["relation"] for r in run(kg, "relations-in-year", year="2011")}
    assert "id/pairing/suzhougongyeyuanqu-xiangcheng" not in rows
