"""The installation-wide rate limit for geocoder requests, kept in PostgreSQL.

One row per provider in `geo_geocoderthrottle` holds `next_allowed_at`. A request takes the row
with SELECT ... FOR UPDATE, sleeps until `next_allowed_at`, is sent and answered, and only then
sets `next_allowed_at` to the end of the request plus the interval and commits. Every other
process or machine on this database queues on that row lock meanwhile, so two requests reach the
provider at least the interval apart, whatever the scheduling jitter of the senders (counting
from the previous request's start instead would let a late sender and an early one come closer
than the interval). The price: at most one request per (interval + response time). The lock is
held on a connection of its own, outside any transaction of the caller; the times come from
the database clock, so the spacing holds across machines whose clocks disagree.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_ENSURE_SQL = """
INSERT INTO geo_geocoderthrottle (provider, next_allowed_at) VALUES (%s, clock_timestamp())
ON CONFLICT (provider) DO NOTHING
"""
_TAKE_SQL = """
SELECT EXTRACT(EPOCH FROM next_allowed_at - clock_timestamp())
  FROM geo_geocoderthrottle WHERE provider = %s FOR UPDATE
"""
_RELEASE_SQL = """
UPDATE geo_geocoderthrottle SET next_allowed_at = clock_timestamp() + make_interval(secs => %s)
 WHERE provider = %s
"""


@contextmanager
def own_connection() -> Iterator[BaseDatabaseWrapper]:
    """A new connection to the default database in autocommit, closed on exit: its writes commit
    at once, whatever transaction the caller is in."""
    conn = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        conn.ensure_connection()
        conn.set_autocommit(True)
        yield conn
    finally:
        conn.close()


@contextmanager
def turn(provider: str, *, interval: float) -> Iterator[float]:
    """Wait for `provider`'s turn across the installation, and hold it while the body (one
    request) runs; the next turn starts `interval` seconds after the body ends, even when it
    raised. Yields the seconds waited after the lock was taken."""
    provider = provider[:40]
    with own_connection() as conn, conn.cursor() as cur:
        cur.execute(_ENSURE_SQL, [provider])
        # An explicit transaction on this autocommit connection: the release below must be
        # committed even when the request raised, so it cannot be an atomic block.
        cur.execute("BEGIN")
        try:
            cur.execute(_TAKE_SQL, [provider])
            wait = max(float(cur.fetchone()[0]), 0.0)
            if wait:
                time.sleep(wait)
            try:
                yield wait
            finally:
                cur.execute(_RELEASE_SQL, [interval, provider])
        finally:
            cur.execute("COMMIT")


def reset(provider: str | None = None) -> None:
    """Forget reservations (all providers when None), e.g. between tests."""
    with own_connection() as conn, conn.cursor() as cur:
        if provider is None:
            cur.execute("DELETE FROM geo_geocoderthrottle")
        else:
            cur.execute("DELETE FROM geo_geocoderthrottle WHERE provider = %s", [provider[:40]])
