"""The public, read-only API: GeoJSON locations, nearest, an area's locations, layers, tiles.

Thin: parse the parameters (layers.params), run the search (geo.search, which builds the GeoJSON
in the database), answer. Bad parameters get a 400 naming the parameter.
"""

import orjson
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from geo import search
from geo.models import Area
from geo.search import POINT_PARAMETER, Circle, SearchError
from geo.search.places import locate
from layers import caching, openapi, params
from layers.listing import is_open
from layers.models import Layer
from layers.tiles import ALL, check_tile, render_tile


class FirstRenderer(BaseContentNegotiation):
    """The views answer in one media type each, whatever the Accept header asks."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PublicReadView(APIView):
    """No sessions or CSRF for reading public data; SearchError becomes a 400."""

    authentication_classes = ()
    content_negotiation_class = FirstRenderer

    def handle_exception(self, exc):
        if isinstance(exc, SearchError):
            return JsonResponse({"detail": str(exc), "parameter": exc.parameter}, status=400)
        return super().handle_exception(exc)


def _page_urls(request: HttpRequest, *, limit: int, offset: int) -> tuple[str, str | None]:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset + limit)
    next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    previous_url = None
    if offset > 0:
        query["offset"] = str(max(0, offset - limit))
        previous_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return next_url, previous_url


def geojson_page(request: HttpRequest, *, area_slug: str | None = None) -> HttpResponse:
    """A page of locations; the parameters that need the database are read only when the page
    is built, so a repeat is answered from the cache with one query (the data version)."""
    limit = params.integer(
        request.GET, "limit", default=params.PAGE_LIMIT_DEFAULT, low=1, high=params.PAGE_LIMIT_MAX
    )
    offset = params.integer(request.GET, "offset", default=0, low=0, high=10_000_000)
    open_at = params.open_at(request.GET)
    next_url, previous_url = _page_urls(request, limit=limit, offset=offset)

    def build() -> str:
        area = None
        if area_slug is not None:
            area = Area.objects.filter(slug=area_slug).first()
            if area is None:
                raise Http404("no such area")
        filters = params.filters(request.GET, area_found=area, open_at=open_at)
        return search.locations_page(
            filters, limit=limit, offset=offset, next_url=next_url, previous_url=previous_url
        )

    if open_at is not None:
        # Depends on the clock, not only on the data: no ETag, a short shared lifetime.
        response = HttpResponse(build(), content_type=openapi.GEOJSON)
        response["Cache-Control"] = "public, max-age=60"
        return response
    return caching.versioned(request, build, content_type=openapi.GEOJSON)


class LocationList(PublicReadView):
    @extend_schema(
        operation_id="locations_list",
        summary="Locations as a GeoJSON FeatureCollection, by page",
        parameters=openapi.PAGING + openapi.FILTERS,
        responses={
            (200, openapi.GEOJSON): openapi.OpenApiResponse(openapi.PAGE),
            **openapi.NOT_MODIFIED,
            **openapi.BAD_REQUEST,
        },
    )
    def get(self, request):
        return geojson_page(request)


class AreaLocations(PublicReadView):
    @extend_schema(
        operation_id="areas_locations",
        summary="The locations inside an area, as a GeoJSON FeatureCollection",
        parameters=[
            openapi.AREA_SLUG,
            *openapi.PAGING,
            *[p for p in openapi.FILTERS if p.name != "area"],
        ],
        responses={
            (200, openapi.GEOJSON): openapi.OpenApiResponse(openapi.PAGE),
            **openapi.NOT_MODIFIED,
            **openapi.BAD_REQUEST,
            **openapi.NOT_FOUND,
        },
    )
    def get(self, request, slug: str):
        return geojson_page(request, area_slug=slug)


class NearestLocations(PublicReadView):
    @extend_schema(
        operation_id="locations_nearest",
        summary="The nearest locations to a point, an address or an area, nearest first",
        parameters=openapi.NEAREST_PARAMS + openapi.FILTERS,
        responses={
            (200, openapi.GEOJSON): openapi.OpenApiResponse(openapi.NEAREST),
            **openapi.BAD_REQUEST,
        },
    )
    def get(self, request):
        query = request.GET
        if query.get(POINT_PARAMETER) and query.get("near") is not None:
            raise SearchError("near", "give either point or near, not both")
        place = None
        if raw := query.get(POINT_PARAMETER):
            centre = params.centre(raw)
        elif "near" in query:
            place = locate(query["near"])
            centre = place.centre
        else:
            raise SearchError(POINT_PARAMETER, "give point=lon,lat or near=<address or area name>")
        limit = params.integer(
            query,
            "limit",
            default=params.NEAREST_LIMIT_DEFAULT,
            low=1,
            high=params.NEAREST_LIMIT_MAX,
        )
        inside_area = place.area if place and params.boolean(query, "inside") else None
        filters = params.filters(query, area_found=inside_area, open_at=params.open_at(query))
        if raw := query.get("dist"):
            try:
                metres = float(raw)
            except ValueError:
                raise SearchError("dist", "give a distance in metres") from None
            filters = search.Filters(**{**filters.__dict__, "circle": Circle(centre, metres)})
        hits = search.nearest(centre, limit=limit, filters=filters)
        now = timezone.now()
        features = []
        for hit in hits:
            properties = hit.feature["properties"]
            properties["distance"] = hit.distance
            # As the server-rendered list tells it (the location's hours); this response is
            # already tied to the clock (no ETag, max-age 60).
            properties["open_now"] = is_open(properties["opening_hours"], at=now)
            features.append(hit.feature)
        body = {
            "type": "FeatureCollection",
            "centre": {"type": "Point", "coordinates": [centre.lon, centre.lat]},
            "near": place
            and {
                "label": place.label,
                "how": place.how,
                "area": place.area.slug if place.area else None,
            },
            "features": features,
        }
        response = HttpResponse(orjson.dumps(body), content_type=openapi.GEOJSON)
        response["Cache-Control"] = "public, max-age=60"
        return response


def _layers_body(request: HttpRequest) -> bytes:
    # Built by hand: reverse() and build_absolute_uri() would percent-encode the {z}/{x}/{y}.
    root = request.build_absolute_uri("/").rstrip("/")
    tiles = root + reverse("tiles", args=["LAYER", 0, 0, 0]).replace("/0/0/0.", "/{z}/{x}/{y}.")
    locations = root + reverse("api-locations")
    rows = []
    for layer in Layer.objects.filter(active=True).prefetch_related("categories"):
        rows.append(
            {
                "slug": layer.slug,
                "name_el": layer.name_el,
                "name_en": layer.name_en,
                "names": layer.names,
                "categories": [c.slug for c in layer.categories.all()],
                "organisation_kinds": layer.organisation_kinds,
                "colour": layer.colour,
                "icon": layer.icon,
                "tiles": tiles.replace("/LAYER/", f"/{layer.slug}/"),
                "locations": f"{locations}?layer={layer.slug}",
            }
        )
    return orjson.dumps(rows)


class LayerList(PublicReadView):
    @extend_schema(
        operation_id="layers_list",
        summary="The map's layers, with their styles and where their data is",
        responses={
            (200, "application/json"): openapi.OpenApiResponse(openapi.LAYERS),
            **openapi.NOT_MODIFIED,
        },
    )
    def get(self, request):
        return caching.versioned(
            request, lambda: _layers_body(request), content_type="application/json"
        )


class Tile(PublicReadView):
    @extend_schema(
        operation_id="tiles",
        summary="A vector tile of a layer's locations ('all' for every location)",
        parameters=openapi.TILE_PATH,
        responses={
            **openapi.TILE_RESPONSE,
            **openapi.NOT_MODIFIED,
            **openapi.BAD_REQUEST,
            **openapi.NOT_FOUND,
        },
    )
    def get(self, request, layer: str, z: int, x: int, y: int):
        check_tile(z, x, y)

        def build() -> bytes:
            filters = None
            if layer != ALL:
                filters = search.Filters(selection=params.selection(params.layer(layer)))
            return render_tile(z, x, y, layer_name=layer, filters=filters)

        return caching.versioned(request, build, content_type=openapi.MVT)
