"""A sentinel coordinate planted on a hidden and an area-precision location must not come out of
any endpoint or page: not in JSON, not in GeoJSON, not in a decoded vector tile."""

import math

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from geo.models import Category
from layers.models import Embed
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory
from tests.test_tiles import lonlat_in_tile, tile_of

pytestmark = pytest.mark.django_db

SENTINEL = Point(23.7411111, 38.0022222, srid=4326)  # inside Kypseli
SENTINEL_TEXTS = ("23.74111", "38.00222", "23.741111", "38.002222")


@pytest.fixture
def planted(areas):
    def plant(name, precision, kind):
        org = OrganisationFactory(name=f"Οργάνωση {name}", kind=kind)
        loc = LocationFactory(
            organisation=org,
            name=name,
            precision=precision,
            point=SENTINEL,
            area=areas["kypseli"],
            address="Φωκίωνος Νέγρη 1",
            postcode="11257",
            opening_hours="24/7",
        )
        ServiceFactory(
            organisation=org,
            categories=[Category.objects.get(slug="housing")],
            languages=["el", "ar"],
            locations=[loc],
        )
        return loc

    # A partner's embed of the area, at a known id (layers.embeds).
    Embed.objects.create(public_id="sweep-embed", partner="Δήμος", area=areas["kypseli"])
    return {
        "hidden": plant("Κρυφός Ξενώνας", "hidden", "ngo"),
        "area": plant("Ασφαλές Σπίτι", "area", "grassroots"),
    }


def _requests() -> list[str]:
    # Searched from 100 m away: a nearest response echoes its centre.
    point = "23.7420,38.0030"
    box = f"{SENTINEL.x - 0.01},{SENTINEL.y - 0.01},{SENTINEL.x + 0.01},{SENTINEL.y + 0.01}"
    paths = [
        "/el/",
        "/en/?near=Kypseli",
        "/en/?lat=38.0030&lon=23.7420&z=16&category=housing&language=ar&open_now=1",
        "/el/about/data/",
        "/el/print/?near=Kypseli",
        "/el/print/?near=Kypseli&category=housing",
        "/el/print/map/?near=Kypseli",
        "/categories.css",
        "/api/areas/?q=Kypseli",
        "/api/areas/kypseli/",
        "/api/schema/",
        "/api/docs/",
        "/api/layers/",
        "/api/locations/",
        f"/api/locations/?in_bbox={box}",
        "/api/locations/?q=Ξενώνας",
        "/api/locations/?q=Φωκίωνος",
        "/api/locations/?category=housing&language=ar&open_now=true",
        "/api/locations/?layer=housing",
        "/api/locations/?area=kypseli",
        "/api/areas/kypseli/locations/",
        "/api/locations/markers/",
        f"/api/locations/markers/?in_bbox={box}",
        "/api/locations/markers/?category=housing&language=ar&open_now=true",
        "/api/locations/markers/?layer=housing&area=kypseli",
        f"/api/locations/nearest/?point={point}",
        f"/api/locations/nearest/?point={point}&limit=100&dist=50",
        f"/api/locations/nearest/?point={point}&category=housing&open_now=1",
        "/api/locations/nearest/?near=Kypseli&inside=true",
        "/embed/sweep-embed/",
        "/embed/sweep-embed/?lat=38.0030&lon=23.7420&z=16&category=housing",
        "/oembed/?url=http%3A%2F%2Ftestserver%2Fembed%2Fsweep-embed%2F",
        "/oembed/?url=http%3A%2F%2Ftestserver%2Fen%2F%3Fnear%3DKypseli",
    ]
    return paths


def _every_route() -> set[str]:
    """The URL patterns of the site outside the admin, to check the sweep misses none."""
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern) != "admin/":
                    walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.add(prefix + str(p.pattern))

    # The pages' prefix is the active language's; name them by the default one.
    with translation.override("el"):
        walk(get_resolver().url_patterns)
    return found


def test_the_sweep_covers_every_route():
    assert _every_route() <= {
        "categories.css",
        "api/areas/",
        "api/areas/<slug:slug>/",
        "el/",
        "el/about/data/",
        "el/locations/<int:pk>/",
        "el/print/",
        "el/print/map/",
        "api/schema/",
        "api/docs/",
        "api/layers/",
        "api/locations/",
        "api/locations/nearest/",
        "api/locations/markers/",
        "api/areas/<slug:slug>/locations/",
        "tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf",
        "embed/<str:public_id>/",
        "oembed/",
    }, "a new route: add it to the privacy sweep"


def test_no_endpoint_reveals_the_sentinel(client, planted, areas):
    for path in _requests():
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        for sentinel in SENTINEL_TEXTS:
            assert sentinel not in text, path
        assert "Φωκίωνος" not in text and "11257" not in text, path
        assert "Κρυφός Ξενώνας" not in text, path
    assert client.get(f"/el/locations/{planted['hidden'].id}/").status_code == 404
    text = client.get(f"/el/locations/{planted['area'].id}/").content.decode()
    assert "Ασφαλές Σπίτι" in text
    for sentinel in SENTINEL_TEXTS:
        assert sentinel not in text
    assert "Φωκίωνος" not in text and "11257" not in text


def test_the_area_location_shows_only_its_area_centroid(client, planted, areas):
    body = client.get("/api/areas/kypseli/locations/").json()
    (feature,) = body["features"]
    centroid = areas["kypseli"].centroid
    assert feature["properties"]["name"] == "Ασφαλές Σπίτι"
    assert feature["geometry"]["coordinates"] == pytest.approx([centroid.x, centroid.y], abs=1e-6)
    nearest = client.get("/api/locations/nearest/?point=23.7420,38.0030").json()
    distance = nearest["features"][0]["properties"]["distance"]
    assert distance["metres"] is None and distance["band"]


@pytest.mark.parametrize("z", [8, 12, 14, 16, 18])
@pytest.mark.parametrize("layer", ["all", "housing", "mutual-aid"])
def test_no_tile_holds_the_sentinel(client, planted, areas, z, layer):
    x, y = tile_of(SENTINEL.x, SENTINEL.y, z)
    response = client.get(f"/tiles/{layer}/{z}/{x}/{y}.pbf")
    assert response.status_code == 200
    decoded = mapbox_vector_tile.decode(response.content) if response.content else {}
    features = decoded.get(layer, {}).get("features", [])
    # Overview tiles carry no names: the hidden location is looked for by its id.
    assert planted["hidden"].id not in [f["id"] for f in features]
    assert "Κρυφός Ξενώνας" not in [f["properties"].get("name") for f in features]
    # At this zoom one tile pixel is this many degrees: nothing may sit on the sentinel's pixel.
    pixel = 360 / 2**z / 4096
    for feature in features:
        lon, lat = lonlat_in_tile(*feature["geometry"]["coordinates"], z, x, y)
        assert math.hypot(lon - SENTINEL.x, lat - SENTINEL.y) > 2 * pixel, feature
    if features:
        centroid = areas["kypseli"].centroid
        lon, lat = lonlat_in_tile(*features[0]["geometry"]["coordinates"], z, x, y)
        assert math.hypot(lon - centroid.x, lat - centroid.y) < 2 * pixel
