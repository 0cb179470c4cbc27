"""Which requests the direct lane may answer, and the task each becomes (``kg.web.direct_lane``).

Two kinds, both ``GET`` over HTTP/1.1 keep-alive, not asking for HTML:

* ``/sparql?query=…`` with nothing else in the query string — ``kg.web.query_lane``'s case;
* ``/queries/<name>?param=…`` without ``format``, ``timeout``, ``limit`` or ``offset``: the
  parameters are bound as ``kg.web.queries_http.run_query`` binds them and the first page is
  asked for as ``kg.web.executor.answer`` asks for it, so the worker runs the same text.

Anything the request path would treat specially gives ``None`` here and the request takes the
ordinary path, which produces its answer or its error message: a place name that is not one
exact match (300/404 with suggestions, computed by the request path), a parameter error, a
projection not built for the current store version (building it takes seconds: never in the
I/O thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from kg.graph import resolver
from kg.store import sparql_text
from kg.store.named_queries import RESERVED, ParameterError
from kg.web import paging
from kg.web.query_worker import QueryTask

QUERIES = "/queries/"


@dataclass(frozen=True)
class Plan:
    task: QueryTask
    #: The ``Link`` header to add when the page has rows after it (``QueryOutput.more``).
    link_if_more: str | None = None
    #: A plain ``/sparql`` query: the worker may linger for the next (``kg.web.direct_linger``).
    lingers: bool = False


class _NotHere(Exception):
    """The request path must answer this one (with its own message)."""


def plan(request: Any, services: Any) -> Plan | None:
    """The task for a waitress request the worker may answer directly, or ``None``."""
    if (
        request.error is not None
        or request.command != "GET"
        or request.version != "1.1"
        or request.content_length
        or request.chunked
        or request.expect_continue
        or getattr(request, "kg_direct_tried", False)
    ):
        return None
    headers = request.headers
    if "close" in headers.get("CONNECTION", "").lower():
        return None
    accept = headers.get("ACCEPT")
    if accept and "html" in accept.lower():
        return None  # a browser: Flask renders the page with its security headers
    path = request.path
    config = services.config
    if path == "/sparql":
        pairs = parse_qsl(request.query, keep_blank_values=True)
        if len(pairs) != 1 or pairs[0][0] != "query" or not pairs[0][1].strip():
            return None
        return Plan(
            QueryTask(
                pairs[0][1], accept=accept, title="result", max_bytes=config.max_result_bytes
            ),
            lingers=True,
        )
    if path.startswith(QUERIES):
        try:
            return _named(path[len(QUERIES) :], request, accept, services)
        except (_NotHere, ParameterError):
            return None
        except Exception:  # noqa: BLE001 - whatever it is, the request path reports it
            return None
    return None


def _named(name: str, request: Any, accept: str | None, services: Any) -> Plan | None:
    query = services.queries.get(name)
    host = request.headers.get("HOST")
    if query is None or not host:
        return None
    pairs = parse_qsl(request.query, keep_blank_values=True)
    if any(key in RESERVED for key, _ in pairs):
        return None
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)  # Flask's request.args.get: the first value
    config = services.config
    resolve = None
    if any(p.type == "place" for p in query.parameters):
        snap = services.extras["projection"].current_or_none()
        if snap is None:
            return None
        resolve = lambda value: _exactly_one(snap, value)  # noqa: E731
    bindings = query.bindings(params, config.base_iri, resolve)
    text, substitutions = query.prepare(bindings, store=services.store)
    page = paging.Page(paging.DEFAULT_PAGE, 0)
    paged = sparql_text.with_page(text, page.limit + 1, page.offset)
    link = None
    page_limit = None
    if paged is not None:
        text, page_limit = paged, page.limit
        base = quote(
            f"{request.url_scheme}://{host}{QUERIES}{name}", safe=":/@!$&'()*+,;=%"
        )  # as paging.link_header writes it
        link = f"<{base}?{urlencode([*pairs, ('limit', page.limit), ('offset', page.limit)])}>"
        link += '; rel="next"'
    task = QueryTask(
        text,
        substitutions=substitutions,
        accept=accept,
        title=name,
        max_bytes=config.max_result_bytes,
        page_limit=page_limit,
    )
    return Plan(task, link)


def _exactly_one(snap: Any, value: str) -> str:
    found = resolver.matches(snap, value)
    if len(found) != 1:
        raise _NotHere(value)  # ambiguous or unknown: the request path lists the candidates
    return found[0]["id"]
