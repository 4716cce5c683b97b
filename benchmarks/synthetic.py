"""Synthetic organisations, locations and services over Greece, loaded with COPY for benchmarks.

Points fall inside real municipality boundaries (the Area table), sampled by population where the
boundary files give it and by the number of postcodes otherwise, and clustered around real
settlements and postcode centroids. The public point is left to the privacy trigger, as in the app.
It writes only rows whose source is "bench" plus the `bench_dataset` marker table.
"""

import csv
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
import shapely
from psycopg import sql

SOURCE = "bench"
# Bumped whenever the generated data changes shape, so an old dataset is regenerated.
VERSION = "1"
MARKER_TABLE = "bench_dataset"
POSTCODE = re.compile(r"[1-8][0-9]{4}")  # what geo.Location accepts

PRECISIONS = ("exact", "street", "area", "hidden")
PRECISION_WEIGHTS = (0.80, 0.10, 0.07, 0.03)
KINDS = ("ngo", "municipal", "public", "clinic", "grassroots", "union", "network", "other")
KIND_WEIGHTS = (0.30, 0.20, 0.10, 0.12, 0.15, 0.05, 0.03, 0.05)
KIND_NAMES = {
    "ngo": "Οργάνωση Αλληλεγγύης",
    "municipal": "Κοινωνική Υπηρεσία",
    "public": "Κέντρο Κοινότητας",
    "clinic": "Κοινωνικό Ιατρείο",
    "grassroots": "Δίκτυο Αλληλοβοήθειας",
    "union": "Εργατικό Κέντρο",
    "network": "Δίκτυο Αλληλεγγύης",
    "other": "Στέκι",
}
STREETS = (
    "Ερμού",
    "Αθηνάς",
    "Πατησίων",
    "Σταδίου",
    "Ακαδημίας",
    "Εγνατίας",
    "Τσιμισκή",
    "Κορίνθου",
    "Μαιζώνος",
    "Ελευθερίου Βενιζέλου",
    "Παπαναστασίου",
    "28ης Οκτωβρίου",
    "Αγίου Δημητρίου",
    "Κολοκοτρώνη",
    "Καποδιστρίου",
    "Ομήρου",
    "Αριστοτέλους",
    "Θεμιστοκλέους",
    "Καλλιδρομίου",
)
LANGUAGES = (("en", 0.40), ("ar", 0.15), ("fa", 0.10), ("fr", 0.05), ("uk", 0.03), ("ur", 0.03))
AUDIENCES = ("everyone", "refugees", "children", "families", "women", "elderly", "homeless")
HOURS = ("Mo-Fr 09:00-17:00", "Mo-Fr 10:00-14:00; Sa 10:00-13:00", "24/7", "Tu,Th 18:00-21:00", "")
COSTS = ("free", "low", "paid", "unknown")
COST_WEIGHTS = (0.70, 0.10, 0.05, 0.15)


@dataclass(frozen=True)
class Municipality:
    id: int
    name: str
    polygon: shapely.Geometry
    weight: float
    seeds: np.ndarray  # (k, 2) lon/lat of settlements and postcode centroids inside it
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    organisations: int
    locations: int
    services: int
    seconds: float


