"""Network exports, each read back by a real consumer of its format."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import unquote

import jsonschema
import networkx as nx
import pydot
import pytest
import requests
from PIL import Image

from kg import formats
from kg.formats import NETWORK, RenderContext, by_name, formats_for, render_to_bytes
from kg.graph import export, export_common
from kg.graph.placement import place_all

B = "http://127.0.0.1:8000/"
SVG = "http://www.w3.org/2000/svg"
# pydot's parser uses pyparsing names that newer pyparsing deprecates: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def synthetic_network() -> nx.MultiDiGraph:
    """A small network with exactly the projection's attributes (Chinese labels included)."""
    g = nx.MultiDiGraph()

    def place(local, zh, en, typ, prov, prov_zh, lat, lon, parent=None):
        g.add_node(
            B + "place/" + local,
            label_zh=zh,
            label_en=en,
            type=typ,
            province=B + "place/" + prov if prov else None,
            province_label=prov_zh,
            lat=lat,
            lon=lon,
            parent=B + "place/" + parent if parent else None,
        )

    place("shanghai", "上海", "Shanghai", "Municipality", "shanghai", "上海", 31.23, 121.47)
    place("jiangsu", "江苏", "Jiangsu", "Province", "jiangsu", "江苏", 32.06, 118.80)
    place("yancheng", "盐城", "Yancheng", "PrefectureLevelCity", "jiangsu", "江苏", 33.35, 120.16,
          "jiangsu")  # fmt: skip
    place("changzhou", "常州", "Changzhou", "PrefectureLevelCity", "jiangsu", "江苏", 31.81,
          119.97, "jiangsu")  # fmt: skip
    place("suqian", "宿迁", "Suqian", "PrefectureLevelCity", "jiangsu", "江苏", 33.96, 118.28,
          "jiangsu")  # fmt: skip
    place("suzhou", "苏州", "Suzhou", "PrefectureLevelCity", "jiangsu", "江苏", 31.30, 120.58,
          "jiangsu")  # fmt: skip
    place("dafeng", "大丰区", "Dafeng", "District", "jiangsu", "江苏", None, None, "yancheng")
    place("anhui", "安徽", "Anhui", "Province", "anhui", "安徽", 31.86, 117.28)
    place("lu-an", "六安", "Lu'an", "PrefectureLevelCity", "anhui", "安徽", 31.73, 116.52, "anhui")

    def dom(local, zh, en):
        return {"id": B + "domain/" + local, "label_zh": zh, "label_en": en}

    industry, tourism = dom("industry", "产业", "Industry"), dom("tourism", "旅游", "Tourism")

    def src(n, title, quote):
        return {"id": B + f"source/{n}", "title": title, "quote": quote}

    def rel(u, v, local, kind, **kw):
        attrs = {
            "relation": B + "relation/" + local,
            "kind": kind,
            "via": None,
            "role": "assists",
            "level": None,
            "scheme": None,
            "domains": [],
            "start": None,
            "end": None,
            "period": None,
            "sources": [],
            "label_zh": None,
        }
        attrs.update(kw)
        g.add_edge(B + "place/" + u, B + "place/" + v, key=attrs["relation"], **attrs)

    s1 = src(1, "上海盐城合作规划", "上海与盐城建立对口合作关系，共建沪苏大丰产业联动集聚区。")
    rel("shanghai", "yancheng", "sh-yc-pairing", "pairing", level="city", scheme="沪苏合作",
        domains=[industry], start=2018, period="2018–", sources=[s1],
        label_zh="上海—盐城对口合作")  # fmt: skip
    rel("shanghai", "dafeng", "sh-dafeng-park", "park",
        via={"id": B + "park/shdf", "label_zh": "沪苏大丰产业联动集聚区"},
        domains=[industry], start=2019, period="2019–", sources=[s1],
        label_zh="沪苏大丰产业联动集聚区")  # fmt: skip
    rel("changzhou", "yancheng", "cz-yc-agreement", "agreement", role="mutual",
        domains=[industry, tourism], start=2021, end=2025, period="2021–2025",
        sources=[src(2, "常盐合作协议", "常州盐城签署全面战略合作协议。")],
        label_zh="常州—盐城战略合作协议")  # fmt: skip
    rel("suqian", "suzhou", "sz-sq-park", "park", role="mutual",
        via={"id": B + "park/szsq", "label_zh": "苏州宿迁工业园区"}, start=2006,
        domains=[industry], sources=[src(3, "苏宿园区", "苏州宿迁工业园区由两市共建。")],
        label_zh="苏宿工业园区")  # fmt: skip
    rel("suzhou", "suqian", "sz-sq-pairing", "pairing", start=2001, label_zh="苏州—宿迁挂钩合作")
    rel("shanghai", "lu-an", "sh-la-transfer", "transfer", domains=[industry], start=2020)
    rel("jiangsu", "anhui", "js-ah-liaison", "liaison", role="mutual")
    return g


