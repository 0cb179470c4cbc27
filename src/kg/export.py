"""Exports of the co-operation network: graph files, JSON for JS libraries, maps and pictures.

Every renderer takes the networkx ``MultiDiGraph`` of the projection (or a filtered subgraph of
it) and is registered in :mod:`kg.formats` with kind ``network``, so ``/api/export``, ``kg
export`` and content negotiation all pick it up from the one registry.

Nodes are place IRIs with ``label_zh``, ``label_en``, ``type``, ``province``,
``province_label``, ``lat``, ``lon`` and ``parent``; edges are keyed by relation IRI and carry
``kind``, ``role``, ``via``, ``level``, ``scheme``, ``domains``, ``start``/``end``, ``period``,
``sources`` and ``label_zh``. Missing attributes are treated as ``None``.
"""

from __future__ import annotations

import colorsys
import datetime
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .formats import NETWORK, RenderContext, json_compact, json_text, register

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
_CHUNK = 1 << 18
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif"

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


def _meta(graph: nx.MultiDiGraph, ctx: RenderContext) -> dict[str, Any]:
    kinds = sorted({(d.get("kind") or "other") for _, _, d in graph.edges(data=True)})
    return {
        "name": ctx.title,
        "kind_colours": {k: KIND_COLOURS.get(k, KIND_COLOURS["other"]) for k in kinds},
        "kind_labels": {k: KIND_LABELS.get(k, k) for k in kinds},
        # relations a period filter left out for having no date (kg.traversal.undated_left_out)
        **{k: graph.graph[k] for k in ("undated_left_out",) if k in graph.graph},
    }


