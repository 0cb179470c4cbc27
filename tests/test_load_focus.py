"""A big file's focus nodes taken from its parse give the verdict of reading the graph back.

``kg load`` of one big new file checks the nodes it can affect from what the parse collected
(``kg.store.load_focus``: the file's IRIs, the inferred change, the arcs of other graphs into
them) and screens them on the parse's own triples before validating the suspects on the store.
The older path reads every loaded triple back from the store. Both must report the same
violations (focus, path, component, value, message, severity), also for violations on nodes
of *other* graphs that the file touches, across a blank node (a derivation's missing quote),
and must leave the store as it was.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import PROJECT_ROOT, Config
from kg.store import load_focus, load_validation, loading
from kg.store.embedded import OxigraphStore
from kg.store.load_parse import parse_file
from kg.store.loading import ValidationFailed, load_bundled, load_files
from kg.store.validation import Violation

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402

# appended to a synthetic file: its prefixes (yrd:, place:, prov:, geo: …) apply
BROKEN = """
place:syn-bad-place a yrd:PrefectureLevelCity ; rdfs:label "坏地方"@zh-Hans .
rel:syn-bad-rel a yrd:Pairing ; rdfs:label "坏关系"@zh-Hans , "Bad relation"@en ;
    yrd:party place:nanjing , place:syn-c0001 ;
    yrd:level yrd:CityLevel ; yrd:scheme scheme:syn-scheme01 ;
    prov:wasDerivedFrom source:syn-s00001 ;
    prov:qualifiedDerivation [ prov:entity source:syn-s00001 ] .
place:wuxi geo:lat "10.5"^^xsd:decimal .
<id/org/yongbenghezuochanye> yrd:locatedIn <id/dataset/synthetic-benchmark> .
"""


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store holding the bundled graph, and a broken synthetic file."""
    folder = tmp_path_factory.mktemp("focus")
    base = folder / "base"
    store = OxigraphStore(Config(store=str(base)))
    load_bundled(store, validate=False)
    store.close()
    data = generate.write(0.25, folder / "syn.ttl", quiet=True)
    bad = folder / "syn-bad.ttl"
    bad.write_text(data.read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
    return base, bad


def _key(v: Violation) -> tuple[str, ...]:
    """Blank nodes by kind only: each load labels them anew."""

    def node(text: str | None) -> str:
        return "_:blank" if text is not None and ":" not in text else str(text)

    return (node(v.focus), str(v.path), str(v.component), node(v.value), v.message, v.severity)


def _violations(
    base: Path,
    bad: Path,
    workdir: Path,
    speculate: bool,
    monkeypatch: pytest.MonkeyPatch,
    lookups: bool = False,
) -> list[tuple[str, ...]]:
    copy = workdir / ("old" if not speculate else "lookups" if lookups else "fast")
    # the other graphs' triples: read whole (few here), or looked up node by node (a big store)
    monkeypatch.setattr(load_validation, "OTHERS_READ_WHOLE", 0 if lookups else 200_000)
    monkeypatch.setattr(load_validation, "OTHERS_PER_SUBJECT", 0 if lookups else 8)
    shutil.copytree(base, copy)
    store = OxigraphStore(Config(store=str(copy)))
    before = sorted(str(q) for q in store._store)
    # the parse runs for files past the bulk-load size: this small file is one for the test;
    # without it the loaded graph is read back
    monkeypatch.setattr(loading, "SPECULATE", speculate)
    monkeypatch.setattr(loading, "BULK_THRESHOLD_BYTES", 0)
    screened: list[int] = []
    complete = load_focus.complete
    monkeypatch.setattr(load_focus, "complete", lambda *a: screened.append(1) or complete(*a))
    with pytest.raises(ValidationFailed) as failed:
        load_files(store, [bad])
    assert bool(screened) == speculate  # the path under test was the one taken
    assert sorted(str(q) for q in store._store) == before  # the store is untouched
    store.close()
    return sorted(map(_key, failed.value.violations))


def test_focus_from_the_parse_finds_what_reading_the_graph_back_finds(
    stores, tmp_path, monkeypatch
):
    base, bad = stores
    fast = _violations(base, bad, tmp_path, True, monkeypatch)
    assert fast == _violations(base, bad, tmp_path, False, monkeypatch)
    assert fast == _violations(base, bad, tmp_path, True, monkeypatch, lookups=True)
    focus = {k[0].rsplit("/", 1)[-1] for k in fast}
    # the new place, the new relation, and nodes of other graphs the file touched
    assert {"syn-bad-place", "syn-bad-rel", "wuxi", "yongbenghezuochanye"} <= focus
    assert any(k[0] == "_:blank" and k[1] == "quote" for k in fast)  # across the derivation


def test_the_parse_holds_the_triples_as_the_store_holds_them(tmp_path):
    """The screen and the inference read the parse instead of the store: typed literals in the
    store's canonical form, repeats once, blank nodes apart from every stored one."""
    data = tmp_path / "odd.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:n "01"^^xsd:integer , "1"^^xsd:integer ; ex:d "+1.50"^^xsd:decimal ;\n'
        '  ex:y "2019"^^xsd:gYear ; ex:s "x" , "x"@en ; ex:b _:k , [ ex:v "1"^^xsd:integer ] .\n'
        '_:k ex:v ex:a . ex:a ex:n 1 . ex:a ex:n 1 . ex:a ex:n "001"^^xsd:integer .\n'
        "ex:z ex:q ex:a , ex:a .\n",
        encoding="utf-8",
    )
    store = ox.Store()
    store.load(path=str(data), format=ox.RdfFormat.TURTLE)
    parsed = parse_file(data, ox.RdfFormat.TURTLE, "http://example.org/")
    assert parsed is not None and parsed.triples == len(store)

    def named(triples):
        return {t for t in triples if not any(type(x) is ox.BlankNode for x in t)}

    ours = [(s, p, o) for s, ps in parsed.index.items() for p, os in ps.items() for o in os]
    assert named(ours) == named((q.subject, q.predicate, q.object) for q in store)
    blanks = {x for t in ours for x in t if type(x) is ox.BlankNode}
    assert len(blanks) == 2 and not blanks & {q.object for q in store}


def test_the_copy_takes_every_inferred_subject_and_the_triples_a_shape_reads():
    """Inferred triples of a predicate no shape reads stay out of the screen's copy, but their
    subjects get in: the copy must hold the same nodes as before, each read along the shapes'
    paths as on disk (a node missing from it would be read from the store mid-write)."""
    ex = "http://example.org/"
    a, b, c = (ox.NamedNode(ex + n) for n in "abc")
    read, unread = ox.NamedNode(ex + "read"), ox.NamedNode(ex + "unread")
    copy = load_focus.LoadedCopy({a: {read: {b: None}}}, {a, b}, {}, frozenset({read}))
    copy.add([(a, unread, c), (c, unread, a), (b, read, a), (a, read, c)])
    assert copy.index == {a: {read: {b: None, c: None}}, c: {}, b: {read: {a: None}}}
