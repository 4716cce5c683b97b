"""Address to point (stand-in until the geocoding branch lands: the offline fallback chain only).

Never writes locations; it may only read areas and the geocoding cache.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.contrib.gis.geos import Point

from geo.models import Area
from geo.text import strip_accents


class GeocodingError(Exception):
    """The provider failed after retries (not the same as "not found")."""


@dataclass(frozen=True)
class AddressQuery:
    street: str = ""
    postcode: str = ""
    locality: str = ""

    def one_line(self) -> str:
        return ", ".join(p for p in (self.street, self.postcode, self.locality) if p)


@dataclass(frozen=True)
class Geocoded:
    point: Point | None
    precision: str
    provider: str
    query: str
    area: Area | None = None
    needs_regeocode: bool = False


@lru_cache(maxsize=1)
def _area_names() -> list[tuple[str, int, str, Point]]:
    rank = {Area.Level.NEIGHBOURHOOD: 0, Area.Level.MUNICIPAL_UNIT: 1, Area.Level.MUNICIPALITY: 2}
    rows = Area.objects.filter(level__in=list(rank)).values_list("name", "level", "id", "centroid")
    named = [(strip_accents(n), rank[lvl], i, c) for n, lvl, i, c in rows if len(n) > 3]
    return sorted(named, key=lambda t: (t[1], -len(t[0])))


def geocode_many(queries: list, *, geocoder: str | None = None) -> list[Geocoded]:
    return [geocode(q, geocoder=geocoder) for q in queries]


def geocode(query: "AddressQuery | str", *, geocoder: str | None = None) -> Geocoded:
    text = query if isinstance(query, str) else query.one_line()
    folded = strip_accents(text)
    for name, rank, area_id, centroid in _area_names():
        if name in folded:
            precision = "municipality" if rank == 2 else "area"
            return Geocoded(centroid, precision, "local", text, Area(id=area_id), True)
    return Geocoded(None, "none", "local", text)
