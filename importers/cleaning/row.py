"""Cleaning one row: raw text by field name in, typed values and RowErrors out, never an exception.

Errors are values the row cannot be imported with (coordinates outside Greece, an invalid
postcode, phone, e-mail or link, an unknown category, a value too long for its field); warnings
are repairs and fallbacks the coordinator should know about (swapped coordinates, repaired
look-alike letters, hours kept as text, an unknown language dropped).
"""

import datetime as dt
import itertools
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.gis.geos import Point
from django.utils.translation import gettext_noop

from importers.cleaning import coordinates, vocabulary
from importers.cleaning.contact import clean_email, clean_phones, clean_postcode, clean_url
from importers.cleaning.context import CleaningContext
from importers.cleaning.homoglyphs import repair_homoglyphs
from importers.cleaning.hours import clean_hours
from importers.errors import RowError
from importers.reasons import Reason, reason_of

log = logging.getLogger(__name__)

# field -> (max length, keeps line breaks); lengths are the model fields' max_length.
TEXT_FIELDS: dict[str, tuple[int | None, bool]] = {
    "name": (300, False),
    "organisation": (300, False),
    "service": (300, False),
    "description": (None, True),
    "address": (300, False),
    "address_extra": (200, False),
    "locality": (120, False),
    "municipality": (300, False),
    "area": (300, False),
    "eligibility": (None, True),
    "how_to_access": (None, True),
    "accessibility": (None, True),
    "external_id": (200, False),
}
# Names of places and organisations: look-alike letters repaired (with a warning).
_REPAIRED = frozenset(
    ("name", "organisation", "service", "address", "locality", "municipality", "area")
)
_NOT_EXACT = ("street", "area", "hidden")
_COORDINATE_FIELDS = ("lat", "lon", "coordinates", "x", "y")
# A number with a decimal part, or of six digits or more (Greek grid metres): a coordinate.
_COORDINATES_IN = re.compile(r"-?\d+[.,]\d+|\d{6,}")
_POSTCODE_AT_END = re.compile(r"(?:,|\s)\s*(?:τ\.?\s*κ\.?\s*)?([1-8]\d{2}\s?\d{2})\s*$", re.I)


def _without_coordinates(reason: str) -> str:
    if isinstance(reason, Reason):  # the numbers are in its parameters, not its words
        return reason.with_params(lambda text: _COORDINATES_IN.sub("…", text))
    return _COORDINATES_IN.sub("…", reason)


def _unreadable(e: Exception) -> Reason:
    return Reason(
        gettext_noop("part of this row could not be read ({error})"), error=type(e).__name__
    )


_UNKNOWN = {
    "languages": Reason(gettext_noop("unknown language; left out")),
    "audience": Reason(gettext_noop("unknown audience; left out")),
}


def _all_text(values: dict[str, object]) -> bool:
    """Whether every value is already a string, as the readers give them (not None, 5)."""
    return all(map(isinstance, values.values(), itertools.repeat(str)))


def _as_text(values: dict[str, object]) -> dict[str, str]:
    return {k: (v if isinstance(v, str) else str(v or "")) for k, v in values.items()}


