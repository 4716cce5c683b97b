"""The import benchmark (issue 5, item 8): rows/s of a CSV with coordinates through
importers.pipeline.run_import, next to ogr2ogr, Django's bulk_create and psycopg COPY of the same
file; the same import with every address in the geocoding cache; peak memory at two file sizes.

Each measurement runs in a fresh subprocess (`python -m benchmarks.importing METHOD ...`) against
its own database, so its peak RSS is its own and the benchmark dataset is never written.
"""

import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.config import REPO, RESULTS_DIR, Config
from benchmarks.database import conninfo, ensure_database, subprocess_env

SOURCE = "bench-import"
CACHE_SOURCE = "bench-import-cached"
HEADERS = [
    "id",
    "name",
    "organisation",
    "address",
    "postcode",
    "locality",
    "lat",
    "lon",
    "category",
    "languages",
    "phone",
    "hours",
]
SCRATCH_SCHEMA = "bench_scratch"
# Nothing listens here: a geocoder request in the cached run cannot succeed.
CLOSED_URL = "http://127.0.0.1:9"


# --- the files ----------------------------------------------------------------------------------


def write_csv(path: Path, rows: int, *, dbname: str, seed: int, coordinates: bool) -> Path:
    """A listings CSV of `rows` distinct addresses over Greece, with or without lat/lon."""
    import psycopg

    from benchmarks.__main__ import data_dir
    from benchmarks.synthetic import HOURS, STREETS, municipalities, sample_points

    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    with psycopg.connect(conninfo(dbname)) as conn:
        munis = [m for m in municipalities(conn, data_dir=data_dir()) if m.postcodes]
        categories = [r[0] for r in conn.execute("SELECT name_en FROM geo_category").fetchall()]
    weights = np.array([m.weight for m in munis])
    counts = rng.multinomial(rows, weights / weights.sum())
    seen: set[tuple[str, str, str]] = set()
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADERS if coordinates else [h for h in HEADERS if h not in ("lat", "lon")])
        i = 0
        for m, k in zip(munis, counts, strict=True):
            if not k:
                continue
            locality = m.name.removeprefix("Δήμος ")
            for lon, lat in sample_points(m, int(k), rng):
                while True:  # distinct addresses, so the cached run asks each one once
                    key = (f"{py.choice(STREETS)} {py.randint(1, 400)}", py.choice(m.postcodes))
                    if (key[0], key[1], locality) not in seen:
                        seen.add((key[0], key[1], locality))
                        break
                i += 1
                row = [
                    f"B{i}",
                    f"Δομή Αλληλεγγύης {i}",
                    f"Δίκτυο {locality} {i % 500}",
                    key[0],
                    key[1],
                    locality,
                    f"{lat:.6f}",
                    f"{lon:.6f}",
                    py.choice(categories),
                    py.choice(["el", "el, en", "el, en, ar", "el, fa"]),
                    f"210 {py.randint(1000000, 9999999)}",
                    py.choice(HOURS),
                ]
                if not coordinates:
                    del row[6:8]
                out.writerow(row)
    return path


# --- the worker (a fresh process per measurement) -----------------------------------------------


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux reports KiB


