"""The native inference engine computes exactly what the SPARQL rules compute.

``kg.store.inference.materialise`` runs the bundled rules (``ontology/inference/*.rq``) natively
when it recognises them; ``native=False`` runs the same files as SPARQL. Each test builds a store,
lets the native engine write the inferred graph, then recomputes it with SPARQL and compares.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_ROOT, Config
from kg.store import inference, loading
from kg.store.backends import open_store
from kg.store.base import LOADING_MARK, STAGING_PREFIX
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_files

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402

BUNDLED = [PROJECT_ROOT / "ontology", PROJECT_ROOT / "graph_data"]
RULES = inference.rule_files((PROJECT_ROOT / "ontology",))


def inferred(store: OxigraphStore) -> set[str]:
    graph = ox.NamedNode(store.config.inferred_graph)
    return {str(q.triple) for q in store._store.quads_for_pattern(None, None, None, graph)}


def assert_matches_sparql(store: OxigraphStore) -> set[str]:
    """The native result now in the store equals what the SPARQL rules compute from scratch."""
    native = inferred(store)
    size = inference.materialise(store, RULES, native=False)
    assert inferred(store) == native
    assert size == len(native)
    return native


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict[float, Path]:
    folder = tmp_path_factory.mktemp("syn")
    return {s: generate.write(s, folder / f"syn-x{s:g}.ttl", quiet=True) for s in (0.1, 1)}


def test_the_bundled_rules_are_recognised():
    store = OxigraphStore(Config(store=":memory:"))
    texts = [(rule, rule.read_text(encoding="utf-8")) for rule in RULES]
    compiled = inference.compile_rules(texts, store)
    assert compiled is not None
    assert {rule.kind for rule in compiled} == {
        "subclass",
        "subproperty",
        "inverse",
        "symmetric",
        "transitive",
        "paired",
        "assists",
    }
    edited = [(texts[0][0], texts[0][1].replace("?c != ?super", "?c = ?super")), *texts[1:]]
    assert inference.compile_rules(edited, store) is None  # an edited rule runs as SPARQL


@pytest.mark.parametrize("scale", [None, 0.1, 1])
def test_native_equals_sparql_in_memory(synthetic, scale):
    store = OxigraphStore(Config(store=":memory:"))
    load_files(store, BUNDLED + ([synthetic[scale]] if scale else []), validate=False)
    native = assert_matches_sparql(store)
    assert len(native) > 1000


@pytest.mark.parametrize("speculate", [True, False])
def test_native_equals_sparql_on_disk_with_parsed_files(
    tmp_path, synthetic, monkeypatch, speculate
):
    """Big files are parsed for inference while they load (alone: inferences written during
    the load; several: collected and used at the end); force that path on small files."""
    monkeypatch.setattr(loading, "BULK_THRESHOLD_BYTES", 0)
    monkeypatch.setattr(loading, "SPECULATE", speculate)
    store = OxigraphStore(Config(store=str(tmp_path / "store")))
    load_files(store, BUNDLED, validate=False)
    files = [synthetic[1]] if speculate else [synthetic[0.1], synthetic[1]]
    report = load_files(store, files, validate=False)
    assert report.inferred == len(inferred(store))
    assert_matches_sparql(store)


def test_replacing_and_dropping_a_graph_retracts_its_inferences(tmp_path):
    data = tmp_path / "pairings.ttl"
    head = "@prefix yrd: <ontology#> .\n@prefix p: <id/place/> .\n"
    data.write_text(
        head + "<id/pairing/t1> a yrd:Pairing ; yrd:assistingParty p:x ; yrd:assistedParty p:y .\n"
        "p:y yrd:partOf p:z . p:z yrd:partOf p:w .\n",
        encoding="utf-8",
    )
    store = OxigraphStore(Config(store=str(tmp_path / "store")))
    load_files(store, BUNDLED, validate=False)
    bundled_only = inferred(store)
    load_files(store, [data], validate=False)
    with_pairing = assert_matches_sparql(store)
    assists = "<http://127.0.0.1:8000/id/place/x> <http://127.0.0.1:8000/ontology#assists>"
    assert any(t.startswith(assists) for t in with_pairing)
    # the pairing loses its assisted party: assists/assistedBy/pairedWith and y→w disappear
    data.write_text(
        head + "<id/pairing/t1> a yrd:Pairing ; yrd:assistingParty p:x .\np:z yrd:partOf p:w .\n",
        encoding="utf-8",
    )
    load_files(store, [data], validate=False)
    replaced = assert_matches_sparql(store)
    assert not any(t.startswith(assists) for t in replaced)
    assert not any("place/y>" in t for t in replaced)
    store.drop_graph(loading.graph_name_for(store.config, data, tmp_path))
    inference.materialise(store, RULES)
    assert inferred(store) == bundled_only
    assert_matches_sparql(store)


def test_parsed_blank_nodes_and_literals_match_the_store(tmp_path, monkeypatch):
    """A parsed file's blank nodes and non-canonical literals join as the stored ones do."""
    monkeypatch.setattr(loading, "BULK_THRESHOLD_BYTES", 0)
    schema = tmp_path / "schema.ttl"
    schema.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<urn:ex:count> rdfs:subPropertyOf <urn:ex:size> .\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.ttl"
    data.write_text(
        "@prefix yrd: <ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "_:p a yrd:Pairing ; yrd:party <id/place/a> , <id/place/b> .\n"
        '<id/place/a> <urn:ex:count> "007"^^xsd:integer ; <urn:ex:size> "7"^^xsd:integer .\n',
        encoding="utf-8",
    )
    store = OxigraphStore(Config(store=str(tmp_path / "store")))
    load_files(store, [*BUNDLED, schema], validate=False)
    load_files(store, [data], validate=False)
    native = assert_matches_sparql(store)
    assert any("pairedWith" in t and "place/a" in t for t in native)
    assert not any("urn:ex:size" in t for t in native)  # "007" is 7: already data


def test_a_crash_during_a_load_recomputes_the_inferences_on_open(tmp_path):
    path = tmp_path / "store"
    config = Config(store=str(path))
    store = OxigraphStore(config)
    load_files(store, BUNDLED, validate=False)
    good = inferred(store)
    # what a crash mid-load leaves: a marker naming the half-loaded graph, and the inferences
    # already written for it
    half = ox.NamedNode(config.base_iri + "graph/half.ttl")
    marker = ox.NamedNode(STAGING_PREFIX + "loading-test")
    raw = store._store
    raw.add(ox.Quad(marker, ox.NamedNode(LOADING_MARK), half, marker))
    raw.add(
        ox.Quad(ox.NamedNode("urn:ex:s"), ox.NamedNode("urn:ex:p"), ox.NamedNode("urn:ex:o"), half)
    )
    target = ox.NamedNode(config.inferred_graph)
    raw.add(
        ox.Quad(
            ox.NamedNode("urn:ex:s"), ox.NamedNode("urn:ex:q"), ox.NamedNode("urn:ex:o"), target
        )
    )
    del raw
    store.close()
    reopened = open_store(replace(config))  # how every command and `kg serve` open it
    assert half.value not in reopened.named_graphs()
    assert inferred(reopened) == good
