"""What cleaning needs to know from the database, loaded once per import: the categories and
their synonyms, and the outline of Greece. Read-only."""

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely
from django.utils.translation import gettext_noop

from geo.models import Area, Category
from importers.cleaning.vocabulary import normalise
from importers.reasons import Reason

if TYPE_CHECKING:
    from geo.postcodes import PostcodeCheck

log = logging.getLogger(__name__)

# Used only when the database has no regional units (a fresh install before load_areas): a box
# around Greek territory, which also takes in bits of Albania, North Macedonia, Bulgaria and
# Turkey. The regional units, buffered by ~1 km for their generalised coastlines, are used
# whenever they are loaded.
GREECE_BOX = (19.3, 34.7, 29.7, 41.8)
BOUNDARY_BUFFER_DEGREES = 0.01
# How many postcode answers an import remembers (by postcode and 0.01° cell).
POSTCODE_MEMO = 100_000


@dataclass(frozen=True)
class CleaningContext:
    """`categories`: normalised slug/name/synonym -> slug, or None when the word names several.
    `greece`: the outline points must fall in; `boundary` says which one it is.
    `postcode_holds(postcode, lon, lat)`: True/False/None (unknown); checks a postcode against
    the coordinates of the same row (geo.postcodes.PostcodeCheck.holds, in memory).
    `postcode_holds_many(postcodes, lons, lats)`: the same for many points at once
    (PostcodeCheck.holds_many); without it `postcodes_hold` asks `postcode_holds` point by point.
    """

    categories: Mapping[str, str | None]
    greece: "Outline"
    boundary: str
    today: dt.date = field(default_factory=dt.date.today)
    postcode_holds: Callable[[str, float, float], bool | None] | None = None
    postcode_holds_many: (
        Callable[[Sequence[str], Sequence[float], Sequence[float]], list[bool | None]] | None
    ) = None
    # Answers for cells seen before in this import (the same category or language text on
    # every row), by (field, cell text).
    memo: dict[tuple[str, str], tuple] = field(default_factory=dict, compare=False, repr=False)
    # postcode_holds answers by (postcode, 0.01° cell).
    postcode_memo: dict[tuple[str, int, int], bool | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_db(
        cls, *, postcode_holds: Callable[[str, float, float], bool | None] | None = None
    ) -> "CleaningContext":
        postcode_holds_many = None
        if postcode_holds is None:
            check = _geo_postcode_check()
            postcode_holds, postcode_holds_many = check.holds, check.holds_many
        greece, boundary = greece_outline()
        return cls(
            categories=category_words(),
            greece=greece,
            boundary=boundary,
            postcode_holds=postcode_holds,
            postcode_holds_many=postcode_holds_many,
        )

    def in_greece(self, lon: float, lat: float) -> bool:
        return self.greece.holds(lon, lat)

    def in_greece_many(self, lons: Sequence[float], lats: Sequence[float]) -> np.ndarray:
        """`in_greece` for many points at once (a bool array), as a chunk of an import needs."""
        return self.greece.holds_many(lons, lats)

    def postcodes_hold(
        self, postcodes: Sequence[str], lons: Sequence[float], lats: Sequence[float]
    ) -> list[bool | None]:
        """`postcode_holds` for each (postcode, lon, lat) of a chunk; None for all without it.

        Answers are remembered by postcode and 0.01° cell (`postcode_memo`, at most
        POSTCODE_MEMO entries): a point in a cell asked before gets that answer. The points
        still to ask are asked at once."""
        answers: list[bool | None] = [None] * len(postcodes)
        if self.postcode_holds is None:
            return answers
        memo = self.postcode_memo
        sharing: dict[tuple[str, int, int], list[int]] = {}  # a new key: the rows it answers
        alone: list[int] = []  # the memo is full: each of these asks for its own point
        for i, (postcode, lon, lat) in enumerate(zip(postcodes, lons, lats, strict=True)):
            key = (postcode, round(lon * 100), round(lat * 100))
            if key in memo:
                answers[i] = memo[key]
            elif key in sharing:
                sharing[key].append(i)
            elif len(memo) + len(sharing) < POSTCODE_MEMO:
                sharing[key] = [i]
            else:
                alone.append(i)
        asked = [rows[0] for rows in sharing.values()] + alone
        held = self._ask_postcodes(
            [postcodes[i] for i in asked], [lons[i] for i in asked], [lats[i] for i in asked]
        )
        shared = len(sharing)
        for (key, rows), holds in zip(sharing.items(), held[:shared], strict=True):
            memo[key] = holds
            for i in rows:
                answers[i] = holds
        for i, holds in zip(alone, held[shared:], strict=True):
            answers[i] = holds
        return answers

    def _ask_postcodes(
        self, postcodes: list[str], lons: list[float], lats: list[float]
    ) -> list[bool | None]:
        """The answers of postcode_holds_many, or of postcode_holds point by point (also when
        postcode_holds_many fails: missing postcode data must not stop the import, and the
        point-by-point answers say which postcodes could not be checked)."""
        if self.postcode_holds_many is not None and postcodes:
            try:
                return self.postcode_holds_many(postcodes, lons, lats)
            except Exception:
                log.warning("postcode check failed for a chunk; asking point by point")
        assert self.postcode_holds is not None
        held: list[bool | None] = []
        for postcode, lon, lat in zip(postcodes, lons, lats, strict=True):
            try:
                held.append(self.postcode_holds(postcode, lon, lat))
            except Exception:  # missing postcode data must not stop the import
                log.warning("postcode check failed for %s", postcode, exc_info=True)
                held.append(None)
        return held


def category_words() -> dict[str, str | None]:
    words: dict[str, str | None] = {}
    for c in Category.objects.all().order_by("sort_order", "slug"):
        names = [c.slug, c.slug.replace("-", " "), c.name_el, c.name_en, *c.names.values()]
        for word in {normalise(w) for w in [*names, *c.synonyms] if w}:
            if word in words and words[word] != c.slug:
                words[word] = None  # two categories claim the word: make the coordinator choose
            else:
                words[word] = c.slug
    return words


class Outline:
    """Polygons a point must fall in or near (within `tolerance` degrees), tested in memory.

    The map is cut into 0.1° cells; each cell remembers, once, the prepared polygons that come
    within the tolerance of it (none: the sea, or abroad). A point then costs a dictionary
    lookup and a prepared point-in-polygon test (~2 µs) against one to three polygons; only a
    point outside all of them (a quay beyond a generalised coastline) pays for a distance.
    A union of the regional units in PostGIS took 14 s here; none is needed.
    """

    CELL = 0.1

    def __init__(self, geometries: list[shapely.Geometry], *, tolerance: float):
        self.tolerance = tolerance
        self._parts = list(geometries)
        for g in self._parts:
            shapely.prepare(g)
        self._tree = shapely.STRtree(self._parts)
        self._cells: dict[tuple[int, int], tuple[shapely.Geometry, ...]] = {}

    def holds(self, lon: float, lat: float) -> bool:
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return False
        near = self._cell((math.floor(lon / self.CELL), math.floor(lat / self.CELL)))
        if not near:
            return False
        if any(shapely.contains_xy(g, lon, lat) for g in near):
            return True
        return self._close(near, lon, lat)

    def holds_many(self, lons: Sequence[float], lats: Sequence[float]) -> np.ndarray:
        """`holds` for each point, with one vectorised test per cell and polygon instead of
        one call a point (a call costs ~10 µs of overhead; a point in an array ~0.5 µs)."""
        x = np.asarray(lons, dtype=float)
        y = np.asarray(lats, dtype=float)
        inside = np.zeros(len(x), dtype=bool)
        finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
        if not len(finite):
            return inside
        cells = np.stack(
            [np.floor(x[finite] / self.CELL), np.floor(y[finite] / self.CELL)], axis=1
        ).astype(np.int64)
        keys, group = np.unique(cells, axis=0, return_inverse=True)
        order = np.argsort(group.ravel(), kind="stable")
        bounds = np.cumsum(np.bincount(group.ravel(), minlength=len(keys)))[:-1]
        for (kx, ky), members in zip(keys, np.split(finite[order], bounds), strict=True):
            near = self._cell((int(kx), int(ky)))
            if not near:
                continue
            hit = np.zeros(len(members), dtype=bool)
            for g in near:
                todo = ~hit
                hit[todo] = shapely.contains_xy(g, x[members[todo]], y[members[todo]])
            for j in np.flatnonzero(~hit):  # in no polygon: near one? (a quay, a beach)
                hit[j] = self._close(near, float(x[members[j]]), float(y[members[j]]))
            inside[members] = hit
        return inside

    def _cell(self, key: tuple[int, int]) -> tuple[shapely.Geometry, ...]:
        near = self._cells.get(key)
        if near is None:
            near = self._cells[key] = self._near(key)
        return near

    def _close(self, near: tuple[shapely.Geometry, ...], lon: float, lat: float) -> bool:
        """On the boundary of, or (with a tolerance) near, one of `near`; the point is in none."""
        if not self.tolerance:
            return any(shapely.intersects_xy(g, lon, lat) for g in near)  # on the boundary
        # Generalised coastlines: a quay or a beach may fall just outside the polygon.
        point = shapely.Point(lon, lat)
        return any(shapely.dwithin(g, point, self.tolerance) for g in near)

    def _near(self, key: tuple[int, int]) -> tuple[shapely.Geometry, ...]:
        x, y = key[0] * self.CELL, key[1] * self.CELL
        cell = shapely.box(x, y, x + self.CELL, y + self.CELL)
        if self.tolerance:
            found = self._tree.query(cell, predicate="dwithin", distance=self.tolerance)
        else:
            found = self._tree.query(cell, predicate="intersects")
        return tuple(self._parts[i] for i in sorted(found))


def greece_outline() -> tuple[Outline, str]:
    """The regional units (with a ~1 km tolerance), or the bounding box when none are loaded."""
    ids = tuple(
        Area.objects.filter(level=Area.Level.REGIONAL_UNIT)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not ids:
        box = Outline([shapely.box(*GREECE_BOX)], tolerance=0)
        return box, Reason(gettext_noop("bounding box (no regional units loaded)"))
    return _regional_units(ids), Reason(gettext_noop("regional units in the database"))


@lru_cache(maxsize=2)
def _regional_units(ids: tuple[int, ...]) -> Outline:
    boundaries = Area.objects.filter(id__in=ids).values_list("boundary", flat=True)
    parts = [shapely.from_wkb(bytes(b.wkb)) for b in boundaries]
    return Outline(parts, tolerance=BOUNDARY_BUFFER_DEGREES)


def _geo_postcode_check() -> "PostcodeCheck":
    from geo.postcodes import postcode_check

    return postcode_check()
