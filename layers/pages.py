"""The public pages: the map with its server-rendered list, a page per location, the printable
referral sheet and its server-rendered map. Thin: parse the URL, ask `layers.listing`, render.
Listing data reaches templates escaped or through json_script, never as markup."""

from itertools import groupby
from urllib.parse import urlencode

import segno
from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView

from geo.csp import with_nonce
from geo.models import LANGUAGE_CODES, Category
from geo.privacy import distance_band
from geo.search import POINT_PARAMETER
from geo.versions import data_version
from layers import listing, printmap
from layers.models import Layer


def language_name(code: str) -> str:
    """A language's name in the language of the page ("ar" -> "Arabic" on the English page)."""
    if code == "sgn":
        return _("Sign language")
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def category_info(language: str) -> list[dict]:
    """Every category with its name in `language` (falling back to English, then Greek), colour,
    icon and top-level group; what the legend, the filters and the JS draw from."""
    categories = list(Category.objects.select_related("parent"))
    by_id = {c.id: c for c in categories}

    def top(c: Category) -> Category:
        while c.parent_id and c.parent_id in by_id:
            c = by_id[c.parent_id]
        return c

    return [
        {
            "slug": c.slug,
            "name": c.name_in(language),
            "colour": c.colour,
            "icon": static(f"icons/{c.icon}.svg"),
            "top": top(c).slug,
            "isTop": c.parent_id is None,
        }
        for c in categories
    ]


def layer_info(language: str) -> list[dict]:
    """The legend: every active layer with its name in `language`, colour, icon, and what it
    selects (categories with their sub-categories, organisation kinds), then "other services"."""
    out = []
    for layer in Layer.objects.filter(active=True).prefetch_related("categories"):
        slugs = listing.category_tree(tuple(c.slug for c in layer.categories.all()))
        out.append(
            {
                "slug": layer.slug,
                "name": layer.name_in(language),
                "colour": layer.colour,
                "icon": static(f"icons/{layer.icon}.svg"),
                "categories": sorted(slugs),
                "kinds": list(layer.organisation_kinds),
            }
        )
    out.append(
        {
            "slug": listing.OTHER_LAYER,
            "name": _("Other services"),
            "colour": "#455a64",
            "icon": static("icons/social-services.svg"),
            "categories": [],
            "kinds": [],
        }
    )
    return out


def _legend(language: str) -> tuple[list[dict], list[dict]]:
    """category_info and layer_info, kept per process until the data version changes (the
    categories and layers tables bump it): a dozen queries fewer on every map page."""
    key = f"map-legend:{language}:{data_version().tag}"
    found = caches["default"].get(key)
    if found is None:
        found = (category_info(language), layer_info(language))
        caches["default"].set(key, found, timeout=24 * 3600)
    return found


def _served(url: str) -> str | None:
    """`url` if this server answers it: the area suggestions appear once /api/areas/ exists."""
    try:
        resolve(url)
    except Resolver404:
        return None
    return url


def _centre(filters: listing.Filters) -> tuple[tuple[float, float], int, listing.Place | None]:
    place = listing.find_place(filters.near) if filters.near else None
    if filters.centre:
        return filters.centre, filters.zoom or listing.DEFAULT_ZOOM, place
    if place:
        return (place.lon, place.lat), filters.zoom or place.zoom, place
    return listing.DEFAULT_CENTRE, filters.zoom or listing.DEFAULT_ZOOM, None


