"""Proximity search: the nearest locations to a point or an area, everything inside an area or a
box or a radius, with filters, privacy applied (every value from `Location.public_point`).

Runs the SQL of `geo.search.sql`; must not format HTTP responses.
"""

import datetime as dt
from dataclasses import dataclass

import orjson
from django.db import connection

from geo import hours
from geo.models import Area
from geo.privacy import distance_band
from geo.search.filters import (
    POINT_PARAMETER,
    BBox,
    Circle,
    Filters,
    LonLat,
    SearchError,
    Selection,
    UnknownCategory,
    category_ids,
)
from geo.search.sql import (
    metres_per_degree_at_least,
    nearest_sql,
    open_hours_sql,
    page_sql,
)

__all__ = [
    "POINT_PARAMETER",
    "BBox",
    "Circle",
    "Filters",
    "Hit",
    "LonLat",
    "SearchError",
    "Selection",
    "UnknownCategory",
    "category_ids",
    "locations_page",
    "nearest",
    "nearest_to_area",
    "open_service_pairs",
]

# Past this many candidates a nearest search with "open at" stops widening and returns fewer.
MAX_CANDIDATES = 10_000


@dataclass(frozen=True)
class Hit:
    """One found location: its GeoJSON Feature (privacy applied) and how far it is."""

    feature: dict
    metres: float
    precision: str

    @property
    def distance(self) -> dict:
        """What the public may be told of the distance (geo.privacy.distance_band)."""
        return distance_band(self.metres, precision=self.precision)


def _open_services(feature: dict, at: dt.datetime) -> dict | None:
    services = [
        s for s in feature["properties"]["services"] if hours.is_open(s["opening_hours"], at)
    ]
    if not services:
        return None
    feature["properties"]["services"] = services
    return feature


def nearest(centre: LonLat, *, limit: int = 10, filters: Filters | None = None) -> list[Hit]:
    """The `limit` nearest found locations to `centre`, nearest first, by true distance on the
    spheroid in metres.

    The KNN operator picks candidates by planar distance in degrees, which is not the true order
    (a degree of longitude is shorter); the candidate set widens until no location outside it
    can be nearer than the last one kept.
    """
    filters = filters or Filters()
    at = filters.open_at
    candidates = limit * 4 + 40 if at else limit * 2 + 10
    while True:
        take = candidates if at else limit
        sql, params = nearest_sql(centre.lon, centre.lat, filters, candidates=candidates, take=take)
        with connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        hits = []
        for metres, _reach, _found, precision, text in rows:
            feature = orjson.loads(text)
            if at is not None and (feature := _open_services(feature, at)) is None:
                continue
            hits.append(Hit(feature, metres, precision))
            if len(hits) == limit:
                break
        if not rows:
            return []
        _, reach, found, *_ = rows[0]
        exhausted = found < candidates or candidates >= MAX_CANDIDATES
        bound = reach * metres_per_degree_at_least(latitude=centre.lat, reach=reach)
        if exhausted or (len(hits) == limit and bound >= hits[-1].metres):
            return hits
        candidates = min(candidates * 4, MAX_CANDIDATES)


def nearest_to_area(
    area: Area, *, limit: int = 10, inside: bool = False, filters: Filters | None = None
) -> list[Hit]:
    """The nearest found locations to a point inside `area` (its `centroid`); with `inside`,
    only those inside its boundary."""
    filters = filters or Filters()
    if inside:
        filters = Filters(**{**filters.__dict__, "area_id": area.pk})
    return nearest(LonLat(area.centroid.x, area.centroid.y), limit=limit, filters=filters)


def open_service_pairs(filters: Filters, at: dt.datetime) -> tuple[int, ...]:
    """The (service, location) through-row ids of the listed services open at `at`."""
    sql, params = open_hours_sql(filters)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    verdict: dict[str, bool] = {}
    open_ids = []
    for pair_id, text in rows:
        if text not in verdict:
            verdict[text] = hours.is_open(text, at)
        if verdict[text]:
            open_ids.append(pair_id)
    return tuple(open_ids)


def locations_page(
    filters: Filters,
    *,
    limit: int,
    offset: int = 0,
    next_url: str | None = None,
    previous_url: str | None = None,
) -> str:
    """A page of found locations, ordered by id, as GeoJSON FeatureCollection text (built in the
    database). With `filters.open_at`, only services open then, and locations with one."""
    open_pairs = open_service_pairs(filters, filters.open_at) if filters.open_at else None
    sql, params = page_sql(
        filters,
        limit=limit,
        offset=offset,
        next_url=next_url,
        previous_url=previous_url,
        open_pairs=open_pairs,
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]
