"""Traversal answers on the bundled graph, checked against what the seed articles say."""

from __future__ import annotations

import itertools
import json

import networkx as nx
import pytest

from kg.config import Config
from kg.graph import resolver, traversal
from kg.graph.projection import Projection
from kg.store.embedded import OxigraphStore

PLACE = "http://127.0.0.1:8000/id/place/"


@pytest.fixture(scope="module")
def snap(bundled_store):
    return Projection(bundled_store).snapshot()


def partner_ids(result) -> dict[str, dict]:
    return {p["id"].rsplit("/", 1)[-1]: p for p in result["partners"]}


def relations_of(snap, place: str, partner: str, **kw) -> list[dict]:
    result = traversal.partners(snap, resolver.resolve(snap, place), **kw)
    found = partner_ids(result)
    assert partner in found, f"{partner} not among partners of {place}: {sorted(found)}"
    return found[partner]["relations"]


def test_suzhou_assists_suqian_under_the_north_south_pairing_with_a_quote(snap):
    rels = [r for r in relations_of(snap, "苏州", "suqian") if r["kind"] == "pairing"]
    assert rels, "苏州–宿迁 pairing missing"
    assert rels[0]["role"] == "assists"
    assert rels[0]["scheme"]
    assert any("宿迁" in s["quote"] for r in rels for s in r["sources"])


def test_huaian_is_assisted_by_nanjing(snap):
    rels = relations_of(snap, "淮安", "nanjing")
    assert "assisted" in {r["role"] for r in rels if r["kind"] == "pairing"}


def test_yancheng_is_assisted_by_changzhou(snap):
    rels = relations_of(snap, "盐城", "changzhou")
    assert "assisted" in {r["role"] for r in rels if r["kind"] == "pairing"}


def test_lianyungang_is_assisted_by_wuxi(snap):
    rels = relations_of(snap, "连云港", "wuxi")
    assert "assisted" in {r["role"] for r in rels if r["kind"] == "pairing"}


def test_suzhou_and_nantong_have_the_2020_cross_river_agreement(snap):
    rels = [r for r in relations_of(snap, "苏州", "nantong") if r["kind"] == "agreement"]
    assert rels
    assert any(r["start"] == 2020 for r in rels)
    assert all(s["quote"] for r in rels for s in r["sources"])


def test_suzhou_suqian_park_is_a_park_relation_via_the_park(snap):
    rels = [r for r in relations_of(snap, "宿迁", "suzhou") if r["kind"] == "park"]
    assert any(r["via"] and "苏宿" in r["via"]["label_zh"] for r in rels)


def test_every_relation_of_a_city_carries_sources(snap):
    result = traversal.partners(snap, resolver.resolve(snap, "盐城"))
    assert result["count"] >= 3
    for partner in result["partners"]:
        for rel in partner["relations"]:
            assert rel["sources"], rel["id"]
            assert all(s["quote"] and s["id"] for s in rel["sources"])


def test_partners_are_ordered_by_relation_count_then_label(snap):
    result = traversal.partners(snap, resolver.resolve(snap, "盐城"))
    keys = [(-len(p["relations"]), p["label_zh"]) for p in result["partners"]]
    assert keys == sorted(keys)


def test_kind_filter_keeps_only_that_kind(snap):
    place = resolver.resolve(snap, "苏州")
    only = traversal.make_filters(snap, kinds=["agreement"])
    result = traversal.partners(snap, place, only)
    assert result["partners"]
    assert {r["kind"] for p in result["partners"] for r in p["relations"]} == {"agreement"}


def test_domain_filter_by_label_includes_narrower_domains(snap):
    place = resolver.resolve(snap, "盐城")
    everything = traversal.partners(snap, place)
    domains = {
        d["label_zh"] for p in everything["partners"] for r in p["relations"] for d in r["domains"]
    }
    assert domains, "盐城's relations carry no domains"
    label = sorted(domains)[0]
    filtered = traversal.partners(snap, place, traversal.make_filters(snap, domain=label))
    assert 0 < filtered["count"] <= everything["count"]
    concept = traversal.resolve_domain(snap, label)
    allowed = snap.narrower_closure(concept)
    for p in filtered["partners"]:
        for r in p["relations"]:
            assert {d["id"] for d in r["domains"]} & allowed


def test_since_until_filter_uses_periods(snap):
    place = resolver.resolve(snap, "苏州")
    in_2020 = traversal.partners(snap, place, traversal.make_filters(snap, since=2020, until=2020))
    for p in in_2020["partners"]:
        for r in p["relations"]:
            assert r["start"] is not None and r["start"] <= 2020
            assert r["end"] is None or r["end"] >= 2020


def test_include_subunits_marks_relations_made_through_a_subunit(snap):
    place = resolver.resolve(snap, "苏州")
    plain = traversal.partners(snap, place)
    wider = traversal.partners(snap, place, include_subunits=True)
    assert wider["count"] >= plain["count"]
    through = [r for p in wider["partners"] for r in p["relations"] if "through" in r]
    assert through, "expected some of 苏州's partners to come through its districts or province"


def test_depth_two_reaches_partners_of_partners_with_a_path(snap):
    place = resolver.resolve(snap, "盐城")
    result = traversal.partners(snap, place, depth=2)
    second = [p for p in result["partners"] if p["hops"] == 2]
    assert second
    for p in second:
        assert p["path"][0]["id"] == place and p["path"][-1]["id"] == p["id"]


