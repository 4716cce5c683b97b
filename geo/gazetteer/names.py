"""Building `Area.search_names`: the search keys (geo.text.search_key) each area answers to.

The column holds two sections, so that SQL can rank them apart with indexed LIKE patterns:
`|key|key|...|` the area's own names (official name, its compound parts, nominatives of genitive
names), then `/key/key/.../` the settlements inside it (ELSTAT 2011), so that a village or the
seat of a merged municipality ('Κορωπί' -> Δήμος Κρωπίας) finds its municipality.
Keys contain only [a-z0-9 ], so they never clash with the separators.

Own names include the English exonyms of `exonyms.csv` (beside this module): names like Athens,
Crete, Corfu or Salonica that no transliteration of the Greek gives. No source in the public data
has English names, so the table is kept by hand, small, one row per area (level, code, the
official name as a check, English names separated by ';'); names that transliteration already
finds (Thessaloniki, Kavala, Lesvos) need no row, though a row may repeat one to tie it to its area.
"""

import csv
import functools
import io
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from geo.models import Area
from geo.text import (
    demotic_forms,
    name_parts,
    nominative_forms,
    repair_homoglyphs,
    search_key,
    strip_accents,
)

SETTLEMENTS_PATH = "gazetteer/greece_settlements_elstat_coords.csv"
EXONYMS_PATH = Path(__file__).with_name("exonyms.csv")
# Official prefixes that nobody types ("Δήμος Νέας Σμύρνης" is searched as "Νέα Σμύρνη").
_PREFIXES = ("δημοσ ", "δημοτικη ενοτητα ", "π.ε. ", "περιφερεια ")
# Levels whose official names are genitives.
_GENITIVE_LEVELS = {
    Area.Level.REGION,
    Area.Level.REGIONAL_UNIT,
    Area.Level.MUNICIPALITY,
    Area.Level.MUNICIPAL_UNIT,
}
# Levels that also answer to the settlements inside them.
_SETTLEMENT_LEVELS = (Area.Level.MUNICIPALITY, Area.Level.MUNICIPAL_UNIT)
# How far (degrees, ~3 km) a seat may lie outside a simplified coastal boundary.
_SEAT_TOLERANCE = 0.03


@dataclass(frozen=True)
class Settlement:
    """A settlement of the ELSTAT 2011 list: names as written there (often katharevousa)."""

    name: str
    community: str  # genitive name of its local community (dimenot)
    former_municipality: str  # genitive, capitals: the pre-2011 municipality (dimos)
    lon: float
    lat: float


def read_settlements(text: str) -> list[Settlement]:
    """Parse the ELSTAT settlement CSV; rows with mangled names or coordinates are skipped."""
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except (KeyError, TypeError, ValueError):
            continue
        name = repair_homoglyphs(row.get("location") or "").strip()
        if not name or "?" in name or not (19 <= lon <= 30 and 34 <= lat <= 42):
            continue
        out.append(
            Settlement(
                name,
                repair_homoglyphs(row.get("dimenot") or ""),
                repair_homoglyphs(row.get("dimos") or ""),
                lon,
                lat,
            )
        )
    return out


def _keys(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(k for k in map(_key, texts) if k))


# Settlement and community names repeat a lot across 13,000 rows.
_key = functools.lru_cache(maxsize=65536)(search_key)


@functools.lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, ...]:
    """Keys of a settlement name as written and in its demotic forms."""
    return tuple(_keys([name, *demotic_forms(name)]))


def _bare(name: str) -> str:
    folded = strip_accents(name)
    for prefix in _PREFIXES:
        if folded.startswith(prefix):
            return name[len(prefix) :]
    return name


class _Seats:
    """Nominatives of genitive names, from the settlement list: the settlement whose community
    (or former municipality) bears the name and whose own name looks like it is the seat."""

    def __init__(self, settlements: Sequence[Settlement]):
        self.by_genitive: dict[str, list[Settlement]] = defaultdict(list)
        for s in settlements:
            for genitive in {_key(s.community), _key(s.former_municipality)}:
                if genitive:
                    self.by_genitive[genitive].append(s)
        # Word -> how many settlement names use it, as written or in a demotic form.
        self.vocabulary: Counter[str] = Counter()
        for s in settlements:
            forms = [strip_accents(s.name), *demotic_forms(s.name)]
            self.vocabulary.update(w.replace("ς", "σ") for f in forms for w in f.split())

    def nominatives(self, genitive: str, area: Area) -> list[str]:
        key = search_key(genitive)
        best, names = 2, []
        for s in self.by_genitive.get(key, ()):
            shared = _shared_stems(key, _key(s.name))
            if shared < best or shared < len(key) // 2:
                continue
            if area.boundary.distance(Point(s.lon, s.lat, srid=4326)) > _SEAT_TOLERANCE:
                continue
            if shared > best:
                best, names = shared, []
            names.append(s.name)
        out = list(dict.fromkeys(names))
        return out + [f for n in out for f in demotic_forms(n, known=self.vocabulary)]


