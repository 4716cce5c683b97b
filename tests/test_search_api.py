"""Proximity search and the GeoJSON API, at the HTTP interface, on the real OSM hospitals of
Attica; every response is checked against our OpenAPI schema (the `api` fixture)."""

import gzip

import pytest
from django.contrib.gis.geos import Point
from geopy.distance import geodesic

from geo.demo import HOSPITALS_SOURCE, load_demo
from geo.models import Category, Location
from layers.caching import BodyCache
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SYNTAGMA = (23.7348, 37.9755)
SYNTAGMA_TEXT = "23.7348,37.9755"
# Inside Kypseli (Φωκίωνος Νέγρη) and inside Exarcheia (Πλατεία Εξαρχείων).
IN_KYPSELI = Point(23.7405, 37.9995, srid=4326)
IN_EXARCHEIA = Point(23.7355, 37.9864, srid=4326)


@pytest.fixture
def hospitals(geodata):
    report = load_demo(geodata)
    assert report.hospitals > 50
    return Location.objects.filter(source=HOSPITALS_SOURCE)


def _names(response) -> list[str]:
    return [f["properties"]["name"] for f in response.json()["features"]]


def test_nearest_hospitals_come_in_true_distance_order(api, hospitals):
    response = api("/api/locations/nearest/", point=SYNTAGMA_TEXT, limit=10, category="hospital")
    assert response.status_code == 200
    features = response.json()["features"]
    assert len(features) == 10
    # An independent geodesic (WGS84 ellipsoid) check of every distance and of the order.
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        expected = geodesic((SYNTAGMA[1], SYNTAGMA[0]), (lat, lon)).meters
        assert feature["properties"]["distance"]["metres"] == pytest.approx(expected, abs=2)
    metres = [f["properties"]["distance"]["metres"] for f in features]
    assert metres == sorted(metres)
    # And no hospital left out is nearer than the tenth.
    everything = [
        geodesic((SYNTAGMA[1], SYNTAGMA[0]), (loc.public_point.y, loc.public_point.x)).meters
        for loc in hospitals.exclude(public_point=None)
    ]
    assert metres == pytest.approx(sorted(everything)[:10], abs=2)


def test_nearest_distance_is_a_band_for_non_exact_locations(api, areas):
    sheltered = LocationFactory(
        name="Ξενώνας", precision="area", area=areas["kypseli"], point=IN_KYPSELI
    )
    ServiceFactory(organisation=sheltered.organisation, locations=[sheltered])
    response = api("/api/locations/nearest/", point="23.7405,37.9995", limit=1)
    feature = response.json()["features"][0]
    assert feature["properties"]["name"] == "Ξενώνας"
    distance = feature["properties"]["distance"]
    assert distance["metres"] is None
    assert distance["band"] in {"< 250 m", "< 500 m", "about 1 km", "about 2 km"}


def test_nearest_within_dist_and_limit(api, hospitals):
    near = api(
        "/api/locations/nearest/",
        point=SYNTAGMA_TEXT,
        limit=50,
        dist=1500,
        category="hospital",
    )
    features = near.json()["features"]
    assert features, "there are hospitals within 1.5 km of Syntagma"
    assert all(f["properties"]["distance"]["metres"] <= 1500 for f in features)
    far = api(
        "/api/locations/nearest/",
        point=SYNTAGMA_TEXT,
        limit=50,
        dist=3000,
        category="hospital",
    )
    assert len(far.json()["features"]) > len(features)


def test_nearest_from_an_area_name_and_only_inside_it(api, areas):
    inside = LocationFactory(name="Μέσα στην Κυψέλη", point=IN_KYPSELI)
    outside = LocationFactory(name="Στα Εξάρχεια", point=IN_EXARCHEIA)
    for loc in (inside, outside):
        ServiceFactory(organisation=loc.organisation, locations=[loc])
    anywhere = api("/api/locations/nearest/", near="Κυψέλη", limit=5)
    body = anywhere.json()
    assert body["near"] == {"label": "ΚΥΨΕΛΗ", "how": "area", "area": "kypseli"}
    assert _names(anywhere)[:2] == ["Μέσα στην Κυψέλη", "Στα Εξάρχεια"]
    only_inside = api("/api/locations/nearest/", near="Kypseli", inside="true", limit=5)
    assert _names(only_inside) == ["Μέσα στην Κυψέλη"]


def test_nearest_to_an_english_place_name(api, areas):
    body = api("/api/locations/nearest/", near="Athens", limit=5).json()
    assert body["near"]["how"] == "area"
    assert body["near"]["label"] == "Δήμος Αθηναίων"
    crete = api("/api/areas/", q="Crete").json()["features"][0]["properties"]
    assert (crete["name"], crete["level"]) == ("Περιφέρεια Κρήτης", "region")


