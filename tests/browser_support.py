"""Headless Chromium (Debian's) driven by Playwright, shared by the browser tests.

Never downloads a browser: it drives /usr/bin/chromium. Test modules call
``require_browser()`` at import so they skip with a reason where Chromium or Playwright is
missing — except in CI (CI=true), where they must run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]


def require_browser() -> None:
    """Skip the calling module (outside CI) when there is no browser to drive."""
    if IN_CI:
        return
    if sync_playwright is None:
        pytest.skip(
            "playwright is not installed (pip install -e '.[test]')", allow_module_level=True
        )
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)


def launch(playwright: object) -> object:
    """Chromium as the probe showed works here: headless, sandbox off (root), no phoning home."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)  # type: ignore[attr-defined]


class PageWatch:
    """A page with its console errors, page errors, failed and error responses recorded."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.base = base
        page = self.page
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", self._response)
        # Nothing may leave the machine: any request off the test server fails the test.
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(base)
                else (self.problems.append("external: " + route.request.url), route.abort())
            ),
        )

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {message.location}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self) -> None:
        self.context.close()
