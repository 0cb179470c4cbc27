"""Readable drawings, measured in headless Chromium from the rendered boxes.

For every output that a browser draws — the SVG export, the standalone HTML export, /explore
and /map — of the whole network and of a place's neighbourhood: no two visible labels overlap
(``getBoundingClientRect`` of each label), none sticks out of the canvas, enough places stay
labelled that the test cannot pass by hiding them all, and a focus place is highlighted and
centred. PNG is the SVG rasterised by cairosvg (same drawing, same label boxes): checked by
size here. Then phones (390 px wide: no sideways scrolling) and axe-core (no serious or
critical accessibility violation). Screenshots go to tests/artifacts/ (``after-*.png``).
"""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from browser_support import ARTIFACTS, PageWatch, require_browser
from PIL import Image

require_browser()

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"

#: Counts overlapping pairs among the visible elements matching a selector, and those that
#: leave the bounding box of ``within`` (when given). Boxes touching at an edge do not overlap.
MEASURE = """([selector, within]) => {
  const boxes = [...document.querySelectorAll(selector)]
    .filter((e) => getComputedStyle(e).display !== "none")
    .filter((e) => getComputedStyle(e).visibility !== "hidden")
    .map((e) => [e.textContent, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && r.height > 0);
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 0.5) pairs.push(boxes[i][0] + " / " + boxes[j][0]);
    }
  }
  let clipped = [];
  if (within) {
    const c = document.querySelector(within).getBoundingClientRect();
    clipped = boxes.filter(([, r]) => r.left < c.left - 0.5 || r.right > c.right + 0.5 ||
      r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5).map(([t]) => t);
  }
  return { labels: boxes.length, overlaps: pairs, clipped };
}"""


@pytest.fixture(scope="module")
def network(server) -> dict:
    return requests.get(server.url + "/api/export", params={"format": "d3"}, timeout=60).json()


@pytest.fixture(scope="module")
def yancheng(network) -> dict:
    return next(n for n in network["nodes"] if n["label_zh"].startswith("盐城"))


def measure(page, selector: str, within: str | None = None) -> dict:
    return page.evaluate(MEASURE, [selector, within])


@pytest.mark.parametrize("focus", [False, True], ids=["whole", "yancheng"])
def test_svg_export_labels_do_not_overlap(browser, server, network, yancheng, focus):
    params = {"format": "svg"}
    if focus:
        params.update(place="盐城", depth="1")
    url = server.url + "/api/export?" + "&".join(f"{k}={quote(v)}" for k, v in params.items())
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(url)
        seen = measure(page, "g.labels text.label")
        shot = "after-svg-" + ("yancheng" if focus else "whole")
        page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
        assert seen["overlaps"] == []
        places = page.locator("circle.node").count()
        assert seen["labels"] >= places * 0.5, (seen["labels"], places)
        # Headings and legend do not collide with the place labels either.
        assert measure(page, "g.labels text.label, g.legend text, text.heading")["overlaps"] == []
        if focus:
            ring = page.locator("circle.node.focus")
            assert (
                ring.count() == 1 and yancheng["label_zh"] in ring.locator("title").text_content()
            )
            box, size = ring.bounding_box(), page.locator("svg").first.bounding_box()
            drawing_width = size["width"] - 250  # the legend's column is not the drawing
            assert abs(box["x"] + box["width"] / 2 - drawing_width / 2) < 0.1 * drawing_width
        # One line per pair of places, its width by the number of relations.
        lines = page.locator("line.edge")
        relations = sum(
            int(x) for x in lines.evaluate_all("ls => ls.map(l => l.dataset.relations)")
        )
        pairs = {
            tuple(sorted((link["source"], link["target"])))
            for link in network["links"]
            if link["source"] != link["target"]
        }
        if not focus:
            assert lines.count() == len(pairs)
            assert relations == sum(1 for x in network["links"] if x["source"] != x["target"])
        assert watch.problems == []
    finally:
        watch.close()


def test_png_is_the_svg_drawing(server):
    svg = requests.get(server.url + "/api/export", params={"format": "svg"}, timeout=60)
    png = requests.get(server.url + "/api/export", params={"format": "png"}, timeout=120)
    assert png.status_code == 200, png.text[:300]
    image = Image.open(io.BytesIO(png.content))
    width = int(svg.text.split('width="', 1)[1].split('"', 1)[0])
    height = int(svg.text.split('height="', 1)[1].split('"', 1)[0])
    # 1.5 times the SVG's size; an odd size rounds either way (cairo rounds up)
    assert abs(image.width - width * 1.5) <= 0.5 and abs(image.height - height * 1.5) <= 0.5
    (ARTIFACTS / "after-png-whole.png").write_bytes(png.content)


VIEWS = [
    ("explore", "/explore"),
    ("map", "/map"),
    ("explore-yancheng", "/explore?place=盐城&depth=1"),
    ("map-yancheng", "/map?place=盐城&depth=1"),
]


