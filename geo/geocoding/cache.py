"""The cache of provider answers (`GeocodeResult`), keyed by the normalised query; misses are kept
too (found=False). Errors are never stored. Reads go through the caller's connection; writes
through a connection of their own, so an answer paid for with a request survives a rolled-back
import (a dry run)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection

from geo.geocoding.throttle import own_connection


@dataclass(frozen=True)
class Entry:
    key: str
    query: str
    provider: str
    found: bool
    point: Point | tuple[float, float] | None  # (lon, lat) when read from the table
    precision: str
    display_name: str
    area_id: int | None


def lookup_many(keys: Iterable[str]) -> dict[str, Entry]:
    """The cached entries of `keys` (absent keys are not in the dict), in one query."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            """SELECT query_key, query, provider, found, ST_X(point), ST_Y(point), precision,
                      display_name, area_id
                 FROM geo_geocoderesult WHERE query_key = ANY(%s)""",
            [keys],
        )
        rows = cur.fetchall()
    return {
        row[0]: Entry(
            key=row[0],
            query=row[1],
            provider=row[2],
            found=row[3],
            point=(row[4], row[5]) if row[4] is not None else None,
            precision=row[6],
            display_name=row[7],
            area_id=row[8],
        )
        for row in rows
    }


def store(entry: Entry, *, raw: dict) -> None:
    """Insert or replace the entry, committed at once whatever the caller's transaction."""
    params = {
        "key": entry.key[:500],
        "query": entry.query[:500],
        "provider": entry.provider[:40],
        "found": entry.found,
        "point": Point(*entry.point, srid=4326).ewkt
        if isinstance(entry.point, tuple)
        else (entry.point.ewkt if entry.point is not None else None),
        "precision": entry.precision,
        "display_name": entry.display_name[:500],
        "area_id": entry.area_id,
        "raw": json.dumps(raw, ensure_ascii=False),
    }
    sql = """
        INSERT INTO geo_geocoderesult
               (query_key, query, provider, found, point, precision, display_name, area_id, raw,
                created_at)
        VALUES (%(key)s, %(query)s, %(provider)s, %(found)s, ST_GeomFromEWKT(%(point)s),
                %(precision)s, %(display_name)s, %(area_id)s, %(raw)s::jsonb, now())
        ON CONFLICT (query_key) DO UPDATE SET
               query = EXCLUDED.query, provider = EXCLUDED.provider, found = EXCLUDED.found,
               point = EXCLUDED.point, precision = EXCLUDED.precision,
               display_name = EXCLUDED.display_name, area_id = EXCLUDED.area_id,
               raw = EXCLUDED.raw, created_at = EXCLUDED.created_at"""
    with own_connection() as conn:
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
        except IntegrityError:
            # The area exists only in the caller's uncommitted transaction: keep the answer
            # without it (a later hit finds no area rather than failing).
            params["area_id"] = None
            with conn.cursor() as cur:
                cur.execute(sql, params)


def forget_misses(keys: Iterable[str]) -> int:
    """Delete the cached misses among `keys` (committed at once), so they are asked again."""
    keys = list(keys)
    if not keys:
        return 0
    with own_connection() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM geo_geocoderesult WHERE NOT found AND query_key = ANY(%s)", [keys])
        return cur.rowcount


def clear() -> int:
    """Delete every cached answer (committed at once); returns how many there were."""
    with own_connection() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM geo_geocoderesult")
        return cur.rowcount