def test_shortest_path_between_yancheng_and_shanghai_is_explained(snap):
    a, b = resolver.resolve(snap, "盐城"), resolver.resolve(snap, "上海")
    result = traversal.shortest_paths(snap, a, b)
    assert result["paths"], "盐城 and 上海 should be connected"
    for hop in result["paths"][0]["hops"]:
        assert hop["relations"] and all(r["sources"] for r in hop["relations"])


def test_shortest_paths_are_the_ones_networkx_finds_in_the_same_order(snap):
    """The bidirectional search must give networkx's paths, order included, filters applied."""
    connected = sorted(n for n in snap.graph if snap.graph.degree(n) > 0)
    pairs = list(zip(connected[::3], connected[1::2], strict=False))[:40]
    assert pairs
    kinds = sorted({r["kind"] for r in snap.relations.values()})
    compared = 0
    for filters in (traversal.Filters(), traversal.Filters(kinds=frozenset(kinds[:2]))):
        view = traversal.filtered_view(snap, filters)
        for a, b in pairs:
            got = traversal.shortest_paths(snap, a, b, filters, limit=50)
            paths = [[hop["from"]["id"] for hop in p["hops"]] + [b] for p in got["paths"]]
            if a not in view or b not in view or not nx.has_path(view, a, b):
                assert paths == [], (a, b)
                continue
            expected = list(itertools.islice(nx.all_shortest_paths(view, a, b), 50))
            assert paths == expected, (a, b, filters)
            compared += len(expected) > 1
    assert compared  # some pairs have several shortest paths, so their order is checked


def test_partners_json_is_the_plain_json_encoding_of_the_answer(snap):
    place = resolver.resolve(snap, "盐城")
    for kw in ({}, {"include_subunits": True}, {"depth": 2}):
        for _ in range(2):  # the second time from the cached encodings
            result = traversal.partners(snap, place, **kw)
            expected = json.dumps(result, ensure_ascii=False).encode()
            assert traversal.partners_json(snap, result) == expected


def test_neighbourhood_json_is_the_node_link_of_the_neighbourhood_graph(snap):
    place = resolver.resolve(snap, "盐城")
    kinds = frozenset(sorted({r["kind"] for r in snap.relations.values()})[:1])
    for depth, filters in ((1, traversal.Filters()), (2, traversal.Filters(kinds=kinds))):
        graph = traversal.neighbourhood(snap, place, depth, filters)
        expected = {"place": traversal.place_ref(snap, place), "depth": depth}
        expected.update(traversal.node_link(graph))
        for _ in range(2):  # the second time from the cached encodings
            body = traversal.neighbourhood_json(snap, place, depth, filters)
            assert json.loads(body) == expected
        assert expected["edges"]


def test_metrics_rank_connected_places(snap):
    rows = traversal.metrics(snap)
    assert len(rows) >= 10
    assert all(0 <= r["betweenness"] <= 1 for r in rows)
    assert abs(sum(r["pagerank"] for r in rows) - 1) < 0.01
    assert rows[0]["pagerank"] == max(r["pagerank"] for r in rows)


@pytest.mark.parametrize(
    "name, slug",
    [
        ("盐城", "yancheng"),
        ("盐城市", "yancheng"),
        ("鹽城", "yancheng"),
        ("Yancheng", "yancheng"),
        ("YANCHÉNG", "yancheng"),
        ("yán chéng", "yancheng"),
        ("盐", "yancheng"),
        ("宁", "nanjing"),
        ("甬", "ningbo"),
        ("蘇州", "suzhou"),
        ("宿迁市", "suqian"),
        ("http://127.0.0.1:8000/id/place/yancheng", "yancheng"),
    ],
)
def test_resolver_understands_every_way_of_naming_a_place(snap, name, slug):
    assert resolver.resolve(snap, name) == PLACE + slug


def test_suzhou_in_pinyin_is_ambiguous_between_two_cities(snap):
    with pytest.raises(resolver.Ambiguous) as err:
        resolver.resolve(snap, "Suzhou")
    labels = {c["label_zh"] for c in err.value.candidates}
    assert {"苏州市", "宿州市"} <= labels


def test_unknown_place_offers_close_names(snap):
    with pytest.raises(resolver.Unknown) as err:
        resolver.resolve(snap, "盐成")
    assert any(s["label_zh"] == "盐城市" for s in err.value.suggestions)


def test_projection_is_rebuilt_after_a_write_and_not_before():
    store = OxigraphStore(Config(store=":memory:"))
    store.update(
        "INSERT DATA { GRAPH <urn:g> { <urn:a> a <http://127.0.0.1:8000/ontology#Place> } }"
    )
    projection = Projection(store)
    first = projection.snapshot()
    assert projection.snapshot() is first and projection.builds == 1
    store.update(
        "INSERT DATA { GRAPH <urn:g> { <urn:b> a <http://127.0.0.1:8000/ontology#Place> } }"
    )
    assert projection.builds == 1  # nothing happens until someone reads
    second = projection.snapshot()
    assert projection.builds == 2 and second is not first
    assert set(second.graph.nodes) == {"urn:a", "urn:b"}


def test_graph_summary_counts_the_components_an_undirected_copy_has(snap):
    # /api/graph counts on a view (no copy of every edge's evidence): the same number
    graph = snap.graph
    connected = [n for n in graph if graph.degree(n) > 0]
    expected = nx.number_connected_components(graph.to_undirected().subgraph(connected))
    summary = traversal.graph_summary(snap)
    assert summary["components"] == expected > 1
    assert summary["connected_places"] == len(connected)
