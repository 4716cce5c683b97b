"""The installation-wide rate limit for geocoder requests, kept in PostgreSQL.

One row per provider in `geo_geocoderthrottle` holds `next_allowed_at`. A caller reserves the next
free slot in one statement (an upsert, which takes the row lock, so concurrent callers in any
process or machine queue on it and each sees the previous one's reservation), then sleeps until
its slot. The lock is held for the statement only, never during the sleep or the request, and the
statement runs on a connection of its own, outside any transaction of the caller. Both times come
from the database clock, so the spacing holds across machines whose clocks disagree.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_RESERVE_SQL = """
INSERT INTO geo_geocoderthrottle AS t (provider, next_allowed_at)
VALUES (%(provider)s, clock_timestamp() + make_interval(secs => %(interval)s))
ON CONFLICT (provider) DO UPDATE
   SET next_allowed_at = GREATEST(t.next_allowed_at, clock_timestamp())
                         + make_interval(secs => %(interval)s)
RETURNING EXTRACT(EPOCH FROM
          t.next_allowed_at - make_interval(secs => %(interval)s) - clock_timestamp())
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


def reserve_slot(provider: str, *, interval: float) -> float:
    """Reserve the next request slot for `provider`, `interval` seconds after the previous one;
    returns the seconds to wait before sending (0 when the slot is now)."""
    with own_connection() as conn, conn.cursor() as cur:
        cur.execute(_RESERVE_SQL, {"provider": provider[:40], "interval": interval})
        wait = float(cur.fetchone()[0])
    return max(wait, 0.0)


def wait_for_slot(provider: str, *, interval: float) -> float:
    """Reserve a slot and sleep until it; returns the seconds slept."""
    wait = reserve_slot(provider, interval=interval)
    if wait > 0:
        time.sleep(wait)
    return wait


def reset(provider: str | None = None) -> None:
    """Forget reservations (all providers when None), e.g. between tests."""
    with own_connection() as conn, conn.cursor() as cur:
        if provider is None:
            cur.execute("DELETE FROM geo_geocoderthrottle")
        else:
            cur.execute("DELETE FROM geo_geocoderthrottle WHERE provider = %s", [provider[:40]])
