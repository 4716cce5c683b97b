"""The staging table: every clean row of a file, streamed in with COPY, before anything is
written to the listings. A temporary table of this session; it never holds rows with errors."""

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection

from geo.geocoding.query import AddressQuery
from geo.models import LANGUAGE_CODES
from geo.text import search_key, slugify_greek, strip_accents
from importers.cleaning import CleanRow

STAGING = "importers_staging"
# Lines sent to the server in one COPY message.
COPY_BATCH = 1000
# A listing checked "on 31/5/2024" was checked that day in Greece.
ATHENS = ZoneInfo("Europe/Athens")

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
    # for a row without coordinates: its address's geocoding cache key and one line
    # (geo.geocoding.AddressQuery), built here so that cached answers are joined in SQL
    ("address_key", "text"),
    ("address_line", "text"),
    # the search keys (geo.text.search_key) of the names as written: the organisation's and
    # service's cut to their column's 300 characters, as upsert cuts them
    ("org_name_key", "text"),
    ("name_key", "text"),
    ("service_key", "text"),
]
_NAMES = [c for c, _ in COLUMNS]


class Record(NamedTuple):
    """One clean row, as the pipeline stores it. A named tuple: built for every row of a file,
    it costs half what a frozen dataclass does."""

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


def record_of(clean: CleanRow) -> Record:
    """The record a clean row (one without errors) is stored as."""
    # A row may name the organisation, the listing, the service or any of them: the
    # organisation falls back to the listing's name, the service to the listing's.
    organisation = clean.organisation or clean.name or clean.service
    precision = clean.precision or ("area" if clean.sensitive else None)
    return Record(
        row=clean.row,
        ref=clean.external_id,
        organisation=organisation,
        kind=clean.kind,
        name=clean.name or organisation,
        service=clean.service or clean.name or organisation,
        description=clean.description,
        address=clean.address,
        address_extra=clean.address_extra,
        postcode=clean.postcode,
        locality=clean.locality,
        area=clean.area,
        municipality=clean.municipality,
        accessibility=clean.accessibility,
        phones=clean.phones,
        email=clean.email,
        website=clean.website,
        opening_hours=clean.opening_hours,
        opening_hours_text=clean.opening_hours_text,
        categories=sorted(set(clean.categories)),
        languages=[code for code in clean.languages if code in LANGUAGE_CODES],
        audience=clean.audience,
        cost=clean.cost,
        fees=clean.fees,
        eligibility=clean.eligibility,
        how_to_access=clean.how_to_access,
        precision=precision,
        lon=clean.lon,
        lat=clean.lat,
        verified_at=(
            dt.datetime.combine(clean.last_verified, dt.time(), tzinfo=ATHENS)
            if clean.last_verified
            else None
        ),
    )


_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Case, accents, punctuation and spacing folded, for keys that survive re-typing."""
    return " ".join(_NOT_WORD.sub(" ", strip_accents(text)).split())


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


@lru_cache(maxsize=65536)
def _organisation_keys(name: str) -> tuple[str, str]:
    """(normalised name, slug) of an organisation: the same few names come back row after row."""
    return normalise(name), slugify_greek(name)


# Names come back row after row (an organisation's, a service's that is the listing's own).
_search_key = lru_cache(maxsize=65536)(search_key)
# The length of an organisation's and a service's name column (geo.models).
NAME_LENGTH = 300


def _array(items: list[str]) -> str:
    """A PostgreSQL array literal, every element quoted: ~4x cheaper than psycopg's list dumper
    for the short lists of codes a row has (phones, categories, languages, audience)."""
    if not items:
        return "{}"
    quoted = [item.replace("\\", "\\\\").replace('"', '\\"') for item in items]
    return '{"' + '","'.join(quoted) + '"}'


def staging_row(r: Record) -> str:
    """A record as a line of the staging table's COPY, in text format, columns in COPY order
    (COLUMNS). Built here, in the cleaning workers, one string a row: the writing process then
    neither unpickles nor formats 39 values a row (7 µs of its time a row, now 1.7)."""
    placed = r.lon is not None and r.lat is not None
    org = r.organisation
    org_key, org_slug = _organisation_keys(org)
    address_key, address_line = ("", "") if placed else _address_keys(r)
    name = r.name or org
    service = r.service or r.name or org
    return _copy_line(
        [
            str(r.row),
            f"{org_key}#{building_key(r)}",
            r.ref,
            org,
            org_slug,
            r.kind or "other",
            name,
            service,
            r.description,
            r.address,
            r.address_extra,
            r.postcode,
            r.locality,
            r.area,
            r.municipality,
            r.accessibility,
            _array(r.phones),
            r.email,
            r.website,
            r.opening_hours,
            r.opening_hours_text,
            _array(r.categories),
            _array(r.languages),
            _array(r.audience),
            r.cost or "unknown",
            r.fees,
            r.eligibility,
            r.how_to_access,
            r.precision,
            _decimal(r.lon),
            _decimal(r.lat),
            "source" if placed else "none",
            "source" if placed else "",
            "",
            "f",
            "f",
            None if r.verified_at is None else str(r.verified_at),
            address_key,
            address_line,
            _search_key(org[:NAME_LENGTH]),
            _search_key(name),
            _search_key(service[:NAME_LENGTH]),
        ]
    )


# COPY's text format: NULL, and the characters a value must escape (as psycopg escapes them).
_NULL = "\\N"
_ESCAPED = re.compile(r"[\b\t\n\v\f\r\\]")
_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\v": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\\": "\\\\",
}
_CONTROL = re.compile(r"[\b\n\v\f\r]")


def _copy_line(fields: list[str | None]) -> str:
    """A line of COPY text: the fields (None for NULL) tab-separated, escaped.

    Most rows need no escape, and one look at the joined line tells: as many tabs as
    separators, as many backslashes as NULLs, no other control character. Otherwise each
    field is escaped on its own."""
    nulls = fields.count(None)
    texts = [_NULL if f is None else f for f in fields] if nulls else fields
    line = "\t".join(texts)
    if (
        line.count("\\") == nulls
        and line.count("\t") == len(fields) - 1
        and not _CONTROL.search(line)
    ):
        return line + "\n"
    return "\t".join([_NULL if f is None else _escape(f) for f in fields]) + "\n"


def _escape(text: str) -> str:
    return _ESCAPED.sub(lambda m: _ESCAPES[m[0]], text)


def _decimal(value: float | None) -> str | None:
    return None if value is None else str(value)


def _address_keys(r: Record) -> tuple[str, str]:
    """(cache key, one line) of the address as importers.pipeline.placing asks for it; ("", "")
    when there is nothing to ask."""
    query = AddressQuery(
        street=r.address,
        postcode=r.postcode,
        locality=r.locality,
        area=r.area,
        municipality=r.municipality,
    )
    line = query.one_line()
    return (query.key(), line) if line else ("", "")


def copy_in(records: Iterable[Record]) -> int:
    """Stream records into the staging table; returns how many. Holds one row at a time."""
    return copy_rows(staging_row(r) for r in records)


def copy_rows(rows: Iterable[str]) -> int:
    """Stream staging rows (`staging_row`'s lines) into the staging table; returns how many."""
    n = 0
    lines = iter(rows)
    with connection.cursor() as cur:
        raw = cur.cursor  # psycopg's own cursor: Django has no COPY
        with raw.copy(f"COPY {STAGING} ({', '.join(_NAMES)}) FROM STDIN") as copy:
            # a write is a message to the server: one per batch of lines, not one a line
            while batch := list(itertools.islice(lines, COPY_BATCH)):
                copy.write("".join(batch))
                n += len(batch)
    return n