def _reset_database() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE geo_service_categories, geo_service_locations, geo_service, geo_location, "
            "geo_organisation RESTART IDENTITY CASCADE"
        )
        cur.execute(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE")


def _rows_of(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _pipeline(path: Path, *, source: str, geocoder: str) -> dict:
    from importers.pipeline import run_import

    report = run_import(path, source=source, geocoder=geocoder)
    return {
        "rows": report.rows,
        "errors": report.rows_with_errors,
        "new": report.new,
        "needs_pin": report.needs_pin,
        "geocoded": report.geocoded,
        "warnings": report.warnings,
        "timings": report.timings,
        "first_errors": report.row_errors[:3],
    }


def _prefill_cache(path: Path) -> dict:
    """Put every address of the file in the geocoding cache, as a house-level Nominatim answer."""
    from django.db import connection

    from benchmarks.synthetic import Copier
    from geo.geocoding import AddressQuery

    with connection.cursor() as cur:
        cur.execute("TRUNCATE geo_geocoderesult")
    raw = connection.connection
    now = raw.execute("SELECT now()::text").fetchone()[0]
    copier = Copier(
        raw,
        "geo_geocoderesult",
        [
            "query_key",
            "query",
            "provider",
            "found",
            "point",
            "precision",
            "display_name",
            "created_at",
        ],
        now=now,
    )
    rows = []
    for i, row in enumerate(_rows_of(path)):
        query = AddressQuery(
            street=row["address"], postcode=row["postcode"], locality=row["locality"]
        )
        lon, lat = 23.0 + (i % 1000) / 2000, 38.0 + (i // 1000) / 2000  # inside Greece
        rows.append(
            (
                query.key(),
                query.one_line(),
                "nominatim",
                True,
                f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
                "house",
                query.one_line(),
                now,
            )
        )
    count = copier.copy(iter(rows))
    raw.commit()
    return {"cached": count}


def _forbid_provider() -> None:
    """Make any request to the geocoding provider fail loudly in this process."""
    from geo.geocoding import nominatim

    def refuse(*args, **kwargs):
        raise RuntimeError("cache miss: the cached-import benchmark asked the provider")

    for name in dir(nominatim):
        if name.startswith(("search", "geocode", "lookup", "query")) and callable(
            getattr(nominatim, name)
        ):
            setattr(nominatim, name, refuse)


def _bulk_create(path: Path) -> dict:
    from django.contrib.gis.geos import Point
    from django.db import transaction

    from geo.models import Location, Organisation

    with transaction.atomic():
        org = Organisation.objects.create(name="Bench bulk_create", slug="bench-bulk-create")
        objs = [
            Location(
                organisation=org,
                name=r["name"],
                address=r["address"],
                postcode=r["postcode"],
                locality=r["locality"],
                point=Point(float(r["lon"]), float(r["lat"]), srid=4326),
                opening_hours=r["hours"],
                source="bench-bulk",
                source_ref=r["id"],
            )
            for r in _rows_of(path)
        ]
        Location.objects.bulk_create(objs, batch_size=2000)
    return {"rows": len(objs)}


def _copy(path: Path) -> dict:
    from django.db import connection

    from benchmarks.synthetic import Copier

    connection.ensure_connection()
    raw = connection.connection
    now = raw.execute("SELECT now()::text").fetchone()[0]
    org = raw.execute(
        "INSERT INTO geo_organisation (slug, name, alternate_name, kind, description, website, "
        "email, phones, source, created_at, updated_at) VALUES ('bench-copy', 'Bench COPY', '', "
        "'other', '', '', '', '{}', 'bench-copy', now(), now()) RETURNING id"
    ).fetchone()[0]
    copier = Copier(
        raw,
        "geo_location",
        [
            "organisation_id",
            "name",
            "address",
            "postcode",
            "locality",
            "point",
            "opening_hours",
            "source",
            "source_ref",
            "created_at",
            "updated_at",
        ],
        now=now,
    )
    with open(path, newline="", encoding="utf-8") as f:
        count = copier.copy(
            (
                org,
                r["name"],
                r["address"],
                r["postcode"],
                r["locality"],
                f"SRID=4326;POINT({float(r['lon']):.6f} {float(r['lat']):.6f})",
                r["hours"],
                "bench-copy",
                r["id"],
                now,
                now,
            )
            for r in csv.DictReader(f)
        )
    raw.commit()
    return {"rows": count}


def _ogr2ogr(path: Path) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {SCRATCH_SCHEMA}")
    db = connection.settings_dict
    pg = f"PG:dbname={db['NAME']} host={db['HOST']} port={db['PORT']} user={db['USER']}"
    if db.get("PASSWORD"):
        pg += f" password={db['PASSWORD']}"
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "PostgreSQL",
            pg,
            str(path),
            "-nln",
            f"{SCRATCH_SCHEMA}.ogr_import",
            "-oo",
            "X_POSSIBLE_NAMES=lon",
            "-oo",
            "Y_POSSIBLE_NAMES=lat",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
            "-a_srs",
            "EPSG:4326",
            "-lco",
            "GEOMETRY_NAME=geom",
            "-lco",
            "SPATIAL_INDEX=GIST",
            "-overwrite",
            "-gt",
            "65536",
            "--config",
            "PG_USE_COPY",
            "YES",
        ],
        check=True,
        capture_output=True,
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {SCRATCH_SCHEMA}.ogr_import")
        return {"rows": cur.fetchone()[0], "child_maxrss_mb": _maxrss_mb(resource.RUSAGE_CHILDREN)}


def worker(method: str, path: Path) -> dict:
    import django

    django.setup()
    from django.test import override_settings

    from geo.models import Location

    _reset_database()
    if method == "pipeline-cached":
        prefill = _prefill_cache(path)
        _forbid_provider()
    baseline = _maxrss_mb()
    started = time.perf_counter()
    if method == "pipeline":
        out = _pipeline(path, source=SOURCE, geocoder="offline")
    elif method == "pipeline-rowwise":
        # the same import written row by row, as into a directory already larger than the file
        with override_settings(GEITONIA_IMPORT_BULK_ROWS=0):
            out = _pipeline(path, source=SOURCE, geocoder="offline")
    elif method == "pipeline-cached":
        out = _pipeline(path, source=CACHE_SOURCE, geocoder="nominatim")
        out.update(prefill)
        out["cache_misses"] = (
            Location.objects.filter(source=CACHE_SOURCE)
            .exclude(geocode_provider="nominatim")
            .count()
            + Location.objects.filter(source=CACHE_SOURCE, needs_regeocode=True).count()
        )
    elif method == "bulk_create":
        out = _bulk_create(path)
    elif method == "copy":
        out = _copy(path)
    elif method == "ogr2ogr":
        out = _ogr2ogr(path)
    else:
        raise SystemExit(f"unknown method {method}")
    seconds = time.perf_counter() - started
    out.update(
        {"seconds": round(seconds, 3), "baseline_rss_mb": baseline, "maxrss_mb": _maxrss_mb()}
    )
    if "child_maxrss_mb" in out:
        out["maxrss_mb"] = out.pop("child_maxrss_mb")
    elif method.startswith("pipeline"):
        # the largest cleaning worker (importers.pipeline.parallel), once they have ended
        out["workers_maxrss_mb"] = _maxrss_mb(resource.RUSAGE_CHILDREN)
    return out


# --- the section --------------------------------------------------------------------------------


def _measure(method: str, path: Path, rows: int, dbname: str, log_dir: Path) -> dict:
    env = subprocess_env(dbname, GEITONIA_NOMINATIM_URL=CLOSED_URL)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.importing", method, str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / f"import-{method}-{rows}.log").write_text(out.stdout + out.stderr)
    if out.returncode != 0:
        return {"not_measured": (out.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = round(rows / result["seconds"]) if result["seconds"] else None
    if result.get("rows", rows) != rows or result.get("new", rows) != rows:
        result["warning"] = f"{result.get('new', result.get('rows'))} rows loaded of {rows}"
    return result


def run(config: Config, *, log_dir: Path) -> dict:
    # Its own database, with the areas and the seeded categories the files are drawn from.
    ensure_database(config.import_db_name)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env=subprocess_env(config.import_db_name),
        check=True,
    )
    subprocess.run(
        [sys.executable, "-m", "benchmarks", "data", "--n", "0", "--seed", str(config.seed)],
        cwd=REPO,
        env=subprocess_env(config.import_db_name),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    db = config.import_db_name
    files = RESULTS_DIR / "files"
    files.mkdir(parents=True, exist_ok=True)
    big, small = config.import_rows, config.import_small_rows
    t = time.perf_counter()
    coords = write_csv(
        files / f"listings-{big}.csv", big, dbname=db, seed=config.seed, coordinates=True
    )
    coords_small = write_csv(
        files / f"listings-{small}.csv", small, dbname=db, seed=config.seed + 1, coordinates=True
    )
    addresses = write_csv(
        files / f"addresses-{big}.csv", big, dbname=db, seed=config.seed + 2, coordinates=False
    )
    result: dict = {"rows": big, "files_seconds": round(time.perf_counter() - t, 1), "methods": {}}
    methods = result["methods"]
    methods["pipeline (run_import)"] = _measure("pipeline", coords, big, db, log_dir)
    methods["pipeline, row by row (no bulk load)"] = _measure(
        "pipeline-rowwise", coords, big, db, log_dir
    )
    methods["ogr2ogr"] = _measure("ogr2ogr", coords, big, db, log_dir)
    methods["bulk_create"] = _measure("bulk_create", coords, big, db, log_dir)
    methods["psycopg COPY"] = _measure("copy", coords, big, db, log_dir)
    methods["pipeline, all addresses cached"] = _measure(
        "pipeline-cached", addresses, big, db, log_dir
    )
    methods[f"pipeline ({small:,} rows)"] = _measure("pipeline", coords_small, small, db, log_dir)
    result["ratios"] = _ratios(result, big=big, small=small)
    return result


def _ratios(result: dict, *, big: int, small: int) -> list[dict]:
    m = result["methods"]

    def rate(name: str) -> float | None:
        entry = m.get(name, {})
        if "not_measured" in entry or entry.get("warning") or entry.get("errors"):
            return None
        return entry.get("rows_per_s")

    def ratio(name: str, a, b, target: str, ok) -> dict:
        if a is None or b is None:
            return {"name": name, "value": None, "target": target, "status": "NOT MEASURED"}
        v = a / b
        return {
            "name": name,
            "value": round(v, 2),
            "target": target,
            "status": "info" if ok is None else ("PASS" if ok(v) else "MISS"),
        }

    pipeline = rate("pipeline (run_import)")
    cached_entry = m.get("pipeline, all addresses cached", {})
    cached = rate("pipeline, all addresses cached")
    if cached_entry.get("cache_misses"):
        cached = None
    out = [
        ratio(
            "import: pipeline rows/s / ogr2ogr rows/s",
            pipeline,
            rate("ogr2ogr"),
            ">= 0.3",
            lambda v: v >= 0.3,
        ),
        ratio(
            "import: pipeline row by row rows/s / ogr2ogr rows/s (no target)",
            rate("pipeline, row by row (no bulk load)"),
            rate("ogr2ogr"),
            "-",
            None,
        ),
        ratio(
            "import: pipeline rows/s / bulk_create rows/s (no target)",
            pipeline,
            rate("bulk_create"),
            "-",
            None,
        ),
        ratio(
            "import: pipeline rows/s / psycopg COPY rows/s (no target)",
            pipeline,
            rate("psycopg COPY"),
            "-",
            None,
        ),
        # The floor under the first target: the bare rows copied into the listings table (its
        # indexes and triggers), no cleaning; ogr2ogr writes a new table with one index.
        ratio(
            "import: psycopg COPY into geo_location rows/s / ogr2ogr rows/s (no target)",
            rate("psycopg COPY"),
            rate("ogr2ogr"),
            "-",
            None,
        ),
    ]
    out.append(
        {
            "name": "import: rows/s with every address cached",
            "value": cached,
            "target": ">= 10,000",
            "status": "NOT MEASURED"
            if cached is None
            else ("PASS" if cached >= 10_000 else "MISS"),
        }
    )
    big_rss = m.get("pipeline (run_import)", {}).get("maxrss_mb")
    small_rss = m.get(f"pipeline ({small:,} rows)", {}).get("maxrss_mb")
    out.append(
        ratio(
            f"import: peak RSS {big:,} rows / {small:,} rows ({big // max(small, 1)}x rows)",
            big_rss,
            small_rss,
            "< 2 (bounded)",
            lambda v: v < 2,
        )
    )
    return out


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    print(json.dumps(worker(sys.argv[1], Path(sys.argv[2]))))
