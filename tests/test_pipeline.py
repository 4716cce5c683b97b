"""The import pipeline: idempotent re-imports, change reports, buildings with several units,
row errors that never abort the rest, all-or-nothing, dry runs, and rows that need a pin."""

import pytest
from django.contrib.gis.geos import Point

from geo.models import Location, Organisation, Service
from importers.models import ImportRun, ImportSource, RowError
from importers.pipeline import run_import
from tests.importing import HEADERS, listing, nameless, three_listings, write_csv

# every test gets the fake Nominatim: no row may ever be geocoded on the internet
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_nominatim")]

COUNTS = (
    "new",
    "changed",
    "unchanged",
    "missing",
    "deleted",
    "needs_pin",
    "rows",
    "rows_with_errors",
    "services_new",
    "services_changed",
)


def counts(report) -> dict:
    return {name: getattr(report, name) for name in COUNTS}


def state() -> dict:
    """What the import may touch, to compare before and after."""
    return {
        "locations": sorted(
            Location.objects.values_list("source_ref", "address", "phones", "needs_pin")
        ),
        "services": sorted(Service.objects.values_list("name", "description")),
        "organisations": Organisation.objects.count(),
        "links": Service.locations.through.objects.count(),
        "categories": Service.categories.through.objects.count(),
    }


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "listings.csv", three_listings())
    first = run_import(path, source="network")
    assert (first.new, first.changed, first.unchanged) == (3, 0, 0)
    before = state()
    again = run_import(path, source="network")
    assert (again.new, again.changed, again.unchanged, again.missing) == (0, 0, 3, 0)
    assert state() == before
    assert Location.objects.filter(source="network").count() == 3


def test_a_changed_file_reports_new_changed_unchanged_and_missing(tmp_path):
    run_import(write_csv(tmp_path / "october.csv", three_listings()), source="network")
    rows = three_listings()
    rows[0]["Τηλέφωνο"] = "2103809999"  # changed
    del rows[2]  # missing
    rows.append(
        listing(
            "4",
            "Κοινωνικό Φαρμακείο Βόλου",
            **{
                "Διεύθυνση": "Ιάσονος 5",
                "ΤΚ": "38221",
                "Περιοχή": "Βόλος",
                "Γεωγρ. πλάτος": "39.3610",
                "Γεωγρ. μήκος": "22.9420",
            },
        )
    )
    november = write_csv(tmp_path / "november.csv", rows)

    report = run_import(november, source="network")
    assert (report.new, report.changed, report.unchanged, report.missing) == (1, 1, 1, 1)
    assert report.deleted == 0
    assert Location.objects.filter(source="network", source_ref="3").exists()
    changed = Location.objects.get(source="network", source_ref="1")
    assert changed.phones and changed.phones[0].endswith("2103809999")
    assert {c["action"] for c in report.changes} == {"new", "changed"}

    deleting = run_import(november, source="network", delete_missing=True)
    assert (deleting.missing, deleting.deleted) == (1, 1)
    assert not Location.objects.filter(source="network", source_ref="3").exists()
    assert not Service.objects.filter(source="network", name="Μαθήματα ελληνικών").exists()


def test_missing_listings_are_not_deleted_when_some_rows_have_errors(tmp_path):
    run_import(write_csv(tmp_path / "a.csv", three_listings()), source="network")
    rows = [*three_listings()[:2], nameless("9", **{"Διεύθυνση": "Άγνωστη 1"})]
    report = run_import(write_csv(tmp_path / "b.csv", rows), source="network", delete_missing=True)
    assert report.rows_with_errors == 1 and report.missing == 1 and report.deleted == 0
    assert Location.objects.filter(source="network", source_ref="3").exists()


