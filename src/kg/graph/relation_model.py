"""How one co-operation relation becomes part of the network, and what its dates mean.

A relation resource names its parties; *which of them are partners of which* is its shape
(``yrd:shape``): a pair; a hub with spokes (the hub co-operates with each spoke, the spokes are not
partners of each other); or a multilateral group (every member takes part in one thing, drawn as
a group node, never as a clique). Joining every two parties of a relation invented partnerships
the articles never state, so nothing here joins parties the shape does not join, and a relation
with more than two places and no shape (SHACL rejects it) gets no edge at all.

Dates are typed by meaning (``yrd:established``, ``yrd:signed``, ``yrd:eventTime`` …) with the
precision the text gives; the period filters need one ``start``/``end`` per relation, derived
here from whatever the relation states.
"""

from __future__ import annotations

from typing import Any

#: Time properties (local names) a relation may state, by what the date means for a period.
#: Interval bounds; points from which the relation holds on (open-ended unless an end is stated);
#: points that date one moment (an event, a plan's year, a target).
TIME_START = ("start", "startYear")
TIME_END = ("end", "endYear")
TIME_FROM = ("established", "signed", "approvalYear")
TIME_POINT = ("eventTime", "plannedFor", "targetYear", "year", "date")
TIME_PROPS = TIME_START + TIME_END + TIME_FROM + TIME_POINT

#: Role properties, most specific first: the role a party is shown with.
ROLE_ORDER = (
    "assistingParty",
    "assistedParty",
    "originParty",
    "destinationParty",
    "hub",
    "party",
)
LEADING = {"assistingParty", "originParty"}
FOLLOWING = {"assistedParty", "destinationParty"}

STATED = "Stated"


def time_value(value: str) -> tuple[int, str] | None:
    """``(year, precision)`` of an xsd:gYear / gYearMonth / date lexical form, else None."""
    text = value.strip()
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    head = text[:10]
    parts = head.split("-")
    try:
        year = int(sign + parts[0][:4]) if len(parts[0]) >= 4 else None
    except ValueError:
        return None
    if year is None:
        return None
    if len(parts) >= 3 and parts[2][:2].isdigit():
        return year, "day"
    if len(parts) >= 2 and parts[1][:2].isdigit():
        return year, "month"
    return year, "year"


def times(info: dict[str, Any]) -> list[dict[str, Any]]:
    """Every time a relation states: meaning (property), value as written in RDF, precision."""
    out = []
    for prop in TIME_PROPS:
        for value in sorted(info.get(prop, ())):
            parsed = time_value(value)
            if parsed is not None:
                out.append({"meaning": prop, "value": value, "precision": parsed[1]})
    return out


def period(info: dict[str, Any]) -> tuple[int | None, int | None]:
    """The years a relation is placed in for ``since``/``until`` filters: ``(start, end)``.

    ``end`` None means open-ended (a start, a founding or a signing without a stated end);
    ``start`` None means undated. A relation dated only by points (an event, a plan's year, a
    target) spans from its first to its last point."""

    def years(props: tuple[str, ...]) -> list[int]:
        found = (time_value(v) for p in props for v in info.get(p, ()))
        return sorted(t[0] for t in found if t is not None)

    starts, ends, froms, points = (
        years(TIME_START),
        years(TIME_END),
        years(TIME_FROM),
        years(TIME_POINT),
    )
    lower = starts or froms or points or ends
    if not lower:
        return None, None
    start = min(lower)
    if ends:
        end: int | None = max(ends)
    elif starts or froms:
        end = None
    else:
        end = max(points)
    if end is not None and end < start:
        end = start
    return start, end


def role_of(props: list[str] | set[str]) -> str:
    """The most specific role among a party's role properties."""
    return next((r for r in ROLE_ORDER if r in props), "party")


def _parent(nodes: Any, place: str) -> str | None:
    data = nodes.nodes[place] if hasattr(nodes, "nodes") else nodes[place]
    return data.get("parent")


def own_unit(nodes: Any, a: str, b: str) -> bool:
    """True when one of two places is an administrative ancestor of the other (``yrd:partOf``):
    a place's own counties, zones and groups of its cities are never its partners."""
    for low, high in ((a, b), (b, a)):
        seen: set[str] = set()
        current = _parent(nodes, low) if low in nodes else None
        while current is not None and current not in seen:
            if current == high:
                return True
            seen.add(current)
            current = _parent(nodes, current) if current in nodes else None
    return False


def pairs(rel: dict[str, Any], nodes: Any) -> tuple[list[tuple[str, str]], str]:
    """The ordered place pairs a relation joins, and the edge role; never a place with its own
    unit (see :func:`own_unit`)."""
    found, role = _shape_pairs(rel, nodes)
    return [(a, b) for a, b in found if not own_unit(nodes, a, b)], role


def _shape_pairs(rel: dict[str, Any], nodes: Any) -> tuple[list[tuple[str, str]], str]:
    """The ordered place pairs a relation joins, and the edge role.

    Pair (or no shape, two places): the two. Two sides with roles: each leading party with each
    following one. Hub with spokes: the hub with each spoke, never spoke with spoke. A group:
    no pairs (members are joined through the group, see :func:`group_members`). Implied or
    ambiguous facts: none (they are not in the default network)."""
    if rel.get("confidence", STATED) != STATED or rel.get("shape") == "MultilateralGroup":
        return [], "mutual"
    roles: dict[str, list[str]] = rel["roles"]
    places = sorted(p for p in roles if p in nodes)
    leading = [p for p in places if LEADING & set(roles[p])]
    following = [p for p in places if FOLLOWING & set(roles[p])]
    directed = "transfers-to" if rel["kind"] == "transfer" else "assists"
    if rel.get("shape") == "HubAndSpokes":
        hub = rel.get("hub")
        if hub not in nodes or hub not in roles:
            return [], "mutual"
        spokes = [p for p in places if p != hub]
        if hub in leading:
            return [(hub, s) for s in spokes], directed
        if hub in following:
            return [(s, hub) for s in spokes], directed
        return [(hub, s) for s in spokes], "mutual"
    if leading and following:
        return [(a, b) for a in leading for b in following if a != b], directed
    if len(places) == 2:
        return [(places[0], places[1])], "mutual"
    return [], "mutual"


def group_members(rel: dict[str, Any], nodes: Any) -> list[str]:
    """The member places of a stated multilateral group (empty for any other relation)."""
    if rel.get("shape") != "MultilateralGroup" or rel.get("confidence", STATED) != STATED:
        return []
    places = sorted(p for p in rel["roles"] if p in nodes)
    # a member whose ancestor is also a member is that member's own unit: the ancestor stands
    members = [p for p in places if _is_top(nodes, p, places)]
    return members if len(members) >= 2 else []


def _is_top(nodes: Any, place: str, places: list[str]) -> bool:
    """``place`` has no ancestor among ``places`` (it is kept when its own units are dropped)."""
    current, seen = _parent(nodes, place), set()
    while current is not None and current not in seen:
        if current in places:
            return False
        seen.add(current)
        current = _parent(nodes, current) if current in nodes else None
    return True
