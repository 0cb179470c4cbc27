"""Reviewed candidates -> a curated fact file (YAML), the one format every write goes through.

``kg ingest --curate`` saves it under graph_data/facts/ for a curator (then ``kg build``);
``POST /api/ingest/accept`` builds it at once with the same checks (kg.curation.curated_build) and
writes the Turtle into the article's own named graph. So a fact accepted on the page and a fact
typed by a curator are refused for the same reasons, with the same messages.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from kg.curation.ingest_places import PlaceIndex

KIND_PREFIX = {"Pairing": "pairing", "Park": "park", "Agreement": "agreement"}
KIND_ZH = {
    "Pairing": "结对合作",
    "Park": "共建园区",
    "Agreement": "合作协议",
    "IndustryTransfer": "产业转移",
    "LiaisonOffice": "联络处",
    "CadreExchange": "干部交流",
    "TransportLink": "交通联系",
    "InnovationCooperation": "创新合作",
    "EnterpriseCooperation": "企业合作",
    "CooperationActivity": "合作",
    "InstitutionPairing": "机构结对",
}
ROLES = ("assisting", "assisted", "origin", "destination")
KIND_EN = {
    "Pairing": "pairing",
    "Park": "park",
    "Agreement": "agreement",
    "IndustryTransfer": "industry transfer",
    "LiaisonOffice": "liaison office",
    "CadreExchange": "cadre exchange",
    "TransportLink": "transport link",
    "InnovationCooperation": "innovation co-operation",
    "EnterpriseCooperation": "enterprise co-operation",
    "CooperationActivity": "co-operation",
    "InstitutionPairing": "institution pairing",
}
#: the domain a kind implies (ontology/shapes.ttl asks these kinds for it)
KIND_DOMAIN = {"InnovationCooperation": "science-innovation", "CadreExchange": "cadre-exchange"}
LEVELS = {
    "Province": "ProvinceLevel",
    "Municipality": "ProvinceLevel",
    "AutonomousRegion": "ProvinceLevel",
    "PrefectureLevelCity": "CityLevel",
    "CountyLevelCity": "CountyLevel",
    "County": "CountyLevel",
    "District": "CountyLevel",
}


class AcceptError(ValueError):
    """A reviewed candidate is malformed (the HTTP layer answers 400)."""


def source_slug(text: str) -> str:
    """A stable id for an article: the same text is the same source (and named graph)."""
    return "a" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def text_file_name(text: str, number: int) -> str:
    """``NNN_<16 hex>.txt``, the seed-file form the shapes ask of a source's yrd:seedFile."""
    return f"{number:03d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"


def script_of(text: str) -> str:
    """zh-Hant when the text has more traditional-only characters than simplified-only ones."""
    from kg.curation.ingest_places import simplified

    changed = sum(a != b for a, b in zip(text, simplified(text), strict=True))
    return "zh-Hant" if changed > len(text) / 200 else "zh-Hans"


def _curie(iri: str, base: str) -> str:
    prefix = base + "id/place/"
    if iri.startswith(prefix):
        return "place:" + iri[len(prefix) :]
    if iri.startswith("place:"):
        return iri
    raise AcceptError(f"party {iri!r} is not a place IRI under {prefix}")


def facts_document(
    candidates: list[dict[str, Any]],
    *,
    text: str,
    meta: dict[str, Any],
    slug: str,
    file_name: str,
    base: str,
    index: PlaceIndex,
) -> str:
    """The YAML of one article: its head, the gazetteer places it adds (and their parents the
    graph lacks), one fact per candidate."""
    head: dict[str, Any] = {
        "source": f"source:{slug}",
        "file": file_name,
        "script": script_of(text),
        "title": meta.get("title") or file_name,
    }
    for key in ("date", "publisher", "url"):
        if meta.get(key):
            head[key] = str(meta[key])
    places: dict[str, str] = {}
    gaz = index.gaz
    facts = []
    for n, c in enumerate(candidates, 1):
        if not isinstance(c, dict) or not isinstance(c.get("parties"), list):
            raise AcceptError(f"candidate {n}: needs kind, parties and quote")
        kind = str(c.get("kind") or "CooperationActivity")
        if not re.fullmatch(r"[A-Z][A-Za-z]+", kind):
            raise AcceptError(f"candidate {n}: bad kind {kind!r}")
        parties: list[Any] = []
        names, names_en, levels, provinces = [], [], [], set()
        for p in c["parties"]:
            curie = _curie(str(p.get("iri", "")), base)
            place = index.places.get(curie)
            if place is None:
                raise AcceptError(f"candidate {n}: unknown place {curie}")
            if not place.in_graph and place.code:
                unit = gaz.units[place.code]
                for u in [unit, *gaz.ancestors(unit)]:
                    if index.by_code[u.code].in_graph:
                        break
                    places[index.by_code[u.code].iri] = u.code
            role = p.get("role")
            if role and role not in ROLES:
                raise AcceptError(f"candidate {n}: unknown role {role!r}")
            parties.append({role: curie} if role else curie)
            names.append(str(p.get("label_zh") or place.label_zh))
            names_en.append(place.label_en or curie.partition(":")[2])
            levels.append(LEVELS.get(place.cls))
            top = ([place, *index.ancestors(place)])[-1]
            provinces.add(
                next(
                    (
                        a.iri
                        for a in [place, *index.ancestors(place)]
                        if a.cls in ("Province", "Municipality", "AutonomousRegion")
                    ),
                    top.iri,
                )
            )
        quote = c.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            raise AcceptError(f"candidate {n}: the quote (its sentence) is required")
        label = c.get("name") or "—".join(names) + KIND_ZH.get(kind, "合作")
        label_en = "–".join(names_en) + " " + KIND_EN.get(kind, "co-operation")
        fact: dict[str, Any] = {
            "id": f"{KIND_PREFIX.get(kind, 'rel')}:{slug}-{n}",
            "kind": kind,
            "label": {"zh-Hans": str(label), "en": label_en},
            "parties": parties,
        }
        if kind == "Pairing" and len(set(levels)) == 1 and levels[0]:
            fact["level"] = levels[0]
        for key in ("scheme", "park_type"):
            value = c.get(key)
            if isinstance(value, str) and re.fullmatch(r"[A-Za-z][\w-]*", value):
                fact[key] = [value]
        if kind == "Park" and "park_type" not in fact and len(provinces) > 1:
            fact["park_type"] = ["CrossProvinceCooperationPark"]
        date = str(c.get("date") or "")
        if re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", date):
            # typed time (#13): an agreement's date is its signing, else the sentence's event
            fact["signed" if kind == "Agreement" else "event"] = [date]
        domains = [d for d in c.get("domains") or [] if isinstance(d, str)]
        if kind in KIND_DOMAIN and KIND_DOMAIN[kind] not in domains:
            domains.append(KIND_DOMAIN[kind])
        if domains:
            fact["domains"] = domains
        fact["quotes"] = [quote]
        evidence = "; ".join(str(e) for e in c.get("evidence") or [])
        fact["comment"] = f"ingest candidate (confidence {c.get('confidence')}): {evidence}"
        facts.append(fact)
    document: dict[str, Any] = {"article": head}
    if places:
        document["places"] = [{"id": iri, "code": code} for iri, code in places.items()]
    document["facts"] = facts
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