def _shared_stems(genitive: str, nominative: str) -> int:
    """Letters shared at the start of each word, when both have as many words: a genitive
    and its nominative differ only in their endings ('agiu nikolau', 'agios nikolaos': 9)."""
    one, other = genitive.split(), nominative.split()
    if len(one) != len(other):
        return 0
    shared = 0
    for a, b in zip(one, other, strict=True):
        shared += next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
    return shared


@dataclass(frozen=True)
class Exonym:
    """English names of one area (a row of exonyms.csv)."""

    level: str
    code: str
    name: str  # the official name, to check the row against the area it means
    english: tuple[str, ...]


@functools.cache
def exonyms() -> dict[tuple[str, str], Exonym]:
    """(level, code) -> the English names of that area, from exonyms.csv."""
    with EXONYMS_PATH.open(encoding="utf-8", newline="") as f:
        rows = [
            Exonym(
                r["level"],
                r["code"],
                r["name"],
                tuple(e.strip() for e in r["english"].split(";") if e.strip()),
            )
            for r in csv.DictReader(f)
        ]
    return {(r.level, r.code): r for r in rows}


def area_keys(area: Area, seats: _Seats | None = None) -> list[str]:
    """The keys of an area's own names; the first is the official name without its prefix."""
    bare = _bare(area.name)
    english = exonyms().get((area.level, area.code))
    texts = [
        bare,
        area.name,
        area.name_en,
        *name_parts(bare),
        *(english.english if english else ()),
    ]
    if area.level in _GENITIVE_LEVELS:
        vocabulary = seats.vocabulary if seats else Counter()
        for genitive in [bare, *name_parts(bare)]:
            if seats and area.level in _SETTLEMENT_LEVELS:
                texts += seats.nominatives(genitive, area)
            texts += nominative_forms(genitive, known=vocabulary)
    return _keys(t for t in texts if t)


def _settlement_keys(settlements: Sequence[Settlement]) -> dict[int, list[str]]:
    """Area id -> keys of the settlements inside it, by a spatial join in the database."""
    if not settlements:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE gazetteer_settlement (keys text, lon float8, lat float8)"
            " ON COMMIT DROP"
        )
        with cur.cursor.copy("COPY gazetteer_settlement FROM STDIN") as copy:
            for s in settlements:
                copy.write_row(("/".join(_name_keys(s.name)), s.lon, s.lat))
        cur.execute(
            "ALTER TABLE gazetteer_settlement ADD COLUMN point geometry(Point, 4326);"
            "UPDATE gazetteer_settlement SET point = ST_SetSRID(ST_MakePoint(lon, lat), 4326)"
        )
        cur.execute(
            """SELECT a.id, array_agg(s.keys ORDER BY s.keys)
                 FROM geo_area a JOIN gazetteer_settlement s ON ST_Intersects(a.boundary, s.point)
                WHERE a.level = ANY(%s) GROUP BY a.id""",
            [list(_SETTLEMENT_LEVELS)],
        )
        found = {
            area_id: list(dict.fromkeys(k for keys in groups for k in keys.split("/")))
            for area_id, groups in cur.fetchall()
        }
        cur.execute("DROP TABLE gazetteer_settlement")
    return found


def search_names(own: Sequence[str], settlements: Sequence[str] = ()) -> str:
    """The column value: `|own|keys|` then `/settlement/keys/` (those not already own keys)."""
    value = "|" + "|".join(own) + "|"
    others = [k for k in settlements if k not in set(own)]
    return value + ("/" + "/".join(others) + "/" if others else "")


def _qualifiers() -> dict[int, list[str]]:
    """Area id -> keys of the regional unit and region it lies in, for the qualified names
    people use to tell places apart ('Νέα Ιωνία Αττικής', 'Ηράκλειο Κρήτης')."""
    rows = {a.id: a for a in Area.objects.only("id", "name", "level", "parent_id")}
    out: dict[int, list[str]] = {}
    for area in rows.values():
        if area.level not in _SETTLEMENT_LEVELS:
            continue
        parent, keys = rows.get(area.parent_id), []
        while parent is not None:
            if parent.level in (Area.Level.REGIONAL_UNIT, Area.Level.REGION):
                keys.append(_key(_bare(parent.name)))
            parent = rows.get(parent.parent_id)
        out[area.id] = keys
    return out


def update_search_names(settlements: Sequence[Settlement] = ()) -> int:
    """Recompute `search_names` of every area; returns how many changed."""
    seats = _Seats(settlements) if settlements else None
    with transaction.atomic():
        inside = _settlement_keys(settlements)
        qualifiers = _qualifiers()
        changed = []
        # The boundary is fetched (deferred) only for areas whose seat is looked for.
        for area in Area.objects.only("id", "name", "name_en", "level", "code", "search_names"):
            own = area_keys(area, seats)
            plain = [k for k in own if k != _key(area.name)]  # not 'dimos ...' qualified
            own += [f"{k} {q}" for q in qualifiers.get(area.id, ()) for k in plain if q not in k]
            value = search_names(list(dict.fromkeys(own)), inside.get(area.id, ()))
            if value != area.search_names:
                area.search_names = value
                changed.append(area)
        Area.objects.bulk_update(changed, ["search_names"], batch_size=200)
    return len(changed)
