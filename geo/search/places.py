"""From what someone typed after "near" to a point: an area's name, or an address.

Reads the gazetteer and the geocoder; must not write locations.
"""

import importlib
import importlib.util
import re
from dataclasses import dataclass

from geo.gazetteer import InvalidQuery, resolve_area
from geo.models import Area
from geo.search.filters import LonLat, SearchError

_JUNK = re.compile(r"[<>{}\[\];`\\]|--|/\*|\x00")


@dataclass(frozen=True)
class Place:
    centre: LonLat
    area: Area | None
    label: str
    how: str  # "area" or "address"


def _geocode(text: str) -> Place | None:
    # geo.geocoding comes from its own branch; until it lands, `near` knows area names only.
    if importlib.util.find_spec("geo.geocoding") is None:
        return None
    geocoding = importlib.import_module("geo.geocoding")
    try:
        found = geocoding.geocode(text)
    except geocoding.GeocodingError:
        return None
    if found.point is None:
        return None
    return Place(
        LonLat(found.point.x, found.point.y), found.area, found.display_name or text, "address"
    )


def locate(text: str) -> Place:
    """Where `text` is: an area by name, else an address through the geocoder (an address with
    a house number is tried as an address first). Raises SearchError naming `near`."""
    text = text.strip()
    if not text:
        raise SearchError("near", "give an address or an area name")
    if len(text) > 200 or _JUNK.search(text) or not re.search(r"\w", text):
        raise SearchError("near", "give an address or an area name (letters, digits, commas)")
    attempts = ("address", "area") if re.search(r"\d", text) else ("area", "address")
    for how in attempts:
        if how == "address":
            place = _geocode(text)
            if place:
                return place
            continue
        try:
            area = resolve_area(text)
        except InvalidQuery as exc:
            raise SearchError("near", str(exc)) from exc
        if area is not None:
            return Place(LonLat(area.centroid.x, area.centroid.y), area, area.name, "area")
    raise SearchError("near", f"no area or address found for {text!r}")
