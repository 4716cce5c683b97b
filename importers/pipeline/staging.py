"""The staging table: every clean row of a file, streamed in with COPY, before anything is
written to the listings. A temporary table of this session; it never holds rows with errors."""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from geo.text import slugify_greek, strip_accents

STAGING = "importers_staging"

# (column, PostgreSQL type) in COPY order.
COLUMNS = [
    ("row_number", "integer"),
    ("gkey", "text"),
    ("ref", "text"),
    ("org_name", "text"),
    ("org_slug", "text"),
    ("org_kind", "text"),
    ("name", "text"),
    ("service_name", "text"),
    ("description", "text"),
    ("address", "text"),
    ("address_extra", "text"),
    ("postcode", "text"),
    ("locality", "text"),
    ("area_text", "text"),
    ("municipality_text", "text"),
    ("accessibility", "text"),
    ("phones", "text[]"),
    ("email", "text"),
    ("website", "text"),
    ("opening_hours", "text"),
    ("opening_hours_text", "text"),
    ("categories", "text[]"),
    ("languages", "text[]"),
    ("audience", "text[]"),
    ("cost", "text"),
    ("fees", "text"),
    ("eligibility", "text"),
    ("how_to_access", "text"),
    ("precision", "text"),
    ("lon", "double precision"),
    ("lat", "double precision"),
    ("geocode_precision", "text"),
    ("geocode_provider", "text"),
    ("geocode_query", "text"),
    ("needs_pin", "boolean"),
    ("needs_regeocode", "boolean"),
    ("verified_at", "timestamptz"),
]
_NAMES = [c for c, _ in COLUMNS]


@dataclass(frozen=True)
class Record:
    """One clean row, as the pipeline stores it."""

    row: int
    ref: str
    organisation: str
    kind: str
    name: str
    service: str
    description: str
    address: str
    address_extra: str
    postcode: str
    locality: str
    area: str
    municipality: str
    accessibility: str
    phones: list[str]
    email: str
    website: str
    opening_hours: str
    opening_hours_text: str
    categories: list[str]
    languages: list[str]
    audience: list[str]
    cost: str
    fees: str
    eligibility: str
    how_to_access: str
    precision: str | None
    lon: float | None
    lat: float | None
    verified_at: dt.datetime | None = None  # the day a coordinator last checked the listing


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing folded, for keys that survive re-typing."""
    return " ".join(re.sub(r"[^\w]+", " ", strip_accents(text)).split())


def building_key(record: Record) -> str:
    """Which building a row is in: its address, else its coordinates, else its locality."""
    if record.address:
        return f"{normalise(record.address)}|{record.postcode}"
    if record.lon is not None and record.lat is not None:
        return f"@{record.lon:.5f},{record.lat:.5f}"
    return f"~{normalise(record.area or record.locality or record.municipality)}"


def create() -> None:
    cols = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cur.execute(f"CREATE TEMP TABLE {STAGING} ({cols}, loc_ref text)")


def drop() -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {STAGING}")


def copy_in(records: Iterable[Record]) -> int:
    """Stream records into the staging table; returns how many. Holds one row at a time."""
    n = 0
    with connection.cursor() as cur:
        raw = cur.cursor  # psycopg's own cursor: Django has no COPY
        with raw.copy(f"COPY {STAGING} ({', '.join(_NAMES)}) FROM STDIN") as copy:
            copy.set_types([kind for _, kind in COLUMNS])
            for r in records:
                placed = r.lon is not None and r.lat is not None
                org = r.organisation
                copy.write_row(
                    (
                        r.row,
                        f"{normalise(org)}#{building_key(r)}",
                        r.ref,
                        org,
                        slugify_greek(org),
                        r.kind or "other",
                        r.name or org,
                        r.service or r.name or org,
                        r.description,
                        r.address,
                        r.address_extra,
                        r.postcode,
                        r.locality,
                        r.area,
                        r.municipality,
                        r.accessibility,
                        r.phones,
                        r.email,
                        r.website,
                        r.opening_hours,
                        r.opening_hours_text,
                        r.categories,
                        r.languages,
                        r.audience,
                        r.cost or "unknown",
                        r.fees,
                        r.eligibility,
                        r.how_to_access,
                        r.precision,
                        r.lon,
                        r.lat,
                        "source" if placed else "none",
                        "source" if placed else "",
                        "",
                        False,
                        False,
                        r.verified_at,
                    )
                )
                n += 1
    return n
