"""The networkx projection of the co-operation graph, built from the store with SPARQL.

Traversal questions ("every partner of 盐城", shortest paths, centrality) are graph questions;
answering them with property paths costs time that grows with the data. So the store is read
once per *version* into an in-memory ``MultiDiGraph`` (places as nodes, one edge per relation and
pair of parties), and every request reads that immutable snapshot. A write bumps the store's
version and the next reader gets a new snapshot; nothing is rebuilt per request.

A full build reads every place, relation and label (tens of seconds at millions of triples), so a
write that says what it touched (``kg.writes`` reports a ``Change``: the triples it may have added
or removed) is applied *incrementally*: the resources those triples are about, and the relations
and places that depend on them, are re-read with the same queries restricted by ``VALUES``, and a
copy-on-write copy of the previous snapshot is patched (``patch_snapshot``). Every choice the
build makes among several values is order-independent, so a patched snapshot equals a fresh build.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from . import relation_model
from .store import GraphStore

#: Relation class (local name) -> the ``kind`` users filter by.
KINDS = {
    "Pairing": "pairing",
    "Park": "park",
    "Agreement": "agreement",
    "InstitutionPairing": "institution",
    "IndustryTransfer": "transfer",
    "LiaisonOffice": "liaison",
    "CadreExchange": "cadre",
    "TransportLink": "transport",
    "InnovationCooperation": "innovation",
    "EnterpriseCooperation": "enterprise",
    "CooperationActivity": "activity",
}

#: Most specific first: a node's ``type`` is the first of these it has.
PLACE_TYPES = (
    "Municipality",
    "Province",
    "AutonomousRegion",
    "ProvinceLevelUnit",
    "PrefectureLevelCity",
    "CountyLevelCity",
    "District",
    "County",
    "CountyLevelUnit",
    "FunctionalZone",
    "Town",
    "Region",
    "PlaceGroup",
    "Country",
    "Infrastructure",
    "Place",
)
PROVINCE_TYPES = {"Municipality", "Province", "AutonomousRegion", "ProvinceLevelUnit"}

ROLE_PROPS = ("party", "assistingParty", "assistedParty", "originParty", "destinationParty")

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
Q_TYPED = "SELECT ?rel ?cls WHERE { VALUES ?cls { %s } ?rel a ?cls }"
Q_ROLE_VALUES = """
SELECT ?rel ?prop ?party WHERE {
  VALUES ?prop { yrd:party yrd:assistingParty yrd:assistedParty yrd:originParty
                 yrd:destinationParty yrd:hostPlace }
  ?rel ?prop ?party .
}"""
Q_ATTR_VALUES = """
SELECT ?rel ?prop ?value WHERE {
  VALUES ?prop { yrd:level yrd:scheme yrd:domain yrd:startYear yrd:endYear yrd:year
                 yrd:periodText yrd:parkType yrd:leadIndustry yrd:approvalYear yrd:status
                 yrd:shape yrd:confidence yrd:start yrd:end yrd:established yrd:signed
                 yrd:plannedFor yrd:eventTime yrd:targetYear yrd:date }
  ?rel ?prop ?value .
}"""
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
Q_LINK_VALUES = (
    "SELECT ?rel ?prop ?value WHERE { VALUES ?prop { "
    + " ".join(f"yrd:{p}" for p in LINK_PROPS)
    + " } ?rel ?prop ?value }"
)
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

#: A changed triple as ``kg.writes`` reports it: subject (IRI, or ``_:id`` for a blank node),
#: predicate IRI, object (IRI, ``_:id``, ``?`` for "any", None for a literal).
ChangedTriple = tuple[str, str, str | None]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Labels:
    zh: str | None = None
    en: str | None = None
    hant: str | None = None
    alt: list[str] = field(default_factory=list)

    def best(self, fallback: str) -> str:
        return self.zh or self.hant or self.en or _local(fallback)


@dataclass
class Snapshot:
    """One immutable view of the co-operation network at a store version.

    ``_parents`` (every asserted ``yrd:partOf``, places or not) and ``_located`` (organisation
    -> place) are what the build joined with; kept so a write can be applied incrementally.
    """

    version: int
    graph: nx.MultiDiGraph
    labels: dict[str, Labels]
    relations: dict[str, dict[str, Any]]
    children: dict[str, list[str]]
    broader: dict[str, set[str]]
    _cache: dict[str, Any] = field(default_factory=dict)
    # re-entrant: a cached computation may itself use another cached result
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _parents: dict[str, str] = field(default_factory=dict)
    _located: dict[str, str] = field(default_factory=dict)
    #: multilateral group relation -> ``{"members": places, "edge": attributes}`` (not edges of
    #: ``graph``: a group is one node in drawings and joins its members only in traversals,
    #: see ``kg.network_groups``)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    def label(self, iri: str) -> str:
        return self.labels.get(iri, Labels()).best(iri)

    def ref(self, iri: str | None) -> dict[str, Any] | None:
        if iri is None:
            return None
        lab = self.labels.get(iri, Labels())
        return {"id": iri, "label_zh": lab.best(iri), "label_en": lab.en}

    def cached(self, key: str, compute: Any) -> Any:
        """Memoise derived results (metrics, resolver index) for this version only."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = compute()
            return self._cache[key]

    def descendants(self, place: str) -> list[str]:
        out, todo = [], list(self.children.get(place, []))
        while todo:
            child = todo.pop()
            if child not in out:
                out.append(child)
                todo.extend(self.children.get(child, []))
        return out

    def ancestors(self, place: str) -> list[str]:
        out, current = [], self.graph.nodes[place].get("parent") if place in self.graph else None
        while current and current not in out:
            out.append(current)
            current = self.graph.nodes[current].get("parent") if current in self.graph else None
        return out

    def narrower_closure(self, concept: str) -> set[str]:
        """A domain and everything under it (skos:broader read downwards)."""
        result, changed = {concept}, True
        while changed:
            changed = False
            for child, parents in self.broader.items():
                if child not in result and parents & result:
                    result.add(child)
                    changed = True
        return result


