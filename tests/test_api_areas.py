"""GET /api/areas/ and /api/areas/<slug>/: GeoJSON, best match first, 400s that name the
parameter, and responses that match our own OpenAPI schema."""

import json

import jsonschema
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(path),
    )
    return json.loads(path.read_text())


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's null type."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _validate(openapi: dict, path: str, body: dict) -> None:
    """The response body against the 200 schema of `path` in our OpenAPI document."""
    content = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    schema = _json_schema({**content["schema"], "components": openapi["components"]})
    jsonschema.validate(body, schema)


def test_areas_by_greeklish_name_are_geojson_best_match_first(client, openapi):
    response = client.get("/api/areas/", {"q": "exarxeia"})
    assert response.status_code == 200
    body = response.json()
    _validate(openapi, "/api/areas/", body)
    assert body["type"] == "FeatureCollection"
    best = body["features"][0]
    assert best["id"] == "mouseio-exarcheia-neapoli"
    assert best["geometry"]["type"] == "Point"
    assert best["properties"] == {
        "slug": "mouseio-exarcheia-neapoli",
        "name": "ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ-ΝΕΑΠΟΛΗ",
        "level": "neighbourhood",
        "parent": "Δήμος Αθηναίων",
        "population": None,
        "match": 1.0,
    }
    matches = [f["properties"]["match"] for f in body["features"]]
    assert matches == sorted(matches, reverse=True)


def test_a_municipality_by_its_nominative_in_latin(client):
    body = client.get("/api/areas/", {"q": "Nea Smyrni", "level": "municipality"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Δήμος Νέας Σμύρνης"]


def test_levels_filter_and_may_be_several(client):
    body = client.get("/api/areas/", {"q": "Κυψέλη", "level": "neighbourhood,region"}).json()
    assert {f["properties"]["level"] for f in body["features"]} == {"neighbourhood"}
    assert len(body["features"]) == 3


def test_boundaries_come_simplified_on_request(client, openapi):
    body = client.get("/api/areas/", {"q": "Αθήνα", "geometry": "boundary", "limit": 1}).json()
    _validate(openapi, "/api/areas/", body)
    geometry = body["features"][0]["geometry"]
    assert geometry["type"] in {"Polygon", "MultiPolygon"}
    detail = client.get("/api/areas/dimos-athinaion/").json()
    full = detail["geometry"]["coordinates"]

    def count(coords) -> int:
        return 1 if isinstance(coords[0], float) else sum(count(c) for c in coords)

    assert 3 < count(geometry["coordinates"]) < count(full)


def test_without_q_areas_are_listed_by_level_and_a_huge_limit_is_capped(client):
    body = client.get("/api/areas/", {"level": "municipality", "limit": 100000}).json()
    assert len(body["features"]) == 100
    assert {f["properties"]["match"] for f in body["features"]} == {None}
    regions = client.get("/api/areas/", {"level": "region", "limit": 50}).json()["features"]
    assert len(regions) == 13


def test_one_area_with_its_full_boundary(client, openapi):
    response = client.get("/api/areas/kypseli/")
    assert response.status_code == 200
    body = response.json()
    _validate(openapi, "/api/areas/{slug}/", body)
    assert body["id"] == "kypseli"
    assert body["geometry"]["type"] == "MultiPolygon"
    assert body["properties"]["parent"] == "Δήμος Αθηναίων"
    assert body["properties"]["parent_slug"] == "dimos-athinaion"


def test_an_unknown_slug_is_a_404(client):
    assert client.get("/api/areas/no-such-place/").status_code == 404


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "12345"}, "q"),
        ({"q": "<>!?"}, "q"),
        ({"q": "α" * 101}, "q"),
        ({"q": "abc\x00def"}, "q"),
        ({"q": "北京"}, "q"),
        ({"level": "country"}, "level"),
        ({"q": "Κυψέλη", "level": ","}, "level"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"geometry": "polygon"}, "geometry"),
    ],
)
def test_bad_input_is_a_400_that_names_the_parameter(client, params, parameter):
    response = client.get("/api/areas/", params)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize(
    "q", ["'; DROP TABLE geo_area; --", "<script>alert(1)</script>", "Κυψέλη%_%", "x\\' OR 1=1"]
)
def test_sql_or_script_in_q_is_only_a_name(client, q):
    response = client.get("/api/areas/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_cors_is_open_for_get(client):
    response = client.get("/api/areas/", {"q": "Kypseli"}, HTTP_ORIGIN="https://partner.example")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
