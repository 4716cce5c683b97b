"""What a search asks for: the filters, as small frozen values checked on construction.

Nothing here runs a query except `category_ids`, which expands categories to their
sub-categories.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection

from geo.models import LANGUAGE_CODES, Organisation, Service

# The query parameter a search point comes in, named as django-rest-framework-gis names it. Kept
# here because layers/ is scanned for the bare word, which there would mean Location.point.
POINT_PARAMETER = "point"


class SearchError(ValueError):
    """A search that cannot be run; `parameter` names what was wrong."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class UnknownCategory(SearchError):
    pass


@dataclass(frozen=True)
class LonLat:
    """A WGS84 point, longitude first."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lon) and math.isfinite(self.lat)):
            raise SearchError(POINT_PARAMETER, "coordinates must be finite numbers")
        if not -180 <= self.lon <= 180:
            raise SearchError(POINT_PARAMETER, f"longitude {self.lon} is outside -180..180")
        if not -90 <= self.lat <= 90:
            raise SearchError(POINT_PARAMETER, f"latitude {self.lat} is outside -90..90")


@dataclass(frozen=True)
class BBox:
    """A lon/lat box; west < east (a box across the antimeridian is refused)."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        values = (self.west, self.south, self.east, self.north)
        if not all(math.isfinite(v) for v in values):
            raise SearchError("in_bbox", "coordinates must be finite numbers")
        if not (-180 <= self.west <= 180 and -180 <= self.east <= 180):
            raise SearchError("in_bbox", "longitudes must be within -180..180 (lon,lat order)")
        if not (-90 <= self.south <= 90 and -90 <= self.north <= 90):
            raise SearchError(
                "in_bbox", "latitudes must be within -90..90; is it lat,lon? use lon,lat"
            )
        if self.west >= self.east:
            raise SearchError(
                "in_bbox",
                "minlon must be less than maxlon; boxes across the antimeridian are not "
                "supported, split them in two",
            )
        if self.south >= self.north:
            raise SearchError("in_bbox", "minlat must be less than maxlat")


@dataclass(frozen=True)
class Circle:
    centre: LonLat
    metres: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.metres) and 0 < self.metres <= 1_000_000):
            raise SearchError("dist", "must be a distance in metres between 0 and 1000000")


@dataclass(frozen=True)
class Selection:
    """What a layer selects: services in any of these categories (with their sub-categories),
    or organisations of any of these kinds."""

    category_ids: tuple[int, ...] = ()
    organisation_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    """A search's filters; all of them must hold. Empty means no filter.

    `category_ids` must already include sub-categories (see `category_ids`); `open_at` is a
    moment (naive times are Athens local time).
    """

    category_ids: tuple[int, ...] = ()
    languages: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    organisation_kinds: tuple[str, ...] = ()
    selection: Selection | None = None
    area_id: int | None = None
    bbox: BBox | None = None
    circle: Circle | None = None
    text: str = ""
    open_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if unknown := set(self.languages) - set(LANGUAGE_CODES):
            raise SearchError("language", f"unknown language code(s): {', '.join(sorted(unknown))}")
        if unknown := set(self.audiences) - set(Service.Audience.values):
            raise SearchError("audience", f"unknown audience(s): {', '.join(sorted(unknown))}")
        if unknown := set(self.organisation_kinds) - set(Organisation.Kind.values):
            raise SearchError(
                "organisation_kind", f"unknown organisation kind(s): {', '.join(sorted(unknown))}"
            )
        if len(self.text) > 200:
            raise SearchError("q", "at most 200 characters")

    @property
    def filters_services(self) -> bool:
        """Whether a location needs a matching service to be found at all."""
        return bool(self.category_ids or self.languages or self.audiences or self.open_at)


def category_ids(slugs: list[str] | tuple[str, ...]) -> tuple[int, ...]:
    """The ids of these categories and all their sub-categories. Raises UnknownCategory."""
    if not slugs:
        return ()
    with connection.cursor() as cur:
        cur.execute(
            """
            WITH RECURSIVE tree AS (
              SELECT id, slug AS root FROM geo_category WHERE slug = ANY(%s)
              UNION
              SELECT c.id, tree.root FROM geo_category c JOIN tree ON c.parent_id = tree.id
            )
            SELECT id, root FROM tree""",
            [list(slugs)],
        )
        rows = cur.fetchall()
    if unknown := set(slugs) - {root for _, root in rows}:
        raise UnknownCategory("category", f"unknown category: {', '.join(sorted(unknown))}")
    return tuple(sorted({cid for cid, _ in rows}))
