"""Coordinates from spreadsheets: WGS84 (decimal point or comma, DMS) or the Greek Grid.

The Greek Grid (ΕΓΣΑ87, EPSG:2100) sits on the GGRS87 datum: the EPSG definition carries the
datum shift (+towgs84=-199.87,74.79,246.62); transforming without it puts points ~325 m off.
Greek latitudes (34.5-42) and longitudes (19-30) do not overlap, so swapped columns are certain.
"""

import math
import re
from dataclasses import dataclass
from functools import cache

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_noop

from importers.reasons import Reason

GREEK_GRID_SRID = 2100
LAT_RANGE = (34.5, 42.0)
LON_RANGE = (19.0, 30.0)
# Where ΕΓΣΑ87 easting/northing can fall for Greek territory (with a margin).
X_RANGE = (50_000.0, 1_000_000.0)
Y_RANGE = (3_800_000.0, 4_700_000.0)


class CoordinateError(ValueError):
    """The text is not a coordinate we can read; the message says why, for the coordinator."""


@dataclass(frozen=True)
class Position:
    lon: float  # WGS84 degrees
    lat: float
    grid: str  # "wgs84" or "egsa87"
    warnings: tuple[Reason, ...] = ()


def _not_a_number(text: str) -> Reason:
    return Reason(gettext_noop("{value} is not a number"), value=repr(text))


_PLAIN = re.compile(r"-?\d{1,7}(?:[.,]\d{1,12})?")


def parse_number(text: str) -> float:
    """A number written the Greek or the English way: '37,9838', '4.205.000,5', '-23.7', '1 234'."""
    if _PLAIN.fullmatch(text):  # the common case, without the general rules below
        return float(text.replace(",", "."))
    s = text.strip().replace("\u2212", "-").replace("\u00a0", " ")
    # Spaces only as thousands separators ('4 205 000'); '37 59 10' is degrees-minutes-seconds.
    if " " in s:
        if not re.fullmatch(r"[-+]?\d{1,3}( \d{3})+([.,]\d+)?", s):
            raise CoordinateError(_not_a_number(text))
        s = s.replace(" ", "")
    if not re.fullmatch(r"[-+]?[\d.,]*\d[\d.,]*", s):
        raise CoordinateError(_not_a_number(text))
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1 or s.count(".") > 1:
        s = s.replace(",", "").replace(".", "")
    value = float(s)
    if not math.isfinite(value):
        raise CoordinateError(
            Reason(gettext_noop("{value} is not a finite number"), value=repr(text))
        )
    return value


_DMS = re.compile(
    r"""(?P<pre>[NSEWΒΝΑΔ])?\s*
        (?P<d>\d{1,3}(?:[.,]\d+)?)\s*(?:°|º|˚|deg|d|\s)\s*
        (?:(?P<m>\d{1,2}(?:[.,]\d+)?)\s*(?:'|′|’|m|min|\s)\s*)?
        (?:(?P<s>\d{1,2}(?:[.,]\d+)?)\s*(?:"|″|”|''|′′|s|sec)?\s*)?
        (?P<post>[NSEWΒΝΑΔ])?""",
    re.VERBOSE | re.IGNORECASE,
)
_HEMISPHERE_SIGN = {"N": 1, "S": -1, "E": 1, "W": -1, "Β": 1, "Ν": -1, "Α": 1, "Δ": -1}


def parse_angle(text: str) -> float:
    """Decimal degrees from '37.9838', '37,9838' or DMS like 37°59'10\"N / 37 59 10.2 Β."""
    s = text.strip()
    if not s:
        raise CoordinateError(Reason(gettext_noop("empty")))
    try:
        return parse_number(s)
    except CoordinateError:
        pass
    m = _DMS.fullmatch(s)
    if not m or not (m.group("m") or "°" in s or "º" in s):
        raise CoordinateError(
            Reason(
                gettext_noop("{value} is neither decimal degrees nor degrees-minutes-seconds"),
                value=repr(text),
            )
        )
    degrees = parse_number(m.group("d"))
    minutes = parse_number(m.group("m")) if m.group("m") else 0.0
    seconds = parse_number(m.group("s")) if m.group("s") else 0.0
    if minutes >= 60 or seconds >= 60:
        raise CoordinateError(
            Reason(gettext_noop("{value} has minutes or seconds of 60 or more"), value=repr(text))
        )
    value = degrees + minutes / 60 + seconds / 3600
    hemisphere = (m.group("pre") or m.group("post") or "").upper()
    return value * _HEMISPHERE_SIGN.get(hemisphere, 1)


def split_pair(text: str) -> tuple[str, str]:
    """One cell holding both coordinates: '37.98, 23.73', '37,98 23,73', '37°59′N 23°43′E'."""
    s = text.strip().strip("()[]")
    for sep in (";", "|", "\t", ", ", " , "):
        if sep in s:
            a, _, b = s.partition(sep)
            return a.strip(), b.strip()
    if s.count(",") == 1 and "." in s:
        a, _, b = s.partition(",")
        return a.strip(), b.strip()
    dms = re.fullmatch(r"(.+?[NSΒΝ])\s*(.+?[EWΑΔ])", s, re.IGNORECASE)
    if dms:
        return dms.group(1).strip(), dms.group(2).strip()
    parts = s.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    raise CoordinateError(
        Reason(
            gettext_noop("{value} is not a pair of coordinates (latitude, longitude)"),
            value=repr(text),
        )
    )


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


