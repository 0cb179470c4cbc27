"""The network as JSON for JS libraries: D3's node-link shape and Cytoscape.js elements
(streamed: the whole document as dicts held the 100x network twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from kg.formats import NETWORK, RenderContext, register
from kg.graph.export_common import (
    chunked,
    communities,
    edge_ids,
    edge_record,
    graph_meta,
    json_array,
    json_item,
    node_record,
)
from kg.graph.placement import place_all


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
        "graph": graph_meta(graph, ctx),
        "nodes": list(_d3_nodes(graph)),
        "links": list(_d3_links(graph)),
    }


# -- JSON for JS libraries (streamed: the whole document as dicts held the 100x network twice) -
@register("d3", "application/json", "json", [NETWORK], aliases=("node-link", "nodelink"))
def render_d3(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The text of ``node_link`` (same bytes), written node by node and link by link."""

    def parts() -> Iterator[str]:
        meta = json_item(graph_meta(graph, ctx))
        yield f'{{"directed":true,"multigraph":true,"graph":{meta},"nodes":'
        yield from json_array(_d3_nodes(graph))
        yield ',"links":'
        yield from json_array(_d3_links(graph))
        yield "}"

    return chunked(parts())


@register("cyjs", "application/json", "cyjs", [NETWORK], aliases=("cytoscape", "cytoscape.js"))
def render_cyjs(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Cytoscape.js elements JSON (what ``cy.json()`` produces and Cytoscape desktop imports).

    ``parent`` is Cytoscape's compound-node key: the administrative parent travels as
    ``admin_parent`` instead, or every province would become a box around its cities. Every
    node has a position (:mod:`kg.graph.placement`; ``placement`` says which rule placed it)."""

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
            f'"data":{json_item(graph_meta(graph, ctx))},"elements":{{"nodes":'
        )
        yield from json_array(nodes())
        yield ',"edges":'
        yield from json_array(edges())
        yield "}}"

    return chunked(parts())
