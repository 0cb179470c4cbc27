"""Terminal tables that fit: 100 columns by default, ``--wide`` for every cell in full.

The traversal commands used to print every field of every row at full length (73 rows ×
286 columns for ``kg partners 盐城``), which wraps into noise on any terminal. Here the widest
columns give way first and cut cells end in ``…``; CJK characters count two columns, as
terminals draw them. JSON and CSV output stay complete: this is only the human view.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

WIDTH = 100
_GAP = "  "
_MIN = 6


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(value: Any) -> str:
    """Lists joined with "; ", dicts by their Chinese label, None as empty; one line only."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(c for c in (cell(v) for v in value) if c)
    if isinstance(value, dict):
        return str(value.get("label_zh") or value.get("id") or "")
    return " ".join(str(value).split())


def truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def fit_widths(natural: list[int], headers: list[int], width: int) -> list[int]:
    """Shrink the widest columns until the row (with gaps) fits ``width``."""
    widths = list(natural)
    budget = width - len(_GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        i = max(range(len(widths)), key=lambda k: widths[k])
        floor = max(_MIN, min(headers[i], 12))
        if widths[i] <= floor:
            break  # every column is at its floor: let the terminal wrap
        widths[i] -= 1
    return widths


def render(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[dict[str, Any]],
    *,
    wide: bool = False,
    width: int = WIDTH,
) -> str:
    """``columns`` are (key, header) pairs; rows are dicts. Returns the table and a row count."""
    headers = [h for _, h in columns]
    cells = [[cell(row.get(key)) for key, _ in columns] for row in rows]
    natural = [
        max([display_width(h), *(display_width(r[i]) for r in cells)])
        for i, h in enumerate(headers)
    ]
    widths = natural if wide else fit_widths(natural, [display_width(h) for h in headers], width)

    def line(values: list[str]) -> str:
        parts = []
        for value, w in zip(values, widths, strict=True):
            shown = truncate(value, w)
            parts.append(shown + " " * (w - display_width(shown)))
        return _GAP.join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"
