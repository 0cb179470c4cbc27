"""Reading the projection's facts from the store: one SPARQL query per kind of fact.

Every query has one subject variable; a full build runs it over everything, a patch binds the
variable to the resources a write touched (``restricted``), so both paths read the same facts
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.graph.snapshot import Labels, local_name
from kg.store.base import GraphStore

# Every query below has one subject variable; ``_restricted`` binds it to a set of resources with
# a ``VALUES`` block, so the incremental path runs exactly the queries of a full build.
Q_PLACES = """
SELECT ?p ?type WHERE {
  ?p a ?type .
  ?type rdfs:subClassOf* yrd:Place .
}"""

Q_LABELS = """
SELECT ?x ?label ?alt WHERE {
  { ?x rdfs:label ?label } UNION { ?x skos:altLabel ?alt }
}"""

Q_PARENTS = "SELECT ?p ?parent WHERE { GRAPH ?g { ?p yrd:partOf ?parent } FILTER(?g != ?inferred) }"

Q_COORDS = "SELECT ?p ?lat ?lon WHERE { ?p geo:lat ?lat ; geo:long ?lon }"

Q_LOCATED = "SELECT ?org ?place WHERE { ?org yrd:locatedIn ?place }"

Q_BROADER = "SELECT ?c ?broader WHERE { ?c skos:broader ?broader }"

# Relations, their attributes and sources are read with index-friendly queries (one predicate
# at a time) and joined in Python: the single join of "every typed resource x rdfs:subClassOf* x
# its properties" took most of a rebuild at 10^5 relations.
Q_RELATION_CLASSES = "SELECT ?cls WHERE { ?cls rdfs:subClassOf* yrd:CooperationRelation }"
# Relation classes and property values are read one class / one predicate per query, the
# term written in. One query with them in a VALUES block (``?rel a ?cls``, ``?rel ?prop ?v``)
# gives the same rows but pyoxigraph evaluated it in time that grew far faster than the data: a
# column bound to a constant costs ≈ 0.4 ms per row at 100× (in-process, 5.3 M quads: the 12
# classes 80-93 s through VALUES vs 2.6 s; yrd:party's 440 k values 182-190 s through VALUES or
# BIND vs 4.8 s written in). That was where a first start without a saved projection spent
# its ten minutes.
Q_TYPED = "SELECT ?rel WHERE { ?rel a %s }"
Q_PREDICATE = "SELECT ?rel ?value WHERE { ?rel yrd:%s ?value }"
ROLE_PROPS = (
    "party",
    "assistingParty",
    "assistedParty",
    "originParty",
    "destinationParty",
    "hostPlace",
)
ATTR_PROPS = (
    "level",
    "scheme",
    "domain",
    "startYear",
    "endYear",
    "year",
    "periodText",
    "parkType",
    "leadIndustry",
    "approvalYear",
    "status",
    "shape",
    "confidence",
    "start",
    "end",
    "established",
    "signed",
    "plannedFor",
    "eventTime",
    "targetYear",
    "date",
)
#: What a relation names besides its parties: its hub, the places and platforms involved (not
#: parties), candidate parties of an ambiguous fact, and the relations it is linked to.
LINK_PROPS = (
    "hub",
    "location",
    "platform",
    "candidateParty",
    "serves",
    "servedBy",
    "subRelationOf",
    "hasSubRelation",
    "concernsPark",
    "parkConcernedBy",
    "formalises",
    "formalisedBy",
)
LINKED_RELATION_PROPS = LINK_PROPS[4:]
Q_DERIVATIONS = """
SELECT ?rel ?src ?quote WHERE {
  ?rel prov:qualifiedDerivation ?d .
  ?d prov:entity ?src ; yrd:quote ?quote .
}"""
Q_TITLES = "SELECT ?src ?title WHERE { ?src dcterms:title ?title }"

# Which relations depend on a changed resource ?r (read after the write; what a relation
# referenced before the write and no longer does was changed by a triple about the relation or
# about a resource it still references, so it is found here too).
Q_DEP_PARTY = """
SELECT DISTINCT ?rel WHERE {
  VALUES ?prop { yrd:party yrd:assistingParty yrd:assistedParty yrd:originParty
                 yrd:destinationParty }
  ?rel ?prop ?r .
}"""
Q_DEP_LOCATED = """
SELECT DISTINCT ?rel WHERE {
  ?org yrd:locatedIn ?r .
  VALUES ?prop { yrd:party yrd:assistingParty yrd:assistedParty yrd:originParty
                 yrd:destinationParty }
  ?rel ?prop ?org .
}"""
Q_DEP_LABEL = (
    "SELECT DISTINCT ?rel WHERE { VALUES ?prop { yrd:scheme yrd:domain yrd:shape yrd:confidence "
    + " ".join(f"yrd:{p}" for p in LINK_PROPS)
    + " } ?rel ?prop ?r }"
)
# (two queries, not a UNION: the engine does not push the VALUES block into union branches)
Q_DEP_DERIVATION = "SELECT DISTINCT ?rel WHERE { ?rel prov:qualifiedDerivation ?r }"
Q_DEP_SOURCE = """
SELECT DISTINCT ?rel WHERE { ?d prov:entity ?r . ?rel prov:qualifiedDerivation ?d }"""

#: Inverse/symmetric properties (a changed triple also changes what is inferred about its object)
#: and transitive ones (their closure changes facts about resources the write never named).
Q_PROPERTY_RULES = """
SELECT ?p ?rule WHERE {
  { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } BIND("inverse" AS ?rule) }
  UNION { ?p a owl:SymmetricProperty BIND("inverse" AS ?rule) }
  UNION { ?p a owl:TransitiveProperty BIND("transitive" AS ?rule) }
}"""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: Triples with these predicates change the class/property hierarchy the inference rules and
#: the place/relation classes are computed from: after such a write the projection is rebuilt.
SCHEMA_PREDICATES = {
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    OWL + "inverseOf",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
}


# -- reading facts (a full build reads everything; a patch reads the resources it names) --------
def restricted(query: str, var: str, iris: Iterable[str] | None) -> str:
    """``query`` with ``?var`` bound to ``iris`` (a VALUES block opening its WHERE group)."""
    if iris is None:
        return query
    values = " ".join(f"<{iri}>" for iri in iris)
    at = query.index("{", query.upper().index("WHERE")) + 1
    return f"{query[:at]} VALUES ?{var} {{ {values} }} {query[at:]}"


def rows(
    store: GraphStore, query: str, var: str, iris: set[str] | None
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``query`` (all, or those about ``iris``; batched so a VALUES block stays small)."""
    if iris is None:
        yield from store.query(query)  # type: ignore[misc]
        return
    names = sorted(i for i in iris if not i.startswith("_:"))
    for start in range(0, len(names), 2000):
        yield from store.query(restricted(query, var, names[start : start + 2000]))  # type: ignore[misc]


