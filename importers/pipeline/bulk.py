"""Bulk loading: a large first import writes its rows without secondary indexes and foreign keys,
then builds them once, as pg_restore does and as PostgreSQL's manual advises ("Populating a
Database").

Measured on 100,000 listings into empty tables: every trigram index costs ~6 s to maintain row
by row and ~4.5 s to build afterwards; the deferred foreign-key checks cost ~5 s at commit, and
adding the constraints back checks them all in one join (~0.3 s).

The price is a lock: dropping a foreign key takes an ACCESS EXCLUSIVE lock on both tables, so
the listings, areas and categories cannot be read until the import commits. That is why it is
only done when an import adds at least as many listings as there are already (a first load,
a new network joining; not next month's file of a network already in), and why the lock is
given up, for the usual row-by-row path, when it cannot be had within `LOCK_WAIT` (a busy
site). Everything happens in the import's transaction: when
it rolls back (a dry run, an error), the indexes and constraints come back with it.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import OperationalError, transaction

log = logging.getLogger(__name__)

# The tables an import writes, in the order their locks are taken.
WRITTEN = (
    "geo_organisation",
    "geo_location",
    "geo_service",
    "geo_service_locations",
    "geo_service_categories",
)
# Read by the foreign keys of WRITTEN; dropping a key locks them too.
REFERENCED = ("geo_area", "geo_category")
LOCK_WAIT = "5s"
MAINTENANCE_WORK_MEM = "256MB"


@dataclass
class BulkLoad:
    """The indexes and foreign keys taken off WRITTEN, to be put back by `restore`."""

    cursor: object
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (name, CREATE INDEX ...)
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # (table, name, def)

    def drop_foreign_keys(self) -> None:
        self.cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                 FROM pg_constraint
                WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
                ORDER BY conrelid::regclass::text, conname""",
            [list(WRITTEN)],
        )
        found = self.cursor.fetchall()
        for table, name, _ in found:
            self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        self.constraints += found

    def drop_indexes(self, *tables: str) -> None:
        """Drop the indexes of `tables` that no constraint owns: primary keys and unique
        indexes stay, since the import's own lookups and ON CONFLICT need them."""
        self.cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                 FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1""",
            [list(tables)],
        )
        found = self.cursor.fetchall()
        for name, _ in found:
            self.cursor.execute(f"DROP INDEX {name}")
        self.indexes += found

    def restore(self) -> None:
        """Build the indexes and add the foreign keys back (checking every row at once)."""
        self.cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        for _, definition in self.indexes:
            self.cursor.execute(definition)
        for table, name, definition in self.constraints:
            self.cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.indexes, self.constraints = [], []


def start(cursor, *, new: int) -> BulkLoad | None:
    """When an import that adds `new` listings is worth loading in bulk: lock the tables, drop
    the foreign keys of WRITTEN and the indexes of the organisations (written first), and
    return the BulkLoad; else None (write row by row). Call inside the import's transaction.

    The caller drops the other tables' indexes with `drop_indexes` once it no longer needs them
    to look rows up, and calls `restore` after writing."""
    threshold = settings.GEITONIA_IMPORT_BULK_ROWS
    if not threshold or new < threshold:
        return None
    # at least as many new listings as there are now (counted no further than that)
    cursor.execute("SELECT count(*) FROM (SELECT 1 FROM geo_location LIMIT %s) l", [new + 1])
    if cursor.fetchone()[0] > new:
        return None
    loading = BulkLoad(cursor)
    try:
        # a savepoint: a lock that times out, or a table with checks still pending in this
        # transaction ("cannot ALTER TABLE ... because it has pending trigger events"), undoes
        # only this
        with transaction.atomic():
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
            cursor.execute(f"LOCK TABLE {', '.join(REFERENCED + WRITTEN)} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            loading.drop_foreign_keys()
            loading.drop_indexes(WRITTEN[0])
    except OperationalError as exc:
        log.info("bulk load refused (%s): importing %s new listings row by row", exc, new)
        return None
    return loading
