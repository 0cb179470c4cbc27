"""The networkx projection of the co-operation graph, built from the store with SPARQL.

Traversal questions ("every partner of 盐城", shortest paths, centrality) are graph questions;
answering them with property paths costs time that grows with the data. So the store is read
once per *version* into an in-memory ``MultiDiGraph`` (places as nodes, one edge per relation and
pair of parties), and every request reads that immutable snapshot. A write bumps the store's
version and the next reader rebuilds; nothing is rebuilt per request.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

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

Q_RELATIONS = """
SELECT ?rel ?cls ?prop ?party WHERE {
  ?rel a ?cls .
  ?cls rdfs:subClassOf* yrd:CooperationRelation .
  ?rel ?prop ?party .
  VALUES ?prop { yrd:party yrd:assistingParty yrd:assistedParty yrd:originParty
                 yrd:destinationParty yrd:hostPlace }
}"""

Q_LOCATED = "SELECT ?org ?place WHERE { ?org yrd:locatedIn ?place }"

Q_ATTRS = """
SELECT ?rel ?prop ?value WHERE {
  ?rel a ?cls .
  ?cls rdfs:subClassOf* yrd:CooperationRelation .
  ?rel ?prop ?value .
  VALUES ?prop { yrd:level yrd:scheme yrd:domain yrd:startYear yrd:endYear yrd:year
                 yrd:periodText yrd:parkType yrd:leadIndustry yrd:approvalYear yrd:status }
}"""

Q_SOURCES = """
SELECT ?rel ?src ?quote ?title WHERE {
  ?rel prov:qualifiedDerivation ?d .
  ?d prov:entity ?src ; yrd:quote ?quote .
  OPTIONAL { ?src dcterms:title ?title }
}"""

Q_BROADER = "SELECT ?c ?broader WHERE { ?c skos:broader ?broader }"


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _year(value: str) -> int | None:
    try:
        return int(value[:5] if value.startswith("-") else value[:4])
    except ValueError:
        return None


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
    """One immutable view of the co-operation network at a store version."""

    version: int
    graph: nx.MultiDiGraph
    labels: dict[str, Labels]
    relations: dict[str, dict[str, Any]]
    children: dict[str, list[str]]
    broader: dict[str, set[str]]
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

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
    """Holds the current snapshot and rebuilds it when the store's version moves."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self.builds = 0

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and current.version == self._store.version:
            return current
        with self._lock:
            version = self._store.version
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = build_snapshot(self._store, version)
                self.builds += 1
            return self._snapshot

    def graph(self) -> nx.MultiDiGraph:
        return self.snapshot().graph


def build_snapshot(store: GraphStore, version: int) -> Snapshot:
    ns = store.config.ontology_ns
    labels: dict[str, Labels] = {}
    for row in store.select(Q_LABELS):
        x = row["x"]
        if not isinstance(x, ox.NamedNode):
            continue
        lab = labels.setdefault(x.value, Labels())
        if "label" in row:
            lit = row["label"]
            lang = (lit.language or "").lower()
            if lang in ("zh-hans", "zh", "zh-cn") and lab.zh is None:
                lab.zh = lit.value
            elif lang == "zh-hant" and lab.hant is None:
                lab.hant = lit.value
            elif lang.startswith("en") and lab.en is None:
                lab.en = lit.value
            elif not lang and lab.zh is None:
                lab.zh = lit.value
        elif "alt" in row:
            lab.alt.append(row["alt"].value)

    types: dict[str, set[str]] = {}
    for row in store.select(Q_PLACES):
        if isinstance(row["p"], ox.NamedNode) and row["type"].value.startswith(ns):
            types.setdefault(row["p"].value, set()).add(row["type"].value[len(ns) :])

    parents: dict[str, str] = {}
    inferred = ox.NamedNode(store.config.inferred_graph)
    for row in store.select(Q_PARENTS.replace("?inferred", str(inferred))):
        parents.setdefault(row["p"].value, row["parent"].value)
    coords = {
        row["p"].value: (float(row["lat"].value), float(row["lon"].value))
        for row in store.select(Q_COORDS)
    }

    graph = nx.MultiDiGraph()
    for place, kinds in types.items():
        place_type = next((t for t in PLACE_TYPES if t in kinds), "Place")
        lab = labels.get(place, Labels())
        lat, lon = coords.get(place, (None, None))
        graph.add_node(
            place,
            label_zh=lab.best(place),
            label_en=lab.en,
            type=place_type,
            parent=parents.get(place),
            lat=lat,
            lon=lon,
        )
    for place in graph.nodes:
        province = _province_of(place, graph, parents)
        graph.nodes[place]["province"] = province
        graph.nodes[place]["province_label"] = (
            labels.get(province, Labels()).best(province) if province else None
        )
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)

    located = {row["org"].value: row["place"].value for row in store.select(Q_LOCATED)}
    relations = _relations(store, graph, located)
    sources = _sources(store)

    for rel, info in relations.items():
        kind = next((KINDS[c] for c in sorted(info["classes"]) if c in KINDS), "other")
        start = _year(info.get("startYear", [""])[0]) if "startYear" in info else None
        end = _year(info.get("endYear", [""])[0]) if "endYear" in info else None
        years = sorted(y for y in (_year(v) for v in info.get("year", [])) if y is not None)
        approval = [y for y in (_year(v) for v in info.get("approvalYear", [])) if y is not None]
        if start is None and years:
            start = years[0]
            end = end if end is not None else years[-1]
        if start is None and approval:
            start = approval[0]
        period = info.get("periodText", [None])[0]
        if period is None and start is not None:
            period = (
                f"{start}–{end}" if end and end != start else (f"{start}" if end else f"{start}–")
            )
        scheme = info.get("scheme", [None])[0]
        level = info.get("level", [None])[0]
        domain_ids = sorted(set(info.get("domain", [])))
        lab = labels.get(rel, Labels())
        record = {
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
                for d in domain_ids
            ],
            "start": start,
            "end": end,
            "period": period,
            "sources": sorted(sources.get(rel, []), key=lambda s: (s["id"], s["quote"])),
            "host": info["host"],
            "orgs": sorted(info["orgs"]),
            "roles": {p: sorted(r) for p, r in info["roles"].items()},
            "park_type": [_local(t) for t in info.get("parkType", [])],
            "lead_industries": sorted(info.get("leadIndustry", [])),
        }
        relations[rel] = record
        _add_edges(graph, record, labels)

    broader: dict[str, set[str]] = {}
    for row in store.select(Q_BROADER):
        broader.setdefault(row["c"].value, set()).add(row["broader"].value)
    return Snapshot(version, graph, labels, relations, children, broader)


