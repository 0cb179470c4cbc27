"""The projection after a write is patched, not rebuilt, and equals a fresh build exactly.

Writes go through ``kg.store.writes.Writer`` (SHACL validation, inference) on the bundled graph in
memory; after each one the projection's snapshot is compared with ``build_snapshot`` on the same
store: same nodes and attributes, edges (both adjacency directions) with attributes, relation
records, labels, children and broader concepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.graph.projection import Projection, Snapshot, build_snapshot
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_bundled
from kg.store.writes import Writer

B = "http://127.0.0.1:8000/"
TEST_GRAPH = B + "graph/test-writes"
PLACES = B + "graph/graph_data/places.ttl"
SEED0 = B + "graph/graph_data/seed-000.ttl"
PREFIXES = f"""PREFIX yrd: <{B}ontology#>
PREFIX place: <{B}id/place/>
PREFIX pairing: <{B}id/pairing/>
PREFIX rel: <{B}id/relation/>
PREFIX org: <{B}id/org/>
PREFIX domain: <{B}id/domain/>
PREFIX scheme: <{B}id/scheme/>
PREFIX source: <{B}id/source/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
NEW_PAIRING = """
pairing:test-suzhou-yancheng a yrd:Pairing ;
  rdfs:label "苏州—盐城测试结对"@zh-Hans , "Suzhou–Yancheng test pairing"@en ;
  yrd:assistingParty place:suzhou ; yrd:assistedParty place:yancheng ;
  yrd:party place:suzhou , place:yancheng ;
  yrd:level yrd:CityLevel ; yrd:scheme scheme:jiangsunanbeijiedui ;
  yrd:domain domain:industry-chain ;
  yrd:startYear "2021"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
  prov:wasDerivedFrom source:s000 ;
  prov:qualifiedDerivation [ a prov:Derivation ; prov:entity source:s000 ;
                             yrd:quote "测试引文"@zh-Hans ] .
"""


def canonical(snap: Snapshot) -> dict[str, Any]:
    """Everything a reader can see, with insertion order (which is arbitrary) taken out."""
    g = snap.graph
    return {
        "nodes": {n: dict(a) for n, a in g.nodes(data=True)},
        "out": sorted((u, v, k, repr(d)) for u, v, k, d in g.edges(keys=True, data=True)),
        "in": sorted((u, v, k, repr(d)) for u, v, k, d in g.in_edges(keys=True, data=True)),
        "relations": snap.relations,
        "labels": snap.labels,
        "children": {p: sorted(c) for p, c in snap.children.items()},
        "broader": snap.broader,
        "parents": snap._parents,  # noqa: SLF001 - what the next patch starts from
        "located": snap._located,  # noqa: SLF001
    }


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[OxigraphStore, Writer, Projection]]:
    store = OxigraphStore(Config(store=":memory:"))
    load_bundled(store)
    projection = Projection(store)
    yield store, Writer(store, observers=[projection]), projection


def check(store: OxigraphStore, projection: Projection, *, patched: bool = True) -> Snapshot:
    patches = projection.patches
    snap = projection.snapshot()
    assert snap.version == store.version
    assert projection.patches == patches + (1 if patched else 0)
    fresh = build_snapshot(store, store.version)
    got, want = canonical(snap), canonical(fresh)
    for key in want:
        assert got[key] == want[key], key
    return snap


