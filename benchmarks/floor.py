"""The framework floor: bare Django views that run a shape's SQL and return its bytes.

Routed only by benchmarks.bench_urls (benchmark settings); the shipped app never serves them.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from benchmarks.sql import body_of, query_for
from layers.tiles import fetch_tile

CONTENT_TYPES = {
    "nearest": "application/geo+json",
    "bbox": "application/geo+json",
    "text": "application/geo+json",
    "tile": "application/vnd.mapbox-vector-tile",
}


def _run(kind: str, request: dict) -> bytes:
    sql, params, _source = query_for(kind, request)
    if kind == "tile":
        return fetch_tile(sql, params)  # the API's own fetch, in binary
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return body_of(kind, cur.fetchall())


def nearest(request: HttpRequest) -> HttpResponse:
    try:
        lon, lat = (float(v) for v in request.GET["point"].split(","))
        limit = int(request.GET.get("limit", 10))
    except (KeyError, ValueError):
        return HttpResponseBadRequest("point=lon,lat")
    body = _run("nearest", {"lon": lon, "lat": lat, "limit": limit})
    return HttpResponse(body, content_type=CONTENT_TYPES["nearest"])


def bbox(request: HttpRequest) -> HttpResponse:
    try:
        minlon, minlat, maxlon, maxlat = (float(v) for v in request.GET["in_bbox"].split(","))
    except (KeyError, ValueError):
        return HttpResponseBadRequest("in_bbox=minlon,minlat,maxlon,maxlat")
    limit = int(request.GET.get("limit", 500))
    request_ = {
        "minlon": minlon,
        "minlat": minlat,
        "maxlon": maxlon,
        "maxlat": maxlat,
        "limit": limit,
    }
    return HttpResponse(_run("bbox", request_), content_type=CONTENT_TYPES["bbox"])


def text(request: HttpRequest) -> HttpResponse:
    request_ = {"q": request.GET.get("q", ""), "limit": int(request.GET.get("limit", 500))}
    return HttpResponse(_run("text", request_), content_type=CONTENT_TYPES["text"])


def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    return HttpResponse(_run("tile", {"z": z, "x": x, "y": y}), content_type=CONTENT_TYPES["tile"])


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")
