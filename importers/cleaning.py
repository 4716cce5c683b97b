"""Turning one row's cell texts into clean fields (stand-in until importers-read lands)."""

import re
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point

from importers.columns import ColumnMapping
from importers.errors import RowError


@dataclass
class CleanRow:
    row: int
    fields: dict
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class CleanContext:
    mapping: ColumnMapping
    categories: dict[str, str] = field(default_factory=dict)  # folded name → slug


def _number(text: str) -> float:
    return float(text.strip().replace(",", "."))


def clean_row(row: int, values: list[str], *, context: CleanContext) -> CleanRow:
    m = context.mapping
    raw = {name: (values[i].strip() if i < len(values) else "") for name, i in m.columns.items()}
    out = CleanRow(row, {})
    f = out.fields

    def error(name: str, reason: str) -> None:
        out.errors.append(RowError(row, m.headers[m.columns[name]], raw.get(name, ""), reason))

    f["ref"] = raw.get("ref", "")
    f["organisation"] = raw.get("organisation", "")
    if not f["organisation"]:
        out.errors.append(RowError(row, "organisation", "", "no organisation name"))
    f["service"] = raw.get("service", "")
    f["address"] = raw.get("address", "")
    f["locality"] = raw.get("locality", "")
    f["description"] = raw.get("description", "")
    postcode = re.sub(r"\s", "", raw.get("postcode", ""))
    if postcode and not re.fullmatch(r"[1-8][0-9]{4}", postcode):
        error("postcode", "not a Greek postcode")
        postcode = ""
    f["postcode"] = postcode
    f["phones"] = [p.strip() for p in re.split(r"[,/]", raw.get("phone", "")) if p.strip()]
    f["email"] = raw.get("email", "")
    if f["email"] and "@" not in f["email"]:
        error("email", "not an email address")
        f["email"] = ""
    f["website"] = raw.get("website", "")
    f["opening_hours_text"] = raw.get("hours", "")
    cats = []
    for name in filter(None, (c.strip() for c in raw.get("category", "").split(","))):
        slug = context.categories.get(name.casefold())
        if slug:
            cats.append(slug)
        else:
            error("category", f"unknown category {name!r}")
    f["categories"] = cats
    f["point"] = None
    if raw.get("lat") or raw.get("lon"):
        try:
            lat, lon = _number(raw.get("lat", "")), _number(raw.get("lon", ""))
        except ValueError:
            error("lat" if "lat" in raw else "lon", "not a coordinate")
        else:
            if not (19 <= lon <= 30 and 34 <= lat <= 42):
                error("lat", "outside Greece")
            else:
                f["point"] = Point(lon, lat, srid=4326)
    return out
