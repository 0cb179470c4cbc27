"""One province palette for every picture: SVG/PNG, the HTML export, /explore and /map.

The colours are Okabe and Ito's set for colour-blind readers ("Color Universal Design",
2008): the four Yangtze Delta provinces always get the same four, chosen far apart
(安徽 orange, 浙江 bluish green, 江苏 blue, 上海 reddish purple), so the two that used to be
near-identical greens cannot be confused under any common colour-vision deficiency. Every other
province (partners across China) shares one grey, "other provinces": a colour that depended
on which provinces a filtered export happens to hold would differ between two pictures, and a
legend of a dozen similar hues helps nobody. The JS views get the mapping in the d3 export
(``graph.province_colours``) and never pick their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

#: The Delta's provinces by the tail of their IRI (and their Chinese name, for other bases).
CORE: dict[str, str] = {
    "anhui": "#E69F00",  # orange
    "zhejiang": "#009E73",  # bluish green
    "jiangsu": "#0072B2",  # blue
    "shanghai": "#CC79A7",  # reddish purple
}
CORE_NAMES: dict[str, str] = {
    "安徽省": "anhui",
    "浙江省": "zhejiang",
    "江苏省": "jiangsu",
    "上海市": "shanghai",
}
OTHER = "#8C8C8C"
OTHER_LABEL = "其他省份 other provinces"
NONE = "#D0D0D0"
NONE_LABEL = "— 无省份 no province"


def _core_key(province: str, label: str | None) -> str | None:
    tail = province.rstrip("/#").rsplit("/", 1)[-1].lower()
    if tail in CORE:
        return tail
    return CORE_NAMES.get(label or "")


def province_colours(places: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """Province IRI -> colour for the (province, province label) of each place drawn.

    The key ``""`` (places without a province) maps to ``NONE``."""
    counts: Counter[str] = Counter()
    labels: dict[str, str | None] = {}
    for province, label in places:
        key = province or ""
        counts[key] += 1
        labels.setdefault(key, label)
    out: dict[str, str] = {}
    for province in sorted(counts, key=lambda p: (-counts[p], p)):
        core = _core_key(province, labels[province]) if province else None
        out[province] = CORE[core] if core else OTHER if province else NONE
    return out


def legend(
    colours: dict[str, str], names: dict[str, str], counts: Counter[str] | None = None
) -> list[tuple[str, str]]:
    """(colour, label) rows: named provinces first, then one row each for the shared greys."""
    rows: list[tuple[str, str]] = []
    grey = False
    for province, colour in colours.items():
        if colour == OTHER:
            grey = True
        elif colour != NONE:
            rows.append((colour, names.get(province) or province))
    if grey:
        rows.append((OTHER, OTHER_LABEL))
    if NONE in colours.values():
        rows.append((NONE, NONE_LABEL))
    return rows
