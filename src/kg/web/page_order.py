"""A page of an ordered SELECT, sorted in the worker instead of by the engine.

pyoxigraph's ``ORDER BY`` compares two rows by evaluating each key on both, which decodes the
terms from the store on every comparison: for ``n`` rows about ``2·n·log n`` string reads. On
the named queries that list every relation it was most of the time (``relations-in-year`` at
10×: 10.9 s ordered, 3.3 s without ``ORDER BY``; at 100× ordering alone took longer than the
30 s time limit). Here the query runs without its ``ORDER BY`` and page clause, its rows are
written once as SPARQL TSV (natively: each term decoded once), their keys read once, sorted by
Python, and the page cut out and parsed back into solutions that render as before.

The order is the engine's (``spareval``'s ``cmp_terms``): unbound < blank node < IRI < literal;
IRIs and strings by code point; two literals of the same language or two ``xsd:string`` by
value, others by (value, datatype, language); ``xsd:integer`` keys numerically. Only what can be
ordered exactly that way is done here: keys that are plain projected variables (``?x``,
``ASC(?x)``, ``DESC(?x)``), and key columns whose literals are all strings or all integers.
Anything else (expressions, dates, decimals, a key not projected, unordered rows past the
sort buffer ``SORT_BUFFER_BYTES``) answers ``None`` and the caller runs the query as written.
Rows that tie on every key may come in another order than the engine's, which SPARQL leaves
open (its sort is not stable either).
"""

from __future__ import annotations

import gc
import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from kg.store.named_queries import engine_orders
from kg.store.sparql_text import MEMO_MAX_CHARS, tokenize

XSD = "http://www.w3.org/2001/XMLSchema#"
_TEXT_TYPES = frozenset((XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))
_PAGE = re.compile(r"\s*LIMIT\s+(\d+)\s+OFFSET\s+(\d+)\s*", re.IGNORECASE)
TSV = ox.QueryResultsFormat.TSV


@dataclass(frozen=True)
class OrderedPage:
    """A paged SELECT split into the query without order and page, and how to cut the page."""

    unordered: str
    keys: tuple[tuple[str, bool], ...]  # (variable, descending)
    limit: int
    offset: int


def plan(text: str) -> OrderedPage | None:
    """How to answer ``text`` (a SELECT ending in ``ORDER BY … LIMIT n OFFSET m``, as
    ``kg.store.sparql_text.with_page`` writes it) with the order made here, or ``None``."""
    return _plan(text) if len(text) <= MEMO_MAX_CHARS else _plan.__wrapped__(text)


@lru_cache(maxsize=256)
def _plan(text: str) -> OrderedPage | None:
    tokens = tokenize(text)
    depth, form, start = 0, "", None
    for index, tok in enumerate(tokens):
        if tok.kind == "other" and tok.text in "{(":
            depth += 1
        elif tok.kind == "other" and tok.text in "})":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and not form:
            form = tok.upper if tok.upper in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE") else ""
        elif depth == 0 and tok.kind == "word" and tok.upper == "ORDER":
            if index + 1 < len(tokens) and tokens[index + 1].upper == "BY":
                start = index
            break
    if form != "SELECT" or start is None or engine_orders(text):
        return None
    keys: list[tuple[str, bool]] = []
    i = start + 2
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "var":
            keys.append((tok.text[1:], False))
            i += 1
        elif tok.kind == "word" and tok.upper in ("ASC", "DESC"):
            inner = tokens[i + 1 : i + 4]
            if len(inner) != 3 or [t.text for t in inner[::2]] != ["(", ")"]:
                return None
            if inner[1].kind != "var":
                return None
            keys.append((inner[1].text[1:], tok.upper == "DESC"))
            i += 4
        elif tok.kind == "word" and tok.upper == "LIMIT":
            break
        else:
            return None  # an expression, or a clause after ORDER BY other than the page's
    if not keys or i >= len(tokens):
        return None
    page = _PAGE.match(text, tokens[i].start)
    if page is None:
        return None
    unordered = text[: tokens[start].start] + "\n" + text[page.end() :]
    return OrderedPage(unordered, tuple(keys), int(page.group(1)), int(page.group(2)))


def _text_key(term: Any) -> tuple[Any, ...]:
    if term is None:
        return (0, "", "", 0, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "", 0, "")
    if isinstance(term, ox.NamedNode):
        return (2, term.value, "", 0, "")
    language = term.language
    return (3, term.value, term.datatype.value, 0 if language is None else 1, language or "")


def _integer_key(term: Any) -> tuple[Any, ...]:
    if isinstance(term, ox.Literal):
        return (3, int(term.value))
    return _text_key(term)[:2]


def _column_key(column: list[Any]) -> Callable[[Any], tuple[Any, ...]] | None:
    """The sort key of a column of terms, or ``None`` if it holds literals this module cannot
    order as the engine does."""
    types = {t.datatype.value for t in column if isinstance(t, ox.Literal)}
    if types <= _TEXT_TYPES:
        return _text_key
    if types == {XSD + "integer"}:
        return _integer_key
    return None