def _read_seeds(data_dir: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Settlement points, postcode points and postcodes (lon/lat) from the public data files."""
    settlements = []
    with open(
        data_dir / "gazetteer" / "greece_settlements_elstat_coords.csv", encoding="utf-8"
    ) as f:
        for row in csv.DictReader(f):
            try:
                settlements.append((float(row["lon"]), float(row["lat"])))
            except (KeyError, ValueError):
                continue
    postcode_points, postcodes = [], []
    with open(data_dir / "postcodes" / "grpostcodes_postcode_centroids.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                point = (float(row["lon"]), float(row["lat"]))
            except (KeyError, ValueError):
                continue
            if POSTCODE.fullmatch(row.get("tk", "")):  # the file has a few placeholders (90000)
                postcode_points.append(point)
                postcodes.append(row["tk"])
    return np.array(settlements), np.array(postcode_points), postcodes


def municipalities(conn: psycopg.Connection, *, data_dir: Path) -> list[Municipality]:
    """Municipalities with a sampling weight: population where known, else postcodes inside."""
    rows = conn.execute("""
        SELECT m.id, m.name, ST_AsBinary(m.boundary),
               COALESCE(m.population, (
                 SELECT sum(u.population) FROM geo_area u
                  WHERE u.level = 'municipal_unit' AND u.population IS NOT NULL
                    AND ST_Intersects(m.boundary, ST_PointOnSurface(u.boundary))))
          FROM geo_area m WHERE m.level = 'municipality' ORDER BY m.id""").fetchall()
    if not rows:
        raise RuntimeError("no municipalities in the Area table: load the boundaries first")
    polygons = shapely.from_wkb([r[2] for r in rows])
    settlements, postcode_points, postcodes = _read_seeds(data_dir)
    tree = shapely.STRtree(polygons)
    seeds_of: list[list[int]] = [[] for _ in rows]
    codes_of: list[list[str]] = [[] for _ in rows]
    everything = np.vstack([settlements, postcode_points])
    pt_idx, poly_idx = tree.query(shapely.points(everything), predicate="within")
    for p, m in zip(pt_idx, poly_idx, strict=True):
        seeds_of[m].append(p)
        if p >= len(settlements):
            codes_of[m].append(postcodes[p - len(settlements)])
    # People per postcode where both are known, to weigh the municipalities without a population.
    known = [(r[3], len(codes_of[i])) for i, r in enumerate(rows) if r[3] and len(codes_of[i]) > 0]
    per_postcode = float(np.median([pop / k for pop, k in known])) if known else 8000.0
    out = []
    for i, (id_, name, _wkb, population) in enumerate(rows):
        weight = population or per_postcode * max(len(codes_of[i]), 0.5)
        out.append(
            Municipality(
                id_,
                name,
                polygons[i],
                float(weight),
                everything[seeds_of[i]] if seeds_of[i] else np.empty((0, 2)),
                tuple(codes_of[i]),
            )
        )
    return out


def sample_points(m: Municipality, k: int, rng: np.random.Generator) -> np.ndarray:
    """`k` lon/lat points inside `m`: most near its settlements, the rest anywhere inside."""
    out = np.empty((0, 2))
    shapely.prepare(m.polygon)
    minx, miny, maxx, maxy = m.polygon.bounds
    near = int(k * 0.7) if len(m.seeds) else 0
    if near:
        picks = m.seeds[rng.integers(0, len(m.seeds), near)]
        # ~300 m around a settlement; a town is not a single point.
        cand = picks + rng.normal(0, 0.003, picks.shape)
        out = cand[shapely.contains_xy(m.polygon, cand[:, 0], cand[:, 1])]
    while len(out) < k:
        need = k - len(out)
        cand = np.column_stack(
            [rng.uniform(minx, maxx, need * 3 + 10), rng.uniform(miny, maxy, need * 3 + 10)]
        )
        cand = cand[shapely.contains_xy(m.polygon, cand[:, 0], cand[:, 1])]
        out = np.vstack([out, cand[:need]])
    return out[:k]


def _columns(conn: psycopg.Connection, table: str) -> list[tuple[str, str, bool, bool]]:
    """(name, udt type, not null, has default) of each column of `table`."""
    return conn.execute(
        """SELECT column_name, udt_name, is_nullable = 'NO',
                  column_default IS NOT NULL OR is_identity = 'YES' OR is_generated <> 'NEVER'
             FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s
            ORDER BY ordinal_position""",
        [table],
    ).fetchall()


def _filler(udt: str, now: str) -> object:
    """A neutral value for a NOT NULL column this generator does not know (added by a migration)."""
    if udt.startswith("_"):
        return []
    if udt in ("bool",):
        return False
    if udt in ("int2", "int4", "int8", "numeric", "float4", "float8"):
        return 0
    if udt in ("json", "jsonb"):
        return "{}"
    if udt in ("timestamptz", "timestamp", "date"):
        return now
    return ""


class Copier:
    """COPY rows given as dicts into a table, filling NOT NULL columns the dicts leave out."""

    def __init__(self, conn: psycopg.Connection, table: str, known: list[str], *, now: str):
        cols = _columns(conn, table)
        if not cols:
            raise RuntimeError(f"table {table} does not exist: migrate first")
        names = {c[0] for c in cols}
        missing = [k for k in known if k not in names]
        if missing:
            raise RuntimeError(f"{table} has no column(s) {missing}: the model changed")
        self.fill = {
            name: _filler(udt, now)
            for name, udt, not_null, has_default in cols
            if not_null and not has_default and name not in known
        }
        self.columns = [*known, *self.fill]
        self.stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        self.conn = conn

    def copy(self, rows: Iterator[tuple]) -> int:
        extra = tuple(self.fill.values())
        count = 0
        with self.conn.cursor() as cur, cur.copy(self.stmt) as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
        return count


def _next_id(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(
        sql.SQL("SELECT COALESCE(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
    ).fetchone()[0]


def _bump_sequence(conn: psycopg.Connection, table: str) -> None:
    conn.execute(
        sql.SQL(
            "SELECT setval(pg_get_serial_sequence({t}, 'id'), "
            "(SELECT COALESCE(max(id), 1) FROM {i}))"
        ).format(t=sql.Literal(table), i=sql.Identifier(table))
    )


def _leaf_categories(conn: psycopg.Connection) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM geo_category c WHERE NOT EXISTS "
        "(SELECT 1 FROM geo_category k WHERE k.parent_id = c.id) ORDER BY id"
    ).fetchall()
    if not rows:
        raise RuntimeError("no categories: the seed migration has not run")
    return [r[0] for r in rows]


def _copiers(conn: psycopg.Connection, *, now: str) -> list[Copier]:
    return [
        Copier(
            conn,
            "geo_organisation",
            ["id", "slug", "name", "kind", "source", "created_at", "updated_at", "phones"],
            now=now,
        ),
        Copier(
            conn,
            "geo_location",
            [
                "id",
                "organisation_id",
                "name",
                "point",
                "precision",
                "address",
                "locality",
                "postcode",
                "municipality_id",
                "area_id",
                "opening_hours",
                "geocode_precision",
                "source",
                "source_ref",
                "needs_pin",
                "needs_regeocode",
                "created_at",
                "updated_at",
                "phones",
            ],
            now=now,
        ),
        Copier(
            conn,
            "geo_service",
            [
                "id",
                "organisation_id",
                "name",
                "languages",
                "audience",
                "cost",
                "is_active",
                "source",
                "created_at",
                "updated_at",
            ],
            now=now,
        ),
        Copier(conn, "geo_service_categories", ["service_id", "category_id"], now=now),
        Copier(conn, "geo_service_locations", ["service_id", "location_id"], now=now),
    ]


def generate(n: int, *, conn: psycopg.Connection, data_dir: Path, seed: int = 1) -> Generated:
    """Add `n` synthetic locations (with organisations and services) in the caller's transaction."""
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    # Scalar draws from `random` are ~50x cheaper than numpy's at a million rows.
    py = random.Random(seed)
    now = conn.execute("SELECT now()::text").fetchone()[0]
    munis = municipalities(conn, data_dir=data_dir)
    weights = np.array([m.weight for m in munis])
    per_muni = rng.multinomial(n, weights / weights.sum())
    categories = _leaf_categories(conn)

    org_id0 = _next_id(conn, "geo_organisation")
    loc_id0 = _next_id(conn, "geo_location")
    svc_id0 = _next_id(conn, "geo_service")
    # Organisations own one to a few locations each, within one municipality.
    org_rows, loc_rows, svc_rows, svc_cat_rows, svc_loc_rows = [], [], [], [], []
    org_id, loc_id, svc_id = org_id0, loc_id0, svc_id0
    copiers = _copiers(conn, now=now)
    batches = (org_rows, loc_rows, svc_rows, svc_cat_rows, svc_loc_rows)

    def flush() -> None:
        # One batch at a time keeps memory flat at a million rows; order follows the foreign keys.
        for copier, rows in zip(copiers, batches, strict=True):
            copier.copy(iter(rows))
            rows.clear()

    for m, k in zip(munis, per_muni, strict=True):
        if not k:
            continue
        points = sample_points(m, int(k), rng)
        precisions = rng.choice(len(PRECISIONS), size=k, p=PRECISION_WEIGHTS)
        short = m.name.removeprefix("Δήμος ")
        i = 0
        while i < k:
            size = min(py.randint(1, 4), k - i)
            kind = py.choices(KINDS, KIND_WEIGHTS)[0]
            org_name = f"{KIND_NAMES[kind]} {short} {org_id}"
            org_rows.append(
                (org_id, f"bench-{org_id}", org_name, kind, SOURCE, f"{now}", f"{now}", [])
            )
            for j in range(size):
                lon, lat = points[i + j]
                precision = PRECISIONS[precisions[i + j]]
                postcode = py.choice(m.postcodes) if m.postcodes else ""
                address = f"{py.choice(STREETS)} {py.randint(1, 199)}"
                loc_rows.append(
                    (
                        loc_id,
                        org_id,
                        f"{org_name} – {j + 1}",
                        f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
                        precision,
                        address,
                        short,
                        postcode,
                        m.id,
                        m.id,
                        py.choice(HOURS),
                        "source",
                        SOURCE,
                        str(loc_id),
                        False,
                        False,
                        f"{now}",
                        f"{now}",
                        [],
                    )
                )
                for _ in range(2 if py.random() < 0.25 else 1):
                    langs = ["el"] + [code for code, p in LANGUAGES if py.random() < p]
                    audience = [py.choice(AUDIENCES)]
                    svc_rows.append(
                        (
                            svc_id,
                            org_id,
                            f"Υπηρεσία {svc_id}",
                            langs,
                            audience,
                            py.choices(COSTS, COST_WEIGHTS)[0],
                            True,
                            SOURCE,
                            f"{now}",
                            f"{now}",
                        )
                    )
                    cats = py.sample(categories, 2 if py.random() < 0.3 else 1)
                    svc_cat_rows.extend((svc_id, c) for c in cats)
                    svc_loc_rows.append((svc_id, loc_id))
                    svc_id += 1
                loc_id += 1
            org_id += 1
            i += size
            if len(loc_rows) >= 50_000:
                flush()

    flush()
    for table in ("geo_organisation", "geo_location", "geo_service"):
        _bump_sequence(conn, table)
    return Generated(
        organisations=org_id - org_id0,
        locations=loc_id - loc_id0,
        services=svc_id - svc_id0,
        seconds=round(time.perf_counter() - started, 2),
    )


# --- the benchmark dataset: a whole database holding exactly n synthetic locations ------------

DATA_TABLES = ("geo_location", "geo_service", "geo_organisation")


def dataset_marker(conn: psycopg.Connection) -> dict | None:
    exists = conn.execute("SELECT to_regclass(%s)", [MARKER_TABLE]).fetchone()[0]
    if not exists:
        return None
    row = conn.execute(f"SELECT info FROM {MARKER_TABLE} LIMIT 1").fetchone()
    return row[0] if row else None


def _secondary_indexes(conn: psycopg.Connection, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, definition) of indexes that back no constraint: dropped during a bulk load."""
    return conn.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""",
        [list(tables)],
    ).fetchall()


