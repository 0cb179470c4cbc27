"""Incremental inference after each write equals a full recompute (the oracle).

Random sequences of data changes (hypothesis) on the bundled graph and on 0.1× synthetic data:
triples with the predicates the rules read are removed, or new ones built from existing terms
are added (new types, parties, ``partOf`` links, even schema triples like ``subClassOf``). After
each change, ``kg.store.incremental.update_inferences`` gives the inferred graph's difference; it is
applied, then ``kg.store.inference.materialise`` recomputes the inferred graph from scratch and the
two must be equal. The store stays consistent between examples, so they share one store.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.config import PROJECT_ROOT, Config
from kg.store import incremental, inference
from kg.store.embedded import OxigraphStore
from kg.store.loading import load_files

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402

BUNDLED = [PROJECT_ROOT / "ontology", PROJECT_ROOT / "graph_data"]
RULES = inference.rule_files((PROJECT_ROOT / "ontology",))
SCHEMA = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#inverseOf",
}
TEST_GRAPH = ox.NamedNode("http://127.0.0.1:8000/graph/test-incremental")


class World:
    """A store, its compiled rules and pools of terms to build random changes from."""

    def __init__(self, files: list[Path]) -> None:
        self.store = OxigraphStore(Config(store=":memory:"))
        load_files(self.store, files, validate=False)
        self.raw = self.store._store
        self.inferred = self.store.config.inferred_graph
        texts = [(r, r.read_text(encoding="utf-8")) for r in RULES]
        rules = inference.compile_rules(texts, self.store)
        assert rules is not None
        self.rules = rules
        ns = self.store.config.ontology_ns
        self.quads = sorted(
            (q for q in self.raw if self._data(q) and self._relevant(q.predicate, ns)), key=str
        )
        self.nodes = sorted(
            {q.subject for q in self.quads} | {q.object for q in self.quads if _iri(q.object)},
            key=str,
        )
        self.predicates = sorted({q.predicate for q in self.quads}, key=str)

    def _data(self, q: ox.Quad) -> bool:
        g = q.graph_name
        return type(g) is ox.NamedNode and g.value != self.inferred

    @staticmethod
    def _relevant(p: ox.NamedNode, ns: str) -> bool:
        return p.value in SCHEMA or p.value.startswith(ns)

    def inferred_now(self) -> set[ox.Triple]:
        graph = ox.NamedNode(self.inferred)
        return {q.triple for q in self.raw.quads_for_pattern(None, None, None, graph)}

    def in_data(self, fact: tuple) -> bool:
        return any(self._data(q) for q in self.raw.quads_for_pattern(*fact, None))


def _iri(term: object) -> bool:
    return type(term) is ox.NamedNode


def _change(world: World, choice: tuple[bool, int, int, int]) -> None:
    """One random write, its inferences updated incrementally, then checked against the oracle."""
    remove, a, b, c = choice
    raw = world.raw
    if remove:
        quad = world.quads[a % len(world.quads)]
        fact = (quad.subject, quad.predicate, quad.object)
        quads = [q for q in raw.quads_for_pattern(*fact, None) if world._data(q)]
        gone = [fact] if quads else []
        delta = incremental.update_inferences(raw, world.rules, world.inferred, [], gone)
        for q in quads:
            raw.remove(q)
    else:
        nodes = world.nodes
        fact = (
            nodes[a % len(nodes)],
            world.predicates[b % len(world.predicates)],
            nodes[c % len(nodes)],
        )
        new = [] if world.in_data(fact) else [fact]
        delta = incremental.update_inferences(raw, world.rules, world.inferred, new, [])
        raw.add(ox.Quad(*fact, TEST_GRAPH))
    graph = ox.NamedNode(world.inferred)
    for f in delta.removed:
        raw.remove(ox.Quad(*f, graph))
    for f in delta.added:
        raw.add(ox.Quad(*f, graph))
    incremental_result = world.inferred_now()
    inference.materialise(world.store, RULES)  # the oracle: a full recompute
    assert incremental_result == world.inferred_now()


CHANGES = st.lists(
    st.tuples(st.booleans(), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def bundled() -> Iterator[World]:
    yield World(BUNDLED)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = generate.write(0.1, tmp_path_factory.mktemp("syn") / "syn-x0.1.ttl", quiet=True)
    yield World([*BUNDLED, path])


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=CHANGES)
def test_incremental_inference_equals_a_full_recompute_on_the_bundled_graph(bundled, changes):
    for choice in changes:
        _change(bundled, choice)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=CHANGES)
def test_incremental_inference_equals_a_full_recompute_on_synthetic_data(synthetic, changes):
    for choice in changes:
        _change(synthetic, choice)


def test_removing_a_pairing_party_retracts_exactly_its_inferences(bundled) -> None:
    """A hand-checked case: DRed must keep ``pairedWith`` links another pairing still implies."""
    world = bundled
    ns = world.store.config.ontology_ns
    party = ox.NamedNode(ns + "party")
    quad = next(q for q in world.quads if q.predicate == party)
    _change(world, (True, world.quads.index(quad), 0, 0))