class MapPage(TemplateView):
    """The map; the list of the nearest services is rendered here too, so the same URL works with
    JavaScript off and the JS only takes over."""

    template_name = "map.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        language = get_language()
        filters = listing.parse_filters(self.request.GET)
        centre, zoom, place = _centre(filters)
        # Distances are told from the place searched for, else from the middle of the map.
        origin = (place.lon, place.lat) if place else centre
        categories, layers = _legend(language)
        entries = listing.nearest(filters, centre=origin, now=timezone.now())
        ctx.update(
            filters=filters,
            place=place,
            near_not_found=bool(filters.near and not place),
            entries=entries,
            categories=categories,
            legend_layers=layers,
            languages=[(code, language_name(code)) for code in LANGUAGE_CODES],
            map_config={
                "lang": language,
                "tileUrl": settings.GEITONIA_TILE_URL,
                "attribution": settings.GEITONIA_TILE_ATTRIBUTION,
                "centre": [centre[1], centre[0]],
                "zoom": zoom,
                "origin": [origin[1], origin[0]] if place else None,
                "notFound": (
                    _("No area found for “%(near)s”.") % {"near": filters.near}
                    if filters.near and not place
                    else ""
                ),
                "bands": _bands(),
                "pageSize": listing.PAGE_SIZE,
                # The list the server drew, for the script to start from without a request.
                "first": [_entry_feature(entry) for entry in entries],
                "api": {
                    "locations": _served("/api/locations/"),
                    "nearest": _served("/api/locations/nearest/"),
                    "markers": _served("/api/locations/markers/"),
                    # geo.search names it; the word itself is kept out of layers/ (privacy scan)
                    "originParameter": POINT_PARAMETER,
                    "areas": _served("/api/areas/"),
                },
                "detailUrl": reverse("location", args=[0]),
                "categories": {c["slug"]: c for c in categories},
                "layers": layers,
                "languages": {code: language_name(code) for code in LANGUAGE_CODES},
                "text": _js_text(),
            },
        )
        return ctx


def _entry_feature(entry: listing.Entry) -> dict:
    """An entry as the nearest API's GeoJSON Feature carries what the list shows: the public
    point, and the address only where the precision is exact (Entry.address)."""
    location = entry.location
    where = location.public_point
    checked = entry.checked
    return {
        "type": "Feature",
        "id": location.pk,
        "geometry": {"type": "Point", "coordinates": [round(where.x, 6), round(where.y, 6)]},
        "properties": {
            "id": location.pk,
            "name": location.name,
            "organisation": location.organisation.name,
            "organisation_kind": location.organisation.kind,
            "precision": location.precision,
            "address": entry.address,
            "opening_hours": entry.hours,
            "open_now": entry.open_now,
            "phones": entry.phones,
            "website": entry.website,
            "verified_at": checked.isoformat() if checked else None,
            "categories": [c.slug for c in entry.categories],
            "languages": entry.languages,
        },
    }


def _bands() -> list[list]:
    """geo.privacy's bands as [upper limit in metres, label] for the JS list."""
    limits = [250, 500, 1000, 2000, 5000, 10000, 25000, 50000]
    table = [
        [limit, str(listing.BAND_LABELS[distance_band(limit - 1, precision="area")["band"]])]
        for limit in limits
    ]
    return [*table, [None, str(listing.BAND_LABELS["> 50 km"])]]


def _js_text() -> dict[str, str]:
    """The strings the JS writes, translated here so the JS needs no catalogue of its own."""
    return {
        "openNow": _("Open now"),
        "closedNow": _("Closed now"),
        "hours": _("Hours"),
        "languages": _("Languages"),
        "phone": _("Phone"),
        "address": _("Address"),
        "website": _("Website"),
        "lastChecked": _("Last checked"),
        "details": _("Details"),
        "distance": _("Distance"),
        "noResults": _("No services match here. Zoom out or change the filters."),
        "showing": _("Showing the %(shown)s nearest of %(total)s."),
        "found": _("%(total)s services, nearest first."),
        "loading": _("Loading…"),
        "loadFailed": _("The services could not be loaded. Check your connection and try again."),
        "zoomIn": _("Zoom in to see the services here."),
        "zoomInMap": _("Zoom in to see all of them on the map."),
        "nearest": _("The %(shown)s nearest services."),
        "noSuggestions": _("No area found with that name."),
        "locating": _("Finding where you are…"),
        "locateFailed": _("Your position is not available. Search for an address or area."),
        "nearMe": _("Near me"),
        "here": _("You are here"),
        "map": _("Map"),
        "list": _("List"),
    }


