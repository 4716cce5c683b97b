"""Geocoding: from an address to a point with a precision, a provider and the query asked.

Public interface (import from `geo.geocoding`):

    geocode(address: AddressQuery | str, *, geocoder: str | None = None,
            fallback_when_unavailable: bool = True, retries: int | None = None) -> Geocoded
    geocode_many(addresses: Iterable[AddressQuery | str], *, geocoder: str | None = None,
                 fallback_when_unavailable: bool = True, retries: int | None = None)
                 -> list[Geocoded]
        Same answers, in order; cache hits for the whole batch in one query (use it for imports).
        `retries` None: settings.GEITONIA_GEOCODER_RETRIES; a web request may want 0, so that a
        provider outage costs one timeout, not the whole backoff.
    Geocoded.lonlat -> (lon, lat) | None: the position without building a GEOS Point (bulk).
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
from dataclasses import dataclass

from django.conf import settings

from geo.geocoding import cache, nominatim
from geo.geocoding.fallback import LocalChain, area_at
from geo.geocoding.query import AddressQuery, text_query_key
from geo.geocoding.result import (
    LOCAL,
    PRECISION_RANK,
    Geocoded,
    GeocoderMisconfigured,
    GeocoderUnavailable,
    GeocodingError,
    Precision,
)
from geo.models import Area

__all__ = [
    "GEOCODERS",
    "GOOD_ENOUGH",
    "LOCAL",
    "OFFLINE",
    "AddressQuery",
    "Geocoded",
    "GeocoderMisconfigured",
    "GeocoderUnavailable",
    "GeocodingError",
    "geocode",
    "geocode_many",
    "geocoder_name",
]

OFFLINE = "offline"
GEOCODERS = (nominatim.NAME, OFFLINE)
# A cached provider answer this precise is taken as it is; a coarser one may be bettered locally.
GOOD_ENOUGH = (Precision.HOUSE, Precision.STREET)


def geocode(
    address: AddressQuery | str,
    *,
    geocoder: str | None = None,
    fallback_when_unavailable: bool = True,
    retries: int | None = None,
) -> Geocoded:
    """Place one address. Raises GeocoderMisconfigured, and GeocoderUnavailable only when
    `fallback_when_unavailable` is False."""
    return geocode_many(
        [address],
        geocoder=geocoder,
        fallback_when_unavailable=fallback_when_unavailable,
        retries=retries,
    )[0]


def geocode_many(
    addresses: Iterable[AddressQuery | str],
    *,
    geocoder: str | None = None,
    fallback_when_unavailable: bool = True,
    retries: int | None = None,
) -> list[Geocoded]:
    """Place many addresses, in order; cache hits for the whole batch in one query."""
    name = geocoder_name(geocoder)
    items = [_Item.of(a) for a in addresses]
    local = LocalChain()
    if name == OFFLINE:
        return [local.place(i.address, display_query=i.query) for i in items]
    nominatim.client()  # refuses a missing or default User-Agent before anything is asked
    known = cache.lookup_many(i.key for i in items if i.key)
    areas = _areas({e.area_id for e in known.values() if e.area_id})
    results = []
    for item in items:
        if not item.key:
            results.append(local.place(item.address, display_query=item.query))
            continue
        entry = known.get(item.key)
        if entry is None:
            try:
                entry = _ask(item, retries=retries)
            except GeocoderUnavailable:
                if not fallback_when_unavailable:
                    raise
                results.append(
                    local.place(item.address, needs_regeocode=True, display_query=item.query)
                )
                continue
            known[item.key] = entry
            if entry.area_id and entry.area_id not in areas:
                areas.update(_areas({entry.area_id}))
            fresh = True
        else:
            fresh = False
        results.append(_from_entry(item, entry, areas, local, cached=not fresh))
    return results


def geocoder_name(geocoder: str | None = None) -> str:
    """The geocoder to use ("nominatim" or "offline"; None reads settings.GEITONIA_GEOCODER).
    Raises GeocoderMisconfigured for an unknown name."""
    name = (geocoder or settings.GEITONIA_GEOCODER or nominatim.NAME).strip().lower()
    if name not in GEOCODERS:
        raise GeocoderMisconfigured(
            f"Unknown geocoder {name!r}: use one of {', '.join(GEOCODERS)}."
        )
    return name


@dataclass(frozen=True)
class _Item:
    address: AddressQuery | str
    key: str  # "" when there is nothing to ask
    query: str

    @classmethod
    def of(cls, address: AddressQuery | str) -> "_Item":
        if isinstance(address, AddressQuery):
            line = address.one_line()
            return cls(address, address.key() if line else "", line)
        text = " ".join(str(address or "").split())
        return cls(text, text_query_key(text) if text else "", text)


def _ask(item: _Item, *, retries: int | None) -> cache.Entry:
    """Ask the provider (structured, then free text), cache the answer or the miss."""
    answer = None
    if isinstance(item.address, AddressQuery) and (params := item.address.structured()):
        answer = nominatim.search(params, retries=retries)
    if answer is None or answer.precision not in GOOD_ENOUGH:
        text_answer = nominatim.search(item.query, retries=retries)
        if text_answer is not None and (
            answer is None
            or PRECISION_RANK[text_answer.precision] < PRECISION_RANK[answer.precision]
        ):
            answer = text_answer
    area = area_at(answer.point) if answer else None
    entry = cache.Entry(
        key=item.key,
        query=item.query,
        provider=nominatim.NAME,
        found=answer is not None,
        point=answer.point if answer else None,
        precision=answer.precision if answer else Precision.NONE,
        display_name=answer.display_name if answer else "",
        area_id=area.pk if area else None,
    )
    cache.store(entry, raw=answer.raw if answer else {})
    return entry


def _from_entry(
    item: _Item, entry: cache.Entry, areas: dict[int, Area], chain: LocalChain, *, cached: bool
) -> Geocoded:
    """The provider's answer, unless it found nothing or the local chain places it finer."""
    local = None
    if not entry.found or entry.precision not in GOOD_ENOUGH:
        local = chain.place(item.address, display_query=item.query)
    if not entry.found:
        return local
    found = Geocoded(
        point=entry.point,
        precision=entry.precision,
        provider=entry.provider,
        query=item.query,
        area=areas.get(entry.area_id),
        display_name=entry.display_name,
        cached=cached,
    )
    return local if local is not None and local.finer_than(found) else found


def _areas(ids: set[int]) -> dict[int, Area]:
    return Area.objects.defer("boundary").in_bulk(ids) if ids else {}