def test_area_locations_are_those_inside_kypseli(api, areas):
    inside = LocationFactory(name="Μέσα στην Κυψέλη", point=IN_KYPSELI)
    outside = LocationFactory(name="Στα Εξάρχεια", point=IN_EXARCHEIA)
    for loc in (inside, outside):
        ServiceFactory(organisation=loc.organisation, locations=[loc])
    assert _names(api("/api/areas/kypseli/locations/")) == ["Μέσα στην Κυψέλη"]
    assert _names(api("/api/locations/", area="Κυψέλη")) == ["Μέσα στην Κυψέλη"]
    assert _names(api("/api/locations/", area="kypseli")) == ["Μέσα στην Κυψέλη"]
    assert api("/api/areas/no-such-area/locations/").status_code == 404


@pytest.fixture
def varied():
    """Four locations whose services differ in category, language, audience and kind."""

    def place(name, category, *, languages=("el",), audience=("everyone",), kind="ngo"):
        org = OrganisationFactory(kind=kind)
        loc = LocationFactory(organisation=org, name=name)
        ServiceFactory(
            organisation=org,
            name=f"Υπηρεσία: {name}",
            categories=[Category.objects.get(slug=category)],
            languages=list(languages),
            audience=list(audience),
            locations=[loc],
        )
        return loc

    return {
        "clinic": place("Ιατρείο", "health", languages=("el", "ar")),
        "maternity": place("Μαιευτήριο", "perinatal-care", audience=("women",), kind="public"),
        "lawyers": place("Νομική βοήθεια", "legal-aid", languages=("el", "fa")),
        "union": place("Σωματείο", "labour-rights", kind="union"),
    }


def test_category_filter_includes_sub_categories(api, varied):
    assert sorted(_names(api("/api/locations/", category="health"))) == ["Ιατρείο", "Μαιευτήριο"]
    assert _names(api("/api/locations/", category="perinatal-care")) == ["Μαιευτήριο"]
    both = api("/api/locations/", category="perinatal-care,legal-aid")
    assert sorted(_names(both)) == ["Μαιευτήριο", "Νομική βοήθεια"]


def test_language_audience_kind_and_layer_filters(api, varied):
    assert _names(api("/api/locations/", language="fa")) == ["Νομική βοήθεια"]
    assert sorted(_names(api("/api/locations/", language="ar,fa"))) == ["Ιατρείο", "Νομική βοήθεια"]
    assert _names(api("/api/locations/", audience="women")) == ["Μαιευτήριο"]
    assert _names(api("/api/locations/", organisation_kind="union")) == ["Σωματείο"]
    assert sorted(_names(api("/api/locations/", layer="health"))) == ["Ιατρείο", "Μαιευτήριο"]
    assert _names(api("/api/locations/", layer="unions")) == ["Σωματείο"]
    nearest = api("/api/locations/nearest/", point="23.7355,37.9864", language="fa")
    assert _names(nearest) == ["Νομική βοήθεια"]


def test_one_feature_per_location_with_only_the_matching_services(api, varied):
    clinic = varied["clinic"]
    ServiceFactory(
        organisation=clinic.organisation,
        name="Νομική συμβουλευτική",
        categories=[Category.objects.get(slug="legal-aid")],
        locations=[clinic],
    )
    features = api("/api/locations/", category="legal-aid").json()["features"]
    by_name = {f["properties"]["name"]: f for f in features}
    assert sorted(by_name) == ["Ιατρείο", "Νομική βοήθεια"]
    services = by_name["Ιατρείο"]["properties"]["services"]
    assert [s["name"] for s in services] == ["Νομική συμβουλευτική"]
    unfiltered = api("/api/locations/", q="υπηρεσια: ιατρειο").json()["features"]
    assert len(unfiltered) == 1 and len(unfiltered[0]["properties"]["services"]) == 2


def test_text_query_ignores_case_and_accents(api, varied):
    assert _names(api("/api/locations/", q="ΣΩΜΑΤΕΙΟ")) == ["Σωματείο"]
    assert _names(api("/api/locations/", q="νομικη")) == ["Νομική βοήθεια"]
    assert _names(api("/api/locations/", q="100%")) == []


def test_text_query_matches_greeklish_and_look_alike_letters(api, varied):
    # Greeklish of a location's name, of its organisation's name, of a service's name; a Latin
    # E and O inside Greek capitals.
    assert _names(api("/api/locations/", q="somateio")) == ["Σωματείο"]
    assert _names(api("/api/locations/", q="nomiki voitheia")) == ["Νομική βοήθεια"]
    assert _names(api("/api/locations/", q="ΣΩΜΑΤEΙO")) == ["Σωματείο"]
    union = varied["union"].organisation
    union.name = "Σωματείο Εργαζομένων Διανομής"
    union.save()
    assert _names(api("/api/locations/", q="ergazomenon dianomis")) == ["Σωματείο"]
    assert _names(api("/api/locations/", q="ypiresia maieutirio")) == ["Μαιευτήριο"]
    assert _names(api("/api/locations/", q="!!!")) == []


