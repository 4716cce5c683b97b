"""The map's markers endpoint and the nearest endpoint's "open now", at the HTTP interface;
every response checked against our OpenAPI schema (the `api` fixture)."""

import json
import re

import pytest
from django.contrib.gis.geos import Point

from geo.models import Category, Location
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

ATHENS_BOX = "23.70,37.95,23.78,38.02"


@pytest.fixture
def spread():
    """A clinic (exact), a shelter (street precision), a hidden address and a food bank."""
    health = Category.objects.get(slug="health")
    food = Category.objects.get(slug="food")
    clinic = LocationFactory(name="Ιατρείο", point=Point(23.7355, 37.9864, srid=4326))
    ServiceFactory(organisation=clinic.organisation, locations=[clinic], categories=[health])
    shelter = LocationFactory(
        name="Ξενώνας", precision="street", point=Point(23.74123, 37.99871, srid=4326)
    )
    ServiceFactory(organisation=shelter.organisation, locations=[shelter], categories=[health])
    hidden = LocationFactory(name="Κρυφό", precision="hidden", point=Point(23.74, 37.99, srid=4326))
    ServiceFactory(organisation=hidden.organisation, locations=[hidden], categories=[health])
    pantry = LocationFactory(
        organisation=OrganisationFactory(kind="grassroots"),
        name="Συσσίτιο",
        point=Point(23.7480, 37.9680, srid=4326),
    )
    ServiceFactory(organisation=pantry.organisation, locations=[pantry], categories=[food])
    return {"clinic": clinic, "shelter": shelter, "hidden": hidden, "pantry": pantry}


def test_markers_are_small_features_at_the_public_points(api, spread):
    response = api("/api/locations/markers/", in_bbox=ATHENS_BOX)
    assert response.status_code == 200
    body = response.json()
    assert body["truncated"] is False
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert set(by_name) == {"Ιατρείο", "Ξενώνας", "Συσσίτιο"}
    assert by_name["Συσσίτιο"]["properties"] == {
        "name": "Συσσίτιο",
        "organisation_kind": "grassroots",
        "categories": ["food"],
    }
    # The public point (snapped for street precision), never the exact one.
    shelter = Location.objects.get(pk=spread["shelter"].pk)
    lon, lat = by_name["Ξενώνας"]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((shelter.public_point.x, shelter.public_point.y), abs=1e-5)
    assert (lon, lat) != pytest.approx((23.74123, 37.99871), abs=1e-5)
    assert "Θεμιστοκλέους" not in response.content.decode()  # no addresses, phones or hours


def test_markers_take_the_filters_and_say_when_they_are_cut(api, spread):
    health = api("/api/locations/markers/", in_bbox=ATHENS_BOX, category="health").json()
    assert {f["properties"]["name"] for f in health["features"]} == {"Ιατρείο", "Ξενώνας"}
    one = api("/api/locations/markers/", in_bbox=ATHENS_BOX, limit=1).json()
    assert len(one["features"]) == 1 and one["truncated"] is True
    assert api("/api/locations/markers/", limit=10_001).status_code == 400


def test_markers_answer_304_to_their_etag(client, spread):
    first = client.get("/api/locations/markers/", {"in_bbox": ATHENS_BOX})
    again = client.get(
        "/api/locations/markers/", {"in_bbox": ATHENS_BOX}, headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304


def test_nearest_says_whether_each_location_is_open_now(api, spread):
    Location.objects.filter(pk=spread["clinic"].pk).update(opening_hours="24/7")
    Location.objects.filter(pk=spread["shelter"].pk).update(opening_hours="off")
    response = api("/api/locations/nearest/", point="23.7355,37.9864", in_bbox=ATHENS_BOX, limit=5)
    told = {
        f["properties"]["name"]: f["properties"]["open_now"] for f in response.json()["features"]
    }
    assert told == {"Ιατρείο": True, "Ξενώνας": False, "Συσσίτιο": None}


def test_the_map_page_carries_its_list_as_features_at_public_points(client, spread):
    Location.objects.filter(pk=spread["clinic"].pk).update(opening_hours="24/7")
    response = client.get("/en/", {"lat": "37.99", "lon": "23.74", "z": "14"})
    config = json.loads(
        re.search(
            r'<script id="map-config" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        ).group(1)
    )
    first = {f["properties"]["name"]: f for f in config["first"]}
    assert set(first) == {"Ιατρείο", "Ξενώνας", "Συσσίτιο"}
    assert first["Ιατρείο"]["properties"]["open_now"] is True
    assert first["Ιατρείο"]["properties"]["address"] == "Θεμιστοκλέους 80"
    assert first["Ιατρείο"]["properties"]["categories"] == ["health"]
    shelter = Location.objects.get(pk=spread["shelter"].pk)
    assert first["Ξενώνας"]["geometry"]["coordinates"] == pytest.approx(
        [shelter.public_point.x, shelter.public_point.y], abs=1e-6
    )
    assert first["Ξενώνας"]["geometry"]["coordinates"] != pytest.approx([23.74123, 37.99871])
    assert first["Ξενώνας"]["properties"]["address"] == ""  # not exact: no address
