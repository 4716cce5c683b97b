"""The OpenAPI schema is valid, and the API holds to it under generated requests."""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

REPO = Path(__file__).resolve().parent.parent


def test_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "schema.yaml"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/locations/:",
        "/api/locations/nearest/:",
        "/api/areas/{slug}/locations/:",
        "/api/layers/:",
        "/tiles/{layer}/{z}/{x}/{y}.pbf:",
    ):
        assert path in schema


@pytest.mark.django_db
def test_docs_are_self_hosted(client):
    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "unpkg" not in html


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def demo_data(db, geodata):
    from geo.demo import load_demo

    load_demo(geodata)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_holds_to_its_schema(case, demo_data):
    """Generated requests (through the WSGI app, no network): never a 500, only documented
    status codes and media types, and bodies that match the schema."""
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
