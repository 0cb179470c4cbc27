"""Which library should draw /explore? Our netview.js against two maintained ones, measured.

    cd benchmarks/js && npm ci && cd ../..
    python benchmarks/drawing.py http://127.0.0.1:8000 [http://127.0.0.1:8001 …]

For each running server (the bundled network, a 10x synthetic one: benchmarks/generate.py
--scale 10, loaded next to the bundled data) it fetches the d3 export and draws it in headless
Chromium (Debian's /usr/bin/chromium, as the browser tests) with:

* **netview** — ``src/kg/static/netview.js`` + ``netlabels.js``: the server's own standalone
  HTML export, SVG, force layout, label placement without overlaps;
* **cytoscape** — Cytoscape.js 3 with the fCoSE layout, canvas, every label drawn;
* **sigma** — Sigma.js 3 + graphology with ForceAtlas2 (200 iterations), WebGL, its label grid.

The two candidates get one edge per pair of places, as netview draws. Figures per library and
network: **first paint** (ms from navigation start until the drawing is laid out and painted),
**frames per second** while zooming in for 2 s (one zoom step per animation frame), and the
labels shown at the default view with the number of **overlapping label pairs** among them
(rendered boxes: the DOM's for netview, the libraries' own label geometry for the canvases).
Headless Chromium here renders WebGL in software (SwiftShader): absolute frame rates are lower
than on a desktop with a GPU, the comparison is what counts. Prints a Markdown table.
"""

# ruff: noqa: E501  (the pages' JavaScript is inline, one statement a line)
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
MODULES = HERE / "js" / "node_modules"
sys.path.insert(0, str(HERE.parent / "tests"))

from browser_support import launch  # noqa: E402

ZOOM_SECONDS = 2.0

#: Runs in the page once the drawing is ready: zooms for ZOOM_SECONDS, one step per frame.
FPS = """async ([seconds, step]) => {
  let frames = 0;
  const start = performance.now();
  await new Promise((done) => {
    const tick = () => {
      step();
      frames++;
      if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  return frames / ((performance.now() - start) / 1000);
}"""

OVERLAPS = """(boxes) => {
  let n = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 0.5 &&
        Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0.5) n++;
  }
  return n;
}"""


def pairs(data: dict) -> list[tuple[str, str, int]]:
    counts: dict[tuple[str, str], int] = {}
    for link in data["links"]:
        if link["source"] != link["target"]:
            key = tuple(sorted((link["source"], link["target"])))
            counts[key] = counts.get(key, 0) + 1
    return [(a, b, n) for (a, b), n in counts.items()]


def _script(path: Path) -> str:
    return (
        "<script>"
        + path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        + "</script>"
    )


def cytoscape_page(data: dict) -> str:
    elements = [{"data": {"id": n["id"], "label": n["label_zh"]}} for n in data["nodes"]] + [
        {"data": {"id": f"e{i}", "source": a, "target": b, "w": n}}
        for i, (a, b, n) in enumerate(pairs(data))
    ]
    libs = "".join(
        _script(MODULES / p)
        for p in (
            "cytoscape/dist/cytoscape.min.js",
            "layout-base/layout-base.js",
            "cose-base/cose-base.js",
            "cytoscape-fcose/cytoscape-fcose.js",
        )
    )
    return f"""<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="cy" style="width:1400px;height:900px"></div>{libs}
<script>
const elements = {json.dumps(elements, ensure_ascii=False)};
cytoscape.use(cytoscapeFcose);
const cy = cytoscape({{ container: document.getElementById("cy"), elements,
  style: [{{ selector: "node", style: {{ label: "data(label)", "font-size": 12, width: 8, height: 8 }} }},
          {{ selector: "edge", style: {{ width: "mapData(w, 1, 20, 1, 6)" }} }}],
  layout: {{ name: "fcose", animate: false, randomize: true }} }});
cy.ready(() => requestAnimationFrame(() => {{ window.firstPaint = performance.now(); }}));
window.step = () => cy.zoom({{ level: cy.zoom() * 1.01, renderedPosition: {{ x: 700, y: 450 }} }});
window.labelBoxes = () => cy.nodes().filter((n) => n.visible()).map((n) => {{
  const b = n.renderedBoundingBox({{ includeNodes: false, includeEdges: false, includeLabels: true }});
  return [b.x1, b.y1, b.x2, b.y2];
}}).filter((b) => b[2] > 0 && b[0] < 1400 && b[3] > 0 && b[1] < 900 && b[2] > b[0]);
</script>"""


