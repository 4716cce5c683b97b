"""The walking skeleton: the first API endpoint and the map page, privacy applied."""

import re

import pytest
from django.contrib.gis.geos import Point

from tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SENTINEL = Point(23.7411111, 38.0022222, srid=4326)  # inside Kypseli


@pytest.fixture
def listings(areas):
    exact = LocationFactory(name="Ανοιχτό Ιατρείο", precision="exact")
    hidden = LocationFactory(name="Ξενώνας Φιλοξενίας", precision="hidden", point=SENTINEL)
    sheltered = LocationFactory(
        name="Ασφαλές Σπίτι",
        precision="area",
        point=SENTINEL,
        area=areas["kypseli"],
        address="Φωκίωνος Νέγρη 1",
    )
    for loc in (exact, hidden, sheltered):
        ServiceFactory(organisation=loc.organisation, locations=[loc])
    return {"exact": exact, "hidden": hidden, "area": sheltered}


def test_locations_api_is_a_geojson_feature_collection(client, listings):
    response = client.get("/api/locations/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = next(f for f in body["features"] if f["properties"]["name"] == "Ανοιχτό Ιατρείο")
    assert feature["geometry"] == {"type": "Point", "coordinates": [23.7355, 37.9864]}
    props = feature["properties"]
    assert props["services"][0]["categories"] == ["health"]
    assert props["organisation"].startswith("Κοινωνικό Ιατρείο")


def test_sensitive_locations_never_reveal_their_point_or_address(client, listings, areas):
    response = client.get("/api/locations/")
    text = response.content.decode()
    names = [f["properties"]["name"] for f in response.json()["features"]]
    assert "Ξενώνας Φιλοξενίας" not in names
    area_feature = next(
        f for f in response.json()["features"] if f["properties"]["name"] == "Ασφαλές Σπίτι"
    )
    centroid = areas["kypseli"].centroid
    assert area_feature["geometry"]["coordinates"] == pytest.approx([centroid.x, centroid.y])
    assert area_feature["properties"]["address"] == ""
    assert "Φωκίωνος" not in text
    assert "23.74111" not in text and "38.00222" not in text


def test_map_page_uses_only_our_own_assets(client):
    response = client.get("/", follow=True)
    assert response.status_code == 200 and response.redirect_chain == [("/el/", 302)]
    html = response.content.decode()
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("leaflet.js") for s in srcs)
    # Our own paths, and in-page links (the skip link).
    assert all(s.startswith(("/", "#")) for s in srcs), srcs


def test_about_the_data_page_lists_sources_and_licences(client):
    html = client.get("/el/about/data/").content.decode()
    for text in ["CC BY 4.0", "Inside Airbnb", "ODbL", "OpenStreetMap", "geodata.gov.gr"]:
        assert text in html


def test_static_assets_are_served(client, live_server):
    import urllib.request

    with urllib.request.urlopen(f"{live_server.url}/static/vendor/leaflet/leaflet.js") as r:
        assert r.status == 200 and b"Leaflet" in r.read(2000)
