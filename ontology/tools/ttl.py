"""Tiny helpers for writing the graph_data/*.ttl files (used by build_graph_data.py).

Quotes are never typed by hand: a quote is given as a (seed, start, end) anchor and the exact
substring is cut from the seed file, so every yrd:quote is verbatim by construction.
"""

from __future__ import annotations

import os
from pathlib import Path

import opencc  # only needed to (re)build the data; pip install opencc-python-reimplemented

_S2T = opencc.OpenCC("s2t")

REPO = Path(__file__).resolve().parents[2]


def seeds_dir() -> Path:
    env = os.environ.get("KG_SEEDS_DIR")
    if env:
        return Path(env)
    return REPO / "graph_data" / "sources"


SEED_FILES = {p.name[:3]: p.name for p in sorted(seeds_dir().glob("*.txt"))}
SEED_TEXT = {k: (seeds_dir() / v).read_text(encoding="utf-8") for k, v in SEED_FILES.items()}
TRADITIONAL = {"001", "002"}


def t(s: str) -> str:
    """Simplified -> traditional (OpenCC s2t)."""
    return _S2T.convert(s)


def lit(s: str, lang: str | None = None, dt: str | None = None) -> str:
    esc = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{esc}"@{lang}'
    if dt:
        return f'"{esc}"^^{dt}'
    return f'"{esc}"'


def cut(seed: str, start: str, end: str | None = None) -> str:
    """The verbatim substring of seed text from `start` through `end` (inclusive)."""
    text = SEED_TEXT[seed]
    i = text.find(start)
    if i < 0:
        raise ValueError(f"seed {seed}: start anchor not found: {start!r}")
    if end is None:
        return start
    j = text.find(end, i + len(start))
    if j < 0:
        raise ValueError(f"seed {seed}: end anchor not found after start: {end!r}")
    out = text[i : j + len(end)]
    if len(out) > 400:
        raise ValueError(f"seed {seed}: quote too long ({len(out)}): {start!r}..{end!r}")
    return out


def quote_lang(seed: str) -> str:
    return "zh-Hant" if seed in TRADITIONAL else "zh-Hans"


def aliases(alts) -> list[str]:
    """skos:altLabel literals: each alias in zh-Hans plus its OpenCC traditional form; an alias
    written "T:…" is a traditional form exactly as a source prints it (e.g. 産 rather than 產); one
    written "E:…" is an English alias (e.g. the abbreviation SIP), tagged en, never zh-Hans."""
    out: list[str] = []
    for a in alts:
        if a.startswith("T:"):
            out.append(lit(a[2:], "zh-Hant"))
            continue
        if a.startswith("E:"):
            out.append(lit(a[2:], "en"))
            continue
        out.append(lit(a, "zh-Hans"))
        if t(a) != a:
            out.append(lit(t(a), "zh-Hant"))
    return list(dict.fromkeys(out))


def labels(zh: str, en: str, hant: str | None = None) -> str:
    return f"{lit(zh, 'zh-Hans')} , {lit(hant or t(zh), 'zh-Hant')} , {lit(en, 'en')}"


def derivation(seed: str, start: str, end: str | None = None) -> str:
    q = cut(seed, start, end)
    return (
        f"[ a prov:Derivation ; prov:entity source:s{seed} ;\n"
        f"          yrd:quote {lit(q, quote_lang(seed))} ]"
    )


PREFIXES = """@prefix yrd: <ontology#> .
@prefix place: <id/place/> .
@prefix park: <id/park/> .
@prefix pairing: <id/pairing/> .
@prefix agreement: <id/agreement/> .
@prefix rel: <id/relation/> .
@prefix org: <id/org/> .
@prefix domain: <id/domain/> .
@prefix scheme: <id/scheme/> .
@prefix source: <id/source/> .
@prefix stat: <id/statistic/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix wd: <http://www.wikidata.org/entity/> .
"""


class Doc:
    """Accumulates Turtle blocks for one output file."""

    def __init__(self, header: str) -> None:
        self.parts = [header.rstrip() + "\n", PREFIXES]

    def comment(self, text: str) -> None:
        self.parts.append(
            "\n".join("# " + line if line else "#" for line in text.strip().splitlines()) + "\n"
        )

    def block(
        self, subject: str, props: list[tuple[str, str | list[str]]], comment: str | None = None
    ) -> None:
        lines = []
        if comment:
            lines.extend("# " + c for c in comment.strip().splitlines())
        body = []
        for p, o in props:
            if o is None or o == [] or o == "":
                continue
            objs = list(dict.fromkeys(o)) if isinstance(o, list) else [o]
            body.append(f"    {p} " + " ,\n        ".join(objs))
        lines.append(subject + "\n" + " ;\n".join(body) + " .")
        self.parts.append("\n".join(lines) + "\n")

    def write(self, path: Path) -> None:
        path.write_text("\n".join(self.parts), encoding="utf-8")
