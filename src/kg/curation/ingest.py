"""``kg ingest`` / ``POST /api/ingest``: an article in, candidate facts with their sentences out.

Nothing is written here. The candidates are for a person to review (``/ingest``) or to edit in
a curated fact file; each carries the verbatim sentence it came from, the rule that found it
(``evidence``) and a rough confidence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kg.curation import ingest_rules as rules
from kg.curation.ingest_places import ADMIN_CLASSES as ADMIN
from kg.curation.ingest_places import Mention, Place, PlaceIndex, simplified

MAX_TEXT_CHARS = 200_000


class IngestError(ValueError):
    """Bad input (empty or oversized text, bad metadata): the caller answers 4xx / Error:."""


@dataclass
class Meta:
    title: str | None = None
    date: str | None = None  # ISO date or year as the article states it
    url: str | None = None
    publisher: str | None = None
    place: str | None = None  # the article's home place, if the caller knows it

    @property
    def year(self) -> int | None:
        m = re.match(r"((?:19|20)\d\d)", self.date or "")
        return int(m.group(1)) if m else None

    def article(self) -> dict[str, str | None]:
        """What a curated fact file's ``article:`` says about the source (not its home place)."""
        fields = ("title", "date", "url", "publisher")
        return {name: getattr(self, name) for name in fields}


@dataclass
class Candidate:
    kind: str
    parties: list[tuple[Place, str | None]]
    quote: str
    start: int
    end: int
    date: str | None
    domains: list[str]
    confidence: float
    evidence: list[str]
    name: str | None = None
    shape: str = "pair"

    def key(self) -> tuple[str, frozenset[str]]:
        return (self.kind, frozenset(p.iri for p, _ in self.parties))


@dataclass
class Analysis:
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    places: dict[str, tuple[Place, int]] = field(default_factory=dict)
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    home: Place | None = None
    home_evidence: str | None = None


