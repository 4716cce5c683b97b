"""The staging rows are COPY text lines built by hand: every value must reach the table as the
same string, number, array or NULL it was."""

import datetime as dt

import pytest
from django.db import connection

from importers.pipeline import staging
from importers.pipeline.staging import ATHENS, STAGING, Record, copy_rows, staging_row

TRICKY = [
    "plain",
    "",
    "\\N",
    "back\\slash",
    "tab\there",
    "lines\nand\r\nreturns",
    "bell\b form\f vertical\v",
    '"quoted" {braces}, commas',
    "ελληνικά και العربية",
    "\\",
    "trailing\\",
]


def record(text: str, *, placed: bool, **values: object) -> Record:
    fields = {name: text for name in Record._fields if Record.__annotations__[name] is str}
    lists = {"phones": [text], "categories": [text, "health"], "languages": [], "audience": [text]}
    return Record(
        **fields
        | lists
        | {
            "row": 7,
            "precision": None,
            "lon": 23.7322 if placed else None,
            "lat": 37.9874 if placed else None,
        }
        | values
    )


@pytest.mark.django_db
@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("placed", [True, False])
def test_every_value_reaches_the_staging_table_as_it_was(text, placed):
    verified = dt.datetime(2024, 5, 31, tzinfo=ATHENS)
    r = record(text, placed=placed, organisation="Δίκτυο", verified_at=verified)
    staging.create()
    try:
        assert copy_rows([staging_row(r)]) == 1
        with connection.cursor() as cur:
            cur.execute(
                f"""SELECT row_number, ref, description, address, fees, how_to_access, phones,
                           categories, languages, audience, precision, lon, lat, verified_at,
                           needs_pin, geocode_query
                      FROM {STAGING}"""
            )
            got = cur.fetchone()
    finally:
        staging.drop()
    assert got == (
        7,
        text,
        text,
        text,
        text,
        text,
        [text],
        [text, "health"],
        [],
        [text],
        None,
        r.lon,
        r.lat,
        verified,
        False,
        "",
    )


@pytest.mark.django_db
def test_a_staging_row_carries_the_search_keys_of_its_names():
    """The names' search keys are computed with the row (in the cleaning workers), so writing
    a large import does not spend the database's time on them (migration 0014)."""
    r = record("x", placed=True, organisation="Δίκτυο Αλληλεγγύης", name="", service="")
    r = r._replace(name="Στέκι Κολωνού", service="Μαθήματα ελληνικών")
    staging.create()
    try:
        copy_rows([staging_row(r)])
        with connection.cursor() as cur:
            cur.execute(
                f"""SELECT org_name_key, name_key, service_key,
                           geo_search_key(org_name), geo_search_key(name),
                           geo_search_key(service_name)
                      FROM {STAGING}"""
            )
            got = cur.fetchone()
    finally:
        staging.drop()
    assert got[:3] == ("diktio alilegis", "steki kolonu", "ma8imata elinikon")
    assert got[:3] == got[3:]
