"""The text filter `q` is answered from the trigram indexes on geo_search_key(), at a realistic
size: 100,000 synthetic locations (the benchmark's generator), planned by PostgreSQL with its
default settings after ANALYZE, and finding exactly what a scan in Python finds."""

import orjson
import pytest
from django.db import connection

from benchmarks import synthetic
from geo.models import Location, Organisation, Service
from geo.search import Filters
from geo.search.sql import page_sql
from geo.text import search_key

pytestmark = pytest.mark.django_db

SIZE = 100_000
INDEXES = {
    "location_name_key_trgm": "geo_location",
    "organisation_name_key_trgm": "geo_organisation",
    "organisation_alt_key_trgm": "geo_organisation",
    "service_name_key_trgm": "geo_service",
}
SEARCHED_TABLES = {"geo_location", "geo_organisation", "geo_service", "geo_service_locations"}


@pytest.fixture
def many_locations(geodata):
    synthetic.generate(SIZE, conn=connection.connection, data_dir=geodata, seed=11)
    with connection.cursor() as cur:
        # What autovacuum would have done by now; in the test's transaction, so undone after.
        cur.execute(
            "ANALYZE geo_location; ANALYZE geo_organisation; ANALYZE geo_service;"
            " ANALYZE geo_service_locations"
        )
    assert Location.objects.count() >= SIZE


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _found_in_python(key: str) -> set[int]:
    """Every location whose name, organisation's (alternate) name or a service's name holds the
    key: the scan the index spares, done the slow way."""
    orgs = {
        pk
        for pk, name, alternate in Organisation.objects.values_list("id", "name", "alternate_name")
        if key in search_key(name) or key in search_key(alternate)
    }
    services = {
        pk for pk, name in Service.objects.values_list("id", "name") if key in search_key(name)
    }
    found = {
        pk
        for pk, name, org in Location.objects.filter(public_point__isnull=False).values_list(
            "id", "name", "organisation_id"
        )
        if key in search_key(name) or org in orgs
    }
    through = Service.locations.through.objects.filter(service_id__in=services)
    found |= set(
        through.filter(location__public_point__isnull=False).values_list("location_id", flat=True)
    )
    return found


# One key, typed three ways: Greeklish, capitals without accents, Greek with accents.
TYPED = ("iatreio athinaion", "ΙΑΤΡΕΙΟ ΑΘΗΝΑΙΩΝ", "Ιατρείο Αθηναίων")


def test_q_is_answered_from_the_trigram_indexes_and_finds_what_a_scan_finds(many_locations):
    # One test: generating 100,000 locations is most of its time.
    assert len({search_key(t) for t in TYPED}) == 1
    expected = _found_in_python(search_key(TYPED[0]))
    assert 10 < len(expected) < SIZE // 20  # some, not most
    for typed in TYPED:
        sql, params = page_sql(Filters(text=typed), limit=10_000)
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            (explained,) = cur.fetchone()
            cur.execute(sql, params)
            page = orjson.loads(cur.fetchone()[0])
        assert {feature["id"] for feature in page["features"]} == expected, typed
        nodes = list(_nodes(explained[0]["Plan"]))
        # No table the text filter reads is scanned whole; each searched name is an index
        # lookup, chosen by the planner at its default settings.
        scanned = {n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}
        assert scanned.isdisjoint(SEARCHED_TABLES), scanned
        used = {n["Index Name"] for n in nodes if n["Node Type"] == "Bitmap Index Scan"}
        assert set(INDEXES) <= used, used
        # ... and the index on location names hands on a handful of rows, not the table.
        by_name = next(n for n in nodes if n.get("Index Name") == "location_name_key_trgm")
        assert by_name["Actual Rows"] <= 2 * len(expected) + 100