@pytest.fixture(scope="module")
def net() -> nx.MultiDiGraph:
    return synthetic_network()


def render(name: str, graph: nx.MultiDiGraph) -> bytes:
    fmt = by_name(NETWORK, name)
    assert fmt is not None, name
    return render_to_bytes(fmt, graph, RenderContext(title="test-network"))


EXPECTED = {"d3", "cyjs", "graphml", "gexf", "dot", "geojson", "svg", "png", "html"}


def test_every_export_is_registered_with_kind_network():
    names = {f.name for f in formats_for(NETWORK)}
    assert EXPECTED <= names
    assert formats.negotiate(NETWORK, "image/svg+xml").name == "svg"
    assert formats.negotiate(NETWORK, "application/graphml+xml").name == "graphml"
    assert formats.negotiate(NETWORK, None).name == "d3"


def _edges(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}


def test_graphml_reads_back_in_networkx(net):
    back = nx.read_graphml(io.BytesIO(render("graphml", net)), force_multigraph=True)
    assert isinstance(back, nx.MultiDiGraph)
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()
    assert _edges(back) == _edges(net)
    yc = back.nodes[B + "place/yancheng"]
    assert (yc["label_zh"], yc["label_en"], yc["type"]) == (
        "盐城",
        "Yancheng",
        "PrefectureLevelCity",
    )
    assert yc["lat"] == pytest.approx(33.35) and yc["province_label"] == "江苏"
    (data,) = [d for _, _, d in back.edges(data=True) if d["relation"].endswith("cz-yc-agreement")]
    assert data["kind"] == "agreement" and data["role"] == "mutual"
    assert data["period"] == "2021–2025" and data["start"] == 2021
    assert [d["label_zh"] for d in json.loads(data["domains"])] == ["产业", "旅游"]
    assert data["source_titles"] == "常盐合作协议"
    assert json.loads(data["sources"])[0]["quote"].startswith("常州盐城")


def test_gexf_reads_back_with_positions(net):
    text = render("gexf", net)
    back = nx.read_gexf(io.BytesIO(text))
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()
    yc = back.nodes[B + "place/yancheng"]
    assert yc["label"] == "盐城" and yc["label_en"] == "Yancheng"
    # x east and y north, in degrees x 100, longitudes shortened by cos(mean latitude).
    placed = place_all(net, scale=100.0)
    x, y = placed.positions[B + "place/yancheng"]
    assert yc["viz"]["position"]["x"] == pytest.approx(x, abs=0.01)
    assert yc["viz"]["position"]["y"] == pytest.approx(-y, abs=0.01) == pytest.approx(3335.0)
    # A place without coordinates is in the margin band, below every located one.
    dafeng = back.nodes[B + "place/dafeng"]["viz"]["position"]
    assert B + "place/dafeng" in placed.margin
    assert all(
        dafeng["y"] < back.nodes[n]["viz"]["position"]["y"] for n in back if n not in placed.margin
    )
    kinds = Counter(d["kind"] for _, _, d in back.edges(data=True))
    assert kinds == Counter(d["kind"] for _, _, d in net.edges(data=True))
    parks = [d for _, _, d in back.edges(data=True) if d["kind"] == "park"]
    assert {p["via_label"] for p in parks} == {"沪苏大丰产业联动集聚区", "苏州宿迁工业园区"}
    assert {p["start_year"] for p in parks} == {2006, 2019}


# -- the streamed XML writers against the projection and against awkward text ----------------
def _edge_key(u: str, v: str, data: dict) -> tuple[str, str, str]:
    return (u, v, data["relation"])


