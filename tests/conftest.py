"""Test set-up: a real PostGIS (the local cluster, or DATABASE_URL), with the public boundaries
loaded once per session from the shared data directory."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.fake_nominatim import fake_nominatim  # noqa: F401  (the fixture, for every test)

REPO = Path(__file__).resolve().parent.parent


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
