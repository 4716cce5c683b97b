"""What cleaning needs to know from the database, loaded once per import: the categories and
their synonyms, and the outline of Greece. Read-only."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.contrib.gis.geos.prepared import PreparedGeometry
from django.db import connection

from geo.models import Area, Category
from importers.cleaning.vocabulary import normalise

# Used only when the database has no regional units (a fresh install before load_areas): a box
# around Greek territory, which also takes in bits of Albania, North Macedonia, Bulgaria and
# Turkey. The regional units, buffered by ~1 km for their generalised coastlines, are used
# whenever they are loaded.
GREECE_BOX = (19.3, 34.7, 29.7, 41.8)
BOUNDARY_BUFFER_DEGREES = 0.01


@dataclass(frozen=True)
class CleaningContext:
    """`categories`: normalised slug/name/synonym -> slug, or None when the word names several.
    `greece`: the prepared outline points must fall in; `boundary` says which one it is.
    `postcode_holds(postcode, point)`: True/False/None (unknown); checks a postcode against the
    coordinates of the same row (geo.postcodes.postcode_holds when available).
    """

    categories: Mapping[str, str | None]
    greece: PreparedGeometry
    boundary: str
    today: dt.date = field(default_factory=dt.date.today)
    postcode_holds: Callable[[str, Point], bool | None] | None = None

    @classmethod
    def from_db(
        cls, *, postcode_holds: Callable[[str, Point], bool | None] | None = None
    ) -> "CleaningContext":
        if postcode_holds is None:
            postcode_holds = _geo_postcode_check()
        greece, boundary = greece_outline()
        return cls(
            categories=category_words(),
            greece=greece.prepared,
            boundary=boundary,
            postcode_holds=postcode_holds,
        )

    def in_greece(self, point: Point) -> bool:
        return self.greece.covers(point)


def category_words() -> dict[str, str | None]:
    words: dict[str, str | None] = {}
    for c in Category.objects.all().order_by("sort_order", "slug"):
        names = [c.slug, c.slug.replace("-", " "), c.name_el, c.name_en, *c.names.values()]
        for word in {normalise(w) for w in [*names, *c.synonyms] if w}:
            if word in words and words[word] != c.slug:
                words[word] = None  # two categories claim the word: make the coordinator choose
            else:
                words[word] = c.slug
    return words


def greece_outline() -> tuple[GEOSGeometry, str]:
    """The union of the regional units (buffered), or the bounding box when none are loaded."""
    fingerprint = tuple(
        Area.objects.filter(level=Area.Level.REGIONAL_UNIT)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not fingerprint:
        return Polygon.from_bbox(GREECE_BOX), "bounding box (no regional units loaded)"
    return _union(fingerprint), "regional units in the database"


@lru_cache(maxsize=2)
def _union(ids: tuple[int, ...]) -> GEOSGeometry:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_AsBinary(ST_Buffer(ST_Union(boundary), %s))"
            " FROM geo_area WHERE id = ANY(%s)",
            [BOUNDARY_BUFFER_DEGREES, list(ids)],
        )
        (wkb,) = cur.fetchone()
    return GEOSGeometry(memoryview(wkb), srid=4326)  # GEOS reads bytes as text, not WKB


def _geo_postcode_check() -> Callable[[str, Point], bool | None] | None:
    # geo.postcodes comes with the geocoding work; until it lands, postcodes are checked for form.
    try:
        from geo.postcodes import postcode_holds  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return postcode_holds
