"""Talking to Nominatim through geopy: the identifying User-Agent, the installation-wide spacing of
requests, retries with backoff, and the precision of an answer. It must not cache or fall back:
an error here is raised as GeocoderUnavailable, never returned as "not found"."""

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.gis.geos import Point
from geopy import exc as geopy_exc
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim
from geopy.geocoders import options as geopy_options

from geo.geocoding import throttle
from geo.geocoding.result import GeocoderMisconfigured, GeocoderUnavailable, Precision

logger = logging.getLogger(__name__)

NAME = "nominatim"

# Sample agents from geopy's and Nominatim's docs, which Nominatim blocks; geopy's own default
# ("geopy/2.5.0") is checked by prefix.
_SAMPLE_AGENTS = {"my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}

_AREA_TYPES = {
    "suburb",
    "neighbourhood",
    "quarter",
    "city_block",
    "city_district",
    "borough",
    "hamlet",
    "village",
    "isolated_dwelling",
    "locality",
    "croft",
    "allotments",
    "farm",
    "square",
}
_MUNICIPALITY_TYPES = {"city", "town", "municipality"}


@dataclass(frozen=True)
class Answer:
    """Nominatim's best place for a query, with the precision we read from it."""

    point: Point
    precision: str
    display_name: str
    raw: dict


def check_user_agent(agent: str) -> None:
    """Raise GeocoderMisconfigured unless `agent` identifies this application."""
    agent = (agent or "").strip()
    if not agent:
        raise GeocoderMisconfigured(
            "GEITONIA_GEOCODER_USER_AGENT is empty: Nominatim requires an identifying "
            "User-Agent, e.g. 'geitonia-yourcity/1.0 (you@example.org)'."
        )
    if agent.lower().startswith("geopy/") or agent == geopy_options.default_user_agent:
        raise GeocoderMisconfigured(
            f"GEITONIA_GEOCODER_USER_AGENT is geopy's default ({agent!r}), which Nominatim "
            "blocks: set an agent that identifies this installation."
        )
    if agent in _SAMPLE_AGENTS:
        raise GeocoderMisconfigured(f"GEITONIA_GEOCODER_USER_AGENT {agent!r} is a sample agent.")


def throttle_key() -> str:
    """The throttle row of the configured server: one budget per Nominatim host."""
    return f"{NAME}:{urlsplit(settings.GEITONIA_NOMINATIM_URL).netloc}"[:40]


class _NominatimV2(Nominatim):
    """geopy's Nominatim asking for format=jsonv2, which carries place_rank, category and
    addresstype: what the precision is read from."""

    def _construct_url(self, base_api: str, params: dict) -> str:
        params["format"] = "jsonv2"
        return super()._construct_url(base_api, params)


def client() -> Nominatim:
    agent = settings.GEITONIA_GEOCODER_USER_AGENT
    check_user_agent(agent)
    url = urlsplit(settings.GEITONIA_NOMINATIM_URL)
    if url.scheme not in ("http", "https") or not url.netloc:
        raise GeocoderMisconfigured(
            f"GEITONIA_NOMINATIM_URL {settings.GEITONIA_NOMINATIM_URL!r} is not an http(s) URL."
        )
    return _NominatimV2(
        user_agent=agent,
        domain=(url.netloc + url.path).rstrip("/"),
        scheme=url.scheme,
        timeout=settings.GEITONIA_GEOCODER_TIMEOUT,
        # urllib: one connection per request, nothing pooled to leak between processes.
        adapter_factory=URLLibAdapter,
    )


# Per process: when the provider failed through all retries, it is skipped until this time.
_down_until: dict[str, float] = {}


def reset_cooldown() -> None:
    _down_until.clear()


def search(query: dict[str, str] | str, *, retries: int | None = None) -> Answer | None:
    """One query (structured dict or free text), spaced, retried (`retries` None: the setting).
    None when Nominatim finds no place, or only one too coarse to use (a region, a country).
    Raises GeocoderUnavailable."""
    key = throttle_key()
    if time.monotonic() < _down_until.get(key, 0.0):
        raise GeocoderUnavailable(f"{key} failed recently; skipped during the cool-down")
    geocoder = client()
    retries = max(settings.GEITONIA_GEOCODER_RETRIES if retries is None else retries, 0)
    last: Exception | None = None
    for attempt in range(retries + 1):
        try:
            with throttle.turn(key, interval=settings.GEITONIA_GEOCODER_MIN_INTERVAL):
                location = geocoder.geocode(
                    query,
                    exactly_one=True,
                    country_codes="gr",
                    language="el",
                    addressdetails=True,
                )
        except (
            geopy_exc.GeocoderInsufficientPrivileges,
            geopy_exc.GeocoderAuthenticationFailure,
            geopy_exc.ConfigurationError,
        ) as exc:
            # A refusal (403: blocked agent or policy) does not go away by asking again.
            _down_until[key] = time.monotonic() + settings.GEITONIA_GEOCODER_COOLDOWN
            raise GeocoderUnavailable(f"{key} refused the request: {exc}") from exc
        except geopy_exc.GeocoderQueryError as exc:
            # 400: our query was malformed; that is a bug to see, not an address not found.
            raise GeocoderUnavailable(f"{key} rejected the query {query!r}: {exc}") from exc
        except geopy_exc.GeocoderServiceError as exc:
            # Timeouts, connection errors, 5xx, 429, unparsable answers: retry with backoff.
            last = exc
            if attempt < retries:
                delay = settings.GEITONIA_GEOCODER_BACKOFF * 2**attempt
                if isinstance(exc, geopy_exc.GeocoderRateLimited) and exc.retry_after:
                    delay = max(delay, float(exc.retry_after))
                logger.info("%s: %s; retrying in %.1f s", key, exc, delay)
                time.sleep(delay)
            continue
        return _answer(location.raw) if location is not None else None
    _down_until[key] = time.monotonic() + settings.GEITONIA_GEOCODER_COOLDOWN
    raise GeocoderUnavailable(f"{key} failed {retries + 1} times; last: {last}") from last


def _answer(place: dict) -> Answer | None:
    precision = precision_of(place)
    try:
        point = Point(float(place["lon"]), float(place["lat"]), srid=4326)
    except (KeyError, TypeError, ValueError):
        return None
    if precision is None:
        return None
    return Answer(point, precision, str(place.get("display_name", ""))[:500], place)


def precision_of(place: dict) -> str | None:
    """The precision of a Nominatim (jsonv2) place: house (place_rank >= 30), street (26-29, or
    a road), postcode, area (suburb, neighbourhood, village...), municipality (city, town); None
    for anything coarser (a region, a country)."""
    addresstype = str(place.get("addresstype") or "")
    category = str(place.get("category") or place.get("class") or "")
    kind = str(place.get("type") or "")
    try:
        rank = int(place.get("place_rank") or 0)
    except (TypeError, ValueError):
        rank = 0
    if addresstype == "postcode" or kind in ("postcode", "postal_code"):
        return Precision.POSTCODE
    if rank >= 30:
        return Precision.HOUSE
    if rank >= 26 or (category == "highway" and rank == 0):
        return Precision.STREET
    if addresstype in _AREA_TYPES:
        return Precision.AREA
    if addresstype in _MUNICIPALITY_TYPES:
        return Precision.MUNICIPALITY
    if 19 <= rank <= 25:
        return Precision.AREA
    if 13 <= rank <= 18:
        return Precision.MUNICIPALITY
    return None