class Projection:
    """Holds the current snapshot and renews it when the store's version moves.

    Writers that go through ``kg.writes.Writer`` announce themselves (``write_started`` /
    ``write_finished``): while a write runs, readers keep the previous snapshot (the store is
    between versions, and its inferences not yet recomputed), and a finished write whose
    ``Change`` names the triples it touched is applied incrementally. Any other version bump
    (no record, or a record that says "unknown") means a full rebuild, as before.
    """

    #: Change records kept for snapshots that have not caught up yet.
    MAX_CHANGES = 256

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._changes: list[tuple[int, int, tuple[ChangedTriple, ...] | None]] = []
        self._writing = 0
        self._stable = 0  # the version readers get while a write is in progress
        self.builds = 0
        self.patches = 0

    # -- writes announce themselves (kg.writes.Writer observers) -------------------------------
    def write_started(self) -> None:
        """Called just before a write touches the store: readers stay at this version (all
        earlier writes included) until the write has finished."""
        with self._log_lock:
            if not self._writing:
                self._stable = self._store.version
            self._writing += 1

    def write_finished(self, change: Any) -> None:
        """``change`` has ``before``/``after`` versions and ``triples`` (None: unknown)."""
        with self._log_lock:
            self._writing -= 1
            if change.after != change.before:
                triples = None if change.triples is None else tuple(change.triples)
                self._changes.append((change.before, change.after, triples))
                del self._changes[: -self.MAX_CHANGES]

    def _changed_since(self, version: int, target: int) -> list[ChangedTriple] | None:
        """The triples touched between two versions, if every step is recorded and known."""
        with self._log_lock:
            steps = {before: (after, triples) for before, after, triples in self._changes}
        out: list[ChangedTriple] = []
        while version != target:
            step = steps.get(version)
            if step is None or step[1] is None or step[0] > target:
                return None
            version = step[0]
            out.extend(step[1])
        return out

    # -- readers -------------------------------------------------------------------------------
    def _target(self) -> int:
        """The version to serve: the store's, or while a write runs, the one before it."""
        with self._log_lock:
            return self._stable if self._writing else self._store.version

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and current.version == self._target():
            return current
        with self._lock:
            version = self._target()
            previous = self._snapshot
            if previous is not None and previous.version == version:
                return previous
            snap = None
            if previous is not None:
                touched = self._changed_since(previous.version, version)
                if touched is not None:
                    snap = patch_snapshot(self._store, previous, version, touched)
                    self.patches += snap is not None
            if snap is None:
                snap = build_snapshot(self._store, version)
            self.builds += 1
            self._snapshot = snap
            with self._log_lock:
                self._changes = [c for c in self._changes if c[1] > version]
            return snap

    def graph(self) -> nx.MultiDiGraph:
        return self.snapshot().graph


