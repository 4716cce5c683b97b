"""Bulk loading (importers.pipeline.bulk): a large import into a small directory writes without
secondary indexes and foreign keys and builds them afterwards; the result, the indexes and the
constraints are the same as row by row, and a rolled-back or refused bulk load changes nothing."""

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

from geo.models import Location, Organisation, Service
from importers.pipeline import bulk, run_import
from tests.importing import listing, three_listings, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_nominatim")]


def catalog() -> dict:
    """The indexes and constraints of the tables an import writes, by name."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT indexname, indexdef FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename = ANY(%s)""",
            [list(bulk.WRITTEN)],
        )
        indexes = dict(cur.fetchall())
        cur.execute(
            """SELECT conname, pg_get_constraintdef(oid) || ' valid=' || convalidated
                 FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])""",
            [list(bulk.WRITTEN)],
        )
        constraints = dict(cur.fetchall())
    return {"indexes": indexes, "constraints": constraints}


def written() -> dict:
    return {
        "locations": sorted(
            Location.objects.values_list(
                "source_ref", "name", "address", "phones", "area_id", "organisation__slug"
            )
        ),
        "public_points": sorted(
            (ref, p.wkt if p else None)
            for ref, p in Location.objects.values_list("source_ref", "public_point")
        ),
        "services": sorted(Service.objects.values_list("name", "organisation__slug")),
        "organisations": sorted(Organisation.objects.values_list("slug", "name")),
        "links": sorted(Service.locations.through.objects.values_list("location__source_ref")),
        "categories": sorted(
            Service.categories.through.objects.values_list("service__name", "category__slug")
        ),
    }


def test_a_bulk_load_writes_what_row_by_row_writes_and_rebuilds_every_index(tmp_path):
    path = write_csv(tmp_path / "network.csv", three_listings())
    before = catalog()
    assert any("gin_trgm_ops" in d for d in before["indexes"].values())  # what it rebuilds

    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        report = run_import(path, source="network")
    assert report.timings["rebuild"] >= 0  # it did load in bulk
    assert (report.new, report.rows_with_errors) == (3, 0)
    assert catalog() == before
    loaded = written()

    Location.objects.all().delete()
    Service.objects.all().delete()
    Organisation.objects.all().delete()
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=0):
        one_by_one = run_import(path, source="network")
    assert "rebuild" not in one_by_one.timings
    assert written() == loaded


def test_checks_pending_in_the_transaction_send_the_import_row_by_row(tmp_path):
    """ALTER TABLE is refused on a table with deferred checks pending; the import then writes
    row by row instead of failing."""
    path = write_csv(tmp_path / "network.csv", three_listings())
    run_import(path, source="network")
    Location.objects.all().delete()  # deferred foreign-key checks, pending until commit
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        report = run_import(path, source="network")
    assert report.new == 3
    assert "rebuild" not in report.timings


def test_the_constraints_put_back_are_enforced(tmp_path):
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        report = run_import(write_csv(tmp_path / "n.csv", three_listings()), source="network")
    assert "rebuild" in report.timings
    location = Location.objects.first()
    with pytest.raises(Exception, match="foreign key"), connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("UPDATE geo_location SET organisation_id = -1 WHERE id = %s", [location.id])


def test_a_dry_run_in_bulk_leaves_tables_indexes_and_constraints_as_they_were(tmp_path):
    before = catalog()
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        report = run_import(
            write_csv(tmp_path / "n.csv", three_listings()), source="network", dry_run=True
        )
    assert report.new == 3 and report.rolled_back
    assert "rebuild" in report.timings
    assert not Location.objects.exists()
    assert catalog() == before


def test_an_import_smaller_than_the_directory_is_written_row_by_row(tmp_path):
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        first = run_import(write_csv(tmp_path / "a.csv", three_listings()), source="network")
        rows = [listing("x1", "Κοινωνικό Φαρμακείο"), listing("x2", "Κοινωνικό Παντοπωλείο")]
        second = run_import(write_csv(tmp_path / "b.csv", rows), source="other")
    assert "rebuild" in first.timings
    assert second.new == 2
    assert "rebuild" not in second.timings  # 2 new listings, 3 there already


def test_next_months_file_of_a_network_already_in_is_written_row_by_row(tmp_path):
    """What counts is the listings a file adds, not its size: the same network's file again,
    with one listing changed and one added, takes no lock and rebuilds no index; another
    network's file of as many new listings is a bulk load."""

    def as_if_committed():
        # the deferred foreign-key checks of the import before, run now as its commit would
        # run them: pending, they would send any import row by row (the test above)
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")

    rows = three_listings()
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
        first = run_import(write_csv(tmp_path / "a.csv", rows), source="network")
        as_if_committed()
        rows[0] = listing("1", "Κοινωνικό Ιατρείο Εξαρχείων", **{"Τηλέφωνο": "2103801235"})
        rows.append(listing("4", "Κοινωνικό Φαρμακείο", **{"Διεύθυνση": "Σόλωνος 1"}))
        again = run_import(write_csv(tmp_path / "b.csv", rows), source="network")
        as_if_committed()
        others = [{**r, "Κωδικός": f"o{r['Κωδικός']}", "Επωνυμία": "Δίκτυο Β"} for r in rows]
        other = run_import(write_csv(tmp_path / "c.csv", others), source="other")
    assert "rebuild" in first.timings
    assert (again.new, again.changed, again.unchanged) == (1, 1, 2)
    assert "rebuild" not in again.timings
    assert other.new == 4 and "rebuild" in other.timings


def test_tables_in_use_are_not_waited_for(tmp_path, monkeypatch):
    """A reader holding a table past the lock wait sends the import down the row-by-row path."""
    monkeypatch.setattr(bulk, "LOCK_WAIT", "200ms")
    path = write_csv(tmp_path / "n.csv", three_listings())
    db = connection.settings_dict
    reader = psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    try:
        reader.execute("SELECT count(*) FROM geo_area")  # holds its lock until rollback
        with override_settings(GEITONIA_IMPORT_BULK_ROWS=2):
            report = run_import(path, source="network")
    finally:
        reader.rollback()
        reader.close()
    assert report.new == 3
    assert "rebuild" not in report.timings
