"""The inference rules as data the native engine evaluates: facts, atoms, filters, rules.

``compile_rules`` recognises the bundled SPARQL CONSTRUCT rules (``ontology/inference/*.rq``)
and turns each into a ``Rule`` (head, body atoms, filters); a rule it does not recognise makes
the caller fall back to running the SPARQL text (``kg.store.inference``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store.base import GraphStore

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


_RDFS = "http://www.w3.org/2000/01/rdf-schema#"


_OWL = "http://www.w3.org/2002/07/owl#"


Fact = tuple[Any, ox.NamedNode, Any]


@dataclass(frozen=True)
class _Atom:
    """A triple pattern: a ``str`` is a variable name, anything else an RDF term."""

    s: Any
    p: Any
    o: Any


@dataclass(frozen=True)
class _Filter:
    variables: frozenset[str]
    test: Callable[[dict[str, Any]], bool]


@dataclass(frozen=True)
class Rule:
    """``CONSTRUCT { head } WHERE { body FILTER … FILTER NOT EXISTS { head } }``."""

    head: _Atom
    body: tuple[_Atom, ...]
    filters: tuple[_Filter, ...]
    #: which of the bundled rules this is: ``_Closure`` has the join code for each
    kind: str = ""
    #: the terms the rules name (``type``, ``subClassOf``, ``Pairing`` …), shared by all rules
    constants: Mapping[str, ox.NamedNode] = field(default_factory=dict)


def _iri(*names: str) -> _Filter:
    return _Filter(frozenset(names), lambda b: all(isinstance(b[n], ox.NamedNode) for n in names))


def _differ(a: str, b: str) -> _Filter:
    return _Filter(frozenset((a, b)), lambda bnd: bnd[a] != bnd[b])


def _not_blank(name: str) -> _Filter:
    return _Filter(frozenset((name,)), lambda b: not isinstance(b[name], ox.BlankNode))


def _bundled_rules(ns: str) -> dict[str, list[Rule]]:
    """The rules of ``ontology/inference/*.rq`` as written today (normalised text -> rules);
    ``ns`` is ``<ontology#>`` resolved as the query engine resolves it. A rule file whose text
    is not one of these runs through SPARQL instead, so editing a rule never silently keeps the
    old behaviour."""
    sub_class, sub_prop = ox.NamedNode(_RDFS + "subClassOf"), ox.NamedNode(_RDFS + "subPropertyOf")
    inverse = ox.NamedNode(_OWL + "inverseOf")
    symmetric = ox.NamedNode(_OWL + "SymmetricProperty")
    transitive = ox.NamedNode(_OWL + "TransitiveProperty")
    yrd = {n: ox.NamedNode(ns + n) for n in ("Pairing", "party", "pairedWith", "assists")}
    yrd.update({n: ox.NamedNode(ns + n) for n in ("assistingParty", "assistedParty")})
    a = RDF_TYPE
    constants = {
        "type": a,
        "subClassOf": sub_class,
        "subPropertyOf": sub_prop,
        "inverseOf": inverse,
        "SymmetricProperty": symmetric,
        "TransitiveProperty": transitive,
        **yrd,
    }
    rdfs_prefix = f"PREFIX rdfs: <{_RDFS}> "
    owl_prefix = f"PREFIX owl: <{_OWL}> "
    yrd_prefix = "PREFIX yrd: <ontology#> "
    return {
        rdfs_prefix + "CONSTRUCT { ?x a ?super } WHERE { ?x a ?c . ?c rdfs:subClassOf ?super . "
        "FILTER (isIRI(?x) && isIRI(?super) && ?c != ?super) FILTER NOT EXISTS { ?x a ?super } }": [
            Rule(
                _Atom("x", a, "super"),
                (_Atom("x", a, "c"), _Atom("c", sub_class, "super")),
                (_iri("x", "super"), _differ("c", "super")),
                "subclass",
                constants,
            )
        ],
        rdfs_prefix + "CONSTRUCT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . FILTER "
        "(isIRI(?p) && isIRI(?q) && ?p != ?q) ?s ?p ?o . FILTER (isIRI(?s) && !isBlank(?o)) "
        "FILTER NOT EXISTS { ?s ?q ?o } }": [
            Rule(
                _Atom("s", "q", "o"),
                (_Atom("p", sub_prop, "q"), _Atom("s", "p", "o")),
                (_iri("p", "q"), _differ("p", "q"), _iri("s"), _not_blank("o")),
                "subproperty",
                constants,
            )
        ],
        owl_prefix + "CONSTRUCT { ?o ?q ?s } WHERE { { ?p owl:inverseOf ?q } UNION "
        "{ ?q owl:inverseOf ?p } FILTER (isIRI(?p) && isIRI(?q)) ?s ?p ?o . "
        "FILTER (isIRI(?s) && isIRI(?o)) FILTER NOT EXISTS { ?o ?q ?s } }": [
            Rule(
                _Atom("o", "q", "s"),
                (tbox, _Atom("s", "p", "o")),
                (_iri("p", "q"), _iri("s", "o")),
                "inverse",
                constants,
            )
            for tbox in (_Atom("p", inverse, "q"), _Atom("q", inverse, "p"))
        ],
        owl_prefix + "CONSTRUCT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o . "
        "FILTER (isIRI(?s) && isIRI(?o)) FILTER NOT EXISTS { ?o ?p ?s } }": [
            Rule(
                _Atom("o", "p", "s"),
                (_Atom("p", a, symmetric), _Atom("s", "p", "o")),
                (_iri("s", "o"),),
                "symmetric",
                constants,
            )
        ],
        owl_prefix + "CONSTRUCT { ?a ?p ?c } WHERE { ?p a owl:TransitiveProperty . ?a ?p ?b . "
        "?b ?p ?c . FILTER (isIRI(?a) && isIRI(?c) && ?a != ?c) "
        "FILTER NOT EXISTS { ?a ?p ?c } }": [
            Rule(
                _Atom("a", "p", "c"),
                (_Atom("p", a, transitive), _Atom("a", "p", "b"), _Atom("b", "p", "c")),
                (_iri("a", "c"), _differ("a", "c")),
                "transitive",
                constants,
            )
        ],
        yrd_prefix + "CONSTRUCT { ?a yrd:pairedWith ?b } WHERE { ?pairing a yrd:Pairing ; "
        "yrd:party ?a , ?b . FILTER (isIRI(?a) && isIRI(?b) && ?a != ?b) "
        "FILTER NOT EXISTS { ?a yrd:pairedWith ?b } }": [
            Rule(
                _Atom("a", yrd["pairedWith"], "b"),
                (
                    _Atom("pairing", a, yrd["Pairing"]),
                    _Atom("pairing", yrd["party"], "a"),
                    _Atom("pairing", yrd["party"], "b"),
                ),
                (_iri("a", "b"), _differ("a", "b")),
                "paired",
                constants,
            )
        ],
        yrd_prefix + "CONSTRUCT { ?a yrd:assists ?b } WHERE { ?pairing a yrd:Pairing ; "
        "yrd:assistingParty ?a ; yrd:assistedParty ?b . FILTER (isIRI(?a) && isIRI(?b)) "
        "FILTER NOT EXISTS { ?a yrd:assists ?b } }": [
            Rule(
                _Atom("a", yrd["assists"], "b"),
                (
                    _Atom("pairing", a, yrd["Pairing"]),
                    _Atom("pairing", yrd["assistingParty"], "a"),
                    _Atom("pairing", yrd["assistedParty"], "b"),
                ),
                (_iri("a", "b"),),
                "assists",
                constants,
            )
        ],
    }


def _normalise(text: str) -> str:
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return " ".join(" ".join(lines).split())


def compile_rules(texts: list[tuple[Path, str]], store: GraphStore) -> list[Rule] | None:
    """The native form of the rule files, or None if any of them is not a bundled rule."""
    rows = store.select("SELECT (<ontology#> AS ?ns) {}")
    ns = rows[0]["ns"].value if rows else store.config.ontology_ns
    known = _bundled_rules(ns)
    rules: list[Rule] = []
    for _path, text in texts:
        compiled = known.get(_normalise(text))
        if compiled is None:
            return None
        rules.extend(compiled)
    return rules
