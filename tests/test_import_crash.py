"""Killing PostgreSQL in the middle of an import leaves all of it or none of it.

Runs on a throwaway cluster of its own (initdb in a temporary directory, Unix socket only), never
on the suite's database: `manage.py migrate` and `import_listings` run in subprocesses against it,
the postmaster and its backends are SIGKILLed while the import holds its write locks, and after
crash recovery the listings are counted.
"""

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")
ROWS = 20000

pytestmark = pytest.mark.skipif(
    not (PGBIN / "initdb").exists(), reason="PostgreSQL 15 server binaries are not installed"
)


def _as_owner(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package provides the `postgres` user
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    def __init__(self, root: Path):
        self.data = root / "data"
        self.socket = root / "run"
        self.log = root / "postgres.log"

    def init(self) -> None:
        subprocess.run(
            _as_owner(
                [
                    str(PGBIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "geitonia",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = ''\nunix_socket_directories = '{self.socket}'\n"
                "shared_buffers = 64MB\njit = off\n"
            )

    def start(self) -> None:
        # The postmaster runs as our (grand)child rather than daemonised by pg_ctl, so that once
        # killed it is reaped at once: a zombie still "runs" for PostgreSQL's stale-lock check.
        self.log_file = self.log.open("a")
        self.server = subprocess.Popen(
            _as_owner([str(PGBIN / "postgres"), "-D", str(self.data)]),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                self.connect("postgres").close()
                return
            except psycopg.OperationalError:
                if self.server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(self.log.read_text()[-3000:]) from None
                time.sleep(0.1)

    def stop(self) -> None:
        if self.server.poll() is None:
            # immediate shutdown (throwaway data), sent to the postmaster itself: runuser
            # does not pass signals on
            os.kill(self._postmaster(), signal.SIGQUIT)
            self.server.wait(timeout=60)
        self.log_file.close()

    def _postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill(self) -> None:
        """SIGKILL the postmaster, then its backends: the machine died, nobody shut down."""
        postmaster = self._postmaster()
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        os.kill(postmaster, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        self.server.wait(timeout=60)
        self.log_file.close()

    def connect(self, dbname: str = "crash") -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket), dbname=dbname, user="geitonia", autocommit=True
        )


@pytest.fixture
def cluster():
    # not pytest's tmp_path: the `postgres` user must be able to enter it
    root = Path(tempfile.mkdtemp(prefix="geitonia-crash-", dir="/tmp"))
    root.chmod(0o755)
    (root / "data").mkdir()
    (root / "run").mkdir()
    if os.geteuid() == 0:
        shutil.chown(root / "data", "postgres")
        shutil.chown(root / "run", "postgres")
        shutil.chown(root, "postgres")
    c = Cluster(root)
    c.init()
    c.start()
    with c.connect("postgres") as conn:
        conn.execute("CREATE DATABASE crash")
    yield c
    c.stop()
    shutil.rmtree(root, ignore_errors=True)


def _manage(cluster: Cluster, *args: str, **popen: object) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": "postgis://geitonia@/crash",
        "PGHOST": str(cluster.socket),  # libpq's own variable: the socket directory
        "DJANGO_CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def _big_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(
            [
                "Κωδικός",
                "Επωνυμία",
                "Υπηρεσία",
                "Διεύθυνση",
                "ΤΚ",
                "Κατηγορία",
                "Γεωγρ. πλάτος",
                "Γεωγρ. μήκος",
            ]
        )
        for i in range(ROWS):
            w.writerow(
                [
                    f"c{i}",
                    f"Ομάδα Αλληλεγγύης {i}",
                    "Συσσίτιο",
                    f"Οδός Δοκιμής {i}",
                    "10681",
                    "food",
                    f"{37.9 + (i % 1000) / 10000:.5f}",
                    f"{23.7 + (i // 1000) / 1000:.5f}",
                ]
            )
    return path


def _counts(cluster: Cluster) -> tuple[int, int, int, int]:
    with cluster.connect() as conn:
        return conn.execute(
            """SELECT (SELECT count(*) FROM geo_location WHERE source = 'crash'),
                      (SELECT count(*) FROM geo_service WHERE source = 'crash'),
                      (SELECT count(*) FROM geo_organisation WHERE source = 'crash'),
                      (SELECT count(*) FROM geo_service_locations)"""
        ).fetchone()


def _wait_for_upsert(cluster: Cluster, importer: subprocess.Popen, timeout: float) -> bool:
    """True once another backend holds a write lock on geo_location: the upsert is under way."""
    deadline = time.monotonic() + timeout
    with cluster.connect() as conn:
        while time.monotonic() < deadline and importer.poll() is None:
            row = conn.execute(
                """SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                    WHERE c.relname = 'geo_location' AND l.mode = 'RowExclusiveLock'
                      AND l.granted AND l.pid <> pg_backend_pid()"""
            ).fetchone()
            if row[0]:
                return True
            time.sleep(0.005)
    return False


def test_killing_postgres_mid_import_leaves_all_of_it_or_none(cluster, tmp_path):
    migrate = _manage(cluster, "migrate", "--noinput", "-v0")
    _, err = migrate.communicate(timeout=600)
    assert migrate.returncode == 0, err

    path = _big_file(tmp_path / "big.csv")
    importer = _manage(cluster, "import_listings", str(path), "--source", "crash")
    try:
        caught = _wait_for_upsert(cluster, importer, timeout=300)
        assert caught, "the import ended before its upsert was seen"
        cluster.kill()
        _, err = importer.communicate(timeout=60)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.communicate()
    assert importer.returncode != 0
    assert "OperationalError" in err or "connection" in err

    cluster.start()  # crash recovery replays the WAL
    locations, services, organisations, links = _counts(cluster)
    assert (locations, services, organisations) in {(0, 0, 0), (ROWS, ROWS, ROWS)}
    assert links == services

    # and the same file imports cleanly afterwards, whatever was left
    again = _manage(cluster, "import_listings", str(path), "--source", "crash")
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    assert _counts(cluster) == (ROWS, ROWS, ROWS, ROWS)