def test_text_query_matches_af_and_ef_as_people_type_them(api, varied):
    # αυ/ευ before a voiceless consonant are said, and typed, af/ef.
    union = varied["union"].organisation
    union.name = "Σωματείο Ελευθερίου Βενιζέλου Ναυπλίου"
    union.save()
    for typed in ("eleftheriou venizelou", "Nafpliou", "navpliou", "ελευθεριου"):
        assert _names(api("/api/locations/", q=typed)) == ["Σωματείο"], typed


def test_bbox_and_pagination(api, hospitals):
    box = "23.70,37.95,23.78,38.01"
    first = api("/api/locations/", in_bbox=box, limit=3).json()
    assert len(first["features"]) == 3 and first["previous"] is None
    for feature in first["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 23.70 <= lon <= 23.78 and 37.95 <= lat <= 38.01
    assert "offset=3" in first["next"]
    second = api("/api/locations/", in_bbox=box, limit=3, offset=3).json()
    assert {f["id"] for f in second["features"]}.isdisjoint(f["id"] for f in first["features"])
    assert "offset=0" in second["previous"]
    everything = api("/api/locations/", in_bbox=box, limit=5000).json()
    assert everything["next"] is None
    assert [f["id"] for f in everything["features"][:6]] == [
        f["id"] for f in first["features"] + second["features"]
    ]


def test_layers_list_names_styles_and_urls(api):
    layers = api("/api/layers/").json()
    assert [layer["slug"] for layer in layers] == [
        "health",
        "mental-health",
        "legal-asylum",
        "food-clothing",
        "housing",
        "children-families",
        "mutual-aid",
        "unions",
    ]
    health = layers[0]
    assert health["name_el"] == "Υγεία" and health["colour"] == "#b3261e"
    assert health["tiles"].endswith("/tiles/health/{z}/{x}/{y}.pbf")
    assert health["locations"].endswith("/api/locations/?layer=health")


def test_layer_and_page_responses_answer_304_to_their_etag(api, client, varied):
    for path in ("/api/layers/", "/api/locations/?category=health"):
        first = client.get(path)
        assert first["ETag"] and first["Last-Modified"]
        assert "max-age" in first["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
        since = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})
        assert since.status_code == 304


def test_a_change_to_the_data_changes_the_etag(client, varied):
    before = client.get("/api/locations/")
    loc = varied["clinic"]
    loc.name = "Ιατρείο (νέο όνομα)"
    loc.save()
    after = client.get("/api/locations/", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Ιατρείο (νέο όνομα)" in after.content.decode()


def test_repeated_layer_requests_come_from_the_server_cache(
    client, varied, django_assert_num_queries
):
    client.get("/api/locations/?limit=10")
    with django_assert_num_queries(1):  # the data version only
        again = client.get("/api/locations/?limit=10")
    assert again.status_code == 200 and "Ιατρείο" in again.content.decode()


def test_a_client_that_accepts_gzip_gets_the_same_body_compressed_once(
    client, varied, django_assert_num_queries
):
    plain = client.get("/api/locations/")
    zipped = client.get("/api/locations/", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain
    assert gzip.decompress(zipped.content) == plain.content
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    # One tag per representation; either answers a conditional request with 304.
    assert zipped["ETag"] != plain["ETag"]
    with django_assert_num_queries(1):  # the data version only: both bodies are cached
        again = client.get("/api/locations/", headers={"Accept-Encoding": "gzip"})
    assert again.content == zipped.content
    for tag in (plain["ETag"], zipped["ETag"]):
        held = client.get(
            "/api/locations/", headers={"Accept-Encoding": "gzip", "If-None-Match": tag}
        )
        assert held.status_code == 304 and held["ETag"] == tag


def test_the_response_cache_is_bounded_in_bytes_and_forgets_old_versions():
    cache = BodyCache(max_bytes=1000)
    cache.put("v1", "a", "identity", b"x" * 600)
    cache.put("v1", "b", "identity", b"y" * 300)
    assert cache.get("v1", "a", "identity") == b"x" * 600  # a is now the most recent
    cache.put("v1", "c", "identity", b"z" * 300)  # over 1000: b, the least recent, goes
    assert cache.get("v1", "b", "identity") is None
    assert cache.size == 900
    cache.put("v1", "d", "identity", b"w" * 2000)  # larger than the whole cache: not kept
    assert cache.get("v1", "d", "identity") is None
    cache.put("v2", "a", "identity", b"new")
    assert cache.get("v1", "c", "identity") is None  # another version: never served
    assert cache.get("v2", "a", "identity") == b"new" and cache.size == 3
