"""The map's markers: every found location in a box as a small GeoJSON Feature (public point,
name, organisation kind, categories), for drawing and clustering many at once. The list and the
popups' details come from the full endpoints; this one never carries contact data or hours."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema

from geo import search
from geo.search.sql import SQL, location_where
from layers import caching, openapi, params
from layers.api import PublicReadView

MARKER_LIMIT_DEFAULT = 5000
MARKER_LIMIT_MAX = 10_000


def markers_sql(filters: search.Filters, *, limit: int, open_pairs: tuple[int, ...] | None) -> SQL:
    """(sql, params): a FeatureCollection of at most `limit` markers, ordered by id (an even
    spread over the box when there are more), and whether there were more."""
    values: dict = {"limit": limit, "limit_plus_one": limit + 1}
    where = location_where(filters, values, open_pairs=open_pairs)
    sql = f"""
WITH found AS (
  SELECT l.id FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
   WHERE {where}
   ORDER BY l.id LIMIT %(limit_plus_one)s
)
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE((
    SELECT json_agg(json_build_object(
      'type', 'Feature',
      'id', l.id,
      'geometry', ST_AsGeoJSON(l.public_point, 5)::json,
      'properties', json_build_object(
        'name', l.name,
        'organisation_kind', o.kind,
        'categories', COALESCE((
          SELECT json_agg(DISTINCT c.slug)
            FROM geo_service_locations sl
            JOIN geo_service s ON s.id = sl.service_id AND s.is_active
            JOIN geo_service_categories sc ON sc.service_id = s.id
            JOIN geo_category c ON c.id = sc.category_id
           WHERE sl.location_id = l.id), '[]'::json))) ORDER BY l.id)
      FROM (SELECT id FROM found ORDER BY id LIMIT %(limit)s) f
      JOIN geo_location l ON l.id = f.id
      JOIN geo_organisation o ON o.id = l.organisation_id), '[]'::json),
  'limit', %(limit)s::int,
  'truncated', (SELECT count(*) FROM found) > %(limit)s)::text"""
    return sql, values


def markers_body(filters: search.Filters, *, limit: int) -> str:
    open_pairs = search.open_service_pairs(filters, filters.open_at) if filters.open_at else None
    sql, values = markers_sql(filters, limit=limit, open_pairs=open_pairs)
    with connection.cursor() as cur:
        cur.execute(sql, values)
        return cur.fetchone()[0]


_MARKER = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": openapi.POINT,
        "properties": {
            "type": "object",
            "required": ["name", "organisation_kind", "categories"],
            "properties": {
                "name": {"type": "string"},
                "organisation_kind": {"type": "string"},
                "categories": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
MARKERS = {
    "type": "object",
    "required": ["type", "features", "limit", "truncated"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _MARKER},
        "limit": {"type": "integer"},
        "truncated": {
            "type": "boolean",
            "description": "more locations match than `limit`: zoom in or narrow the filters",
        },
    },
}


class LocationMarkers(PublicReadView):
    @extend_schema(
        operation_id="locations_markers",
        summary="The map's markers: found locations as small GeoJSON Features, at most `limit`",
        parameters=[
            openapi.IN_BBOX,
            OpenApiParameter(
                "limit",
                int,
                OpenApiParameter.QUERY,
                description=f"at most this many markers, 1..{MARKER_LIMIT_MAX}",
            ),
            *openapi.FILTERS,
        ],
        responses={
            (200, openapi.GEOJSON): openapi.OpenApiResponse(MARKERS),
            **openapi.NOT_MODIFIED,
            **openapi.BAD_REQUEST,
        },
    )
    def get(self, request: HttpRequest) -> HttpResponse:
        limit = params.integer(
            request.GET, "limit", default=MARKER_LIMIT_DEFAULT, low=1, high=MARKER_LIMIT_MAX
        )
        open_at = params.open_at(request.GET)

        def build() -> str:
            return markers_body(params.filters(request.GET, open_at=open_at), limit=limit)

        if open_at is not None:
            # Depends on the clock, not only on the data: no ETag, a short shared lifetime.
            response = HttpResponse(build(), content_type=openapi.GEOJSON)
            response["Cache-Control"] = "public, max-age=60"
            return response
        return caching.versioned(request, build, content_type=openapi.GEOJSON)
