"""Filter values users type (kind, domain, level, province), checked against what exists.

A filter value that matches nothing used to give an empty success (``--kind bogus`` → 0 rows,
exit 0), indistinguishable from "no such partners". Here an unknown value is an error that
lists the allowed values, and HTTP and the CLI share one list syntax (``kind=pairing,park``,
repeatable), so the same words give the same answer in both.

Domains match by IRI, slug or label (any script, case-insensitive) and then by label prefix:
``产业`` finds 产业合作, 产业链协作 and 产业转移; when one of the matches is broader than all
the others (here 产业合作, whose filter includes its narrower concepts anyway) that one is
meant, otherwise the answer lists the candidates.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.graph import resolver
from kg.graph.projection import KINDS, Snapshot


class UnknownValue(ValueError):
    """A filter value that matches nothing; ``allowed`` is what the user may give instead."""

    def __init__(self, name: str, value: str, allowed: list[str], why: str = "unknown") -> None:
        self.name, self.value, self.allowed = name, value, allowed
        what = f"{name} {value!r} is {why}" if why.startswith("not ") else f"{why} {name} {value!r}"
        super().__init__(f"{what}; allowed: {', '.join(allowed)}")


def split_list(values: Iterable[str] | None) -> list[str]:
    """``["pairing,park", "transfer"]`` → ``["pairing", "park", "transfer"]`` (CLI and HTTP)."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def allowed_kinds() -> list[str]:
    return sorted({*KINDS.values(), "other"})


def check_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    """Lower-cased kinds, or ``UnknownValue`` naming the first unknown one."""
    wanted = [k.lower() for k in split_list(kinds)]
    allowed = allowed_kinds()
    for kind in wanted:
        if kind not in allowed:
            raise UnknownValue("kind", kind, allowed)
    return wanted or None


def allowed_levels(snap: Snapshot) -> list[str]:
    def compute() -> list[str]:
        return sorted({r["level"] for r in snap.relations.values() if r.get("level")})

    return list(snap.cached("filter-levels", compute))


def check_level(snap: Snapshot, level: str | None) -> str | None:
    """The level as the data spells it (``citylevel`` → ``CityLevel``), or ``UnknownValue``."""
    if not level:
        return None
    allowed = allowed_levels(snap)
    for name in allowed:
        if name.lower() == level.strip().lower():
            return name
    raise UnknownValue("level", level, allowed)


def provinces(snap: Snapshot) -> list[str]:
    """The province-level units places belong to (IRIs), by label."""

    def compute() -> list[str]:
        found = {d.get("province") for _, d in snap.graph.nodes(data=True)} - {None}
        return sorted(found, key=snap.label)  # type: ignore[arg-type]

    return list(snap.cached("filter-provinces", compute))


def resolve_province(snap: Snapshot, name: str) -> str:
    """A province-level unit by any name the resolver knows; anything else lists the units."""
    units = provinces(snap)
    labels = [snap.label(p) for p in units]
    try:
        candidates = [m["id"] for m in resolver.matches(snap, name)]
    except resolver.BadName:
        candidates = []
    inside = [c for c in candidates if c in units]
    if len(inside) == 1:
        return inside[0]
    why = (
        "ambiguous"
        if len(inside) > 1
        else "unknown"
        if not candidates
        else "not a province-level unit"
    )
    raise UnknownValue("province", name, labels, why=why)


def domain_concepts(snap: Snapshot) -> list[str]:
    """Every domain concept in use or in the hierarchy, sorted (computed once per snapshot: it
    reads every relation)."""

    def compute() -> list[str]:
        used = {d["id"] for r in snap.relations.values() for d in r["domains"]}
        return sorted(used | set(snap.broader) | {b for bs in snap.broader.values() for b in bs})

    return list(snap.cached("traversal-domain-concepts", compute))


def domain_names(snap: Snapshot) -> dict[str, str]:
    """Per snapshot: lower-cased IRI, slug and labels -> the first concept (sorted) so named."""

    concepts = domain_concepts(snap)  # outside: ``cached`` holds the snapshot's lock

    def compute() -> dict[str, str]:
        names: dict[str, str] = {}
        for concept in concepts:
            lab = snap.labels.get(concept)
            own = {concept.lower(), concept.rsplit("/", 1)[-1].lower()}
            if lab:
                own |= {n.lower() for n in (lab.zh, lab.en, lab.hant, *lab.alt) if n}
            for name in own:
                names.setdefault(name, concept)
        return names

    return snap.cached("traversal-domain-names", compute)


def resolve_domain(snap: Snapshot, text: str) -> str:
    """A domain concept by IRI, slug, label, or label prefix (the broadest match wins)."""
    names = domain_names(snap)
    key = text.strip().lower()
    if key in names:
        return names[key]
    hits = sorted({concept for name, concept in names.items() if key and name.startswith(key)})
    for concept in hits:
        narrower = set(snap.narrower_closure(concept))
        if all(other in narrower for other in hits):
            return concept
    if hits:
        raise UnknownValue("domain", text, [snap.label(c) for c in hits], why="ambiguous")
    raise UnknownValue("domain", text, [snap.label(c) for c in domain_concepts(snap)])