def test_several_units_in_one_building_become_one_location_with_several_services(tmp_path):
    rows = [
        listing(**{"Υπηρεσία": "Ιατρείο"}),
        listing(**{"Υπηρεσία": "Φαρμακείο", "Διεύθυνση": "ΘΕΜΙΣΤΟΚΛΕΟΥΣ  80"}),
        listing(**{"Υπηρεσία": "Οδοντιατρείο"}),
    ]
    report = run_import(write_csv(tmp_path / "units.csv", rows), source="network")
    assert (report.new, report.services_new) == (1, 3)
    location = Location.objects.get(source="network")
    assert sorted(location.services.values_list("name", flat=True)) == [
        "Ιατρείο",
        "Οδοντιατρείο",
        "Φαρμακείο",
    ]
    assert set(location.services.values_list("organisation", flat=True)) == {
        location.organisation_id
    }
    assert run_import(tmp_path / "units.csv", source="network").unchanged == 1


def test_bad_rows_are_reported_with_row_numbers_and_good_rows_land(tmp_path):
    rows = three_listings()
    rows.insert(1, nameless("8", **{"Διεύθυνση": "Σόλωνος 1"}))  # row 3: no name
    rows.append(
        listing("9", "Κάπου Αλλού", **{"Γεωγρ. πλάτος": "48.85", "Γεωγρ. μήκος": "2.35"})
    )  # row 6: Paris
    report = run_import(write_csv(tmp_path / "bad.csv", rows), source="network")
    assert report.rows == 5 and report.rows_with_errors == 2
    assert report.new == 3
    assert {e["row"] for e in report.errors} == {3, 6}
    assert sorted(
        Location.objects.filter(source="network").values_list("source_ref", flat=True)
    ) == ["1", "2", "3"]
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == ImportRun.Status.DONE and run.errors == 2
    assert set(run.row_errors.filter(severity="error").values_list("row", flat=True)) == {3, 6}


def test_all_or_nothing_imports_nothing_when_a_row_has_an_error(tmp_path):
    rows = [*three_listings(), nameless("9")]
    report = run_import(
        write_csv(tmp_path / "bad.csv", rows), source="network", all_or_nothing=True
    )
    assert report.rolled_back and report.new == 3 and report.rows_with_errors == 1
    assert not Location.objects.filter(source="network").exists()
    assert not Organisation.objects.filter(source="network").exists()
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == ImportRun.Status.FAILED and "nothing was imported" in run.message
    assert not ImportSource.objects.filter(name="network").exists()

    clean = run_import(
        write_csv(tmp_path / "good.csv", three_listings()), source="network", all_or_nothing=True
    )
    assert not clean.rolled_back and Location.objects.filter(source="network").count() == 3


def test_a_dry_run_reports_what_the_real_run_does_and_changes_nothing(tmp_path):
    run_import(write_csv(tmp_path / "october.csv", three_listings()), source="network")
    rows = three_listings()
    rows[1]["Διεύθυνση"] = "Φωκίωνος Νέγρη 12"
    rows.append(listing("5", "Νέα Ομάδα", **{"Διεύθυνση": "Ασκληπιού 3"}))
    rows.append(nameless("6"))
    path = write_csv(tmp_path / "november.csv", rows)
    before = state()

    dry = run_import(path, source="network", dry_run=True)
    assert state() == before
    assert dry.rolled_back and ImportRun.objects.get(pk=dry.run_id).status == "dry-run"
    real = run_import(path, source="network")
    assert not real.rolled_back
    assert counts(dry) == counts(real)
    assert dry.row_errors == real.row_errors
    strip = [{k: v for k, v in c.items() if k != "loc_ref"} for c in dry.changes]
    assert strip == [{k: v for k, v in c.items() if k != "loc_ref"} for c in real.changes]
    assert state() != before


def test_rows_that_cannot_be_placed_are_kept_as_needing_a_pin(tmp_path):
    rows = [
        listing(
            "1",
            **{
                "Διεύθυνση": "Οδός Που Δεν Υπάρχει 1",
                "ΤΚ": "",
                "Περιοχή": "",
                "Γεωγρ. πλάτος": "",
                "Γεωγρ. μήκος": "",
            },
        )
    ]
    report = run_import(
        write_csv(tmp_path / "nowhere.csv", rows), source="network", geocoder="offline"
    )
    assert report.needs_pin == 1 and report.new == 1
    location = Location.objects.get(source="network")
    assert location.needs_pin and location.point is None and location.public_point is None
    assert location.geocode_precision == Location.GeocodePrecision.NONE
    assert report.changes[0]["lonlat"] is None