@pytest.fixture(scope="module")
def filtered(bundled_store) -> nx.MultiDiGraph:
    """A filtered export of the bundled graph's projection: pairings and parks only."""
    from kg.graph import traversal
    from kg.graph.projection import Projection

    snap = Projection(bundled_store).snapshot()
    filters = traversal.make_filters(snap, kinds=["pairing", "park"])
    graph = export.with_hosts(traversal.subgraph(snap, filters=filters), snap.relations)
    assert 10 < graph.number_of_edges() < snap.graph.number_of_edges()
    return graph


@pytest.mark.parametrize("name", ["gexf", "graphml"])
def test_streamed_xml_reads_back_as_the_projection(filtered, name):
    body = render(name, filtered)
    if name == "gexf":
        back = nx.read_gexf(io.BytesIO(body))
        assert b'xmlns="http://gexf.net/1.3"' in body[:300]
    else:
        back = nx.read_graphml(io.BytesIO(body), force_multigraph=True)
    assert back.number_of_nodes() == filtered.number_of_nodes()
    assert back.number_of_edges() == filtered.number_of_edges()
    for node in filtered:
        want = export.node_record(filtered, node)
        got = back.nodes[node]
        for field in export.NODE_FIELDS:
            if want[field] is None:
                assert field not in got, (node, field)
            elif field in ("lat", "lon"):
                assert got[field] == pytest.approx(want[field])
            else:
                assert got[field] == want[field], (node, field)
        if name == "gexf" and want["lat"] is not None:
            assert got["viz"]["position"]["y"] == pytest.approx(want["lat"] * 100, abs=0.01)
            assert got["viz"]["size"] == 4.0 + filtered.degree(node)
    back_edges = {_edge_key(u, v, d): d for u, v, d in back.edges(data=True)}
    assert len(back_edges) == back.number_of_edges()  # one edge per (pair, relation)
    years = {"start": "start_year", "end": "end_year"} if name == "gexf" else {}
    colours = {  # networkx reads no edge colours: take them from the XML
        e.get("id"): e.find("{http://gexf.net/1.3/viz}color")
        for e in ET.fromstring(body).iter("{http://gexf.net/1.3}edge")
    }
    for u, v, k, d in filtered.edges(keys=True, data=True):
        want = export.edge_record(u, v, k, d)
        got = back_edges[_edge_key(u, v, want)]
        for field in ("kind", "role", "level", "scheme", "period", "label_zh", "host"):
            assert got.get(field) == want[field], (k, field)
        for field in ("start", "end"):
            assert got.get(years.get(field, field)) == want[field], (k, field)
        assert json.loads(got["domains"]) == want["domains"]
        assert json.loads(got["sources"]) == want["sources"]
        assert got["source_titles"] == "; ".join(export.source_titles(want))
        if name == "gexf":
            assert got["label"] == (want["label_zh"] or want["kind"])
            r, g, b = (int(colours[got["id"]].get(c)) for c in "rgb")
            assert f"#{r:02x}{g:02x}{b:02x}" == export.KIND_COLOURS[want["kind"]]


@pytest.mark.parametrize("name", ["gexf", "graphml"])
def test_streamed_xml_keeps_awkward_text(name):
    g = nx.MultiDiGraph()
    odd = 'a "quoted" <b>&amp;</b>\n\tnext line'
    g.add_node("urn:x:a&b", label_zh=odd, label_en="A", lat=30.0, lon=120.0)
    g.add_node("urn:x:<c>", label_zh="C\x01", label_en=None, lat=None, lon=None)
    g.add_edge(
        "urn:x:a&b",
        "urn:x:<c>",
        key="urn:rel:1",
        relation="urn:rel:1",
        kind="pairing",
        label_zh=odd,
        start=2001,
        sources=[{"id": "urn:s", "title": "t&t", "quote": odd}],
    )
    body = render(name, g)
    back = (
        nx.read_gexf(io.BytesIO(body))
        if name == "gexf"
        else nx.read_graphml(io.BytesIO(body), force_multigraph=True)
    )
    assert back.nodes["urn:x:a&b"]["label_zh"] == odd
    assert back.nodes["urn:x:<c>"]["label_zh"] == "C\ufffd"  # XML 1.0 cannot carry U+0001
    ((u, v, data),) = back.edges(data=True)
    assert (u, v) == ("urn:x:a&b", "urn:x:<c>")
    assert data["label_zh"] == odd and json.loads(data["sources"])[0]["quote"] == odd