def test_writes_patch_the_snapshot_into_what_a_rebuild_gives(world) -> None:
    store, writer, projection = world
    first = projection.snapshot()
    first_view = canonical(first)
    builds = projection.builds

    # a new relation (with a blank-node derivation) in a new graph
    writer.update(f"{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ {NEW_PAIRING} }} }}")
    snap = check(store, projection)
    rel = B + "id/pairing/test-suzhou-yancheng"
    assert snap.relations[rel]["sources"][0]["quote"] == "测试引文"
    assert snap.graph.has_edge(B + "id/place/suzhou", B + "id/place/yancheng", key=rel)

    # a province's label: its own node, the province_label of every place below it, relations
    # whose scheme or domain it is not (nothing else)
    writer.update(
        f"""{PREFIXES} WITH <{PLACES}>
        DELETE {{ place:jiangsu rdfs:label ?old }}
        INSERT {{ place:jiangsu rdfs:label "江苏(改)"@zh-Hans }}
        WHERE {{ place:jiangsu rdfs:label ?old FILTER(lcase(lang(?old)) = "zh-hans") }}"""
    )
    snap = check(store, projection)
    assert snap.graph.nodes[B + "id/place/yancheng"]["province_label"] == "江苏(改)"

    # a scheme's label: every relation of the scheme carries it
    writer.update(
        f"""{PREFIXES} DELETE {{ GRAPH ?g {{ scheme:jiangsunanbeijiedui rdfs:label ?old }} }}
        INSERT {{ GRAPH ?g {{ scheme:jiangsunanbeijiedui rdfs:label "南北结对(改)"@zh-Hans }} }}
        WHERE {{ GRAPH ?g {{ scheme:jiangsunanbeijiedui rdfs:label ?old
                 FILTER(lcase(lang(?old)) = "zh-hans") }} }}"""
    )
    snap = check(store, projection)
    assert snap.relations[rel]["scheme"] == "南北结对(改)"

    # the graph replaced (Graph Store Protocol PUT): other parties, a new place and an organisation
    turtle = f"""@prefix yrd: <{B}ontology#> . @prefix place: <{B}id/place/> .
    @prefix pairing: <{B}id/pairing/> . @prefix rel: <{B}id/relation/> . @prefix org: <{B}id/org/> .
    @prefix scheme: <{B}id/scheme/> . @prefix source: <{B}id/source/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    @prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
    pairing:test-suzhou-yancheng a yrd:Pairing ;
      rdfs:label "常州—宿迁测试结对"@zh-Hans , "Changzhou–Suqian test"@en ;
      yrd:assistingParty place:changzhou ; yrd:assistedParty place:suqian ;
      yrd:party place:changzhou , place:suqian ;
      yrd:level yrd:CityLevel ; yrd:scheme scheme:jiangsunanbeijiedui ;
      prov:wasDerivedFrom source:s000 ;
      prov:qualifiedDerivation [ a prov:Derivation ; prov:entity source:s000 ;
                                 yrd:quote "测试引文一"@zh-Hans ] .
    place:test-county a yrd:County ; yrd:partOf place:yancheng ; geo:lat 33.1 ; geo:long 120.1 ;
      rdfs:label "测试县"@zh-Hans , "測試縣"@zh-Hant , "Test county"@en .
    org:test-org a yrd:Enterprise ; yrd:locatedIn place:test-county ;
      rdfs:label "测试企业"@zh-Hans , "測試企業"@zh-Hant , "Test enterprise"@en .
    rel:test-enterprise a yrd:EnterpriseCooperation ;
      rdfs:label "测试企业合作"@zh-Hans , "Test enterprise co-operation"@en ;
      yrd:party org:test-org , place:suzhou ;
      prov:wasDerivedFrom source:s000 ;
      prov:qualifiedDerivation [ a prov:Derivation ; prov:entity source:s000 ;
                                 yrd:quote "测试引文二"@zh-Hans ] .
    """
    writer.put(TEST_GRAPH, turtle.encode(), ox.RdfFormat.TURTLE)
    snap = check(store, projection)
    assert not snap.graph.has_edge(B + "id/place/suzhou", B + "id/place/yancheng", key=rel)
    county = B + "id/place/test-county"
    assert snap.graph.nodes[county]["province"] == B + "id/place/jiangsu"
    assert snap.relations[B + "id/relation/test-enterprise"]["orgs"] == [B + "id/org/test-org"]

    # the new place moves under another city; the organisation moves to a city
    writer.update(
        f"""{PREFIXES} WITH <{TEST_GRAPH}>
        DELETE {{ place:test-county yrd:partOf ?p }}
        INSERT {{ place:test-county yrd:partOf place:suqian }}
        WHERE {{ place:test-county yrd:partOf ?p }}"""
    )
    check(store, projection)
    writer.update(
        f"""{PREFIXES}
        DELETE DATA {{ GRAPH <{TEST_GRAPH}> {{ org:test-org yrd:locatedIn place:test-county }} }} ;
        INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ org:test-org yrd:locatedIn place:yancheng }} }}"""
    )
    check(store, projection)

    # a bundled relation deleted (its derivation's blank node stays, orphaned)
    writer.update(
        f"{PREFIXES} DELETE WHERE {{ GRAPH <{SEED0}> {{ pairing:nanjing-huaian ?p ?o }} }}"
    )
    snap = check(store, projection)
    assert B + "id/pairing/nanjing-huaian" not in snap.relations

    # the graph dropped: its place, organisation and relations go
    writer.delete(TEST_GRAPH)
    snap = check(store, projection)
    assert county not in snap.graph

    # a schema change cannot be patched: the projection is rebuilt, and still right
    writer.update(
        f"{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> "
        "{ yrd:TestPairing rdfs:subClassOf yrd:Pairing } }"
    )
    check(store, projection, patched=False)

    assert projection.builds == builds + 9
    assert canonical(first) == first_view  # the first snapshot was never modified