def test_a_pin_placed_by_hand_survives_the_next_import(tmp_path):
    rows = [
        listing(
            "1",
            **{
                "Διεύθυνση": "Οδός Που Δεν Υπάρχει 1",
                "ΤΚ": "",
                "Περιοχή": "",
                "Γεωγρ. πλάτος": "",
                "Γεωγρ. μήκος": "",
            },
        )
    ]
    path = write_csv(tmp_path / "nowhere.csv", rows)
    run_import(path, source="network", geocoder="offline")
    Location.objects.filter(source="network").update(
        point=Point(23.7355, 37.9864, srid=4326),
        needs_pin=False,
        geocode_precision=Location.GeocodePrecision.MANUAL,
    )
    report = run_import(path, source="network", geocoder="offline")
    assert report.unchanged == 1 and report.needs_pin == 0
    location = Location.objects.get(source="network")
    assert location.point.coords == (23.7355, 37.9864) and not location.needs_pin


def test_imported_locations_get_their_area_and_municipality(tmp_path, areas):
    run_import(write_csv(tmp_path / "a.csv", three_listings()), source="network")
    exarcheia = Location.objects.get(source="network", source_ref="1")
    assert exarcheia.municipality == areas["dimos-athinaion"]
    assert exarcheia.area == areas["mouseio-exarcheia-neapoli"]
    assert exarcheia.public_point.coords == (23.7355, 37.9864)
    assert Location.objects.get(source_ref="3").municipality == areas["dimos-neas-smyrnis"]

    # the same file again: nothing is written, and every listing keeps its areas
    placed = sorted(Location.objects.values_list("source_ref", "area_id", "municipality_id"))
    again = run_import(tmp_path / "a.csv", source="network")
    assert again.unchanged == 3
    assert sorted(Location.objects.values_list("source_ref", "area_id", "municipality_id")) == (
        placed
    )
    # a listing that moves is located again (Κυψέλη is not in Εξάρχεια)
    moved = three_listings()
    moved[0].update({"Γεωγρ. πλάτος": "37.9990", "Γεωγρ. μήκος": "23.7410"})
    run_import(write_csv(tmp_path / "b.csv", moved), source="network")
    kypseli = Location.objects.get(source_ref="2").area
    assert kypseli != areas["mouseio-exarcheia-neapoli"]
    assert Location.objects.get(source_ref="1").area == kypseli


def test_a_sensitive_listing_is_shown_at_its_area_from_the_first_write(tmp_path, areas):
    rows = [{**r, "Ευαίσθητο": "όχι"} for r in three_listings()]
    rows[1]["Ευαίσθητο"] = "ναι"  # a shelter in Kypseli
    headers = [*HEADERS, "Ευαίσθητο"]
    run_import(write_csv(tmp_path / "a.csv", rows, headers=headers), source="network")
    shelter = Location.objects.get(source="network", source_ref="2")
    kypseli = areas["kypseli"]
    assert shelter.precision == "area" and shelter.area == kypseli
    assert shelter.public_point.equals_exact(kypseli.centroid, tolerance=1e-9)
    assert shelter.public_point.distance(shelter.point) > 0.001


