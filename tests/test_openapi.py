"""The OpenAPI schema is valid, and the API holds to it under generated requests."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
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


@pytest.fixture
def demo_data(db, geodata):
    from geo.demo import load_demo

    load_demo(geodata)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_holds_to_its_schema(api_schema, demo_data, wsgi_in_test_transaction, mode):
    """Generated requests to every operation (through the WSGI app, no network): never a 500,
    only documented status codes and media types, bodies that match the schema.

    Driven by hand rather than by schemathesis' pytest plugin, whose lazy fixture loading does
    not work with pytest 9."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 5
    exercised = []

    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            # The WSGI transport hands on the body as sent, without undoing a Content-Encoding
            # as an HTTP client would; compressed answers are tested in test_compression.py.
            case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

        try:
            run()
        except Unsatisfiable:
            # Only plain, unconstrained string parameters (a slug, a free-text q): no request
            # violates their schema, so there is no negative case to send.
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        exercised.append(operation.label)
    assert len(exercised) >= 5, exercised
