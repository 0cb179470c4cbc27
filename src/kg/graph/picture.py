"""The SVG picture of a co-operation network (also rasterised to PNG by :mod:`kg.graph.export`).

What makes it readable, each a rule a browser test measures:

* one line per pair of places, its width by the number of relations between them, coloured by
  their kind (dark grey when they are of several kinds; every kind is in the line's tooltip) —
  not one arc per relation, which turned the busiest pairs into hairballs;
* labels placed by :mod:`kg.graph.labels`: none overlaps another; the ones that do not fit are left
  to the node's tooltip, most connected places labelled first;
* the focus place of a filtered picture in the centre, ringed and bold, its partners on a ring
  around it in the direction they lie (depth-2 places on an outer ring);
* places without coordinates in a labelled band below the map (:mod:`kg.graph.placement`), never
  on a real place; one province palette (:mod:`kg.graph.palette`).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg.formats import RenderContext
from kg.graph import palette
from kg.graph.labels import ASCENT, DESCENT, Box, place_labels, text_width
from kg.graph.placement import MARGIN_LABEL, located

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif"
LAYOUT_NOTES = {
    "geographic": "layout from coordinates, distances from the centre compressed",
    "force": "force layout",
    "focus": "centred on the focus place; partners around it in the direction they lie",
}
MIXED = "#4d4d4d"
#: The ``type`` of a multilateral group's node (kg.graph.network_groups): one node with a line to
#: each member instead of a line between every two members; drawn as a white square.
GROUP_TYPE = "MultilateralGroup"
GROUP_LABEL = "合作组 group: one square, a line to each member"
LABEL_SIZE = 12.0
Positions = dict[str, tuple[float, float]]


def _jitter(text: str) -> tuple[float, float]:
    h = hashlib.sha1(text.encode()).digest()
    return (h[0] / 255 - 0.5), (h[1] / 255 - 0.5)


def force_positions(graph: nx.MultiDiGraph, iterations: int = 200) -> Positions:
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

    Distances from the median point become sqrt(r * r_median)."""
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
        out[n] = (x, y) if r == 0 else (cx + (x - cx) * math.sqrt(r * r_med) / r,
                                        cy + (y - cy) * math.sqrt(r * r_med) / r)  # fmt: skip
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
                    dx, dy = _jitter(a + b)
                    dist = max(math.hypot(dx, dy), 1e-6)
                push = (min_dist - dist) / 2 / dist
                pa[0] -= dx * push
                pa[1] -= dy * push
                pb[0] += dx * push
                pb[1] += dy * push
                moved = True
        if not moved:
            return


def focus_positions(graph: nx.MultiDiGraph, focus: str) -> Positions:
    """The focus at (0, 0); its partners on a ring in the direction they lie from it (by
    label when either lacks coordinates), the places two steps away on an outer ring."""
    geo = located(graph)
    undirected = nx.Graph(graph)
    rings: dict[int, list[str]] = defaultdict(list)
    for n, d in nx.single_source_shortest_path_length(undirected, focus).items():
        if n != focus:
            rings[min(d, 2)].append(n)
    reached = {focus, *rings[1], *rings[2]}
    rings[2].extend(sorted(n for n in graph if n not in reached))

    def bearing(n: str) -> float:
        if n in geo and focus in geo:
            (x0, y0), (x, y) = geo[focus], geo[n]
            if (x, y) != (x0, y0):
                return math.atan2(y - y0, x - x0)
        return 10.0  # unknown direction: after the known ones, by label

    def label(n: str) -> str:
        return str(graph.nodes[n].get("label_zh") or n)

    pos: Positions = {focus: (0.0, 0.0)}
    radius = 0.0
    for depth in (1, 2):
        members = sorted(rings[depth], key=lambda n: (bearing(n), label(n)))
        if not members:
            continue
        # Room on the ring for each label's height (labels point outwards, radially).
        radius = max(radius + 150.0, len(members) * 22.0 / (2 * math.pi))
        known = [n for n in members if bearing(n) < 10.0]
        angles = _spread([bearing(n) for n in known], len(members))
        for n, angle in zip(known + [n for n in members if n not in known], angles, strict=True):
            pos[n] = (radius * math.cos(angle), radius * math.sin(angle))
    return pos


