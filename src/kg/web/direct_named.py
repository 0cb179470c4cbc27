"""Binding a ``/queries/<name>`` request to the task a query worker runs, the same way on both
sides of the direct answer: in the service (``kg.web.direct_plan``, the connection's first
request) and in a worker lingering on the connection (``kg.web.direct_linger``).

Answering named queries on the kept connection saves each one the I/O thread's wake-up,
waitress's parsing and the hand-over to a worker (issue 19: the named queries that missed
``1.2 × Oxigraph server + 0.5 ms`` at the bundled scale missed by about that much). The worker
must then bind parameters exactly as the request path does, with what it can be given:

* the named queries themselves (``NamedContext.queries``: the service's, not the folder read
  again, which may have changed since the service started);
* place names: resolving them needs the projection (networkx, the gazetteer), which a worker
  neither has nor should build. The service gives it instead the place names *it* resolved to
  exactly one place for the current projection (``remember``: memoised on the projection
  snapshot, so a new store version starts afresh). A name not in that table is not guessed:
  the request goes to the ordinary path, which resolves it (or answers 300/404 with its
  candidates) and adds it to the table for the connection's next dispatch.

Everything the request path would treat specially (reserved parameters, an unknown query, a
parameter error, a missing ``Host`` for the ``Link`` header) gives ``None``: the ordinary path
answers it with its own message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from kg.store import sparql_text
from kg.store.named_queries import RESERVED, NamedQuery, ParameterError
from kg.web import paging
from kg.web.query_task import QueryTask

QUERIES = "/queries/"
#: The projection snapshot's cache key of the exactly-resolved place names (``remember``).
_PLACES = "direct-named-places"
#: At most this many names per projection version are handed to workers (a client asking for
#: random names must not make every dispatch carry a growing table).
MAX_PLACES = 2048


class NotHere(Exception):
    """The request path must bind this request (it has the message, or the projection)."""


@dataclass(frozen=True)
class NamedContext:
    """What a lingering worker needs to bind named queries as the service does; sent along
    with a direct task only when it changed since the worker last got one (``key``)."""

    key: tuple[Any, ...]
    queries: Mapping[str, NamedQuery]
    #: Place parameter values (stripped, as ``Parameter.to_term`` passes them) → the one IRI
    #: the service's resolver found for each, for the projection of the task's store version.
    places: Mapping[str, str]
    base_iri: str
    url_scheme: str
    max_bytes: int
    #: The service's store is the embedded one: its queries' ``# binding:`` strategies apply
    #: (``NamedQuery.prepare``); otherwise the worker binds nothing itself.
    embedded: bool


def remember(snap: Any, value: str, iri: str) -> None:
    """Note that the resolver found exactly ``iri`` for ``value`` on the projection ``snap``."""
    places = snap.cached(_PLACES, dict)
    if value not in places and len(places) < MAX_PLACES:
        places[value] = iri


def context(
    snap: Any,
    queries: Mapping[str, NamedQuery],
    config: Any,
    url_scheme: str,
    embedded: bool,
    known: tuple[Any, ...] | None = None,
) -> NamedContext | None:
    """The context for a worker, with the names resolved on ``snap`` (``None``: the projection
    of the current store version is not built yet; then place parameters fall back); ``None``
    when its key is ``known`` (the worker has it: the table is not copied, in the I/O thread,
    for nothing)."""
    places = snap.cached(_PLACES, dict) if snap is not None else {}
    key = (id(snap), getattr(snap, "version", None), len(places), id(queries), url_scheme)
    if key == known:
        return None
    return NamedContext(
        key, queries, dict(places), config.base_iri, url_scheme, config.max_result_bytes, embedded
    )


def task_for(
    name: str,
    query_string: str,
    host: str | None,
    accept: str | None,
    queries: Mapping[str, NamedQuery],
    base_iri: str,
    url_scheme: str,
    max_bytes: int,
    resolve: Callable[[str], str] | None,
    store: object = None,
) -> tuple[QueryTask, str | None] | None:
    """The task ``GET /queries/<name>?<query_string>`` runs on the request path's first page
    (``kg.web.queries_http.run_query`` → ``kg.web.executor.answer``) and the ``Link`` header
    to add when that page has rows after it; ``None`` when the request path must answer.

    ``resolve``: place name → IRI, raising ``NotHere`` when it cannot say (called only for
    queries with a place parameter). Raises ``NotHere``/``ParameterError`` too."""
    query = queries.get(name)
    if query is None or not host:
        return None
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if any(key in RESERVED for key, _ in pairs):
        return None
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)  # Flask's request.args.get: the first value
    has_place = any(p.type == "place" for p in query.parameters)
    bindings = query.bindings(params, base_iri, resolve if has_place else None)
    text, substitutions = query.prepare(bindings, store=store)
    page = paging.Page(paging.DEFAULT_PAGE, 0)
    paged = sparql_text.with_page(text, page.limit + 1, page.offset)
    link = None
    page_limit = None
    if paged is not None:
        text, page_limit = paged, page.limit
        base = quote(
            f"{url_scheme}://{host}{QUERIES}{name}", safe=":/@!$&'()*+,;=%"
        )  # as paging.link_header writes it
        link = f"<{base}?{urlencode([*pairs, ('limit', page.limit), ('offset', page.limit)])}>"
        link += '; rel="next"'
    task = QueryTask(
        text,
        substitutions=substitutions,
        accept=accept,
        title=name,
        max_bytes=max_bytes,
        page_limit=page_limit,
    )
    return task, link


def in_worker(
    named: NamedContext, name: str, query_string: str, host: str | None, accept: str | None
) -> tuple[QueryTask, str | None] | None:
    """``task_for`` in a lingering worker: place names only from ``named.places``."""
    if not named.embedded:
        return None

    def resolve(value: str) -> str:
        iri = named.places.get(value)
        if iri is None:
            raise NotHere(value)
        return iri

    try:
        return task_for(
            name,
            query_string,
            host,
            accept,
            named.queries,
            named.base_iri,
            named.url_scheme,
            named.max_bytes,
            resolve,
        )
    except (NotHere, ParameterError):
        return None
    except Exception:  # noqa: BLE001 - whatever it is, the request path reports it
        return None