@dataclass(slots=True)
class CleanRow:
    """A row's cleaned values. Text fields are "" when empty; `lon`/`lat` are WGS84 degrees and
    `point` the same as a GEOS Point (SRID 4326), built on demand because it costs ~50 µs.
    Slotted: one is made for every row of a file, and without a __dict__ of 35 entries that
    costs a third."""

    row: int
    name: str = ""
    organisation: str = ""
    service: str = ""
    description: str = ""
    address: str = ""
    address_extra: str = ""
    postcode: str = ""
    locality: str = ""
    municipality: str = ""
    area: str = ""
    phones: list[str] = field(default_factory=list)  # E.164, or Greek short codes ('1535')
    email: str = ""
    website: str = ""
    categories: list[str] = field(default_factory=list)  # Category slugs
    languages: list[str] = field(default_factory=list)  # geo.models.LANGUAGE_CODES
    audience: list[str] = field(default_factory=list)  # Service.Audience values
    cost: str = ""  # Service.Cost value, "" when not given
    fees: str = ""  # the cost as written when it says more than the code
    eligibility: str = ""
    how_to_access: str = ""
    accessibility: str = ""
    opening_hours: str = ""  # OSM opening_hours syntax
    opening_hours_text: str = ""  # as written, when it could not be converted
    lon: float | None = None
    lat: float | None = None
    coordinates_grid: str = ""  # "wgs84" | "egsa87" | "" (no coordinates in the row)
    precision: str = ""  # Location.Precision value, "" when not given
    sensitive: bool | None = None
    kind: str = ""  # Organisation.Kind value, "" when not given
    external_id: str = ""
    last_verified: dt.date | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def point(self) -> Point | None:
        if self.lon is None or self.lat is None:
            return None
        return Point(self.lon, self.lat, srid=4326)


def clean_row(
    row: int,
    values: dict[str, str],
    *,
    context: CleaningContext,
    headers: dict[str, str] | None = None,
) -> CleanRow:
    """Clean one row. `values` maps field names (importers.columns.FIELDS) to raw cell text;
    `headers` maps field names to the file's header text, used as RowError.column (default: the
    field name). Never raises: every problem is a RowError in `errors` or `warnings`."""
    return clean_rows([(row, values)], context=context, headers=headers)[0]


def clean_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    context: CleaningContext,
    headers: dict[str, str] | None = None,
) -> list[CleanRow]:
    """`clean_row` for each of many rows (a chunk of an import), with the same results.

    Whether each row's point lies in Greece, and in its postcode's regional unit, is asked once
    for all the rows, vectorised, instead of once a row: those tests were a third of the time
    cleaning took. Each row's findings keep the order one row at a time gives them."""
    headers = headers or {}
    cleaners = []
    for row, values in rows:
        cleaner = _RowCleaner(row, values, context=context, headers=headers)
        try:
            cleaner.run()
        except Exception as e:  # the contract: a bad cell must never abort an import
            log.exception("cleaning row %s failed", row)
            cleaner.error(
                "",
                "",
                Reason(
                    gettext_noop("this row could not be read ({error})"),
                    error=f"{type(e).__name__}: {e}",
                ),
            )
        cleaners.append(cleaner)
    _place(cleaners, context)
    for cleaner in cleaners:
        cleaner.hide_coordinates()
    return [c.out for c in cleaners]


def _place(cleaners: list["_RowCleaner"], context: CleaningContext) -> None:
    """The rest of the position step of the rows with coordinates: whether the points are in
    Greece, then whether those that are lie where their postcodes say."""
    placing = [c for c in cleaners if c.placing is not None]
    if not placing:
        return
    positions = [c.placing.position for c in placing]  # type: ignore[union-attr]
    inside = context.in_greece_many([p.lon for p in positions], [p.lat for p in positions])
    asking = [
        (c, p) for c, p, ok in zip(placing, positions, inside, strict=True) if ok and c.out.postcode
    ]
    held = context.postcodes_hold(
        [c.out.postcode for c, _ in asking], [p.lon for _, p in asking], [p.lat for _, p in asking]
    )
    postcode_holds = {id(c): h for (c, _), h in zip(asking, held, strict=True)}
    for cleaner, in_greece in zip(placing, inside.tolist(), strict=True):
        cleaner.place(in_greece, postcode_holds.get(id(cleaner)))


class _Placing(NamedTuple):
    """A row's coordinates, read, waiting for the check that they are in Greece; where the
    position step's findings go among the row's errors and warnings."""

    name: str
    shown: str
    position: coordinates.Position
    errors_at: int
    warnings_at: int


