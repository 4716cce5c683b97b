"""Compression: gzip for the API, tiles, public pages and static files, never for a response
that may hold a CSRF token; weak ETags (what gzip makes of ours) still answer 304; and the
shipped static storage writes hashed, pre-compressed files whose module imports are hashed too."""

import gzip
import json
import math
import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static

from tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db
GZIP = {"Accept-Encoding": "gzip"}


def test_a_geojson_page_is_gzipped_and_a_list_of_weak_tags_answers_304(client):
    for n in range(5):
        ServiceFactory(locations=[LocationFactory(name=f"Ιατρείο {n}")])
    first = client.get("/api/locations/", headers=GZIP)
    assert first["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(first.content))
    assert len(body["features"]) == 5
    tags = f'W/"something-else", {first["ETag"]}'
    assert client.get("/api/locations/", headers={**GZIP, "If-None-Match": tags}).status_code == 304
    other = client.get("/api/locations/", headers={**GZIP, "If-None-Match": 'W/"stale"'})
    assert other.status_code == 200


def test_tiles_are_gzipped(client):
    for n in range(20):
        ServiceFactory(locations=[LocationFactory(name=f"Κοινωνικό ιατρείο αλληλεγγύης {n}")])
    # The z14 tile holding the factories' point (Πλατεία Εξαρχείων, 23.7355, 37.9864).
    lat = math.radians(37.9864)
    x = int((23.7355 + 180) / 360 * 2**14)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * 2**14)
    response = client.get(f"/tiles/all/14/{x}/{y}.pbf", headers=GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Κοινωνικό ιατρείο αλληλεγγύης 7".encode() in gzip.decompress(response.content)


def test_the_public_map_page_is_gzipped(client):
    response = client.get("/en/", headers=GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert b"map-config" in gzip.decompress(response.content)


def test_a_page_with_a_csrf_token_is_not_compressed(client):
    # BREACH: a secret in a compressed body beside text an attacker chooses.
    response = client.get("/admin/login/?next=/admin/", headers=GZIP)
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_static_files_are_gzipped(client):
    response = client.get("/static/js/map.js", headers=GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(response.streaming_content)).startswith(b"// The public map")


def test_collectstatic_writes_hashed_gzipped_files_and_hashed_module_imports(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "geo.staticfiles.StaticStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed_map = manifest["js/map.js"]
    assert re.fullmatch(r"js/map\.[0-9a-f]{12}\.js", hashed_map)
    assert static("js/map.js") == f"/static/{hashed_map}"
    assert (tmp_path / f"{hashed_map}.gz").exists()
    source = (tmp_path / hashed_map).read_text()
    assert f'from "./{manifest["js/results.js"].removeprefix("js/")}"' in source
    assert 'from "./results.js"' not in source
    # The admin's OpenLayers bundle is hashed; its ES sources are only copied.
    assert "vendor/ol/dist/ol.js" in manifest
    assert (tmp_path / "vendor/ol/Map.js").exists() and "vendor/ol/Map.js" not in manifest
