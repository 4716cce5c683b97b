"""Test set-up: a real PostGIS (the local cluster, or DATABASE_URL), with the public boundaries
loaded once per session from the shared data directory."""

import os
import re
from pathlib import Path

import pytest
import requests
import schemathesis
from django.conf import settings
from django.urls import resolve

from tests.fake_nominatim import fake_nominatim  # noqa: F401  (the fixture, for every test)

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    # Tests run without collectstatic: the plain storage, its files found by WhiteNoise's finders
    # (the shipped manifest storage needs collectstatic's manifest; see geo/staticfiles.py).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def data_dir() -> Path:
    path = Path(
        settings.GEITONIA_DATA_DIR
        or os.environ.get("GEITONIA_DATA_DIR")
        or REPO.parent / "shared" / "data"
    )
    if not (path / "SOURCES.md").is_file():
        pytest.fail(
            f"The public geodata is not at {path}: set GEITONIA_DATA_DIR "
            "(make sets it to ../shared/data)."
        )
    return path


@pytest.fixture(scope="session")
def geodata() -> Path:
    return data_dir()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the boundaries into the test database once; tests run in rolled-back transactions."""
    from geo.areas import load_areas

    with django_db_blocker.unblock():
        load_areas(data_dir())


@pytest.fixture
def areas(db):
    from geo.models import Area

    return {
        a.slug: a
        for a in Area.objects.filter(
            slug__in=[
                "kypseli",
                "mouseio-exarcheia-neapoli",
                "dimos-athinaion",
                "pe-kentrikou-tomea-athinon",
                "dimos-neas-smyrnis",
                "dimos-volou",
                "pagkrati",
            ]
        )
    }


@pytest.fixture(autouse=True)
def geocoder_offline_by_default(settings):
    """No test reaches the internet: a geocoder asked outside the `fake_nominatim` fixture finds
    a closed local port (and falls back to the local chain, marked to re-geocode)."""
    settings.GEITONIA_NOMINATIM_URL = "http://127.0.0.1:9"
    settings.GEITONIA_GEOCODER_RETRIES = 0


# --- the API contract: every response checked against our own OpenAPI schema ----------------
@pytest.fixture
def wsgi_in_test_transaction():
    """Let requests through the WSGI app (schemathesis) run inside the test's transaction:
    Django's own test client does the same, since these signals would close its connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def api_schema(django_db_blocker):
    """Our OpenAPI schema, loaded through the WSGI app (no network)."""
    from geo.wsgi import application

    with django_db_blocker.unblock():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


def openapi_path(path: str) -> str:
    """The schema's path template for a URL path: /api/areas/kypseli/locations/ ->
    /api/areas/{slug}/locations/."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", resolve(path).route)


def check_against_schema(api_schema, path: str, query: dict, response) -> None:
    operation = api_schema[openapi_path(path)]["GET"]
    prepared = requests.Request("GET", f"http://testserver{path}", params=query).prepare()
    headers = {name.lower(): [value] for name, value in response.headers.items()}
    operation.validate_response(
        schemathesis.Response(response.status_code, headers, response.content, prepared, 0.0, True)
    )


@pytest.fixture
def api(client, api_schema):
    """GET an API path with query parameters; the response must conform to the schema."""

    def get(path: str, headers: dict | None = None, **query):
        response = client.get(path, query, headers=headers or {})
        check_against_schema(api_schema, path, query, response)
        return response

    return get


@pytest.fixture(autouse=True)
def _fresh_response_cache():
    from layers.caching import bodies

    bodies.clear()
    yield
    bodies.clear()