def _d3_nodes(graph: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    """Node records with their Louvain community and degree, one at a time."""
    community = communities(graph)
    for n in graph.nodes:
        rec = node_record(graph, n)
        rec["community"] = community.get(n, 0)
        rec["degree"] = graph.degree(n)
        yield rec


def _d3_links(graph: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    """Edge records with a unique ``id`` and the projection's ``key``, one at a time."""
    ids = edge_ids(graph)
    for u, v, k, d in graph.edges(keys=True, data=True):
        yield {"id": ids[(u, v, k)], "key": str(k), **edge_record(u, v, k, d)}


def node_link(graph: nx.MultiDiGraph, ctx: RenderContext | None = None) -> dict[str, Any]:
    """D3's node-link shape; ``graph`` holds the kind colours the views use."""
    ctx = ctx or RenderContext(title="network")
    return {
        "directed": True,
        "multigraph": True,
        "graph": _meta(graph, ctx),
        "nodes": list(_d3_nodes(graph)),
        "links": list(_d3_links(graph)),
    }


def _json_text(value: Any) -> str:
    return json_compact(value)


def _json_array(items: Iterator[Any]) -> Iterator[str]:
    """A JSON array as text, item by item (the same text as ``_json_text`` of the list)."""
    yield "["
    separator = ""
    for item in items:
        yield separator + _json_text(item)
        separator = ","
    yield "]"


def _chunked(parts: Iterator[str], size: int = _CHUNK) -> Iterator[bytes]:
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


# -- JSON for JS libraries (streamed: the whole document as dicts held the 100x network twice) -
@register("d3", "application/json", "json", [NETWORK], aliases=("node-link", "nodelink"))
def render_d3(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The text of ``node_link`` (same bytes), written node by node and link by link."""

    def parts() -> Iterator[str]:
        meta = _json_text(_meta(graph, ctx))
        yield f'{{"directed":true,"multigraph":true,"graph":{meta},"nodes":'
        yield from _json_array(_d3_nodes(graph))
        yield ',"links":'
        yield from _json_array(_d3_links(graph))
        yield "}"

    return _chunked(parts())


@register("cyjs", "application/json", "cyjs", [NETWORK], aliases=("cytoscape", "cytoscape.js"))
def render_cyjs(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Cytoscape.js elements JSON (what ``cy.json()`` produces and Cytoscape desktop imports)."""

    def nodes() -> Iterator[dict[str, Any]]:
        positions = geo_positions(graph, scale=100.0)
        for rec in _d3_nodes(graph):
            element: dict[str, Any] = {"data": {**rec, "name": rec["label_zh"]}, "group": "nodes"}
            if rec["id"] in positions:
                x, y = positions[rec["id"]]
                element["position"] = {"x": round(x, 3), "y": round(y, 3)}
            yield element

    def edges() -> Iterator[dict[str, Any]]:
        for link in _d3_links(graph):
            del link["key"]
            yield {"data": {**link, "name": link["label_zh"]}, "group": "edges"}

    def parts() -> Iterator[str]:
        yield (
            '{"format_version":"1.0","generated_by":"yrd-kg","target_cytoscapejs_version":"~3",'
            f'"data":{_json_text(_meta(graph, ctx))},"elements":{{"nodes":'
        )
        yield from _json_array(nodes())
        yield ',"edges":'
        yield from _json_array(edges())
        yield "}}"

    return _chunked(parts())


# -- GraphML and GEXF (streamed; list/dict attributes flattened) ------------------------------
# networkx's writers build the whole document as an ElementTree before the first byte goes out:
# at 100x (220 k relations with their sources) that is gigabytes and many minutes. These write
# element by element instead; memory stays at one chunk plus the per-attribute type table.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters an XML attribute value must carry as references to survive parsing unchanged
#: (a parser normalises literal newlines and tabs in attribute values to spaces).
_ATTR_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
GRAPH_NAME = "co-operation network"


#: Any character that needs work in text or an attribute value; most values have none.
_XML_SPECIAL = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _xml_text(value: str) -> str:
    """Element text: markup escaped, characters XML 1.0 cannot carry replaced by U+FFFD."""
    if not _XML_SPECIAL.search(value):
        return value
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("\ufffd", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml_attr(value: str) -> str:
    """A double-quoted attribute value that parses back to exactly ``value``."""
    if not _XML_SPECIAL.search(value):
        return f'"{value}"'
    if _XML_INVALID.search(value):
        value = _XML_INVALID.sub("\ufffd", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char, reference in _ATTR_ENTITIES.items():
        value = value.replace(char, reference)
    return f'"{value}"'


def _xml_float(value: Any) -> str:
    text = str(float(value))
    return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)


#: How a value is written for each declared attribute type.
_XML_FORMAT: dict[str, Any] = {
    "string": str,
    "long": lambda v: str(int(v)),
    "double": _xml_float,
    "boolean": lambda v: "true" if v else "false",
}


def _xml_type(seen: set[type]) -> str:
    """One declared type per attribute, wide enough for every value it has in this export."""
    if seen == {bool}:
        return "boolean"
    if seen <= {int}:
        return "long"
    if seen <= {int, float}:
        return "double"
    return "string"


def _attribute_types(records: Iterator[dict[str, Any]]) -> dict[str, str]:
    """Attribute name -> XML type over all records, in first-seen order.

    GraphML keys and GEXF attributes must be declared before the first node, so the writers
    make one cheap pass (no JSON encoding) over the flattened records to learn them.
    """
    seen: dict[str, set[type]] = {}
    for attrs in records:
        for name, value in attrs.items():
            types = seen.get(name)
            if types is None:
                seen[name] = {type(value)}
            else:
                types.add(type(value))
    return {name: _xml_type(types) for name, types in seen.items()}


def flat_node(graph: nx.MultiDiGraph, node: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node's record and its attributes as scalars (``None`` left out)."""
    rec = node_record(graph, node)
    return rec, {k: v for k, v in rec.items() if k != "id" and v is not None}


def flat_edge(
    u: str, v: str, key: Any, data: dict[str, Any], *, gexf: bool = False, encode: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The edge's record and its attributes as scalars: lists and dicts as JSON text.

    ``encode=False`` puts empty strings where the JSON and the joined labels would go: the
    same names and types for the declaration pass, without the cost of encoding.
    """
    rec = edge_record(u, v, key, data)
    attrs: dict[str, Any] = {}
    for name in EDGE_FIELDS:
        value = rec[name]
        if value is None:
            continue
        if isinstance(value, list | dict):
            value = json_text(value) if encode else ""
        attrs[name] = value
    if encode:
        attrs["via_label"] = (rec["via"] or {}).get("label_zh") or ""
        attrs["domain_labels"] = "; ".join(domain_labels(rec))
        attrs["source_titles"] = "; ".join(source_titles(rec))
    else:
        attrs["via_label"] = attrs["domain_labels"] = attrs["source_titles"] = ""
    if gexf:
        # GEXF reserves start/end for dynamic graphs; keep the years as plain attributes.
        for name in ("start", "end"):
            if name in attrs:
                attrs[f"{name}_year"] = attrs.pop(name)
    return rec, attrs


def _edge_shapes(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, Any, dict[str, Any]]]:
    """The first edge of each shape: the type and truthiness of each of its fields.

    ``flat_edge`` only branches on those (``None``, empty, list or dict), so its attribute
    names and value types are the same for every edge of a shape; there are a few dozen.
    """
    seen: set[tuple[tuple[type, bool], ...]] = set()
    for u, v, k, d in graph.edges(keys=True, data=True):
        shape = tuple([(type(x), not x) for x in map(d.get, EDGE_FIELDS)])
        if shape not in seen:
            seen.add(shape)
            yield u, v, k, d


def _declarations(
    graph: nx.MultiDiGraph, *, gexf: bool
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(node, edge) attribute name -> (id, XML type)."""
    node_types = _attribute_types(flat_node(graph, n)[1] for n in graph)
    edge_types = _attribute_types(
        flat_edge(u, v, k, d, gexf=gexf, encode=False)[1] for u, v, k, d in _edge_shapes(graph)
    )
    prefix = "" if gexf else "d"
    nodes = {name: (f"{prefix}{i}", t) for i, (name, t) in enumerate(node_types.items())}
    edges = {
        name: (f"{prefix}{i}", t)
        for i, (name, t) in enumerate(edge_types.items(), start=len(nodes))
    }
    return nodes, edges


def _graphml_parts(graph: nx.MultiDiGraph) -> Iterator[str]:
    node_keys, edge_keys = _declarations(graph, gexf=False)
    graph_key = f"d{len(node_keys) + len(edge_keys)}"
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="{XSI_NS}" xsi:schemaLocation="{GRAPHML_NS} '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for scope, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key_id, xml_type) in keys.items():
            yield (
                f'  <key id="{key_id}" for="{scope}" attr.name={_xml_attr(name)} '
                f'attr.type="{xml_type}"/>\n'
            )
    yield f'  <key id="{graph_key}" for="graph" attr.name="name" attr.type="string"/>\n'
    yield f'  <graph edgedefault="directed">\n    <data key="{graph_key}">{GRAPH_NAME}</data>\n'

    def tags(keys: dict[str, tuple[str, str]]) -> dict[str, tuple[str, Any]]:
        return {n: (f'      <data key="{i}">', _XML_FORMAT[t]) for n, (i, t) in keys.items()}

    node_tags, edge_tags = tags(node_keys), tags(edge_keys)

    def data(opening: dict[str, tuple[str, Any]], attrs: dict[str, Any]) -> str:
        out = []
        for name, value in attrs.items():
            tag, text = opening[name]
            out.append(f"{tag}{_xml_text(text(value))}</data>\n")
        return "".join(out)

    quoted = {n: _xml_attr(str(n)) for n in graph}  # each id is written once per edge end
    for n in graph:
        _, attrs = flat_node(graph, n)
        yield f"    <node id={quoted[n]}>\n{data(node_tags, attrs)}    </node>\n"
    ids = edge_ids(graph)
    for u, v, k, d in graph.edges(keys=True, data=True):
        _, attrs = flat_edge(u, v, k, d)
        yield (
            f"    <edge source={quoted[u]} target={quoted[v]} "
            f"id={_xml_attr(ids[(u, v, k)])}>\n{data(edge_tags, attrs)}    </edge>\n"
        )
    yield "  </graph>\n</graphml>\n"


@register("graphml", "application/graphml+xml", "graphml", [NETWORK], aliases=("xml",))
def render_graphml(graph: nx.MultiDiGraph, _ctx: RenderContext) -> Iterator[bytes]:
    """GraphML, streamed: one ``<key>`` per attribute, edges keyed by their unique id."""
    return _chunked(_graphml_parts(graph))


def _gexf_parts(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[str]:
    node_attrs, edge_attrs = _declarations(graph, gexf=True)
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{GEXF_VIZ_NS}" xmlns:xsi="{XSI_NS}" '
        f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">\n'
        f'  <meta lastmodifieddate="{datetime.date.today().isoformat()}">\n'
        "    <creator>yrd-kg</creator>\n"
        f"    <description>{_xml_text(ctx.title)}</description>\n"
        "  </meta>\n"
        f'  <graph defaultedgetype="directed" mode="static" name="{GRAPH_NAME}">\n'
    )
    for scope, declared in (("node", node_attrs), ("edge", edge_attrs)):
        yield f'    <attributes class="{scope}" mode="static">\n'
        for name, (attr_id, xml_type) in declared.items():
            yield (f'      <attribute id="{attr_id}" title={_xml_attr(name)} type="{xml_type}"/>\n')
        yield "    </attributes>\n"

    def tags(declared: dict[str, tuple[str, str]]) -> dict[str, tuple[str, Any]]:
        return {
            n: (f'          <attvalue for="{i}" value=', _XML_FORMAT[t])
            for n, (i, t) in declared.items()
        }

    node_tags, edge_tags = tags(node_attrs), tags(edge_attrs)

    def attvalues(opening: dict[str, tuple[str, Any]], attrs: dict[str, Any]) -> str:
        out = ["        <attvalues>\n"]
        for name, value in attrs.items():
            tag, text = opening[name]
            out.append(f"{tag}{_xml_attr(text(value))}/>\n")
        out.append("        </attvalues>\n")
        return "".join(out)

    yield "    <nodes>\n"
    quoted = {n: _xml_attr(str(n)) for n in graph}  # each id is written once per edge end
    for n in graph:
        rec, attrs = flat_node(graph, n)
        viz = ""
        if rec["lat"] is not None and rec["lon"] is not None:
            viz = (
                f'        <viz:size value="{_xml_float(4.0 + graph.degree(n))}"/>\n'
                f'        <viz:position x="{_xml_float(rec["lon"] * 100.0)}" '
                f'y="{_xml_float(rec["lat"] * 100.0)}" z="0.0"/>\n'
            )
        yield (
            f"      <node id={quoted[n]} label={_xml_attr(str(rec['label_zh']))}>\n"
            f"{attvalues(node_tags, attrs)}{viz}      </node>\n"
        )
    yield "    </nodes>\n    <edges>\n"
    ids = edge_ids(graph)
    colours = {
        kind: tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        for kind, colour in KIND_COLOURS.items()
    }
    for u, v, k, d in graph.edges(keys=True, data=True):
        rec, attrs = flat_edge(u, v, k, d, gexf=True)
        r, g, b = colours.get(rec["kind"], colours["other"])
        yield (
            f"      <edge id={_xml_attr(ids[(u, v, k)])} source={quoted[u]} "
            f"target={quoted[v]} label={_xml_attr(str(rec['label_zh'] or rec['kind']))}>\n"
            f"{attvalues(edge_tags, attrs)}"
            f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0"/>\n      </edge>\n'
        )
    yield "    </edges>\n  </graph>\n</gexf>\n"


@register("gexf", "application/gexf+xml", "gexf", [NETWORK], aliases=("gephi",))
def render_gexf(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """GEXF 1.3, streamed, for Gephi: positions from coordinates (lon/lat x 100), node size
    from the degree, edges coloured by relation kind."""
    return _chunked(_gexf_parts(graph, ctx))


# -- Graphviz DOT ----------------------------------------------------------------------------
def _dot_id(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items() if v not in (None, ""))


@register("dot", "text/vnd.graphviz", "gv", [NETWORK], aliases=("gv", "graphviz"))
def render_dot(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """A digraph; ``pos`` (inches, pinned) from coordinates for ``neato -n``, colour by kind."""

    def parts() -> Iterator[str]:
        positions = geo_positions(graph, scale=72.0)  # points: one inch per degree
        graph_attrs = {"charset": "UTF-8", "overlap": "false", "splines": "true"}
        yield (
            f"digraph {_dot_id(ctx.title)} {{\n"
            f"  graph [{_dot_attrs(graph_attrs)}];\n"
            f"  node [{_dot_attrs({'shape': 'ellipse', 'fontname': 'Noto Sans CJK SC'})}];\n"
            f"  edge [{_dot_attrs({'fontname': 'Noto Sans CJK SC', 'fontsize': '9'})}];\n"
        )
        for n in graph.nodes:
            rec = node_record(graph, n)
            attrs = {
                "label": rec["label_zh"] + (f"\n{rec['label_en']}" if rec["label_en"] else ""),
                "label_zh": rec["label_zh"],
                "label_en": rec["label_en"],
                "type": rec["type"],
                "province": rec["province"],
                "province_label": rec["province_label"],
                "lat": rec["lat"],
                "lon": rec["lon"],
                "tooltip": n,
            }
            if n in positions:
                x, y = positions[n]
                attrs["pos"] = f"{x:.3f},{-y:.3f}!"
            yield f"  {_dot_id(n)} [{_dot_attrs(attrs)}];\n"
        for u, v, k, d in graph.edges(keys=True, data=True):
            rec = edge_record(u, v, k, d)
            attrs = {
                "key": str(k),
                "label": rec["label_zh"] or "",
                "kind": rec["kind"],
                "role": rec["role"],
                "color": KIND_COLOURS.get(rec["kind"], KIND_COLOURS["other"]),
                "dir": "none" if rec["role"] == "mutual" else "forward",
                "period": rec["period"],
                "domains": "; ".join(domain_labels(rec)),
                "sources": "; ".join(source_titles(rec)),
                "tooltip": rec["relation"],
            }
            yield f"  {_dot_id(u)} -> {_dot_id(v)} [{_dot_attrs(attrs)}];\n"
        yield "}\n"

    return _chunked(parts())


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
    yield f'{{"type":"FeatureCollection","name":{_json_text(ctx.title)},"features":['
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
        yield separator + _json_text(feature)
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
        yield separator + _json_text(feature)
        separator = ","
    properties = {**_meta(graph, ctx), "without_coordinates": skipped}
    yield f'],"properties":{_json_text(properties)}}}'


@register("geojson", "application/geo+json", "geojson", [NETWORK], aliases=("geo+json",))
def render_geojson(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Places as Points; relations as LineStrings between seats; parks as Points at the host.

    Streamed feature by feature: the whole document as one dict (then one string, then bytes)
    held the 100x network three times over."""
    return _chunked(_geojson_parts(graph, ctx))


# -- layout ----------------------------------------------------------------------------------
def _jitter(text: str) -> tuple[float, float]:
    h = hashlib.sha1(text.encode()).digest()
    return (h[0] / 255 - 0.5), (h[1] / 255 - 0.5)


def geo_positions(graph: nx.MultiDiGraph, scale: float = 1.0) -> dict[str, tuple[float, float]]:
    """Equirectangular projection (x east, y *down*), corrected by cos(mean latitude).

    Places without coordinates are put next to their parent, else amid their located
    neighbours; places with neither are left out.
    """
    coords = {}
    for n, d in graph.nodes(data=True):
        if d.get("lat") is not None and d.get("lon") is not None:
            coords[n] = (float(d["lon"]), float(d["lat"]))
    if not coords:
        return {}
    lat0 = sum(lat for _, lat in coords.values()) / len(coords)
    k = math.cos(math.radians(lat0))
    pos = {n: (lon * k * scale, -lat * scale) for n, (lon, lat) in coords.items()}
    fixed = dict(pos)  # anchors are located places only, never placed ones
    for n, d in graph.nodes(data=True):
        if n in pos:
            continue
        anchors = [fixed[d["parent"]]] if d.get("parent") in fixed else []
        if not anchors:
            anchors = [fixed[m] for m in nx.all_neighbors(graph, n) if m in fixed]
        if anchors:
            jx, jy = _jitter(n)
            x = sum(a[0] for a in anchors) / len(anchors) + jx * 0.3 * scale
            y = sum(a[1] for a in anchors) / len(anchors) + jy * 0.3 * scale
            pos[n] = (x, y)
    return pos


def force_positions(
    graph: nx.MultiDiGraph, iterations: int = 200
) -> dict[str, tuple[float, float]]:
    """A small Fruchterman–Reingold layout in pure Python, seeded from the node ids."""
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    pos = {n: list(_jitter(n)) for n in nodes}
    neighbours = {n: set(nx.all_neighbors(graph, n)) - {n} for n in nodes}
    k = math.sqrt(1.0 / len(nodes))
    temperature = 0.1
    for _ in range(iterations):
        disp = {n: [0.0, 0.0] for n in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(math.hypot(dx, dy), 1e-4)
                force = k * k / dist
                if b in neighbours[a]:
                    force -= dist * dist / k
                fx, fy = dx / dist * force, dy / dist * force
                disp[a][0] += fx
                disp[a][1] += fy
                disp[b][0] -= fx
                disp[b][1] -= fy
        for n in nodes:
            dx, dy = disp[n]
            length = max(math.hypot(dx, dy), 1e-9)
            step = min(length, temperature)
            pos[n][0] += dx / length * step
            pos[n][1] += dy / length * step
        temperature = max(temperature * 0.97, 0.002)
    return {n: (p[0], p[1]) for n, p in pos.items()}


def compress(pos: Positions) -> Positions:
    """Pull far-away partners in and spread the crowded core, keeping every bearing.

    Distances from the median point become sqrt(r * r_median): a place at the median distance
    stays put, one 16 times as far ends 4 times as far, one a quarter as far ends half as far.
    """
    if len(pos) < 3:
        return dict(pos)
    xs = sorted(p[0] for p in pos.values())
    ys = sorted(p[1] for p in pos.values())
    cx, cy = xs[len(xs) // 2], ys[len(ys) // 2]
    radii = sorted(math.hypot(x - cx, y - cy) for x, y in pos.values())
    r_med = radii[len(radii) // 2] or (radii[-1] or 1.0)
    out = {}
    for n, (x, y) in pos.items():
        r = math.hypot(x - cx, y - cy)
        if r == 0:
            out[n] = (x, y)
            continue
        k = math.sqrt(r * r_med) / r
        out[n] = (cx + (x - cx) * k, cy + (y - cy) * k)
    return out


def separate(points: dict[str, list[float]], min_dist: float, rounds: int = 60) -> None:
    """Nudge points apart (in place) until no two are closer than ``min_dist``, or give up."""
    names = list(points)
    if len(names) > 400:
        return  # quadratic; big pictures keep their raw positions
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            pa = points[a]
            for b in names[i + 1 :]:
                pb = points[b]
                dx, dy = pb[0] - pa[0], pb[1] - pa[1]
                dist = math.hypot(dx, dy)
                if dist >= min_dist:
                    continue
                if dist < 1e-6:
                    jx, jy = _jitter(a + b)
                    dx, dy, dist = jx, jy, max(math.hypot(jx, jy), 1e-6)
                push = (min_dist - dist) / 2 / dist
                pa[0] -= dx * push
                pa[1] -= dy * push
                pb[0] += dx * push
                pb[1] += dy * push
                moved = True
        if not moved:
            return


def layout(graph: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], str]:
    """Coordinates (radially compressed) when most places have them, else a force layout."""
    geo = geo_positions(graph)
    if graph.number_of_nodes() and len(geo) == graph.number_of_nodes():
        return compress(geo), "geographic"
    located = sum(1 for _, d in graph.nodes(data=True) if d.get("lat") is not None)
    if geo and located * 2 >= graph.number_of_nodes():
        geo = compress(geo)
        # Those with no anchor at all go below the map, in a row.
        xs = [p[0] for p in geo.values()]
        ys = [p[1] for p in geo.values()]
        missing = [n for n in graph.nodes if n not in geo]
        step = (max(xs) - min(xs)) / max(len(missing), 1)
        for i, n in enumerate(missing):
            geo[n] = (min(xs) + i * step, max(ys) + 0.15 * (max(ys) - min(ys) or 1.0))
        return geo, "geographic"
    return force_positions(graph), "force"


# -- SVG and PNG -----------------------------------------------------------------------------
LAYOUT_NOTES = {
    "geographic": "layout from coordinates, distances from the centre compressed",
    "force": "force layout",
}


def province_colour(index: int) -> str:
    """Distinct, readable hues by golden-angle steps."""
    hue = (index * 0.381966) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.45, 0.65)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def render_svg_text(graph: nx.MultiDiGraph, ctx: RenderContext, width: int = 1200) -> str:
    pos, method = layout(graph)
    legend_w, margin = 230, 40
    inner_w = width - legend_w - 2 * margin - 70  # room for the labels right of the nodes
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
        scale = min(inner_w / span_x, 1.4 * inner_w / span_y)
        x0, y0 = min(xs), min(ys)
        height = max(int(span_y * scale) + 2 * margin + 40, 420)
    else:
        scale, x0, y0, height = 1.0, 0.0, 0.0, 420

    pixels = {
        n: [margin + (x - x0) * scale, margin + 30 + (y - y0) * scale] for n, (x, y) in pos.items()
    }
    separate(pixels, 16.0)

    def xy(n: str) -> tuple[float, float]:
        return pixels[n][0], pixels[n][1]

    provinces: dict[str, int] = {}
    for n in sorted(graph.nodes):
        p = graph.nodes[n].get("province") or ""
        provinces.setdefault(p, len(provinces))
    province_names = {
        (d.get("province") or ""): d.get("province_label")
        or _local(d.get("province") or "— (none)")
        for _, d in graph.nodes(data=True)
    }
    title = ctx.title if ctx.title not in ("", "result") else "co-operation network"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT_FAMILY)}>',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{margin}" y="28" font-size="18" font-weight="bold" fill="#17324d">'
        f"长三角合作网络 · {escape(title)}</text>",
        f'<text x="{margin}" y="46" font-size="11" fill="#667">'
        f"{graph.number_of_nodes()} places, {graph.number_of_edges()} relations; "
        f"{LAYOUT_NOTES[method]}</text>",
    ]
    kinds = sorted({(d.get("kind") or "other") for _, _, d in graph.edges(data=True)})
    # Edges, parallel ones bent apart.
    out.append('<g class="edges" fill="none" stroke-width="1.6" stroke-opacity="0.8">')
    pair_count: Counter[frozenset[str]] = Counter()
    for u, v, k, d in graph.edges(keys=True, data=True):
        if u not in pos or v not in pos:
            continue
        rec = edge_record(u, v, k, d)
        colour = KIND_COLOURS.get(rec["kind"], KIND_COLOURS["other"])
        (x1, y1), (x2, y2) = xy(u), xy(v)
        pair = frozenset((u, v))
        i = pair_count[pair]
        pair_count[pair] += 1
        bend = (0 if i == 0 else (1 + (i - 1) // 2) * (1 if i % 2 else -1)) * 14
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        length = max(math.hypot(x2 - x1, y2 - y1), 1e-6)
        cx, cy = mx - (y2 - y1) / length * bend, my + (x2 - x1) / length * bend
        arrow = ""
        if rec["role"] != "mutual":
            # An arrowhead drawn as a polygon (renderers differ on markers), at the node's rim.
            tx, ty = x2 - cx, y2 - cy
            tl = max(math.hypot(tx, ty), 1e-6)
            tx, ty = tx / tl, ty / tl
            back = 5 + min(graph.degree(v), 12) * 0.6 + 1
            px, py = x2 - tx * back, y2 - ty * back
            points = [
                (px, py),
                (px - tx * 9 - ty * 4, py - ty * 9 + tx * 4),
                (px - tx * 9 + ty * 4, py - ty * 9 - tx * 4),
            ]
            arrow = '<polygon points="{}" fill="{}" stroke="none"/>'.format(
                " ".join(f"{a:.1f},{b:.1f}" for a, b in points), colour
            )
        tip = f"{graph.nodes[u].get('label_zh') or u} → {graph.nodes[v].get('label_zh') or v}: "
        tip += rec["label_zh"] or rec["kind"]
        if rec["period"]:
            tip += f" ({rec['period']})"
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" '
            f'stroke="{colour}"><title>{escape(tip)}</title></path>{arrow}'
        )
    out.append("</g>")
    # Nodes and labels (labels drawn twice: a white halo, then the text).
    out.append('<g class="nodes">')
    labels = []
    for n in graph.nodes:
        if n not in pos:
            continue
        rec = node_record(graph, n)
        x, y = xy(n)
        r = 4 + min(graph.degree(n), 12) * 0.6
        colour = province_colour(provinces[rec["province"] or ""])
        tip = f"{rec['label_zh']} {rec['label_en'] or ''} ({rec['type'] or 'place'})"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" stroke="#fff" '
            f'stroke-width="1"><title>{escape(tip)}</title></circle>'
        )
        label = escape(rec["label_zh"])
        lx, ly = x + r + 2, y + 4
        labels.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" fill="none" stroke="#fff" '
            f'stroke-width="3" stroke-linejoin="round">{label}</text>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" fill="#1d2733">{label}</text>'
        )
    out.append("</g>")
    out.append('<g class="labels">' + "".join(labels) + "</g>")
    # Legend: relation kinds, then provinces.
    lx, ly = width - legend_w + 10, margin + 20
    out.append(
        f'<g class="legend"><rect x="{lx - 10}" y="{ly - 20}" width="{legend_w - 10}" '
        f'height="{height - ly}" fill="#f7f9fb" stroke="#dde"/>'
        f'<text x="{lx}" y="{ly}" font-size="13" font-weight="bold">关系类型 Relation kind</text>'
    )
    for i, kind in enumerate(kinds):
        y = ly + 20 + i * 18
        colour = KIND_COLOURS.get(kind, KIND_COLOURS["other"])
        out.append(
            f'<line x1="{lx}" y1="{y - 4}" x2="{lx + 24}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="3"/><text x="{lx + 30}" y="{y}" font-size="12">'
            f"{escape(KIND_LABELS.get(kind, kind))}</text>"
        )
    py = ly + 20 + len(kinds) * 18 + 20
    out.append(
        f'<text x="{lx}" y="{py}" font-size="13" font-weight="bold">省级单位 Province</text>'
    )
    for i, (prov, index) in enumerate(sorted(provinces.items(), key=lambda kv: kv[1])[:20]):
        y = py + 20 + i * 18
        out.append(
            f'<circle cx="{lx + 12}" cy="{y - 4}" r="5" fill="{province_colour(index)}"/>'
            f'<text x="{lx + 30}" y="{y}" font-size="12">'
            f"{escape(province_names.get(prov) or '— (none)')}</text>"
        )
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


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
        # What ``layout`` does: geographic when most places, or all with help, are placed.
        if located * 2 < places and len(geo_positions(graph)) < places:
            raise TooLarge(
                fmt,
                f"{places - located:,} of its {places:,} places have no coordinates, and a "
                f"force layout is drawn for at most {FORCE_LAYOUT_LIMIT:,} places",
                places,
                graph.number_of_edges(),
            )


def _later(make: Callable[[], bytes]) -> Iterator[bytes]:
    """The one chunk ``make`` returns, made when the response is first read."""
    yield make()


@register("svg", "image/svg+xml", "svg", [NETWORK])
def render_svg(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Checks the size at once (so HTTP can still answer 413), draws when first read."""
    check_drawable("svg", graph)
    return _later(lambda: render_svg_text(graph, ctx).encode())


@register("png", "image/png", "png", [NETWORK], charset=False)
def render_png(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The SVG picture rasterised by cairosvg (cairo + fontconfig find the CJK fonts)."""
    check_drawable("png", graph)

    def draw() -> bytes:
        import cairosvg

        return cairosvg.svg2png(bytestring=render_svg_text(graph, ctx).encode(), scale=1.5)

    return _later(draw)


# -- a self-contained interactive page -------------------------------------------------------
def _static(name: str) -> str:
    return resources.files("kg").joinpath("static", name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@register("html", "text/html", "html", [NETWORK], aliases=("page",))
def render_html(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The explorer in one file: data, styles and scripts inlined; it fetches nothing."""
    check_drawable("html", graph)
    return _later(lambda: _html_page(graph, ctx))


def _html_page(graph: nx.MultiDiGraph, ctx: RenderContext) -> bytes:
    title = ctx.title if ctx.title not in ("", "result") else "co-operation network"
    config = {"mode": "force", "resolveUrl": None, "placeUrl": None, "data": node_link(graph, ctx)}
    page = f"""<!doctype html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>长三角合作网络 · {escape(title)}</title>
<style>
{_static("site.css")}
{_static("netview.css")}
</style>
</head>
<body>
<main class="netpage">
<h1>长三角合作网络 · {escape(title)}</h1>
<div id="netview" class="netview"></div>
</main>
<script>window.KG_CONFIG = {script_json(config)};</script>
<script>
{_static("netview.js")}
</script>
<script>
{_static("explore.js")}
</script>
</body>
</html>
"""
    return page.encode()


def split_multi(values: list[str]) -> list[str]:
    """``kind=a&kind=b`` and ``kind=a,b`` alike."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


__all__ = [
    "DRAW_LIMITS",
    "KIND_COLOURS",
    "TooLarge",
    "check_counts",
    "check_drawable",
    "communities",
    "edge_record",
    "geo_positions",
    "layout",
    "node_link",
    "node_record",
    "render_svg_text",
    "split_multi",
]