NODE_DATA = {
    "type": "object",
    "required": ["id", "label_zh", "label_en", "type", "province", "lat", "lon", "community"],
    "properties": {
        "id": {"type": "string"},
        "label_zh": {"type": "string", "minLength": 1},
        "lat": {"type": ["number", "null"], "minimum": -90, "maximum": 90},
        "lon": {"type": ["number", "null"], "minimum": -180, "maximum": 180},
        "community": {"type": "integer"},
    },
}
EDGE_DATA = {
    "type": "object",
    "required": ["source", "target", "relation", "kind", "role", "domains", "period", "sources"],
    "properties": {
        "source": {"type": "string"},
        "target": {"type": "string"},
        "kind": {"enum": sorted(export.KIND_COLOURS)},
        "role": {"type": ["string", "null"]},  # assists, mutual, transfers-to…
        "domains": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "label_zh", "label_en"]},
        },
        "sources": {
            "type": "array",
            "items": {"type": "object", "required": ["id", "title", "quote"]},
        },
    },
}
D3_SCHEMA = {
    "type": "object",
    "required": ["directed", "multigraph", "nodes", "links"],
    "properties": {
        "directed": {"const": True},
        "nodes": {"type": "array", "items": NODE_DATA},
        "links": {
            "type": "array",
            "items": {**EDGE_DATA, "required": ["id", *EDGE_DATA["required"]]},
        },
    },
}
CYJS_SCHEMA = {
    "type": "object",
    "required": ["elements"],
    "properties": {
        "elements": {
            "type": "object",
            "required": ["nodes", "edges"],
            "properties": {
                "nodes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "data": NODE_DATA,
                            "position": {
                                "type": "object",
                                "required": ["x", "y"],
                                "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                            },
                        },
                    },
                },
                "edges": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["data"],
                        "properties": {
                            "data": {**EDGE_DATA, "required": ["id", *EDGE_DATA["required"]]}
                        },
                    },
                },
            },
        }
    },
}


def test_d3_json_validates_and_loads_in_networkx(net):
    doc = json.loads(render("d3", net))
    jsonschema.validate(doc, D3_SCHEMA)
    assert len(doc["nodes"]) == 9 and len(doc["links"]) == 7
    assert len({link["id"] for link in doc["links"]}) == 7
    back = nx.node_link_graph(doc, edges="links")
    assert back.number_of_edges() == net.number_of_edges()
    assert doc["graph"]["kind_colours"]["pairing"] == export.KIND_COLOURS["pairing"]


def test_cytoscape_json_validates(net):
    doc = json.loads(render("cyjs", net))
    jsonschema.validate(doc, CYJS_SCHEMA)
    nodes, edges = doc["elements"]["nodes"], doc["elements"]["edges"]
    ids = {n["data"]["id"] for n in nodes}
    assert len(ids) == 9 and len(edges) == 7
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    yc = next(n for n in nodes if n["data"]["label_zh"] == "盐城")
    sh = next(n for n in nodes if n["data"]["label_zh"] == "上海")
    assert yc["position"]["y"] < sh["position"]["y"]  # north is up: screen y grows southwards


def test_dot_parses_with_pydot(net):
    text = render("dot", net).decode()
    (graph,) = pydot.graph_from_dot_data(text)
    assert len(graph.get_nodes()) >= 9  # pydot also lists the node/edge default statements
    assert len(graph.get_edges()) == 7
    labels = {n.get("label_zh").strip('"') for n in graph.get_nodes() if n.get("label_zh")}
    assert {"盐城", "常州", "上海"} <= labels
    if shutil.which("dot"):
        out = subprocess.run(["dot", "-Tsvg"], input=text.encode(), capture_output=True, check=True)
        assert "盐城".encode() in out.stdout