def test_readers_keep_the_previous_snapshot_while_a_write_runs(world) -> None:
    store, writer, projection = world
    before = projection.snapshot()

    class Probe:
        seen: list[Snapshot] = []

        def write_started(self) -> None:
            pass

        def write_finished(self, change: Any) -> None:
            pass

    # a reader between the store update and the end of the inference sees the old snapshot
    original = writer._after_commit  # noqa: SLF001

    def after_commit() -> None:
        Probe.seen.append(projection.snapshot())
        original()

    def update_reading_midway(triple: str) -> None:
        """A write during which a reader takes a snapshot (after the commit, before inference)."""
        writer._after_commit = after_commit  # type: ignore[method-assign] # noqa: SLF001
        try:
            writer.update(f"{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ {triple} }} }}")
        finally:
            del writer._after_commit  # noqa: SLF001

    update_reading_midway('place:suzhou rdfs:label "x"@de')
    assert Probe.seen == [before]
    check(store, projection)

    # ... but never one older than the last finished write (a resource the running write also
    # touches may already show it: it is re-read when that write finishes)
    writer.update(
        f"{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> "
        '{ place:wuxi rdfs:label "A1 Wuxi"@en } }'
    )
    finished = store.version
    update_reading_midway('place:suzhou rdfs:label "A0 Suzhou"@en')
    assert Probe.seen[-1].version == finished
    assert Probe.seen[-1].graph.nodes[B + "id/place/wuxi"]["label_en"] == "A1 Wuxi"
    check(store, projection, patched=True)


def test_unknown_writes_fall_back_to_a_rebuild(world) -> None:
    store, writer, projection = world
    projection.snapshot()
    # a variable subject: the write's delta (its WHERE evaluated) lists the triples exactly
    writer.update(
        f"""{PREFIXES} INSERT {{ GRAPH <{TEST_GRAPH}> {{ ?p rdfs:comment "c" }} }}
        WHERE {{ ?p a yrd:County }}"""
    )
    check(store, projection, patched=True)
    # a WHERE that must see an earlier operation of the same update: no delta, so the write
    # is tried on a copy and the touched triples cannot be listed
    writer.update(
        f"""{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ place:suzhou rdfs:comment "d" }} }} ;
        INSERT {{ GRAPH <{TEST_GRAPH}> {{ ?p rdfs:comment "e" }} }} WHERE {{ ?p a yrd:County }}"""
    )
    check(store, projection, patched=False)
    # a write that bypasses the Writer (no change record) is never patched over
    store.update(
        f'{PREFIXES} INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{ place:suzhou rdfs:label "y"@fr }} }}'
    )
    check(store, projection, patched=False)
