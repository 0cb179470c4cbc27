"""What a curated fact file may say: every field, the RDF it becomes, and how it is checked.

One table (``FIELDS``) so a curator's vocabulary and the graph's predicates are read in one
place, and so the relation model (#13) can add a field by adding a row. A field whose predicate
the ontology does not declare yet is refused with a clear message instead of inventing terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg import prefixes

#: CURIE prefixes of the bundled data (relative to the service's base IRI, as in graph_data/),
#: from the project's one table (``kg.prefixes``): its order is the files' declaration order.
PREFIXES: dict[str, str] = prefixes.CURATED

#: Prefixes a fact's own ``id`` may use.
RELATION_ID_PREFIXES = ("pairing", "park", "agreement", "rel")
STATISTIC_ID_PREFIX = "stat"

#: Party roles: each becomes its sub-property of yrd:party (the party is always stated too).
ROLES: dict[str, str] = {
    "assisting": "yrd:assistingParty",
    "assisted": "yrd:assistedParty",
    "origin": "yrd:originParty",
    "destination": "yrd:destinationParty",
}


@dataclass(frozen=True)
class Field:
    """One key of a fact.

    ``value`` says what the YAML holds and what the Turtle object is:
    ``ref`` an existing resource (CURIE), ``vocab`` a yrd: individual named without prefix,
    ``scheme``/``domain`` a slug of that prefix, ``text`` zh-Hans strings (or ``{lang: text}``),
    ``gyear`` a year, ``date`` an ISO date, ``int``, ``decimal``, ``bool``, ``plain`` a literal.
    """

    predicate: str
    value: str
    many: bool = False
    on: tuple[str, ...] = ("relation", "addition")


FIELDS: dict[str, Field] = {
    "level": Field("yrd:level", "vocab"),
    "scheme": Field("yrd:scheme", "scheme", many=True),
    "domains": Field("yrd:domain", "domain", many=True),
    "status": Field("yrd:status", "vocab"),
    # time (#13): what a date means is the field, its precision the value (2023, 2023-04,
    # 2023-04-07 -> xsd:gYear, xsd:gYearMonth, xsd:date); `period` keeps the wording
    "start": Field("yrd:start", "time", on=("relation", "addition", "statistic")),
    "end": Field("yrd:end", "time", on=("relation", "addition", "statistic")),
    "established": Field("yrd:established", "time"),
    "signed": Field("yrd:signed", "time", many=True),
    "planned_for": Field("yrd:plannedFor", "time", many=True),
    "event": Field("yrd:eventTime", "time", many=True),
    "target_year": Field(
        "yrd:targetYear", "time", many=True, on=("relation", "addition", "statistic")
    ),
    # deprecated: they do not say what the date means (SHACL warns)
    "year": Field("yrd:year", "gyear", on=("relation", "addition", "statistic")),
    "date": Field("yrd:date", "date"),
    "period": Field("yrd:periodText", "text"),
    "host": Field("yrd:hostPlace", "ref"),
    "park_type": Field("yrd:parkType", "vocab", many=True),
    "lead_industry": Field("yrd:leadIndustry", "text", many=True),
    "operation_model": Field("yrd:operationModel", "text", many=True),
    "transport_mode": Field("yrd:transportMode", "domain"),
    "via_place": Field("yrd:viaPlace", "ref", many=True),
    "via_park": Field("yrd:viaPark", "ref", many=True),
    "rank": Field("yrd:rank", "int"),
    "about": Field("schema:about", "ref", many=True, on=("relation", "addition")),
    "succeeds": Field("yrd:succeeds", "ref", many=True),
    # --- the relation model (#13)
    "shape": Field("yrd:shape", "vocab"),  # PairShape, HubAndSpokes (with hub), MultilateralGroup
    "hub": Field("yrd:hub", "ref"),
    "location": Field("yrd:location", "ref", many=True),
    "platform": Field("yrd:platform", "ref", many=True),
    "confidence": Field("yrd:confidence", "vocab"),  # Implied, Ambiguous (absent: stated)
    "candidates": Field("yrd:candidateParty", "ref", many=True),
    "serves": Field("yrd:serves", "ref", many=True),
    "sub_relation_of": Field("yrd:subRelationOf", "ref", many=True),
    "concerns_park": Field("yrd:concernsPark", "ref", many=True),
    "formalises": Field("yrd:formalises", "ref", many=True),
    # --- figures
    "stat_about": Field("yrd:about", "ref", many=True, on=("statistic",)),
    "value": Field("schema:value", "decimal", on=("statistic",)),
    "max_value": Field("schema:maxValue", "decimal", on=("statistic",)),
    "unit": Field("schema:unitText", "text", on=("statistic",)),
    "unit_code": Field("schema:unitCode", "plain", on=("statistic",)),
    "currency": Field("schema:currency", "plain", on=("statistic",)),
    "target": Field("yrd:isTarget", "bool", on=("statistic",)),
    "minimum": Field("yrd:isMinimum", "bool", on=("statistic",)),
}

#: Keys handled by the builder itself rather than through FIELDS.
STRUCTURAL = {"id", "kind", "label", "aliases", "aliases_zh_hant", "parties", "quotes", "comment"}

#: For statistics, ``about`` means yrd:about (what the figure measures).
STATISTIC_ALIASES = {"about": "stat_about"}

ARTICLE_KEYS = {"source", "file", "script", "title", "date", "publisher", "url"}
SCRIPTS = ("zh-Hans", "zh-Hant")

MAX_QUOTE_CHARS = 400


def expand(curie: str) -> str:
    """``place:x`` -> ``id/place/x`` (relative, as the bundled Turtle writes it)."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local
