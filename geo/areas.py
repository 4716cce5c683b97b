"""Loading administrative and neighbourhood boundaries from the public GeoJSON files.

`load_areas` reads every file first and reports each problem on one line; only when all files
are sound does it write, in one transaction, repairing invalid geometries with ST_MakeValid and
linking each area to its parent by containment. It must not touch locations or services.
"""

import json
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import connection, transaction

from geo.area_parts import areas_holding_sql
from geo.gazetteer import Settlement, read_settlements, update_search_names
from geo.gazetteer.names import SETTLEMENTS_PATH
from geo.models import Area
from geo.text import slugify_greek


class AreaDataError(Exception):
    """The data cannot be loaded; `problems` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class AreaSource:
    path: str
    level: str
    title: str
    licence: str
    attribution: str
    origin: str


SOURCES = [
    AreaSource(
        "boundaries/greece_regional_units_pe_simplified.geojson",
        Area.Level.REGIONAL_UNIT,
        "Regional units (Περιφερειακές Ενότητες), simplified",
        "CC BY (geodata.gov.gr)",
        "Kallikratis boundaries, geodata.gov.gr; dissolved by elpidag/evia-khmdhs",
        "https://github.com/elpidag/evia-khmdhs",
    ),
    AreaSource(
        "boundaries/greece_municipalities_kallikratis_simplified.geojson",
        Area.Level.MUNICIPALITY,
        "Municipalities of Greece (Καλλικράτης), simplified",
        "CC BY (geodata.gov.gr)",
        "Kallikratis boundaries, geodata.gov.gr; simplified by elpidag/evia-khmdhs",
        "https://github.com/elpidag/evia-khmdhs",
    ),
    AreaSource(
        "boundaries/attica_municipalities_kallikratis.geojson",
        Area.Level.MUNICIPALITY,
        "Municipalities of Attica, full resolution",
        "CC BY 3.0",
        "geodata.gov.gr, via sourcegr/Kalikratis-GeoJSON",
        "https://github.com/sourcegr/Kalikratis-GeoJSON",
    ),
    AreaSource(
        "boundaries/athens_basin_municipal_units_population2021.geojson",
        Area.Level.MUNICIPAL_UNIT,
        "Municipal units of the Athens basin, with 2021 population",
        "open access, with credit",
        "Region of Attica; Konstantinos Markos (NTUA), athens-gis-repository",
        "https://github.com/kmarkosgis/athens-gis-repository",
    ),
    AreaSource(
        "neighbourhoods/athens_neighbourhoods_insideairbnb.geojson",
        Area.Level.NEIGHBOURHOOD,
        "Neighbourhoods of the Municipality of Athens",
        "CC BY 4.0",
        "Inside Airbnb (polygons from the Municipality of Athens)",
        "http://insideairbnb.com/",
    ),
]
OTHER_SOURCES = [
    (
        "Hospitals and clinics of Attica (demo health layer)",
        "ODbL 1.0",
        "© OpenStreetMap contributors, via kmarkosgis/athens-gis-repository",
        "https://www.openstreetmap.org/copyright",
    ),
    (
        "Municipality centroids",
        "CC BY (geodata.gov.gr)",
        "elpidag/evia-khmdhs",
        "https://github.com/elpidag/evia-khmdhs",
    ),
    (
        "Postcode centroids",
        "Apache-2.0",
        "MentatInnovations/grpostcodes",
        "https://github.com/MentatInnovations/grpostcodes",
    ),
    (
        "Settlements (ELSTAT 2011)",
        "open data (ELSTAT / geodata.gov.gr)",
        "jgchaparro/HellasDB",
        "https://github.com/jgchaparro/HellasDB",
    ),
]


# The 13 regions (Περιφέρειες) of the Kallikratis plan and their regional units, as named in the
# regional-units file. Regions are dissolved from their units' polygons at load time.
REGIONS: dict[str, tuple[str, ...]] = {
    "Ανατολικής Μακεδονίας και Θράκης": (
        "Έβρου",
        "Ροδόπης",
        "Ξάνθης",
        "Καβάλας",
        "Θάσου",
        "Δράμας",
    ),
    "Κεντρικής Μακεδονίας": (
        "Θεσσαλονίκης",
        "Ημαθίας",
        "Κιλκίς",
        "Πέλλας",
        "Πιερίας",
        "Σερρών",
        "Χαλκιδικής",
    ),
    "Δυτικής Μακεδονίας": ("Γρεβενών", "Καστοριάς", "Κοζάνης", "Φλώρινας"),
    "Ηπείρου": ("Άρτας", "Θεσπρωτίας", "Ιωαννίνων", "Πρέβεζας"),
    "Θεσσαλίας": ("Καρδίτσας", "Λάρισας", "Μαγνησίας", "Σποράδων", "Τρικάλων"),
    "Ιονίων Νήσων": ("Ζακύνθου", "Ιθάκης", "Κέρκυρας", "Κεφαλληνίας", "Λευκάδας"),
    "Δυτικής Ελλάδας": ("Αιτωλοακαρνανίας", "Αχαΐας", "Ηλείας"),
    "Στερεάς Ελλάδας": ("Βοιωτίας", "Ευβοίας", "Ευρυτανίας", "Φθιώτιδας", "Φωκίδας"),
    "Αττικής": (
        "Ανατολικής Αττικής",
        "Βορείου Τομέα Αθηνών",
        "Δυτικής Αττικής",
        "Δυτικού Τομέα Αθηνών",
        "Κεντρικού Τομέα Αθηνών",
        "Νήσων",
        "Νοτίου Τομέα Αθηνών",
        "Πειραιώς",
    ),
    "Πελοποννήσου": ("Αργολίδας", "Αρκαδίας", "Κορινθίας", "Λακωνίας", "Μεσσηνίας"),
    "Βορείου Αιγαίου": ("Ικαρίας", "Λέσβου", "Λήμνου", "Σάμου", "Χίου"),
    "Νοτίου Αιγαίου": (
        "Άνδρου",
        "Θήρας",
        "Καλύμνου",
        "Καρπάθου",
        "Κέας-Κύθνου",
        "Κω",
        "Μήλου",
        "Μυκόνου",
        "Νάξου",
        "Πάρου",
        "Ρόδου",
        "Σύρου",
        "Τήνου",
    ),
    "Κρήτης": ("Ηρακλείου", "Λασιθίου", "Ρεθύμνου", "Χανίων"),
}


@dataclass
class Feature:
    level: str
    code: str
    name: str
    geometry: GEOSGeometry
    population: int | None = None
    parent_hint: str = ""
    source: str = ""


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    repaired: int = 0
    linked: int = 0
    settlements: int = 0
    named: int = 0

    def lines(self) -> list[str]:
        out = []
        for level in Area.LEVEL_RANK:
            c, u = self.created.get(level, 0), self.updated.get(level, 0)
            same = self.unchanged.get(level, 0)
            if c or u or same:
                out.append(f"{level}: {c} created, {u} updated, {same} unchanged")
        out.append(f"{self.repaired} invalid geometries repaired with ST_MakeValid")
        out.append(f"{self.linked} areas linked to a parent")
        out.append(
            f"search names of {self.named} areas updated"
            f" ({self.settlements} settlements from the gazetteer)"
        )
        return out


def missing_sources(data_dir: str | Path | None) -> list[str]:
    """The source files that are not in `data_dir` (all of them when it is not set)."""
    if not data_dir:
        return [s.path for s in SOURCES]
    return [s.path for s in SOURCES if not (Path(data_dir) / s.path).is_file()]


def _read_text(base: str, relpath: str) -> str:
    if base.startswith(("http://", "https://")):
        url = base.rstrip("/") + "/" + relpath
        with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (http/https only)
            return resp.read().decode("utf-8")
    return (Path(base) / relpath).read_text(encoding="utf-8")


def _crs_name(doc: dict) -> str | None:
    crs = doc.get("crs")
    if not crs:
        return None
    name = (crs.get("properties") or {}).get("name", "")
    if name.upper().endswith(("CRS84", "EPSG::4326", "EPSG:4326")):
        return None
    return name or json.dumps(crs)


def _as_multipolygon(geom: GEOSGeometry) -> MultiPolygon | None:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon(geom, srid=4326)
    return None


def _feature_fields(source: AreaSource, props: dict) -> tuple[str, str, int | None, str]:
    """(code, official name, population, parent hint) for one feature of a known source."""
    level = source.level
    if level == Area.Level.REGIONAL_UNIT:
        return slugify_greek(props["pe"]), props["pe"], None, ""
    if level == Area.Level.MUNICIPALITY and "KWD_YPES" in props:
        return str(props["KWD_YPES"]), f"Δήμος {props['NAME']}", None, ""
    if level == Area.Level.MUNICIPALITY:
        return str(props["code"]), f"Δήμος {props['name']}", None, props.get("pe", "")
    if level == Area.Level.MUNICIPAL_UNIT:
        return slugify_greek(props["name"]), props["name"], props.get("Population"), ""
    return slugify_greek(props["neighbourhood"]), props["neighbourhood"], None, ""


def read_source(base: str, source: AreaSource, problems: list[str]) -> list[Feature]:
    """Parse one file into features, appending a line to `problems` for each thing wrong."""
    where = source.path
    try:
        doc = json.loads(_read_text(base, source.path))
    except FileNotFoundError:
        problems.append(f"{where}: file not found in {base}")
        return []
    except (OSError, ValueError) as exc:
        problems.append(f"{where}: not a GeoJSON file ({exc.__class__.__name__}: {exc})")
        return []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(f"{where}: not a GeoJSON FeatureCollection")
        return []
    if crs := _crs_name(doc):
        problems.append(
            f"{where}: coordinates are in {crs}; GeoJSON must be WGS84 lon/lat "
            "(RFC 7946). Reproject it, e.g. ogr2ogr -t_srs EPSG:4326"
        )
        return []
    features = []
    for i, feat in enumerate(doc.get("features") or [], start=1):
        props = (feat or {}).get("properties") or {}
        try:
            code, name, population, hint = _feature_fields(source, props)
        except KeyError as exc:
            problems.append(f"{where}: feature {i}: missing property {exc}")
            continue
        try:
            geom = GEOSGeometry(json.dumps(feat.get("geometry")), srid=4326)
        except (GEOSException, ValueError, TypeError) as exc:
            problems.append(f"{where}: feature {i} ({name}): unreadable geometry ({exc})")
            continue
        multi = _as_multipolygon(geom)
        if multi is None:
            problems.append(f"{where}: feature {i} ({name}): a {geom.geom_type}, not a polygon")
            continue
        minx, miny, maxx, maxy = multi.extent
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            problems.append(
                f"{where}: feature {i} ({name}): coordinates out of lon/lat range "
                f"({minx:.0f}, {miny:.0f}); the file seems to be in a projected CRS"
            )
            continue
        features.append(Feature(source.level, code, name, multi, population, hint, source.path))
    if not features and not any(p.startswith(where) for p in problems):
        problems.append(f"{where}: no features")
    return features


def load_areas(base: str | Path, *, sources: list[AreaSource] | None = None) -> LoadReport:
    """Load every source from `base` (a directory or an http(s) URL). Raises AreaDataError."""
    base = str(base)
    problems: list[str] = []
    batches = [read_source(base, s, problems) for s in sources or SOURCES]
    if problems:
        raise AreaDataError(problems)
    # A later source replaces an earlier one for the same area: the full-resolution Attica
    # municipalities win over the simplified national file, without rewriting them on every run.
    latest: dict[tuple[str, str], Feature] = {}
    for features in batches:
        for f in features:
            latest[(f.level, f.code)] = f
    settlements = _read_settlements(base)
    report = LoadReport(settlements=len(settlements))
    with transaction.atomic():
        for f in latest.values():
            _upsert(f, report)
        _centre()
        _dissolve_regions(report)
        report.linked = _link_parents()
        report.named = update_search_names(settlements)
    return report


def _read_settlements(base: str) -> list[Settlement]:
    """The ELSTAT settlement list beside the boundaries; search then works without it, on
    the areas' own names and grammar rules only, so its absence is not an error."""
    try:
        return read_settlements(_read_text(base, SETTLEMENTS_PATH))
    except (OSError, ValueError):
        return []


