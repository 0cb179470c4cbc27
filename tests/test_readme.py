"""README doc tests: every shell example in README.md runs against a live ``kg serve``.

Generic on purpose (``tests/doc_blocks.py``): any ```` ```sh ```` block anyone adds is run, in
file order, in one scratch folder (files one example writes are there for the next), with:

* ``http://127.0.0.1:8000`` at the start of a shell word pointed at the test server (IRIs inside
  ``<…>`` or after ``=`` are data and stay as they are);
* ``curl`` failing on HTTP errors (``--fail-with-body``), so a 4xx is a failed example;
* ``kg`` reading the test server's store (``KG_STORE``), and ``KG_WRITE_TOKEN`` set to the
  server's write token.

A block that cannot run here says so with ``<!-- doc-test: skip REASON -->``; output that must
not drift follows its block as ``<!-- doc-test: expect -->`` + a ```` ```text ```` block.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Server, start_server
from doc_blocks import RUNNABLE, Block, blocks

from kg.config import PROJECT_ROOT, Config

README = PROJECT_ROOT / "README.md"
BLOCKS = blocks(README)
RUNS = [b for b in BLOCKS if b.lang in RUNNABLE]
TOKEN = "doc-test-write-token-0123456789abcdef"
_SERVICE_URL = re.compile(r"(?<![\w<=/])http://127\.0\.0\.1:8000(?=/|\b)")


def test_every_code_block_says_what_it_is_and_skips_say_why() -> None:
    for block in BLOCKS:
        assert block.lang, f"{block.where}: name the block's language (```sh, ```text, …)"
        if block.marker == "skip":
            assert block.reason, f"{block.where}: say why the example cannot run in a test"
        assert block.marker in (None, "skip", "expect"), f"{block.where}: unknown marker"
    assert len([b for b in RUNS if b.runnable]) >= 5  # the doc tests are not all skipped


def test_the_prefix_list_is_complete() -> None:
    """The README lists every predeclared prefix (no "…")."""
    text = README.read_text(encoding="utf-8")
    listed = set(re.findall(r"`(\w+):`", text))
    missing = set(Config().prefixes()) - listed
    assert not missing, f"README does not list the prefixes {sorted(missing)}"


def _slug(heading: str) -> str:
    """GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_links_to_sections_point_at_headings() -> None:
    text = README.read_text(encoding="utf-8")
    anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}
    for target in re.findall(r"\]\(#([^)]+)\)", text):
        assert target in anchors, f"README links to #{target}, which is no heading"


@pytest.fixture(scope="module")
def doc_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("readme")
    server = start_server(folder / "store", env={"KG_WRITE_TOKEN": TOKEN})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shell_env(doc_server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    shims = tmp_path_factory.mktemp("shims")
    curl = shutil.which("curl")
    assert curl, "the doc tests need curl (.ci/run installs it)"
    shim = shims / "curl"
    shim.write_text(  # --fail-with-body unless the example already fails on errors (-f)
        '#!/bin/sh\nfail=--fail-with-body\nfor a in "$@"; do case $a in\n'
        "  --fail|--fail-with-body) fail= ;; --*) ;; -*f*) fail= ;;\nesac; done\n"
        f'exec {curl} $fail --silent --show-error "$@"\n'
    )
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(
        PATH=os.pathsep.join([str(shims), str(Path(sys.executable).parent), env["PATH"]]),
        KG_STORE=str(doc_server.store_path),
        KG_WRITE_TOKEN=TOKEN,
        LC_ALL="C.UTF-8",
    )
    return env


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readme-cwd")


def _script(block: Block, server: Server) -> str:
    return _SERVICE_URL.sub(server.url, block.text)


@pytest.mark.parametrize("block", RUNS, ids=[b.where for b in RUNS])
def test_readme_example(block: Block, doc_server: Server, shell_env, scratch: Path) -> None:
    if not block.runnable:
        pytest.skip(f"{block.where}: {block.reason}")
    result = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", _script(block, doc_server)],
        cwd=scratch,
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, (
        f"{block.where} failed ({result.returncode}):\n{block.text}\n--- stderr\n"
        f"{result.stderr[-2000:]}\n--- stdout\n{result.stdout[-1000:]}"
    )
    assert "Traceback" not in result.stderr
    if block.expect is not None:
        got = [line.rstrip() for line in result.stdout.strip().splitlines()]
        want = [line.rstrip() for line in block.expect.strip().splitlines()]
        assert got == want, f"{block.where}: the README's output is out of date"
