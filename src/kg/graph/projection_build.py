"""A full build of the projection: every place, relation and label read from the store and
turned into a snapshot's nodes, edges and relation records.

The derivation functions here (``node_attrs``, ``relation_record``, ``relation_edges`` …) are
shared with the incremental path (``kg.graph.projection_patch``), so a patched snapshot is made the
same way a built one is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.graph import relation_model
from kg.graph.projection_read import LINKED_RELATION_PROPS, read_facts, read_relations, read_sources
from kg.graph.snapshot import KINDS, PLACE_TYPES, PROVINCE_TYPES, Labels, Snapshot, local_name
from kg.store.base import GraphStore


# -- deriving the snapshot from facts ------------------------------------------------------------
def node_attrs(
    place: str,
    kinds: set[str],
    labels: dict[str, Labels],
    parents: dict[str, str],
    coords: dict[str, tuple[float, float]],
) -> dict[str, Any]:
    """A place node's attributes, without ``province`` (that needs every node: see below)."""
    lab = labels.get(place, Labels())
    lat, lon = coords.get(place, (None, None))
    return {
        "label_zh": lab.best(place),
        "label_en": lab.en,
        "type": next((t for t in PLACE_TYPES if t in kinds), "Place"),
        "parent": parents.get(place),
        "lat": lat,
        "lon": lon,
    }


def with_province(
    place: str,
    attrs: dict[str, Any],
    nodes: Any,
    parents: dict[str, str],
    labels: dict[str, Labels],
) -> dict[str, Any]:
    province = _province_of(place, nodes, parents)
    attrs["province"] = province
    attrs["province_label"] = labels.get(province, Labels()).best(province) if province else None
    return attrs


def _province_of(place: str, nodes: Any, parents: dict[str, str]) -> str | None:
    current: str | None = place
    seen: set[str] = set()
    while current and current not in seen:
        seen.add(current)
        if current in nodes and nodes[current]["type"] in PROVINCE_TYPES:
            return current
        current = parents.get(current)
    return None


def relation_record(
    rel: str,
    info: dict[str, Any],
    labels: dict[str, Labels],
    sources: dict[str, list[dict[str, Any]]],
    ns: str,
) -> dict[str, Any]:
    """The public record of one relation (``Snapshot.relations`` values); ``ns`` is the
    ontology namespace (property labels, e.g. of linked-relation properties, are read there)."""

    def values(prop: str) -> list[str]:
        return sorted(info.get(prop, ()))

    kind = next((KINDS[c] for c in sorted(info["classes"]) if c in KINDS), "other")
    start, end = relation_model.period(info)
    period = (values("periodText") or [None])[0]
    if period is None and start is not None:
        period = f"{start}–{end}" if end and end != start else (f"{start}" if end else f"{start}–")
    scheme = (values("scheme") or [None])[0]
    level = (values("level") or [None])[0]
    shape = (values("shape") or [None])[0]
    confidence = (values("confidence") or [None])[0]
    links: dict[str, set[str]] = info.get("links", {})

    def refs(prop: str) -> list[dict[str, Any]]:
        return [
            {
                "id": i,
                "label_zh": labels.get(i, Labels()).best(i),
                "label_en": labels.get(i, Labels()).en,
            }
            for i in sorted(links.get(prop, ()))
            if i != rel
        ]

    lab = labels.get(rel, Labels())
    return {
        "id": rel,
        "kind": kind,
        "classes": sorted(info["classes"]),
        "label_zh": lab.zh or lab.hant,
        "label_en": lab.en,
        "level": local_name(level) if level else None,
        "scheme": labels.get(scheme, Labels()).best(scheme) if scheme else None,
        "scheme_id": scheme,
        "domains": [
            {
                "id": d,
                "label_zh": labels.get(d, Labels()).best(d),
                "label_en": labels.get(d, Labels()).en,
            }
            for d in values("domain")
        ],
        "start": start,
        "end": end,
        "period": period,
        "sources": sorted(
            sources.get(rel, []), key=lambda s: (s["id"], s["quote"], s["title"] or "")
        ),
        "host": info["host"],
        "orgs": sorted(info["orgs"]),
        "roles": {p: sorted(r) for p, r in sorted(info["roles"].items())},
        "park_type": [local_name(t) for t in values("parkType")],
        "lead_industries": values("leadIndustry"),
        "shape": local_name(shape) if shape else None,
        "hub": min(links["hub"]) if links.get("hub") else None,
        "hub_label": labels.get(min(links["hub"]), Labels()).best(min(links["hub"]))
        if links.get("hub")
        else None,
        "confidence": local_name(confidence) if confidence else relation_model.STATED,
        "candidates": refs("candidateParty"),
        "locations": refs("location"),
        "platforms": refs("platform"),
        "times": relation_model.times(info),
        "linked": [
            {
                "property": prop,
                "property_zh": labels.get(ns + prop, Labels()).zh,
                "property_en": labels.get(ns + prop, Labels()).en,
                **ref,
            }
            for prop in LINKED_RELATION_PROPS
            for ref in refs(prop)
        ],
    }


