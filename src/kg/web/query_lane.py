"""A short way through for the commonest query request, ``GET /sparql?query=…``.

Measured in the running service (benchmarks/README.md, round 4), an ``ASK {}`` spent ≈ 0.5 ms
in Flask and the view around the query (request context, URL matching, argument parsing,
response object, ``after_request`` hooks) — as much as the round trip to the query worker. This
WSGI wrapper answers the plain case without Flask and hands everything else to Flask untouched:

* only a ``GET /sparql`` whose one parameter is ``query`` takes the lane (a dataset, ``format=``,
  ``timeout=``, a POST, a browser's page load … go to Flask as before);
* the same checks run in the same order (``kg.web.executor.answer``'s nesting, outbound and syntax
  checks); if any refuses, Flask handles the request from the start and reports it;
* the query runs through the same executor (admission gate, worker, time limit);
* only a successful, non-HTML answer is written here, with the headers Flask would add
  (``Vary: Accept``, ``nosniff`` and ``kg.web.security.cors_headers``). Any other outcome (an error
  status, ``Retry-After``, an HTML table) is attached to the request and Flask renders it
  exactly as if it had run the query itself, without running it a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from kg.store import guard
from kg.web import executor, security
from kg.web.http_common import Services

_STATUS = "200 OK"


class QueryLane:
    """WSGI middleware in front of the Flask app (``app.wsgi_app``)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], services: Services) -> None:
        self.app = app
        self.services = services

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (
            environ.get("REQUEST_METHOD") == "GET"
            and environ.get("PATH_INFO") == "/sparql"
            and executor.LANE_OUTCOME not in environ  # kg.web.direct_lane ran it already
        ):
            answered = self._answer(environ)
            if answered is not None:
                headers, body = answered
                start_response(_STATUS, headers)
                return [body]
        return self.app(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        """Headers and body of a plain success, or ``None`` to let Flask answer."""
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if len(pairs) != 1 or pairs[0][0] != "query" or not pairs[0][1].strip():
            return None
        query = pairs[0][1]
        svc = self.services
        config = svc.config
        runner = executor.executor_for(svc)
        try:
            guard.check_nesting(query)
            guard.check(query, config)
            if not runner.inline:
                guard.check_syntax(query, config)
        except (guard.TooComplex, guard.OutboundRefused, guard.Malformed):
            return None  # Flask refuses it, with its message
        accept = environ.get("HTTP_ACCEPT")
        task = executor.QueryTask(
            query, accept=accept, title="result", max_bytes=config.max_result_bytes
        )
        try:
            output = runner.run(task, config.query_timeout_s, client=environ.get("REMOTE_ADDR", ""))
        except Exception as err:  # noqa: BLE001 - Flask reports it (errorhandlers, statuses)
            environ[executor.LANE_OUTCOME] = (query, err)
            return None
        if output.content_type.split(";", 1)[0].strip().lower() == "text/html":
            environ[executor.LANE_OUTCOME] = (query, output)  # pages get Flask's security headers
            return None
        cors, vary_origin = security.cors_headers(
            "/sparql", "GET", environ.get("HTTP_ORIGIN"), config.cors_origins
        )
        headers = [
            ("Content-Type", output.content_type),
            ("Content-Length", str(len(output.body))),
            ("Vary", "Accept, Origin" if vary_origin else "Accept"),
            ("X-Content-Type-Options", "nosniff"),
            *cors,
        ]
        return headers, output.body
