"""Constraints live in the database, and the public point is kept there too."""

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction

from geo.models import Category, GeocodeResult, Location
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def refreshed(location: Location) -> Location:
    location.refresh_from_db()
    return location


def violates(constraint: str, func) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        func()


def test_category_taxonomy_is_seeded_with_names_colours_and_icons():
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert {
        "health",
        "mental-health",
        "legal-aid",
        "asylum-migration",
        "food",
        "clothing",
        "housing",
        "employment",
        "education",
        "children-families",
        "disability",
        "blood-donation",
        "mutual-aid",
        "labour-rights",
    } <= slugs
    for c in Category.objects.all():
        assert c.name_el and c.name_en and c.names.get("ar") and c.names.get("fa"), c.slug
    assert Category.objects.get(slug="blood-donation").parent.slug == "health"


def test_category_colour_must_be_hex():
    violates(
        "category_colour_hex",
        lambda: Category.objects.create(slug="x", name_en="X", colour="red", icon="x"),
    )


def test_location_needs_a_point_or_a_pin_request():
    org = OrganisationFactory()
    violates(
        "location_placed_or_needs_pin",
        lambda: Location.objects.create(organisation=org, point=None),
    )
    assert Location.objects.create(organisation=org, point=None, needs_pin=True).pk


def test_location_postcode_is_five_greek_digits():
    violates("location_postcode_greek", lambda: LocationFactory(postcode="1068A"))
    violates("location_postcode_greek", lambda: LocationFactory(postcode="99999"))


def test_location_source_ref_is_unique_per_source():
    LocationFactory(source="sheet", source_ref="row-1")
    violates(
        "location_unique_source_ref", lambda: LocationFactory(source="sheet", source_ref="row-1")
    )
    assert LocationFactory(source="other", source_ref="row-1").pk


def test_service_languages_are_known_codes():
    violates("service_languages_known", lambda: ServiceFactory(languages=["greek"]))


def test_geocode_cache_hit_has_a_point():
    violates(
        "geocode_found_has_point",
        lambda: GeocodeResult.objects.create(
            query_key="k", query="q", provider="nominatim", found=True, point=None
        ),
    )


def test_exact_location_is_public_as_is():
    loc = refreshed(LocationFactory(precision="exact"))
    assert loc.public_point.equals_exact(loc.point, tolerance=1e-9)


def test_street_location_is_snapped_to_a_100_m_grid():
    loc = refreshed(LocationFactory(precision="street", point=Point(23.73573, 37.98641, srid=4326)))
    assert not loc.public_point.equals_exact(loc.point, tolerance=1e-7)
    moved = loc.public_point.transform(2100, clone=True).distance(
        loc.point.transform(2100, clone=True)
    )
    assert 0 < moved <= 71  # at most half the diagonal of a 100 m cell


def test_area_location_is_public_at_its_area_centroid(areas):
    kypseli = areas["kypseli"]
    loc = refreshed(LocationFactory(precision="area", area=kypseli, point=Point(23.7405, 38.0005)))
    assert loc.public_point.equals(kypseli.centroid)


def test_hidden_and_unplaced_locations_have_no_public_point():
    assert refreshed(LocationFactory(precision="hidden")).public_point is None
    org = OrganisationFactory()
    unplaced = Location.objects.create(organisation=org, point=None, needs_pin=True)
    assert refreshed(unplaced).public_point is None


def test_moving_an_area_centroid_moves_its_area_locations(areas):
    kypseli = areas["kypseli"]
    loc = LocationFactory(precision="area", area=kypseli)
    kypseli.centroid = Point(23.741, 38.001, srid=4326)
    kypseli.save()
    assert refreshed(loc).public_point.equals(Point(23.741, 38.001, srid=4326))
