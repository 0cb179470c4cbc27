"""One registry of output formats, shared by /sparql, /queries, /api/export and the CLI.

A format is a name, a media type, a file extension, the kinds of result it can render and a
function that turns a result into an iterable of byte chunks (so responses stream). Adding a
format is one function plus one ``register`` call; every surface picks it up, including content
negotiation.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

SOLUTIONS, BOOLEAN, GRAPH, NETWORK = "solutions", "boolean", "graph", "network"
_BATCH = 500

#: ``json.dumps(x, ensure_ascii=False)`` and its compact form (what ``flask.jsonify`` writes),
#: one encoder each: ``json.dumps`` with options builds a new encoder on every call, which shows
#: when traversal answers and exports encode thousands of small objects.
json_text = json.JSONEncoder(ensure_ascii=False).encode
json_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Renderer = Callable[[Any, "RenderContext"], Iterable[bytes]]


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may need besides the result (prefixes for Turtle, a title for pages).

    ``max_bytes``: renderers that build their output natively (outside this generator protocol)
    stop there with ``ResultTooLarge`` instead of materialising an unbounded result first.
    """

    prefixes: dict[str, str] | None = None
    title: str = "result"
    max_bytes: int | None = None
    #: The place a filtered network is drawn around (highlighted and centred in pictures).
    focus: str | None = None


