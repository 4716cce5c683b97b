"""Vector tiles (Mapbox Vector Tile, ST_AsMVT) of a layer, from the same privacy-filtered query
as the GeoJSON: only `Location.public_point` is ever put in a tile."""

from django.db import connection

from geo.search import Filters, SearchError
from geo.search.sql import SQL, location_where

MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64
ALL = "all"


def check_tile(z: int, x: int, y: int) -> None:
    """Raises SearchError naming z, x or y when the tile does not exist."""
    if not 0 <= z <= MAX_ZOOM:
        raise SearchError("z", f"zoom must be within 0..{MAX_ZOOM}")
    side = 2**z
    if not 0 <= x < side:
        raise SearchError("x", f"at zoom {z}, x must be within 0..{side - 1}")
    if not 0 <= y < side:
        raise SearchError("y", f"at zoom {z}, y must be within 0..{side - 1}")


def tile_sql(z: int, x: int, y: int, *, layer_name: str, filters: Filters | None = None) -> SQL:
    """The MVT (bytea) of the found locations in tile z/x/y, as one layer called `layer_name`."""
    params: dict = {
        "z": z,
        "x": x,
        "y": y,
        "layer_name": layer_name,
        "extent": EXTENT,
        "buffer": BUFFER,
        "margin": BUFFER / EXTENT,
    }
    where = location_where(filters or Filters(), params)
    # The envelope in lon/lat keeps the test on the indexed public point; in Web Mercator a
    # tile is a lon/lat rectangle, so nothing is lost.
    sql = f"""
SELECT ST_AsMVT(t, %(layer_name)s, %(extent)s, 'geom', 'id') FROM (
  SELECT l.id,
         ST_AsMVTGeom(ST_Transform(l.public_point, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                      %(extent)s, %(buffer)s, true) AS geom,
         l.name, o.name AS organisation, o.kind AS organisation_kind, l.precision
    FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
   WHERE {where}
     AND l.public_point && ST_Transform(
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326)
) t"""
    return sql, params


def render_tile(
    z: int, x: int, y: int, *, layer_name: str, filters: Filters | None = None
) -> bytes:
    check_tile(z, x, y)
    sql, params = tile_sql(z, x, y, layer_name=layer_name, filters=filters)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return bytes(cur.fetchone()[0] or b"")
