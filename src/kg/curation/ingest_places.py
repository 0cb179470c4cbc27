"""Finding places in an article: the graph's places and the gazetteer's units, by any name.

Names come from data only: every label and alias of a graph place (simplified, traditional,
the one-character short forms such as 宁 甬 苏 in compounds), and every official and short name
of a gazetteer unit. A gazetteer unit that a graph place carries (``yrd:adminCode``) is that
place; others get a deterministic IRI from their pinyin (plus the code when the pinyin is not
unique), so the same unit is the same node in every article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kg.graph import gazetteer as gaz_mod

#: Short forms too generic to be a place on their own (GB/T 2260 names like 郊区, 城区).
GENERIC = {"城区", "郊区", "矿区", "新区", "市区", "开发区", "高新区", "经开区", "园区"}
#: "our city/county": the article's home place (resolved from title, publisher, text clues).
HOME_WORDS = ("我市", "本市", "全市", "我县", "本县", "全县", "我区", "本区", "全区")
ADMIN_CLASSES = {
    "Province",
    "Municipality",
    "AutonomousRegion",
    "PrefectureLevelCity",
    "County",
    "CountyLevelCity",
    "District",
}


@cache
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _char_t2s(ch: str) -> str:
    out = _t2s().convert(ch)
    return out if len(out) == 1 else ch


def simplified(text: str) -> str:
    """Character by character, so every offset in the result is an offset in ``text``."""
    return "".join(_char_t2s(ch) for ch in text)


@dataclass
class Place:
    iri: str  # CURIE, e.g. place:nanjing
    label_zh: str
    cls: str
    code: str | None = None
    label_en: str | None = None
    parent: str | None = None  # CURIE of the parent place
    in_graph: bool = True
    names: set[str] = field(default_factory=set)
    short1: set[str] = field(default_factory=set)  # one-character forms (宁, 甬)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    candidates: list[Place]
    home: bool = False
    clue: bool = False  # followed by 市委, 市驻, 行动计划 …: the article's own city

    @property
    def place(self) -> Place | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


class PlaceIndex:
    """Every name a place may be written with, for longest-match scanning."""

    def __init__(self, graph_places: list[Place], gaz: gaz_mod.Gazetteer) -> None:
        self.gaz = gaz
        self.places: dict[str, Place] = {p.iri: p for p in graph_places}
        by_code = {p.code: p for p in graph_places if p.code}
        taken = Counter(p.iri for p in graph_places)
        slugs = Counter(u.pinyin.lower().replace("'", "") for u in gaz.units.values())
        self.by_code: dict[str, Place] = {}
        for unit in sorted(gaz.units.values(), key=lambda u: u.code):
            place = by_code.get(unit.code)
            if place is None:
                slug = re.sub(r"[^a-z]", "", unit.pinyin.lower())
                iri = f"place:{slug}"
                if slugs[unit.pinyin.lower().replace("'", "")] > 1 or taken[iri]:
                    iri = f"place:{slug}-{unit.code}"
                place = Place(iri, unit.name, unit.cls, unit.code, unit.pinyin, in_graph=False)
                self.places[iri] = place
            place.names |= {simplified(n) for n in unit.names if n not in GENERIC}
            self.by_code[unit.code] = place
        for unit in gaz.units.values():  # parents once every unit has its place
            place = self.by_code[unit.code]
            if place.parent is None and unit.parent:
                place.parent = self.by_code[unit.parent].iri
        self.names: dict[str, list[Place]] = {}
        for place in self.places.values():
            for name in place.names:
                if len(name) >= 2 and name not in GENERIC:
                    self.names.setdefault(name, []).append(place)
        self.longest = max(map(len, self.names), default=1)
        self.short1: dict[str, list[Place]] = {}
        for place in graph_places:
            for ch in place.short1:
                self.short1.setdefault(ch, []).append(place)

    def scan(self, text: str) -> list[Mention]:
        """Longest names first, left to right, over the simplified text."""
        out: list[Mention] = []
        i = 0
        while i < len(text):
            for n in range(min(self.longest, len(text) - i), 1, -1):
                found = self.names.get(text[i : i + n])
                if found:
                    out.append(Mention(i, i + n, text[i : i + n], list(found)))
                    i += n
                    break
            else:
                for word in HOME_WORDS:
                    if text.startswith(word, i):
                        out.append(Mention(i, i + 2, word, [], home=True))
                        i += 2
                        break
                else:
                    i += 1
        return out

    def ancestors(self, place: Place) -> list[Place]:
        out = []
        while place.parent and place.parent in self.places:
            place = self.places[place.parent]
            out.append(place)
        return out


def graph_places(rows: list[dict[str, Any]]) -> list[Place]:
    """Places from rows of ``PLACES_QUERY`` (iri, cls, label, name, code, parent)."""
    found: dict[str, Place] = {}
    for row in rows:
        iri = row["iri"]
        place = found.get(iri)
        if place is None:
            place = found[iri] = Place(iri, row.get("label") or iri, row.get("cls") or "Place")
        if place.cls in BROAD and row.get("cls") and row["cls"] not in BROAD:
            place.cls = row["cls"]
        if row.get("code"):
            place.code = row["code"]
        if row.get("en"):
            place.label_en = row["en"]
        if row.get("parent"):
            place.parent = row["parent"]
        name = row.get("name")
        if name:
            name = simplified(name)
            if len(name) == 1:
                place.short1.add(name)
            else:
                place.names.add(name)
    for place in found.values():
        place.names.add(simplified(place.label_zh))
    return list(found.values())


PLACES_QUERY = """
PREFIX yrd: <{base}ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iri ?cls ?label ?en ?name ?code ?parent WHERE {{
  ?iri a ?c . ?c rdfs:subClassOf* yrd:Place .
  FILTER(STRSTARTS(STR(?iri), "{base}id/place/"))
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
  OPTIONAL {{ ?iri rdfs:label ?label FILTER(langMatches(lang(?label), "zh-Hans")) }}
  OPTIONAL {{ ?iri rdfs:label ?en FILTER(langMatches(lang(?en), "en")) }}
  OPTIONAL {{ ?iri rdfs:label|skos:altLabel ?name FILTER(langMatches(lang(?name), "zh")) }}
  OPTIONAL {{ ?iri yrd:adminCode ?code }}
  OPTIONAL {{ GRAPH ?g {{ ?iri yrd:partOf ?parent }} FILTER(!STRENDS(STR(?g), "/inferred")) }}
}}"""
#: classes every place also has by inference: never the one to show
BROAD = {"Place", "AdministrativeUnit", "ProvinceLevelUnit", "CountyLevelUnit"}


def rows_from_store(store: Any, base: str) -> list[dict[str, Any]]:
    """Run ``PLACES_QUERY`` on a GraphStore and shorten IRIs to ``place:`` CURIEs."""
    prefix = base + "id/place/"

    def curie(value: str) -> str:
        return "place:" + value[len(prefix) :] if value.startswith(prefix) else value

    out = []
    for row in store.select(PLACES_QUERY.format(base=base)):
        item = {k: v.value for k, v in row.items()}
        item["iri"] = curie(item["iri"])
        if "parent" in item:
            item["parent"] = curie(item["parent"])
        out.append(item)
    return out
