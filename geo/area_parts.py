"""Areas cut into small pieces, for finding which areas hold a point in microseconds.

A municipality's boundary has up to thousands of vertices; testing a point against it costs a
walk around all of them. `geo_area_part` holds every boundary cut by ST_Subdivide into pieces of
at most PART_VERTICES vertices, with a GiST index, kept by a trigger on geo_area: an import
assigns the areas of 100,000 points in well under a second instead of tens of seconds.
Derived data only: nothing here is shown to the public.
"""

from django.db import connection

from geo.models import Area

PART_VERTICES = 128

AREA_PARTS_SQL = f"""
-- No foreign key: the triggers below keep it, and a key would stop TRUNCATE geo_area (which
-- Django's test flush runs).
CREATE TABLE IF NOT EXISTS geo_area_part (
  area_id bigint NOT NULL,
  level varchar(20) NOT NULL,
  size double precision NOT NULL,
  geom geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX IF NOT EXISTS geo_area_part_geom ON geo_area_part USING gist (geom);
CREATE INDEX IF NOT EXISTS geo_area_part_area ON geo_area_part (area_id);

CREATE OR REPLACE FUNCTION geo_area_parts() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM geo_area_part WHERE area_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO geo_area_part (area_id, level, size, geom)
    SELECT NEW.id, NEW.level, ST_Area(NEW.boundary), ST_Subdivide(NEW.boundary, {PART_VERTICES});
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS geo_area_parts ON geo_area;
CREATE TRIGGER geo_area_parts AFTER INSERT OR DELETE OR UPDATE OF boundary, level ON geo_area
  FOR EACH ROW EXECUTE FUNCTION geo_area_parts();

CREATE OR REPLACE FUNCTION geo_area_parts_truncate() RETURNS trigger AS $$
BEGIN
  TRUNCATE geo_area_part;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS geo_area_parts_truncate ON geo_area;
CREATE TRIGGER geo_area_parts_truncate AFTER TRUNCATE ON geo_area
  FOR EACH STATEMENT EXECUTE FUNCTION geo_area_parts_truncate();

TRUNCATE geo_area_part;
INSERT INTO geo_area_part (area_id, level, size, geom)
SELECT id, level, ST_Area(boundary), ST_Subdivide(boundary, {PART_VERTICES}) FROM geo_area;
"""  # noqa: S608 (constants)

DROP_AREA_PARTS_SQL = """
DROP TRIGGER IF EXISTS geo_area_parts_truncate ON geo_area;
DROP FUNCTION IF EXISTS geo_area_parts_truncate();
DROP TRIGGER IF EXISTS geo_area_parts ON geo_area;
DROP FUNCTION IF EXISTS geo_area_parts();
DROP TABLE IF EXISTS geo_area_part;
"""


def _rank_sql(column: str) -> str:
    ranks = " ".join(f"WHEN '{level}' THEN {rank}" for level, rank in Area.LEVEL_RANK.items())
    return f"CASE {column} {ranks} END"


def areas_holding_sql(points: str) -> str:
    """A query of (key, area_id, municipality_id) for each row of `points`, a query of (key,
    geom) that is SQL of ours (never user text): the most specific (then smallest) area holding
    the point, and the smallest municipality. Points in no area are left out: join it with a
    LEFT JOIN to give them none."""
    return f"""SELECT n.key, (array_agg(p.area_id ORDER BY {_rank_sql("p.level")} DESC,
                                           p.size))[1] AS area_id,
                      (array_agg(p.area_id ORDER BY p.size)
                        FILTER (WHERE p.level = '{Area.Level.MUNICIPALITY}'))[1] AS municipality_id
                 FROM ({points}) n JOIN geo_area_part p ON ST_Intersects(p.geom, n.geom)
                GROUP BY n.key"""  # noqa: S608 (SQL of ours)


def locate_points(points: str, *, into: str) -> None:
    """Create the temporary table `into` (key, area_id, municipality_id) for the rows of
    `points`, a query of (key, geom) that is SQL of ours, with areas_holding_sql's answers.

    For many points at once (an import): the points get a GiST index of their own and the join
    is driven from the area parts, so each part is tested against the points near it one after
    the other, and PostGIS reuses the prepared part (~3 times faster than a probe per point).
    """
    pts = f"{into}_points"
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {pts}")
        cur.execute(f"DROP TABLE IF EXISTS {into}")
        cur.execute(f"CREATE TEMP TABLE {pts} AS {points}")
        cur.execute(f"CREATE INDEX ON {pts} USING gist (geom)")
        cur.execute(f"ANALYZE {pts}")
        holding = areas_holding_sql(f"SELECT * FROM {pts}")  # noqa: S608 (our names)
        cur.execute(f"CREATE TEMP TABLE {into} AS {holding}")
        cur.execute(f"CREATE UNIQUE INDEX ON {into} (key)")
        cur.execute(f"ANALYZE {into}")
        cur.execute(f"DROP TABLE {pts}")
