"""gzip for responses that carry no secret: the API's JSON/GeoJSON, tiles, public pages and
static files served without a pre-compressed copy. It must never compress a response that may
hold a CSRF token (BREACH), nor the admin."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Already compressed: gzip would only cost CPU.
_COMPRESSED_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif", "font/woff")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding, and strong ETags made weak, which
    layers.caching accepts), skipped where a secret may be in the body.

    BREACH needs a secret repeated in responses beside text an attacker chooses. The only such
    secret here is the CSRF token: a response is skipped when the request asked for one (Django
    marks that in CSRF_COOKIE_NEEDS_UPDATE), and the admin is skipped whole. CSP nonces are new
    in every response, so there is nothing to recover across requests."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if "CSRF_COOKIE_NEEDS_UPDATE" in request.META or request.path.startswith("/admin/"):
            return response
        if response.get("Content-Type", "").startswith(_COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
