"""Export of the listings to CSV and XLSX, in the columns the importer reads back.

Public data only: positions come from `Location.public_point` (never the exact point), street
addresses of non-exact locations are left out, and every text cell that a spreadsheet could take
for a formula is neutralised.
"""

import csv
from collections.abc import Iterator
from typing import IO

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import QuerySet

from geo.models import Location

HEADERS = [
    "Κωδικός",
    "Πηγή",
    "Επωνυμία",
    "Υπηρεσία",
    "Κατηγορία",
    "Διεύθυνση",
    "ΤΚ",
    "Περιοχή",
    "Τηλέφωνο",
    "Email",
    "Ιστοσελίδα",
    "Ωράριο",
    "Γεωγρ. πλάτος",
    "Γεωγρ. μήκος",
    "Ακρίβεια",
]
# What spreadsheets take for the start of a formula (OWASP "CSV injection"), tab and CR included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that could start a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def listing_rows(queryset: QuerySet[Location] | None = None) -> Iterator[list[object]]:
    """One row per location, services and categories joined; streamed from the database."""
    locations = (
        (queryset if queryset is not None else Location.objects.all())
        .filter(public_point__isnull=False)
        .select_related("organisation")
        .annotate(
            service_names=ArrayAgg("services__name", distinct=True, default=[]),
            category_slugs=ArrayAgg("services__categories__slug", distinct=True, default=[]),
        )
        .order_by("id")
    )
    for loc in locations.iterator(chunk_size=2000):
        exact = loc.precision == Location.Precision.EXACT
        public = loc.public_point
        row = [
            loc.source_ref,
            loc.source,
            loc.organisation.name,
            "; ".join(n for n in loc.service_names if n),
            ", ".join(s for s in loc.category_slugs if s),
            loc.address if exact else "",
            loc.postcode,
            loc.locality,
            ", ".join(loc.phones),
            loc.email,
            loc.website,
            loc.opening_hours or loc.opening_hours_text,
            round(public.y, 6),
            round(public.x, 6),
            loc.precision,
        ]
        yield [neutralise(v) for v in row]


def write_csv(out: IO[str], *, queryset: QuerySet[Location] | None = None) -> int:
    """CSV in UTF-8 (the caller opens `out` with utf-8-sig for Excel); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    n = 0
    for row in listing_rows(queryset):
        writer.writerow(row)
        n += 1
    return n


def write_xlsx(out: IO[bytes], *, queryset: QuerySet[Location] | None = None) -> int:
    """XLSX written row by row (openpyxl's write-only mode); returns the row count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Geitonia")
    sheet.append(HEADERS)
    n = 0
    for row in listing_rows(queryset):
        sheet.append(row)
        n += 1
    book.save(out)
    return n