def test_geojson_is_valid(net):
    doc = json.loads(render("geojson", net))
    assert doc["type"] == "FeatureCollection"
    kinds = Counter()
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        points = [geometry["coordinates"]] if geometry["type"] == "Point" else None
        if geometry["type"] == "LineString":
            points = geometry["coordinates"]
            assert len(points) == 2
        assert points, geometry["type"]
        for lon, lat in points:
            assert 73 < lon < 136 and 18 < lat < 54  # lon/lat order, in China
        props = feature["properties"]
        kinds[(props["feature"], geometry["type"], props.get("kind"))] += 1
    # 8 located places (大丰区 has no coordinates); the 大丰 park sits at its host's parent? no:
    # it has no coordinates, so it falls back to the assisting party.
    assert kinds[("place", "Point", None)] == 8
    assert kinds[("relation", "Point", "park")] == 2
    assert kinds[("relation", "LineString", "pairing")] == 2
    agreement = next(f for f in doc["features"] if f["properties"].get("kind") == "agreement")
    assert agreement["properties"]["source_titles"] == ["常盐合作协议"]
    assert agreement["properties"]["period"] == "2021–2025"
    assert agreement["geometry"]["coordinates"][0] == [119.97, 31.81]


def test_geojson_puts_parks_at_their_host(net):
    graph = net.copy()
    relations = {B + "relation/sz-sq-park": {"host": B + "place/suqian"}}
    assert export.with_hosts(graph, relations) is graph
    doc = json.loads(render("geojson", graph))
    park = next(f for f in doc["features"] if f["id"].endswith("sz-sq-park"))
    assert park["geometry"] == {"type": "Point", "coordinates": [118.28, 33.96]}
    assert park["properties"]["host_label"] == "宿迁"
    assert park["properties"]["via"]["label_zh"] == "苏州宿迁工业园区"


def test_svg_is_xml_with_chinese_labels(net):
    root = ET.fromstring(render("svg", net))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"盐城", "常州", "上海", "大丰区", "六安"} <= texts
    assert any(t and "对口合作" in t for t in texts)  # the legend
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) >= 9


def test_svg_force_layout_without_coordinates(net):
    bare = net.copy()
    for _, data in bare.nodes(data=True):
        data["lat"] = data["lon"] = None
    root = ET.fromstring(render("svg", bare))
    assert any(
        "force layout" in (t.text or "") for t in root.iter("{http://www.w3.org/2000/svg}text")
    )