# -- reading facts (a full build reads everything; a patch reads the resources it names) --------
def _restricted(query: str, var: str, iris: Iterable[str] | None) -> str:
    """``query`` with ``?var`` bound to ``iris`` (a VALUES block opening its WHERE group)."""
    if iris is None:
        return query
    values = " ".join(f"<{iri}>" for iri in iris)
    at = query.index("{", query.upper().index("WHERE")) + 1
    return f"{query[:at]} VALUES ?{var} {{ {values} }} {query[at:]}"


def _rows(
    store: GraphStore, query: str, var: str, iris: set[str] | None
) -> Iterator[tuple[Any, ...]]:
    """Rows of ``query`` (all, or those about ``iris``; batched so a VALUES block stays small)."""
    if iris is None:
        yield from store.query(query)  # type: ignore[misc]
        return
    names = sorted(i for i in iris if not i.startswith("_:"))
    for start in range(0, len(names), 2000):
        yield from store.query(_restricted(query, var, names[start : start + 2000]))  # type: ignore[misc]


def _read_labels(store: GraphStore, iris: set[str] | None) -> dict[str, Labels]:
    """Labels per resource. Of several labels in one language the smallest wins (rows come in
    no defined order); zh-Hans (or zh, zh-CN) before a label without a language tag."""
    labels: dict[str, Labels] = {}
    zh_rank: dict[str, int] = {}
    alts: dict[str, set[str]] = {}
    for x, label, alt in _rows(store, Q_LABELS, "x", iris):
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


def _read_place_types(store: GraphStore, iris: set[str] | None) -> dict[str, set[str]]:
    ns = store.config.ontology_ns
    types: dict[str, set[str]] = {}
    for p, cls in _rows(store, Q_PLACES, "p", iris):
        if isinstance(p, ox.NamedNode) and cls.value.startswith(ns):
            types.setdefault(p.value, set()).add(cls.value[len(ns) :])
    return types


def _read_parents(store: GraphStore, iris: set[str] | None) -> dict[str, str]:
    """The asserted parent (the inferred graph holds the transitive closure); the smallest if a
    place states several."""
    query = Q_PARENTS.replace("?inferred", f"<{store.config.inferred_graph}>")
    parents: dict[str, str] = {}
    for p, parent in _rows(store, query, "p", iris):
        old = parents.get(p.value)
        if old is None or parent.value < old:
            parents[p.value] = parent.value
    return parents


def _read_coords(store: GraphStore, iris: set[str] | None) -> dict[str, tuple[float, float]]:
    coords: dict[str, tuple[float, float]] = {}
    for p, lat, lon in _rows(store, Q_COORDS, "p", iris):
        point = (float(lat.value), float(lon.value))
        old = coords.get(p.value)
        if old is None or point < old:
            coords[p.value] = point
    return coords


def _read_located(store: GraphStore, iris: set[str] | None) -> dict[str, str]:
    located: dict[str, str] = {}
    for org, place in _rows(store, Q_LOCATED, "org", iris):
        old = located.get(org.value)
        if old is None or place.value < old:
            located[org.value] = place.value
    return located


def _read_broader(store: GraphStore, iris: set[str] | None) -> dict[str, set[str]]:
    broader: dict[str, set[str]] = {}
    for c, b in _rows(store, Q_BROADER, "c", iris):
        broader.setdefault(c.value, set()).add(b.value)
    return broader


