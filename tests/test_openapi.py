"""``/openapi.json`` describes the live service: schemathesis fuzzes every documented operation
(bounded) against a real ``kg serve`` and checks no 5xx and responses that match the schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from conftest import Server
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from tiny_data import AUTH, serve_tiny


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = serve_tiny(tmp_path_factory.mktemp("openapi"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_schema(srv: Server):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_url(srv.url + "/openapi.json")
    schema.config.base_url = srv.url  # type: ignore[attr-defined]
    return schema


def test_document_is_openapi_3_and_covers_the_api(srv: Server) -> None:
    spec = requests.get(srv.url + "/openapi.json", timeout=30).json()
    assert spec["openapi"].startswith("3.")
    for path in ("/sparql", "/queries", "/queries/{name}", "/update", "/store"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/store"]) >= {"get", "put", "post", "delete", "head"}
    media = spec["paths"]["/sparql"]["get"]["responses"]["200"]["content"]
    assert "application/sparql-results+json" in media and "text/turtle" in media
    # every route the app serves is in the document (generic entries for undescribed ones)
    assert any(p.startswith("/api/") for p in spec["paths"])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, srv: Server) -> None:  # type: ignore[no-untyped-def]
    # Writes get the token, except in cases generated to break the headers (e.g. drop the
    # required Authorization): re-adding it would turn them into valid requests.
    headers_broken = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    headers = AUTH if case.path in ("/update", "/store") and not headers_broken else None
    # Any string is a schema-valid `query`, but few are valid SPARQL: a 400 for those is right,
    # so "positive data must be accepted" does not apply to this API.
    case.call_and_validate(
        base_url=srv.url,
        headers=headers,
        timeout=30,
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
