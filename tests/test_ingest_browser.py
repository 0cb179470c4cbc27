"""A newcomer's path, end to end in headless Chromium: paste an article on /ingest, review,
accept with the write token, then find the new partners in the API, the exports and the fact
pages with the article's sentence; remove the article again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from _data_store import REPO
from browser_support import PageWatch, require_browser
from conftest import Server, start_server

require_browser()

TOKEN = "ingest-test-token"
TEXT = (REPO / "tests" / "ingest_texts" / "heldout-news.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ingest") / "store", env={"KG_WRITE_TOKEN": TOKEN})
    yield srv
    srv.stop()


def _partners(server: Server, place: str) -> set[str]:
    r = requests.get(f"{server.url}/api/places/{place}/partners", timeout=30)
    assert r.ok, r.text
    return {p["label_zh"] for p in r.json()["partners"]}


def test_bundled_source_page_marks_its_quoted_sentences(writable):
    page = requests.get(
        writable.url + "/id/source/s000", headers={"Accept": "text/html"}, timeout=30
    )
    assert page.ok
    assert "<mark>苏宿工业园区是苏州、宿迁两市结对帮扶合作的重要平台。</mark>" in page.text


def test_api_refuses_bad_input_and_writes_without_token(writable):
    r = requests.post(writable.url + "/api/ingest", json={"text": "  "}, timeout=30)
    assert r.status_code == 400 and "empty" in r.json()["error"]
    r = requests.post(
        writable.url + "/api/ingest", json={"text": TEXT, "date": "18 April"}, timeout=30
    )
    assert r.status_code == 400 and "date" in r.json()["error"]
    r = requests.post(
        writable.url + "/api/ingest/accept", json={"text": TEXT, "candidates": []}, timeout=30
    )
    assert r.status_code == 401


def test_review_accept_and_find_the_new_partners(browser, writable):
    assert "灌南县" not in _partners(writable, "宜兴")
    watch = PageWatch(browser, writable.url)
    page = watch.page
    try:
        page.goto(writable.url + "/ingest", wait_until="networkidle")
        page.fill("#ingest-text", TEXT)
        page.fill("#ingest-date", "2024-04-18")
        page.fill("#ingest-title", "南通海门携手上海崇明共建跨江产业合作区")
        page.click("#ingest-analyse")
        page.wait_for_selector("#ingest-candidates .candidate")
        # the sentences of the candidates are highlighted in the article
        assert page.locator("#ingest-article mark").count() >= 3
        # review: keep the two pairings (with their scheme), reject everything else
        boxes = page.locator("#ingest-candidates .candidate")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            keep = box.locator("select.kind").input_value() == "Pairing"
            box.locator("input.accept").set_checked(keep)
            if keep:
                box.locator("select.scheme").select_option("jiangsunanbeijiedui")
        page.fill("#ingest-token", TOKEN)
        page.click("#ingest-accept")
        page.wait_for_selector("#ingest-outcome .written", timeout=30000)
        facts = page.locator("#ingest-outcome li a").all_inner_texts()
        assert len(facts) == 2
        assert not watch.problems, watch.problems

        assert "灌南县" in _partners(writable, "宜兴")  # a county new to the graph
        assert "泰州市" in _partners(writable, "宿迁")
        d3 = requests.get(writable.url + "/api/export", params={"format": "d3"}, timeout=60)
        assert "灌南县" in {n["label_zh"] for n in d3.json()["nodes"]}
        fact_page = requests.get(
            writable.url + "/" + facts[0].split("/", 3)[3],
            headers={"Accept": "text/html"},
            timeout=30,
        )
        assert fact_page.ok and (
            "宜兴市与灌南县结对帮扶" in fact_page.text or "泰州市与宿迁市" in fact_page.text
        )

        # the article's source page shows its text with the quoted sentences marked
        source = page.locator("#ingest-outcome .written a").first.get_attribute("href")
        source_page = requests.get(
            writable.url + "/" + source.split("/", 3)[3],
            headers={"Accept": "text/html"},
            timeout=30,
        )
        assert "<mark>今年以来，泰州市与宿迁市的结对合作持续推进" in source_page.text

        page.click("#ingest-remove")
        page.wait_for_selector("#ingest-outcome .written >> text=removed")
        assert "灌南县" not in _partners(writable, "宜兴")
    finally:
        watch.close()
