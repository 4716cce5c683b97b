"""The servers under test, on 127.0.0.1 and a free port: gunicorn serving Django with the benchmark
settings, and TiPg (from its own venv, var/bench-venv) serving a privacy-safe view.

Each server is started as a process group and stopped by that group's id only.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.config import REPO, TIPG_VENV
from benchmarks.database import subprocess_env

GUNICORN_WORKERS = 2
GUNICORN_THREADS = 4
# TiPg's view: the public point only, so the peer can never serve an exact hidden address.
# A LEFT JOIN (every location has an organisation) lets PostgreSQL leave the join out when a
# request does not ask for the organisation, as our overview tiles leave it out.
TIPG_SCHEMA = "bench_tipg"
TIPG_VIEW_SQL = f"""
CREATE SCHEMA IF NOT EXISTS {TIPG_SCHEMA};
CREATE OR REPLACE VIEW {TIPG_SCHEMA}.locations AS
  SELECT l.id, l.name, o.name AS organisation, l.precision,
         CASE WHEN l.precision = 'exact' THEN l.address ELSE '' END AS address,
         l.postcode, l.opening_hours, l.public_point AS geom
    FROM public.geo_location l LEFT JOIN public.geo_organisation o ON o.id = l.organisation_id
   WHERE l.public_point IS NOT NULL;
"""
TIPG_COLLECTION = f"{TIPG_SCHEMA}.locations"


class ServerFailed(Exception):
    """A server did not answer in time; `log` has the tail of its output."""


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(server: Server, path: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    tail = server.log.read_text(errors="replace")[-3000:] if server.log.exists() else ""
    raise ServerFailed(f"{server.name} did not come up on port {server.port}:\n{tail}")


def _start(name: str, cmd: list[str], env: dict[str, str], port: int, log_dir: Path) -> Server:
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server(name, port, process, log)


@contextlib.contextmanager
def gunicorn(
    dbname: str, *, log_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Django behind gunicorn's threaded workers, DEBUG off, persistent database connections."""
    port = free_port()
    env = subprocess_env(
        dbname, DJANGO_DEBUG="false", DJANGO_CONN_MAX_AGE="600", **(extra_env or {})
    )
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "geo.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(GUNICORN_WORKERS),
        "--threads",
        str(GUNICORN_THREADS),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--timeout",
        "120",
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
    ]
    server = _start("gunicorn", cmd, env, port, log_dir)
    try:
        wait_until_up(server, "/bench-floor/ping/")
        yield server
    finally:
        server.stop()


def tipg_available() -> bool:
    return (TIPG_VENV / "bin" / "uvicorn").exists()


def install_tipg() -> str | None:
    """Install TiPg into var/bench-venv (never into .venv); returns why not, or None."""
    if tipg_available():
        return None
    requirements = REPO / "benchmarks" / "tipg-requirements.txt"
    try:
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run(
            [str(TIPG_VENV / "bin" / "pip"), "install", "-q", "-r", str(requirements)],
            check=True,
            timeout=600,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        return f"could not install TiPg into {TIPG_VENV}: {exc}"
    return None


@contextlib.contextmanager
def tipg(database_url: str, *, log_dir: Path) -> Iterator[Server]:
    """TiPg under uvicorn with as many workers as gunicorn, exposing only the bench_tipg schema."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108
        "DATABASE_URL": database_url,
        "TIPG_DB_SCHEMAS": f'["{TIPG_SCHEMA}"]',
        "TIPG_DB_FUNCTION_SCHEMAS": "[]",
        "TIPG_MAX_FEATURES_PER_QUERY": "20000",
        # TiPg stops a tile at 10,000 features by default; ours holds every feature.
        "TIPG_MAX_FEATURES_PER_TILE": "10000000",
        "TIPG_DEFAULT_FEATURES_LIMIT": "10000",
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
    }
    cmd = [
        str(TIPG_VENV / "bin" / "uvicorn"),
        "tipg.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(GUNICORN_WORKERS),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = _start("tipg", cmd, env, port, log_dir)
    try:
        wait_until_up(server, "/collections", timeout=90)
        yield server
    finally:
        server.stop()
