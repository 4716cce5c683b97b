"""Stored search keys (migration 0014): every name's key column holds geo.text.search_key of the
name, whoever writes it: the ORM, a queryset update, raw SQL or the importer (which computes
the keys in Python, on both of its write paths). The SQL twin geo_search_key() is the judge."""

import pytest
from django.db import connection
from django.test import override_settings

from geo.models import Location, Organisation, Service
from geo.text import search_key
from importers.pipeline import run_import
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory
from tests.importing import listing, three_listings, write_csv

pytestmark = pytest.mark.django_db

# (table, name column, key column)
KEYS = [
    ("geo_location", "name", "name_key"),
    ("geo_organisation", "name", "name_key"),
    ("geo_organisation", "alternate_name", "alternate_name_key"),
    ("geo_service", "name", "name_key"),
]


def stale_keys() -> list[tuple]:
    """Every (table, name, stored key, right key) whose stored key is not its name's."""
    stale = []
    with connection.cursor() as cur:
        for table, name, key in KEYS:
            cur.execute(
                f"SELECT {name}, {key}, geo_search_key({name}) FROM {table}"
                f" WHERE {key} IS DISTINCT FROM geo_search_key({name})"
            )
            stale += [(table, *row) for row in cur.fetchall()]
    return stale


def keyed_names() -> int:
    """How many non-empty keys there are: the checks above look at something."""
    with connection.cursor() as cur:
        total = 0
        for table, _, key in KEYS:
            cur.execute(f"SELECT count(*) FROM {table} WHERE {key} <> ''")
            total += cur.fetchone()[0]
        return total


def test_the_orm_gets_each_name_its_key():
    org = OrganisationFactory(name="Κοινωνικό Ιατρείο Εξαρχείων", alternate_name="ΚΙΕ Exarcheia")
    location = LocationFactory(organisation=org, name="Ιατρείο Κυψέλης")
    service = ServiceFactory(organisation=org, name="Ψυχολογική υποστήριξη", locations=[location])

    org.refresh_from_db()
    location.refresh_from_db()
    service.refresh_from_db()
    assert org.name_key == search_key("Κοινωνικό Ιατρείο Εξαρχείων") == "kinoniko iatrio exarxion"
    assert org.alternate_name_key == search_key("ΚΙΕ Exarcheia")
    assert location.name_key == search_key("Ιατρείο Κυψέλης")
    assert service.name_key == search_key("Ψυχολογική υποστήριξη")
    assert stale_keys() == []
    assert keyed_names() == 4


def test_a_renamed_listing_gets_the_key_of_its_new_name_however_it_is_renamed():
    org = OrganisationFactory(name="Αλληλέγγυα Κουζίνα")
    location = LocationFactory(organisation=org, name="Κουζίνα Κυψέλης")
    service = ServiceFactory(organisation=org, name="Συσσίτιο", locations=[location])

    # save() of a loaded object: it writes the old key back with the new name
    org.refresh_from_db()
    org.name = "Κοινωνική Κουζίνα Πατησίων"
    org.alternate_name = "Patisia kitchen"
    org.save()
    # a queryset update, which never reads the row
    Location.objects.filter(pk=location.pk).update(name="Κουζίνα Γκύζη")
    # bulk_update, one CASE expression for all the rows
    service.refresh_from_db()
    service.name = "Διανομή τροφίμων"
    Service.objects.bulk_update([service], ["name"])

    assert Organisation.objects.get(pk=org.pk).name_key == search_key("Κοινωνική Κουζίνα Πατησίων")
    assert Organisation.objects.get(pk=org.pk).alternate_name_key == "patisia kitxen"
    assert Location.objects.get(pk=location.pk).name_key == search_key("Κουζίνα Γκύζη")
    assert Service.objects.get(pk=service.pk).name_key == search_key("Διανομή τροφίμων")
    assert stale_keys() == []


def test_raw_sql_that_knows_nothing_of_keys_gets_them_too():
    org = OrganisationFactory()
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO geo_service (organisation_id, name, description, languages, audience,
                   eligibility, cost, fees, how_to_access, opening_hours, is_active, source,
                   created_at, updated_at)
               VALUES (%s, 'Νομική Βοήθεια', '', '{}', '{}', '', 'free', '', '', '', true, '',
                       now(), now()) RETURNING id, name_key""",
            [org.pk],
        )
        pk, key = cur.fetchone()
        assert key == search_key("Νομική Βοήθεια") == "nomiki vi8ia"
        cur.execute("UPDATE geo_service SET name = 'Legal aid' WHERE id = %s", [pk])
    assert Service.objects.get(pk=pk).name_key == search_key("Legal aid") == "legal ed"
    assert stale_keys() == []


def test_emptied_keys_are_computed_again():
    """What a migration that changes search_key does: set every key to '' and let the trigger
    compute them (migration 0014's backfill)."""
    LocationFactory.create_batch(3)
    with connection.cursor() as cur:
        cur.execute("UPDATE geo_location SET name_key = ''")
        cur.execute("UPDATE geo_organisation SET name_key = '', alternate_name_key = ''")
    assert stale_keys() == []
    assert keyed_names() == 6


@pytest.mark.usefixtures("fake_nominatim")
@pytest.mark.parametrize("bulk_rows", [0, 2], ids=["row by row", "bulk load"])
def test_an_import_writes_the_keys_the_database_would(tmp_path, bulk_rows):
    """The importer's keys come from Python, on both write paths; here they are checked
    against the SQL function, for names with accents, capitals, Latin look-alike letters,
    Greeklish, nothing searchable in a service name, and a long name."""
    rows = [
        *three_listings(),
        listing(
            "4",
            "ΣΤΕΚΙ ΜΕΤΑΝΑΣΤΩΝ ΚOΛΩΝOΥ",  # two Latin O
            **{"Υπηρεσία": "Greek lessons / Μαθήματα", "Διεύθυνση": "Λένορμαν 10"},
        ),
        listing("5", "Κέντρο «Άνθρωπος» — " + "Αλληλεγγύη " * 25, **{"Υπηρεσία": "!!!"}),
    ]
    path = write_csv(tmp_path / "network.csv", rows)
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=bulk_rows):
        report = run_import(path, source="keys")
    assert report.new == 5, report.errors
    assert stale_keys() == []
    assert keyed_names() >= 5 + 5 + 4

    # next month's file renames two listings and a service: the updates carry new keys
    rows[0] = listing("1", "Κοινωνικό Ιατρείο Νέας Σμύρνης")
    rows[1]["Υπηρεσία"] = "Συσσίτιο και διανομή"
    write_csv(path, rows)
    with override_settings(GEITONIA_IMPORT_BULK_ROWS=bulk_rows):
        report = run_import(path, source="keys")
    assert report.changed >= 2, report
    assert stale_keys() == []
    assert Location.objects.get(source_ref="1").name_key == search_key(
        "Κοινωνικό Ιατρείο Νέας Σμύρνης"
    )