def sigma_page(data: dict) -> str:
    fa2 = subprocess.run(
        [str(MODULES / ".bin" / "esbuild"), "--bundle", "--format=iife", "--global-name=FA2",
         str(MODULES / "graphology-layout-forceatlas2" / "index.js")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    nodes = [{"id": n["id"], "label": n["label_zh"]} for n in data["nodes"]]
    libs = _script(MODULES / "graphology/dist/graphology.umd.min.js") + _script(
        MODULES / "sigma/dist/sigma.min.js"
    )
    return f"""<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="sg" style="width:1400px;height:900px"></div>{libs}<script>{fa2}</script>
<script>
const graph = new graphology.Graph();
const nodes = {json.dumps(nodes, ensure_ascii=False)};
nodes.forEach((n, i) => graph.addNode(n.id, {{ label: n.label, x: Math.cos(i), y: Math.sin(i * 1.7), size: 4 }}));
for (const [a, b, w] of {json.dumps(pairs(data))}) graph.addEdge(a, b, {{ size: Math.min(1 + Math.log2(w), 6) }});
FA2.assign(graph, {{ iterations: 200, settings: FA2.inferSettings(graph) }});
// Every node may get a label; Sigma's label grid (its collision control) decides which show.
const renderer = new Sigma(graph, document.getElementById("sg"), {{ labelRenderedSizeThreshold: 0 }});
requestAnimationFrame(() => {{ window.firstPaint = performance.now(); }});
window.step = () => {{ const c = renderer.getCamera(); c.setState({{ ratio: c.ratio / 1.01 }}); renderer.refresh(); }};
window.labelBoxes = () => {{
  const ctx = document.createElement("canvas").getContext("2d");
  const s = renderer.getSettings();
  ctx.font = s.labelWeight + " " + s.labelSize + "px " + s.labelFont;
  return [...renderer.displayedNodeLabels].map((id) => {{
    const d = renderer.getNodeDisplayData(id);
    const v = renderer.framedGraphToViewport(d);
    const r = renderer.scaleSize(d.size);
    const x = v.x + r + 3, y = v.y + s.labelSize / 3;
    return [x, y - s.labelSize, x + ctx.measureText(d.label).width, y + 0.25 * s.labelSize];
  }});
}};
</script>"""


NETVIEW_BOXES = """() => [...document.querySelectorAll('#netview .nv-labels .lbl.on')]
  .map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom])"""


def measure(page, url: str, kind: str) -> dict:
    page.set_default_timeout(600_000)
    page.goto(url, wait_until="commit")
    if kind == "netview":
        page.wait_for_selector("#netview[data-ready='true']", timeout=600_000)
        page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        first = page.evaluate("performance.now()")
        boxes = page.evaluate(NETVIEW_BOXES)
        svg = page.locator("#netview svg.nv-canvas").bounding_box()
        cx, cy = svg["x"] + svg["width"] / 2, svg["y"] + svg["height"] / 2
        page.mouse.move(cx, cy)
        fps = page.evaluate(
            FPS.replace("step();", "svg.dispatchEvent(new WheelEvent('wheel', "
                        "{deltaY: -7, clientX: cx, clientY: cy, bubbles: true, cancelable: true}));")
            .replace("async ([seconds, step]) => {",
                     "async ([seconds, cx, cy]) => { const svg = "
                     "document.querySelector('#netview svg.nv-canvas');"),
            [ZOOM_SECONDS, cx, cy],
        )  # fmt: skip
    else:
        page.wait_for_function("window.firstPaint !== undefined", timeout=600_000)
        first = page.evaluate("window.firstPaint")
        boxes = page.evaluate("window.labelBoxes()")
        fps = page.evaluate(
            FPS.replace("async ([seconds, step])", "async ([seconds])").replace(
                "step();", "window.step();"
            ),
            [ZOOM_SECONDS],
        )
    return {
        "first_paint_ms": round(first),
        "fps": round(fps, 1),
        "labels": len(boxes),
        "overlapping_pairs": page.evaluate(OVERLAPS, boxes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("servers", nargs="+", help="base URLs of running `kg serve`s")
    parser.add_argument("--only", choices=["netview", "cytoscape", "sigma"], action="append")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = launch(pw)
        for base in args.servers:
            data = requests.get(base + "/api/export", params={"format": "d3"}, timeout=600).json()
            html = requests.get(base + "/api/export", params={"format": "html"}, timeout=600)
            pages = {
                "netview": html.text,
                "cytoscape": cytoscape_page(data),
                "sigma": sigma_page(data),
            }
            name = f"{len(data['nodes'])} places / {len(pairs(data))} pairs"
            for kind, text in pages.items():
                if args.only and kind not in args.only:
                    continue
                file = Path(tmp) / f"{kind}.html"
                file.write_text(text, encoding="utf-8")
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                try:
                    result = measure(context.new_page(), file.as_uri(), kind)
                finally:
                    context.close()
                rows.append((name, kind, result))
                print(name, kind, json.dumps(result), file=sys.stderr, flush=True)
    print("| network | library | first paint (ms) | zoom fps | labels shown | overlapping pairs |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, kind, r in rows:
        print(
            f"| {name} | {kind} | {r['first_paint_ms']} | {r['fps']} | {r['labels']} | "
            f"{r['overlapping_pairs']} |"
        )


if __name__ == "__main__":
    main()
