"""Label placement without overlaps, for the SVG/PNG pictures.

A picture of a co-operation network is mostly labels, and the busiest places are the ones
whose labels collide. Each label is tried, most important place first, at a few spots around
its node; it takes the first spot that overlaps no label already placed (and, if possible, no
node), and is left out otherwise: the node keeps its name as a hover tooltip. Box sizes are
estimated on the safe side for Noto Sans CJK (full-width ideographs one em, ascent 1.16 em,
descent 0.29 em), so the browser tests that measure the rendered boxes find no overlap.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom
#: Font metrics of Noto Sans CJK, in em, slightly generous.
ASCENT, DESCENT = 1.18, 0.32


def text_width(text: str, size: float) -> float:
    """Width of ``text`` at font ``size``: ideographs and full-width forms one em, others 0.62."""
    wide = sum(1 for c in text if ord(c) >= 0x2E80)
    return (wide + 0.62 * (len(text) - wide)) * size


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Grid:
    """Boxes bucketed by a coarse grid, so a test only looks at its neighbours."""

    def __init__(self, cell: float = 60.0) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def hits(self, box: Box) -> bool:
        return any(overlaps(box, other) for k in self._keys(box) for other in self.cells.get(k, ()))

    def add(self, box: Box) -> None:
        for k in self._keys(box):
            self.cells.setdefault(k, []).append(box)


@dataclass(frozen=True)
class Label:
    """Where a label goes: baseline start ``x``, ``y``, anchor ``start``/``end``/``middle``."""

    x: float
    y: float
    anchor: str
    box: Box


def candidates(x: float, y: float, r: float, width: float, size: float) -> list[Label]:
    """Spots around a node of radius ``r`` at (x, y): right, left, above, below, diagonals."""
    up, down = ASCENT * size, DESCENT * size
    mid = y + 0.36 * size  # baseline that centres the text on the node
    gap = r + 2
    spots = [
        (x + gap, mid, "start"),
        (x - gap, mid, "end"),
        (x, y - gap - down, "middle"),
        (x, y + gap + up, "middle"),
        (x + gap * 0.7, y - gap * 0.7 - down, "start"),
        (x - gap * 0.7, y - gap * 0.7 - down, "end"),
        (x + gap * 0.7, y + gap * 0.7 + up, "start"),
        (x - gap * 0.7, y + gap * 0.7 + up, "end"),
    ]
    out = []
    for lx, ly, anchor in spots:
        left = {"start": lx, "end": lx - width, "middle": lx - width / 2}[anchor]
        out.append(Label(lx, ly, anchor, (left - 1, ly - up - 1, left + width + 1, ly + down + 1)))
    return out


def place_labels(
    items: list[tuple[str, float, float, float, str, float]],
    bounds: Box,
    obstacles: Iterable[Box] = (),
) -> dict[str, Label]:
    """Labels for ``items`` = (id, x, y, radius, text, font size), most important first.

    A label never overlaps another, an obstacle (legend, title) or leaves ``bounds``; it
    avoids nodes when it can. Items without a spot get no label."""
    labels = Grid()
    for box in obstacles:
        labels.add(box)
    nodes = Grid()
    for _, x, y, r, _, _ in items:
        nodes.add((x - r, y - r, x + r, y + r))
    out: dict[str, Label] = {}
    for node, x, y, r, text, size in items:
        inside = [
            c
            for c in candidates(x, y, r, text_width(text, size), size)
            if c.box[0] >= bounds[0]
            and c.box[1] >= bounds[1]
            and c.box[2] <= bounds[2]
            and c.box[3] <= bounds[3]
            and not labels.hits(c.box)
        ]
        if not inside:
            continue
        clear = [c for c in inside if not nodes.hits(_shrunk(c.box))]
        chosen = (clear or inside)[0]
        labels.add(chosen.box)
        out[node] = chosen
    return out


def _shrunk(box: Box, by: float = 2.0) -> Box:
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)