def relation_pairs(rel: dict[str, Any], nodes: Any) -> tuple[list[tuple[str, str]], str]:
    """The ordered place pairs a relation joins (its shape decides; see
    ``kg.graph.relation_model``)."""
    return relation_model.pairs(rel, nodes)


def _role_ref(prop: str, labels: dict[str, Labels], ns: str) -> dict[str, Any]:
    """A role as answers show it: the role property's local name and its ontology labels."""
    lab = labels.get(ns + prop, Labels())
    return {"id": prop, "label_zh": lab.zh or lab.hant or prop, "label_en": lab.en}


def relation_edges(
    rel: dict[str, Any], nodes: Any, labels: dict[str, Labels], ns: str = ""
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(a, b, key, attributes)`` of each edge of one relation (key = the relation's IRI)."""
    pairs, role = relation_pairs(rel, nodes)
    if not pairs:
        return []
    attrs = _edge_attrs(rel, labels, role)
    out = []
    for a, b in pairs:
        edge = dict(attrs)
        edge["roles"] = {p: _role_ref(_party_role(rel, p), labels, ns) for p in (a, b)}
        out.append((a, b, rel["id"], edge))
    return out


def relation_group(
    rel: dict[str, Any], nodes: Any, labels: dict[str, Labels], ns: str
) -> dict[str, Any] | None:
    """A stated multilateral group: its member places and the attributes of the edge that
    joins two members in traversals (``via`` the group, role ``member``)."""
    members = relation_model.group_members(rel, nodes)
    if not members:
        return None
    edge = _edge_attrs(rel, labels, "mutual")
    edge["via"] = {
        "id": rel["id"],
        "label_zh": rel["label_zh"] or local_name(rel["id"]),
        "group": True,
    }
    edge["member_role"] = _role_ref("party", labels, ns)
    return {"members": members, "edge": edge}


def _edge_attrs(rel: dict[str, Any], labels: dict[str, Labels], role: str) -> dict[str, Any]:
    via_iri = rel["id"] if rel["kind"] in ("park",) else (rel["orgs"][0] if rel["orgs"] else None)
    via = None
    if via_iri:
        lab = labels.get(via_iri, Labels())
        via = {"id": via_iri, "label_zh": lab.best(via_iri)}
    attrs = {
        "role": role,
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
        "shape": rel.get("shape"),
    }
    return attrs


def _party_role(rel: dict[str, Any], place: str) -> str:
    """The role ``place`` plays in ``rel`` (its most specific role property; the hub's is
    ``hub`` unless it has a more specific one)."""
    props = set(rel["roles"].get(place, ()))
    if rel.get("hub") == place:
        props.add("hub")
    return relation_model.role_of(props)


def build_snapshot(store: GraphStore, version: int) -> Snapshot:
    """Read the whole projection from the store."""
    facts = read_facts(store, None)
    labels, types, parents, coords = facts.labels, facts.types, facts.parents, facts.coords

    nodes = {
        place: node_attrs(place, kinds, labels, parents, coords) for place, kinds in types.items()
    }
    for place, attrs in nodes.items():
        with_province(place, attrs, nodes, parents, labels)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)

    located = facts.located
    infos = read_relations(store, None, graph, located)
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    snap = snapshot_from(
        store,
        version,
        graph,
        infos,
        labels=labels,
        sources=read_sources(store, None),
        relations={},
        groups={},
        add_edge=lambda a, b, key, attrs: edges.append((a, b, key, attrs)),
        children=children,
        broader=facts.broader,
        parents=parents,
        located=located,
    )
    graph.add_edges_from(edges)
    return snap


def snapshot_from(
    store: GraphStore,
    version: int,
    graph: nx.MultiDiGraph,
    infos: dict[str, dict[str, Any]],
    *,
    labels: dict[str, Labels],
    sources: dict[str, list[dict[str, Any]]],
    relations: dict[str, dict[str, Any]],
    groups: dict[str, dict[str, Any]],
    add_edge: Callable[[str, str, str, dict[str, Any]], None],
    children: dict[str, list[str]],
    broader: dict[str, set[str]],
    parents: dict[str, str],
    located: dict[str, str],
) -> Snapshot:
    """The snapshot once its places are in ``graph``: each relation read (``infos``) recorded
    in ``relations``, its edges given to ``add_edge`` and its group (if multilateral) put in
    ``groups``. The one way a build and a patch make a snapshot."""
    ns = store.config.ontology_ns
    for rel, info in infos.items():
        record = relations[rel] = relation_record(rel, info, labels, sources, ns)
        for a, b, key, attrs in relation_edges(record, graph, labels, ns):
            add_edge(a, b, key, attrs)
        group = relation_group(record, graph, labels, ns)
        if group:
            groups[rel] = group
    return Snapshot(
        version,
        graph,
        labels,
        relations,
        children,
        broader,
        _parents=parents,
        _located=located,
        groups=groups,
    )