def ensure_dataset(conninfo: str, n: int, *, data_dir: Path, seed: int) -> dict:
    """Fill the benchmark database with `n` locations unless its marker says it already has them."""
    want = {"n": n, "seed": seed, "version": VERSION}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        marker = dataset_marker(conn)
        if marker and all(marker.get(k) == v for k, v in want.items()):
            return {**marker, "reused": True}
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {MARKER_TABLE}")
        conn.execute(
            "TRUNCATE geo_service_categories, geo_service_locations, geo_service, geo_location, "
            "geo_organisation RESTART IDENTITY CASCADE"
        )
        tables = (*DATA_TABLES, "geo_service_categories", "geo_service_locations")
        indexes = _secondary_indexes(conn, tables)
        for name, _definition in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        generated = generate(n, conn=conn, data_dir=data_dir, seed=seed)
        index_started = time.perf_counter()
        # Django's foreign keys are deferred; check them now, or CREATE INDEX refuses.
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            conn.execute(definition)
        index_seconds = time.perf_counter() - index_started
        info = {
            **want,
            "organisations": generated.organisations,
            "locations": generated.locations,
            "services": generated.services,
            "generate_and_copy_seconds": generated.seconds,
            "index_seconds": round(index_seconds, 1),
        }
        conn.execute(f"CREATE TABLE {MARKER_TABLE} (info jsonb NOT NULL)")
        conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s)", [json.dumps(info)])
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in (*DATA_TABLES, "geo_service_categories", "geo_service_locations", "geo_area"):
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    info["total_seconds"] = round(time.perf_counter() - started, 1)
    return {**info, "reused": False}