def test_png_decodes_and_has_content(net, tmp_path):
    data = render("png", net)
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.width >= 1200 and image.height >= 400
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # not blank
    artifacts = os.path.join(os.path.dirname(__file__), "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    with open(os.path.join(artifacts, "export-synthetic.png"), "wb") as fh:
        fh.write(data)


def test_html_is_self_contained(net):
    page = render("html", net).decode()
    assert page.startswith("<!doctype html>")
    assert "KG_CONFIG" in page and "盐城" in page
    # Nothing is loaded from elsewhere: no src/href to another origin, no stylesheet link.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert '<link rel="stylesheet"' not in page and "<script src" not in page


# -- over HTTP and the CLI, on the bundled graph ----------------------------------------------
def _export(server, **params) -> requests.Response:
    return requests.get(server.url + "/api/export", params=params, timeout=60)


def test_http_export_formats_and_headers(server):
    bodies: dict[str, bytes] = {}
    for name, media in [
        ("graphml", "application/graphml+xml"),
        ("gexf", "application/gexf+xml"),
        ("d3", "application/json"),
        ("cyjs", "application/json"),
        ("dot", "text/vnd.graphviz"),
        ("geojson", "application/geo+json"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
        ("html", "text/html"),
    ]:
        response = _export(server, format=name)
        assert response.status_code == 200, (name, response.text[:300])
        assert response.headers["Content-Type"].split(";")[0] == media
        disposition = response.headers["Content-Disposition"]
        ext = by_name(NETWORK, name).extension
        assert f'filename="yrd-network.{ext}"' in disposition, disposition
        bodies[name] = response.content
    # The real graph reads back too: same places and relations in every graph format.
    d3 = json.loads(bodies["d3"])
    counts = (len(d3["nodes"]), len(d3["links"]))
    assert counts[0] > 20 and counts[1] > counts[0]
    graphml = nx.read_graphml(io.BytesIO(bodies["graphml"]), force_multigraph=True)
    gexf = nx.read_gexf(io.BytesIO(bodies["gexf"]))
    for back in (graphml, gexf):
        assert (back.number_of_nodes(), back.number_of_edges()) == counts
    cyjs = json.loads(bodies["cyjs"])
    jsonschema.validate(cyjs, CYJS_SCHEMA)
    jsonschema.validate(d3, D3_SCHEMA)
    assert len(pydot.graph_from_dot_data(bodies["dot"].decode())[0].get_edges()) == counts[1]
    geo = json.loads(bodies["geojson"])
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > counts[0] // 2
    assert Image.open(io.BytesIO(bodies["png"])).size[0] >= 1200
    assert "盐城市" in {t.text for t in ET.fromstring(bodies["svg"]).iter(f"{{{SVG}}}text")}


def test_http_export_negotiates_and_rejects(server):
    response = requests.get(
        server.url + "/api/export", headers={"Accept": "application/gexf+xml"}, timeout=60
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/gexf+xml")
    assert _export(server, format="mp3").status_code == 400  # not a format at all
    assert _export(server, format="d3", since="soon").status_code == 400


def test_http_export_filters_around_yancheng(server):
    whole = _export(server, format="d3").json()
    around = _export(server, format="d3", place="盐城", depth=1)
    assert around.status_code == 200, around.text[:300]
    doc = around.json()
    labels = {n["label_zh"] for n in doc["nodes"]}
    assert {"盐城市", "常州市"} <= labels  # 盐城's partners include 常州 and Shanghai-area places
    assert any(label.startswith("上海") for label in labels)
    assert 1 < len(doc["nodes"]) < len(whole["nodes"])
    disposition = around.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "盐城" in unquote(disposition)
    assert 'filename="yrd-network-yancheng-d1.json"' in disposition
    only = _export(server, format="d3", place="盐城", depth=1, kind="pairing").json()
    assert only["links"] and {link["kind"] for link in only["links"]} == {"pairing"}
    assert _export(server, format="d3", place="no-such-place-xyz").status_code == 404


def test_cli_export_writes_file(server, tmp_path):
    out = tmp_path / "net.graphml"
    env = {**os.environ}
    run = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--store", str(server.store_path),
         "--format", "graphml", "--place", "盐城", "-o", str(out)],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    back = nx.read_graphml(out, force_multigraph=True)
    assert "盐城市" in {d.get("label_zh") for _, d in back.nodes(data=True)}
    bad = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--store", ":memory:", "--format", "mp3"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0 and b"Error:" in bad.stderr and b"Traceback" not in bad.stderr


# -- networks too big to draw ------------------------------------------------------------------
def test_pictures_refuse_networks_past_the_limits(net, monkeypatch):
    monkeypatch.setitem(export.DRAW_LIMITS, "png", (100, 5))
    fmt = by_name(NETWORK, "png")
    with pytest.raises(export.TooLarge, match=r"7 relations.*at most 100 places and 5 relations"):
        fmt.render(net, RenderContext())  # refused at once, before anything is drawn
    monkeypatch.setitem(export.DRAW_LIMITS, "png", (100, 7))
    assert render("png", net).startswith(b"\x89PNG")
    bare = net.copy()
    for _, data in bare.nodes(data=True):
        data["lat"] = data["lon"] = None
    monkeypatch.setattr(export_common, "FORCE_LAYOUT_LIMIT", 8)  # read by check_drawable
    with pytest.raises(export.TooLarge, match="force layout"):
        by_name(NETWORK, "svg").render(bare, RenderContext())
    assert render("svg", net)  # 9 places, most located: geographic, no force layout needed


def test_http_export_too_large_is_413_naming_filters(bundled_store, monkeypatch):
    from kg.config import Config
    from kg.web.app import create_app

    client = create_app(Config(store=":memory:"), bundled_store).test_client()
    small = client.get("/api/export", query_string={"format": "d3", "place": "盐城", "depth": 1})
    relations = len(small.get_json()["links"])
    whole = len(client.get("/api/export", query_string={"format": "d3"}).get_json()["links"])
    assert 0 < relations < whole
    monkeypatch.setitem(export.DRAW_LIMITS, "svg", (10_000, relations))
    response = client.get("/api/export", query_string={"format": "svg"})
    assert response.status_code == 413
    error = response.get_json()
    assert error["relations"] == whole and error["limits"]["relations"] == relations
    assert "place and depth" in error["error"] and "gexf" in error["error"]
    ok = client.get("/api/export", query_string={"format": "svg", "place": "盐城", "depth": 1})
    assert ok.status_code == 200 and ok.data.startswith(b"<svg")
