"""A person's walk through the Linked Data pages in headless Chromium: 盐城 → partner → source."""

from __future__ import annotations

from browser_support import ARTIFACTS, PageWatch, require_browser

require_browser()


def test_yancheng_page_partner_and_source_links_work_without_errors(browser, server):
    watch = PageWatch(browser, server.url)
    page = watch.page
    try:
        page.goto(server.url + "/id/place/yancheng", wait_until="networkidle")
        assert page.locator("h1").inner_text().startswith("盐城市")
        assert page.locator("nav.breadcrumb a").count() >= 1
        assert page.locator("figure.mini-map svg circle").count() > 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "entity-yancheng.png"), full_page=False)

        partner = page.locator("article.fact p a[href^='/id/place/']").first
        partner_name = partner.inner_text()
        partner.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text().startswith(partner_name)
        assert "/id/place/" in page.url and not page.url.endswith("/yancheng")

        page.go_back()
        page.wait_for_load_state("networkidle")
        source = page.locator("a.source-link").first
        source.click()
        page.wait_for_load_state("networkidle")
        assert "/id/source/" in page.url
        assert "出自这篇文章的事实" in page.content()
        page.screenshot(path=str(ARTIFACTS / "entity-source.png"))

        # The search box on every page goes through the resolver.
        page.fill("header form.search input[name=q]", "鹽城")
        page.press("header form.search input[name=q]", "Enter")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("/id/place/yancheng")
        assert watch.problems == []
    finally:
        watch.close()
