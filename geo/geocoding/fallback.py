"""The local fallback chain, for when the provider cannot place an address or is not used
(offline): a checked postcode centroid, then an area named in the address, then the
municipality's centroid, each with its coarse precision; otherwise "none" and no point.

Names are matched here on normalised area names (geo.text) until the gazetteer lands; a
postcode, when given, must agree with the area found (its regional unit holds the centroid).
Reads the data files and areas; writes nothing.
"""

import csv
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from geo import postcodes
from geo.geocoding.query import AddressQuery, normalise_postcode
from geo.geocoding.result import LOCAL, Geocoded, Precision
from geo.models import Area
from geo.text import strip_accents

SETTLEMENTS_FILE = "gazetteer/greece_settlements_elstat_coords.csv"

_PREFIXES = ("δημοτικη ενοτητα ", "δημοσ ", "δ.ε. ", "δ. ", "π.ε. ", "περιοχη ")
_RANKS = " ".join(f"WHEN '{level}' THEN {rank}" for level, rank in Area.LEVEL_RANK.items())
_AREA_AT_SQL = f"""
    SELECT id FROM geo_area WHERE ST_Intersects(boundary, %s::geometry)
     ORDER BY CASE level {_RANKS} END DESC, ST_Area(boundary) LIMIT 1"""  # noqa: S608 (constants)
_LEVEL_ORDER = {Area.Level.NEIGHBOURHOOD: 0, Area.Level.MUNICIPAL_UNIT: 1}


def place_locally(
    query: AddressQuery | str, *, needs_regeocode: bool = False, display_query: str = ""
) -> Geocoded:
    """The best local placing of `query`; precision "none" and no point when nothing fits."""
    return LocalChain().place(query, needs_regeocode=needs_regeocode, display_query=display_query)


class LocalChain:
    """The fallback chain for one batch: the name indexes are checked once, and the answer for
    each postcode and each set of names is remembered, so a batch costs one query per distinct
    postcode or name, not per row."""

    def __init__(self) -> None:
        self._version: tuple[int, int] | None = None
        self._postcodes: dict[str, tuple[tuple[float, float], Area | None] | None] = {}
        self._names: dict[tuple, Area | None] = {}

    def place(
        self, query: AddressQuery | str, *, needs_regeocode: bool = False, display_query: str = ""
    ) -> Geocoded:
        if isinstance(query, AddressQuery):
            q = query.normalised()
            postcode = q.postcode if len(q.postcode) == 5 else ""
            area_names = (q.area, q.locality)
            municipality_names = (q.municipality, q.locality)
            text = display_query or q.one_line()
        else:
            text = display_query or query
            postcode = normalise_postcode(query)
            area_names = municipality_names = tuple(_segments(query))

        def result(
            point: Point | tuple[float, float] | None, precision: str, area: Area | None, name: str
        ) -> Geocoded:
            return Geocoded(
                point=point,
                precision=precision,
                provider=LOCAL,
                query=text,
                area=area,
                needs_regeocode=needs_regeocode,
                display_name=name,
            )

        if postcode and (placed := self._postcode(postcode)):
            return result(placed[0], Precision.POSTCODE, placed[1], f"Τ.Κ. {postcode}")
        if area := self._named("area", area_names, postcode):
            return result(area.centroid, Precision.AREA, area, area.name)
        if area := self._named("municipality", municipality_names, postcode):
            return result(area.centroid, Precision.MUNICIPALITY, area, area.name)
        return result(None, Precision.NONE, None, "")

    def _postcode(self, postcode: str) -> tuple[tuple[float, float], Area | None] | None:
        if postcode not in self._postcodes:
            point = postcodes.postcode_centroid(postcode)
            self._postcodes[postcode] = (point.coords, area_at(point)) if point else None
        return self._postcodes[postcode]

    def _named(self, kind: str, names: tuple[str, ...], postcode: str) -> Area | None:
        key = (kind, names, postcode)
        if key not in self._names:
            if self._version is None:
                self._version = _areas_version()
            find = _named_area if kind == "area" else _named_municipality
            self._names[key] = find(names, postcode=postcode, version=self._version)
        return self._names[key]


def area_at(point: Point) -> Area | None:
    """The most specific area holding `point` (SRID 4326; boundary deferred), or None."""
    with connection.cursor() as cur:
        cur.execute(_AREA_AT_SQL, [point.ewkt])
        row = cur.fetchone()
    return Area.objects.defer("boundary").get(pk=row[0]) if row else None


def normalise_name(name: str) -> str:
    """'Δήμος Νέας Σμύρνης' -> 'νεασ σμυρνησ'; 'ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ' -> 'μουσειο-εξαρχεια'."""
    s = " ".join(strip_accents(name).replace("_", " ").split())
    for prefix in _PREFIXES:
        s = s.removeprefix(prefix)
    return s.strip(" .,")


