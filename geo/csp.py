"""The site's Content-Security-Policy middleware: django-csp's, plus the tile server's origin read
from the settings on each request (so tests and deployments that point the tiles elsewhere stay
consistent). It never adds 'unsafe-inline' or 'unsafe-eval' for scripts; views that need more
declare it themselves with django-csp's decorators."""

import base64
import hashlib
import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.template.loader import get_template


def tile_origin(url_template: str) -> str | None:
    """`https://tile.example.org` from a tile URL template; None for a relative (own) URL.

    A `{s}` sub-domain placeholder becomes a `*.` wildcard, which CSP allows at the left only."""
    parts = urlsplit(url_template)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host[len("{s}.") :]
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(settings.GEITONIA_TILE_URL)
        if origin:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts


_BARE_TAG = re.compile(r"<(script|style)>", flags=re.IGNORECASE)


def with_nonce(html: str, nonce: str) -> str:
    """`html` (a whole document we generated, e.g. folium's) with `nonce` on its bare inline
    `<script>` and `<style>` tags, so that the policy can allow exactly those."""
    return _BARE_TAG.sub(lambda m: f'<{m.group(1)} nonce="{nonce}">', html)


_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", flags=re.DOTALL)


def template_style_hashes(template_name: str) -> list[str]:
    """CSP hash sources ('sha256-...') of the inline <style> blocks of a third-party template, as
    written (they hold no template tags), so a view can allow exactly those and no other."""
    source = get_template(template_name).template.source
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in _STYLE_BLOCK.findall(source)
    ]