def _upsert(f: Feature, report: LoadReport) -> None:
    if f.level == Area.Level.MUNICIPAL_UNIT and f.name.startswith("ΔΗΜΟΣ "):
        # The basin file lists undivided municipalities as units of themselves: keep only their
        # population, on the municipality that holds the unit.
        Area.objects.filter(
            level=Area.Level.MUNICIPALITY, boundary__contains=f.geometry.point_on_surface
        ).exclude(population=f.population).update(population=f.population)
        return
    geometry = f.geometry
    if not geometry.valid:
        geometry = _make_valid(geometry)
        report.repaired += 1
    _store(f, geometry, report)


def _store(f: Feature, geometry: MultiPolygon, report: LoadReport) -> None:
    """Create or update one area; an area whose name and boundary are unchanged is not written."""
    area = Area.objects.filter(level=f.level, code=f.code).first()
    if area is None:
        area = Area(level=f.level, code=f.code, slug=_unique_slug(f))
        bucket = report.created
    elif (
        area.name == f.name
        and area.source == f.source
        and area.boundary.equals_exact(geometry, tolerance=0)
        and (f.population is None or area.population == f.population)
    ):
        report.unchanged[f.level] = report.unchanged.get(f.level, 0) + 1
        return
    else:
        bucket = report.updated
    area.name = area.name_el = f.name
    area.boundary = geometry
    area.centroid = geometry.point_on_surface
    area.source = f.source
    if f.population is not None:
        area.population = f.population
    area.save()
    bucket[f.level] = bucket.get(f.level, 0) + 1


