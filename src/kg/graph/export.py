"""Exports of the co-operation network: graph files, JSON for JS libraries, maps and pictures.

Every renderer takes the networkx ``MultiDiGraph`` of the projection (or a filtered subgraph of
it) and is registered in :mod:`kg.formats` with kind ``network``, so ``/api/export``, ``kg
export`` and content negotiation all pick it up from the one registry.

Nodes are place IRIs with ``label_zh``, ``label_en``, ``type``, ``province``,
``province_label``, ``lat``, ``lon`` and ``parent``; edges are keyed by relation IRI and carry
``kind``, ``role``, ``via``, ``level``, ``scheme``, ``domains``, ``start``/``end``, ``period``,
``sources`` and ``label_zh``. Missing attributes are treated as ``None``.

The shared records, colours and limits are in ``kg.graph.export_common``; each format family is its
own module registered in :mod:`kg.formats` (adding a format is one function and its
``@register`` line). Importing this module registers them all.
"""

from __future__ import annotations

# The order of registration is the order formats are offered in (d3 first): keep it.
# isort: off
from kg.graph import export_json  # noqa: F401 - registers d3, cyjs
from kg.graph import export_xml  # noqa: F401 - registers graphml, gexf
from kg.graph import export_dot  # noqa: F401 - registers dot
from kg.graph import export_geojson  # noqa: F401 - registers geojson
from kg.graph import export_drawing  # noqa: F401 - registers svg, png, html

# isort: on
from kg.graph.export_common import (
    DRAW_LIMITS,
    EDGE_FIELDS,
    KIND_COLOURS,
    KIND_LABELS,
    NODE_FIELDS,
    TooLarge,
    check_counts,
    check_drawable,
    communities,
    domain_labels,
    edge_record,
    node_record,
    province_colours,
    source_titles,
    split_multi,
    with_hosts,
)
from kg.graph.export_drawing import VIEWER_SCRIPTS, script_json, svg_text
from kg.graph.export_json import node_link

__all__ = [
    "DRAW_LIMITS",
    "EDGE_FIELDS",
    "KIND_COLOURS",
    "KIND_LABELS",
    "NODE_FIELDS",
    "TooLarge",
    "VIEWER_SCRIPTS",
    "check_counts",
    "check_drawable",
    "communities",
    "domain_labels",
    "edge_record",
    "node_link",
    "node_record",
    "province_colours",
    "script_json",
    "source_titles",
    "split_multi",
    "svg_text",
    "with_hosts",
]