def _spread(bearings: list[float], total: int) -> list[float]:
    """``total`` evenly spaced angles: the first ones for the known ``bearings`` (sorted), in
    their order and turned to lie as close to them as they can, the rest after them."""
    step = 2 * math.pi / total
    if not bearings:
        return [-math.pi / 2 + i * step for i in range(total)]
    # The rotation that best matches the bearings: the circular mean of their offsets.
    sx = sum(math.cos(b - i * step) for i, b in enumerate(bearings))
    sy = sum(math.sin(b - i * step) for i, b in enumerate(bearings))
    offset = math.atan2(sy, sx)
    return [offset + i * step for i in range(total)]


def layout(graph: nx.MultiDiGraph, focus: str | None = None) -> tuple[Positions, str, set[str]]:
    """(positions, method, places in the margin band) for the picture."""
    if focus and focus in graph:
        return focus_positions(graph, focus), "focus", set()
    geo = located(graph)
    n = graph.number_of_nodes()
    if geo and len(geo) * 2 >= n:
        return compress(geo), "geographic", {m for m in graph if m not in geo}
    return force_positions(graph), "force", set()


def pair_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Relations grouped by the unordered pair of places they link (self-loops left out)."""
    pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        if u != v:
            a, b = sorted((u, v))
            pairs[(a, b)].append(data)
    return pairs


def edge_width(count: int) -> float:
    return 1.2 + 1.6 * math.log2(count)


def render_svg_text(
    graph: nx.MultiDiGraph,
    ctx: RenderContext,
    kind_colours: dict[str, str],
    kind_labels: dict[str, str],
    width: int = 1200,
) -> str:
    focus = ctx.focus if ctx.focus in graph else None
    pos, method, margin_nodes = layout(graph, focus)
    pairs = pair_edges(graph)
    weight: Counter[str] = Counter()
    for (a, b), rels in pairs.items():
        weight[a] += len(rels)
        weight[b] += len(rels)

    def radius(n: str) -> float:
        return (9.0 if n == focus else 4.0) + min(weight[n], 16) * 0.45

    legend_w, pad, top = 250, 30, 70
    inner_w = width - legend_w - 2 * pad
    drawn = {n: p for n, p in pos.items() if n not in margin_nodes}
    pixels = _fit(drawn, inner_w, pad, top, method)
    if len(pixels) <= 400:
        nudged = {n: list(p) for n, p in pixels.items()}
        separate(nudged, 18.0)
        pixels = {n: (p[0], p[1]) for n, p in nudged.items()}
    map_bottom = max((p[1] for p in pixels.values()), default=top) + 30
    band_top = map_bottom + 20
    band = _margin_band(graph, sorted(margin_nodes, key=lambda n: _name(graph, n)), pad,
                        band_top + 26, inner_w)  # fmt: skip
    pixels.update(band)
    content_bottom = max((p[1] for p in pixels.values()), default=top) + 30

    colours = palette.province_colours(
        (d.get("province"), d.get("province_label")) for _, d in graph.nodes(data=True)
    )
    names = {
        (d.get("province") or ""): d.get("province_label") or "" for _, d in graph.nodes(data=True)
    }
    kinds = sorted({(d.get("kind") or "other") for _, _, d in graph.edges(data=True)})
    legend_h = (len(kinds) + 5 + len(palette.legend(colours, names))) * 18 + 2 * 26 + 30
    height = int(max(content_bottom, top + legend_h, 420))
    title = ctx.title if ctx.title not in ("", "result") else "co-operation network"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT_FAMILY)}>',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text class="heading" x="{pad}" y="28" font-size="18" font-weight="bold" '
        f'fill="#17324d">长三角合作网络 · {escape(title)}</text>',
        f'<text class="heading" x="{pad}" y="48" font-size="11" fill="#556">'
        f"{graph.number_of_nodes()} places, {graph.number_of_edges()} relations between "
        f"{len(pairs)} pairs; {LAYOUT_NOTES[method]}</text>",
    ]
    if band:
        out.append(
            f'<g class="margin-band"><rect x="{pad - 10}" y="{band_top}" width="{inner_w + 20}" '
            f'height="{content_bottom - band_top - 10}" fill="#f4f6f8" stroke="#cfd6de" '
            f'stroke-dasharray="4 3"/><text class="heading" x="{pad}" y="{band_top + 16}" '
            f'font-size="12" fill="#445">{escape(MARGIN_LABEL)} '
            f"({len(band)})</text></g>"
        )
    out.append('<g class="edges" fill="none" stroke-linecap="round">')
    for (a, b), rels in sorted(pairs.items(), key=lambda kv: len(kv[1])):
        if a not in pixels or b not in pixels:
            continue
        faint = a in margin_nodes or b in margin_nodes
        out.append(_edge(graph, a, b, rels, pixels, kind_colours, focus, faint))
    out.append("</g>")
    out.append('<g class="nodes">')
    order = sorted(graph.nodes, key=lambda n: (n != focus, -weight[n], _name(graph, n)))
    for n in order:
        x, y = pixels[n]
        d = graph.nodes[n]
        fill = colours.get(d.get("province") or "", palette.NONE)
        tip = f"{_name(graph, n)} {d.get('label_en') or ''} ({d.get('type') or 'place'})"
        ring = (
            ' stroke="#111" stroke-width="3"' if n == focus else ' stroke="#fff" stroke-width="1"'
        )
        if d.get("type") == GROUP_TYPE:
            r = radius(n)
            out.append(
                f'<rect class="node group" x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" '
                f'height="{2 * r:.1f}" rx="2" fill="#ffffff" stroke="#333" stroke-width="1.5">'
                f"<title>{escape(tip)}</title></rect>"
            )
            continue
        out.append(
            f'<circle class="{"node focus" if n == focus else "node"}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{radius(n):.1f}" fill="{fill}"{ring}><title>{escape(tip)}</title></circle>'
        )
    out.append("</g>")
    legend_x = width - legend_w
    obstacles: list[Box] = [(0, 0, width, 56), (legend_x - 6, 0, width, height)]
    if band:
        obstacles.append((pad - 10, band_top, pad + 400, band_top + 22))
    items = [
        (n, *pixels[n], radius(n), _name(graph, n), LABEL_SIZE + (3 if n == focus else 0))
        for n in order
    ]
    placed = place_labels(items, (0, 56, legend_x - 6, height), obstacles)
    out.append('<g class="labels">')
    for n in order:
        if n not in placed:
            continue
        lab = placed[n]
        size = LABEL_SIZE + (3 if n == focus else 0)
        weight_attr = ' font-weight="bold"' if n == focus else ""
        text = escape(_name(graph, n))
        common = f'x="{lab.x:.1f}" y="{lab.y:.1f}" font-size="{size:g}" text-anchor="{lab.anchor}"'
        out.append(
            f'<text class="halo" {common}{weight_attr} fill="none" stroke="#fff" stroke-width="3" '
            f'stroke-linejoin="round">{text}</text>'
            f'<text class="label" {common}{weight_attr} fill="#1d2733">{text}</text>'
        )
    out.append("</g>")
    groups = any(d.get("type") == GROUP_TYPE for _, d in graph.nodes(data=True))
    out.extend(
        _legend(legend_x, top, height, kinds, kind_colours, kind_labels, colours, names, groups)
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _name(graph: nx.MultiDiGraph, n: str) -> str:
    d = graph.nodes[n]
    return str(d.get("label_zh") or d.get("label_en") or n.rstrip("/").rsplit("/", 1)[-1])


def _fit(pos: Positions, inner_w: float, pad: float, top: float, method: str) -> Positions:
    if not pos:
        return {}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = max(max(xs) - min(xs), 1e-6), max(max(ys) - min(ys), 1e-6)
    # Room for labels right and left of the outermost places.
    usable = inner_w - 160
    scale = min(usable / span_x, 1.1 * usable / span_y)
    if method == "focus":
        scale = min(usable / span_x, usable / span_y)
    x0, y0 = min(xs), min(ys)
    left = pad + 80 + (usable - span_x * scale) / 2
    return {n: (left + (x - x0) * scale, top + 20 + (y - y0) * scale) for n, (x, y) in pos.items()}


def _margin_band(
    graph: nx.MultiDiGraph, nodes: list[str], left: float, top: float, width: float
) -> Positions:
    """Places without coordinates in rows, each node followed by room for its label."""
    out: Positions = {}
    x, y = left + 8, top + 10
    for n in nodes:
        need = 20 + text_width(_name(graph, n), LABEL_SIZE) + 16
        if x + need > left + width and x > left + 8:
            x, y = left + 8, y + (ASCENT + DESCENT) * LABEL_SIZE + 12
        out[n] = (x, y)
        x += need
    return out


def _edge(
    graph: nx.MultiDiGraph,
    a: str,
    b: str,
    rels: list[dict[str, Any]],
    pixels: Positions,
    kind_colours: dict[str, str],
    focus: str | None,
    faint: bool = False,
) -> str:
    """One line for a pair; ``faint`` (dashed, light) when it leads to the margin band."""
    kinds = Counter(r.get("kind") or "other" for r in rels)
    colour = kind_colours.get(next(iter(kinds)), MIXED) if len(kinds) == 1 else MIXED
    (x1, y1), (x2, y2) = pixels[a], pixels[b]
    lines = [f"{_name(graph, a)} — {_name(graph, b)}: {len(rels)} relation(s)"]
    lines.append(", ".join(f"{k} ×{c}" for k, c in kinds.most_common()))
    lines.extend(str(r.get("label_zh") or r.get("kind") or "") for r in rels[:12])
    if len(rels) > 12:
        lines.append(f"… {len(rels) - 12} more")
    opacity = 0.9 if focus in (a, b) else 0.3 if faint else 0.6
    dash = ' stroke-dasharray="5 4"' if faint else ""
    return (
        f'<line class="edge" data-relations="{len(rels)}" x1="{x1:.1f}" y1="{y1:.1f}" '
        f'x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="{edge_width(len(rels)):.2f}" '
        f'stroke-opacity="{opacity}"{dash}><title>{escape(chr(10).join(lines))}</title></line>'
    )


def _legend(
    x: float,
    top: float,
    height: float,
    kinds: list[str],
    kind_colours: dict[str, str],
    kind_labels: dict[str, str],
    colours: dict[str, str],
    names: dict[str, str],
    groups: bool = False,
) -> list[str]:
    out = [
        f'<g class="legend"><rect x="{x}" y="{top - 24}" width="240" '
        f'height="{height - top + 14}" fill="#f7f9fb" stroke="#dde"/>',
        f'<text x="{x + 10}" y="{top}" font-size="13" font-weight="bold">'
        "关系类型 Relation kind</text>",
    ]
    y = top
    for kind in kinds:
        y += 18
        out.append(
            f'<line x1="{x + 10}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" '
            f'stroke="{kind_colours.get(kind, MIXED)}" stroke-width="3"/>'
            f'<text x="{x + 40}" y="{y}" font-size="12">'
            f"{escape(kind_labels.get(kind, kind))}</text>"
        )
    y += 18
    out.append(
        f'<line x1="{x + 10}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{MIXED}" '
        f'stroke-width="3"/><text x="{x + 40}" y="{y}" font-size="12">多种 several kinds</text>'
    )
    y += 26
    out.append(f'<text x="{x + 10}" y="{y}" font-size="13" font-weight="bold">'
               "线宽 Relations per pair</text>")  # fmt: skip
    for count in (1, 3, 10):
        y += 18
        out.append(
            f'<line x1="{x + 10}" y1="{y - 4}" x2="{x + 34}" y2="{y - 4}" stroke="{MIXED}" '
            f'stroke-width="{edge_width(count):.2f}"/>'
            f'<text x="{x + 40}" y="{y}" font-size="12">{count}</text>'
        )
    y += 26
    out.append(f'<text x="{x + 10}" y="{y}" font-size="13" font-weight="bold">'
               "省级单位 Province</text>")  # fmt: skip
    for colour, name in palette.legend(colours, names):
        y += 18
        out.append(
            f'<circle cx="{x + 22}" cy="{y - 4}" r="5" fill="{colour}"/>'
            f'<text x="{x + 40}" y="{y}" font-size="12">{escape(name)}</text>'
        )
    if groups:
        y += 18
        out.append(
            f'<rect x="{x + 17}" y="{y - 9}" width="10" height="10" rx="2" fill="#fff" '
            f'stroke="#333"/><text x="{x + 40}" y="{y}" font-size="12">{GROUP_LABEL}</text>'
        )
    out.append("</g>")
    return out
