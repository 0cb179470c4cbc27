"""What a query worker is sent to run (``QueryTask``): its own module, so that the modules that
build tasks — the request path, the direct lane's plan, a lingering worker binding a named
query (``kg.web.direct_named``) — need not import the worker process's module, which imports
them."""

from __future__ import annotations

from dataclasses import dataclass

from kg.store.base import Term


@dataclass(frozen=True)
class QueryTask:
    query: str
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    substitutions: dict[str, Term] | None = None
    accept: str | None = None
    format_param: str | None = None
    title: str = "result"
    max_bytes: int = 64 * 1024 * 1024
    #: A page of a SELECT asked with ``LIMIT page_limit+1``: keep ``page_limit`` rows, say if more.
    page_limit: int | None = None
