"""Conditional GET and a server-side cache for responses that depend only on the request and
the data version (geo.versions): layer lists, GeoJSON pages, tiles."""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from geo.versions import data_version

CACHE_ALIAS = "responses"
MAX_AGE = 60
# Bodies larger than this are not kept server-side (ETags still answer repeats with 304).
MAX_CACHED_BYTES = 8 * 1024 * 1024


def request_key(request: HttpRequest) -> str:
    """The path and the query, parameters sorted, hashed."""
    query = urlencode(sorted((k, v) for k, vs in request.GET.lists() for v in vs))
    return hashlib.blake2b(f"{request.path}?{query}".encode(), digest_size=12).hexdigest()


def _not_modified(request: HttpRequest, etag: str, changed_at_seconds: int) -> bool:
    if match := request.headers.get("If-None-Match"):
        # The weak comparison RFC 9110 prescribes for If-None-Match: gzip (geo.compression)
        # turns our ETag into W/"...", and clients send that back.
        tags = {tag.removeprefix("W/") for tag in parse_etags(match)}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and changed_at_seconds <= since


def versioned(
    request: HttpRequest,
    build: Callable[[], bytes | str],
    *,
    content_type: str,
    max_age: int = MAX_AGE,
) -> HttpResponse:
    """The response `build` makes, tagged with the data version; 304 when the client has it, and
    from the server-side cache when another client asked the same since the data changed."""
    version = data_version()
    key = request_key(request)
    etag = f'"{version.tag}-{key}"'
    changed = int(version.changed_at.timestamp())
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(changed),
        "Cache-Control": f"public, max-age={max_age}",
    }
    if _not_modified(request, etag, changed):
        response = HttpResponseNotModified()
    else:
        cache = caches[CACHE_ALIAS]
        cache_key = f"{version.tag}:{key}"
        body = cache.get(cache_key)
        if body is None:
            body = build()
            if isinstance(body, str):
                body = body.encode()
            if len(body) <= MAX_CACHED_BYTES:
                cache.set(cache_key, body, timeout=24 * 3600)
        response = HttpResponse(body, content_type=content_type)
    for name, value in headers.items():
        response[name] = value
    return response
