"""Partners' embeds: the map and list at /embed/<public_id>/ framed only by the origins on the
embed's configuration, the admin's snippet builder, and the oEmbed endpoint. The embed is the
public map page with another template and a config; it never reads anything the map cannot."""

import math
from urllib.parse import urlencode, urlsplit

from csp.constants import SELF
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import translation
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from layers.models import Embed
from layers.pages import MapPage

# The iframe's size when the partner does not say: the embed reports its real height afterwards.
DEFAULT_WIDTH = 800
DEFAULT_HEIGHT = 640
# Roughly the width of the map panel in an embed, in CSS pixels, for "fit to the area".
_FIT_PIXELS = 480


def site_origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def frame_ancestors(embed: Embed) -> list[str]:
    """Who may frame this embed: its partners' origins, and this site (the snippet builder's
    preview). Nothing else, so a hostile page cannot wrap the map in its own."""
    return [SELF, *embed.allowed_origins]


def _fit_zoom(extent: tuple[float, float, float, float]) -> int:
    """The web-mercator zoom at which `extent` (lon/lat degrees) fits about _FIT_PIXELS across."""
    west, south, east, north = extent
    lat = math.radians((south + north) / 2)
    span = max(east - west, (north - south) / max(math.cos(lat), 0.1), 1e-4)
    return max(5, min(16, int(math.log2(360 * _FIT_PIXELS / (256 * span)))))


def embed_query(embed: Embed) -> QueryDict:
    """The map URL's state for the embed's start: its categories (its layers' included) and view."""
    slugs = set(embed.categories.values_list("slug", flat=True))
    for layer in embed.layers.filter(active=True).prefetch_related("categories"):
        slugs.update(c.slug for c in layer.categories.all())
    params: dict[str, str] = {}
    if slugs:
        params["category"] = ",".join(sorted(slugs))
    if embed.start_view == Embed.StartView.CENTRE:
        lat, lon, zoom = embed.centre_lat, embed.centre_lon, embed.zoom
    else:
        centroid = embed.area.centroid
        lat, lon, zoom = centroid.y, centroid.x, _fit_zoom(embed.area.boundary.extent)
    params.update(lat=f"{lat:.4f}", lon=f"{lon:.4f}", z=str(zoom))
    return QueryDict(urlencode(params))


class EmbedPage(MapPage):
    """The public map page without the site's header, in the embed's language."""

    template_name = "embed.html"
    embed: Embed | None = None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        initial = embed_query(self.embed).urlencode()
        ctx["embed"] = self.embed
        ctx["map_config"]["embed"] = {
            "initialQuery": initial,
            "first": self.embed.first,
            # The origins this page may report its height to: never "*".
            "allowedOrigins": [site_origin(self.request), *self.embed.allowed_origins],
        }
        ctx["form_action"] = self.request.path
        return ctx


@xframe_options_exempt
@require_safe
def embed_page(request: HttpRequest, public_id: str) -> HttpResponse:
    embed = Embed.objects.select_related("area").filter(public_id=public_id, enabled=True).first()
    if embed is None:
        raise Http404("No such embed.")
    if not request.GET:
        # No state in the URL yet: start where the partner chose (the JS writes it to the URL).
        request.GET = embed_query(embed)
    with translation.override(embed.language):
        response = EmbedPage.as_view(embed=embed)(request)
        response.render()
    # Framing by rule: X-Frame-Options is left off (xframe_options_exempt), since it cannot list
    # origins; CSP frame-ancestors, which browsers prefer anyway, says who may frame the map.
    response._csp_replace = {"frame-ancestors": frame_ancestors(embed)}
    response["Content-Language"] = embed.language
    return response


