"""Privacy in one place: the public point of a location and how distances to it are told.

`Location.public_point` is kept by a database trigger defined here (installed by a migration), so
every output, whether built by the ORM or in SQL (GeoJSON, tiles, exports, pages), reads the same
column. Nothing else may read `Location.point` for output.
"""

from django.db.models import Q

# Grid, in metres of the Greek Grid (EPSG:2100), that "street" precision snaps to.
STREET_SNAP_METRES = 100

PUBLIC_POINT_TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION geo_location_public_point() RETURNS trigger AS $$
BEGIN
  -- IF branches, not one CASE: an expression with a subquery goes through a full query plan on
  -- every row, and the common exact case would pay for the area lookup it does not need.
  IF NEW.needs_pin OR NEW.point IS NULL THEN
    NEW.public_point := NULL;
  ELSIF NEW.precision = 'exact' THEN
    NEW.public_point := NEW.point;
  ELSIF NEW.precision = 'street' THEN
    NEW.public_point := ST_Transform(
        ST_SnapToGrid(ST_Transform(NEW.point, 2100), {STREET_SNAP_METRES}), 4326);
  ELSIF NEW.precision = 'area' THEN
    NEW.public_point := COALESCE(
        (SELECT centroid FROM geo_area WHERE id = NEW.area_id),
        (SELECT centroid FROM geo_area WHERE id = NEW.municipality_id));
  ELSE
    NEW.public_point := NULL;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

-- On UPDATE only when what the public point depends on is written (geo_area_centroid_moved
-- writes precision to recompute it).
DROP TRIGGER IF EXISTS geo_location_public_point ON geo_location;
CREATE TRIGGER geo_location_public_point
  BEFORE INSERT OR UPDATE OF point, precision, needs_pin, area_id, municipality_id, public_point
  ON geo_location FOR EACH ROW EXECUTE FUNCTION geo_location_public_point();

CREATE OR REPLACE FUNCTION geo_area_centroid_moved() RETURNS trigger AS $$
BEGIN
  UPDATE geo_location SET precision = precision
   WHERE precision = 'area' AND (area_id = NEW.id OR municipality_id = NEW.id);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS geo_area_centroid_moved ON geo_area;
CREATE TRIGGER geo_area_centroid_moved
  AFTER UPDATE OF centroid ON geo_area
  FOR EACH ROW WHEN (OLD.centroid IS DISTINCT FROM NEW.centroid)
  EXECUTE FUNCTION geo_area_centroid_moved();
"""

DROP_PUBLIC_POINT_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS geo_area_centroid_moved ON geo_area;
DROP FUNCTION IF EXISTS geo_area_centroid_moved();
DROP TRIGGER IF EXISTS geo_location_public_point ON geo_location;
DROP FUNCTION IF EXISTS geo_location_public_point();
"""

# The locations that appear in public outputs at all.
PUBLIC = Q(public_point__isnull=False)


def distance_band(metres: float | None, *, precision: str) -> dict:
    """How far away a location is, as the public may be told.

    Exact locations get their distance in metres; others only a band ("about 1 km"), so that
    repeated queries from different points cannot triangulate a sensitive address.
    """
    if metres is None:
        return {"metres": None, "band": None}
    if precision == "exact":
        return {"metres": round(metres), "band": _band(metres)}
    return {"metres": None, "band": _band(metres)}


_BANDS = [
    (250, "< 250 m"),
    (500, "< 500 m"),
    (1000, "about 1 km"),
    (2000, "about 2 km"),
    (5000, "< 5 km"),
    (10000, "< 10 km"),
    (25000, "< 25 km"),
    (50000, "< 50 km"),
]


def _band(metres: float) -> str:
    for limit, label in _BANDS:
        if metres < limit:
            return label
    return "> 50 km"
