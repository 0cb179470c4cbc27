"""``kg load`` validates at any size and leaves the store untouched when a file breaks a shape.

A synthetic file of a few megabytes (over the old 2 MB limit, past which validation used to be
skipped) with one bad place in it: ``kg load`` exits 1 naming the violations, and the store
holds exactly what it held before. A replaced graph that breaks a shape gets its old content back
(blank nodes included).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_ROOT, Config
from kg.store import shacl_core, store_validation, validation
from kg.store.embedded import OxigraphStore
from kg.store.loading import ValidationFailed, load_bundled, load_files
from kg.store.overlay import TripleView, visible_graphs

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402

BAD_PLACE = """
<id/place/syn-bad-place> a <ontology#PrefectureLevelCity> ;
    <http://www.w3.org/2000/01/rdf-schema#label> "坏地方"@zh-Hans .
"""


def contents(store_dir: Path) -> list[str]:
    store = OxigraphStore(Config(store=str(store_dir)), read_only=True)
    try:
        return sorted(str(q) for q in store._store)
    finally:
        del store


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "kg", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=600)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("load")
    good = generate.write(1.75, folder / "syn.ttl", quiet=True)
    assert good.stat().st_size > 2.6e6  # the size that used to load unvalidated, exit 0
    bad = folder / "syn-bad.ttl"
    bad.write_text(good.read_text(encoding="utf-8") + BAD_PLACE, encoding="utf-8")
    return good, bad


def test_a_big_file_with_one_violation_exits_1_and_leaves_the_store_untouched(files, tmp_path):
    _good, bad = files
    store = tmp_path / "store"
    assert kg("load", "--store", str(store)).returncode == 0
    before = contents(store)
    result = kg("load", str(bad), "--store", str(store))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Error:" in result.stderr and "Traceback" not in result.stderr
    assert "syn-bad-place" in result.stderr  # the violations are listed, with their focus node
    assert "partOf" in result.stderr  # e.g. the missing parent
    assert contents(store) == before


def test_a_replaced_graph_that_breaks_a_shape_gets_its_old_content_back(tmp_path):
    store = OxigraphStore(Config(store=str(tmp_path / "store")))
    load_bundled(store)
    before = sorted(str(q) for q in store._store)
    edited = tmp_path / "graph_data"
    edited.mkdir()
    places = (PROJECT_ROOT / "graph_data" / "places.ttl").read_text(encoding="utf-8")
    (edited / "places.ttl").write_text(places.replace("geo:lat", "geo:latitude"))
    shutil.copy(PROJECT_ROOT / "graph_data" / "orgs.ttl", edited / "orgs.ttl")
    with pytest.raises(ValidationFailed) as failed:
        load_files(store, [edited])
    assert any(v.path == "lat" for v in failed.value.violations)  # cities lost their latitude
    assert sorted(str(q) for q in store._store) == before
    graph = ox.NamedNode(store.config.graph_iri_for("graph_data/places.ttl"))
    assert store._store.contains_named_graph(graph)


def test_whole_store_validation_finds_what_pyshacl_finds_and_reports_progress(tmp_path):
    """``kg validate``'s compiled path against pyshacl on a store loaded without validation."""
    store = OxigraphStore(Config(store=str(tmp_path / "store")))
    load_bundled(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text(BAD_PLACE, encoding="utf-8")
    load_files(store, [bad], validate=False)
    shapes = validation.shapes_graph(store.config.data_dirs, store.config.base_iri)
    seen: list[tuple[int, int]] = []
    compiled = store_validation.validate_store(store, shapes, lambda d, t: seen.append((d, t)))
    reference = validation.validate(validation.store_as_rdflib(store), shapes)

    def key(v: validation.Violation) -> tuple[str | None, ...]:
        return (v.focus, v.path, v.component, v.value, v.severity)

    assert sorted(map(key, compiled)) == sorted(map(key, reference))
    assert any("syn-bad-place" in v.focus for v in compiled)
    assert seen and seen[-1][0] == seen[-1][1] > 100  # the last report: every focus node done
    # the focus nodes it read by one query are those the general reader finds
    checks = shacl_core.compile_shapes(shapes)
    raw = store._store
    data = shacl_core.Data(TripleView(raw, visible_graphs).match, raw)
    direct = set(store_validation._focus_nodes(checks, data, raw))
    assert direct == set(checks.focus_nodes(data)) and len(direct) == seen[-1][1]
