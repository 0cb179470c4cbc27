"""A write's delta, worked out without running it, is exactly what the engine then does.

``kg.store.delta_update.update_delta`` reads an update's text and the live store; the test runs the
same update with pyoxigraph on a copy and compares the quads that appeared and disappeared (blank
nodes compared by position only: the engine mints its own).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from kg.config import Config
from kg.store.delta import Unsupported
from kg.store.delta_update import update_delta
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_bundled

B = "http://127.0.0.1:8000/"
PLACES = f"<{B}graph/graph_data/places.ttl>"
SEED0 = f"<{B}graph/graph_data/seed-000.ttl>"
SEED1 = f"<{B}graph/graph_data/seed-001.ttl>"

UPDATES = [
    # data blocks: the fast path (literal forms canonicalised, blank nodes fresh)
    'INSERT DATA { GRAPH <http://x/g> { place:yancheng rdfs:comment "hi"@en ; '
    'yrd:memberCount "01"^^xsd:integer } }',
    "INSERT DATA { <http://x/a> <http://x/p> [ <http://x/q> 1 ] }",
    'PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c } ; DELETE DATA { ex:a ex:b "c" }',
    "PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c } ; DELETE DATA { ex:a ex:b ex:c }",
    f"DELETE DATA {{ GRAPH {PLACES} {{ place:yancheng a yrd:PrefectureLevelCity }} }}",
    "DELETE DATA { place:yancheng a yrd:PrefectureLevelCity }",  # not in the default graph
    # WHERE evaluated on the live store
    "DELETE { GRAPH ?g { place:yancheng rdfs:label ?l } } WHERE { GRAPH ?g { place:yancheng "
    'rdfs:label ?l } FILTER(lang(?l) = "en") }',
    'WITH <http://x/g2> INSERT { ?p rdfs:comment "c" } WHERE { ?p a yrd:Pairing }',
    "DELETE WHERE { GRAPH ?g { ?s yrd:startYear ?y } }",
    f"INSERT {{ GRAPH <http://x/g3> {{ ?s yrd:note [ rdfs:label ?l ] }} }} USING {PLACES} "
    'WHERE { ?s rdfs:label ?l FILTER(lang(?l) = "en") }',
    "INSERT { GRAPH ?g { ?s rdfs:seeAlso ?o } } WHERE { GRAPH ?g { ?s yrd:partOf ?o } }",
    # whole graphs
    f"CLEAR GRAPH {SEED0}",
    f"DROP SILENT GRAPH {SEED0} ; DROP SILENT GRAPH <http://x/none>",
    f"COPY {SEED0} TO <http://x/g4>",
    f"MOVE {SEED1} TO {SEED0}",
    f"ADD {SEED1} TO {PLACES}",
]


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    s = OxigraphStore(Config(store=":memory:"))
    load_bundled(s, validate=False)
    yield s


def _copy(raw: ox.Store) -> ox.Store:
    out, buffer = ox.Store(), io.BytesIO()
    raw.dump(buffer, ox.RdfFormat.N_QUADS)
    out.load(buffer.getvalue(), ox.RdfFormat.N_QUADS)
    return out


def _key(q: ox.Quad) -> tuple[str, ...]:
    return tuple("_:" if type(t) is ox.BlankNode else str(t) for t in q)


@pytest.mark.parametrize("update", UPDATES)
def test_the_delta_is_what_the_engine_does(store: OxigraphStore, update: str) -> None:
    cfg = store.config
    delta = update_delta(store._store, update, cfg.base_iri, cfg.prefixes())
    engine = _copy(store._store)
    before = set(engine)
    engine.update(update, base_iri=cfg.base_iri, prefixes=cfg.prefixes())
    after = set(engine)
    assert sorted(map(_key, delta.added)) == sorted(map(_key, after - before))
    assert sorted(map(_key, delta.removed)) == sorted(map(_key, before - after))


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://example.org/x.ttl>",
        "CLEAR ALL",
        "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> } ; "
        "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",  # its WHERE must see the insert
    ],
)
def test_deltas_it_cannot_tell_are_refused_not_guessed(store: OxigraphStore, update: str) -> None:
    cfg = store.config
    with pytest.raises(Unsupported):
        update_delta(store._store, update, cfg.base_iri, cfg.prefixes())
