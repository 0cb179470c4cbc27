"""Browser-facing protections: CORS for the read endpoints, security headers on HTML pages.

CORS (``KG_CORS_ORIGINS``, comma-separated origins, default ``*``) applies only to the read
endpoints — ``/sparql``, ``/queries``, ``/api/*``, ``/.well-known/void``, ``/openapi.json`` —
and never to ``/update``, ``/store`` or anything else, so a web page can query the graph from
any origin but can never make a visitor's browser write to it. A small ``after_request`` hook is
enough here; flask-cors would add a dependency for the same dozen lines.
"""

from __future__ import annotations

from flask import Flask, Response, request

from kg.config import Config

READ_PREFIXES = ("/sparql", "/queries", "/api/", "/.well-known/void", "/openapi.json")
WRITE_PREFIXES = ("/update", "/store", "/admin")

#: No external origins: scripts, styles and data come from this service only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def is_read_path(path: str) -> bool:
    if path.startswith(WRITE_PREFIXES):
        return False
    return path in ("/sparql", "/queries") or path.startswith(READ_PREFIXES)


def cors_headers(
    path: str, method: str, origin: str | None, origins: tuple[str, ...] | list[str]
) -> tuple[list[tuple[str, str]], bool]:
    """The CORS headers of a response to ``method path`` asked from ``origin``, and whether the
    answer depends on the Origin header (then ``Vary: Origin``). Shared by the ``after_request``
    hook and ``kg.web.query_lane``, which answers plain queries without Flask."""
    if not origins or not is_read_path(path):
        return [], False
    headers: list[tuple[str, str]] = []
    vary = False
    if "*" in origins:
        headers.append(("Access-Control-Allow-Origin", "*"))
    elif origin and origin in origins:
        headers.append(("Access-Control-Allow-Origin", origin))
        vary = True
    if method == "OPTIONS":
        headers.append(("Access-Control-Allow-Methods", "GET, POST, OPTIONS"))
        headers.append(("Access-Control-Allow-Headers", "Accept, Content-Type"))
        headers.append(("Access-Control-Max-Age", "600"))
    headers.append(("Access-Control-Expose-Headers", "Content-Disposition"))
    return headers, vary


def install(app: Flask, config: Config) -> None:
    origins = config.cors_origins

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Frame-Options", "DENY")
        cors, vary = cors_headers(
            request.path, request.method, request.headers.get("Origin"), origins
        )
        for name, value in cors:
            response.headers[name] = value
        if vary:
            response.vary.add("Origin")
        return response
