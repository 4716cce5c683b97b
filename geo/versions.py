"""A cheap version of the public data, for caches and ETags: one row bumped by triggers.

Every statement that changes a table public outputs are built from bumps the row in the same
transaction, so a reader sees the new version exactly when it sees the new data. The price is that
concurrent writers to those tables queue on this row until they commit; imports run in one short
transaction, so that is acceptable here. Nothing here writes domain data.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

# Tables whose changes can change what the public sees (layers adds its own table).
VERSIONED_TABLES = (
    "geo_location",
    "geo_service",
    "geo_service_categories",
    "geo_service_locations",
    "geo_organisation",
    "geo_category",
    "geo_area",
)

DATA_VERSION_SQL = """
CREATE TABLE IF NOT EXISTS geo_data_version (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL,
  changed_at timestamptz NOT NULL
);
INSERT INTO geo_data_version VALUES (1, 1, clock_timestamp()) ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION geo_bump_data_version() RETURNS trigger AS $$
BEGIN
  -- clock_timestamp(), not now(): a rolled-back change followed by another must not reuse the
  -- (version, time) pair a cache may have stored.
  UPDATE geo_data_version SET version = version + 1, changed_at = clock_timestamp() WHERE id = 1;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""

DROP_DATA_VERSION_SQL = """
DROP FUNCTION IF EXISTS geo_bump_data_version() CASCADE;
DROP TABLE IF EXISTS geo_data_version;
"""


def version_trigger_sql(table: str) -> str:
    """SQL that makes every change to `table` (a constant of ours) bump the data version."""
    return f"""
DROP TRIGGER IF EXISTS {table}_bump_data_version ON {table};
CREATE TRIGGER {table}_bump_data_version
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION geo_bump_data_version();
"""


def drop_version_trigger_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_bump_data_version ON {table};"


@dataclass(frozen=True)
class DataVersion:
    number: int
    changed_at: datetime

    @property
    def tag(self) -> str:
        """Unique per committed change, also across rolled-back ones."""
        return f"{self.number}.{int(self.changed_at.timestamp() * 1_000_000)}"


def data_version() -> DataVersion:
    """The current version of the public data (one primary-key read)."""
    with connection.cursor() as cur:
        cur.execute("SELECT version, changed_at FROM geo_data_version WHERE id = 1")
        number, changed_at = cur.fetchone()
    return DataVersion(number, changed_at)
