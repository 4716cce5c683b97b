"""What the geocoder answers (`Geocoded`) and the errors it raises; no logic here."""

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from geo.models import Area, Location

Precision = Location.GeocodePrecision

# Finest first; a fallback replaces a provider answer only when it is finer.
PRECISION_RANK = {
    Precision.SOURCE: 0,
    Precision.MANUAL: 0,
    Precision.HOUSE: 1,
    Precision.STREET: 2,
    Precision.POSTCODE: 3,
    Precision.AREA: 4,
    Precision.MUNICIPALITY: 5,
    Precision.NONE: 6,
}

# `Geocoded.provider` of the local fallback chain (postcode, area, municipality centroids).
LOCAL = "local"


class _PointField:
    """`Geocoded.point`: a Point, or a (lon, lat) pair turned into a Point (SRID 4326) when first
    read. A batch of cache hits then builds no GEOS object that nobody reads: one costs more
    than the rest of a cache hit (see `Geocoded.lonlat`)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: object, objtype: type | None = None) -> Point | None:
        if obj is None:
            raise AttributeError("no default")  # dataclasses: the field is required
        value = obj.__dict__[self.slot]
        if isinstance(value, tuple):
            value = Point(*value, srid=4326)
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: object, value: "Point | tuple[float, float] | None") -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True)
class Geocoded:
    """Where an address is, how well we know it, and who said so.

    point: SRID 4326, None when precision is "none" (the row needs a pin placed by hand). The
        constructor also takes a (lon, lat) pair; `lonlat` reads it without building a Point.
    precision: a `Location.GeocodePrecision` value: house, street, postcode, area, municipality,
        none. A coarse precision is never dressed up as exact.
    provider: "nominatim" for a provider answer (fresh or cached), "local" for the fallback chain.
    query: what was asked, as one line.
    area: the most specific `Area` holding the point (for the "area" and "municipality"
        fallbacks, the area that was named); None when unplaced or outside every area.
    needs_regeocode: placed locally because the provider was unreachable: ask again later
        (`manage.py geocode_pending`).
    display_name: the provider's name for the place, or the fallback's ("Τ.Κ. 10683", an area).
    cached: answered from the cache table, without a request.
    """

    point: Point | None = _PointField()  # type: ignore[assignment]
    precision: str
    provider: str
    query: str
    area: Area | None = None
    needs_regeocode: bool = False
    display_name: str = ""
    cached: bool = False

    @property
    def placed(self) -> bool:
        return self.__dict__["_point"] is not None

    @property
    def lonlat(self) -> tuple[float, float] | None:
        """(lon, lat) without building a Point: the cheap way for bulk callers."""
        value = self.__dict__["_point"]
        if value is None or isinstance(value, tuple):
            return value
        return (value.x, value.y)

    def finer_than(self, other: "Geocoded") -> bool:
        return PRECISION_RANK[self.precision] < PRECISION_RANK[other.precision]


class GeocodingError(Exception):
    """The geocoder could not answer (never raised for an address that was simply not found)."""


class GeocoderUnavailable(GeocodingError):
    """The provider failed (timeout, connection error, HTTP 5xx, 429, refusal) after the retries,
    or is being skipped after such a failure. Nothing was cached."""


class GeocoderMisconfigured(GeocodingError):
    """The geocoder settings are unusable: an unknown provider, or Nominatim without an
    identifying User-Agent (geopy's default agent is refused)."""
