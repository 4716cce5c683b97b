"""The SQL of every search, as (sql, params) pairs: the API runs them, and so can a benchmark.

Every public value comes from `Location.public_point` (geo.privacy); addresses and postcodes only
where the precision allows. Only fixed fragments of this module are put into the SQL text; every
value from a request goes as a parameter.
"""

import math

from geo.search.filters import Filters
from geo.text import search_key

SQL = tuple[str, dict]

_POINT = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"

# What the public may know of a location, as a GeoJSON Feature (aliases l, o, a and svc).
FEATURE = """json_build_object(
  'type', 'Feature',
  'id', l.id,
  'geometry', ST_AsGeoJSON(l.public_point, 6)::json,
  'properties', json_build_object(
    'id', l.id,
    'name', l.name,
    'organisation', o.name,
    'organisation_kind', o.kind,
    'precision', l.precision,
    'address', CASE WHEN l.precision = 'exact' THEN l.address ELSE '' END,
    'postcode', CASE WHEN l.precision IN ('exact', 'street') THEN l.postcode ELSE '' END,
    'area', a.name,
    'area_slug', a.slug,
    'opening_hours', l.opening_hours,
    'phones', l.phones,
    'email', l.email,
    'website', l.website,
    'verified_at', l.verified_at,
    'services', COALESCE(svc.items, '[]'::json)))"""

# The services at location l that pass the service filters, one JSON object each.
SERVICES = """LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object(
      'id', s.id,
      'name', s.name,
      'description', s.description,
      'categories', COALESCE((
        SELECT json_agg(c.slug ORDER BY c.sort_order, c.slug)
          FROM geo_service_categories sc JOIN geo_category c ON c.id = sc.category_id
         WHERE sc.service_id = s.id), '[]'::json),
      'languages', s.languages,
      'audience', s.audience,
      'cost', s.cost,
      'how_to_access', s.how_to_access,
      'opening_hours', COALESCE(NULLIF(s.opening_hours, ''), l.opening_hours))
    ORDER BY s.name, s.id) AS items
  FROM geo_service_locations sl JOIN geo_service s ON s.id = sl.service_id
  WHERE sl.location_id = l.id AND {services}
) svc ON true"""

_JOINS = """JOIN geo_organisation o ON o.id = l.organisation_id
  LEFT JOIN geo_area a ON a.id = l.area_id"""


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The locations whose name, organisation's name or alternate name, or a service's name holds
# the query's search key. Each arm is one trigram index lookup on a stored key column
# (migration 0014); a single OR across the joined tables would be a scan.
_TEXT_MATCH = """l.id IN (
    SELECT lq.id FROM geo_location lq WHERE lq.name_key LIKE %(q)s
    UNION
    SELECT lq.id FROM geo_location lq WHERE lq.organisation_id IN (
      SELECT oq.id FROM geo_organisation oq
       WHERE oq.name_key LIKE %(q)s OR oq.alternate_name_key LIKE %(q)s)
    UNION
    SELECT slq.location_id FROM geo_service_locations slq WHERE slq.service_id IN (
      SELECT sq.id FROM geo_service sq WHERE sq.name_key LIKE %(q)s))"""


def text_condition(text: str, params: dict) -> str:
    """The condition for a text query: its search key (geo.text.search_key, so accents, case,
    Greeklish and Latin look-alikes all fold) anywhere in one of the searched names. A query
    with nothing searchable in it ('!!!') finds nothing."""
    key = search_key(text)
    if not key:
        return "false"
    params["q"] = like_pattern(key)
    return _TEXT_MATCH


def service_where(filters: Filters, params: dict, *, open_pairs: tuple[int, ...] | None) -> str:
    """Conditions on a service s (reached through sl) for it to be listed."""
    conds = ["s.is_active"]
    if filters.category_ids:
        params["categories"] = list(filters.category_ids)
        conds.append(
            "EXISTS (SELECT 1 FROM geo_service_categories sc"
            " WHERE sc.service_id = s.id AND sc.category_id = ANY(%(categories)s))"
        )
    if filters.languages:
        params["languages"] = list(filters.languages)
        conds.append("s.languages && %(languages)s::varchar[]")
    if filters.audiences:
        params["audiences"] = list(filters.audiences)
        conds.append("s.audience && %(audiences)s::varchar[]")
    if open_pairs is not None:
        params["open_pairs"] = list(open_pairs)
        conds.append("sl.id = ANY(%(open_pairs)s::bigint[])")
    return " AND ".join(conds)