@cache
def _grid_to_wgs84() -> CoordTransform:
    # GDAL's EPSG:2100 includes the TOWGS84 shift (checked in tests against the explicit one).
    return CoordTransform(SpatialReference(GREEK_GRID_SRID), SpatialReference(4326))


def from_greek_grid(x: float, y: float) -> Point:
    point = Point(x, y, srid=GREEK_GRID_SRID)
    point.transform(_grid_to_wgs84())
    return Point(point.x, point.y, srid=4326)


def _metres(text: str) -> float:
    value = parse_number(text)
    # '476.000' is 476 thousand in Greek notation, and no grid coordinate is under 1000 m.
    if value < 1000 and re.fullmatch(r"\d{1,3}([.,]\d{3})+", text.strip()):
        value = float(re.sub(r"\D", "", text))
    return value


def from_grid_values(x_text: str, y_text: str) -> Position:
    x, y = _metres(x_text), _metres(y_text)
    warnings: list[Reason] = []
    if _within(y, X_RANGE) and _within(x, Y_RANGE):
        x, y = y, x
        warnings.append(
            Reason(gettext_noop("x and y (ΕΓΣΑ87) were swapped; read them the other way round"))
        )
    if not (_within(x, X_RANGE) and _within(y, Y_RANGE)):
        raise CoordinateError(
            Reason(
                gettext_noop(
                    "x={x}, y={y} are not Greek Grid (ΕΓΣΑ87) metres in Greece "
                    "(x {x_range}, y {y_range})"
                ),
                x=repr(x_text),
                y=repr(y_text),
                x_range=f"{X_RANGE[0]:,.0f}-{X_RANGE[1]:,.0f}",
                y_range=f"{Y_RANGE[0]:,.0f}-{Y_RANGE[1]:,.0f}",
            )
        )
    point = from_greek_grid(x, y)
    return Position(point.x, point.y, "egsa87", tuple(warnings))


# Decimal degrees as most files write them, and how many decimals they have.
_PLAIN_DEGREES = re.compile(r"-?\d{1,7}(?:[.,](\d{1,12}))?")


def from_lat_lon(lat_text: str, lon_text: str) -> Position:
    lat_plain, lon_plain = _PLAIN_DEGREES.fullmatch(lat_text), _PLAIN_DEGREES.fullmatch(lon_text)
    if lat_plain and lon_plain:  # the common case, read at once (what parse_angle would read)
        lat, lon = float(lat_text.replace(",", ".")), float(lon_text.replace(",", "."))
    else:
        lat, lon = parse_angle(lat_text), parse_angle(lon_text)
    warnings: list[Reason] = []
    if abs(lat) > 1000 or abs(lon) > 1000:
        # Metres in the latitude/longitude columns: Greek Grid values put in the wrong columns.
        position = from_grid_values(lon_text, lat_text)
        return Position(
            position.lon,
            position.lat,
            "egsa87",
            (
                *position.warnings,
                Reason(gettext_noop("these are Greek Grid (ΕΓΣΑ87) metres, not degrees")),
            ),
        )
    if lat == 0 and lon == 0:
        raise CoordinateError(
            Reason(gettext_noop("0, 0 is the default of a broken export, not a place"))
        )
    if _within(lon, LAT_RANGE) and _within(lat, LON_RANGE):
        lat, lon = lon, lat
        warnings.append(
            Reason(
                gettext_noop("latitude and longitude were swapped; read them the other way round")
            )
        )
    if not (_within(lat, LAT_RANGE) and _within(lon, LON_RANGE)):
        raise CoordinateError(
            Reason(
                gettext_noop(
                    "latitude {lat}, longitude {lon} is not in Greece "
                    "(latitude {lat_range}, longitude {lon_range})"
                ),
                lat=f"{lat:g}",
                lon=f"{lon:g}",
                lat_range=f"{LAT_RANGE[0]}-{LAT_RANGE[1]}",
                lon_range=f"{LON_RANGE[0]}-{LON_RANGE[1]}",
            )
        )
    if lat_plain and lon_plain:
        decimals = min(len(lat_plain[1] or ""), len(lon_plain[1] or ""))
    else:
        decimals = min(_decimals(lat_text), _decimals(lon_text))
    if decimals < 3:
        warnings.append(
            Reason(
                gettext_noop(
                    "coordinates with only {decimals} decimal place(s) are good to about {km} km"
                ),
                decimals=decimals,
                km=str([110, 11, 1.1][decimals]),
            )
        )
    return Position(lon, lat, "wgs84", tuple(warnings))


_DECIMAL = re.compile(r"[-+]?\d+(?:[.,](\d+))?")


def _decimals(text: str) -> int:
    m = _DECIMAL.fullmatch(text.strip())
    if m is None:
        return 6  # DMS and other forms: precision not judged here
    return len(m.group(1) or "")
