"""Greek postcodes from the public data files: the regional unit a postcode belongs to, and its
centroid, only after checking that the centroid lies in that regional unit.

The centroid file was looked up by place *name*, so some rows are in Cyprus, at (0, 0), in Seattle
or in another Greek town of the same name (see SOURCES.md): a centroid is returned only when the
regional unit of the postcode's prefix (postal_prefix_to_regional_unit.json) is in the database
and holds it. Reads files and areas; writes nothing.
"""

import csv
import json
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.contrib.gis.geos import Point

from geo.models import Area

POSTCODE_DIR = "postcodes"
PREFIX_FILE = "postal_prefix_to_regional_unit.json"
PLACES_FILE = "greek_postal_codes_places.json"
# Errors in postal_prefix_to_regional_unit.json, found by where the centroid file's own points for
# these prefixes fall (e.g. all twelve 38xxx centroids are in Magnesia: 38xxx is Volos) and
# matching ELTA's numbering; 85 is split by island (Rhodes 851, Kalymnos 852, Kos 853, Leros 854,
# Patmos 855, Karpathos 857). 84 (the Cyclades, split by island) stays unmapped.
PREFIX_CORRECTIONS = {
    "38": "Π.Ε. Μαγνησίας",
    "42": "Π.Ε. Τρικάλων",
    "43": "Π.Ε. Καρδίτσας",
    "49": "Π.Ε. Κέρκυρας",
    "851": "Π.Ε. Ρόδου",
    "852": "Π.Ε. Καλύμνου",
    "853": "Π.Ε. Κω",
    "854": "Π.Ε. Καλύμνου",
    "855": "Π.Ε. Καλύμνου",
    "857": "Π.Ε. Καρπάθου",
}
# Attica's postal districts do not follow its regional units (Vyronas and Kaisariani, in the
# Central Sector, have 16xxx postcodes like the Southern Sector): there a centroid may also lie in
# a regional unit bordering the one of its prefix. Elsewhere it must lie in that unit.
ATTICA_PREFIX = "1"
# The regional-unit boundaries are generalised by ~220 m and coastal centroids may fall just into
# the sea; a centroid further than this from its regional unit is wrong, not imprecise.
TOLERANCE_METRES = 1000


class PostcodeDataMissing(Exception):
    """settings.GEITONIA_DATA_DIR is not set or has no postcodes/ directory."""


def postcode_regional_unit(postcode: str) -> Area | None:
    """The regional unit (Area, boundary deferred) a five-digit postcode belongs to by its prefix
    (three digits in Attica, else two); None when the prefix or the area is unknown."""
    area_id = _regional_unit_id(postcode)
    return Area.objects.defer("boundary").get(pk=area_id) if area_id else None


def postcode_centroid(postcode: str) -> Point | None:
    """The checked centroid (SRID 4326) of a five-digit postcode, or None when the files have no
    centroid for it or the centroid lies outside the postcode's regional unit."""
    checked = _checked_centroid(postcode)
    return Point(*checked, srid=4326) if checked else None


def postcode_places(postcode: str) -> list[str]:
    """The place names (upper case, as in the file) listed for a postcode; may be empty."""
    return list(_places().get(postcode, ()))


def postcode_holds(postcode: str, point: Point) -> bool | None:
    """Whether `point` lies in (or within the tolerance of) the postcode's regional unit, or in
    Attica a regional unit bordering it; None when the postcode's regional unit is unknown."""
    return postcode_check().holds(postcode, point.x, point.y)