def test_the_last_checked_date_is_written_and_kept_when_a_later_file_lacks_it(tmp_path):
    import datetime as dt

    rows = [{**r, "Τελευταία ενημέρωση": ""} for r in three_listings()]
    rows[0]["Τελευταία ενημέρωση"] = "31/5/2024"
    headers = [*HEADERS, "Τελευταία ενημέρωση"]
    run_import(write_csv(tmp_path / "a.csv", rows, headers=headers), source="network")
    checked = Location.objects.get(source="network", source_ref="1").verified_at
    athens = dt.timezone(dt.timedelta(hours=3))  # summer time in Greece
    assert checked == dt.datetime(2024, 5, 31, tzinfo=athens)
    assert Location.objects.get(source="network", source_ref="2").verified_at is None

    later = three_listings()  # no date column at all
    report = run_import(write_csv(tmp_path / "b.csv", later), source="network")
    assert report.unchanged == 3
    assert Location.objects.get(source="network", source_ref="1").verified_at == checked


def test_an_id_used_for_two_buildings_is_an_error_on_the_later_rows(tmp_path):
    rows = three_listings()
    # row 5 reuses listing 2's id for another address; row 6 reuses it for the same building
    rows.append(listing("2", "Αλληλέγγυα Κουζίνα Κυψέλης", **{"Διεύθυνση": "Σόλωνος 1"}))
    rows.append({**rows[1], "Υπηρεσία": "Ρουχοθήκη"})
    report = run_import(write_csv(tmp_path / "ids.csv", rows), source="network")
    assert report.rows == 5 and report.rows_with_errors == 1
    assert [(e["row"], e["column"], e["value"]) for e in report.errors] == [(5, "ref", "2")]
    assert "row 3" in report.errors[0]["reason"]
    # the good rows land: listing 2 is the first building, with both of its services
    assert (report.new, report.services_new) == (3, 4)
    kitchen = Location.objects.get(source="network", source_ref="2")
    assert kitchen.address == "Φωκίωνος Νέγρη 10"
    assert sorted(kitchen.services.values_list("name", flat=True)) == ["Ρουχοθήκη", "Συσσίτιο"]


def test_listings_without_an_id_are_keyed_by_organisation_and_address(tmp_path):
    rows = [{**r, "Κωδικός": ""} for r in three_listings()]
    run_import(write_csv(tmp_path / "a.csv", rows), source="network")
    rows[0]["Επωνυμία"] = "ΚΟΙΝΩΝΙΚΟ ΙΑΤΡΕΙΟ ΕΞΑΡΧΕΙΩΝ"  # re-typed, same organisation
    rows[0]["Διεύθυνση"] = "Θεμιστοκλέους, 80"
    report = run_import(write_csv(tmp_path / "b.csv", rows), source="network")
    assert report.new == 0 and report.missing == 0
    assert report.changed == 1  # the address as written changed, the key did not


def test_the_run_records_file_checksum_mapping_counts_and_row_errors(tmp_path):
    import hashlib

    path = write_csv(tmp_path / "a.csv", [*three_listings(), nameless("9")])
    report = run_import(path, source="network")
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.file_name == "a.csv" and run.source == "network"
    assert run.mapping and "Επωνυμία" in run.mapping.values()
    assert (run.rows, run.new, run.errors) == (4, 3, 1)
    assert set(run.timings) >= {"read", "geocode", "upsert", "total"}
    error = RowError.objects.get(run=run, severity="error")
    assert error.row == 5 and error.reason
    assert run.started_at <= run.finished_at
    assert run.report["new"] == 3


def test_the_column_mapping_is_saved_per_source_and_reused(tmp_path):
    headers = ["Όνομα φορέα στο αρχείο μας", "Διεύθυνση", "ΤΚ", "Γεωγρ. πλάτος", "Γεωγρ. μήκος"]
    row = {
        headers[0]: "Κοινωνικό Ιατρείο",
        "Διεύθυνση": "Θεμιστοκλέους 80",
        "ΤΚ": "10681",
        "Γεωγρ. πλάτος": "37.9864",
        "Γεωγρ. μήκος": "23.7355",
    }
    path = write_csv(tmp_path / "odd.csv", [row], headers=headers)
    field = _organisation_field()
    first = run_import(path, source="odd", mapping={field: headers[0]})
    assert first.new == 1 and not first.row_errors
    assert ImportSource.objects.get(name="odd").mapping[field] == headers[0]
    again = run_import(path, source="odd")
    assert again.unchanged == 1 and not again.row_errors


