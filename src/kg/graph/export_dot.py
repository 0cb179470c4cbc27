"""The network as Graphviz DOT, every place at its position (``neato -n2`` draws it as is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from kg.formats import NETWORK, RenderContext, register
from kg.graph.export_common import (
    KIND_COLOURS,
    chunked,
    domain_labels,
    edge_record,
    node_record,
    source_titles,
)
from kg.graph.placement import place_all


# -- Graphviz DOT ----------------------------------------------------------------------------
def _dot_id(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items() if v not in (None, ""))


@register("dot", "text/vnd.graphviz", "gv", [NETWORK], aliases=("gv", "graphviz"))
def render_dot(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """A digraph with a pinned ``pos`` (points) for every node, for ``neato -n2``: from the
    coordinates (one inch a degree) or the margin band (:mod:`kg.graph.placement`); colour by
    kind."""

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

    return chunked(parts())