class _Chunks:
    """The file pyoxigraph writes the unordered rows to; stops past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size, self.limit = 0, limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _TooBig
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        """Part of the file protocol; nothing is buffered here."""


class _TooBig(Exception):
    pass


#: How much of the unordered answer (as TSV) may be held to sort it. Not the result limit
#: (``max_bytes``, ``KG_MAX_RESULT_BYTES``), which applies to the page sent: the unordered rows
#: of a long answer are larger than its page (``relations-in-year`` at 100×: 83 MB of TSV for
#: a 1 000-row page), and falling back to the engine's sort there means running the query a
#: second time and sorting it the slow way, past the time limit.
SORT_BUFFER_BYTES = 512 * 1024 * 1024
#: From this many rows on, keys are read straight from the TSV text (``_rank_text``) rather than
#: from every row parsed into terms, which cost more than the query on long answers. Now from
#: the first row: on short answers too the text is cheaper (3 rows: 75 vs 103 µs for the page,
#: issue 19's request floor), and where it does not apply the terms are parsed as before.
_FAST_FROM = 0
_XSD_STRING = (XSD + "string").encode()
_LANG_STRING = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_UNBOUND_KEY = (0, b"", b"", 0, b"")


def _text_field_key(field: bytes) -> tuple[Any, ...] | None:
    """The ``_text_key`` of one TSV field, as bytes (UTF-8 orders as code points do), for an
    IRI, a plain or language-tagged string or nothing; ``None`` for anything else (escapes,
    blank nodes, typed or bare literals), which the caller leaves to ``_rank_terms``."""
    if not field:
        return _UNBOUND_KEY
    if field[0] == 60 and field[-1] == 62:  # <iri>
        return (2, field[1:-1], b"", 0, b"")
    if field[0] == 34:  # "value", "value"@lang; a quote inside would be escaped (no backslash)
        end = field.rindex(b'"')
        rest = field[end + 1 :]
        if not rest:
            return (3, field[1:end], _XSD_STRING, 0, b"")
        if rest[0] == 64:
            return (3, field[1:end], _LANG_STRING, 1, rest[1:])
    return None


def _rank_text(
    rows: list[bytes], columns: list[int], order: OrderedPage, wanted: int | None = None
) -> list[int] | None:
    """The first ``wanted`` row indexes in order (all if ``None``), keyed from the TSV text;
    ``None`` if a key field is not one ``_text_field_key`` reads (then every row is parsed,
    ``_rank_terms``).

    This is the worker's own cost on the longest answers (271 k rows for ``relations-in-year``
    at 100×), so: one key tuple per row; the collector paused until the keys are dropped again
    (they hold no cycles, yet a million new tuples set off full collections: 1.3 s at 100×);
    and, when every key runs one way, only the page's rows picked (``heapq``, as stable as the
    sort) instead of sorting them all."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _ranked(rows, columns, order, wanted)
    finally:
        if paused:
            gc.enable()


def _ranked(
    rows: list[bytes], columns: list[int], order: OrderedPage, wanted: int | None
) -> list[int] | None:
    field_key = _text_field_key
    keyed: list[tuple[Any, ...]] = []
    append = keyed.append
    for row in rows:
        if b"\\" in row:  # an escape: the text is not the value
            return None
        fields = row.split(b"\t")
        key = tuple([field_key(fields[c]) for c in columns])
        if None in key:
            return None
        append(key)
    directions = {descending for _, descending in order.keys}
    if len(directions) == 1:
        descending = directions == {True}
        if wanted is not None and wanted < len(rows):
            pick = heapq.nlargest if descending else heapq.nsmallest
            return pick(wanted, range(len(rows)), key=keyed.__getitem__)
        return sorted(range(len(rows)), key=keyed.__getitem__, reverse=descending)
    ranked = list(range(len(rows)))
    for position in reversed(range(len(columns))):  # stable sorts, last key first
        ranked.sort(key=lambda r, p=position: keyed[r][p], reverse=order.keys[position][1])
    return ranked if wanted is None else ranked[:wanted]


def _rank_terms(
    data: bytes, rows: list[bytes], columns: list[int], order: OrderedPage
) -> list[int] | None:
    """Row indexes in order, keyed from every row parsed into terms; ``None`` when a key
    column holds literals this module cannot order as the engine does."""
    keyed = [[solution[c] for c in columns] for solution in ox.parse_query_results(data, TSV)]
    if len(keyed) != len(rows):
        return None
    ranked = list(range(len(rows)))
    for position in reversed(range(len(columns))):  # stable sorts, last key first
        key = _column_key([row[position] for row in keyed])
        if key is None:
            return None
        ranked.sort(
            key=lambda r, k=key, p=position: k(keyed[r][p]), reverse=order.keys[position][1]
        )
    return ranked


def page(
    result: Any, order: OrderedPage, page_limit: int, max_bytes: int
) -> tuple[ox.QuerySolutions, bool] | None:
    """The page of ``result`` (the rows of ``order.unordered``): its first ``page_limit`` rows
    in order and whether more follow; ``None`` when the caller must let the engine order.

    Evaluation errors surface here (``ValueError``/``SyntaxError``), as when rendering."""
    if not isinstance(result, ox.QuerySolutions):
        return None
    names = [v.value for v in result.variables]
    if any(name not in names for name, _ in order.keys):
        return None
    sink = _Chunks(max(max_bytes, SORT_BUFFER_BYTES))
    try:
        result.serialize(sink, TSV)
    except _TooBig:
        return None
    data = b"".join(sink.parts)
    lines = data.split(b"\n")
    header, rows = lines[0], lines[1:]
    if rows and rows[-1] == b"":
        rows.pop()
    columns = [names.index(name) for name, _ in order.keys]
    wanted = order.offset + min(order.limit, page_limit + 1)
    ranked = _rank_text(rows, columns, order, wanted) if len(rows) > _FAST_FROM else None
    if ranked is None:
        ranked = _rank_terms(data, rows, columns, order)
    if ranked is None:
        return None
    window = ranked[order.offset : wanted]
    more = len(window) > page_limit
    chosen = window[:page_limit]
    body = b"\n".join([header, *(rows[r] for r in chosen)]) + b"\n"
    return ox.parse_query_results(body, TSV), more