class ResultTooLarge(Exception):
    """The rendered result passed ``RenderContext.max_bytes``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the result is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    kinds: frozenset[str]
    render: Renderer
    aliases: tuple[str, ...] = ()
    charset: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.charset else self.media_type


class NotAcceptable(Exception):
    """Nothing acceptable can be produced for this result (HTTP ``status`` 406)."""

    status = 406

    def __init__(self, kind: str, offered: list[Format], asked: str) -> None:
        self.offered = offered
        names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
        super().__init__(f"cannot produce {asked!r} for a {kind} result; available: {names}")


class UnknownFormat(NotAcceptable):
    """``format=`` names no format at all: a typo, so a 400 listing the names, not a 406."""

    status = 400

    def __init__(self, asked: str, names: list[str]) -> None:
        Exception.__init__(self, f"unknown format {asked!r}; allowed: {', '.join(names)}")
        self.offered = []


def check_format_name(name: str | None, kinds: Iterable[str] | None = None) -> None:
    """Raise ``UnknownFormat`` when ``format=`` names no registered format (of ``kinds``, or of
    any kind). Called by the HTTP layer, whose process has every format registered (a query
    worker process does not import the network formats)."""
    if not name:
        return
    wanted = name.strip().lower()
    pool = [f for f in _REGISTRY if kinds is None or f.kinds & set(kinds)]
    if not any(wanted in (f.name, f.media_type, f.extension, *f.aliases) for f in _REGISTRY):
        raise UnknownFormat(name, sorted({f.name for f in pool}))


_REGISTRY: list[Format] = []


def register(
    name: str,
    media_type: str,
    extension: str,
    kinds: Iterable[str],
    *,
    aliases: tuple[str, ...] = (),
    charset: bool = True,
) -> Callable[[Renderer], Renderer]:
    def wrap(render: Renderer) -> Renderer:
        _REGISTRY.append(
            Format(name, media_type, extension, frozenset(kinds), render, aliases, charset)
        )
        _negotiate.cache_clear()  # a new format can change what an Accept header picks
        return render

    return wrap


def formats_for(kind: str) -> list[Format]:
    """In registration order: the first one is the default for that kind."""
    return [f for f in _REGISTRY if kind in f.kinds]


def by_name(kind: str, name: str) -> Format | None:
    wanted = name.strip().lower()
    for fmt in formats_for(kind):
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    return None


def negotiate(kind: str, accept: str | None, format_param: str | None = None) -> Format:
    """``format=`` wins over ``Accept``; Accept is matched with q-values; none acceptable: 406.

    Clients send the same few Accept headers over and over, and parsing one with q-values is a
    noticeable share of a small query's cost: answers are cached (bounded in entries, and
    headers of unusual length are not cached).
    """
    if len(accept or "") + len(format_param or "") > _CACHED_ACCEPT_CHARS:
        fmt = _negotiate.__wrapped__(kind, accept, format_param)
    else:
        fmt = _negotiate(kind, accept, format_param)
    if fmt is None:
        raise NotAcceptable(kind, formats_for(kind), format_param or accept or "")
    return fmt


_CACHED_ACCEPT_CHARS = 512


@functools.lru_cache(maxsize=256)
def _negotiate(kind: str, accept: str | None, format_param: str | None) -> Format | None:
    offered = formats_for(kind)
    if format_param:
        return by_name(kind, format_param)
    if not accept or not accept.strip():
        return offered[0] if offered else None
    # Media-type parameters (``text/turtle; charset=utf-8``) would make werkzeug match nothing;
    # every text format here is UTF-8, so only the type and the q-value decide.
    parsed = MIMEAccept(
        [(value.split(";", 1)[0].strip(), q) for value, q in parse_accept_header(accept)]
    )
    best_q, best = 0.0, None
    for fmt in offered:
        for media in (fmt.media_type, *(a for a in fmt.aliases if "/" in a)):
            q = parsed.quality(media)
            if q > best_q:
                best_q, best = q, fmt
    return best


def result_kind(result: Any) -> str:
    if isinstance(result, ox.QuerySolutions):
        return SOLUTIONS
    if isinstance(result, ox.QueryBoolean):
        return BOOLEAN
    return GRAPH


# -- SPARQL results ------------------------------------------------------------------------
def _rows(result: ox.QuerySolutions) -> Iterator[tuple[list[str], list[Any]]]:
    names = [v.value for v in result.variables]
    for solution in result:
        yield names, [solution[n] for n in names]


def _variables(result: ox.QuerySolutions) -> list[str]:
    return [v.value for v in result.variables]


class _Sink:
    """Where pyoxigraph's serialiser writes (in ~8 KB pieces): keeps them, and stops the
    serialisation by raising once the output passes the limit, so an oversized result is never
    built in full."""

    __slots__ = ("chunks", "size", "limit")

    def __init__(self, limit: int | None) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise ResultTooLarge(self.limit)
        self.chunks.append(data)
        return len(data)

    def flush(self) -> None:
        """Part of the file protocol pyoxigraph writes to; nothing is buffered here."""


def _native_results(fmt: ox.QueryResultsFormat) -> Renderer:
    """Solutions and booleans serialised by pyoxigraph itself (Rust): no Python object per
    value, which made rendering cost as much as the query on large results."""

    def render(result: Any, ctx: RenderContext) -> Iterator[bytes]:
        sink = _Sink(ctx.max_bytes)
        result.serialize(sink, format=fmt)  # evaluation errors surface here, while iterating
        yield b"".join(sink.chunks)

    return render


register(
    "json",
    "application/sparql-results+json",
    "srj",
    [SOLUTIONS, BOOLEAN],
    aliases=("application/json", "srj", "sparql-results+json"),
)(_native_results(ox.QueryResultsFormat.JSON))
register(
    "xml",
    "application/sparql-results+xml",
    "srx",
    [SOLUTIONS, BOOLEAN],
    aliases=("srx", "sparql-results+xml"),
)(_native_results(ox.QueryResultsFormat.XML))


def _delimited(result: Any, cell: Callable[[Any], str], header: Callable[[str], str], dialect: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n") if dialect == "csv" else None

    def line(values: list[str]) -> None:
        if writer is not None:
            writer.writerow(values)
        else:
            buffer.write("\t".join(values) + "\n")

    if isinstance(result, ox.QueryBoolean):
        line([header("_askResult")])
        line(["true" if result else "false"])
        yield buffer.getvalue().encode()
        return
    names = _variables(result)
    line([header(n) for n in names])
    count = 0
    for _, values in _rows(result):
        line(["" if v is None else cell(v) for v in values])
        count += 1
        if count % _BATCH == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _csv_cell(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


@register("csv", "text/csv", "csv", [SOLUTIONS, BOOLEAN])
def render_csv(result: Any, _ctx: RenderContext) -> Iterator[bytes]:
    return _delimited(result, _csv_cell, lambda n: n, "csv")


def _tsv_cell(term: Any) -> str:
    # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax; tabs and newlines are escaped there.
    return str(term)


@register("tsv", "text/tab-separated-values", "tsv", [SOLUTIONS, BOOLEAN])
def render_tsv(result: Any, _ctx: RenderContext) -> Iterator[bytes]:
    return _delimited(result, _tsv_cell, lambda n: "?" + n, "tsv")


# -- RDF graphs (CONSTRUCT / DESCRIBE, descriptions) ----------------------------------------
def _rdf(fmt: ox.RdfFormat) -> Renderer:
    def render(triples: Any, ctx: RenderContext) -> Iterator[bytes]:
        if fmt == ox.RdfFormat.N_TRIPLES:
            batch: list[ox.Triple] = []
            for triple in triples:
                batch.append(triple)
                if len(batch) >= _BATCH:
                    yield ox.serialize(batch, format=fmt)
                    batch.clear()
            if batch:
                yield ox.serialize(batch, format=fmt)
            return
        items = list(triples)
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            items = [
                t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object)
                for t in items
            ]
        prefixes = ctx.prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        yield ox.serialize(items, format=fmt, prefixes=prefixes)

    return render


register("turtle", "text/turtle", "ttl", [GRAPH], aliases=("ttl", "application/x-turtle"))(
    _rdf(ox.RdfFormat.TURTLE)
)
register("ntriples", "application/n-triples", "nt", [GRAPH], aliases=("nt", "n-triples"))(
    _rdf(ox.RdfFormat.N_TRIPLES)
)
# ``application/json`` too: a JSON client asking for an entity or a CONSTRUCT gets JSON-LD
# (which is JSON) rather than a 406.
register(
    "jsonld",
    "application/ld+json",
    "jsonld",
    [GRAPH],
    aliases=("json-ld", "json", "application/json"),
)(_rdf(ox.RdfFormat.JSON_LD))
register("rdfxml", "application/rdf+xml", "rdf", [GRAPH], aliases=("rdf", "xml", "rdf/xml"))(
    _rdf(ox.RdfFormat.RDF_XML)
)
register("trig", "application/trig", "trig", [GRAPH])(_rdf(ox.RdfFormat.TRIG))
register("nquads", "application/n-quads", "nq", [GRAPH], aliases=("nq", "n-quads"))(
    _rdf(ox.RdfFormat.N_QUADS)
)


def render_to_bytes(fmt: Format, result: Any, ctx: RenderContext | None = None) -> bytes:
    return b"".join(fmt.render(result, ctx or RenderContext()))


def prefixed(iri: str, prefixes: dict[str, str] | None) -> str | None:
    """``http://…/id/place/yancheng`` → ``place:yancheng`` with the longest matching namespace,
    if the rest is a valid local name; None when no prefix fits."""
    best = None
    for prefix, namespace in (prefixes or {}).items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            local = iri[len(namespace) :]
            if _LOCAL_NAME.fullmatch(local):
                best = (prefix, namespace)
    return None if best is None else f"{best[0]}:{iri[len(best[1]) :]}"


_LOCAL_NAME = re.compile(r"(?:[\w](?:[\w.-]*[\w-])?)?")


@register("table", "text/plain", "txt", [SOLUTIONS, BOOLEAN], aliases=("text",))
def render_table(result: Any, ctx: RenderContext) -> Iterator[bytes]:
    """Aligned columns for terminals; literals shown bare, IRIs as prefixed names where a
    predeclared prefix fits (``place:yancheng``), else in angle brackets."""
    if isinstance(result, ox.QueryBoolean):
        yield (("true" if result else "false") + "\n").encode()
        return
    names = _variables(result)
    prefixes = ctx.prefixes if ctx is not None else None

    def show(term: Any) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.NamedNode):
            return prefixed(term.value, prefixes) or str(term)
        return str(term)

    rows = [[show(v) for v in values] for _, values in _rows(result)]
    widths = [max([_width(n), *(_width(r[i]) for r in rows)]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    out = [line(names), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    yield ("\n".join(out) + "\n").encode()


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# -- tables of plain records (traversal answers flattened) ----------------------------------
ROWS = "rows"


@dataclass(frozen=True)
class Rows:
    """A JSON document plus its flat, tabular form: JSON clients get the document, CSV the rows."""

    document: Any
    columns: list[str]
    rows: list[dict[str, Any]]


@register("json", "application/json", "json", [ROWS])
def render_rows_json(result: Rows, _ctx: RenderContext) -> Iterator[bytes]:
    yield json.dumps(result.document, ensure_ascii=False).encode()


@register("csv", "text/csv", "csv", [ROWS])
def render_rows_csv(result: Rows, _ctx: RenderContext) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=result.columns, lineterminator="\r\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in result.rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    yield buffer.getvalue().encode()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("label_zh") or value.get("id") or "")
    return str(value)


@register("table", "text/plain", "txt", [ROWS], aliases=("text",))
def render_rows_table(result: Rows, _ctx: RenderContext) -> Iterator[bytes]:
    """Aligned columns for terminals, same cells as CSV."""
    rows = [[_cell(row.get(c)) for c in result.columns] for row in result.rows]
    widths = [max([_width(c), *(_width(r[i]) for r in rows)]) for i, c in enumerate(result.columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    out = [line(list(result.columns)), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    yield ("\n".join(out).rstrip() + "\n").encode()
