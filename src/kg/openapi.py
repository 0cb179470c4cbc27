"""``/openapi.json``: an OpenAPI 3 description of the HTTP API, built from the live app.

Media types of results come from the ``kg.formats`` registry, so a new format shows up here by
itself. Endpoints are described in three places:

* ``core_paths()`` — SPARQL protocol, named queries, writes, VoID (this module);
* ``API_PATHS`` — the ``/api/...`` traversal and export endpoints: **add or refine entries
  there** when an endpoint is added (keys are OpenAPI paths, ``{name}`` for path parameters);
* anything else the app routes that is in neither gets a generic entry from its URL rule, so
  the document never silently omits an endpoint.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify

from . import formats, paging

blueprint = Blueprint("openapi", __name__)

TEXT = {"text/plain": {"schema": {"type": "string"}}}
ERROR_JSON = {
    "application/json": {
        "schema": {
            "type": "object",
            "required": ["error", "status"],
            "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
        }
    }
}
ANY_ERROR = {**TEXT, **ERROR_JSON}


def _err(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": content or ANY_ERROR}


def _media(*kinds: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in kinds:
        for fmt in formats.formats_for(kind):
            out.setdefault(fmt.media_type, {"schema": {}})
    return out


def _q(name: str, description: str, *, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


#: kg.paging: a page of rows; the response's ``Link: <…>; rel="next"`` names the next one.
PAGING = [
    _q(
        "limit",
        f"Rows per page (default {paging.DEFAULT_PAGE}); Link rel=next names the next page.",
        type="integer",
        minimum=1,
        maximum=paging.MAX_PAGE,
    ),
    _q("offset", "Rows skipped before this page.", type="integer", minimum=0),
]


TIMEOUT = _q(
    "timeout",
    "Stop the query after this many seconds (capped by the server's limit).",
    type="number",
    minimum=0.5,
)
FORMAT = _q("format", "Result format by name (json, csv, turtle, …); overrides Accept.")
DATASET = [
    {**_q("default-graph-uri", "Graph(s) forming the default graph."), "explode": True},
    {**_q("named-graph-uri", "Graph(s) available to GRAPH."), "explode": True},
]
for _p in DATASET:
    _p["schema"] = {"type": "array", "items": {"type": "string"}}
    _p["style"] = "form"

QUERY_ERRORS = {
    "400": _err("Malformed query, bad parameter, or SERVICE to a target not allowed"),
    "406": _err("No acceptable result format"),
    "413": _err("Result or request body larger than the limit"),
    "503": _err("Query stopped at the time limit, or all query workers busy"),
}
WRITE_AUTH = {
    "401": _err("No `Authorization: Bearer` credentials"),
    "403": _err("Writes are disabled, or the token is wrong"),
}
VIOLATIONS = {
    "422": {
        "description": "The write would break SHACL shapes; nothing was changed",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error", "violations"],
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "violations": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "focus": {"type": "string"},
                                    "focus_label": {"type": ["string", "null"]},
                                    "path": {"type": ["string", "null"]},
                                    "message": {"type": "string"},
                                    "severity": {"type": "string"},
                                },
                            },
                        },
                    },
                }
            }
        },
    }
}
GRAPH_TARGET = [
    _q("graph", "IRI of the named graph (absolute).", format="uri"),
    {
        "name": "default",
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": "Present (no value) to address the store's default graph.",
        "schema": {"type": "string", "maxLength": 0},
    },
]
RDF_BODY = {
    "required": True,
    "content": {
        **{
            media: {"schema": {"type": "string"}}
            for media in ("text/turtle", "application/n-triples", "application/rdf+xml")
        },
        # JSON-LD 1.1 §9: a document is a JSON object or an array.
        "application/ld+json": {"schema": {"oneOf": [{"type": "object"}, {"type": "array"}]}},
    },
}


def core_paths() -> dict[str, Any]:
    results = {
        "200": {"description": "Query results", "content": _media("solutions", "boolean", "graph")}
    }
    sparql_get = {
        "summary": "SPARQL 1.1 query (or, without query, the service description)",
        "parameters": [
            _q("query", "The SPARQL query; omit to get the service description."),
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
        "responses": {**results, **QUERY_ERRORS, "415": _err("Unsupported request body type")},
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
            "404": _err("No such named query", ERROR_JSON),
            "500": _err("The named query itself is broken", ERROR_JSON),
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
            "400": _err("Malformed update, or LOAD/SERVICE to a target not allowed"),
            **WRITE_AUTH,
            "413": _err("Request body too large"),
            "415": _err("Unsupported request body type"),
            **VIOLATIONS,
        },
    }
    target_errors = {
        "400": _err("No or bad graph target, unreadable RDF, or a computed graph"),
        **WRITE_AUTH,
    }
    store = {
        "get": {
            "summary": "Graph Store Protocol: read a graph",
            "security": [{"bearer": []}],
            "parameters": [*GRAPH_TARGET, FORMAT],
            "responses": {
                "200": {"description": "The graph", "content": _media("graph")},
                **target_errors,
                "404": _err("No such graph"),
                "406": _err("No acceptable format"),
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
                "413": _err("Request body too large"),
                "415": _err("Unsupported body type"),
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
            "404": _err("No such graph"),
            **VIOLATIONS,
        },
    }
    return {
        "/sparql": {"get": sparql_get, "post": sparql_post},
        "/queries": {
            "get": {
                "summary": "Catalogue of named queries",
                "responses": {"200": {"description": "Catalogue", "content": _json_object()}},
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
                    "200": {"description": "VoID", "content": _media("graph")},
                    "400": _err("Unknown format= value"),
                    "406": _err("No acceptable format"),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3", "content": _json_object()}},
            }
        },
    }


def _json_object() -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object"}}}


def _api_read(summary: str, params: list[dict[str, Any]], *, rows: bool = True) -> dict[str, Any]:
    content = _media("rows") if rows else _json_object()
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "Result", "content": content or _json_object()},
                "300": _err("Ambiguous place name: candidates", ERROR_JSON),
                "400": _err("Bad parameter", ERROR_JSON),
                "404": _err("Unknown place or domain: suggestions", ERROR_JSON),
                "406": _err("No acceptable format", ERROR_JSON),
            },
        }
    }


_PLACE = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
_FILTERS = [
    _q("kind", "Relation kind(s), comma-separated."),
    _q("domain", "Co-operation domain."),
    _q("level", "Administrative level."),
    _q("since", "From year.", type="integer", minimum=-3000, maximum=3000),
    _q("until", "Until year.", type="integer", minimum=-3000, maximum=3000),
    _q("province", "Province name or IRI."),
    _q(
        "include_undated",
        "With since/until: also keep relations without any date (otherwise counted in "
        "undated_left_out).",
        type="boolean",
    ),
]

#: The /api/... endpoints (traversal, export). Add an entry when an endpoint lands.
API_PATHS: dict[str, Any] = {
    "/api/resolve": _api_read("Resolve a place name", [_q("q", "Name")], rows=False),
    "/api/places/{name}": _api_read("Details of a place", [_PLACE], rows=False),
    "/api/places/{name}/partners": _api_read(
        "Partners of a place",
        [
            _PLACE,
            *_FILTERS,
            _q("include_subunits", "Include sub-units.", type="boolean"),
            _q("depth", "Hops.", type="integer", minimum=1, maximum=4),
            *PAGING,
            FORMAT,
        ],
    ),
    "/api/places/{name}/neighbourhood": _api_read(
        "Neighbourhood subgraph (node-link JSON)",
        [_PLACE, *_FILTERS, _q("depth", "Hops.", type="integer", minimum=1, maximum=4)],
        rows=False,
    ),
    "/api/path": _api_read(
        "Shortest co-operation paths",
        [
            _q("from", "Place name or IRI.", required=True),
            _q("to", "Place name or IRI.", required=True),
            _q("max", "Paths.", type="integer", minimum=1, maximum=50),
            *_FILTERS,
            FORMAT,
        ],
    ),
    "/api/metrics": _api_read(
        "Centrality metrics per place",
        [
            _q("province", "Province name or IRI."),
            _q("type", "Place type."),
            _q("top", "First N.", type="integer", minimum=1, maximum=100000),
            *PAGING,
            FORMAT,
        ],
    ),
    "/api/graph": _api_read("Projection summary", [], rows=False),
    "/api/export": {
        "get": {
            "summary": "The co-operation network (or a place's neighbourhood) as a file",
            "parameters": [
                _q("place", "Centre place name or IRI (default: the whole network)."),
                _q("depth", "Hops around place.", type="integer", minimum=1, maximum=4),
                *_FILTERS,
                _q("format", "graphml, gexf, d3 JSON, csv, svg, png, html, …"),
            ],
            "responses": {
                "200": {"description": "The network", "content": _media("network")},
                "300": _err("Ambiguous place name: candidates", ERROR_JSON),
                "400": _err("Bad parameter", ERROR_JSON),
                "404": _err("Unknown place or domain: suggestions", ERROR_JSON),
                "406": _err("No acceptable format", ERROR_JSON),
                "413": _err("Too large to draw in this format (svg, png, html)", ERROR_JSON),
            },
        }
    },
}

_ARTICLE = {
    "type": "object",
    "required": ["text"],
    "properties": {
        "text": {"type": "string", "description": "The article (simplified or traditional)."},
        "title": {"type": "string"},
        "date": {"type": "string", "description": "YYYY, YYYY-MM or YYYY-MM-DD"},
        "url": {"type": "string"},
        "publisher": {"type": "string"},
        "place": {"type": "string", "description": "The article's own city (我市)."},
    },
}
API_PATHS["/api/ingest"] = {
    "post": {
        "summary": "Candidate co-operation facts of an article (writes nothing)",
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ARTICLE}, **TEXT},
        },
        "responses": {
            "200": {
                "description": "candidates, places, unresolved names, the article's home place",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            "400": _err("Empty, oversized or malformed article or metadata", ERROR_JSON),
            "413": _err("Request body too large", ERROR_JSON),
        },
    }
}
API_PATHS["/api/ingest/accept"] = {
    "post": {
        "summary": "Write reviewed candidates into the article's own named graph",
        "security": [{"bearer": []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        **_ARTICLE,
                        "required": ["text", "candidates"],
                        "properties": {
                            **_ARTICLE["properties"],
                            "candidates": {"type": "array", "items": {"type": "object"}},
                        },
                    }
                }
            },
        },
        "responses": {
            "200": {"description": "The article's graph was replaced"},
            "201": {"description": "The article's graph was created"},
            "400": _err("Malformed candidates", ERROR_JSON),
            "401": _err("No write token", ERROR_JSON),
            "403": _err("Wrong token, or writes are off", ERROR_JSON),
            "422": _err("Facts not valid (problems) or SHACL violations", ERROR_JSON),
        },
    }
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
            "version": "0.1.0",
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
