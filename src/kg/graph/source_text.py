"""The text of a source article with the sentences its facts quote marked (source pages).

Bundled articles are files in ``graph_data/sources/`` (named by ``yrd:seedFile``); articles
accepted on /ingest carry their text in the graph (``schema:text``). A quote is found verbatim
(it was checked so when written), overlapping quotes share one mark.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

TEXT_QUERY = """
SELECT ?text ?file WHERE {
  OPTIONAL { ?s <https://schema.org/text> ?text }
  OPTIONAL { ?s ?seed ?file FILTER(STRENDS(STR(?seed), "#seedFile")) }
}"""


def article_text(store: Any, data_dirs: tuple[Path, ...], iri: str) -> str | None:
    rows = store.select(TEXT_QUERY.replace("?s ", f"{ox.NamedNode(iri)} "))
    for row in rows:
        if "text" in row:
            return row["text"].value
        name = row["file"].value if "file" in row else ""
        if name and "/" not in name and "\\" not in name:
            for folder in data_dirs:
                path = folder / "sources" / name
                if path.is_file():
                    return path.read_text(encoding="utf-8")
    return None


def segments(text: str, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``[{"text", "facts": [fact refs] | []}]`` covering ``text`` in order."""
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for fact in facts:
        for quote in fact["quotes"]:
            at = text.find(quote) if quote else -1
            if at >= 0:
                spans.append((at, at + len(quote), fact["rel"]))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[list[Any]] = []
    for start, end, rel in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if rel not in merged[-1][2]:
                merged[-1][2].append(rel)
        else:
            merged.append([start, end, [rel]])
    out: list[dict[str, Any]] = []
    at = 0
    for start, end, rels in merged:
        if start > at:
            out.append({"text": text[at:start], "facts": []})
        out.append({"text": text[start:end], "facts": rels})
        at = end
    if at < len(text):
        out.append({"text": text[at:], "facts": []})
    return out


QUOTES_QUERY = """
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?r ?source ?quote WHERE {
  ?r prov:qualifiedDerivation ?d . ?d prov:entity ?source ; ?q ?quote .
  FILTER(STRENDS(STR(?q), "#quote"))
}"""


def check_quotes(store: Any, data_dirs: tuple[Path, ...]) -> tuple[int, list[str]]:
    """(quotes checked, problems): every yrd:quote must occur verbatim in its source's text."""
    texts: dict[str, str | None] = {}
    problems: list[str] = []
    rows = store.select(QUOTES_QUERY)
    for row in rows:
        source = row["source"].value
        if source not in texts:
            texts[source] = article_text(store, data_dirs, source)
        text = texts[source]
        quote = row["quote"].value
        if text is None:
            problems.append(f"<{source}>: no text (graph_data/sources/ file or schema:text)")
            texts[source] = ""
        elif text and quote not in text:
            problems.append(f"<{row['r'].value}>: quote not in <{source}>: {quote[:40]}…")
    return len(rows), list(dict.fromkeys(problems))
