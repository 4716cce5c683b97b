"""Vector tiles: a layer's locations, from their public point, cached by ETag and server-side."""

import math

import mapbox_vector_tile
import pytest

from geo.models import Category
from layers.models import Layer
from layers.tiles import DETAIL_ZOOM
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

EXARCHEIA = (23.7355, 37.9864)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def lonlat_in_tile(px: float, py: float, z: int, x: int, y: int, extent: int = 4096):
    """Where a tile pixel (y up, as mapbox_vector_tile decodes) is on the map."""
    n = 2**z
    lon = (x + px / extent) / n * 360 - 180
    merc_y = y + (extent - py) / extent
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * merc_y / n))))
    return lon, lat


@pytest.fixture
def clinic_and_lawyers():
    clinic = LocationFactory(name="Ιατρείο")
    ServiceFactory(organisation=clinic.organisation, locations=[clinic])
    org = OrganisationFactory(kind="ngo", name="Νομική Βοήθεια")
    lawyers = LocationFactory(
        organisation=org, name="Νομική Βοήθεια", point="POINT(23.7360 37.9870)"
    )
    ServiceFactory(
        organisation=org, categories=[Category.objects.get(slug="legal-aid")], locations=[lawyers]
    )
    return clinic, lawyers


def _get_tile(api, layer: str, z: int, x: int, y: int, **headers):
    return api(f"/tiles/{layer}/{z}/{x}/{y}.pbf", headers=headers or None)


def test_a_layer_tile_holds_its_locations_where_they_are(api, clinic_and_lawyers):
    z = 14
    x, y = tile_of(*EXARCHEIA, z)
    response = _get_tile(api, "health", z, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    features = layers["health"]["features"]
    assert [f["properties"]["name"] for f in features] == ["Ιατρείο"]
    px, py = features[0]["geometry"]["coordinates"]
    lon, lat = lonlat_in_tile(px, py, z, x, y)
    assert lon == pytest.approx(EXARCHEIA[0], abs=1e-4)
    assert lat == pytest.approx(EXARCHEIA[1], abs=1e-4)
    everything = mapbox_vector_tile.decode(_get_tile(api, "all", z, x, y).content)
    assert sorted(f["properties"]["name"] for f in everything["all"]["features"]) == [
        "Ιατρείο",
        "Νομική Βοήθεια",
    ]


def test_tiles_at_low_zoom_and_elsewhere(api, clinic_and_lawyers):
    x, y = tile_of(*EXARCHEIA, 8)
    features = mapbox_vector_tile.decode(_get_tile(api, "all", 8, x, y).content)["all"]["features"]
    assert len(features) == 2
    assert _get_tile(api, "all", 0, 0, 0).status_code == 200
    empty = _get_tile(api, "all", 8, 0, 0)  # the Pacific
    assert empty.status_code == 200 and empty.content == b""


def test_tiles_are_cached_and_answer_304(
    api, client, clinic_and_lawyers, django_assert_num_queries
):
    z = 12
    x, y = tile_of(*EXARCHEIA, z)
    first = _get_tile(api, "health", z, x, y)
    assert first["ETag"] and "max-age" in first["Cache-Control"] and first["Last-Modified"]
    with django_assert_num_queries(1):  # the data version, then the server cache
        again = client.get(f"/tiles/health/{z}/{x}/{y}.pbf")
    assert again.content == first.content
    not_modified = _get_tile(api, "health", z, x, y, **{"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_bad_tiles_are_400s(api):
    assert _get_tile(api, "health", 23, 0, 0).json()["parameter"] == "z"
    assert _get_tile(api, "health", 2, 4, 0).json()["parameter"] == "x"
    assert _get_tile(api, "health", 2, 0, 4).json()["parameter"] == "y"
    unknown = _get_tile(api, "no-such-layer", 2, 0, 0)
    assert unknown.status_code == 400 and unknown.json()["parameter"] == "layer"


def test_overview_tiles_carry_id_and_precision_detail_tiles_the_names(api, clinic_and_lawyers):
    clinic, lawyers = clinic_and_lawyers
    detail, overview = DETAIL_ZOOM, DETAIL_ZOOM - 1
    by_zoom = {}
    for z in (overview, detail):
        x, y = tile_of(*EXARCHEIA, z)
        decoded = mapbox_vector_tile.decode(_get_tile(api, "all", z, x, y).content)
        by_zoom[z] = {f["id"]: f["properties"] for f in decoded["all"]["features"]}
    assert by_zoom[overview] == {
        clinic.id: {"precision": clinic.precision},
        lawyers.id: {"precision": lawyers.precision},
    }
    assert by_zoom[detail][clinic.id] == {
        "name": "Ιατρείο",
        "organisation": clinic.organisation.name,
        "organisation_kind": clinic.organisation.kind,
        "precision": clinic.precision,
    }


def test_an_overview_tile_of_a_layer_selecting_organisation_kinds(api, clinic_and_lawyers):
    """A layer that selects by organisation kind still filters at overview zoom, where the
    tile itself has no organisation columns."""
    clinic, lawyers = clinic_and_lawyers
    assert clinic.organisation.kind != "ngo" == lawyers.organisation.kind
    Layer.objects.create(
        slug="ngos", name_el="ΜΚΟ", organisation_kinds=["ngo"], colour="#123456", icon="ngo"
    )
    for z in (DETAIL_ZOOM - 2, DETAIL_ZOOM):
        x, y = tile_of(*EXARCHEIA, z)
        decoded = mapbox_vector_tile.decode(_get_tile(api, "ngos", z, x, y).content)
        assert [f["id"] for f in decoded["ngos"]["features"]] == [lawyers.id], z
