"""Geocoding: from an address to a point with a precision, a provider and the query asked.

Public interface (import from `geo.geocoding`):

    geocode(address: AddressQuery | str, *, geocoder: str | None = None,
            fallback_when_unavailable: bool = True) -> Geocoded
    geocode_many(addresses: Iterable[AddressQuery | str], *, geocoder: str | None = None,
                 fallback_when_unavailable: bool = True) -> list[Geocoded]
        Same answers, in order; cache hits for the whole batch in one query (use it for imports).
    AddressQuery(street="", house_number="", postcode="", locality="", municipality="", area="",
                 country="gr")  frozen; `street` may carry the number ("Νοταρά 34") and corners
                 ("Νοταρά 34 & Δεληγιάννη": the first street is used).
    Geocoded(point: Point(SRID 4326) | None, precision: Location.GeocodePrecision value,
             provider: "nominatim" | "local", query: str, area: Area | None,
             needs_regeocode: bool, display_name: str, cached: bool)  frozen; `.placed`.
    GeocodingError > GeocoderUnavailable, GeocoderMisconfigured.
    geo.postcodes: postcode_centroid(postcode) -> Point | None,
                   postcode_regional_unit(postcode) -> Area | None.

`geocoder` is "nominatim" or "offline"; None reads settings.GEITONIA_GEOCODER.
How an address is placed, first success wins:
  1. the cache table (GeocodeResult, keyed by the normalised query; misses are cached too);
  2. Nominatim (settings.GEITONIA_NOMINATIM_URL, identifying User-Agent required,
     countrycodes=gr, accept-language=el): a structured query (street, postalcode, city, country),
     then a free-text one. Requests are spaced installation-wide (`throttle`), errors and
     timeouts are retried with backoff and are never taken for "not found";
  3. when Nominatim is coarser than "street" or finds nothing, the local chain (`fallback`):
     a checked postcode centroid ("postcode"), an area named in the address ("area"), the
     municipality's centroid ("municipality"); nothing -> precision "none", point None.
With geocoder="offline" only step 3 runs. When the provider is unreachable after the retries,
step 3 places the address with needs_regeocode=True, or GeocoderUnavailable is raised if
`fallback_when_unavailable=False`.

It writes only the cache and the throttle row, on a connection of its own, so its writes survive
a caller's rolled-back transaction (a dry run) and never hold a lock in it. It must not write
locations: callers do (`manage.py geocode_pending` for rows marked to re-geocode).
"""

from collections.abc import Iterable

from geo.geocoding.query import AddressQuery
from geo.geocoding.result import (
    LOCAL,
    Geocoded,
    GeocoderMisconfigured,
    GeocoderUnavailable,
    GeocodingError,
)

__all__ = [
    "LOCAL",
    "AddressQuery",
    "Geocoded",
    "GeocoderMisconfigured",
    "GeocoderUnavailable",
    "GeocodingError",
    "geocode",
    "geocode_many",
]


def geocode(
    address: AddressQuery | str,
    *,
    geocoder: str | None = None,
    fallback_when_unavailable: bool = True,
) -> Geocoded:
    """Place one address. Raises GeocoderMisconfigured, and GeocoderUnavailable only when
    `fallback_when_unavailable` is False."""
    return geocode_many(
        [address], geocoder=geocoder, fallback_when_unavailable=fallback_when_unavailable
    )[0]


def geocode_many(
    addresses: Iterable[AddressQuery | str],
    *,
    geocoder: str | None = None,
    fallback_when_unavailable: bool = True,
) -> list[Geocoded]:
    """Place many addresses, in order; cache hits for the whole batch in one query."""
    raise NotImplementedError
