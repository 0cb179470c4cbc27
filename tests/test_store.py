"""The embedded store: atomic, idempotent loads that persist across restarts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.config import Config
from kg.store.base import LoadError
from kg.store.embedded import OxigraphStore
from kg.store.loading import ValidationFailed, load_files

PREFIXES = "@prefix ex: <id/place/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix yrd: <ontology#> .
<shapes#City> a sh:NodeShape ; sh:targetClass yrd:City ;
  sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "a city needs a label" ] .
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data_root(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    write(root / "ontology" / "shapes.ttl", SHAPES)
    write(
        root / "graph_data" / "a.ttl", PREFIXES + 'ex:a rdfs:label "A" .\nex:b rdfs:label "B" .\n'
    )
    return root


def config_for(tmp_path: Path, root: Path, store: str | None = None) -> Config:
    return Config(
        store=store or str(tmp_path / "store"),
        data_dirs=(root / "ontology", root / "graph_data"),
    )


def labels(store: OxigraphStore) -> set[str]:
    return {r["l"].value for r in store.select("SELECT ?l WHERE { ?s rdfs:label ?l }")}


def test_a_broken_file_in_the_middle_leaves_nothing_from_the_batch(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    load_files(store, [data_root / "graph_data"])
    before = sorted(map(str, store._store))
    write(data_root / "graph_data" / "b.ttl", PREFIXES + 'ex:c rdfs:label "C" .\n')
    write(data_root / "graph_data" / "c_broken.ttl", PREFIXES + 'ex:d rdfs:label "D" ;;; ] .\n')
    write(data_root / "graph_data" / "a.ttl", PREFIXES + 'ex:a rdfs:label "A2" .\n')
    with pytest.raises(LoadError) as err:
        load_files(store, [data_root / "graph_data"])
    assert "c_broken.ttl:3:" in str(err.value)
    assert sorted(map(str, store._store)) == before


def test_broken_file_with_validation_off_is_still_atomic(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    load_files(store, [data_root / "graph_data" / "a.ttl"])
    good = "\n".join(f'ex:n{i} rdfs:label "n{i}" .' for i in range(1000))
    broken = write(data_root / "big.ttl", PREFIXES + good + "\nex:z rdfs:label .\n")
    with pytest.raises(LoadError) as err:
        load_files(store, [broken], validate=False)
    assert "big.ttl:1003:" in str(err.value)
    assert labels(store) == {"A", "B"}
    assert not any("big" in g for g in store.named_graphs())


def test_reloading_a_file_replaces_its_graph(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    load_files(store, [data_root / "graph_data"])
    load_files(store, [data_root / "graph_data"])
    assert store.triple_count() == 2
    write(data_root / "graph_data" / "a.ttl", PREFIXES + 'ex:a rdfs:label "A only" .\n')
    load_files(store, [data_root / "graph_data"])
    assert labels(store) == {"A only"}
    data_graphs = [g for g in store.named_graphs() if not g.endswith("/graph/inferred")]
    assert data_graphs == ["http://127.0.0.1:8000/graph/graph_data/a.ttl"]


def test_trig_keeps_its_own_graphs_and_default_triples_go_to_the_file_graph(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    trig = write(
        data_root / "graph_data" / "multi.trig",
        '<id/place/x> <http://www.w3.org/2000/01/rdf-schema#label> "in default" .\n'
        "<graph/custom> { <id/place/y> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "in custom" . }\n',
    )
    load_files(store, [trig])
    graphs = store.named_graphs()
    assert "http://127.0.0.1:8000/graph/custom" in graphs
    assert "http://127.0.0.1:8000/graph/graph_data/multi.trig" in graphs


def test_every_supported_syntax_loads(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    files = {
        "f.nt": '<http://e/s> <http://www.w3.org/2000/01/rdf-schema#label> "nt" .\n',
        "f.nq": '<http://e/s> <http://www.w3.org/2000/01/rdf-schema#label> "nq" <http://e/g> .\n',
        "f.jsonld": '{"@id": "http://e/s", "http://www.w3.org/2000/01/rdf-schema#label": "jsonld"}',
        "f.rdf": '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="http://e/s">'
        "<rdfs:label>rdfxml</rdfs:label></rdf:Description></rdf:RDF>",
    }
    load_files(store, [write(tmp_path / "in" / name, text) for name, text in files.items()])
    assert {"nt", "nq", "jsonld", "rdfxml"} <= labels(store)


def test_data_breaking_a_shape_is_refused_and_the_store_is_unchanged(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root))
    load_files(store, [data_root / "graph_data"])
    before = sorted(map(str, store._store))
    bad = write(
        data_root / "graph_data" / "nolabel.ttl",
        "@prefix yrd: <ontology#> .\n<id/place/nowhere> a yrd:City .\n",
    )
    with pytest.raises(ValidationFailed) as err:
        load_files(store, [bad])
    assert "a city needs a label" in str(err.value)
    assert "nowhere" in str(err.value)
    assert sorted(map(str, store._store)) == before


def test_store_persists_across_process_restart(tmp_path, data_root):
    path = tmp_path / "persist"
    config = config_for(tmp_path, data_root, str(path))
    store = OxigraphStore(config)
    load_files(store, [data_root / "graph_data"])
    store.close()
    code = (
        "from kg.config import Config; from kg.store.embedded import OxigraphStore;"
        f"s = OxigraphStore(Config(store={str(path)!r}));"
        "print(sorted(r['l'].value for r in s.select('SELECT ?l WHERE { ?s rdfs:label ?l }')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['A', 'B']"


def test_update_bumps_the_version_so_caches_know_to_rebuild(tmp_path, data_root):
    store = OxigraphStore(config_for(tmp_path, data_root, ":memory:"))
    v0 = store.version
    store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c" } }')
    assert store.version == v0 + 1
    store.query("SELECT * WHERE { ?s ?p ?o }")
    assert store.version == v0 + 1
