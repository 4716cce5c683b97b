"""Demo data: the organisations of the seed documents, placed honestly."""

import pytest
from django.core.management import call_command

from geo.demo import load_demo
from geo.models import Location, Organisation, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(geodata):
    return load_demo(geodata)


def test_demo_names_the_organisations_of_the_seed_documents(demo):
    names = set(Organisation.objects.filter(source="demo").values_list("name", flat=True))
    for expected in [
        "Κοινωνικό Ιατρείο Εξαρχείων",
        "Κοινωνικό Ιατρείο Νέας Σμύρνης",
        "Κοινωνικό Ιατρείο Ιλίου",
        "Κοινωνικό Ιατρείο Αγίου Νεκταρίου Βόλου",
        "SolidarityNow",
        "ΑμΚΕ ΙΑΣΙΣ",
        "Μένουμε Μαζί (menoumemazi.org)",
        "Κοινωνική Υπηρεσία Δήμου Μαρκοπούλου Μεσογαίας",
    ]:
        assert expected in names
    assert Service.objects.filter(
        name="Υποστηρικτικές υπηρεσίες ασύλου", categories__slug="asylum-migration"
    ).exists()
    assert Service.objects.filter(name__startswith="FabricRepublic", categories__slug="clothing")


def test_places_known_only_by_area_sit_at_its_centroid_with_area_precision(demo, areas):
    clinic = Location.objects.get(name="Κοινωνικό Ιατρείο Εξαρχείων")
    assert clinic.precision == "area" and clinic.address == ""
    assert clinic.point.equals(areas["mouseio-exarcheia-neapoli"].centroid)
    demo_locations = Location.objects.filter(source="demo")
    assert demo_locations.count() == demo.locations == 8
    assert not demo_locations.exclude(address="").exists()  # no invented street addresses
    assert not demo_locations.exclude(precision="area").exists()


def test_osm_hospitals_form_the_health_layer(demo):
    hospitals = Location.objects.filter(source="osm-hospitals")
    assert hospitals.count() == demo.hospitals == 86  # 93 features, 7 without a name
    assert hospitals.filter(services__categories__slug="hospital").distinct().count() == 86
    assert hospitals.filter(area__name="ΑΜΠΕΛΟΚΗΠΟΙ").exists()


def test_loading_the_demo_twice_duplicates_nothing(demo, geodata):
    counts = (Organisation.objects.count(), Location.objects.count(), Service.objects.count())
    load_demo(geodata)
    assert counts == (
        Organisation.objects.count(),
        Location.objects.count(),
        Service.objects.count(),
    )


def test_load_demo_once_does_nothing_the_second_time(demo, capsys):
    call_command("load_demo", "--once")
    assert "already loaded" in capsys.readouterr().out
