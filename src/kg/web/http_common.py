"""Pieces every HTTP module shares: the per-app services, errors, and result responses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, jsonify, request, stream_with_context

from kg import formats
from kg.config import Config
from kg.store.base import GraphStore
from kg.store.named_queries import NamedQuery
from kg.store.void import Describer


@dataclass
class Services:
    """Everything a request handler needs, owned by one app (``app.extensions['kg']``)."""

    config: Config
    store: GraphStore
    describer: Describer
    queries: dict[str, NamedQuery] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


def services() -> Services:
    return current_app.extensions["kg"]


def current_snapshot() -> Any:
    """The projection snapshot for this store version (rebuilt only after a write)."""
    return services().extras["projection"].snapshot()


class ApiError(Exception):
    """An error with an HTTP status and a message meant for the client."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.details = status, message, details
        #: Extra response headers (e.g. ``Retry-After`` on a 503 or 429).
        self.headers: dict[str, str] = {}


def error_response(status: int, message: str, **details: Any) -> Response:
    """JSON for API clients, plain text for SPARQL clients (what their libraries print)."""
    path = request.path if request else ""
    if path.startswith(("/api", "/queries")) or details:
        response = jsonify({"error": message, "status": status, **details})
    else:
        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = status
    if status == 406:  # the answer depended on Accept: caches must key on it (RFC 9110 §12.5.5)
        response.headers["Vary"] = "Accept"
    return response


def render_result(
    result: Any,
    *,
    format_param: str | None = None,
    filename: str = "result",
    kind: str | None = None,
) -> Response:
    """Negotiate the format for this result's kind and stream it."""
    kind = kind or formats.result_kind(result)
    try:
        formats.check_format_name(format_param, [kind])
        fmt = formats.negotiate(kind, request.headers.get("Accept"), format_param)
    except formats.NotAcceptable as err:
        raise ApiError(err.status, str(err)) from None
    ctx = formats.RenderContext(prefixes=services().config.prefixes(), title=filename)
    body: Iterable[bytes] = fmt.render(result, ctx)
    response = Response(stream_with_context(body), content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if format_param:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}.{fmt.extension}"'
    return response


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """An integer query parameter in range; absent means ``default``, present-but-empty is 400."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, got {value}")
    return value