def iframe_code(request: HttpRequest, embed: Embed, *, width: int | None, height: int) -> str:
    """The snippet a partner pastes: the iframe and our resizing script."""
    src = request.build_absolute_uri(reverse("embed", args=[embed.public_id]))
    script = request.build_absolute_uri(static("js/geitonia-embed.js"))
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy" '
        'referrerpolicy="origin" data-geitonia-embed '
        'style="border:0;max-width:100%"></iframe>\n'
        '<script src="{}" async></script>',
        src,
        f"Geitonia: {embed.partner}",
        width or "100%",
        height,
        script,
    )


@staff_member_required
def snippet_builder(request: HttpRequest, pk: int) -> HttpResponse:
    """The iframe code for a partner with a live preview (the admin links here)."""
    from django.contrib import admin

    embed = get_object_or_404(Embed, pk=pk)
    ctx = {
        **admin.site.each_context(request),
        "title": f"Embed code: {embed.partner}",
        "embed": embed,
        "opts": Embed._meta,
        "code": iframe_code(request, embed, width=None, height=DEFAULT_HEIGHT),
        "embed_url": reverse("embed", args=[embed.public_id]),
        "embed_src": request.build_absolute_uri(reverse("embed", args=[embed.public_id])),
        "script_url": request.build_absolute_uri(static("js/geitonia-embed.js")),
        "default_height": DEFAULT_HEIGHT,
    }
    return render(request, "admin/layers/embed/snippet.html", ctx)


# --- oEmbed ---------------------------------------------------------------------------------


def oembed_link(request: HttpRequest, url: str) -> str:
    """The discovery URL for a page of ours."""
    return (
        request.build_absolute_uri(reverse("oembed"))
        + "?"
        + urlencode({"url": url, "format": "json"})
    )


def _size(raw: str | None, default: int) -> int:
    try:
        value = int(raw or "")
    except ValueError:
        return default
    return max(100, min(default, value))


def _resolve(path: str) -> ResolverMatch:
    """Resolve a path of ours, language-prefixed pages included (whatever language is active)."""
    prefix = path.strip("/").split("/", 1)[0]
    language = prefix if prefix in dict(settings.LANGUAGES) else translation.get_language()
    with translation.override(language):
        try:
            return resolve(path)
        except Resolver404 as error:
            raise Http404("Not a map or embed URL.") from error


@require_safe
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed 1.0 for this site's map and embed URLs (JSON only: xml answers 501)."""
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        return HttpResponse("Only format=json is implemented.", status=501)
    url = request.GET.get("url", "")
    parts = urlsplit(url)
    if not url or parts.scheme not in ("http", "https") or parts.netloc != request.get_host():
        raise Http404("Not a URL of this site.")
    match = _resolve(parts.path)
    width = _size(request.GET.get("maxwidth"), DEFAULT_WIDTH)
    height = _size(request.GET.get("maxheight"), DEFAULT_HEIGHT)
    body = {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Geitonia",
        "provider_url": site_origin(request) + "/",
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    if match.url_name == "embed":
        embed = Embed.objects.filter(public_id=match.kwargs["public_id"], enabled=True).first()
        if embed is None:
            raise Http404("No such embed.")
        body["title"] = f"Geitonia: {embed.partner}"
        body["html"] = iframe_code(request, embed, width=width, height=height)
    elif match.url_name == "map":
        # The map itself refuses framing (only configured embeds may be framed), so its oEmbed
        # is a link to it; an embed configuration gives the iframe.
        link = parts._replace(fragment="").geturl()
        body["title"] = "Geitonia"
        body["html"] = format_html(
            '<a href="{}" rel="noopener">{}</a>', link, "Geitonia: solidarity and social services"
        )
    else:
        raise Http404("Not a map or embed URL.")
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def snippet_link(embed: Embed) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:layers_embed_snippet", args=[embed.pk]), "Embed code"
    )


def discovery(request: HttpRequest) -> dict:
    """Context processor: the oEmbed discovery URL on the map and embed pages."""
    match = request.resolver_match
    if match is None or match.url_name not in ("map", "embed"):
        return {}
    return {"oembed_url": oembed_link(request, request.build_absolute_uri())}
