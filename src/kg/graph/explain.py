"""Relations as a traversal answer names them: from one place's point of view, with the place
references every answer shares, explained and JSON-encoded once per snapshot.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import networkx as nx

from kg.formats import json_text
from kg.graph.filters import undirected
from kg.graph.projection import Snapshot

_ROLE_FROM = {
    ("assists", True): "assists",
    ("assists", False): "assisted",
    ("transfers-to", True): "transfers-to",
    ("transfers-to", False): "receives-from",
}


def explain(edge: dict[str, Any], place: str) -> dict[str, Any]:
    """An edge as a relation entry from ``place``'s point of view: the partner's role and the
    asked place's own role, with the ontology's labels (帮扶方 / 受帮扶方 …)."""
    role = edge["role"]
    if role != "mutual":
        role = _ROLE_FROM[(role, edge["source"] == place)]
    other = edge["target"] if edge["source"] == place else edge["source"]
    roles = edge.get("roles") or {}
    return {
        "id": edge["relation"],
        "kind": edge["kind"],
        "label_zh": edge.get("label_zh"),
        "via": edge["via"],
        "role": role,
        "own_role": roles.get(place),
        "partner_role": roles.get(other),
        "shape": edge.get("shape"),
        "level": edge["level"],
        "scheme": edge["scheme"],
        "domains": edge["domains"],
        "period": edge["period"],
        "start": edge["start"],
        "end": edge["end"],
        "sources": edge["sources"],
    }


def _relation_key(rel: dict[str, Any]) -> tuple[str, str]:
    return rel["kind"], rel["id"]


#: How many explained relations each snapshot keeps (whole places, least recently used dropped).
EXPLAINED_CACHE_RELATIONS = 100_000

_Explained = dict[str, list[tuple[dict[str, Any], dict[str, Any]]]]


class _ExplainedCache:
    """Per snapshot: a place's relations to each neighbour, explained and sorted, once.

    Every partners answer for a place is a filtered selection of the same explained entries;
    building them (one dict per edge, a sort per neighbour) and JSON-encoding them again was
    most of a request. The entries are shared between answers and must not be modified."""

    def __init__(self, graph: nx.MultiGraph) -> None:
        self._adj = graph._adj
        self._entries: OrderedDict[str, tuple[_Explained, int]] = OrderedDict()
        self._size = 0
        # id(entry) -> (entry, its JSON or None): identity-checked, so a reused id never matches
        self._text: dict[int, tuple[dict[str, Any], bytes | None]] = {}
        self._lock = threading.Lock()

    def of(self, place: str) -> _Explained:
        """neighbour -> [(edge, explained relation)] sorted by (kind, id); shared, read-only."""
        with self._lock:
            found = self._entries.get(place)
            if found is not None:
                self._entries.move_to_end(place)
                return found[0]
        built: _Explained = {}
        size = 0
        for other, keyed in self._adj[place].items():
            pairs = [(edge, explain(edge, place)) for edge in keyed.values()]
            pairs.sort(key=lambda pair: _relation_key(pair[1]))
            built[other] = pairs
            size += len(pairs)
        with self._lock:
            if place in self._entries:  # another thread built it meanwhile: keep one copy
                return self._entries[place][0]
            self._entries[place] = (built, size)
            self._size += size
            for pairs in built.values():
                for _, rel in pairs:
                    self._text[id(rel)] = (rel, None)
            while self._size > EXPLAINED_CACHE_RELATIONS and len(self._entries) > 1:
                _, (dropped, dropped_size) = self._entries.popitem(last=False)
                self._size -= dropped_size
                for pairs in dropped.values():
                    for _, rel in pairs:
                        self._text.pop(id(rel), None)
        return built

    def json(self, rel: dict[str, Any]) -> bytes:
        """``rel`` as UTF-8 JSON, encoded once if it is one of the cached entries."""
        known = self._text.get(id(rel))
        if known is None or known[0] is not rel:
            return json_text(rel).encode()
        if known[1] is None:
            known = (rel, json_text(rel).encode())
            self._text[id(rel)] = known
        return known[1]


def _explained(snap: Snapshot) -> _ExplainedCache:
    graph = undirected(snap)  # outside: ``cached`` holds the snapshot's (non-reentrant) lock
    return snap.cached("traversal-explained", lambda: _ExplainedCache(graph))


def _place_refs(snap: Snapshot) -> dict[str, dict[str, Any]]:
    """Per snapshot: ``place_ref`` of each place asked about so far (filled lazily)."""
    return snap.cached("traversal-place-refs", dict)


def place_ref(
    snap: Snapshot, iri: str, refs: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A place as every answer names it: id, labels, type, province (a fresh dict).

    ``refs`` is the snapshot's ``_place_refs``, for callers naming hundreds of places per
    request (fetching it once each time takes the snapshot's cache lock)."""
    if refs is None:
        refs = _place_refs(snap)
    ref = refs.get(iri)
    if ref is None:
        data = snap.graph.nodes[iri] if iri in snap.graph else {}
        ref = refs[iri] = {
            "id": iri,
            "label_zh": snap.label(iri),
            "label_en": data.get("label_en"),
            "type": data.get("type"),
            "province": data.get("province_label"),
        }
    return dict(ref)


#: The keys of a direct partner entry, in order (``place_ref``'s, then the two ``partners`` adds).
_PARTNER_KEYS = ["id", "label_zh", "label_en", "type", "province", "relations", "hops"]


def _place_ref_json(snap: Snapshot) -> dict[str, bytes]:
    """Per snapshot: ``place_ref`` as UTF-8 JSON without its closing brace, per place (lazily)."""
    return snap.cached("traversal-place-ref-json", dict)
