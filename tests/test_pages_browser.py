"""/explore and /map in headless Chromium (Debian's), driven by Playwright.

Skipped with a reason when /usr/bin/chromium or playwright is missing, except in CI (CI=true),
where they must run. Screenshots go to tests/artifacts/ (gitignored).
"""

from __future__ import annotations

import requests
from browser_support import ARTIFACTS, PageWatch, require_browser

require_browser()


def _network(server) -> dict:
    return requests.get(server.url + "/api/export", params={"format": "d3"}, timeout=60).json()


def _yancheng(data: dict) -> dict:
    return next(n for n in data["nodes"] if n["label_zh"].startswith("盐城"))


def _check_page(browser, server, path: str, expected_nodes: int, shot: str) -> None:
    data = _network(server)
    yancheng = _yancheng(data)
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(server.url + path, wait_until="networkidle")
        page.wait_for_selector("#netview[data-ready='true']", timeout=20000)
        nodes = page.locator("#netview svg g.node")
        assert nodes.count() == expected_nodes
        assert page.locator("#netview svg g.edge").count() > 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{shot}.png"))

        # Search through the resolver: 盐城 is highlighted and its facts shown.
        page.fill("#netview input[name=q]", "盐城")
        page.press("#netview input[name=q]", "Enter")
        hit = page.locator(f"#netview svg g.node.hit[data-id='{yancheng['id']}']")
        hit.wait_for(timeout=10000)
        details = page.locator("#netview .nv-details")
        assert yancheng["label_zh"] in details.locator(".nv-title").inner_text()
        assert details.locator("blockquote.quote").count() > 0  # source quotes
        link = details.locator("a.nv-api")
        assert "/api/places/" in link.get_attribute("href")
        api = requests.get(server.url + link.get_attribute("href"), timeout=30)
        assert api.status_code == 200, api.text[:200]
        page.screenshot(path=str(ARTIFACTS / f"{shot}-search.png"))

        # A click on the (centred) place shows its facts; so does following a partner link.
        page.locator("#netview .nv-details").evaluate("e => e.replaceChildren()")
        page.locator(f"#netview svg g.node[data-id='{yancheng['id']}'] circle").click()
        assert yancheng["label_zh"] in details.locator(".nv-title").inner_text()
        partner = details.locator("a.nv-partner").first
        partner_name = partner.inner_text()
        partner.click()
        page.wait_for_function(
            "name => document.querySelector('#netview .nv-title').textContent.includes(name)",
            arg=partner_name,
        )
        page.locator("#netview svg g.edge").first.dispatch_event("click")
        assert "来源" in details.inner_text()

        # Filters: only pairings leaves fewer relations drawn.
        before = int(page.locator("#netview").get_attribute("data-drawn-edges"))
        for box in page.locator("#netview .nv-kinds input").all():
            if box.get_attribute("value") != "pairing":
                box.uncheck()
        after = int(page.locator("#netview").get_attribute("data-drawn-edges"))
        pairings = sum(1 for link in data["links"] if link["kind"] == "pairing")
        assert 0 < after < before and after <= pairings
        assert watch.problems == []
    finally:
        watch.close()


def test_explore_page(browser, server):
    data = _network(server)
    _check_page(browser, server, "/explore", len(data["nodes"]), "explore")


def test_map_page(browser, server):
    # Every place: the ones without coordinates in the labelled band below the map.
    data = _network(server)
    _check_page(browser, server, "/map", len(data["nodes"]), "map")


def test_pages_drag_and_zoom(browser, server):
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(server.url + "/explore", wait_until="networkidle")
        page.wait_for_selector("#netview[data-ready='true']")
        layer = page.locator("#netview g.nv-layer")
        before = layer.get_attribute("transform")
        box = page.locator("#netview svg.nv-canvas").bounding_box()
        page.mouse.move(box["x"] + 30, box["y"] + 30)
        page.mouse.wheel(0, -400)
        page.mouse.down()
        page.mouse.move(box["x"] + 130, box["y"] + 90, steps=5)
        page.mouse.up()
        assert layer.get_attribute("transform") != before
        # a place (not a group square) whose circle is on the canvas after the pan and zoom
        canvas = page.locator("#netview svg.nv-canvas").bounding_box()
        places = page.locator("#netview svg g.node:not(.group)")
        for i in range(places.count()):
            node = places.nth(i)
            nb = node.locator("circle").bounding_box()
            if (
                nb
                and canvas["x"] + 20 < nb["x"] < canvas["x"] + canvas["width"] - 80
                and canvas["y"] + 20 < nb["y"] < canvas["y"] + canvas["height"] - 60
            ):
                break
        start = node.get_attribute("transform")
        page.mouse.move(nb["x"] + nb["width"] / 2, nb["y"] + nb["height"] / 2)
        page.mouse.down()
        page.mouse.move(nb["x"] + 60, nb["y"] + 40, steps=5)
        page.mouse.up()
        assert node.get_attribute("transform") != start
        assert watch.problems == []
    finally:
        watch.close()


def test_standalone_html_export_works_offline(browser, server, tmp_path):
    html = requests.get(server.url + "/api/export", params={"format": "html"}, timeout=60)
    file = tmp_path / "network.html"
    file.write_bytes(html.content)
    watch = PageWatch(browser, "file://")
    page = watch.page
    try:
        page.goto(file.as_uri())
        page.wait_for_selector("#netview[data-ready='true']")
        assert page.locator("#netview svg g.node").count() == len(_network(server)["nodes"])
        page.fill("#netview input[name=q]", "盐城")
        page.press("#netview input[name=q]", "Enter")
        page.locator("#netview svg g.node.hit").first.wait_for()
        assert watch.problems == []
    finally:
        watch.close()
    # Served by the app it runs too: its own CSP allows its inlined script and nothing else.
    served = PageWatch(browser, server.url)
    try:
        served.page.goto(server.url + "/api/export?format=html&place=盐城")
        served.page.wait_for_selector("#netview[data-ready='true']")
        assert served.problems == []
    finally:
        served.close()