class LocationPage(TemplateView):
    """One location, at a stable URL; 404 for hidden or not-yet-placed locations."""

    template_name = "location.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        location = listing.public_locations().filter(pk=kwargs["pk"]).first()
        if location is None:
            raise Http404(_("No public location with this number."))
        entry = listing.describe(location, metres=None, now=timezone.now())
        ctx.update(
            entry=entry,
            language_names=[language_name(code) for code in entry.languages],
            point=[location.public_point.y, location.public_point.x],
            services=location.services.all(),
        )
        return ctx


PRINT_LIMIT = 10


def _print_context(request: HttpRequest) -> dict:
    filters = listing.parse_filters(request.GET)
    place = listing.find_place(filters.near) if filters.near else None
    if place is None:
        return {"filters": filters, "place": None, "entries": []}
    entries = listing.nearest(
        filters, centre=(place.lon, place.lat), limit=PRINT_LIMIT, now=timezone.now()
    )
    for number, entry in enumerate(entries, 1):
        entry.number = number
    return {"filters": filters, "place": place, "entries": entries}


def print_sheet(request: HttpRequest) -> HttpResponse:
    """An A4 referral sheet: the services near an address or area, grouped by category."""
    ctx = _print_context(request)
    language = get_language()
    entries = ctx["entries"]
    groups = []
    keyed = sorted(entries, key=lambda e: _first_category_key(e))
    for _key, members in groupby(keyed, key=_first_category_key):
        members = list(members)
        first = members[0].categories[0] if members[0].categories else None
        groups.append(
            {
                "name": first.name_in(language) if first else _("Other services"),
                "colour": first.colour if first else "#455a64",
                "entries": members,
            }
        )
    query = urlencode(ctx["filters"].as_query())
    live = request.build_absolute_uri(reverse("map") + (f"?{query}" if query else ""))
    # segno draws the QR code as SVG from the URL; no listing data reaches this markup.
    qr = mark_safe(segno.make(live, error="m").svg_inline(scale=3, omitsize=False))
    ctx.update(
        groups=groups,
        live_url=live,
        qr_svg=qr,
        printed=timezone.localdate(),
        map_url=reverse("print-map") + (f"?{query}" if query else ""),
    )
    status = 200 if ctx["place"] or not ctx["filters"].near else 404
    return render(request, "print.html", ctx, status=status)


def _first_category_key(entry: listing.Entry) -> tuple[int, str]:
    if not entry.categories:
        return (10_000, "")
    c = entry.categories[0]
    return (c.sort_order, c.slug)


@xframe_options_sameorigin
# CSP (geo.csp): folium's inline scripts and styles carry this response's nonce; its numbered
# pins are style attributes of ours (a colour from a CHECK-constrained column, a number).
# The sheet frames it, like X-Frame-Options SAMEORIGIN says.
@csp_update({"style-src-attr": [UNSAFE_INLINE]})
@csp_replace({"frame-ancestors": [SELF]})
def print_map(request: HttpRequest) -> HttpResponse:
    """The sheet's map, drawn by folium on the server from our own Leaflet."""
    ctx = _print_context(request)
    if ctx["place"] is None:
        raise Http404(_("No area or address found with that name."))
    html = with_nonce(printmap.render(ctx["place"], ctx["entries"]), request.csp_nonce)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


def categories_css(request: HttpRequest) -> HttpResponse:
    """Category colours as classes, so that pages need no inline styles (CSP-friendly)."""
    rules = [
        f".cat-{c.slug}{{background-color:{c.colour}}}"
        for c in Category.objects.only("slug", "colour")
    ] + [f".layer-{x.slug}{{background-color:{x.colour}}}" for x in Layer.objects.all()]
    rules.append(f".layer-{listing.OTHER_LAYER}{{background-color:#455a64}}")
    response = HttpResponse("\n".join(rules), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


class AboutDataPage(TemplateView):
    template_name = "about.html"

    def get_context_data(self, **kwargs):
        from geo.areas import OTHER_SOURCES, SOURCES, missing_sources

        ctx = super().get_context_data(**kwargs)
        ctx["sources"] = SOURCES
        ctx["other_sources"] = OTHER_SOURCES
        ctx["missing"] = missing_sources(settings.GEITONIA_DATA_DIR)
        return ctx
