"""Query parameters of the API, parsed into geo.search values; anything wrong is a SearchError
naming the parameter (the views answer 400 with it). Never reads the exact point."""

import datetime as dt
import math
import re

from django.http import QueryDict
from django.utils import timezone

from geo.gazetteer import InvalidQuery, resolve_area
from geo.hours import ATHENS
from geo.models import Area
from geo.search import (
    POINT_PARAMETER,
    BBox,
    Filters,
    LonLat,
    SearchError,
    Selection,
    category_ids,
)
from geo.text import strip_accents
from layers.models import Layer

PAGE_LIMIT_DEFAULT = 500
PAGE_LIMIT_MAX = 5000
NEAREST_LIMIT_DEFAULT = 10
NEAREST_LIMIT_MAX = 100

# Greece, roughly: used only to tell someone their lon,lat look swapped.
_GREECE = BBox(19.0, 34.5, 30.0, 42.0)
_JUNK = re.compile(r"[<>{}\[\];`\\]|--|/\*|\x00|\bselect\b.*\bfrom\b|\bunion\b.*\bselect\b", re.I)


def _in_greece(lon: float, lat: float) -> bool:
    return _GREECE.west <= lon <= _GREECE.east and _GREECE.south <= lat <= _GREECE.north


def _numbers(name: str, raw: str, count: int) -> list[float]:
    parts = raw.split(",")
    if len(parts) != count:
        raise SearchError(name, f"give {count} comma-separated numbers, got {len(parts)}")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise SearchError(name, f"give {count} comma-separated numbers") from None
    if not all(math.isfinite(v) for v in values):
        raise SearchError(name, "numbers must be finite")
    return values


def centre(raw: str) -> LonLat:
    """The search centre from `lon,lat`."""
    lon, lat = _numbers(POINT_PARAMETER, raw, 2)
    if _in_greece(lat, lon) and not _in_greece(lon, lat):
        raise SearchError(POINT_PARAMETER, "looks like lat,lon; give lon,lat (longitude first)")
    return LonLat(lon, lat)


def bbox(raw: str) -> BBox:
    west, south, east, north = _numbers("in_bbox", raw, 4)
    if _in_greece(south, west) and _in_greece(north, east) and not _in_greece(west, south):
        raise SearchError("in_bbox", "looks like lat,lon; give minlon,minlat,maxlon,maxlat")
    return BBox(west, south, east, north)


def integer(params: QueryDict, name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchError(name, "give a whole number") from None
    if value > high:
        raise SearchError(name, f"at most {high} (the cap); page through with offset")
    if value < low:
        raise SearchError(name, f"at least {low}")
    return value


def _list(params: QueryDict, name: str) -> tuple[str, ...]:
    values = []
    for raw in params.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return tuple(dict.fromkeys(values))


def boolean(params: QueryDict, name: str) -> bool:
    raw = (params.get(name) or "").lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise SearchError(name, "give true or false")


def open_at(params: QueryDict) -> dt.datetime | None:
    if raw := params.get("open_at"):
        try:
            when = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise SearchError("open_at", "give an ISO 8601 time, e.g. 2027-03-15T10:00") from None
        return when if when.tzinfo else when.replace(tzinfo=ATHENS)
    if boolean(params, "open_now"):
        return timezone.now()
    return None


def area(raw: str) -> Area:
    """An area by slug, else by name (the gazetteer)."""
    if found := Area.objects.filter(slug=raw).first():
        return found
    try:
        found = resolve_area(raw)
    except InvalidQuery as exc:
        raise SearchError("area", str(exc)) from exc
    if found is None:
        raise SearchError("area", f"no area called {raw!r}")
    return found


def layer(slug: str) -> Layer:
    found = Layer.objects.filter(slug=slug, active=True).first()
    if found is None:
        raise SearchError("layer", f"unknown layer {slug!r}; see /api/layers/")
    return found


def selection(found: Layer) -> Selection:
    slugs = list(found.categories.values_list("slug", flat=True))
    return Selection(category_ids(slugs) if slugs else (), tuple(found.organisation_kinds))


def text(raw: str) -> str:
    raw = raw.strip()
    if _JUNK.search(raw) or any(ord(c) < 32 for c in raw):
        raise SearchError("q", "give words to look for, without markup or SQL")
    return strip_accents(raw)


def filters(
    params: QueryDict, *, area_found: Area | None = None, open_at: dt.datetime | None = None
) -> Filters:
    """The filters every location endpoint shares (`open_at` as read by `open_at()`)."""
    found_area = area_found
    if found_area is None and (raw := params.get("area")):
        found_area = area(raw)
    return Filters(
        category_ids=category_ids(_list(params, "category")),
        languages=_list(params, "language"),
        audiences=_list(params, "audience"),
        organisation_kinds=_list(params, "organisation_kind"),
        selection=selection(layer(params["layer"])) if params.get("layer") else None,
        area_id=found_area.pk if found_area else None,
        bbox=bbox(params["in_bbox"]) if params.get("in_bbox") else None,
        text=text(params.get("q", "")),
        open_at=open_at,
    )
