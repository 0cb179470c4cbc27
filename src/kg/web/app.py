"""The Flask application factory: wires one store into the HTTP modules; holds no globals."""

from __future__ import annotations

import threading

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from kg.config import Config
from kg.graph import projection_store
from kg.graph.projection import Projection
from kg.store.backends import open_store
from kg.store.base import GraphStore, StoreUnavailable
from kg.store.named_queries import load_named_queries
from kg.store.void import Describer
from kg.web.http_common import ApiError, Services, error_response


def create_app(config: Config | None = None, store: GraphStore | None = None) -> Flask:
    """Build an app around ``store`` (opened from ``config`` when not given)."""
    config = config or Config.from_env()
    store = store or open_store(config)
    app = Flask(__name__, static_folder="../static")  # shared with the HTML export
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    projection = Projection(store)
    projection_store.restore(projection, store)  # the snapshot a clean shutdown saved, if current
    app.extensions["kg"] = Services(
        config=config,
        store=store,
        describer=Describer(store),
        queries=load_named_queries(config.queries_dir),
        extras={"projection": projection},
    )

    from kg.web import linked_data, queries_http, sparql_http, traversal_http

    app.register_blueprint(sparql_http.blueprint)
    app.register_blueprint(queries_http.blueprint)
    app.register_blueprint(traversal_http.blueprint)

    # Writes (/update, /store), /openapi.json, CORS + security headers, query worker processes.
    from kg.web import executor, openapi, security, writes_http

    app.register_blueprint(writes_http.blueprint)
    app.register_blueprint(openapi.blueprint)
    security.install(app, config)
    from kg.web.query_lane import QueryLane  # plain GET /sparql answered without Flask's overhead

    app.wsgi_app = QueryLane(app.wsgi_app, app.extensions["kg"])  # type: ignore[method-assign]
    app.register_blueprint(linked_data.blueprint)

    from kg.web import export_http

    app.register_blueprint(export_http.blueprint)
    app.jinja_env.globals.setdefault("extra_nav", []).extend(export_http.nav_links())

    from kg.web import ingest_http  # /api/ingest, /api/ingest/accept, the /ingest review page

    app.register_blueprint(ingest_http.blueprint)
    app.jinja_env.globals["extra_nav"].append(("ingest.page", "导入 Ingest"))

    # The front door: home page, SPARQL editor, named-query forms; ontology terms as words.
    from kg.web import home, terms

    app.register_blueprint(home.blueprint)
    terms.install(app)

    # Last, once the app is ready: the query worker processes (they start while the service
    # already answers traversals; a query arriving first waits for them) and the writer's
    # preparation, so neither competes for the CPU with the rest of the start-up (each worker
    # imports for about a second; the machines measured have two cores).
    executor.executor_for(app.extensions["kg"])
    if config.write_token:  # the first write should not wait for the writer's preparation
        threading.Thread(
            target=writes_http.warm_up, args=(app.extensions["kg"],), daemon=True
        ).start()

    @app.errorhandler(ApiError)
    def api_error(err: ApiError) -> Response:
        response = error_response(err.status, err.message, **err.details)
        response.headers.update(err.headers)
        return response

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(err: StoreUnavailable) -> Response:  # remote engine down/slow: 502/504
        return error_response(err.status, str(err))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        messages = {
            413: f"request body too large (limit {config.max_body_bytes} bytes)",
            404: "not found",
        }
        message = messages.get(err.code or 0, err.description or "")
        response = error_response(err.code or 500, message)
        for name, value in err.get_headers():  # e.g. Allow on 405 (RFC 9110)
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    return app
