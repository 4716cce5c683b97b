"""The benchmark databases: created in the local cluster (or the DATABASE_URL server), migrated,
and filled with a synthetic dataset that is reused while its size and generator version match.

Each database is prepared in a subprocess (`python -m benchmarks data`) pointed at it through
GEITONIA_DB_NAME, so the app's own database is never touched.
"""

import json
import os
import subprocess
import sys
import time

import psycopg
from django.conf import settings

from benchmarks.config import REPO


def conninfo(dbname: str | None = None) -> str:
    """A libpq connection string for `dbname` on the server Django is configured for."""
    db = settings.DATABASES["default"]
    parts = {
        "dbname": dbname or db["NAME"],
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
    }
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in parts.items() if v})


def subprocess_env(dbname: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GEITONIA_DB_NAME": dbname,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    env.update(extra)
    return env


def ensure_database(dbname: str) -> None:
    """Create `dbname` unless it exists (scripts/postgres.sh does it for the local cluster)."""
    subprocess.run(
        ["scripts/postgres.sh", "start"],
        cwd=REPO,
        env=subprocess_env(dbname),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with psycopg.connect(conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(dbname))
            )


def prepare(dbname: str, n: int, *, seed: int) -> dict:
    """Make sure `dbname` is migrated, has the areas and holds exactly `n` synthetic locations."""
    ensure_database(dbname)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=REPO,
        env=subprocess_env(dbname),
        check=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "data", "--n", str(n), "--seed", str(seed)],
        cwd=REPO,
        env=subprocess_env(dbname),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    report["prepare_seconds"] = round(time.perf_counter() - started, 1)
    return report