def _organisation_field() -> str:
    """The mapping's name for the organisation column (whatever importers.columns calls it)."""
    from importers.columns import map_columns

    mapping = map_columns(["Επωνυμία"]).to_dict()
    return next(iter(mapping))


def _unplaced(ref: str, address: str, postcode: str, **cells: str) -> dict:
    return listing(
        ref,
        f"Ομάδα {ref}",
        **{"Διεύθυνση": address, "ΤΚ": postcode, "Γεωγρ. πλάτος": "", "Γεωγρ. μήκος": "", **cells},
    )


def test_rows_without_coordinates_are_geocoded_once_per_address(tmp_path, fake_nominatim):
    rows = [
        _unplaced("1", "Νοταρά 34", "10683"),
        _unplaced("2", "Νοταρά 34", "10683", **{"Υπηρεσία": "Άλλη"}),  # same address
        _unplaced("3", "Φωκίωνος Νέγρη", "11361"),
        _unplaced("4", "Οδός Που Δεν Υπάρχει 9", "", **{"Περιοχή": ""}),
    ]
    path = write_csv(tmp_path / "addresses.csv", rows)
    report = run_import(path, source="network")
    assert report.new == 4 and report.needs_pin == 1 and report.geocoded == 3
    notara = Location.objects.get(source_ref="1")
    assert notara.geocode_precision == "house" and notara.geocode_provider == "nominatim"
    assert notara.point.coords == pytest.approx((23.73263, 37.98856))
    assert "Νοταρά" in notara.geocode_query and not notara.needs_regeocode
    assert Location.objects.get(source_ref="3").geocode_precision == "street"
    nowhere = Location.objects.get(source_ref="4")
    assert nowhere.needs_pin and nowhere.point is None
    asked = len(fake_nominatim.requests)
    assert asked >= 3

    again = run_import(path, source="network")
    assert again.unchanged == 4
    assert len(fake_nominatim.requests) == asked  # every answer, misses too, from the cache


def test_an_unreachable_geocoder_places_rows_offline_and_marks_them(tmp_path, fake_nominatim):
    fake_nominatim.fail_next(1000, status=503)
    rows = [_unplaced("1", "Νοταρά 34", "10683")]
    report = run_import(write_csv(tmp_path / "a.csv", rows), source="network")
    assert report.new == 1 and report.needs_pin == 0
    location = Location.objects.get(source="network")
    assert location.needs_regeocode and location.point is not None
    assert location.geocode_precision in {"postcode", "area", "municipality"}


def test_arrays_reach_the_staging_table_as_the_lists_they_were():
    """The staging COPY writes arrays as text literals: quotes, backslashes, commas, braces,
    'NULL' and empty strings must come back as the same strings."""
    from django.db import connection

    from importers.pipeline.staging import _array

    items = ['a"b', "c\\d", "NULL", "", "x,y", "{z}", "+302101234567", "ελληνικά"]
    with connection.cursor() as cur:
        for value in (items, [], ["health"]):
            cur.execute("SELECT %s::text[]", [_array(value)])
            assert cur.fetchone()[0] == value


def test_worker_processes_clean_a_large_file_as_this_process_does(tmp_path, monkeypatch, settings):
    """Chunks cleaned in forked workers give the same report and the same listings, in order."""
    from importers.pipeline import run as pipeline_run

    rows = [
        *three_listings(),
        nameless("4"),
        listing("5", "Ιατρείο Πειραιά", **{"Γεωγρ. πλάτος": "41.0369", "Γεωγρ. μήκος": "28.985"}),
        listing("6", "ΑΘΗNA Στέκι", **{"Τηλέφωνο": "12"}),
        listing("7", "Κοινωνικό Φαρμακείο", **{"Διεύθυνση": "Σόλωνος 1", "ΤΚ": "10672"}),
    ]
    path = write_csv(tmp_path / "listings.csv", rows)
    monkeypatch.setattr(pipeline_run, "CHUNK", 2)  # four chunks: the workers take over

    def imported(workers: int, source: str):
        settings.GEITONIA_IMPORT_WORKERS = workers
        report = run_import(path, source=source)
        listings = sorted(
            Location.objects.filter(source=source).values_list("source_ref", "name", "phones")
        )
        return counts(report), report.row_errors, listings

    here = imported(1, "here")
    forked = imported(2, "forked")
    assert forked == here
    assert here[0]["rows"] == 7 and here[0]["rows_with_errors"] == 3
    assert [e["row"] for e in here[1] if e["severity"] == "error"] == [5, 6, 7]


