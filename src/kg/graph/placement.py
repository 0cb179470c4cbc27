"""Where every place goes in an export that carries positions (cyjs, GEXF, DOT, SVG).

Consumers need a position for *every* node: Cytoscape.js piles unplaced nodes at (0, 0),
``neato -n2`` stops at the first node without ``pos`` and Gephi starts them at random. The
rule, the same in every export (and in the README):

* a place with coordinates sits at them (equirectangular, x east, y *down*, longitudes
  shortened by the cosine of the mean latitude);
* a place without coordinates (a group, a province without a seat, a foreign partner) goes to
  a **labelled margin** below the located places: rows in a band whose top is
  ``MARGIN_GAP`` of the map's height under its lowest place, ordered by type then label.
  Never next to a real place, where it would hide it or be mistaken for it;
* when no place at all has coordinates, every place is in that band (a grid).

Each position comes with how it was made (``"coordinates"`` or ``"margin"``) so the exports
can say so (the ``placement`` attribute) and pictures can label the band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

#: Gap between the lowest located place and the margin band, as a share of the map's height.
MARGIN_GAP = 0.12
#: Title of the band of places without coordinates, in pictures and exports.
MARGIN_LABEL = "无坐标 · no coordinates"


@dataclass(frozen=True)
class Placement:
    """Positions for every node, and which of them stand in the margin band."""

    positions: dict[str, tuple[float, float]]
    margin: frozenset[str]
    #: (x, y) of the band's top-left corner (where its label goes); ``None`` without a band.
    margin_origin: tuple[float, float] | None

    def how(self, node: str) -> str:
        return "margin" if node in self.margin else "coordinates"


def located(graph: nx.MultiDiGraph, scale: float = 1.0) -> dict[str, tuple[float, float]]:
    """Equirectangular positions of the places that have coordinates (y grows southwards)."""
    coords = {}
    for n, d in graph.nodes(data=True):
        if d.get("lat") is not None and d.get("lon") is not None:
            coords[n] = (float(d["lon"]), float(d["lat"]))
    if not coords:
        return {}
    lat0 = sum(lat for _, lat in coords.values()) / len(coords)
    k = math.cos(math.radians(lat0))
    return {n: (lon * k * scale, -lat * scale) for n, (lon, lat) in coords.items()}


def _margin_order(graph: nx.MultiDiGraph, nodes: list[str]) -> list[str]:
    def key(n: str) -> tuple[str, str, str]:
        d = graph.nodes[n]
        return (str(d.get("type") or ""), str(d.get("label_zh") or d.get("label_en") or n), n)

    return sorted(nodes, key=key)


def margin_rows(
    names: list[str], left: float, top: float, width: float, step: float
) -> dict[str, tuple[float, float]]:
    """``names`` in rows ``step`` apart, as many a row as fit across ``width``."""
    per_row = max(1, int(width // step) + 1)
    out = {}
    for i, n in enumerate(names):
        row, col = divmod(i, per_row)
        out[n] = (left + col * step, top + row * step * 0.5)
    return out


def place_all(graph: nx.MultiDiGraph, scale: float = 1.0) -> Placement:
    """A position for every node of ``graph`` by the module's rule (see the docstring)."""
    pos = located(graph, scale)
    missing = _margin_order(graph, [n for n in graph if n not in pos])
    if not missing:
        return Placement(pos, frozenset(), None)
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        width = max(xs) - min(xs)
        height = max(ys) - min(ys)
        unit = max(width, height) or scale
        left, top = min(xs), max(ys) + MARGIN_GAP * unit + 0.2 * scale
        width = max(width, unit)
    else:
        unit = scale
        left, top = 0.0, 0.0
        width = max(1.0, math.sqrt(len(missing))) * scale
    # A step that leaves room for a label: at least a fifth of a degree (a scale unit).
    step = max(0.4 * scale, width / max(len(missing) - 1, 1) if len(missing) <= 12 else 0)
    step = max(step, 0.4 * scale)
    pos.update(margin_rows(missing, left, top, width, step))
    return Placement(pos, frozenset(missing), (left, top - 0.25 * scale))