# Relations, their attributes and sources are read with index-friendly queries (one predicate
# at a time) and joined in Python: the single join of the generic queries above (every typed
# resource x rdfs:subClassOf* x its properties) took most of a rebuild at 10^5 relations.
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
                 yrd:periodText yrd:parkType yrd:leadIndustry yrd:approvalYear yrd:status }
  ?rel ?prop ?value .
}"""
Q_DERIVATIONS = """
SELECT ?rel ?src ?quote WHERE {
  ?rel prov:qualifiedDerivation ?d .
  ?d prov:entity ?src ; yrd:quote ?quote .
}"""
Q_TITLES = "SELECT ?src ?title WHERE { ?src dcterms:title ?title }"


def _relations(
    store: GraphStore, graph: nx.MultiDiGraph, located: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """What ``Q_RELATIONS`` + ``Q_ATTRS`` give, each attribute value once per relation."""
    class_iris = [row["cls"] for row in store.select(Q_RELATION_CLASSES)]
    classes_of: dict[str, set[str]] = {}
    if class_iris:
        values = " ".join(str(c) for c in class_iris if isinstance(c, ox.NamedNode))
        for rel, cls in store.query(Q_TYPED % values):
            classes_of.setdefault(rel.value, set()).add(_local(cls.value))
    relations: dict[str, dict[str, Any]] = {}
    for rel_term, prop_term, party_term in store.query(Q_ROLE_VALUES):
        rel = rel_term.value
        classes = classes_of.get(rel)
        if classes is None:
            continue
        info = relations.get(rel)
        if info is None:
            info = relations[rel] = {
                "classes": classes,
                "roles": {},
                "orgs": set(),
                "host": None,
            }
        prop, party = _local(prop_term.value), party_term.value
        if prop == "hostPlace":
            info["host"] = party
            continue
        if party not in graph and party in located:
            info["orgs"].add(party)
            party = located[party]
        info["roles"].setdefault(party, set()).add(prop)
    for rel_term, prop_term, value in store.query(Q_ATTR_VALUES):
        info = relations.get(rel_term.value)
        if info is None:
            continue
        values = info.setdefault(_local(prop_term.value), [])
        if value.value not in values:  # a value stated in two graphs (or typed twice) counts once
            values.append(value.value)
    return relations


def _sources(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """What ``Q_SOURCES`` gives: one entry per derivation (and title of its source)."""
    titles: dict[str, list[str]] = {}
    for src, title in store.query(Q_TITLES):
        titles.setdefault(src.value, []).append(title.value)
    sources: dict[str, list[dict[str, Any]]] = {}
    for rel, src, quote in store.query(Q_DERIVATIONS):
        for title in titles.get(src.value) or [None]:
            sources.setdefault(rel.value, []).append(
                {"id": src.value, "title": title, "quote": quote.value}
            )
    return sources


def _province_of(place: str, graph: nx.MultiDiGraph, parents: dict[str, str]) -> str | None:
    current: str | None = place
    seen: set[str] = set()
    while current and current not in seen:
        seen.add(current)
        if current in graph and graph.nodes[current]["type"] in PROVINCE_TYPES:
            return current
        current = parents.get(current)
    return None


def _add_edges(graph: nx.MultiDiGraph, rel: dict[str, Any], labels: dict[str, Labels]) -> None:
    """One edge per ordered pair of place parties: assisting→assisted, else both directions once."""
    roles: dict[str, list[str]] = rel["roles"]
    places = [p for p in roles if p in graph]
    assisting = [p for p in places if "assistingParty" in roles[p] or "originParty" in roles[p]]
    assisted = [p for p in places if "assistedParty" in roles[p] or "destinationParty" in roles[p]]
    via_iri = rel["id"] if rel["kind"] in ("park",) else (rel["orgs"][0] if rel["orgs"] else None)
    via = None
    if via_iri:
        lab = labels.get(via_iri, Labels())
        via = {"id": via_iri, "label_zh": lab.best(via_iri)}
    attrs = {
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
    }
    if assisting and assisted:
        pairs = [(a, b) for a in assisting for b in assisted if a != b]
        role = "assists" if rel["kind"] != "transfer" else "transfers-to"
    else:
        pairs = list(itertools.combinations(sorted(places), 2))
        role = "mutual"
    for a, b in pairs:
        graph.add_edge(a, b, key=rel["id"], role=role, **attrs)