class _RowCleaner:
    __slots__ = ("context", "headers", "out", "placing", "values")

    def __init__(
        self, row: int, values: dict[str, str], *, context: CleaningContext, headers: dict[str, str]
    ):
        self.values = values if _all_text(values) else _as_text(values)
        self.context = context
        self.headers = headers
        self.out = CleanRow(row=row)
        self.placing: _Placing | None = None

    def raw(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def column(self, name: str) -> str:
        return self.headers.get(name, name)

    def error(self, name: str, value: str, reason: str) -> None:
        self.out.errors.append(RowError(self.out.row, self.column(name), value, reason))

    def warn(self, name: str, value: str, reason: str) -> None:
        self.out.warnings.append(RowError(self.out.row, self.column(name), value, reason))

    def hide_coordinates(self) -> None:
        """A listing shown less precisely than exact (a shelter, say) keeps its coordinates out
        of its row errors too: they are stored with the run, shown in the admin and written
        to --report files, which outlive the spreadsheet."""
        if not (self.out.sensitive or self.out.precision in _NOT_EXACT):
            return
        shown = self.out.precision or "area"
        columns = self._coordinate_columns
        for problems in (self.out.errors, self.out.warnings):
            for i, e in enumerate(problems):
                value = e.value
                if e.column in columns and value:
                    value = f"(not shown: the listing is shown only as {shown})"
                reason = _without_coordinates(e.reason)
                if (value, reason) != (e.value, e.reason):
                    problems[i] = RowError(e.row, e.column, value, reason)

    @property
    def _coordinate_columns(self) -> set[str]:
        return {self.column(name) for name in _COORDINATE_FIELDS}

    def run(self) -> None:
        for step in _STEPS:
            try:
                step(self)
            except Exception as e:  # one broken step must not hide the others' findings
                log.exception("cleaning row %s: %s failed", self.out.row, step.__name__)
                self.error("", "", _unreadable(e))
        if not (self.out.name or self.out.organisation or self.out.service):
            self.error(
                "name", "", Reason(gettext_noop("the row has no name, organisation or service"))
            )

    def text(self) -> None:
        for name, raw in self.values.items():
            spec = TEXT_FIELDS.get(name)
            if spec is None or not raw:
                continue
            limit, multiline = spec
            if multiline:
                value = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines())
                value = re.sub(r"\n{3,}", "\n\n", value)
            else:
                value = " ".join(raw.split())
            value = value.replace("\x00", "")
            if name in _REPAIRED and value:
                repaired = repair_homoglyphs(value)
                if repaired != value:
                    self.warn(
                        name,
                        raw,
                        Reason(
                            gettext_noop("Latin look-alike letters were replaced: {value}"),
                            value=repr(repaired),
                        ),
                    )
                    value = repaired
            if limit is not None and len(value) > limit:
                self.error(
                    name,
                    raw[:200],
                    Reason(gettext_noop("longer than {limit} characters"), limit=limit),
                )
                continue
            setattr(self.out, name, value)

    def postcode(self) -> None:
        raw = self.raw("postcode")
        if raw:
            try:
                self.out.postcode = clean_postcode(raw)
            except ValueError as e:
                self.error("postcode", raw, reason_of(e))
            return
        if m := _POSTCODE_AT_END.search(self.out.address):
            self.out.postcode = m.group(1).replace(" ", "")
            self.warn(
                "postcode",
                self.out.address,
                Reason(gettext_noop("postcode taken from the end of the address")),
            )

    def contact(self) -> None:
        if raw := self.raw("phone"):
            phones, problems = clean_phones(raw)
            self.out.phones = phones
            for problem in problems:
                self.error("phone", raw, problem)
        if raw := self.raw("email"):
            try:
                self.out.email, extra = clean_email(raw)
            except ValueError as e:
                self.error("email", raw, reason_of(e))
            else:
                for problem in extra:
                    self.warn("email", raw, problem)
        if raw := self.raw("website"):
            try:
                self.out.website = clean_url(raw)
            except ValueError as e:
                self.error("website", raw, reason_of(e))

    def vocabulary(self) -> None:
        if raw := self.raw("category"):
            self.out.categories = self._categories(raw)
        for name, lookup in (
            ("languages", vocabulary.language_code),
            ("audience", vocabulary.audience_code),
        ):
            if raw := self.raw(name):
                codes, unknown = self._codes(name, lookup, raw)
                setattr(self.out, name, list(codes))
                for part in unknown:
                    self.warn(name, part, _UNKNOWN[name])
        if raw := self.raw("cost"):
            code = vocabulary.cost_code(raw)
            self.out.cost = code or "unknown"
            if code is None or code == "paid":
                self.out.fees = " ".join(raw.split())[:300]
            if code is None:
                self.warn(
                    "cost",
                    raw,
                    Reason(gettext_noop("cost not recognised (free / low / paid); kept as fees")),
                )
        if raw := self.raw("kind"):
            code = vocabulary.kind_code(raw)
            if code is None:
                self.warn(
                    "kind",
                    raw,
                    Reason(gettext_noop("kind of organisation not recognised; left as 'other'")),
                )
                code = "other"
            self.out.kind = code
        if raw := self.raw("precision"):
            code = vocabulary.precision_code(raw)
            if code is None:
                self.warn(
                    "precision",
                    raw,
                    Reason(gettext_noop("use exact, street, area or hidden; ignored")),
                )
            else:
                self.out.precision = code
        if raw := self.raw("sensitive"):
            flag = vocabulary.yes_no(raw)
            if flag is None:
                self.error("sensitive", raw, Reason(gettext_noop("write yes or no (ναι / όχι)")))
            else:
                self.out.sensitive = flag
                # A sensitive address (a shelter) is never shown more precisely than its area.
                if flag and self.out.precision in ("", "exact", "street"):
                    self.out.precision = "area"

    def _categories(self, raw: str) -> list[str]:
        memo = self.context.memo.get(("category", raw))
        if memo is not None:
            slugs, problems = memo
            for part, reason in problems:
                self.error("category", part, reason)
            return list(slugs)
        before = len(self.out.errors)
        slugs = self._match_categories(raw)
        problems = [(e.value, e.reason) for e in self.out.errors[before:]]
        if len(self.context.memo) < 100_000:
            self.context.memo[("category", raw)] = (tuple(slugs), problems)
        return slugs

    def _codes(
        self, name: str, lookup: Callable[[str], str | None], raw: str
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The codes of a list of languages or audiences, once each, and the parts that are
        none; remembered by cell text (a file has a few combinations, on every row)."""
        memo = self.context.memo
        found = memo.get((name, raw))
        if found is None:
            codes: list[str] = []
            unknown = []
            for part in vocabulary.split_list(raw):
                code = lookup(part)
                if code is None:
                    unknown.append(part)
                elif code not in codes:
                    codes.append(code)
            found = (tuple(codes), tuple(unknown))
            if len(memo) < 100_000:
                memo[(name, raw)] = found
        return found

    def _match_categories(self, raw: str) -> list[str]:
        words = self.context.categories
        whole = vocabulary.normalise(raw)
        parts = [raw] if whole in words else vocabulary.split_list(raw)
        slugs: list[str] = []
        for part in parts:
            key = vocabulary.normalise(part)
            if key not in words:
                self.error(
                    "category",
                    part,
                    Reason(gettext_noop("unknown category {value}"), value=repr(part)),
                )
            elif words[key] is None:
                self.error(
                    "category",
                    part,
                    Reason(
                        gettext_noop("{value} matches several categories; use the slug"),
                        value=repr(part),
                    ),
                )
            elif words[key] not in slugs:
                slugs.append(words[key])  # type: ignore[arg-type]
        return slugs

    def hours(self) -> None:
        if raw := self.raw("hours"):
            osm, text, warning = clean_hours(raw)
            self.out.opening_hours, self.out.opening_hours_text = osm, text
            if warning:
                self.warn("hours", raw, warning)

    def position(self) -> None:
        lat, lon = self.raw("lat"), self.raw("lon")
        pair, x, y = self.raw("coordinates"), self.raw("x"), self.raw("y")
        try:
            if lat or lon:
                name, shown = "lat", f"{lat}, {lon}"
                if not (lat and lon):
                    raise coordinates.CoordinateError(
                        Reason(gettext_noop("latitude and longitude must both be given"))
                    )
                position = coordinates.from_lat_lon(lat, lon)
            elif pair:
                name, shown = "coordinates", pair
                position = coordinates.from_lat_lon(*coordinates.split_pair(pair))
            elif x or y:
                name, shown = "x", f"{x}, {y}"
                if not (x and y):
                    raise coordinates.CoordinateError(
                        Reason(gettext_noop("x and y (ΕΓΣΑ87) must both be given"))
                    )
                position = coordinates.from_grid_values(x, y)
            else:
                return
        except (coordinates.CoordinateError, ValueError, OverflowError) as e:
            self.error(name, shown, reason_of(e))
            return
        # clean_rows asks whether the point is in Greece for all its rows at once, then `place`
        self.placing = _Placing(name, shown, position, len(self.out.errors), len(self.out.warnings))

    def place(self, in_greece: bool, postcode_holds: bool | None) -> None:
        """The rest of the position step, once it is known whether the point is in Greece and
        whether the postcode's regional unit holds it: its findings go where the step would
        have put them, before those of later steps."""
        placing, self.placing = self.placing, None
        assert placing is not None
        errors, warnings = self.out.errors, self.out.warnings
        later_errors, later_warnings = errors[placing.errors_at :], warnings[placing.warnings_at :]
        del errors[placing.errors_at :], warnings[placing.warnings_at :]
        try:
            self._place(placing, in_greece, postcode_holds)
        except Exception as e:  # one broken step must not hide the others' findings
            log.exception("cleaning row %s: position failed", self.out.row)
            self.error("", "", _unreadable(e))
        errors += later_errors
        warnings += later_warnings

    def _place(self, placing: _Placing, in_greece: bool, postcode_holds: bool | None) -> None:
        name, shown, position = placing.name, placing.shown, placing.position
        if not in_greece:
            self.error(
                name,
                shown,
                Reason(
                    gettext_noop(
                        "the point ({lat}, {lon}) is outside Greece "
                        "(checked against the {boundary})"
                    ),
                    lat=f"{position.lat:.5f}",
                    lon=f"{position.lon:.5f}",
                    boundary=self.context.boundary,
                ),
            )
            return
        for warning in position.warnings:
            self.warn(name, shown, warning)
        self.out.lon, self.out.lat = position.lon, position.lat
        self.out.coordinates_grid = position.grid
        if postcode_holds is False:
            self.warn(
                "postcode",
                self.out.postcode,
                Reason(
                    gettext_noop(
                        "the postcode is not where the coordinates ({coordinates}) are; check both"
                    ),
                    coordinates=shown,
                ),
            )

    def verified(self) -> None:
        if raw := self.raw("last_verified"):
            try:
                day = vocabulary.parse_date(raw)
            except ValueError as e:
                self.error("last_verified", raw, reason_of(e))
                return
            if day > self.context.today:
                self.error("last_verified", raw, Reason(gettext_noop("the date is in the future")))
            else:
                self.out.last_verified = day


# The steps of a row, in the order their findings are listed.
_STEPS = (
    _RowCleaner.text,
    _RowCleaner.postcode,
    _RowCleaner.contact,
    _RowCleaner.vocabulary,
    _RowCleaner.hours,
    _RowCleaner.position,
    _RowCleaner.verified,
)
