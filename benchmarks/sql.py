"""The SQL behind each request shape, for the database floor and the framework floor.

The floors run exactly the SQL the API runs, taken from the functions that build it
(`geo.search.sql.nearest_sql`, `geo.search.sql.page_sql`, `layers.tiles.tile_sql`), with the same
arguments the API passes for these requests (no filters, the API's defaults).
"""

from geo.search import BBox, Filters
from geo.search.sql import nearest_sql, page_sql
from layers.tiles import ALL, tile_sql

SOURCES = {
    "nearest": "geo.search.sql.nearest_sql (first pass of geo.search.nearest)",
    "bbox": "geo.search.sql.page_sql",
    "tile": "layers.tiles.tile_sql (layer 'all')",
    "text": "geo.search.sql.page_sql with Filters(text=q)",
}
# Shapes whose result (a bytea) every path reads in binary, as layers.tiles.render_tile does;
# the others are text (GeoJSON), the same in either format.
BINARY = {"tile"}
# What a page's "next" link would be; the SQL only echoes it, so its value costs nothing.
NEXT_URL = "http://127.0.0.1/api/locations/?limit=5000&offset=5000"


def nearest_candidates(limit: int) -> int:
    """How many KNN candidates geo.search.nearest reads on its first pass (no "open at")."""
    return limit * 2 + 10


def query_for(kind: str, request: dict) -> tuple[str, dict, str]:
    """(sql, params, where the SQL comes from) for one request of a shape."""
    if kind == "nearest":
        limit = request["limit"]
        sql, params = nearest_sql(
            request["lon"],
            request["lat"],
            Filters(),
            candidates=nearest_candidates(limit),
            take=limit,
        )
    elif kind == "bbox":
        box = BBox(request["minlon"], request["minlat"], request["maxlon"], request["maxlat"])
        sql, params = page_sql(
            Filters(bbox=box), limit=request["limit"], next_url=NEXT_URL, previous_url=None
        )
    elif kind == "text":
        sql, params = page_sql(
            Filters(text=request["q"]), limit=request["limit"], next_url=None, previous_url=None
        )
    else:
        sql, params = tile_sql(request["z"], request["x"], request["y"], layer_name=ALL)
    return sql, params, SOURCES[kind]


def body_of(kind: str, rows: list[tuple]) -> bytes:
    """The bytes a bare view returns for the rows of a shape's query."""
    if kind == "nearest":
        # nearest_sql gives one GeoJSON Feature text per row, in its last column.
        features = ",".join(row[-1] for row in rows)
        return f'{{"type":"FeatureCollection","features":[{features}]}}'.encode()
    value = rows[0][0] if rows else None
    if value is None:
        return b""
    return value.encode() if isinstance(value, str) else bytes(value)
