"""The gazetteer: every administrative unit the articles may name, with its GB/T 2260 code.

``graph_data/gazetteer.csv`` is generated from data packages (``kg gazetteer``,
``kg.curation.gazetteer_build``);
this module only reads it. The graph holds the places that take part in facts; the gazetteer
knows the rest too (all county-level units of 上海/江苏/浙江/安徽, every prefecture-level unit of
China), so a name in a new article or a query can be recognised, typed and placed under its
city even before the graph has a fact about it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.config import PROJECT_ROOT

FILE = "gazetteer.csv"


@dataclass(frozen=True)
class Unit:
    code: str
    parent: str | None
    level: int  # 1 province-level, 2 prefecture-level, 3 county-level
    cls: str  # yrd: class name
    name: str
    name_hant: str
    short: str
    short_hant: str
    pinyin: str
    lat: float | None
    long: float | None

    @property
    def names(self) -> tuple[str, ...]:
        """Every written form: official and short, simplified and traditional."""
        return tuple(
            dict.fromkeys(n for n in (self.name, self.name_hant, self.short, self.short_hant) if n)
        )


class Gazetteer:
    """Units by code and by every written form of their names."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = {u.code: u for u in units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            for name in unit.names:
                self.by_name.setdefault(name, []).append(unit)
            self.by_name.setdefault(unit.pinyin.lower(), []).append(unit)

    def __len__(self) -> int:
        return len(self.units)

    def lookup(self, name: str) -> list[Unit]:
        """Units written ``name`` (exact form, or pinyin in any case), higher levels first."""
        found = self.by_name.get(name) or self.by_name.get(name.strip().lower()) or []
        return sorted(found, key=lambda u: (u.level, u.code))

    def parent(self, unit: Unit) -> Unit | None:
        return self.units.get(unit.parent) if unit.parent else None

    def ancestors(self, unit: Unit) -> list[Unit]:
        out = []
        while (unit := self.parent(unit)) is not None:  # type: ignore[assignment]
            out.append(unit)
        return out

    def children(self, code: str) -> list[Unit]:
        return [u for u in self.units.values() if u.parent == code]


def _float(text: str) -> float | None:
    return float(text) if text else None


def read(path: Path) -> Gazetteer:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        units = [
            Unit(
                code=r["code"],
                parent=r["parent"] or None,
                level=int(r["level"]),
                cls=r["class"],
                name=r["name"],
                name_hant=r["name_hant"],
                short=r["short"],
                short_hant=r["short_hant"],
                pinyin=r["pinyin"],
                lat=_float(r["lat"]),
                long=_float(r["long"]),
            )
            for r in rows
        ]
    return Gazetteer(units)


def find_file(data_dirs: tuple[Path, ...] = ()) -> Path:
    for folder in (*data_dirs, PROJECT_ROOT / "graph_data"):
        if (folder / FILE).is_file():
            return folder / FILE
    raise FileNotFoundError(f"{FILE} not found in graph_data/")


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> Gazetteer:
    """The bundled gazetteer (read once per process)."""
    return read(path or find_file())