def _read_relations(
    store: GraphStore, iris: set[str] | None, graph: nx.MultiDiGraph, located: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Classes, roles and attribute values of every relation (with a party), or of ``iris``."""
    class_iris = [row["cls"] for row in store.select(Q_RELATION_CLASSES)]
    classes_of: dict[str, set[str]] = {}
    if class_iris:
        values = " ".join(str(c) for c in class_iris if isinstance(c, ox.NamedNode))
        for rel, cls in _rows(store, Q_TYPED % values, "rel", iris):
            classes_of.setdefault(rel.value, set()).add(_local(cls.value))
    relations: dict[str, dict[str, Any]] = {}
    for rel_term, prop_term, party_term in _rows(store, Q_ROLE_VALUES, "rel", iris):
        rel = rel_term.value
        classes = classes_of.get(rel)
        if classes is None:
            continue
        info = relations.get(rel)
        if info is None:
            info = relations[rel] = {"classes": classes, "roles": {}, "orgs": set(), "host": None}
        prop, party = _local(prop_term.value), party_term.value
        if prop == "hostPlace":
            if info["host"] is None or party < info["host"]:
                info["host"] = party
            continue
        if party not in graph and party in located:
            info["orgs"].add(party)
            party = located[party]
        info["roles"].setdefault(party, set()).add(prop)
    for rel_term, prop_term, value in _rows(store, Q_ATTR_VALUES, "rel", iris):
        info = relations.get(rel_term.value)
        if info is None:
            continue
        # a set: a value stated in two graphs (or typed twice) counts once; sorted when used
        info.setdefault(_local(prop_term.value), set()).add(value.value)
    for rel_term, prop_term, value in _rows(store, Q_LINK_VALUES, "rel", iris):
        info = relations.get(rel_term.value)
        if info is None or not isinstance(value, ox.NamedNode):
            continue
        prop = _local(prop_term.value)
        target = value.value
        if prop == "hub" and target not in graph and target in located:
            target = located[target]  # an organisation hub stands for its place, as parties do
        info.setdefault("links", {}).setdefault(prop, set()).add(target)
    return relations


def _read_sources(store: GraphStore, iris: set[str] | None) -> dict[str, list[dict[str, Any]]]:
    """One entry per derivation of each relation (and title of its source)."""
    derivations = list(_rows(store, Q_DERIVATIONS, "rel", iris))
    wanted = None if iris is None else {src.value for _, src, _ in derivations}
    titles: dict[str, list[str]] = {}
    for src, title in _rows(store, Q_TITLES, "src", wanted):
        titles.setdefault(src.value, []).append(title.value)
    sources: dict[str, list[dict[str, Any]]] = {}
    for rel, src, quote in derivations:
        for title in titles.get(src.value) or [None]:
            sources.setdefault(rel.value, []).append(
                {"id": src.value, "title": title, "quote": quote.value}
            )
    return sources


# -- deriving the snapshot from facts ------------------------------------------------------------
def _node_attrs(
    place: str,
    kinds: set[str],
    labels: dict[str, Labels],
    parents: dict[str, str],
    coords: dict[str, tuple[float, float]],
) -> dict[str, Any]:
    """A place node's attributes, without ``province`` (that needs every node: see below)."""
    lab = labels.get(place, Labels())
    lat, lon = coords.get(place, (None, None))
    return {
        "label_zh": lab.best(place),
        "label_en": lab.en,
        "type": next((t for t in PLACE_TYPES if t in kinds), "Place"),
        "parent": parents.get(place),
        "lat": lat,
        "lon": lon,
    }


def _with_province(
    place: str,
    attrs: dict[str, Any],
    nodes: Any,
    parents: dict[str, str],
    labels: dict[str, Labels],
) -> dict[str, Any]:
    province = _province_of(place, nodes, parents)
    attrs["province"] = province
    attrs["province_label"] = labels.get(province, Labels()).best(province) if province else None
    return attrs


def _province_of(place: str, nodes: Any, parents: dict[str, str]) -> str | None:
    current: str | None = place
    seen: set[str] = set()
    while current and current not in seen:
        seen.add(current)
        if current in nodes and nodes[current]["type"] in PROVINCE_TYPES:
            return current
        current = parents.get(current)
    return None


def _record(
    rel: str,
    info: dict[str, Any],
    labels: dict[str, Labels],
    sources: dict[str, list[dict[str, Any]]],
    ns: str,
) -> dict[str, Any]:
    """The public record of one relation (``Snapshot.relations`` values); ``ns`` is the
    ontology namespace (property labels, e.g. of linked-relation properties, are read there)."""

    def values(prop: str) -> list[str]:
        return sorted(info.get(prop, ()))

    kind = next((KINDS[c] for c in sorted(info["classes"]) if c in KINDS), "other")
    start, end = relation_model.period(info)
    period = (values("periodText") or [None])[0]
    if period is None and start is not None:
        period = f"{start}–{end}" if end and end != start else (f"{start}" if end else f"{start}–")
    scheme = (values("scheme") or [None])[0]
    level = (values("level") or [None])[0]
    shape = (values("shape") or [None])[0]
    confidence = (values("confidence") or [None])[0]
    links: dict[str, set[str]] = info.get("links", {})

    def refs(prop: str) -> list[dict[str, Any]]:
        return [
            {
                "id": i,
                "label_zh": labels.get(i, Labels()).best(i),
                "label_en": labels.get(i, Labels()).en,
            }
            for i in sorted(links.get(prop, ()))
            if i != rel
        ]

    lab = labels.get(rel, Labels())
    return {
        "id": rel,
        "kind": kind,
        "classes": sorted(info["classes"]),
        "label_zh": lab.zh or lab.hant,
        "label_en": lab.en,
        "level": _local(level) if level else None,
        "scheme": labels.get(scheme, Labels()).best(scheme) if scheme else None,
        "scheme_id": scheme,
        "domains": [
            {
                "id": d,
                "label_zh": labels.get(d, Labels()).best(d),
                "label_en": labels.get(d, Labels()).en,
            }
            for d in values("domain")
        ],
        "start": start,
        "end": end,
        "period": period,
        "sources": sorted(
            sources.get(rel, []), key=lambda s: (s["id"], s["quote"], s["title"] or "")
        ),
        "host": info["host"],
        "orgs": sorted(info["orgs"]),
        "roles": {p: sorted(r) for p, r in sorted(info["roles"].items())},
        "park_type": [_local(t) for t in values("parkType")],
        "lead_industries": values("leadIndustry"),
        "shape": _local(shape) if shape else None,
        "hub": min(links["hub"]) if links.get("hub") else None,
        "hub_label": labels.get(min(links["hub"]), Labels()).best(min(links["hub"]))
        if links.get("hub")
        else None,
        "confidence": _local(confidence) if confidence else relation_model.STATED,
        "candidates": refs("candidateParty"),
        "locations": refs("location"),
        "platforms": refs("platform"),
        "times": relation_model.times(info),
        "linked": [
            {
                "property": prop,
                "property_zh": labels.get(ns + prop, Labels()).zh,
                "property_en": labels.get(ns + prop, Labels()).en,
                **ref,
            }
            for prop in LINKED_RELATION_PROPS
            for ref in refs(prop)
        ],
    }


def _pairs(rel: dict[str, Any], nodes: Any) -> tuple[list[tuple[str, str]], str]:
    """The ordered place pairs a relation joins (its shape decides; see ``kg.relation_model``)."""
    return relation_model.pairs(rel, nodes)


def _role_ref(prop: str, labels: dict[str, Labels], ns: str) -> dict[str, Any]:
    """A role as answers show it: the role property's local name and its ontology labels."""
    lab = labels.get(ns + prop, Labels())
    return {"id": prop, "label_zh": lab.zh or lab.hant or prop, "label_en": lab.en}


def _edges(
    rel: dict[str, Any], nodes: Any, labels: dict[str, Labels], ns: str = ""
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(a, b, key, attributes)`` of each edge of one relation (key = the relation's IRI)."""
    pairs, role = _pairs(rel, nodes)
    if not pairs:
        return []
    attrs = _edge_attrs(rel, labels, role)
    out = []
    for a, b in pairs:
        edge = dict(attrs)
        edge["roles"] = {p: _role_ref(_party_role(rel, p), labels, ns) for p in (a, b)}
        out.append((a, b, rel["id"], edge))
    return out


def _group(
    rel: dict[str, Any], nodes: Any, labels: dict[str, Labels], ns: str
) -> dict[str, Any] | None:
    """A stated multilateral group: its member places and the attributes of the edge that
    joins two members in traversals (``via`` the group, role ``member``)."""
    members = relation_model.group_members(rel, nodes)
    if not members:
        return None
    edge = _edge_attrs(rel, labels, "mutual")
    edge["via"] = {"id": rel["id"], "label_zh": rel["label_zh"] or _local(rel["id"]), "group": True}
    edge["member_role"] = _role_ref("party", labels, ns)
    return {"members": members, "edge": edge}


def _edge_attrs(rel: dict[str, Any], labels: dict[str, Labels], role: str) -> dict[str, Any]:
    via_iri = rel["id"] if rel["kind"] in ("park",) else (rel["orgs"][0] if rel["orgs"] else None)
    via = None
    if via_iri:
        lab = labels.get(via_iri, Labels())
        via = {"id": via_iri, "label_zh": lab.best(via_iri)}
    attrs = {
        "role": role,
        "relation": rel["id"],
        "kind": rel["kind"],
        "via": via,
        "level": rel["level"],
        "scheme": rel["scheme"],
        "domains": rel["domains"],
        "start": rel["start"],
        "end": rel["end"],
        "period": rel["period"],
        "sources": rel["sources"],
        "label_zh": rel["label_zh"],
        "shape": rel.get("shape"),
    }
    return attrs


def _party_role(rel: dict[str, Any], place: str) -> str:
    """The role ``place`` plays in ``rel`` (its most specific role property; the hub's is
    ``hub`` unless it has a more specific one)."""
    props = set(rel["roles"].get(place, ()))
    if rel.get("hub") == place:
        props.add("hub")
    return relation_model.role_of(props)


def build_snapshot(store: GraphStore, version: int) -> Snapshot:
    """Read the whole projection from the store."""
    labels = _read_labels(store, None)
    types = _read_place_types(store, None)
    parents = _read_parents(store, None)
    coords = _read_coords(store, None)

    nodes = {
        place: _node_attrs(place, kinds, labels, parents, coords) for place, kinds in types.items()
    }
    for place, attrs in nodes.items():
        _with_province(place, attrs, nodes, parents, labels)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)

    located = _read_located(store, None)
    infos = _read_relations(store, None, graph, located)
    sources = _read_sources(store, None)
    relations: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    groups: dict[str, dict[str, Any]] = {}
    ns = store.config.ontology_ns
    for rel, info in infos.items():
        record = relations[rel] = _record(rel, info, labels, sources, ns)
        edges.extend(_edges(record, graph, labels, ns))
        group = _group(record, graph, labels, ns)
        if group:
            groups[rel] = group
    graph.add_edges_from(edges)
    broader = _read_broader(store, None)
    return Snapshot(
        version,
        graph,
        labels,
        relations,
        children,
        broader,
        _parents=parents,
        _located=located,
        groups=groups,
    )


# -- incremental -------------------------------------------------------------------------------
class _GraphCopy:
    """A new ``MultiDiGraph`` sharing the old one's inner dicts until it changes them.

    The old graph is never modified (requests may still read it): the outer dicts are copied
    (C-speed, one entry per node), and a node's adjacency dict or a pair's key dict is copied the
    first time an edge there changes. Edge and node attribute dicts are shared, never mutated.
    """

    def __init__(self, old: nx.MultiDiGraph) -> None:
        graph = nx.MultiDiGraph()
        graph.graph.update(old.graph)
        graph._node = dict(old._node)  # noqa: SLF001 - see the class docstring
        graph._adj = dict(old._adj)  # noqa: SLF001 - also sets _succ
        graph._pred = dict(old._pred)  # noqa: SLF001
        self.graph = graph
        self._own_succ: set[str] = set()
        self._own_pred: set[str] = set()
        self._own_keys: set[tuple[str, str]] = set()

    def _succ(self, u: str) -> dict[str, Any]:
        succ = self.graph._succ  # noqa: SLF001
        if u not in self._own_succ:
            succ[u] = dict(succ[u])
            self._own_succ.add(u)
        return succ[u]

    def _pred(self, v: str) -> dict[str, Any]:
        pred = self.graph._pred  # noqa: SLF001
        if v not in self._own_pred:
            pred[v] = dict(pred[v])
            self._own_pred.add(v)
        return pred[v]

    def _keys(self, u: str, v: str) -> dict[str, Any] | None:
        """The (own) key dict of the pair u→v, shared by ``_succ[u][v]`` and ``_pred[v][u]``."""
        succ, pred = self._succ(u), self._pred(v)
        keys = succ.get(v)
        if keys is None:
            return None
        if (u, v) not in self._own_keys:
            keys = succ[v] = pred[u] = dict(keys)
            self._own_keys.add((u, v))
        return keys

    def remove_edge(self, u: str, v: str, key: str) -> None:
        if u not in self.graph._succ or v not in self.graph._succ[u]:  # noqa: SLF001
            return
        keys = self._keys(u, v)
        if keys is None or key not in keys:
            return
        del keys[key]
        if not keys:
            del self._succ(u)[v]
            del self._pred(v)[u]

    def add_edge(self, u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        keys = self._keys(u, v)
        if keys is None:
            keys = {}
            self._succ(u)[v] = keys
            self._pred(v)[u] = keys
            self._own_keys.add((u, v))
        keys[key] = attrs

    def set_node(self, n: str, attrs: dict[str, Any]) -> None:
        g = self.graph
        if n not in g._node:  # noqa: SLF001
            g._succ[n] = {}  # noqa: SLF001
            g._pred[n] = {}  # noqa: SLF001
            self._own_succ.add(n)
            self._own_pred.add(n)
        g._node[n] = attrs  # noqa: SLF001

    def remove_node(self, n: str) -> None:
        g = self.graph
        for v, keys in list(g._succ[n].items()):  # noqa: SLF001
            for key in list(keys):
                self.remove_edge(n, v, key)
        for u, keys in list(g._pred[n].items()):  # noqa: SLF001
            for key in list(keys):
                self.remove_edge(u, n, key)
        del g._node[n], g._succ[n], g._pred[n]  # noqa: SLF001


def _affected(store: GraphStore, touched: list[ChangedTriple]) -> set[str] | None:
    """The resources whose facts a write may have changed, or None when that cannot be bounded
    (then the caller rebuilds).

    Subjects of the touched triples; objects too where an inverse or symmetric property turns a
    triple into a fact about its object (the inference rules). The rules derive facts about the
    resources of the triples they read, except along transitive properties (only ``yrd:partOf``,
    which the projection reads from asserted graphs only) and after schema changes."""
    rules: dict[str, set[str]] = {"inverse": set(), "transitive": set()}
    for p, rule in store.query(Q_PROPERTY_RULES):  # type: ignore[misc]
        rules[rule.value].add(p.value)
    ns = store.config.ontology_ns
    if rules["transitive"] - {ns + "partOf"}:
        return None
    derivation_nodes = {
        o for s, p, o in touched if p == PROV + "qualifiedDerivation" and o and o.startswith("_:")
    }
    affected: set[str] = set()
    for s, p, o in touched:
        if p in SCHEMA_PREDICATES:
            return None
        if p == RDF + "type" and o is not None and o.startswith((OWL, RDFS, "?")):
            return None
        if s.startswith("_:"):
            if s not in derivation_nodes:
                return None  # a blank node we cannot name again: not a derivation of a relation
        else:
            affected.add(s)
        if p in rules["inverse"]:
            if o is None:
                continue
            if o.startswith(("_:", "?")):
                return None
            affected.add(o)
    return affected


def patch_snapshot(
    store: GraphStore, old: Snapshot, version: int, touched: list[ChangedTriple]
) -> Snapshot | None:
    """``old`` with the effect of writes that touched ``touched`` applied; None if the writes
    cannot be applied incrementally (the caller then rebuilds). ``old`` is not modified."""
    changed = _affected(store, touched)
    if changed is None:
        return None
    new_labels = _read_labels(store, changed)
    new_types = _read_place_types(store, changed)
    new_parents = _read_parents(store, changed)
    new_coords = _read_coords(store, changed)
    new_located = _read_located(store, changed)
    new_broader = _read_broader(store, changed)

    labels, parents, located, broader = (
        dict(old.labels),
        dict(old._parents),  # noqa: SLF001 - our own snapshot
        dict(old._located),  # noqa: SLF001
        dict(old.broader),
    )
    for mapping, fresh in (
        (labels, new_labels),
        (parents, new_parents),
        (located, new_located),
        (broader, new_broader),
    ):
        for iri in changed:
            mapping.pop(iri, None)
        mapping.update(fresh)  # type: ignore[arg-type]

    children = dict(old.children)
    for iri in changed:
        before, after = old._parents.get(iri), parents.get(iri)  # noqa: SLF001
        if before == after:
            continue
        if before is not None:
            siblings = [c for c in children.get(before, []) if c != iri]
            if siblings:
                children[before] = siblings
            else:
                children.pop(before, None)
        if after is not None:
            children[after] = [*children.get(after, []), iri]

    # which relations to re-read: the changed ones, and those that depend on a changed resource
    was_place = {iri for iri in changed if iri in old.graph}
    is_place = set(new_types)
    status = was_place ^ is_place
    relabelled = {iri for iri in changed if old.labels.get(iri) != labels.get(iri)}
    relocated = {
        iri
        for iri in changed
        if old._located.get(iri) != located.get(iri)  # noqa: SLF001
    }
    # a place moved in the hierarchy may have become (or stopped being) another's own unit:
    # the relations of its whole subtree are re-read (pairs never join a place with its unit)
    moved: set[str] = set()
    todo = [iri for iri in changed if old._parents.get(iri) != parents.get(iri)]  # noqa: SLF001
    while todo:
        iri = todo.pop()
        if iri not in moved:
            moved.add(iri)
            todo.extend(children.get(iri, []))
    party_deps = status | moved | ((relabelled | relocated) - (was_place & is_place))
    stale = set(changed)
    for query, iris in (
        (Q_DEP_PARTY, party_deps),
        (Q_DEP_LOCATED, status),
        (Q_DEP_LABEL, relabelled),
        (Q_DEP_DERIVATION, changed),
        (Q_DEP_SOURCE, changed),
    ):
        if iris:
            stale.update(rel.value for (rel,) in _rows(store, query, "r", iris))

    copy = _GraphCopy(old.graph)
    for rel in stale:
        record = old.relations.get(rel)
        if record is not None:
            for a, b in _pairs(record, old.graph)[0]:
                copy.remove_edge(a, b, rel)
    for place in was_place - is_place:
        copy.remove_node(place)
    nodes = copy.graph._node  # noqa: SLF001
    for place in is_place:
        copy.set_node(place, _node_attrs(place, new_types[place], labels, parents, new_coords))
    # a place's province (and its label) follows its ancestors: re-derive below every change
    below: set[str] = set()
    todo = list(changed)
    while todo:
        iri = todo.pop()
        if iri not in below:
            below.add(iri)
            todo.extend(children.get(iri, []))
    for place in below & nodes.keys():
        attrs = dict(nodes[place])
        copy.set_node(place, _with_province(place, attrs, nodes, parents, labels))

    graph = copy.graph
    infos = _read_relations(store, stale, graph, located)
    sources = _read_sources(store, set(infos))
    relations = dict(old.relations)
    groups = dict(old.groups)
    for rel in stale:
        relations.pop(rel, None)
        groups.pop(rel, None)
    ns = store.config.ontology_ns
    for rel, info in infos.items():
        record = relations[rel] = _record(rel, info, labels, sources, ns)
        for a, b, key, attrs in _edges(record, graph, labels, ns):
            copy.add_edge(a, b, key, attrs)
        group = _group(record, graph, labels, ns)
        if group:
            groups[rel] = group
    return Snapshot(
        version,
        graph,
        labels,
        relations,
        children,
        broader,
        _parents=parents,
        _located=located,
        groups=groups,
    )
