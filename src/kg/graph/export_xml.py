"""The network as GraphML and GEXF 1.3 (streamed; list and dict attributes flattened), the
files Gephi, yEd, igraph and networkx read.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import networkx as nx

from kg.formats import NETWORK, RenderContext, json_text, register
from kg.graph import palette
from kg.graph.export_common import (
    EDGE_FIELDS,
    KIND_COLOURS,
    chunked,
    domain_labels,
    edge_ids,
    edge_record,
    node_record,
    province_colours,
    source_titles,
)
from kg.graph.placement import place_all

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
    return chunked(_graphml_parts(graph))


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
    see :mod:`kg.graph.placement`), colour by province, size by degree, edges coloured by kind."""
    return chunked(_gexf_parts(graph, ctx))