class PostcodeCheck:
    """The regional units in memory (Shapely, prepared), for checking many postcodes against
    coordinates without a query each: an import checks every row that has both.

    Distances are measured on a plane scaled for Greek latitudes (x = lon · cos 38.5°), which
    is within ~5 % of the spheroid across Greece: enough for a 1 km tolerance.
    """

    # cos(38.5°): the middle of Greece's latitudes (34.8°-41.8°)
    X_SCALE = math.cos(math.radians(38.5))
    DEGREE_METRES = 111_320

    def __init__(self, units: dict[int, shapely.Geometry], names: dict[str, int]):
        # regional unit name -> id, held here so that `holds` asks the database nothing (an
        # import calls it in worker processes that must not use the database connection)
        self._ids = dict(names)
        self._units = {}
        for area_id, geometry in units.items():
            scaled = shapely.transform(geometry, lambda xy: xy * (self.X_SCALE, 1.0))
            shapely.prepare(scaled)
            self._units[area_id] = scaled
        ids = list(self._units)
        tree = shapely.STRtree([self._units[i] for i in ids])
        self._neighbours: dict[int, tuple[int, ...]] = {}
        for i, area_id in enumerate(ids):
            near = tree.query(self._units[area_id], predicate="intersects")
            self._neighbours[area_id] = tuple(ids[j] for j in near if j != i)
        self._tolerance = TOLERANCE_METRES / self.DEGREE_METRES

    @classmethod
    def from_db(cls) -> "PostcodeCheck":
        rows = Area.objects.filter(level=Area.Level.REGIONAL_UNIT).values_list(
            "id", "name", "boundary"
        )
        return cls(
            {area_id: shapely.from_wkb(bytes(b.wkb)) for area_id, _, b in rows},
            {name: area_id for area_id, name, _ in rows},
        )

    def __bool__(self) -> bool:
        return bool(self._units)

    def holds(self, postcode: str, lon: float, lat: float) -> bool | None:
        area_id = self._ids.get(regional_unit_name(postcode))
        unit = self._units.get(area_id) if area_id is not None else None
        if unit is None:
            return None
        x = lon * self.X_SCALE
        if shapely.contains_xy(unit, x, lat):
            return True
        if postcode.startswith(ATTICA_PREFIX) and any(
            shapely.contains_xy(self._units[n], x, lat) for n in self._neighbours[area_id]
        ):
            return True
        return bool(shapely.dwithin(unit, shapely.Point(x, lat), self._tolerance))

    def holds_many(
        self, postcodes: Sequence[str], lons: Sequence[float], lats: Sequence[float]
    ) -> list[bool | None]:
        """`holds` for each (postcode, lon, lat), with one vectorised test per regional unit
        instead of one call a point: an import asks for tens of thousands of rows."""
        answers: list[bool | None] = [None] * len(postcodes)
        x = np.asarray(lons, dtype=float) * self.X_SCALE
        y = np.asarray(lats, dtype=float)
        by_unit: dict[int, list[int]] = {}
        for i, postcode in enumerate(postcodes):
            area_id = self._ids.get(regional_unit_name(postcode))
            if area_id is not None and area_id in self._units:
                by_unit.setdefault(area_id, []).append(i)
        for area_id, members in by_unit.items():
            index = np.array(members)
            held = self._held(area_id, [postcodes[i] for i in members], x[index], y[index])
            for i, h in zip(members, held.tolist(), strict=True):
                answers[i] = h
        return answers

    def _held(self, area_id: int, postcodes: list[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """`holds` for points whose postcodes all belong to the regional unit `area_id`: in it,
        in a bordering unit (Attica only), or within the tolerance of it."""
        unit = self._units[area_id]
        held = shapely.contains_xy(unit, x, y)
        attica = np.array([p.startswith(ATTICA_PREFIX) for p in postcodes])
        for n in self._neighbours[area_id]:
            todo = ~held & attica
            held[todo] = shapely.contains_xy(self._units[n], x[todo], y[todo])
        todo = ~held
        held[todo] = shapely.dwithin(unit, shapely.points(x[todo], y[todo]), self._tolerance)
        return held


def postcode_check() -> PostcodeCheck:
    """The check for the regional units in the database now (until clear_caches)."""
    check = _postcode_check()
    if not check:  # areas not loaded yet: do not remember that
        _postcode_check.cache_clear()
    return check


@cache
def _postcode_check() -> PostcodeCheck:
    return PostcodeCheck.from_db()


def clear_caches() -> None:
    """Forget what was read and checked (after the data files or the areas changed)."""
    _prefixes.cache_clear()
    _centroids.cache_clear()
    _places.cache_clear()
    _regional_unit_ids.cache_clear()
    _checked_centroid.cache_clear()
    _postcode_check.cache_clear()


def regional_unit_name(postcode: str) -> str:
    """'Π.Ε. Κεντρικού Τομέα Αθηνών' for '10683'; '' when the prefix is unknown."""
    if len(postcode) != 5 or not postcode.isdigit():
        return ""
    prefixes = _prefixes()
    return prefixes.get(postcode[:3]) or prefixes.get(postcode[:2]) or ""


def _data_dir() -> Path:
    base = settings.GEITONIA_DATA_DIR
    if not base or not (Path(base) / POSTCODE_DIR).is_dir():
        raise PostcodeDataMissing(
            f"No postcode data: GEITONIA_DATA_DIR={base!r} has no {POSTCODE_DIR}/ directory."
        )
    return Path(base) / POSTCODE_DIR


@cache
def _prefixes() -> dict[str, str]:
    doc = json.loads((_data_dir() / PREFIX_FILE).read_text(encoding="utf-8"))
    prefixes = {k: v for k, v in doc.items() if k.isdigit() and isinstance(v, str)}
    return prefixes | PREFIX_CORRECTIONS


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    """Postcode -> (lon, lat) from every CSV in postcodes/ with tk, lat and lon columns; the first
    file (by name) that has a postcode wins."""
    out: dict[str, tuple[float, float]] = {}
    for path in sorted(_data_dir().glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if not {"tk", "lat", "lon"} <= set(reader.fieldnames or ()):
                continue
            for row in reader:
                try:
                    lon, lat = float(row["lon"]), float(row["lat"])
                except (TypeError, ValueError):
                    continue
                out.setdefault(row["tk"].strip(), (lon, lat))
    return out


@cache
def _places() -> dict[str, tuple[str, ...]]:
    path = _data_dir() / PLACES_FILE
    if not path.is_file():
        return {}
    places: dict[str, list[str]] = {}
    for rec in json.loads(path.read_text(encoding="utf-8")):
        places.setdefault(str(rec.get("postal_code", "")), []).append(str(rec.get("place", "")))
    return {k: tuple(v) for k, v in places.items()}


@cache
def _regional_unit_ids() -> dict[str, int]:
    return dict(Area.objects.filter(level=Area.Level.REGIONAL_UNIT).values_list("name", "id"))


def _regional_unit_id(postcode: str) -> int | None:
    name = regional_unit_name(postcode)
    if not name:
        return None
    ids = _regional_unit_ids()
    if not ids:  # areas not loaded yet: do not remember that
        _regional_unit_ids.cache_clear()
    return ids.get(name)


@cache
def _checked_centroid(postcode: str) -> tuple[float, float] | None:
    lonlat = _centroids().get(postcode)
    if lonlat is None:
        return None
    return lonlat if postcode_holds(postcode, Point(*lonlat, srid=4326)) else None
