"""One immutable view of the co-operation network at a store version, and the vocabulary of
its nodes and edges (relation kinds, place types).

Readers (traversal, exports, pages) hold a ``Snapshot``; ``kg.graph.projection`` renews it when the
store's version moves, by a full build (``kg.graph.projection_build``) or a patch
(``kg.graph.projection_patch``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

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


#: A changed triple as ``kg.store.writes`` reports it: subject (IRI, or ``_:id`` for a blank node),
#: predicate IRI, object (IRI, ``_:id``, ``?`` for "any", None for a literal).
ChangedTriple = tuple[str, str, str | None]


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class Labels:
    zh: str | None = None
    en: str | None = None
    hant: str | None = None
    alt: list[str] = field(default_factory=list)

    def best(self, fallback: str) -> str:
        return self.zh or self.hant or self.en or local_name(fallback)


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
    #: see ``kg.graph.network_groups``)
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
