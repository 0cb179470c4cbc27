"""Place names to IRIs: simplified or traditional Chinese, pinyin, short forms, IRIs.

One resolver for every endpoint and command that takes a place, so "盐城", "鹽城市", "Yancheng",
"yánchéng", "盐" and ".../id/place/yancheng" all mean the same node — and "Suzhou" (苏州 or
宿州?) is reported as ambiguous instead of silently picking one.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from kg.graph import gazetteer
from kg.graph.projection import Snapshot

MAX_QUERY_CHARS = 200
#: Administrative suffixes dropped so "盐城市" finds 盐城 and "Yancheng City" finds Yancheng.
_ZH_SUFFIXES = ("特别行政区", "自治区", "新区", "省", "市", "县", "区", "縣", "區")
_EN_SUFFIXES = (" city", " county", " district", " province", " shi", " xian", " qu")


class ResolveError(LookupError):
    """Base: carries what the HTTP layer needs to answer 4xx."""


class Unknown(ResolveError):
    def __init__(self, query: str, suggestions: list[dict[str, Any]]) -> None:
        self.query, self.suggestions = query, suggestions
        names = ", ".join(s["label_zh"] for s in suggestions) or "none"
        super().__init__(f"no place called {query!r}; closest names: {names}")


class Ambiguous(ResolveError):
    def __init__(self, query: str, candidates: list[dict[str, Any]]) -> None:
        self.query, self.candidates = query, candidates
        names = ", ".join(f"{c['label_zh']} ({c['id']})" for c in candidates)
        super().__init__(f"{query!r} is ambiguous: {names}")


class BadName(ResolveError):
    pass


def normalise(text: str) -> str:
    """Case-, tone- and width-insensitive key; drops spaces, hyphens and apostrophes."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-'’·_.]+", "", text)


def _stripped(key: str) -> str:
    for suffix in _ZH_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 0:
            stem = key[: -len(suffix)]
            if stem:
                return stem
    return key


def _en_stripped(text: str) -> str:
    low = " " + text.strip().lower()
    for suffix in _EN_SUFFIXES:
        if low.endswith(suffix):
            return low[: -len(suffix)]
    return low


@dataclass(frozen=True)
class Index:
    keys: dict[str, frozenset[str]]  # normalised name -> place IRIs
    display: dict[str, str]  # normalised name -> a shown form, for suggestions


def build_index(snap: Snapshot) -> Index:
    keys: dict[str, set[str]] = {}
    display: dict[str, str] = {}

    def add(name: str | None, iri: str) -> None:
        if not name:
            return
        for variant in {name, _en_stripped(name)}:
            key = normalise(variant)
            if not key:
                continue
            for k in {key, _stripped(key)}:
                keys.setdefault(k, set()).add(iri)
                display.setdefault(k, name)

    for iri in snap.graph.nodes:
        lab = snap.labels.get(iri)
        add(iri.rsplit("/", 1)[-1], iri)
        if lab:
            for name in (lab.zh, lab.hant, lab.en, *lab.alt):
                add(name, iri)
    return Index({k: frozenset(v) for k, v in keys.items()}, display)


def describe(snap: Snapshot, iri: str) -> dict[str, Any]:
    data = snap.graph.nodes[iri]
    parent = data.get("parent")
    return {
        "id": iri,
        "label_zh": data.get("label_zh"),
        "label_en": data.get("label_en"),
        "type": data.get("type"),
        "parent": {"id": parent, "label_zh": snap.label(parent)} if parent else None,
    }


def _by_id_tail(snap: Snapshot) -> dict[str, str]:
    """Per snapshot: what follows any ``/id/`` in a place IRI -> the last such place (node
    order), so a relative or foreign-host IRI is found without scanning every place."""

    def compute() -> dict[str, str]:
        tails: dict[str, str] = {}
        for iri in snap.graph.nodes:
            start = iri.find("/id/")
            while start != -1:
                tails[iri[start + 4 :]] = iri
                start = iri.find("/id/", start + 1)
        return tails

    return snap.cached("resolver-id-tails", compute)


def matches(snap: Snapshot, query: str) -> list[dict[str, Any]]:
    """Every place the query could mean (empty when none), best first."""
    text = _check(query)
    if text in snap.graph:
        return [describe(snap, text)]
    if "/id/" in text or text.startswith("id/"):
        tail = text.split("id/", 1)[1]
        candidate = _by_id_tail(snap).get(tail) or (snap.graph.has_node(text) and text)
        return [describe(snap, candidate)] if candidate else []
    index: Index = snap.cached("resolver-index", lambda: build_index(snap))
    key = normalise(text)
    found = index.keys.get(key) or index.keys.get(_stripped(key))
    if not found:
        key = normalise(_en_stripped(text))
        found = index.keys.get(key)
    if not found:
        found = _via_gazetteer(snap, index, text)
    if not found:
        return []
    return sorted(
        (describe(snap, iri) for iri in found),
        key=lambda m: (_type_rank(m["type"]), m["label_zh"] or "", m["id"]),
    )


def _via_gazetteer(snap: Snapshot, index: Index, text: str) -> frozenset[str]:
    """A GB/T 2260 code (``320100``) or another written form the gazetteer knows: the graph's
    place with that official name under a parent of the gazetteer parent's name."""
    try:
        gaz = gazetteer.load()
    except FileNotFoundError:
        return frozenset()
    units = [gaz.units[text]] if text in gaz.units else gaz.lookup(text)
    found = set()
    for unit in units:
        parent = gaz.parent(unit)
        for iri in index.keys.get(normalise(unit.name), ()):
            node_parent = snap.graph.nodes[iri].get("parent")
            if parent is None or node_parent is None or snap.label(node_parent) == parent.name:
                found.add(iri)
    return frozenset(found)


def resolve(snap: Snapshot, query: str) -> str:
    """Exactly one place IRI, or ``Unknown``/``Ambiguous`` with what to offer the user."""
    found = matches(snap, query)
    if len(found) == 1:
        return found[0]["id"]
    if found:
        raise Ambiguous(query, found)
    raise Unknown(query, suggestions(snap, query))


def suggestions(snap: Snapshot, query: str, n: int = 5) -> list[dict[str, Any]]:
    index: Index = snap.cached("resolver-index", lambda: build_index(snap))
    key = normalise(query)
    close = difflib.get_close_matches(key, list(index.keys), n=n * 2, cutoff=0.5)
    if not close:  # Chinese names are short: fall back to sharing a character
        close = [k for k in index.keys if key and any(ch in k for ch in key[:4])][: n * 2]
    seen: list[str] = []
    for k in close:
        for iri in sorted(index.keys[k]):
            if iri not in seen:
                seen.append(iri)
    return [describe(snap, iri) for iri in seen[:n]]


def _check(query: str) -> str:
    if query is None or not query.strip():
        raise BadName("a place name is required")
    if len(query) > MAX_QUERY_CHARS:
        raise BadName(f"place name too long ({len(query)} characters; limit {MAX_QUERY_CHARS})")
    if any(unicodedata.category(ch) == "Cc" for ch in query):
        raise BadName("place name contains control characters")
    return query.strip()


def _type_rank(place_type: str | None) -> int:
    order = [
        "Municipality",
        "Province",
        "PrefectureLevelCity",
        "CountyLevelCity",
        "County",
        "District",
    ]
    return order.index(place_type) if place_type in order else len(order)