def test_cached_addresses_are_placed_as_the_geocoder_places_them(tmp_path, fake_nominatim):
    """The second file's addresses are all in the cache: joined there in SQL, they get what
    geocode_many gives (point, precision, provider, query), and nothing is asked."""
    rows = [
        _unplaced("1", "Νοταρά 34", "10683"),
        _unplaced("2", "Φωκίωνος Νέγρη", "11361"),
        _unplaced("3", "Οδός Που Δεν Υπάρχει 9", "", **{"Περιοχή": ""}),
    ]
    path = write_csv(tmp_path / "addresses.csv", rows)
    run_import(path, source="first")
    asked = len(fake_nominatim.requests)
    report = run_import(path, source="second")
    assert len(fake_nominatim.requests) == asked
    assert report.geocoded == 2 and report.needs_pin == 1

    def placed(source: str) -> list:
        return sorted(
            (ref, p.wkt if p else None, precision, provider, query, pin, again)
            for ref, p, precision, provider, query, pin, again in Location.objects.filter(
                source=source
            ).values_list(
                "source_ref",
                "point",
                "geocode_precision",
                "geocode_provider",
                "geocode_query",
                "needs_pin",
                "needs_regeocode",
            )
        )

    assert placed("second") == placed("first")
    assert placed("second")[0][2:4] == ("house", "nominatim")


def test_a_row_without_an_address_is_pinned_when_the_cache_placed_every_other(
    tmp_path, fake_nominatim
):
    """Placing stops early when no staged row is left without coordinates; a row with nothing
    to ask is left, and must still be marked as needing a pin."""
    rows = [
        _unplaced("1", "Νοταρά 34", "10683"),
        _unplaced("2", "", "", **{"Περιοχή": ""}),
    ]
    path = write_csv(tmp_path / "addresses.csv", rows)
    run_import(path, source="first")
    asked = len(fake_nominatim.requests)
    report = run_import(path, source="second")
    assert len(fake_nominatim.requests) == asked
    assert report.new == 2 and report.geocoded == 1 and report.needs_pin == 1
    nowhere = Location.objects.get(source="second", source_ref="2")
    assert nowhere.needs_pin and nowhere.point is None
    assert (nowhere.geocode_precision, nowhere.geocode_provider) == ("none", "")
    assert not Location.objects.get(source="second", source_ref="1").needs_pin


def test_a_worker_that_queries_uses_a_connection_of_its_own(tmp_path, monkeypatch, settings):
    """Fork copies the database connection, socket and all; a worker querying on it would read
    the importer's answers (both hang). A query in a worker must get its own connection."""
    from geo.models import Area
    from importers.pipeline import parallel
    from importers.pipeline import run as pipeline_run

    clean = parallel.clean_rows

    def clean_and_query(*args, **kwargs):
        assert Area.objects.exists()  # committed data, read on the worker's own connection
        return clean(*args, **kwargs)

    monkeypatch.setattr(parallel, "clean_rows", clean_and_query)
    monkeypatch.setattr(pipeline_run, "CHUNK", 1)
    settings.GEITONIA_IMPORT_WORKERS = 2
    report = run_import(write_csv(tmp_path / "n.csv", three_listings()), source="network")
    assert report.new == 3 and report.rows_with_errors == 0
