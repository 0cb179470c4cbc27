"""Browser-facing protections: CORS for the read endpoints, security headers on HTML pages.

CORS (``KG_CORS_ORIGINS``, comma-separated origins, default ``*``) applies only to the read
endpoints — ``/sparql``, ``/queries``, ``/api/*``, ``/.well-known/void``, ``/openapi.json`` —
and never to ``/update``, ``/store`` or anything else, so a web page can query the graph from
any origin but can never make a visitor's browser write to it. A small ``after_request`` hook is
enough here; flask-cors would add a dependency for the same dozen lines.
"""

from __future__ import annotations

from flask import Flask, Response, request

from .config import Config

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


def install(app: Flask, config: Config) -> None:
    origins = config.cors_origins

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault("X-Frame-Options", "DENY")
        if origins and is_read_path(request.path):
            origin = request.headers.get("Origin")
            if "*" in origins:
                response.headers["Access-Control-Allow-Origin"] = "*"
            elif origin and origin in origins:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.vary.add("Origin")
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
                response.headers["Access-Control-Max-Age"] = "600"
            response.headers["Access-Control-Expose-Headers"] = "Content-Disposition"
        return response
