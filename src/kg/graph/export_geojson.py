"""The network as GeoJSON (RFC 7946): places as points, relations as lines between the
parties' seats, parks as points at their host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from kg.formats import NETWORK, RenderContext, register
from kg.graph.export_common import (
    KIND_COLOURS,
    POINT_KINDS,
    chunked,
    domain_labels,
    edge_ids,
    edge_record,
    graph_meta,
    json_item,
    node_record,
    source_titles,
)


# -- GeoJSON ---------------------------------------------------------------------------------
def _lonlat(rec: dict[str, Any]) -> list[float] | None:
    if rec["lat"] is None or rec["lon"] is None:
        return None
    return [round(rec["lon"], 6), round(rec["lat"], 6)]


def _geojson_parts(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[str]:
    """The FeatureCollection as text, feature by feature (the count of places and relations
    left out for lack of coordinates is only known at the end, and goes there)."""
    records = {n: node_record(graph, n) for n in graph.nodes}
    located = {n: _lonlat(rec) for n, rec in records.items()}
    skipped = 0
    yield f'{{"type":"FeatureCollection","name":{json_item(ctx.title)},"features":['
    separator = ""
    for n, rec in records.items():
        coords = located[n]
        if coords is None:
            skipped += 1
            continue
        props = {k: v for k, v in rec.items() if k not in ("lat", "lon")}
        props["feature"] = "place"
        props["degree"] = graph.degree(n)
        feature = {
            "type": "Feature",
            "id": n,
            "geometry": {"type": "Point", "coordinates": coords},
            "properties": props,
        }
        yield separator + json_item(feature)
        separator = ","
    ids = edge_ids(graph)
    for u, v, k, d in graph.edges(keys=True, data=True):
        rec = edge_record(u, v, k, d)
        a, b = located[u], located[v]
        props = {
            "feature": "relation",
            **rec,
            "source_label": records[u]["label_zh"],
            "target_label": records[v]["label_zh"],
            "source_titles": source_titles(rec),
            "domain_labels": domain_labels(rec),
            "colour": KIND_COLOURS.get(rec["kind"], KIND_COLOURS["other"]),
        }
        if rec["kind"] in POINT_KINDS:
            # A co-built park stands at its host place when known, else the second party.
            candidates = [n for n in (rec["host"], v, u) if n in records]
            seats = [n for n in candidates if located[n] is not None]
            if not seats:
                skipped += 1
                continue
            props["host"] = seats[0]
            props["host_label"] = records[seats[0]]["label_zh"]
            geometry = {"type": "Point", "coordinates": located[seats[0]]}
        else:
            if a is None or b is None:
                skipped += 1
                continue
            geometry = {"type": "LineString", "coordinates": [a, b]}
        feature = {
            "type": "Feature",
            "id": ids[(u, v, k)],
            "geometry": geometry,
            "properties": props,
        }
        yield separator + json_item(feature)
        separator = ","
    properties = {**graph_meta(graph, ctx), "without_coordinates": skipped}
    yield f'],"properties":{json_item(properties)}}}'


@register("geojson", "application/geo+json", "geojson", [NETWORK], aliases=("geo+json",))
def render_geojson(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Places as Points; relations as LineStrings between seats; parks as Points at the host.

    Streamed feature by feature: the whole document as one dict (then one string, then bytes)
    held the 100x network three times over."""
    return chunked(_geojson_parts(graph, ctx))
