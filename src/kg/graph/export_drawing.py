"""The network drawn: the SVG picture (``kg.graph.picture``), rasterised to PNG, and a
self-contained
interactive HTML page (the /explore scripts inlined; it fetches nothing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx

from kg.formats import NETWORK, RenderContext, register
from kg.graph import fonts, picture
from kg.graph.export_common import KIND_COLOURS, KIND_LABELS, check_drawable
from kg.graph.export_json import node_link


def svg_text(graph: nx.MultiDiGraph, ctx: RenderContext) -> str:
    """The picture (:mod:`kg.graph.picture`) with this module's kind colours and labels."""
    return picture.render_svg_text(graph, ctx, KIND_COLOURS, KIND_LABELS)


def later(make: Callable[[], bytes]) -> Iterator[bytes]:
    """The one chunk ``make`` returns, made when the response is first read."""
    yield make()


@register("svg", "image/svg+xml", "svg", [NETWORK])
def render_svg(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """Checks the size at once (so HTTP can still answer 413), draws when first read."""
    check_drawable("svg", graph)
    return later(lambda: svg_text(graph, ctx).encode())


@register("png", "image/png", "png", [NETWORK], charset=False)
def render_png(graph: nx.MultiDiGraph, ctx: RenderContext) -> Iterator[bytes]:
    """The SVG picture rasterised by cairosvg (cairo + fontconfig find the CJK fonts).

    Refuses at once (:class:`kg.graph.fonts.MissingFont`) when fontconfig has no Chinese font: the
    labels would silently be boxes."""
    check_drawable("png", graph)
    fonts.require_cjk_font()

    def draw() -> bytes:
        import cairosvg

        return cairosvg.svg2png(bytestring=svg_text(graph, ctx).encode(), scale=1.5)

    return later(draw)


# -- a self-contained interactive page -------------------------------------------------------
#: The network viewer's scripts, in load order: the /explore and /map pages load the same ones.
VIEWER_SCRIPTS = (
    "netlayout.js",
    "netlabels.js",
    "netdom.js",
    "netdetails.js",
    "netmap.js",
    "netview.js",
)


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
    return later(lambda: _html_page(graph, ctx))


def _html_page(graph: nx.MultiDiGraph, ctx: RenderContext) -> bytes:
    title = ctx.title if ctx.title not in ("", "result") else "co-operation network"
    config = {"mode": "force", "resolveUrl": None, "placeUrl": None, "data": node_link(graph, ctx)}
    scripts = "\n".join(f"<script>\n{_static(name)}\n</script>" for name in VIEWER_SCRIPTS)
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
{scripts}
<script>
{_static("explore.js")}
</script>
</body>
</html>
"""
    return page.encode()
