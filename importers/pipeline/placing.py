"""Placing the staged rows that came without coordinates, through geo.geocoding.

Each distinct address is asked once, in batches through `geocode_many`. Provider failures fall
back to the local chain there and mark the rows to re-geocode; rows that cannot be placed at
all are kept and marked as needing a pin.
Runs outside the import's transaction: geocoding is slow, and its cache is worth keeping even
when the import is rolled back.
"""

from collections.abc import Callable

from django.db import connection

from geo import geocoding
from importers.pipeline.staging import STAGING

PLACED = "importers_placed"
ADDRESSES = "importers_addresses"
BATCH = 500
# What an address is, for asking once per distinct address.
KEY = "address, postcode, locality, area_text, municipality_text"
ADDRESSED = "concat(address, postcode, locality, area_text, municipality_text) <> ''"


def _key(alias: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in KEY.split(","))


Progress = Callable[[str, int, int | None], None]


def place_rows(*, geocoder: str | None, progress: Progress | None = None) -> int:
    """Geocode every distinct address of the unplaced staged rows; returns how many were placed."""
    placed = 0
    if geocoding.geocoder_name(geocoder) != geocoding.OFFLINE:
        placed += _place_cached()
    with connection.cursor() as cur:
        unplaced, total = _number_addresses(cur)
        if not unplaced:
            # every row is placed (the usual end of an import the cache knows): nothing to pin
            cur.execute(f"DROP TABLE {ADDRESSES}")
            return placed
        cur.execute(f"DROP TABLE IF EXISTS {PLACED}")
        cur.execute(
            f"""CREATE TEMP TABLE {PLACED} (address text, postcode text, locality text,
                area_text text, municipality_text text, lon double precision,
                lat double precision, precision text, provider text,
                query text, needs_regeocode boolean)"""
        )
        done = 0
        while True:
            cur.execute(
                f"""SELECT {KEY} FROM {ADDRESSES} WHERE n > %s AND addressed
                     ORDER BY n LIMIT {BATCH}""",
                [done],
            )
            batch = cur.fetchall()
            if not batch:
                break
            results = _geocode(batch, geocoder=geocoder)
            with cur.cursor.copy(f"COPY {PLACED} FROM STDIN") as copy:
                for row in results:
                    copy.write_row(row)
            done += len(batch)
            if progress:
                progress("geocode", done, total)
        cur.execute(
            f"""UPDATE {STAGING} s SET lon = p.lon, lat = p.lat,
                   geocode_precision = p.precision, geocode_provider = p.provider,
                   geocode_query = left(p.query, 500), needs_regeocode = p.needs_regeocode
                 FROM {PLACED} p
                WHERE s.lon IS NULL AND p.lon IS NOT NULL AND ({_key("s")}) = ({_key("p")})"""
        )
        placed += cur.rowcount
        cur.execute(
            f"""UPDATE {STAGING} s SET needs_pin = true, geocode_precision = 'none',
                   geocode_provider = coalesce(p.provider, ''),
                   geocode_query = left(coalesce(p.query, ''), 500)
                 FROM {STAGING} s2 LEFT JOIN {PLACED} p
                   ON ({_key("s2")}) = ({_key("p")})
                WHERE s.ctid = s2.ctid AND s.lon IS NULL"""
        )
        cur.execute(f"DROP TABLE {PLACED}")
        cur.execute(f"DROP TABLE {ADDRESSES}")
    return placed


def _number_addresses(cur) -> tuple[int, int]:
    """Number the distinct keys of the unplaced rows once, those with an address to ask first,
    so that they are read in pages by number: never held whole in Python, never sorted again per
    page. Returns (distinct keys, keys with an address); the same scan of the staging table tells
    whether any row is left to place or pin at all."""
    cur.execute(f"DROP TABLE IF EXISTS {ADDRESSES}")
    cur.execute(
        f"""CREATE TEMP TABLE {ADDRESSES} AS
            SELECT row_number() OVER (ORDER BY NOT addressed) AS n, {KEY}, addressed
              FROM (SELECT DISTINCT {KEY}, {ADDRESSED} AS addressed
                      FROM {STAGING} WHERE lon IS NULL) q"""
    )
    unplaced = cur.rowcount
    if not unplaced:
        return 0, 0
    cur.execute(f"CREATE UNIQUE INDEX ON {ADDRESSES} (n)")
    cur.execute(f"SELECT count(*) FROM {ADDRESSES} WHERE addressed")
    return unplaced, cur.fetchone()[0]


def _place_cached() -> int:
    """Place the rows whose address the provider answered before, house- or street-precise, in
    one join with the cache: what geocode_many answers for them, without a round trip and an
    object per address. Coarser answers, misses and new addresses go through geocode_many."""
    with connection.cursor() as cur:
        _count_unplaced(cur)
        cur.execute(
            f"""UPDATE {STAGING} s SET lon = ST_X(g.point), lat = ST_Y(g.point),
                   geocode_precision = g.precision, geocode_provider = g.provider,
                   geocode_query = left(s.address_line, 500), needs_regeocode = false
                  FROM geo_geocoderesult g
                 WHERE s.lon IS NULL AND s.address_key <> '' AND g.query_key = s.address_key
                   AND g.found AND g.point IS NOT NULL AND g.precision = ANY(%s)""",
            [[p.value for p in geocoding.GOOD_ENOUGH]],
        )
        return cur.rowcount


def _count_unplaced(cur) -> None:
    """Tell the planner how many staged rows lack coordinates. A temporary table has no
    statistics, and without them it takes `lon IS NULL` for a few hundred rows and probes the
    cache's index once per row: twice the time of one hash join for a large file. A sample of
    300 rows (statistics target 1) is enough to choose, and costs a few milliseconds."""
    cur.execute(f"ALTER TABLE {STAGING} ALTER COLUMN lon SET STATISTICS 1")
    cur.execute(f"ANALYZE {STAGING} (lon)")


def _geocode(batch: list[tuple[str, ...]], *, geocoder: str | None) -> list[tuple]:
    queries = [
        geocoding.AddressQuery(
            street=address,
            postcode=postcode,
            locality=locality,
            area=area,
            municipality=municipality,
        )
        for address, postcode, locality, area, municipality in batch
    ]
    # cache hits for the whole batch come in one query; an unreachable provider falls back to
    # the local chain inside geo.geocoding, marking the answers to re-geocode
    answers = geocoding.geocode_many(queries, geocoder=geocoder)
    rows = []
    for key, found in zip(batch, answers, strict=True):
        lonlat = found.lonlat  # without building a GEOS point per answer
        rows.append(
            (
                *key,
                lonlat[0] if lonlat else None,
                lonlat[1] if lonlat else None,
                found.precision if lonlat else "none",
                found.provider,
                found.query,
                bool(found.needs_regeocode),
            )
        )
    return rows
