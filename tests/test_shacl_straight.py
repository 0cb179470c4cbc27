"""The shapes written out as straight-line functions give ``Shape.conforms``'s verdict.

``kg load`` screens its focus nodes with ``kg.store.shacl_straight`` and validates on disk only
the nodes that fail there, so a node it passes wrongly would be a violation never reported.
Checked node by node, for every targeted shape, on the bundled graph plus synthetic data with
random damage (dropped triples, ill-typed literals, dangling links), and on shapes that use the
components the bundled ones do not (``sh:xone``, ``sh:not`` of a node, qualified maximum, any
language, patterns, lengths, ranges, node kinds, ``sh:hasValue`` on a node).
"""

from __future__ import annotations

import random
import sys

import pyoxigraph as ox
import rdflib

from kg.config import PROJECT_ROOT, Config
from kg.store import shacl_core, shacl_straight, validation
from kg.store.shacl_model import Data

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402

XSD = "http://www.w3.org/2001/XMLSchema#"


def _data(store: ox.Store) -> Data:
    def match(s, p, o):
        return ((q.subject, q.predicate, q.object) for q in store.quads_for_pattern(s, p, o))

    return Data(match, store)


def _damage(store: ox.Store, seed: int, share: float) -> None:
    rnd = random.Random(seed)
    quads = sorted(store, key=str)
    for q in rnd.sample(quads, int(len(quads) * share)):
        store.remove(q)
        if type(q.object) is ox.Literal and rnd.random() < 0.5:
            odd = ox.Literal("x" + q.object.value, datatype=ox.NamedNode(XSD + "gYear"))
            store.add(ox.Quad(q.subject, q.predicate, odd, q.graph_name))
        elif rnd.random() < 0.3:
            store.add(ox.Quad(q.subject, q.predicate, ox.NamedNode("urn:x:nowhere"), q.graph_name))


def _assert_same_verdicts(compiled: shacl_core.Compiled, store: ox.Store) -> tuple[int, int]:
    """(failed, passed) of the targeted shapes' verdicts, asserted equal to ``conforms``."""
    nodes = sorted(
        {q.subject for q in store} | {q.object for q in store if type(q.object) is ox.NamedNode},
        key=str,
    )
    reference, data = _data(store), _data(store)
    verdict = shacl_straight.verdicts(compiled, data)
    counts = [0, 0]
    for node in nodes:
        for shape in compiled.shapes:
            expected = shape.conforms(reference, node)
            assert verdict[id(shape)](node) == expected, (node, shape.node)
            if shape in compiled.shapes_for(reference, node):
                counts[expected] += 1
    wanted = [
        n
        for n in nodes
        if not all(s.conforms(reference, n) for s in compiled.shapes_for(reference, n))
    ]
    assert shacl_straight.failing(compiled, _data(store), nodes) == wanted
    return counts[0], counts[1]


def test_the_bundled_shapes_give_the_verdicts_of_the_compiled_checks(tmp_path):
    config = Config()
    store = ox.Store()
    for folder in config.data_dirs:
        for path in sorted(folder.rglob("*.ttl")):
            graph = ox.NamedNode(config.graph_iri_for(path.name))
            store.load(
                path=str(path), format=ox.RdfFormat.TURTLE, base_iri=config.base_iri, to_graph=graph
            )
    synthetic = generate.write(0.1, tmp_path / "syn.ttl", quiet=True)
    store.load(
        path=str(synthetic),
        format=ox.RdfFormat.TURTLE,
        base_iri=config.base_iri,
        to_graph=ox.NamedNode("urn:x:syn"),
    )
    _damage(store, seed=7, share=0.03)
    compiled = shacl_core.compile_shapes(validation.shapes_graph(config.data_dirs, config.base_iri))
    assert compiled is not None
    failed, passed = _assert_same_verdicts(compiled, store)
    assert failed > 100 and passed > 1000  # the damage made nodes fail


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:A a sh:NodeShape ; sh:targetClass ex:T ;
    sh:xone ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] ) ;
    sh:not [ sh:hasValue ex:banned ] ;
    sh:property [ sh:path ex:label ; sh:languageIn ( "*" ) ] ;
    sh:property [ sh:path ex:name ; sh:pattern "^[a-z]+$" ; sh:minLength 2 ; sh:maxLength 5 ] ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ; sh:minExclusive 0 ; sh:maxInclusive 9 ] ;
    sh:property [ sh:path ex:link ; sh:nodeKind sh:IRI ; sh:node ex:B ] ;
    sh:property [ sh:path ex:r ; sh:qualifiedValueShape [ sh:class ex:T ] ;
        sh:qualifiedMaxCount 1 ] ;
    sh:property [ sh:path ex:k ; sh:in ( ex:a ex:b ) ; sh:maxCount 2 ] ;
    sh:property [ sh:path ex:and ; sh:and ( [ sh:class ex:T ] [ sh:nodeKind sh:IRI ] ) ] .
ex:B a sh:NodeShape ; sh:or ( [ sh:class ex:T ] [ sh:datatype xsd:string ] ) ;
    sh:property [ sh:path ex:p ; sh:maxCount 1 ] .
ex:C a sh:NodeShape ; sh:targetClass ex:U ; sh:hasValue ex:u1 ; sh:nodeKind sh:BlankNodeOrIRI .
"""


def test_other_components_give_the_verdicts_of_the_compiled_checks():
    compiled = shacl_core.compile_shapes(rdflib.Graph().parse(data=SHAPES, format="turtle"))
    assert compiled is not None
    ex = "http://example.org/"
    rnd = random.Random(3)
    nodes = [ox.NamedNode(f"{ex}n{i}") for i in range(60)] + [ox.NamedNode(ex + "u1")]
    pool = [
        *nodes[:10],
        ox.NamedNode(ex + "banned"),
        ox.NamedNode(ex + "a"),
        ox.NamedNode(ex + "b"),
        ox.BlankNode("b1"),
        ox.Literal("ab"),
        ox.Literal("abcdefg"),
        ox.Literal("Ab"),
        ox.Literal("x", language="en"),
        ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("0", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
    ]
    preds = [ox.NamedNode(ex + p) for p in "p q label name n link r k and".split()]
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store = ox.Store()
    for node in nodes:
        store.add(ox.Quad(node, rdf_type, ox.NamedNode(ex + rnd.choice("TTU"))))
        for p, share in ((preds[0], 0.6), (preds[1], 0.2)):  # ex:p or ex:q, mostly one
            if rnd.random() < share:
                store.add(ox.Quad(node, p, rnd.choice(pool)))
        for _ in range(rnd.randrange(3)):
            store.add(ox.Quad(node, rnd.choice(preds[2:]), rnd.choice(pool)))
    failed, passed = _assert_same_verdicts(compiled, store)
    assert failed > 5 and passed > 5
