"""A newcomer at ``/`` in headless Chromium (Debian's): counts, every partner of a city, a named
query's answer, a hand-written SPARQL answer, shared links, accessibility, a 390 px phone.

Skipped with a reason when /usr/bin/chromium or playwright is missing, except in CI (CI=true),
where they must run. axe-core comes from tests/js/node_modules (``npm ci`` in .ci/run).
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from browser_support import ARTIFACTS, IN_CI, PageWatch, require_browser

require_browser()

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def _sparql_count(server, query: str) -> int:
    r = requests.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def _rows(page) -> int:
    return page.locator("#results table.results tbody tr").count()


def _total_rows(page) -> int:
    """Rows of the whole answer (the table shows one page of them)."""
    page.wait_for_selector("#status:has-text('ms'), #status:has-text('毫秒')")
    text = page.locator("#status").inner_text()
    return int(text.split()[0])


@pytest.fixture()
def watch(browser, server):
    w = PageWatch(browser, server.url)
    yield w
    w.close()


def test_home_counts_equal_sparql_and_the_place_search_finds_every_partner(watch, server):
    page = watch.page
    page.goto(server.url + "/", wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    shown = int(page.locator("[data-count=relations]").inner_text())
    assert shown == _sparql_count(
        server, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a yrd:CooperationRelation }"
    )
    assert int(page.locator("[data-count=places]").inner_text()) == _sparql_count(
        server, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a yrd:Place }"
    )
    # The count's own query opens in the editor, runs, and gives the same number.
    page.locator("ul.counts li", has=page.locator("[data-count=relations]")).locator("a.q").click()
    page.wait_for_selector("#results table.results")
    assert page.locator("#results table.results td").first.inner_text() == str(shown)

    # Every partner of a city: type its name, the resolver's suggestion, its page.
    page.goto(server.url + "/", wait_until="networkidle")
    page.fill("#home-place", "盐城")
    page.locator("#home-place-options option").first.wait_for(state="attached")
    page.press("#home-place", "Enter")
    page.wait_for_url("**/id/place/yancheng")
    partners = requests.get(server.url + "/api/places/yancheng/partners", timeout=30).json()
    names = {p["label_zh"] for p in partners["partners"]}
    assert page.locator("article.fact").count() > 0
    body = page.locator("main").inner_text()
    assert all(name in body for name in names), names - {n for n in names if n in body}
    assert watch.problems == []


def test_editor_completes_terms_and_places_runs_sorts_and_pages(watch, server):
    page = watch.page
    page.goto(server.url + "/query", wait_until="networkidle")
    content = page.locator(".cm-content")
    content.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?r ?place WHERE { ?r a yrd:Pa")
    pairing = page.locator(".cm-tooltip-autocomplete li", has_text="yrd:Pairing").first
    pairing.wait_for(timeout=10000)
    assert "结对帮扶" in pairing.inner_text()  # offered with its label
    offered = page.locator(".cm-tooltip-autocomplete li").all_inner_texts()
    assert all(o.startswith("yrd:") for o in offered), offered  # only terms that fit "yrd:Pa"
    pairing.click()
    page.keyboard.type(" ; yrd:party ?place . ?place rdfs:label ?l } ORDER BY ?r")
    text = page.evaluate("window.kgEditorView.state.doc.toString()")
    assert "?r a yrd:Pairing ;" in text
    page.click("#run")
    total = _total_rows(page)
    expected = requests.post(
        server.url + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert total == len(expected) > 25
    assert _rows(page) == 25  # one page
    page.click(".pager button:has-text('下一页')")
    assert _rows(page) == min(25, total - 25)
    # IRIs are shown by label and linked to their pages.
    link = page.locator("#results td a").first
    assert link.get_attribute("href").startswith("/id/")
    assert not link.inner_text().startswith("http")
    # Sorting: the place column's header, twice, reverses the order.
    header = page.locator("#results th button.sort", has_text="place")
    header.click()
    first = page.locator("#results tbody tr td:nth-child(2)").first.inner_text()
    header.click()
    assert page.locator("#results th[aria-sort=descending]").count() == 1
    assert page.locator("#results tbody tr td:nth-child(2)").first.inner_text() != first
    # Downloads in every format, each a working link.
    formats = page.locator("#downloads a.download")
    assert set(formats.all_inner_texts()) >= {"json", "xml", "csv", "tsv"}
    csv = requests.get(
        server.url + page.locator("#downloads a[data-format=csv]").get_attribute("href"),
        timeout=30,
    )
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == total + 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "query-editor.png"), full_page=True)

    # A place name completes to the place's IRI through the resolver, and the query runs.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("SELECT ?r WHERE { ?r yrd:party 盐城")
    page.locator(".cm-tooltip-autocomplete li", has_text="place:yancheng").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "query-editor-place-completion.png"))
    page.keyboard.press("Enter")
    page.keyboard.type(" }")
    text = page.evaluate("window.kgEditorView.state.doc.toString()")
    assert text == "SELECT ?r WHERE { ?r yrd:party place:yancheng }"
    ran = page.locator("#query-form").get_attribute("data-ran")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(f"#query-form[data-ran='{int(ran) + 1}']")
    assert (
        _total_rows(page)
        == len(
            requests.post(
                server.url + "/sparql",
                data={"query": text},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            ).json()["results"]["bindings"]
        )
        > 0
    )
    assert watch.problems == []


def test_a_syntax_error_is_marked_where_the_service_says(watch, server):
    page = watch.page
    bad = "SELECT ?x WHERE {\n  ?x a yrd:Pairing .\n  FILTER( }"
    page.goto(server.url + "/query?query=" + quote(bad), wait_until="networkidle")
    page.wait_for_selector(".cm-lintRange-error")
    # Line 3, where the service's "3:…" points: the mark sits inside that line.
    assert page.locator(".cm-line").nth(2).locator(".cm-lintRange-error").count() == 1
    assert page.locator(".cm-line").nth(0).locator(".cm-lintRange-error").count() == 0
    assert "3:" in page.locator("#results pre.error").inner_text()
    assert page.locator(".cm-lint-marker-error").count() == 1  # and in the gutter
    # Editing the query clears the stale mark.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" ?x > 1) }")
    page.wait_for_selector(".cm-lintRange-error", state="detached")
    # A graph answer (DESCRIBE) reads as subject / predicate / object with RDF downloads.
    page.evaluate(
        "q => { const v = window.kgEditorView;"
        " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: q}}); }",
        "DESCRIBE place:yancheng",
    )
    page.click("#run")
    page.wait_for_selector("#results table.results")
    heads = page.locator("#results th").all_inner_texts()
    assert [h.strip(" ▲▼") for h in heads] == ["subject", "predicate", "object"]
    assert "盐城市" in page.locator("#results tbody").inner_text()
    assert {"turtle", "ntriples", "jsonld"} <= set(page.locator("#downloads a").all_inner_texts())
    watch.problems = [p for p in watch.problems if "400" not in p]  # the 400 is the point
    assert watch.problems == []


def test_a_shared_query_url_restores_the_query_and_its_answer(watch, server, browser):
    page = watch.page
    page.goto(server.url + "/query", wait_until="networkidle")
    query = "SELECT ?pairing WHERE { ?pairing a yrd:Pairing } ORDER BY ?pairing"
    page.evaluate(
        "q => { const v = window.kgEditorView;"
        " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: q}}); }",
        query,
    )
    page.click("#run")
    rows = _total_rows(page)
    shared = page.url
    assert "/query?query=" in shared
    other = PageWatch(browser, server.url)
    try:
        other.page.goto(shared, wait_until="networkidle")
        assert other.page.evaluate("window.kgEditorView.state.doc.toString()") == query
        assert _total_rows(other.page) == rows > 0
        assert other.problems == []
    finally:
        other.close()
    assert watch.problems == []


def test_named_query_form_with_yancheng_returns_rows_and_shows_its_sparql(watch, server):
    page = watch.page
    page.goto(server.url + "/query/partners-of-place", wait_until="networkidle")
    page.fill("#p-place", "盐城")
    page.locator("#p-place-options option").first.wait_for(state="attached")
    page.click("#run")
    page.wait_for_selector("#named-form[data-ran='2']")
    api = requests.get(
        server.url + "/queries/partners-of-place",
        params={"place": "id/place/yancheng"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    assert _total_rows(page) == len(api) > 0
    assert "place=%E7%9B%90%E5%9F%8E" in page.url  # the form's values are in the address
    generated = page.locator("#generated-sparql").inner_text()
    assert "VALUES ?place { <" in generated and "/id/place/yancheng>" in generated
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "named-query.png"), full_page=True)
    # The generated SPARQL, opened in the editor, gives the same answer.
    page.click("#open-in-editor")
    page.wait_for_url("**/query?query=*")
    assert _total_rows(page) == len(api)
    assert watch.problems == []


def _axe(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => v.id + ' (' + v.impact + '): '
                  + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
    )
    return found


@pytest.mark.skipif(
    not AXE.exists() and not IN_CI, reason="axe-core not installed (cd tests/js && npm ci)"
)
def test_pages_have_no_serious_or_critical_accessibility_problems(watch, server):
    page = watch.page
    problems = {}
    for path, ready in [
        ("/", "#holdings"),
        ("/query?query=" + quote("SELECT ?s WHERE { ?s a yrd:Pairing }"), "#results table"),
        ("/query/partners-of-place", "#results table"),
        ("/id/place/yancheng?lang=en", "article.fact"),
    ]:
        page.goto(server.url + path, wait_until="networkidle")
        page.wait_for_selector(ready)
        found = _axe(page)
        if found:
            problems[path] = found
    assert problems == {}
    assert watch.problems == []


def test_pages_fit_a_390_px_phone_without_sideways_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        for path, name in [
            ("/", "home-390"),
            (
                "/query?query=" + quote("SELECT ?s ?p ?o WHERE { ?s a yrd:Pairing ; ?p ?o }"),
                "query-390",
            ),
            ("/query/partners-of-place", "named-query-390"),
            ("/id/place/yancheng", "place-390"),
        ]:
            page.goto(server.url + path, wait_until="networkidle")
            page.wait_for_timeout(200)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
    finally:
        context.close()
