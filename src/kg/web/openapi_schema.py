"""The pieces the OpenAPI description is assembled from: error responses, media types by
result kind (from the ``kg.formats`` registry), and the parameters several endpoints share.
"""

from __future__ import annotations

from typing import Any

from kg import formats
from kg.web import paging

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


def error_response(description: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "content": content or ANY_ERROR}


def media(*kinds: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in kinds:
        for fmt in formats.formats_for(kind):
            out.setdefault(fmt.media_type, {"schema": {}})
    return out


def param(name: str, description: str, *, required: bool = False, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


#: kg.web.paging: a page of rows; the response's ``Link: <…>; rel="next"`` names the next one.
PAGING = [
    param(
        "limit",
        f"Rows per page (default {paging.DEFAULT_PAGE}); Link rel=next names the next page.",
        type="integer",
        minimum=1,
        maximum=paging.MAX_PAGE,
    ),
    param("offset", "Rows skipped before this page.", type="integer", minimum=0),
]


TIMEOUT = param(
    "timeout",
    "Stop the query after this many seconds (capped by the server's limit).",
    type="number",
    minimum=0.5,
)
FORMAT = param("format", "Result format by name (json, csv, turtle, …); overrides Accept.")
DATASET = [
    {**param("default-graph-uri", "Graph(s) forming the default graph."), "explode": True},
    {**param("named-graph-uri", "Graph(s) available to GRAPH."), "explode": True},
]
for _p in DATASET:
    _p["schema"] = {"type": "array", "items": {"type": "string"}}
    _p["style"] = "form"

QUERY_ERRORS = {
    "400": error_response("Malformed query, bad parameter, or SERVICE to a target not allowed"),
    "406": error_response("No acceptable result format"),
    "413": error_response("Result or request body larger than the limit"),
    "503": error_response("Query stopped at the time limit, or all query workers busy"),
}
WRITE_AUTH = {
    "401": error_response("No `Authorization: Bearer` credentials"),
    "403": error_response("Writes are disabled, or the token is wrong"),
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
    param("graph", "IRI of the named graph (absolute).", format="uri"),
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


def json_object() -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object"}}}
