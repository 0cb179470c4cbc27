"""Which requests the direct lane may answer, and the task each becomes (``kg.web.direct_lane``).

Two kinds, both ``GET`` over HTTP/1.1 keep-alive, not asking for HTML:

* ``/sparql?query=…`` with nothing else in the query string — ``kg.web.query_lane``'s case;
* ``/queries/<name>?param=…`` without ``format``, ``timeout``, ``limit`` or ``offset``: the
  parameters are bound as ``kg.web.queries_http.run_query`` binds them and the first page is
  asked for as ``kg.web.executor.answer`` asks for it, so the worker runs the same text
  (``kg.web.direct_named``, shared with a worker lingering on the connection).

Anything the request path would treat specially gives ``None`` here and the request takes the
ordinary path, which produces its answer or its error message: a place name that is not one
exact match (300/404 with suggestions, computed by the request path), a parameter error, a
projection not built for the current store version (building it takes seconds: never in the
I/O thread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from kg.graph import resolver
from kg.store.named_queries import ParameterError
from kg.web import direct_named
from kg.web.direct_named import QUERIES
from kg.web.query_task import QueryTask


@dataclass(frozen=True)
class Plan:
    task: QueryTask
    #: The ``Link`` header to add when the page has rows after it (``QueryOutput.more``).
    link_if_more: str | None = None
    #: The worker may linger on the connection for its next query (``kg.web.direct_linger``).
    lingers: bool = False


_NotHere = direct_named.NotHere  # the request path must answer this one (its own message)


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
    if query is None:
        return None
    resolve = None
    if any(p.type == "place" for p in query.parameters):
        snap = services.extras["projection"].current_or_none()
        if snap is None:
            return None
        resolve = lambda value: _exactly_one(snap, value)  # noqa: E731
    found = direct_named.task_for(
        name,
        request.query,
        request.headers.get("HOST"),
        accept,
        services.queries,
        services.config.base_iri,
        request.url_scheme,
        services.config.max_result_bytes,
        resolve,
        store=services.store,
    )
    if found is None:
        return None
    task, link = found
    return Plan(task, link, lingers=True)


def _exactly_one(snap: Any, value: str) -> str:
    found = resolver.matches(snap, value)
    if len(found) != 1:
        raise _NotHere(value)  # ambiguous or unknown: the request path lists the candidates
    iri = found[0]["id"]
    direct_named.remember(snap, value, iri)  # for a worker lingering on a connection
    return iri
