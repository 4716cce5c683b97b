"""Vector tiles (Mapbox Vector Tile, ST_AsMVT) of a layer, from the same privacy-filtered query
as the GeoJSON: only `Location.public_point` is ever put in a tile.

Overview tiles (zoom below DETAIL_ZOOM) carry each location's id (the feature id) and precision
only, as tile servers drop attributes at low zoom: at 1,000,000 locations a z8 tile of Athens
holds ~700,000 points, and their names made it 32 MB (5 MB without them), too much for any
client to draw labels from. From DETAIL_ZOOM a feature also carries its name, organisation and
organisation kind. A client that wants a location's details at low zoom zooms in, asks
/api/locations/ with in_bbox, or opens its page (/<lang>/locations/<id>/).
"""

import psycopg
from django.db import connection

from geo.search import Filters, SearchError
from geo.search.sql import SQL, location_where

MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64
ALL = "all"
# From this zoom, features carry name, organisation and organisation_kind too.
DETAIL_ZOOM = 10


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
    if z >= DETAIL_ZOOM:
        columns = "l.name, o.name AS organisation, o.kind AS organisation_kind, l.precision"
    else:
        columns = "l.precision"
    # The envelope in lon/lat keeps the test on the indexed public point; in Web Mercator a
    # tile is a lon/lat rectangle, so nothing is lost.
    sql = f"""
SELECT ST_AsMVT(t, %(layer_name)s, %(extent)s, 'geom', 'id') FROM (
  SELECT l.id,
         ST_AsMVTGeom(ST_Transform(l.public_point, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                      %(extent)s, %(buffer)s, true) AS geom,
         {columns}
    FROM geo_location l
    -- LEFT (every location has one): PostgreSQL leaves the join out when nothing reads o,
    -- as an overview tile without an organisation-kind filter does not.
    LEFT JOIN geo_organisation o ON o.id = l.organisation_id
   WHERE {where}
     AND l.public_point && ST_Transform(
           ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s), 4326)
) t"""
    return sql, params


def render_tile(
    z: int, x: int, y: int, *, layer_name: str, filters: Filters | None = None
) -> bytes:
    check_tile(z, x, y)
    return fetch_tile(*tile_sql(z, x, y, layer_name=layer_name, filters=filters))


def fetch_tile(sql: str, params: dict) -> bytes:
    """Run tile_sql's query on Django's connection and return the tile's bytes.

    In binary: Django's cursors bind on the client and read results as text, where a bytea
    comes as hex, twice its size, and is decoded again (~60 ms for a 5 MB tile)."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, binary=True)
        return bytes(cur.fetchone()[0] or b"")
