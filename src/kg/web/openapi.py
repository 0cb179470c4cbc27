"""``/openapi.json``: an OpenAPI 3 description of the HTTP API, built from the live app.

Media types of results come from the ``kg.formats`` registry, so a new format shows up here by
itself. Endpoints are described in three places:

* ``core_paths()`` — SPARQL protocol, named queries, writes, VoID (this module);
* ``API_PATHS`` (``kg.web.openapi_api``) — the ``/api/...`` traversal and export endpoints: **add
  or refine entries there** when an endpoint is added (keys are OpenAPI paths, ``{name}`` for
  path parameters);
* anything else the app routes that is in neither gets a generic entry from its URL rule, so
  the document never silently omits an endpoint.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from kg import __version__
from kg.web.openapi_api import API_PATHS
from kg.web.openapi_schema import (
    DATASET,
    ERROR_JSON,
    FORMAT,
    GRAPH_TARGET,
    PAGING,
    QUERY_ERRORS,
    RDF_BODY,
    TIMEOUT,
    VIOLATIONS,
    WRITE_AUTH,
    error_response,
    json_object,
    media,
    param,
)

blueprint = Blueprint("openapi", __name__)


def core_paths() -> dict[str, Any]:
    results = {
        "200": {"description": "Query results", "content": media("solutions", "boolean", "graph")}
    }
    sparql_get = {
        "summary": "SPARQL 1.1 query (or, without query, the service description)",
        "parameters": [
            param("query", "The SPARQL query; omit to get the service description."),
            *DATASET,
            FORMAT,
            TIMEOUT,
        ],
        "responses": {**results, **QUERY_ERRORS},
    }
    query_form = {
        "type": "object",
        "required": ["query"],
        "properties": {
            "query": {"type": "string"},
            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            "format": {"type": "string"},
            "timeout": {"type": "number", "minimum": 0.5},
        },
    }
    sparql_post = {
        "summary": "SPARQL 1.1 query by POST (URL-encoded form or direct body)",
        "parameters": [*DATASET, TIMEOUT],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": query_form},
                "application/sparql-query": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            **results,
            **QUERY_ERRORS,
            "415": error_response("Unsupported request body type"),
        },
    }
    named = {
        "summary": "Run a named query; its declared parameters are query parameters",
        "parameters": [
            {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
            FORMAT,
            TIMEOUT,
            *PAGING,
        ],
        "responses": {
            **results,
            **QUERY_ERRORS,
            "404": error_response("No such named query", ERROR_JSON),
            "500": error_response("The named query itself is broken", ERROR_JSON),
        },
    }
    update = {
        "summary": "SPARQL 1.1 Update (needs the write token)",
        "security": [{"bearer": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["update"],
                        "properties": {"update": {"type": "string"}},
                    }
                },
                "application/sparql-update": {"schema": {"type": "string"}},
            },
        },
        "responses": {
            "204": {"description": "Committed (validated, inferences recomputed)"},
            "400": error_response("Malformed update, or LOAD/SERVICE to a target not allowed"),
            **WRITE_AUTH,
            "413": error_response("Request body too large"),
            "415": error_response("Unsupported request body type"),
            **VIOLATIONS,
        },
    }
    target_errors = {
        "400": error_response("No or bad graph target, unreadable RDF, or a computed graph"),
        **WRITE_AUTH,
    }
    store = {
        "get": {
            "summary": "Graph Store Protocol: read a graph",
            "security": [{"bearer": []}],
            "parameters": [*GRAPH_TARGET, FORMAT],
            "responses": {
                "200": {"description": "The graph", "content": media("graph")},
                **target_errors,
                "404": error_response("No such graph"),
                "406": error_response("No acceptable format"),
            },
        },
        "head": {
            "summary": "Graph Store Protocol: does the graph exist",
            "security": [{"bearer": []}],
            "parameters": [*GRAPH_TARGET, FORMAT],
            "responses": {
                "200": {"description": "It exists"},
                **{k: {"description": v["description"]} for k, v in target_errors.items()},
                "404": {"description": "No such graph"},
                "406": {"description": "No acceptable format"},
            },
        },
    }
    for method, summary in (("put", "replace"), ("post", "merge into")):
        store[method] = {
            "summary": f"Graph Store Protocol: {summary} a graph (validated)",
            "security": [{"bearer": []}],
            "parameters": GRAPH_TARGET,
            "requestBody": RDF_BODY,
            "responses": {
                "201": {"description": "Created"},
                "204": {"description": "Committed"},
                **target_errors,
                "413": error_response("Request body too large"),
                "415": error_response("Unsupported body type"),
                **VIOLATIONS,
            },
        }
    store["delete"] = {
        "summary": "Graph Store Protocol: delete a graph (validated)",
        "security": [{"bearer": []}],
        "parameters": GRAPH_TARGET,
        "responses": {
            "204": {"description": "Deleted"},
            **target_errors,
            "404": error_response("No such graph"),
            **VIOLATIONS,
        },
    }
    return {
        "/sparql": {"get": sparql_get, "post": sparql_post},
        "/queries": {
            "get": {
                "summary": "Catalogue of named queries",
                "responses": {"200": {"description": "Catalogue", "content": json_object()}},
            }
        },
        "/queries/{name}": {"get": named},
        "/update": {"post": update},
        "/store": store,
        "/.well-known/void": {
            "get": {
                "summary": "VoID description of the dataset",
                "parameters": [FORMAT],
                "responses": {
                    "200": {"description": "VoID", "content": media("graph")},
                    "400": error_response("Unknown format= value"),
                    "406": error_response("No acceptable format"),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3", "content": json_object()}},
            }
        },
    }


_SKIP = {"static", "openapi.spec"}


def _openapi_path(rule: str) -> tuple[str, list[str]]:
    names: list[str] = []

    def repl(m: re.Match[str]) -> str:
        names.append(m.group(1))
        return "{" + m.group(1) + "}"

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", repl, rule), names


def build_spec(app: Flask) -> dict[str, Any]:
    paths = {**core_paths(), **API_PATHS}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in _SKIP or rule.endpoint.startswith("static"):
            continue
        path, names = _openapi_path(rule.rule)
        if path in paths or path == "/":
            continue
        methods = sorted(m.lower() for m in (rule.methods or ()) if m not in ("HEAD", "OPTIONS"))
        paths[path] = {
            method: {
                "summary": f"{rule.endpoint} (not yet described in detail)",
                "parameters": [
                    {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                    for n in names
                ],
                "responses": {"default": {"description": "See the endpoint's documentation"}},
            }
            for method in methods
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Yangtze Delta co-operation knowledge graph",
            "version": __version__,
            "description": (
                "SPARQL 1.1 Protocol and Update, Graph Store Protocol, named queries and graph "
                "traversal. Writes need `Authorization: Bearer <token>` and are off unless the "
                "operator sets KG_WRITE_TOKEN."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": dict(sorted(paths.items())),
    }


@blueprint.route("/openapi.json")
def spec() -> Any:
    return jsonify(build_spec(current_app))