def _unique_slug(f: Feature) -> str:
    prefix = {
        "region": "periferia-",
        "regional_unit": "pe-",
        "municipality": "dimos-",
        "municipal_unit": "de-",
    }
    base = prefix.get(f.level, "") + slugify_greek(
        f.name.removeprefix("Δήμος ")
        .removeprefix("ΔΗΜΟΤΙΚΗ ΕΝΟΤΗΤΑ ")
        .removeprefix("Π.Ε. ")
        .removeprefix("Περιφέρεια ")
    )
    slug, n = base, 1
    while Area.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _make_valid(geometry: GEOSGeometry) -> MultiPolygon:
    """Repair a geometry with PostGIS's ST_MakeValid, keeping only its polygons."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid("
            "ST_GeomFromEWKB(%s)), 3)))",
            [bytes(geometry.ewkb)],
        )
        return GEOSGeometry(memoryview(bytes(cur.fetchone()[0])))


def _centre() -> None:
    """Make each centroid the point PostGIS puts on the surface (the same GEOS algorithm)."""
    with connection.cursor() as cur:
        cur.execute("""
            UPDATE geo_area SET centroid = ST_PointOnSurface(boundary)
             WHERE NOT ST_Equals(centroid, ST_PointOnSurface(boundary))""")


def _dissolve_regions(report: LoadReport) -> None:
    """Regions as the union of their regional units (only those units that are loaded)."""
    for region, units in REGIONS.items():
        names = [f"Π.Ε. {u}" for u in units]
        with connection.cursor() as cur:
            cur.execute(
                """SELECT ST_AsEWKB(ST_Multi(ST_CollectionExtract(ST_MakeValid(
                          ST_Union(boundary)), 3))), count(*)
                     FROM geo_area WHERE level = 'regional_unit' AND name = ANY(%s)""",
                [names],
            )
            wkb, found = cur.fetchone()
        if not found:
            continue
        geometry = GEOSGeometry(memoryview(bytes(wkb)))
        feature = Feature(
            Area.Level.REGION,
            slugify_greek(region),
            f"Περιφέρεια {region}",
            geometry,
            source=SOURCES[0].path,
        )
        _store(feature, geometry, report)


def _link_parents() -> int:
    """Each area's parent: the most specific area of a higher level holding a point inside it."""
    ranks = " ".join(f"WHEN '{level}' THEN {rank}" for level, rank in Area.LEVEL_RANK.items())
    with connection.cursor() as cur:
        # Only the constant level ranks are interpolated.
        cur.execute(f"""
            WITH ranked AS (
              SELECT id, boundary, CASE level {ranks} END AS rank FROM geo_area
            ), best AS (
              SELECT c.id, (
                SELECT p.id FROM ranked p
                 WHERE p.rank < c.rank AND ST_Intersects(p.boundary, ST_PointOnSurface(c.boundary))
                 ORDER BY p.rank DESC, ST_Area(p.boundary) LIMIT 1) AS parent_id
              FROM ranked c
            )
            UPDATE geo_area a SET parent_id = best.parent_id
              FROM best WHERE a.id = best.id AND a.parent_id IS DISTINCT FROM best.parent_id""")
        cur.execute("SELECT count(*) FROM geo_area WHERE parent_id IS NOT NULL")
        return cur.fetchone()[0]


def assign_areas(location_ids: list[int] | None = None) -> int:
    """Set each placed location's `area` (most specific area holding it) and `municipality`.

    Locations whose precision is "area" keep the area they were given: their point is that
    area's centroid, and containment could pick a neighbouring polygon's edge.
    """
    where = "AND l.id = ANY(%s)" if location_ids is not None else ""
    holding = areas_holding_sql("SELECT key, geom FROM p")
    with connection.cursor() as cur:
        cur.execute(  # the query is SQL of ours, not user text
            f"""
            UPDATE geo_location l SET
              area_id = CASE WHEN l.precision = 'area' AND l.area_id IS NOT NULL THEN l.area_id
                ELSE x.area_id END,
              municipality_id = COALESCE(x.municipality_id, l.municipality_id)
            FROM (WITH p AS (SELECT l.id AS key, l.point AS geom FROM geo_location l
                              WHERE l.point IS NOT NULL {where})
                  -- a point in no area gets none (not the area it had before it moved)
                  SELECT p.key, h.area_id, h.municipality_id
                    FROM p LEFT JOIN ({holding}) h USING (key)) x
            WHERE x.key = l.id""",
            [location_ids] if location_ids is not None else [],
        )
        return cur.rowcount