def by_predicate(
    store: GraphStore, props: Iterable[str], iris: set[str] | None
) -> Iterator[tuple[Any, str, Any]]:
    """(relation, property's local name, value) for each ``yrd:`` property of ``props``, one
    query per property (see ``Q_PREDICATE``), of every relation or of ``iris``."""
    for prop in props:
        for rel, value in rows(store, Q_PREDICATE % prop, "rel", iris):
            yield rel, prop, value


def read_labels(store: GraphStore, iris: set[str] | None) -> dict[str, Labels]:
    """Labels per resource. Of several labels in one language the smallest wins (rows come in
    no defined order); zh-Hans (or zh, zh-CN) before a label without a language tag."""
    labels: dict[str, Labels] = {}
    zh_rank: dict[str, int] = {}
    alts: dict[str, set[str]] = {}
    for x, label, alt in rows(store, Q_LABELS, "x", iris):
        if not isinstance(x, ox.NamedNode):
            continue
        iri = x.value
        lab = labels.get(iri)
        if lab is None:
            lab = labels[iri] = Labels()
        if label is not None:
            value = label.value
            lang = (label.language or "").lower()
            if lang in ("zh-hans", "zh", "zh-cn") or not lang:
                rank = 0 if lang else 1
                old = zh_rank.get(iri)
                if old is None or rank < old or (rank == old and value < lab.zh):  # type: ignore[operator]
                    lab.zh, zh_rank[iri] = value, rank
            elif lang == "zh-hant":
                if lab.hant is None or value < lab.hant:
                    lab.hant = value
            elif lang.startswith("en") and (lab.en is None or value < lab.en):
                lab.en = value
        elif alt is not None:
            alts.setdefault(iri, set()).add(alt.value)
    for iri, values in alts.items():
        labels[iri].alt = sorted(values)
    return labels


def read_place_types(store: GraphStore, iris: set[str] | None) -> dict[str, set[str]]:
    ns = store.config.ontology_ns
    types: dict[str, set[str]] = {}
    for p, cls in rows(store, Q_PLACES, "p", iris):
        if isinstance(p, ox.NamedNode) and cls.value.startswith(ns):
            types.setdefault(p.value, set()).add(cls.value[len(ns) :])
    return types


def _smallest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Per resource, the smallest of the values it states: a choice that does not depend on the
    order rows arrive in, so a patched snapshot equals a fresh build."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        old = found.get(key)
        if old is None or value < old:
            found[key] = value
    return found


