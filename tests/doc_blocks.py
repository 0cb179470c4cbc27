"""The code blocks of a Markdown file, as the README doc tests run them (``tests/test_readme.py``).

Rules (README "Doc tests"):

* every fenced block names its language (```` ```sh ````, ```` ```text ````, ```` ```yaml ````…);
* ``sh``/``bash``/``shell`` blocks are run, in file order, against a live ``kg serve``, unless the
  line before the fence is ``<!-- doc-test: skip REASON -->`` (a reason is required);
* a ``text`` block preceded by ``<!-- doc-test: expect -->`` is the exact output (trailing
  spaces aside) of the block before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

RUNNABLE = {"sh", "bash", "shell"}
_FENCE = re.compile(r"^```(.*)$")
_MARKER = re.compile(r"^<!--\s*doc-test:\s*(\w+)\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    file: str
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    marker: str | None = None  # "skip" or "expect"
    reason: str = ""
    expect: str | None = None  # the expected output, from the following expect block

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def runnable(self) -> bool:
        return self.lang in RUNNABLE and self.marker != "skip"


def blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        marker = _MARKER.match(lines[start - 1]) if start else None
        block = Block(
            file=path.name,
            line=start + 1,
            lang=match.group(1).strip().lower(),
            text="\n".join(body) + "\n",
            marker=marker.group(1) if marker else None,
            reason=marker.group(2) if marker else "",
        )
        if block.marker == "expect" and found:
            found[-1].expect = block.text
        found.append(block)
        i += 1
    return found