def check_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise IngestError("the article text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(f"the article is too long ({len(text)} > {MAX_TEXT_CHARS} characters)")
    return text


def analyse(
    text: str, meta: Meta, index: PlaceIndex, domains: list[tuple[str, list[str]]]
) -> Analysis:
    text = check_text(text)
    simp = simplified(text)
    out = Analysis(text)
    mentions = [m for m in index.scan(simp) if not rules.MEDIA.match(simp, m.end)]
    for m in mentions:
        m.clue = bool(rules.HOME_CLUE.match(simp, m.end))
    mentions = _nested(mentions, index)
    _disambiguate(mentions, index, out)
    out.home, out.home_evidence = _home(mentions, meta, index)
    for m in mentions:
        if m.home and out.home is not None:
            m.candidates = [out.home]
        elif m.home:
            out.unresolved.append({"text": m.text, "offset": m.start, "reason": "home place"})
    for m in mentions:
        if m.place is not None:
            place, n = out.places.get(m.place.iri, (m.place, 0))
            out.places[m.place.iri] = (place, n + 1)
    abbreviations = _abbreviations(index, out)
    spans = rules.sentences(text)
    recent_cue: list[tuple[int, list[str]]] = []
    for number, (s, e) in enumerate(spans):
        sentence = simp[s:e]
        inside = [m for m in mentions if s <= m.start and m.end <= e and m.place is not None]
        cues = rules.cues_in(sentence)
        inherited = False
        if not cues and _looks_like_list(sentence, inside):
            for n, c in reversed(recent_cue):
                if number - n <= 4:
                    cues, inherited = c, True
                    break
        if cues:  # a list line passes its heading's cue on to the next line
            recent_cue.append((number, cues))
        found = _parks(simp, s, e, inside, abbreviations)
        if cues:
            found += _pairs(simp, s, e, inside, cues, inherited)
            found += _agreement(simp, s, e, inside, cues, out.home)
        for c in found:
            c.quote = text[s:e]
            c.start, c.end = s, e
            c.date = rules.date_in(sentence, meta.year)
            c.domains = _domains(sentence, domains)
        _merge(out.candidates, found)
    return out


# --- places ---------------------------------------------------------------------------------
def _nested(mentions: list[Mention], index: PlaceIndex) -> list[Mention]:
    """``上海市普陀区``, ``安徽省宣城市``: a place written right after its own parent is that
    child (and the parent decides which 普陀区 it is); the parent is not a separate mention."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.end == m.start and prev.candidates and m.candidates:
            parents = {c.iri for c in prev.candidates}
            under = [c for c in m.candidates if {a.iri for a in index.ancestors(c)} & parents]
            if under:
                m.candidates = under
                m.start, m.text = prev.start, prev.text + m.text
                out[-1] = m
                continue
        out.append(m)
    return out


def _disambiguate(mentions: list[Mention], index: PlaceIndex, out: Analysis) -> None:
    """A name several places share: the one whose city the article also names, else the
    graph's, else a higher level; what stays ambiguous is reported, not guessed."""
    sure = {m.place.iri for m in mentions if m.place is not None}
    for m in mentions:
        if len(m.candidates) < 2:
            continue
        near = [c for c in m.candidates if {a.iri for a in index.ancestors(c)} & sure]
        pool = near or [c for c in m.candidates if c.in_graph] or m.candidates
        if len(pool) > 1:
            levels = Counter(_level(c) for c in pool)
            top = min(levels)
            if levels[top] == 1:
                pool = [c for c in pool if _level(c) == top]
        if len(pool) == 1:
            m.candidates = pool
        else:
            out.unresolved.append(
                {
                    "text": m.text,
                    "offset": m.start,
                    "reason": "ambiguous",
                    "candidates": [c.iri for c in pool],
                }
            )
            m.candidates = []


def _level(place: Place) -> int:
    order = ("Municipality", "Province", "AutonomousRegion", "PrefectureLevelCity")
    return order.index(place.cls) if place.cls in order else len(order)


def _home(
    mentions: list[Mention], meta: Meta, index: PlaceIndex
) -> tuple[Place | None, str | None]:
    """我市 / 本市: the caller's --place, else the city the title, publisher and text name most."""
    if not any(m.home for m in mentions):
        return None, None
    if meta.place:
        found = index.names.get(simplified(meta.place)) or index.names.get(
            simplified(meta.place).rstrip("市县区")
        )
        if found and len(found) == 1:
            return found[0], f"我市 = {found[0].label_zh} (given)"
    cities = ("PrefectureLevelCity", "CountyLevelCity", "County", "Municipality", "District")
    score: Counter[str] = Counter()
    by_iri: dict[str, Place] = {}
    for source, weight in ((meta.title, 3), (meta.publisher, 2)):
        for m in index.scan(simplified(source or "")):
            if m.place is not None and m.place.cls in cities:
                score[m.place.iri] += weight
                by_iri[m.place.iri] = m.place
    for m in mentions:
        if m.place is not None and m.place.cls in cities:
            score[m.place.iri] += 1 + (4 if m.clue else 0)
            by_iri[m.place.iri] = m.place
    if not score:
        return None, None
    (best, n), *rest = score.most_common(2) + [("", 0)]
    if rest and rest[0][1] == n:
        return None, None
    return by_iri[best], f"我市 = {by_iri[best].label_zh} (named most: {n})"


def _abbreviations(index: PlaceIndex, out: Analysis) -> dict[str, Place]:
    """One-character forms: the graph's (宁 甬 锡 …) and the first character of each city the
    article names (宿 for 宿迁 when 宿迁 is named), unless two such cities share it."""
    found: dict[str, Place] = {}
    for ch, places in index.short1.items():  # curated forms first
        named = [p for p in places if p.iri in out.places]
        if len(named) == 1:
            found[ch] = named[0]
        elif len(places) == 1:
            found[ch] = places[0]
    first: dict[str, list[Place]] = {}
    for place, _n in out.places.values():
        if place.cls in (
            "PrefectureLevelCity",
            "Municipality",
            "CountyLevelCity",
            "County",
            "District",
        ):
            first.setdefault(place.label_zh[0], []).append(place)
    for ch, places in first.items():
        if len(places) == 1 and ch not in found:
            found[ch] = places[0]
    return found


# --- rules ----------------------------------------------------------------------------------
def _looks_like_list(sentence: str, inside: list[Mention]) -> bool:
    """A line of a pairing list: places joined by dashes, little else."""
    return len(inside) >= 2 and bool(re.search(r"——|—|－", sentence)) and len(sentence) < 80


def _pairs(
    simp: str, s: int, e: int, inside: list[Mention], cues: list[str], inherited: bool
) -> list[Candidate]:
    out = []
    kind = rules.kind_for(simp[s:e] if not inherited else "".join(cues))
    strong = any(c in rules.STRONG for c in cues)
    i = 0
    used: set[int] = set()
    while i < len(inside) - 1:
        a, b = inside[i], inside[i + 1]
        gap = simp[a.end : b.start]
        m = rules.PAIR_GAP.match(gap)
        if m and a.place is not b.place:
            roles = ("assisting", "assisted") if m.group("assist") else (None, None)
            evidence = [f"pair: {a.text}{gap}{b.text}", *(f"cue: {c}" for c in cues[:3])]
            if inherited:
                evidence.append("pairing list under a heading")
            conf = (
                0.6 + (0.2 if strong else 0) + (0.1 if a.place.in_graph and b.place.in_graph else 0)
            )
            out.append(
                Candidate(
                    kind,
                    [(a.place, roles[0]), (b.place, roles[1])],
                    "",
                    s,
                    e,
                    None,
                    [],
                    round(min(conf, 0.95), 2),
                    evidence,
                )
            )
            used |= {i, i + 1}
            i += 2
            continue
        i += 1
    rest = [m for n, m in enumerate(inside) if n not in used]
    distinct = list({m.place.iri: m.place for m in rest}.values())
    admin = all(p.cls in ADMIN for p in distinct)
    real_cue = any(c not in rules.WEAK for c in cues)
    if not out and len(distinct) == 2 and admin and real_cue:
        out.append(
            Candidate(
                kind,
                [(p, None) for p in distinct],
                "",
                s,
                e,
                None,
                [],
                0.4 + (0.1 if strong else 0),
                [f"two places and cue: {', '.join(cues[:3])}"],
            )
        )
    elif not out and len(distinct) >= 3 and _enumerated(simp, rest):
        out.append(
            Candidate(
                kind,
                [(p, None) for p in distinct],
                "",
                s,
                e,
                None,
                [],
                0.5,
                [f"enumerated places and cue: {', '.join(cues[:3])}"],
                shape="group",
            )
        )
    return out


def _enumerated(simp: str, mentions: list[Mention]) -> bool:
    """Places listed with 、 and closed by a count (四市, 两地) or a joint-action word."""
    gaps = [simp[a.end : b.start] for a, b in zip(mentions, mentions[1:], strict=False)]
    if not gaps or not all(rules.ENUM_GAP.match(g) or g in ("与", "和") for g in gaps):
        return False
    after = simp[mentions[-1].end : mentions[-1].end + 8]
    return bool(rules.COUNT_WORDS.match(after)) or any(w in after for w in rules.GROUP_CUES)


def _parks(
    simp: str, s: int, e: int, inside: list[Mention], abbr: dict[str, Place]
) -> list[Candidate]:
    out = []
    for m in rules.PARK_SUFFIX.finditer(simp, s, e):
        lo = max(s, m.start() - 14)
        named = [x for x in inside if lo <= x.start and x.end <= m.start()]
        start = None
        parties: list[Place] = []
        if len(named) >= 2 and named[-1].place is not named[-2].place:
            a, b = named[-2], named[-1]
            if simp[a.end : b.start] in ("", "·", "—", "、"):
                start, parties = a.start, [a.place, b.place]
        if start is None:
            for j in range(m.start() - 2, lo - 1, -1):
                x, y = abbr.get(simp[j]), abbr.get(simp[j + 1])
                before = simp[j - 1] if j > 0 else "。"
                bounded = not ("\u4e00" <= before <= "\u9fff") or before in rules.FUNCTION_CHARS
                if (
                    x
                    and y
                    and x is not y
                    and bounded
                    and not any(t.start <= j < t.end for t in inside)
                ):
                    start, parties = j, [x, y]
                    break
        if start is None:
            continue
        name = simp[start : m.end()]
        out.append(
            Candidate(
                "Park",
                [(p, None) for p in parties],
                "",
                s,
                e,
                None,
                [],
                0.8,
                [f"park named after two places: {name}"],
                name=name,
            )
        )
    return out


def _agreement(
    simp: str, s: int, e: int, inside: list[Mention], cues: list[str], home: Place | None
) -> list[Candidate]:
    sentence = simp[s:e]
    if not rules.AGREEMENT.search(sentence):
        return []
    m = rules.AGREEMENT_NAME.search(sentence)
    if not m:
        return []
    parties = list({x.place.iri: x.place for x in inside}.values())
    if len(parties) == 1 and home is not None and home is not parties[0]:
        parties.append(home)
    if len(parties) < 2:
        return []
    name = m.group(1) or m.group(2)
    return [
        Candidate(
            "Agreement",
            [(p, None) for p in parties],
            "",
            s,
            e,
            None,
            [],
            0.7,
            [f"signed: {name}"],
            name=name,
            shape="pair" if len(parties) == 2 else "group",
        )
    ]


def _domains(sentence: str, domains: list[tuple[str, list[str]]]) -> list[str]:
    return [slug for slug, labels in domains if any(lab in sentence for lab in labels)]


def _merge(into: list[Candidate], found: list[Candidate]) -> None:
    """One candidate per kind and set of parties: the first sentence, the best confidence."""
    for c in found:
        twin = next((x for x in into if x.key() == c.key()), None)
        if twin is None:
            into.append(c)
        elif c.confidence > twin.confidence:
            twin.confidence = c.confidence
            twin.evidence = list(dict.fromkeys(twin.evidence + c.evidence))
