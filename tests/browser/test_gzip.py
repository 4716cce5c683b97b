"""gzip over real HTTP (the live server, `requests` inflating the body): the API's JSON arrives
compressed (a cached body's gzip copy, with an ETag of its own; or gzipped on the way out, which
makes the ETag weak), and that ETag sent back, weak or strong, answers 304 (layers.caching compares
weakly).
Here rather than in tests/test_compression.py: the live server needs committed data, which only
these transactional tests (the `seeded` fixture) have."""

import requests
from django.contrib.gis.geos import Point

from tests.factories import LocationFactory, ServiceFactory

GZIP = {"Accept-Encoding": "gzip"}


def test_api_json_goes_gzipped_over_http_and_its_etag_answers_304(live_server, seeded):
    for n in range(10):
        place = LocationFactory(
            name=f"Κοινωνικό ιατρείο {n}", point=Point(23.73 + n / 1000, 37.99, srid=4326)
        )
        ServiceFactory(locations=[place])
    url = f"{live_server.url}/api/locations/markers/?in_bbox=23.7,37.9,23.8,38.1"
    first = requests.get(url, headers=GZIP, timeout=10)
    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first.headers["Vary"]
    assert int(first.headers["Content-Length"]) < len(first.content)
    assert len(first.json()["features"]) == 10
    etag = first.headers["ETag"]
    again = requests.get(url, headers={**GZIP, "If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    # The weak and the strong form of the same tag match (If-None-Match compares weakly).
    bare = etag.removeprefix("W/")
    for sent in (bare, f"W/{bare}"):
        answer = requests.get(url, headers={**GZIP, "If-None-Match": sent}, timeout=10)
        assert answer.status_code == 304, sent
    # Another body's tag does not.
    other = requests.get(url, headers={**GZIP, "If-None-Match": 'W/"other"'}, timeout=10)
    assert other.status_code == 200
