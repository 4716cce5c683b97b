"""The SQL behind each request shape, for the database floor and the framework floor.

When `geo.search` exposes the SQL its endpoints run (as functions returning `(sql, params)`), the
floors run exactly that; otherwise a reference query of the same shape written here, and the report
says which one was measured. Every query reads `public_point`, never `point`.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass

# Reference queries, used only when geo.search has no SQL of its own for a shape.
NEAREST_SQL = """
WITH q AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS p),
near AS (
  SELECT l.id, l.name, l.precision, l.public_point, o.name AS organisation,
         ST_Distance(l.public_point::geography, q.p::geography) AS metres
    FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id, q
   WHERE l.public_point IS NOT NULL
   ORDER BY l.public_point <-> q.p
   LIMIT %(limit)s)
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
  json_build_object('type', 'Feature', 'id', id,
    'geometry', ST_AsGeoJSON(public_point, 6)::json,
    'properties', json_build_object('name', name, 'organisation', organisation,
      'precision', precision,
      'distance_m', CASE WHEN precision = 'exact' THEN round(metres) END))
  ORDER BY metres), '[]'::json))::text
FROM near
"""

BBOX_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
  json_build_object('type', 'Feature', 'id', l.id,
    'geometry', ST_AsGeoJSON(l.public_point, 6)::json,
    'properties', json_build_object('name', l.name, 'organisation', o.name,
      'precision', l.precision,
      'address', CASE WHEN l.precision = 'exact' THEN l.address ELSE '' END,
      'postcode', l.postcode, 'opening_hours', l.opening_hours))
  ORDER BY l.id), '[]'::json))::text
FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
WHERE l.public_point && ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)
"""

TILE_SQL = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env),
mvt AS (
  SELECT ST_AsMVTGeom(ST_Transform(l.public_point, 3857), bounds.env, 4096, 64, true) AS geom,
         l.id, l.name, l.precision
    FROM geo_location l, bounds
   WHERE l.public_point && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => 64.0 / 4096), 4326))
SELECT ST_AsMVT(mvt, 'locations', 4096, 'geom', 'id') FROM mvt
"""


@dataclass(frozen=True)
class ShapeSQL:
    sql: str
    source: str  # "geo.search.<name>" or "reference (benchmarks/sql.py)"

    def params(self, request: dict) -> dict:
        return request


REFERENCE = {"nearest": NEAREST_SQL, "bbox": BBOX_SQL, "tile": TILE_SQL}
# Names geo.search may give the functions that return (sql, params) for a request.
SEARCH_HOOKS = {
    "nearest": ("nearest_sql",),
    "bbox": ("bbox_sql", "in_bbox_sql", "geojson_sql"),
    "tile": ("tile_sql", "mvt_sql"),
}


def search_hook(kind: str) -> Callable | None:
    try:
        search = importlib.import_module("geo.search")
    except ImportError:
        return None
    for name in SEARCH_HOOKS[kind]:
        if callable(fn := getattr(search, name, None)):
            return fn
    return None


def query_for(kind: str, request: dict) -> tuple[str, dict | list, str]:
    """(sql, params, source) for one request of a shape: geo.search's SQL when it has it."""
    hook = search_hook(kind)
    if hook is not None:
        sql, params = hook(**request)
        return sql, params, f"geo.search.{hook.__name__}"
    return REFERENCE[kind], request, "reference (benchmarks/sql.py)"
