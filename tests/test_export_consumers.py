"""Each export of the bundled network opened by the tool a user would open it with.

cytoscape.js (npm, headless under node), Graphviz with the README's ``neato -n2`` command, the
GEXF 1.3 schema (vendored from the gephi/gexf repository, see tests/schemas/gexf-1.3), the
networkx and igraph GraphML readers, and a GeoJSON validator. Outside CI a missing consumer
skips its test with the install command; in CI (CI=true) every one must run.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from PIL import Image

from kg.formats import NETWORK, RenderContext, by_name, render_to_bytes
from kg.graph import export

HERE = Path(__file__).parent
JS = HERE / "js"
GEXF_SCHEMA = HERE / "schemas" / "gexf-1.3"
IN_CI = os.environ.get("CI", "").lower() == "true"
GEXF_NS = "{http://gexf.net/1.3}"
VIZ_NS = "{http://gexf.net/1.3/viz}"


def need(condition: bool, why: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def snapshot(bundled_store):
    from kg.graph.projection import Projection

    return Projection(bundled_store).snapshot()


@pytest.fixture(scope="module", params=["whole", "focus"])
def network(request, snapshot) -> tuple[nx.MultiDiGraph, RenderContext]:
    """The whole network, and the two-step neighbourhood of 盐城 (with its focus)."""
    from kg.graph import traversal

    if request.param == "whole":
        return traversal.subgraph(snapshot), RenderContext(title="network")
    iri = next(n for n, d in snapshot.graph.nodes(data=True) if d.get("label_zh") == "盐城市")
    graph = traversal.subgraph(snapshot, place=iri, depth=2)
    return graph, RenderContext(title="盐城 d2", focus=iri)


def render(name: str, network: tuple[nx.MultiDiGraph, RenderContext]) -> bytes:
    graph, ctx = network
    return render_to_bytes(by_name(NETWORK, name), graph, ctx)


def unlocated(graph: nx.MultiDiGraph) -> set[str]:
    return {n for n, d in graph.nodes(data=True) if d.get("lat") is None}


def test_cyjs_opens_in_cytoscape_js_with_every_place_placed(network, tmp_path):
    need(shutil.which("node") is not None, "node is not installed (apt-get install nodejs)")
    need((JS / "node_modules" / "cytoscape").is_dir(), "cd tests/js && npm ci")
    graph, _ = network
    assert unlocated(graph), "the test needs places without coordinates"
    file = tmp_path / "network.cyjs"
    file.write_bytes(render("cyjs", network))
    out = subprocess.run(
        ["node", str(JS / "load_cyjs.js"), str(file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    seen = json.loads(out.stdout)
    assert seen["nodes"] == graph.number_of_nodes()
    assert seen["edges"] == graph.number_of_edges()
    # No place became a compound box around others (the admin parent is not ``parent``).
    assert seen["compound_parents"] == 0 and seen["children"] == 0
    # Every place has its own position: none piled at the origin or on another place.
    assert seen["at_origin"] == 0
    assert seen["distinct_positions"] == graph.number_of_nodes()
    assert seen["width"] > 500 and seen["height"] > 300  # a map, not a speck
    doc = json.loads(file.read_text())
    margin = {
        n["data"]["id"] for n in doc["elements"]["nodes"] if n["data"]["placement"] == "margin"
    }
    assert margin == unlocated(graph)
    parents = {n["data"]["admin_parent"] for n in doc["elements"]["nodes"]}
    assert parents - {None}, "the administrative parent is still there, under its own name"


def test_dot_draws_with_the_readme_neato_command(network, tmp_path):
    need(shutil.which("neato") is not None, "Graphviz is not installed (apt-get install graphviz)")
    graph, _ = network
    source = tmp_path / "yrd-network.gv"
    source.write_bytes(render("dot", network))
    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    command = "neato -n2 -Tpng yrd-network.gv -o yrd-network.png"
    assert command in readme
    result = subprocess.run(
        command.split(), cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "no position" not in result.stderr
    image = Image.open(tmp_path / "yrd-network.png")
    assert image.width > 300 and image.height > 200
    # neato kept our positions: the nodes it laid out are where the export pinned them.
    laid = subprocess.run(
        ["neato", "-n2", "-Tjson", str(source)], capture_output=True, text=True, timeout=120
    )
    objects = json.loads(laid.stdout)["objects"]
    assert len(objects) == graph.number_of_nodes()
    assert all("pos" in o for o in objects)


def test_gexf_is_valid_gexf_1_3_with_a_position_for_every_node(network):
    lxml_etree = pytest.importorskip("lxml.etree")
    body = render("gexf", network)
    doc = lxml_etree.parse(io.BytesIO(body))
    # The grammar the GEXF repository validates with (jing on gexf.rnc; here its .rng form,
    # checked by libxml2). Its XSD is a defective conversion: see the schema folder's README.
    grammar = lxml_etree.RelaxNG(lxml_etree.parse(str(GEXF_SCHEMA / "gexf.rng")))
    assert grammar.validate(doc), grammar.error_log
    graph, _ = network
    nodes = doc.findall(f"{GEXF_NS}graph/{GEXF_NS}nodes/{GEXF_NS}node")
    assert len(nodes) == graph.number_of_nodes()
    positions = set()
    for node in nodes:
        position = node.find(f"{VIZ_NS}position")
        assert position is not None, node.get("label")
        positions.add((position.get("x"), position.get("y")))
    assert len(positions) == len(nodes)  # no two places on one spot
    # Gephi reads it back (networkx's reader, which follows Gephi's) with the same positions.
    back = nx.read_gexf(io.BytesIO(body))
    assert all("position" in back.nodes[n]["viz"] for n in back)


def test_graphml_has_labels_for_networkx_and_igraph(network, tmp_path):
    body = render("graphml", network)
    graph, _ = network
    back = nx.read_graphml(io.BytesIO(body), force_multigraph=True)
    assert {back.nodes[n]["label"] for n in back} == {
        d["label_zh"] for _, d in graph.nodes(data=True)
    }
    igraph = pytest.importorskip("igraph")
    file = tmp_path / "network.graphml"
    file.write_bytes(body)
    g = igraph.Graph.Read_GraphML(str(file))
    assert g.vcount() == graph.number_of_nodes() and g.ecount() == graph.number_of_edges()
    assert set(g.vs["label"]) == {d["label_zh"] for _, d in graph.nodes(data=True)}
    assert "盐城市" in g.vs["label"]


def test_geojson_validates_against_the_geojson_models(network):
    models = pytest.importorskip("geojson_pydantic")
    doc = json.loads(render("geojson", network))
    collection = models.FeatureCollection.model_validate(doc)
    graph, _ = network
    places = [f for f in collection.features if f.properties["feature"] == "place"]
    assert len(places) == graph.number_of_nodes() - len(unlocated(graph))
    for feature in collection.features:
        coordinates = feature.geometry.coordinates
        points = [coordinates] if feature.geometry.type == "Point" else coordinates
        for point in points:
            assert 70 < point[0] < 140 and 15 < point[1] < 55  # longitude first, in China
    assert doc["properties"]["without_coordinates"] >= len(unlocated(graph))


def test_placement_rule_keeps_unlocated_places_off_real_ones(network):
    """Places without coordinates stand in the margin band, below every located place."""
    from kg.graph.placement import place_all

    graph, _ = network
    placed = place_all(graph, scale=100.0)
    assert set(placed.positions) == set(graph)
    lowest = max(placed.positions[n][1] for n in graph if n not in placed.margin)
    assert placed.margin == unlocated(graph)
    assert all(placed.positions[n][1] > lowest for n in placed.margin)
    assert len(set(placed.positions.values())) == graph.number_of_nodes()


def test_d3_carries_the_shared_palette_and_focus(network):
    graph, ctx = network
    doc = json.loads(render("d3", network))
    colours = doc["graph"]["province_colours"]
    assert colours == export.province_colours(graph)
    for province, colour in colours.items():
        if province.endswith("/anhui"):
            assert colour == "#E69F00"
        if province.endswith("/zhejiang"):
            assert colour == "#009E73"
    assert doc["graph"]["focus"] == ctx.focus


def test_png_without_a_cjk_font_is_an_error_naming_the_package(
    tmp_path, bundled_store, monkeypatch
):
    """With fontconfig finding no Chinese font, PNG labels would be boxes: refuse, say why."""
    import sys

    from kg.graph import fonts

    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{tmp_path / 'no-fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    run = subprocess.run(
        [sys.executable, "-m", "kg", "export", "--store", ":memory:", "--format", "png",
         "-o", str(tmp_path / "x.png")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert run.stderr.startswith("Error:") and fonts.PACKAGE in run.stderr
    assert not (tmp_path / "x.png").exists()
    # Over HTTP: a 503 naming the package; the SVG (drawn by the viewer's fonts) still works.
    from kg.config import Config
    from kg.web.app import create_app

    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    assert fonts.cjk_fonts() == 0
    client = create_app(Config(store=":memory:"), bundled_store).test_client()
    response = client.get("/api/export", query_string={"format": "png", "place": "盐城"})
    assert response.status_code == 503
    assert response.get_json()["package"] == fonts.PACKAGE
    assert fonts.PACKAGE in response.get_json()["error"]
    svg = client.get("/api/export", query_string={"format": "svg", "place": "盐城"})
    assert svg.status_code == 200 and "盐城" in svg.get_data(as_text=True)


def test_a_multilateral_group_is_one_square_in_the_margin(network):
    """A group node (kg.graph.network_groups: type MultilateralGroup, a line to each member) is
    drawn
    as one white square in the band of places without coordinates, and named in the legend."""
    import xml.etree.ElementTree as ET

    from kg.graph import picture

    graph, ctx = network
    graph = graph.copy()
    members = [n for n, d in graph.nodes(data=True) if d.get("lat") is not None][:3]
    group = "http://127.0.0.1:8000/id/relation/test-group"
    graph.add_node(group, label_zh="测试合作组", type=picture.GROUP_TYPE, lat=None, lon=None)
    for member in members:
        graph.add_edge(member, group, key=group, kind="agreement", role="member")
    svg = ET.fromstring(render("svg", (graph, ctx)))
    ns = "{http://www.w3.org/2000/svg}"
    squares = svg.findall(f".//{ns}rect[@class='node group']")
    # the bundled network has groups of its own (railway lines): one square each, this one too
    groups = [n for n, d in graph.nodes(data=True) if d.get("type") == picture.GROUP_TYPE]
    assert len(squares) == len(groups)
    squares = [s for s in squares if "测试合作组" in s.find(f"{ns}title").text]
    assert len(squares) == 1
    texts = [t.text for t in svg.iter(f"{ns}text")]
    assert picture.GROUP_LABEL in texts
    if ctx.focus is None:  # the whole network: the group stands in the margin band
        band = svg.find(f".//{ns}g[@class='margin-band']/{ns}rect")
        assert float(squares[0].get("y")) > float(band.get("y"))
    doc = json.loads(render("cyjs", (graph, ctx)))
    node = next(n for n in doc["elements"]["nodes"] if n["data"]["id"] == group)
    assert node["data"]["placement"] == "margin"
