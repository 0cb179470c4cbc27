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

import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from . import fonts, palette, picture
from .formats import NETWORK, RenderContext, json_compact, json_text, register
from .placement import place_all

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
    """The shared palette (:mod:`kg.palette`) for the places of ``graph``."""
    return palette.province_colours(
        (d.get("province"), d.get("province_label")) for _, d in graph.nodes(data=True)
    )


def _meta(graph: nx.MultiDiGraph, ctx: RenderContext) -> dict[str, Any]:
    kinds = sorted({(d.get("kind") or "other") for _, _, d in graph.edges(data=True)})
    return {
        "name": ctx.title,
        "kind_colours": {k: KIND_COLOURS.get(k, KIND_COLOURS["other"]) for k in kinds},
        "kind_labels": {k: KIND_LABELS.get(k, k) for k in kinds},
        "province_colours": province_colours(graph),
        "focus": ctx.focus if ctx.focus in graph else None,
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
    """Cytoscape.js elements JSON (what ``cy.json()`` produces and Cytoscape desktop imports).

    ``parent`` is Cytoscape's compound-node key: the administrative parent travels as
    ``admin_parent`` instead, or every province would become a box around its cities. Every
    node has a position (:mod:`kg.placement`; ``placement`` says which rule placed it)."""

    def nodes() -> Iterator[dict[str, Any]]:
        placed = place_all(graph, scale=100.0)
        for rec in _d3_nodes(graph):
            rec["admin_parent"] = rec.pop("parent")
            rec["placement"] = placed.how(rec["id"])
            x, y = placed.positions[rec["id"]]
            yield {
                "data": {**rec, "name": rec["label_zh"]},
                "group": "nodes",
                "position": {"x": round(x, 3), "y": round(y, 3)},
            }

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


def flat_node(
    graph: nx.MultiDiGraph, node: str, *, label: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node's record and its attributes as scalars (``None`` left out).

    ``label=True`` adds ``label`` (the Chinese name), the attribute yEd, Cytoscape desktop and
    igraph show, where GraphML has no label of its own (GEXF has: its ``label`` attribute)."""
    rec = node_record(graph, node)
    attrs = {"label": rec["label_zh"]} if label else {}
    attrs.update((k, v) for k, v in rec.items() if k != "id" and v is not None)
    return rec, attrs


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
    node_types = _attribute_types(flat_node(graph, n, label=not gexf)[1] for n in graph)
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
        _, attrs = flat_node(graph, n, label=True)
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
    # No xsi:schemaLocation: the GEXF 1.3 grammar (gexf.rng) allows no attribute it does not
    # name, and neither a <graph name=…>; the schema test validates against it and the XSD.
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{GEXF_VIZ_NS}" version="1.3">\n'
        f'  <meta lastmodifieddate="{datetime.date.today().isoformat()}">\n'
        "    <creator>yrd-kg</creator>\n"
        f"    <description>{_xml_text(ctx.title)}</description>\n"
        "  </meta>\n"
        f'  <graph defaultedgetype="directed" mode="static">\n'
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
    placed = place_all(graph, scale=100.0)
    colours = province_colours(graph)
    for n in graph:
        rec, attrs = flat_node(graph, n)
        x, y = placed.positions[n]
        r, g, b = _rgb(colours.get(rec["province"] or "", palette.NONE))
        # Gephi's y grows northwards: the screen's y (southwards) flipped.
        viz = (
            f'        <viz:color r="{r}" g="{g}" b="{b}"/>\n'
            f'        <viz:position x="{_xml_float(round(x, 3))}" '
            f'y="{_xml_float(round(-y, 3))}" z="0.0"/>\n'
            f'        <viz:size value="{_xml_float(4.0 + min(graph.degree(n), 30))}"/>\n'
        )
        yield (
            f"      <node id={quoted[n]} label={_xml_attr(str(rec['label_zh']))}>\n"
            f"{attvalues(node_tags, attrs)}{viz}      </node>\n"
        )
    yield "    </nodes>\n    <edges>\n"
    ids = edge_ids(graph)
    colours = {kind: _rgb(colour) for kind, colour in KIND_COLOURS.items()}
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


def _rgb(colour: str) -> tuple[int, int, int]:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return r, g, b


@register("gexf", "application/gexf+xml", "gexf", [NETWORK], aliases=("gephi",))
def render_gexf(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """GEXF 1.3, streamed, for Gephi: a ``viz:position`` for every node (coordinates x 100,
    see :mod:`kg.placement`), colour by province, size by degree, edges coloured by kind."""
    return _chunked(_gexf_parts(graph, ctx))


# -- Graphviz DOT ----------------------------------------------------------------------------
def _dot_id(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items() if v not in (None, ""))


@register("dot", "text/vnd.graphviz", "gv", [NETWORK], aliases=("gv", "graphviz"))
def render_dot(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """A digraph with a pinned ``pos`` (points) for every node, for ``neato -n2``: from the
    coordinates (one inch a degree) or the margin band (:mod:`kg.placement`); colour by kind."""

    def parts() -> Iterator[str]:
        placed = place_all(graph, scale=72.0)  # points: one inch per degree
        positions = placed.positions
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
                "placement": placed.how(n),
            }
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


def svg_text(graph: nx.MultiDiGraph, ctx: RenderContext) -> str:
    """The picture (:mod:`kg.picture`) with this module's kind colours and labels."""
    return picture.render_svg_text(graph, ctx, KIND_COLOURS, KIND_LABELS)


def _later(make: Callable[[], bytes]) -> Iterator[bytes]:
    """The one chunk ``make`` returns, made when the response is first read."""
    yield make()


@register("svg", "image/svg+xml", "svg", [NETWORK])
def render_svg(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Checks the size at once (so HTTP can still answer 413), draws when first read."""
    check_drawable("svg", graph)
    return _later(lambda: svg_text(graph, ctx).encode())


@register("png", "image/png", "png", [NETWORK], charset=False)
def render_png(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The SVG picture rasterised by cairosvg (cairo + fontconfig find the CJK fonts).

    Refuses at once (:class:`kg.fonts.MissingFont`) when fontconfig has no Chinese font: the
    labels would silently be boxes."""
    check_drawable("png", graph)
    fonts.require_cjk_font()

    def draw() -> bytes:
        import cairosvg

        return cairosvg.svg2png(bytestring=svg_text(graph, ctx).encode(), scale=1.5)

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
{_static("netlayout.js")}
</script>
<script>
{_static("netlabels.js")}
</script>
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
    "node_link",
    "node_record",
    "svg_text",
    "split_multi",
]
