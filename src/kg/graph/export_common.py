"""What every network export shares: node and edge records, kind colours, size limits, and
writing a big document as a stream of chunks.

The format families (``kg.graph.export_json``, ``kg.graph.export_xml``, ``kg.graph.export_dot``,
``kg.graph.export_geojson``, ``kg.graph.export_drawing``) each register their renderers in
``kg.formats``; ``kg.graph.export`` imports them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import networkx as nx

from kg.formats import RenderContext, json_compact
from kg.graph import palette

#: Edge colour per relation kind (shared with the JS views through the JSON exports).
KIND_COLOURS: dict[str, str] = {
    "pairing": "#d62728",
    "park": "#2ca02c",
    "agreement": "#1f77b4",
    "institution": "#9467bd",
    "transfer": "#ff7f0e",
    "liaison": "#8c564b",
    "cadre": "#e377c2",
    "transport": "#7f7f7f",
    "innovation": "#17becf",
    "enterprise": "#bcbd22",
    "activity": "#6b8fb3",
    "other": "#999999",
}
KIND_LABELS: dict[str, str] = {
    "pairing": "对口合作 pairing",
    "park": "共建园区 park",
    "agreement": "合作协议 agreement",
    "institution": "机构合作 institution",
    "transfer": "产业转移 transfer",
    "liaison": "联络机构 liaison",
    "cadre": "干部交流 cadre",
    "transport": "交通联系 transport",
    "innovation": "创新合作 innovation",
    "enterprise": "企业合作 enterprise",
    "activity": "合作活动 activity",
    "other": "其他 other",
}
#: Kinds drawn as lines between the parties' seats in GeoJSON (parks are points at the host).
POINT_KINDS = frozenset({"park"})
Positions = dict[str, tuple[float, float]]
#: Characters per streamed chunk (UTF-8: up to three times as many bytes).
CHUNK = 1 << 18

NODE_FIELDS = ("label_zh", "label_en", "type", "province", "province_label", "lat", "lon", "parent")
EDGE_FIELDS = (
    "relation",
    "kind",
    "role",
    "via",
    "level",
    "scheme",
    "domains",
    "start",
    "end",
    "period",
    "sources",
    "label_zh",
    "host",  # a park's host place (see ``with_hosts``); None for other relations
)


# -- shared views of nodes and edges ---------------------------------------------------------
def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def node_record(graph: nx.MultiDiGraph, node: str) -> dict[str, Any]:
    data = graph.nodes[node]
    out: dict[str, Any] = {"id": node}
    for name in NODE_FIELDS:
        out[name] = data.get(name)
    for name in ("lat", "lon"):
        if out[name] is not None:
            out[name] = float(out[name])
    if not out["label_zh"]:
        out["label_zh"] = out["label_en"] or _local(node)
    return out


def edge_record(u: str, v: str, key: Any, data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"source": u, "target": v}
    for name in EDGE_FIELDS:
        out[name] = data.get(name)
    out["relation"] = out["relation"] or str(key)
    out["kind"] = out["kind"] or "other"
    out["domains"] = list(out["domains"] or [])
    out["sources"] = list(out["sources"] or [])
    if not out["period"] and (out["start"] is not None or out["end"] is not None):
        out["period"] = f"{out['start'] or ''}–{out['end'] or ''}"
    return out


def with_hosts(graph: nx.MultiDiGraph, relations: dict[str, dict[str, Any]]) -> nx.MultiDiGraph:
    """Copy each park's host place (``yrd:hostPlace``) from the snapshot's relation records
    onto its edges, where GeoJSON needs it: a park's edge direction says nothing of where it is.
    Changes ``graph`` in place (a subgraph's own attribute dicts) and returns it."""
    for _, _, key, data in graph.edges(keys=True, data=True):
        record = relations.get(data.get("relation") or str(key))
        if record and record.get("host") and not data.get("host"):
            data["host"] = record["host"]
    return graph


def edge_ids(graph: nx.MultiDiGraph) -> dict[tuple[str, str, Any], str]:
    """A unique id per edge: the relation IRI, suffixed when one relation links several pairs."""
    seen: Counter[str] = Counter(str(k) for _, _, k in graph.edges(keys=True))
    used: Counter[str] = Counter()
    out = {}
    for u, v, k in graph.edges(keys=True):
        base = str(k)
        if seen[base] > 1:
            used[base] += 1
            out[(u, v, k)] = f"{base}#{used[base]}"
        else:
            out[(u, v, k)] = base
    return out


def communities(graph: nx.MultiDiGraph) -> dict[str, int]:
    """Louvain communities of the undirected, weighted-by-multiplicity network (seeded)."""
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    for u, v in graph.edges():
        if u != v:
            w = simple.get_edge_data(u, v, {"weight": 0})["weight"]
            simple.add_edge(u, v, weight=w + 1)
    if simple.number_of_edges() == 0:
        return {n: i for i, n in enumerate(sorted(simple))}
    groups = nx.community.louvain_communities(simple, weight="weight", seed=42)
    groups = sorted(groups, key=lambda g: (-len(g), min(g)))
    return {n: i for i, group in enumerate(groups) for n in group}


def source_titles(edge: dict[str, Any]) -> list[str]:
    return [s.get("title") or s.get("id") or "" for s in edge["sources"]]


def domain_labels(edge: dict[str, Any]) -> list[str]:
    return [d.get("label_zh") or d.get("label_en") or _local(d["id"]) for d in edge["domains"]]


def province_colours(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The shared palette (:mod:`kg.graph.palette`) for the places of ``graph``."""
    return palette.province_colours(
        (d.get("province"), d.get("province_label")) for _, d in graph.nodes(data=True)
    )


def graph_meta(graph: nx.MultiDiGraph, ctx: RenderContext) -> dict[str, Any]:
    kinds = sorted({(d.get("kind") or "other") for _, _, d in graph.edges(data=True)})
    return {
        "name": ctx.title,
        "kind_colours": {k: KIND_COLOURS.get(k, KIND_COLOURS["other"]) for k in kinds},
        "kind_labels": {k: KIND_LABELS.get(k, k) for k in kinds},
        "province_colours": province_colours(graph),
        "focus": ctx.focus if ctx.focus in graph else None,
        # relations a period filter left out for having no date
        # (kg.graph.traversal.undated_left_out)
        **{k: graph.graph[k] for k in ("undated_left_out",) if k in graph.graph},
    }


def json_item(value: Any) -> str:
    return json_compact(value)


def json_array(items: Iterator[Any]) -> Iterator[str]:
    """A JSON array as text, item by item (the same text as ``json_item`` of the list)."""
    yield "["
    separator = ""
    for item in items:
        yield separator + json_item(item)
        separator = ","
    yield "]"


def chunked(parts: Iterator[str], size: int = CHUNK) -> Iterator[bytes]:
    """Join small strings into chunks of about ``size`` characters, encoded as UTF-8.

    The big exports are written as many small strings: one chunk per string would be one
    socket write each, one string for the whole document would hold it all in memory."""
    buffer: list[str] = []
    length = 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


# -- how much can be drawn -------------------------------------------------------------------
#: (places, relations) a picture or page is drawn with at most. Past them a drawing is an
#: unreadable tangle that takes minutes to make (cairosvg rasterises ~1 ms per relation: 30 s
#: for the 22 k relations at 10x) and a page a browser cannot lay out (200 MB at 100x).
DRAW_LIMITS: dict[str, tuple[int, int]] = {
    "svg": (5_000, 50_000),
    "png": (5_000, 10_000),
    "html": (5_000, 50_000),
}
#: The pure-Python force layout (used when most places lack coordinates) is quadratic.
FORCE_LAYOUT_LIMIT = 500
NARROWING = (
    "narrow it with a filter (a place and depth, kind, domain, province, since/until, level) "
    "or export the whole network as gexf, graphml, geojson or d3"
)


class TooLarge(ValueError):
    """The network is too big for this format: the caller answers 413 (HTTP) or an error."""

    def __init__(self, fmt: str, message: str, places: int, relations: int) -> None:
        super().__init__(f"{fmt}: {message}; {NARROWING}")
        self.format, self.places, self.relations = fmt, places, relations


def check_counts(fmt: str, places: int, relations: int) -> None:
    """Raise :class:`TooLarge` when a network of this size is past what ``fmt`` draws.

    A no-op for formats without limits. The HTTP export calls it with the snapshot's own
    counts before copying an unfiltered network, so a refusal costs no copy."""
    if fmt not in DRAW_LIMITS:
        return
    max_places, max_relations = DRAW_LIMITS[fmt]
    if places > max_places or relations > max_relations:
        raise TooLarge(
            fmt,
            f"the network has {places:,} places and {relations:,} relations, and this format "
            f"draws at most {max_places:,} places and {max_relations:,} relations",
            places,
            relations,
        )


def check_drawable(fmt: str, graph: nx.MultiDiGraph) -> None:
    """Raise :class:`TooLarge` when ``graph`` is past what ``fmt`` draws (see DRAW_LIMITS)."""
    places = graph.number_of_nodes()
    check_counts(fmt, places, graph.number_of_edges())
    if fmt != "html" and places > FORCE_LAYOUT_LIMIT:
        located = sum(1 for _, d in graph.nodes(data=True) if d.get("lat") is not None)
        # What ``picture.layout`` does: geographic when most places are located.
        if located * 2 < places:
            raise TooLarge(
                fmt,
                f"{places - located:,} of its {places:,} places have no coordinates, and a "
                f"force layout is drawn for at most {FORCE_LAYOUT_LIMIT:,} places",
                places,
                graph.number_of_edges(),
            )


def later(make: Callable[[], bytes]) -> Iterator[bytes]:
    """The one chunk ``make`` returns, made when the response is first read."""
    yield make()


def split_multi(values: list[str]) -> list[str]:
    """``kind=a&kind=b`` and ``kind=a,b`` alike."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out