def location_where(
    filters: Filters, params: dict, *, open_pairs: tuple[int, ...] | None = None
) -> str:
    """Conditions on a location l (with organisation o) for it to be found."""
    conds = ["l.public_point IS NOT NULL"]
    if b := filters.bbox:
        params.update(west=b.west, south=b.south, east=b.east, north=b.north)
        conds.append(
            "l.public_point && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
        )
    if c := filters.circle:
        params.update(c_lon=c.centre.lon, c_lat=c.centre.lat, c_metres=c.metres)
        params["c_degrees"] = degrees_covering(c.metres, latitude=c.centre.lat)
        # The planar test uses the index; the geography test is the true one.
        conds.append(
            "ST_DWithin(l.public_point, ST_SetSRID(ST_MakePoint(%(c_lon)s, %(c_lat)s), 4326),"
            " %(c_degrees)s) AND ST_DWithin(l.public_point::geography,"
            " ST_SetSRID(ST_MakePoint(%(c_lon)s, %(c_lat)s), 4326)::geography, %(c_metres)s)"
        )
    if filters.area_id is not None:
        params["area_id"] = filters.area_id
        conds.append(
            "ST_Intersects(l.public_point, (SELECT boundary FROM geo_area WHERE id = %(area_id)s))"
        )
    if filters.organisation_kinds:
        params["kinds"] = list(filters.organisation_kinds)
        conds.append("o.kind = ANY(%(kinds)s::varchar[])")
    if sel := filters.selection:
        params["sel_kinds"] = list(sel.organisation_kinds)
        params["sel_categories"] = list(sel.category_ids)
        conds.append(
            "(o.kind = ANY(%(sel_kinds)s::varchar[]) OR EXISTS ("
            "SELECT 1 FROM geo_service_locations sl2"
            " JOIN geo_service s2 ON s2.id = sl2.service_id AND s2.is_active"
            " JOIN geo_service_categories sc2 ON sc2.service_id = s2.id"
            " WHERE sl2.location_id = l.id"
            " AND sc2.category_id = ANY(%(sel_categories)s::bigint[])))"
        )
    if filters.text:
        conds.append(text_condition(filters.text, params))
    if filters.filters_services or open_pairs is not None:
        services = service_where(filters, params, open_pairs=open_pairs)
        conds.append(
            "EXISTS (SELECT 1 FROM geo_service_locations sl JOIN geo_service s"
            f" ON s.id = sl.service_id WHERE sl.location_id = l.id AND {services})"
        )
    return "\n  AND ".join(conds)


def degrees_covering(metres: float, *, latitude: float) -> float:
    """A planar radius in degrees that holds every point within `metres` of a point at
    `latitude` (a degree of longitude shrinks with cos(latitude))."""
    reach = metres / 110_000
    worst = min(89.0, abs(latitude) + reach)
    return reach / max(math.cos(math.radians(worst)), 0.01) * 1.01


def metres_per_degree_at_least(*, latitude: float, reach: float) -> float:
    """A lower bound on metres per planar degree within `reach` degrees of `latitude`."""
    worst = min(89.9, abs(latitude) + reach)
    return min(111_320 * math.cos(math.radians(worst)), 110_574) * 0.99


def open_hours_sql(filters: Filters) -> SQL:
    """(through-row id, effective opening hours) of every listed service at a found location,
    for evaluating "open at" in Python (geo.hours)."""
    params: dict = {}
    where = location_where(filters, params)
    services = service_where(filters, params, open_pairs=None)
    sql = f"""
SELECT sl.id, COALESCE(NULLIF(s.opening_hours, ''), l.opening_hours) AS hours
  FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
  JOIN geo_service_locations sl ON sl.location_id = l.id
  JOIN geo_service s ON s.id = sl.service_id
 WHERE {where}
   AND {services}
   AND COALESCE(NULLIF(s.opening_hours, ''), l.opening_hours) <> ''"""
    return sql, params


def page_sql(
    filters: Filters,
    *,
    limit: int,
    offset: int = 0,
    next_url: str | None = None,
    previous_url: str | None = None,
    open_pairs: tuple[int, ...] | None = None,
) -> SQL:
    """One page of found locations, ordered by id, as a GeoJSON FeatureCollection text built in
    the database. `next` is `next_url` when there are more; `open_pairs` (from
    `open_hours_sql`) restricts the services to those open."""
    params: dict = {
        "limit": limit,
        "limit_plus_one": limit + 1,
        "offset": offset,
        "next": next_url,
        "previous": previous_url,
    }
    where = location_where(filters, params, open_pairs=open_pairs)
    services = service_where(filters, params, open_pairs=open_pairs)
    sql = f"""
WITH page AS (
  SELECT l.id FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
  WHERE {where}
  ORDER BY l.id LIMIT %(limit_plus_one)s OFFSET %(offset)s
), shown AS (
  SELECT id FROM page ORDER BY id LIMIT %(limit)s
)
SELECT json_build_object(
  'type', 'FeatureCollection',
  'features', COALESCE((
    SELECT json_agg({FEATURE} ORDER BY l.id)
      FROM shown JOIN geo_location l ON l.id = shown.id {_JOINS}
      {SERVICES.format(services=services)}), '[]'::json),
  'limit', %(limit)s::int,
  'offset', %(offset)s::int,
  'next', CASE WHEN (SELECT count(*) FROM page) > %(limit)s THEN %(next)s::text END,
  'previous', %(previous)s::text)::text"""
    return sql, params


def nearest_sql(lon: float, lat: float, filters: Filters, *, candidates: int, take: int) -> SQL:
    """The `candidates` locations nearest to (lon, lat) by the KNN operator on the indexed
    public point, re-ordered by their true distance on the spheroid; the first `take` rows of
    (metres, reach in degrees, number of candidates, precision, GeoJSON Feature text)."""
    params: dict = {"lon": lon, "lat": lat, "candidates": candidates, "take": take}
    where = location_where(filters, params)
    services = service_where(filters, params, open_pairs=None)
    sql = f"""
WITH candidate AS (
  SELECT l.id, l.public_point <-> {_POINT} AS planar
    FROM geo_location l JOIN geo_organisation o ON o.id = l.organisation_id
   WHERE {where}
   ORDER BY l.public_point <-> {_POINT}
   LIMIT %(candidates)s
), measured AS (
  SELECT c.id,
         ST_Distance(l.public_point::geography, {_POINT}::geography) AS metres,
         max(c.planar) OVER () AS reach,
         count(*) OVER () AS found
    FROM candidate c JOIN geo_location l ON l.id = c.id
   ORDER BY metres, c.id
   LIMIT %(take)s
)
SELECT m.metres, m.reach, m.found, l.precision, {FEATURE}::text
  FROM measured m JOIN geo_location l ON l.id = m.id {_JOINS}
  {SERVICES.format(services=services)}
 ORDER BY m.metres, m.id"""
    return sql, params
