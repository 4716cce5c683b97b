"""Bad input gets a 400 whose message names the parameter; never a 500."""

import pytest

pytestmark = pytest.mark.django_db

LOCATIONS = "/api/locations/"
NEAREST = "/api/locations/nearest/"


@pytest.mark.parametrize(
    "path, query, parameter, words",
    [
        (LOCATIONS, {"in_bbox": "23.7,37.9,23.8"}, "in_bbox", "4 comma-separated numbers"),
        (LOCATIONS, {"in_bbox": "23.7,37.9,x,38"}, "in_bbox", "numbers"),
        (LOCATIONS, {"in_bbox": "37.9,23.7,38.0,23.8"}, "in_bbox", "lat,lon"),
        (LOCATIONS, {"in_bbox": "23.7,91,23.8,92"}, "in_bbox", "-90..90"),
        (LOCATIONS, {"in_bbox": "179,-10,-179,10"}, "in_bbox", "antimeridian"),
        (LOCATIONS, {"in_bbox": "23.7,nan,23.8,38"}, "in_bbox", "finite"),
        (LOCATIONS, {"limit": "100000"}, "limit", "at most 5000 (the cap)"),
        (LOCATIONS, {"limit": "0"}, "limit", "at least 1"),
        (LOCATIONS, {"offset": "-1"}, "offset", "at least 0"),
        (LOCATIONS, {"category": "no-such-category"}, "category", "unknown category"),
        (LOCATIONS, {"layer": "no-such-layer"}, "layer", "unknown layer"),
        (LOCATIONS, {"language": "xx"}, "language", "unknown language"),
        (LOCATIONS, {"audience": "martians"}, "audience", "unknown audience"),
        (LOCATIONS, {"organisation_kind": "cartel"}, "organisation_kind", "unknown"),
        (LOCATIONS, {"area": "Ατλαντίδα"}, "area", "no area"),
        (LOCATIONS, {"open_now": "maybe"}, "open_now", "true or false"),
        (LOCATIONS, {"open_at": "tomorrow"}, "open_at", "ISO 8601"),
        (LOCATIONS, {"q": "'; DROP TABLE geo_location; --"}, "q", "without markup or SQL"),
        (LOCATIONS, {"q": "1 UNION SELECT password FROM auth_user"}, "q", "SQL"),
        (LOCATIONS, {"q": "<script>alert(1)</script>"}, "q", "markup"),
        (NEAREST, {}, "point", "point=lon,lat"),
        (NEAREST, {"point": "37.9864,23.7355"}, "point", "lat,lon"),
        (NEAREST, {"point": "23.7"}, "point", "2 comma-separated numbers"),
        (NEAREST, {"point": "200,37"}, "point", "-180..180"),
        (NEAREST, {"point": "23.7,37.9", "limit": "100000"}, "limit", "at most 100 (the cap)"),
        (NEAREST, {"point": "23.7,37.9", "dist": "-5"}, "dist", "metres"),
        (NEAREST, {"point": "23.7,37.9", "dist": "far"}, "dist", "metres"),
        (NEAREST, {"point": "23.7,37.9", "category": "nope"}, "category", "unknown"),
        (NEAREST, {"near": ""}, "near", "address or an area name"),
        (NEAREST, {"near": "   "}, "near", "address or an area name"),
        (NEAREST, {"near": "x" * 500}, "near", "address or an area name"),
        (NEAREST, {"near": "<script>alert(1)</script>"}, "near", "address or an area name"),
        (NEAREST, {"near": "?!%$"}, "near", "address or an area name"),
        (NEAREST, {"near": "Ατλαντίδα"}, "near", "no area or address found"),
        (NEAREST, {"near": "Kypseli", "point": "23.7,37.9"}, "near", "not both"),
    ],
)
def test_bad_parameters_are_named_in_a_400(api, path, query, parameter, words):
    response = api(path, **query)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"].startswith(f"{parameter}: ")
    assert words in body["detail"]


def test_the_area_endpoint_400s_too(api, areas):
    response = api("/api/areas/kypseli/locations/", in_bbox="1,2,3")
    assert response.status_code == 400 and response.json()["parameter"] == "in_bbox"


def test_writes_are_refused_to_anonymous_users(client):
    assert client.post(LOCATIONS, {}).status_code in (401, 403, 405)
    assert client.delete("/api/layers/").status_code in (401, 403, 405)