def _check_view(page, shot: str, focus_label: str | None) -> None:
    page.wait_for_selector("#netview[data-ready='true']", timeout=20000)
    page.mouse.move(1, 1)  # no hover label
    page.wait_for_timeout(100)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))
    seen = measure(page, "#netview .nv-labels .lbl, #netview .nv-axes text", "#netview svg")
    assert seen["overlaps"] == [], seen["overlaps"][:5]
    assert seen["clipped"] == [], seen["clipped"][:5]
    nodes = page.locator("#netview svg g.node").count()
    labelled = page.locator("#netview .nv-labels .lbl.on").count()
    assert labelled >= min(nodes, 12), (labelled, nodes)
    if focus_label:
        focus = page.locator("#netview g.node.focus")
        label = page.locator("#netview .nv-labels .lbl.focus")
        assert focus.count() == 1 and "on" in label.get_attribute("class").split()
        assert focus_label in label.text_content()
        box = focus.locator("circle").bounding_box()
        canvas = page.locator("#netview svg.nv-canvas").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert abs(cx - (canvas["x"] + canvas["width"] / 2)) < 0.05 * canvas["width"]
        assert abs(cy - (canvas["y"] + canvas["height"] / 2)) < 0.05 * canvas["height"]
    # Zoomed in, more labels fit, still without overlaps.
    canvas = page.locator("#netview svg.nv-canvas").bounding_box()
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.mouse.wheel(0, -500)
    page.mouse.move(1, 1)
    page.wait_for_timeout(150)
    zoomed = measure(page, "#netview .nv-labels .lbl, #netview .nv-axes text", "#netview svg")
    assert zoomed["overlaps"] == [] and zoomed["clipped"] == []


@pytest.mark.parametrize(("shot", "path"), VIEWS, ids=[v[0] for v in VIEWS])
def test_pages_labels_do_not_overlap_and_focus_is_centred(browser, server, yancheng, shot, path):
    watch = PageWatch(browser, server.url)
    try:
        watch.page.goto(server.url + path, wait_until="networkidle")
        _check_view(watch.page, "after-" + shot, yancheng["label_zh"] if "place=" in path else None)
        assert watch.problems == []
    finally:
        watch.close()


@pytest.mark.parametrize("focus", [False, True], ids=["whole", "yancheng"])
def test_standalone_html_labels_do_not_overlap(browser, server, yancheng, tmp_path, focus):
    params = {"format": "html", **({"place": "盐城", "depth": "1"} if focus else {})}
    html = requests.get(server.url + "/api/export", params=params, timeout=60)
    file = tmp_path / "network.html"
    file.write_bytes(html.content)
    watch = PageWatch(browser, "file://")
    try:
        watch.page.goto(file.as_uri())
        _check_view(watch.page, "after-html-" + ("yancheng" if focus else "whole"),
                    yancheng["label_zh"] if focus else None)  # fmt: skip
        assert watch.problems == []
    finally:
        watch.close()


def test_period_filter_says_how_many_undated_relations_it_hid(browser, server, network):
    undated = sum(1 for link in network["links"] if link["start"] is None)
    assert undated > 0
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(server.url + "/explore", wait_until="networkidle")
        page.wait_for_selector("#netview[data-ready='true']")
        page.fill("#netview input[name=since]", "1949")
        page.locator("#netview input[name=since]").dispatch_event("change")
        assert page.locator("#netview").get_attribute("data-hidden-undated") == str(undated)
        assert f"hid {undated} undated relation" in page.locator("#netview .nv-status").inner_text()
    finally:
        watch.close()


def test_details_link_to_the_place_page_and_back_to_explore(browser, server, yancheng):
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(server.url + "/explore", wait_until="networkidle")
        page.wait_for_selector("#netview[data-ready='true']")
        page.locator(f"#netview svg g.node[data-id='{yancheng['id']}'] circle").click()
        page.locator("#netview a.nv-page").click()
        page.wait_for_load_state()
        assert yancheng["label_zh"] in page.locator("h1").inner_text()
        page.locator("a.explore-place").click()
        page.wait_for_selector("#netview[data-ready='true']")
        focus = page.locator("#netview g.node.focus")
        assert focus.get_attribute("data-id") == yancheng["id"]
        assert watch.problems == []
    finally:
        watch.close()


PAGES = ["/", "/explore", "/map", "/id/place/yancheng", "/places"]


def test_phones_never_scroll_sideways(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        page = context.new_page()
        wide = {}
        for path in PAGES:
            page.goto(server.url + path, wait_until="networkidle")
            if path in ("/explore", "/map"):
                page.wait_for_selector("#netview[data-ready='true']")
                canvas = page.locator("#netview svg.nv-canvas").bounding_box()
                assert canvas["width"] >= 330  # full width, the panel below it
                page.screenshot(path=str(ARTIFACTS / f"after-phone{path.replace('/', '-')}.png"))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
        assert wide == {}
    finally:
        context.close()


AXE_PAGES = ["/", "/explore", "/map", "/id/place/yancheng"]


def test_axe_finds_no_serious_or_critical_violation(browser, server):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: cd tests/js && npm ci")
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    found = {}
    try:
        page = context.new_page()
        for path in AXE_PAGES:
            page.goto(server.url + path, wait_until="networkidle")
            if path in ("/explore", "/map"):
                page.wait_for_selector("#netview[data-ready='true']")
            page.evaluate(AXE.read_text(encoding="utf-8"))
            result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
            bad = [
                f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                found[path] = bad
        assert found == {}
    finally:
        context.close()