def _segments(text: str) -> list[str]:
    """The comma-separated parts of a one-line address, postcode digits removed."""
    parts = []
    for seg in re.split(r"[,;\n]", text):
        seg = re.sub(r"(?:τ\.?\s?κ\.?\s*)?\d[\d\s]*", " ", seg, flags=re.IGNORECASE).strip()
        if seg:
            parts.append(seg)
    return parts


def _postcode_allows(postcode: str, area: Area) -> bool:
    if not postcode:
        return True
    holds = postcodes.postcode_holds(postcode, area.centroid)
    return holds is not False


def _named_area(names: Iterable[str], *, postcode: str, version: tuple[int, int]) -> Area | None:
    index = _area_index(version)
    for name in names:
        key = normalise_name(name or "")
        if not key:
            continue
        candidates = [a for a in index.get(key, ()) if _postcode_allows(postcode, a)]
        if candidates:
            return min(candidates, key=lambda a: _LEVEL_ORDER.get(a.level, 9))
    return None


def _named_municipality(
    names: Iterable[str], *, postcode: str, version: tuple[int, int]
) -> Area | None:
    by_name = _municipality_index(version)
    settlements = _settlement_municipalities()
    for name in names:
        key = normalise_name(name or "")
        if not key:
            continue
        candidates = list(by_name.get(_squash(key), ()))
        if not candidates:
            ids = {m.pk for dimos in settlements.get(key, ()) for m in by_name.get(dimos, ())}
            candidates = [m for m in _all_municipalities(version) if m.pk in ids]
        candidates = [m for m in candidates if _postcode_allows(postcode, m)]
        # A settlement name shared by several municipalities names none of them.
        if len({m.pk for m in candidates}) == 1:
            return candidates[0]
    return None


def _squash(name: str) -> str:
    """Spaces and hyphens out, so 'φιλαδελφειασ - χαλκηδονοσ' meets 'φιλαδελφειασ-χαλκηδονοσ'."""
    return re.sub(r"[\s\-–]+", "", name)


def _areas_version() -> tuple[int, int]:
    """Changes whenever areas are added or removed, so the indexes below are rebuilt."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM geo_area")
        count, top = cur.fetchone()
    return count, top


@lru_cache(maxsize=2)
def _area_index(version: tuple[int, int]) -> dict[str, tuple[Area, ...]]:
    """Normalised name -> neighbourhoods and municipal units; compound neighbourhood names
    ('ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ-ΝΕΑΠΟΛΗ') are found by each of their parts too."""
    index: dict[str, list[Area]] = {}
    areas = Area.objects.defer("boundary").filter(level__in=list(_LEVEL_ORDER))
    for area in areas:
        names = {normalise_name(n) for n in (area.name, area.name_el, area.name_en) if n}
        for name in list(names):
            names.update(part.strip() for part in name.split("-") if part.strip())
        for name in names:
            index.setdefault(name, []).append(area)
    return {k: tuple(v) for k, v in index.items()}


@lru_cache(maxsize=2)
def _all_municipalities(version: tuple[int, int]) -> tuple[Area, ...]:
    return tuple(Area.objects.defer("boundary").filter(level=Area.Level.MUNICIPALITY))


@lru_cache(maxsize=2)
def _municipality_index(version: tuple[int, int]) -> dict[str, tuple[Area, ...]]:
    """Squashed normalised name (the genitive of 'Δήμος Αθηναίων': 'αθηναιων') -> municipality."""
    index: dict[str, list[Area]] = {}
    for area in _all_municipalities(version):
        for name in {area.name, area.name_el, area.name_en} - {""}:
            index.setdefault(_squash(normalise_name(name)), []).append(area)
    return {k: tuple(v) for k, v in index.items()}


@cache
def _settlement_municipalities() -> dict[str, frozenset[str]]:
    """Settlement name (ELSTAT 2011, normalised) -> squashed names of the municipalities that
    have a settlement so called. Katharevousa plurals are also indexed in the spoken form
    ('Αθήναι' -> 'αθηνα'), which is how addresses write them."""
    base = settings.GEITONIA_DATA_DIR
    path = Path(base) / SETTLEMENTS_FILE if base else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, set[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            dimos = _squash(normalise_name(row.get("dimos") or ""))
            name = normalise_name(row.get("location") or "")
            if not dimos or not name:
                continue
            out.setdefault(name, set()).add(dimos)
            if name.endswith("αι"):
                out.setdefault(name[:-1], set()).add(dimos)
    return {k: frozenset(v) for k, v in out.items()}
