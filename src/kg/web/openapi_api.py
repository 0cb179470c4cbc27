"""The ``/api/...`` endpoints in the OpenAPI description: **add or refine entries here** when an
endpoint is added (keys are OpenAPI paths, ``{name}`` for path parameters).
"""

from __future__ import annotations

from typing import Any

from kg.web.openapi_schema import (
    ERROR_JSON,
    FORMAT,
    PAGING,
    TEXT,
    error_response,
    json_object,
    media,
    param,
)


def _api_read(summary: str, params: list[dict[str, Any]], *, rows: bool = True) -> dict[str, Any]:
    content = media("rows") if rows else json_object()
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {"description": "Result", "content": content or json_object()},
                "300": error_response("Ambiguous place name: candidates", ERROR_JSON),
                "400": error_response("Bad parameter", ERROR_JSON),
                "404": error_response("Unknown place or domain: suggestions", ERROR_JSON),
                "406": error_response("No acceptable format", ERROR_JSON),
            },
        }
    }


_PLACE = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
_FILTERS = [
    param("kind", "Relation kind(s), comma-separated."),
    param("domain", "Co-operation domain."),
    param("level", "Administrative level."),
    param("since", "From year.", type="integer", minimum=-3000, maximum=3000),
    param("until", "Until year.", type="integer", minimum=-3000, maximum=3000),
    param("province", "Province name or IRI."),
    param(
        "include_undated",
        "With since/until: also keep relations without any date (otherwise counted in "
        "undated_left_out).",
        type="boolean",
    ),
]

#: The /api/... endpoints (traversal, export). Add an entry when an endpoint lands.
API_PATHS: dict[str, Any] = {
    "/api/resolve": _api_read("Resolve a place name", [param("q", "Name")], rows=False),
    "/api/places/{name}": _api_read("Details of a place", [_PLACE], rows=False),
    "/api/places/{name}/partners": _api_read(
        "Partners of a place",
        [
            _PLACE,
            *_FILTERS,
            param("include_subunits", "Include sub-units.", type="boolean"),
            param("depth", "Hops.", type="integer", minimum=1, maximum=4),
            *PAGING,
            FORMAT,
        ],
    ),
    "/api/places/{name}/neighbourhood": _api_read(
        "Neighbourhood subgraph (node-link JSON)",
        [_PLACE, *_FILTERS, param("depth", "Hops.", type="integer", minimum=1, maximum=4)],
        rows=False,
    ),
    "/api/path": _api_read(
        "Shortest co-operation paths",
        [
            param("from", "Place name or IRI.", required=True),
            param("to", "Place name or IRI.", required=True),
            param("max", "Paths.", type="integer", minimum=1, maximum=50),
            *_FILTERS,
            FORMAT,
        ],
    ),
    "/api/metrics": _api_read(
        "Centrality metrics per place",
        [
            param("province", "Province name or IRI."),
            param("type", "Place type."),
            param("top", "First N.", type="integer", minimum=1, maximum=100000),
            *PAGING,
            FORMAT,
        ],
    ),
    "/api/graph": _api_read("Projection summary", [], rows=False),
    "/api/export": {
        "get": {
            "summary": "The co-operation network (or a place's neighbourhood) as a file",
            "parameters": [
                param("place", "Centre place name or IRI (default: the whole network)."),
                param("depth", "Hops around place.", type="integer", minimum=1, maximum=4),
                *_FILTERS,
                param("format", "graphml, gexf, d3 JSON, csv, svg, png, html, …"),
            ],
            "responses": {
                "200": {"description": "The network", "content": media("network")},
                "300": error_response("Ambiguous place name: candidates", ERROR_JSON),
                "400": error_response("Bad parameter", ERROR_JSON),
                "404": error_response("Unknown place or domain: suggestions", ERROR_JSON),
                "406": error_response("No acceptable format", ERROR_JSON),
                "413": error_response(
                    "Too large to draw in this format (svg, png, html)", ERROR_JSON
                ),
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
            "400": error_response("Empty, oversized or malformed article or metadata", ERROR_JSON),
            "413": error_response("Request body too large", ERROR_JSON),
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
            "400": error_response("Malformed candidates", ERROR_JSON),
            "401": error_response("No write token", ERROR_JSON),
            "403": error_response("Wrong token, or writes are off", ERROR_JSON),
            "422": error_response("Facts not valid (problems) or SHACL violations", ERROR_JSON),
        },
    }
}
