"""Opening hours in OpenStreetMap syntax, evaluated in Europe/Athens with the Greek calendar.

Pure functions on strings and datetimes; nothing here touches the database.

opening-hours-py knows Greece's movable feasts (Clean Monday, Good Friday, Easter and Whit
Monday, from Orthodox Easter) but not the days the state moves by law, such as Labour Day when 1 May
falls in Holy Week (2027-05-04). The `holidays` package knows those, so it is the calendar of record
for `PH`: on a day it lists and opening-hours-py does not, an expression that mentions PH is
evaluated at the same time on the nearest day that opening-hours-py counts as a public holiday
(2027-05-04 as 2027-05-03): right for the usual "PH off" or "PH 10:00-13:00", wrong only for rules
that tie PH to a weekday or a season in the same expression.
"""

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

import holidays
from opening_hours import OpeningHours, ParserError, State

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
COUNTRY = "GR"
_PH = re.compile(r"\bPH\b")


class InvalidOpeningHours(ValueError):
    """The text is not in OpenStreetMap opening_hours syntax."""


@lru_cache(maxsize=4096)
def parse(expression: str) -> OpeningHours:
    """The parsed expression (cached: many locations share the same hours). Raises
    InvalidOpeningHours."""
    if not expression.strip():
        raise InvalidOpeningHours("empty opening hours")
    try:
        return OpeningHours(expression, timezone=ATHENS, country=COUNTRY)
    except ParserError as exc:
        raise InvalidOpeningHours(str(exc).splitlines()[0]) from exc


def is_valid(expression: str) -> bool:
    try:
        parse(expression)
    except InvalidOpeningHours:
        return False
    return True


@lru_cache(maxsize=64)
def _greek_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(COUNTRY, years=year)


def is_public_holiday(day: dt.date) -> bool:
    """Whether `day` is a public holiday in Greece (the `holidays` calendar)."""
    return day in _greek_holidays(day.year)


_LIBRARY_PH = OpeningHours("PH", timezone=ATHENS, country=COUNTRY)


def _library_knows_holiday(day: dt.date) -> bool:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=ATHENS)
    return _LIBRARY_PH.state(noon)[0] == State.OPEN


@lru_cache(maxsize=256)
def _stand_in_holiday(day: dt.date) -> dt.date | None:
    """The nearest day that opening-hours-py counts as a public holiday (the day before first)."""
    for days in range(1, 184):
        for sign in (-1, 1):
            other = day + dt.timedelta(days=sign * days)
            if _library_knows_holiday(other):
                return other
    return None


def _as_athens(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        return when.replace(tzinfo=ATHENS)
    return when.astimezone(ATHENS)


def is_open(expression: str, at: dt.datetime) -> bool:
    """Whether a place with these hours is open at `at` (naive times are Athens local time).

    Unparseable or empty hours, and `unknown` states, count as not open: we only promise "open
    now" when the hours say so. Raises nothing.
    """
    try:
        hours = parse(expression)
    except InvalidOpeningHours:
        return False
    local = _as_athens(at)
    if (
        _PH.search(expression)
        and is_public_holiday(local.date())
        and not _library_knows_holiday(local.date())
    ):
        stand_in = _stand_in_holiday(local.date())
        if stand_in is not None:
            local = dt.datetime.combine(stand_in, local.timetz())
    return hours.state(local)[0] == State.OPEN
