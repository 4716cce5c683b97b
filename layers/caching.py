"""Conditional GET and a server-side cache for responses that depend only on the request and
the data version (geo.versions): layer lists, GeoJSON pages, tiles. Must not build bodies itself.

The cache is in this process, holds the built bytes as they are (a hit copies nothing: a 5,000
feature page is ~4 MB, which Django's cache framework would unpickle on every hit), is bounded in
bytes (settings.GEITONIA_RESPONSE_CACHE_MB) and forgets everything when the data version moves.
A body is kept uncompressed, and gzip-compressed once for clients that accept gzip; a response
sent compressed carries Content-Encoding, so a GZipMiddleware leaves it alone instead of
compressing megabytes again on every request.
"""

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from geo.versions import data_version

MAX_AGE = 60
# Bodies larger than this are not kept server-side (ETags still answer repeats with 304).
MAX_CACHED_BYTES = 8 * 1024 * 1024
# As django.middleware.gzip: smaller bodies are not worth compressing.
MIN_GZIP_BYTES = 200
GZIP_LEVEL = 6
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


class BodyCache:
    """A thread-safe LRU of response bodies for one data version, bounded in bytes."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._version = ""
        self.size = 0

    def get(self, version: str, key: str, encoding: str) -> bytes | None:
        with self._lock:
            if version != self._version:
                return None
            body = self._bodies.get((key, encoding))
            if body is not None:
                self._bodies.move_to_end((key, encoding))
            return body

    def put(self, version: str, key: str, encoding: str, body: bytes) -> None:
        if len(body) > min(MAX_CACHED_BYTES, self.max_bytes):
            return
        with self._lock:
            if version != self._version:
                # Another version's bodies can never be served again.
                self._bodies.clear()
                self.size = 0
                self._version = version
            if (old := self._bodies.pop((key, encoding), None)) is not None:
                self.size -= len(old)
            self._bodies[(key, encoding)] = body
            self.size += len(body)
            while self.size > self.max_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self.size = 0
            self._version = ""


bodies = BodyCache(settings.GEITONIA_RESPONSE_CACHE_MB * 1024 * 1024)


def request_key(request: HttpRequest) -> str:
    """The path and the query, parameters sorted, hashed."""
    query = urlencode(sorted((k, v) for k, vs in request.GET.lists() for v in vs))
    return hashlib.blake2b(f"{request.path}?{query}".encode(), digest_size=12).hexdigest()


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def _not_modified(request: HttpRequest, etags: tuple[str, ...], changed_at_seconds: int) -> str:
    """The ETag of ours the client holds ('' if none, '*' for any); else whether its copy is
    as new as the data, by If-Modified-Since (then the first of `etags`)."""
    if match := request.headers.get("If-None-Match"):
        # The weak comparison RFC 9110 prescribes for If-None-Match: gzip (geo.compression)
        # turns our ETag into W/"...", and clients send that back.
        tags = {t.removeprefix("W/") for t in parse_etags(match)}
        if "*" in tags:
            return etags[0]
        return next((e for e in etags if e in tags), "")
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return etags[0] if since is not None and changed_at_seconds <= since else ""


def _plain_body(version: str, key: str, build: Callable[[], bytes | str]) -> bytes:
    if (body := bodies.get(version, key, "identity")) is None:
        built = build()
        body = built.encode() if isinstance(built, str) else bytes(built)
        bodies.put(version, key, "identity", body)
    return body


def _gzip_body(version: str, key: str, plain: bytes) -> bytes:
    if (body := bodies.get(version, key, "gzip")) is None:
        body = gzip.compress(plain, compresslevel=GZIP_LEVEL, mtime=0)
        bodies.put(version, key, "gzip", body)
    return body


def versioned(
    request: HttpRequest,
    build: Callable[[], bytes | str],
    *,
    content_type: str,
    max_age: int = MAX_AGE,
) -> HttpResponse:
    """The response `build` makes, tagged with the data version; 304 when the client has it, and
    from the server-side cache when another client asked the same since the data changed;
    gzip-compressed (once) when the client accepts it and the body is not tiny."""
    version = data_version()
    key = request_key(request)
    gzipped = accepts_gzip(request)
    # One tag per representation (RFC 9110, 8.8.3): the compressed body has its own; both
    # stand for the same data, so either held by the client answers with 304.
    plain_tag, gzip_tag = f'"{version.tag}-{key}"', f'"{version.tag}-{key}-gz"'
    changed = int(version.changed_at.timestamp())
    preferred = (gzip_tag, plain_tag) if gzipped else (plain_tag, gzip_tag)
    if held := _not_modified(request, preferred, changed):
        response, etag = HttpResponseNotModified(), held
    else:
        plain = _plain_body(version.tag, key, build)
        if gzipped and len(plain) >= MIN_GZIP_BYTES:
            body = _gzip_body(version.tag, key, plain)
            response = HttpResponse(body, content_type=content_type)
            response["Content-Encoding"] = "gzip"
            etag = gzip_tag
        else:
            response, etag = HttpResponse(plain, content_type=content_type), plain_tag
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed)
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Whether compressed or not, the answer depended on Accept-Encoding.
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