def read_parents(store: GraphStore, iris: set[str] | None) -> dict[str, str]:
    """The asserted parent (the inferred graph holds the transitive closure); the smallest if a
    place states several."""
    query = Q_PARENTS.replace("?inferred", f"<{store.config.inferred_graph}>")
    return _smallest((p.value, parent.value) for p, parent in rows(store, query, "p", iris))


def read_coords(store: GraphStore, iris: set[str] | None) -> dict[str, tuple[float, float]]:
    return _smallest(
        (p.value, (float(lat.value), float(lon.value)))
        for p, lat, lon in rows(store, Q_COORDS, "p", iris)
    )


def read_located(store: GraphStore, iris: set[str] | None) -> dict[str, str]:
    return _smallest((org.value, place.value) for org, place in rows(store, Q_LOCATED, "org", iris))


def read_broader(store: GraphStore, iris: set[str] | None) -> dict[str, set[str]]:
    broader: dict[str, set[str]] = {}
    for c, b in rows(store, Q_BROADER, "c", iris):
        broader.setdefault(c.value, set()).add(b.value)
    return broader


def read_relations(
    store: GraphStore, iris: set[str] | None, graph: nx.MultiDiGraph, located: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Classes, roles and attribute values of every relation (with a party), or of ``iris``."""
    class_iris = [row["cls"] for row in store.select(Q_RELATION_CLASSES)]
    classes_of: dict[str, set[str]] = {}
    for cls in class_iris:
        if not isinstance(cls, ox.NamedNode):
            continue
        name = local_name(cls.value)
        for (rel,) in rows(store, Q_TYPED % cls, "rel", iris):
            classes_of.setdefault(rel.value, set()).add(name)
    relations: dict[str, dict[str, Any]] = {}
    for rel_term, prop, party_term in by_predicate(store, ROLE_PROPS, iris):
        rel = rel_term.value
        classes = classes_of.get(rel)
        if classes is None:
            continue
        info = relations.get(rel)
        if info is None:
            info = relations[rel] = {"classes": classes, "roles": {}, "orgs": set(), "host": None}
        party = party_term.value
        if prop == "hostPlace":
            if info["host"] is None or party < info["host"]:
                info["host"] = party
            continue
        if party not in graph and party in located:
            info["orgs"].add(party)
            party = located[party]
        info["roles"].setdefault(party, set()).add(prop)
    for rel_term, prop, value in by_predicate(store, ATTR_PROPS, iris):
        info = relations.get(rel_term.value)
        if info is None:
            continue
        # a set: a value stated in two graphs (or typed twice) counts once; sorted when used
        info.setdefault(prop, set()).add(value.value)
    for rel_term, prop, value in by_predicate(store, LINK_PROPS, iris):
        info = relations.get(rel_term.value)
        if info is None or not isinstance(value, ox.NamedNode):
            continue
        target = value.value
        if prop == "hub" and target not in graph and target in located:
            target = located[target]  # an organisation hub stands for its place, as parties do
        info.setdefault("links", {}).setdefault(prop, set()).add(target)
    return relations


def read_sources(store: GraphStore, iris: set[str] | None) -> dict[str, list[dict[str, Any]]]:
    """One entry per derivation of each relation (and title of its source)."""
    derivations = list(rows(store, Q_DERIVATIONS, "rel", iris))
    wanted = None if iris is None else {src.value for _, src, _ in derivations}
    titles: dict[str, list[str]] = {}
    for src, title in rows(store, Q_TITLES, "src", wanted):
        titles.setdefault(src.value, []).append(title.value)
    sources: dict[str, list[dict[str, Any]]] = {}
    for rel, src, quote in derivations:
        for title in titles.get(src.value) or [None]:
            sources.setdefault(rel.value, []).append(
                {"id": src.value, "title": title, "quote": quote.value}
            )
    return sources


@dataclass
class Facts:
    """The facts about places and concepts a snapshot joins, read by one set of queries."""

    labels: dict[str, Labels]
    types: dict[str, set[str]]
    parents: dict[str, str]
    coords: dict[str, tuple[float, float]]
    located: dict[str, str]
    broader: dict[str, set[str]]


def read_facts(store: GraphStore, iris: set[str] | None) -> Facts:
    """Every fact (``iris`` None: a full build) or the facts about ``iris`` (a patch)."""
    return Facts(
        labels=read_labels(store, iris),
        types=read_place_types(store, iris),
        parents=read_parents(store, iris),
        coords=read_coords(store, iris),
        located=read_located(store, iris),
        broader=read_broader(store, iris),
    )
