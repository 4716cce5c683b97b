"""Opening hours: OpenStreetMap `opening_hours` syntax as is, common Greek forms converted.

`Δευτέρα-Παρασκευή 09:00-15:00`, `Δευ-Παρ 9-3`, `Τρίτη & Πέμπτη 17:00-20:00`, `καθημερινά 9-13
και 17-20` become OSM rules. Anything we cannot read word for word is not guessed: the caller
keeps it as text (Location.opening_hours_text) with a warning.
"""

import re
from functools import lru_cache

from django.utils.translation import gettext_noop
from opening_hours import OpeningHours, ParserError

from geo.text import strip_accents
from importers.cleaning.homoglyphs import repair_homoglyphs
from importers.reasons import Reason, reason_of

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_WORDS = {
    "Mo": ("δευτερα", "δευτ", "δευ", "δε", "monday", "mon", "mo"),
    "Tu": ("τριτη", "τρι", "τρ", "tuesday", "tue", "tu"),
    "We": ("τεταρτη", "τετ", "τε", "wednesday", "wed", "we"),
    "Th": ("πεμπτη", "πεμ", "πε", "thursday", "thu", "th"),
    "Fr": ("παρασκευη", "παρ", "πα", "friday", "fri", "fr"),
    "Sa": ("σαββατο", "σαβ", "σα", "saturday", "sat", "sa"),
    "Su": ("κυριακη", "κυρ", "κυ", "sunday", "sun", "su"),
}
_GROUP_WORDS = {
    "Mo-Fr": ("καθημερινες", "καθημερινα εκτος σαββατοκυριακου", "εργασιμες", "weekdays"),
    "Mo-Su": ("καθημερινα", "ολες τις μερες", "κάθε μερα", "καθε μερα", "daily", "every day"),
    "Sa,Su": ("σαββατοκυριακο", "σαββατοκυριακα", "weekend", "weekends"),
}
_DAY = {strip_accents(w): d for d, words in _DAY_WORDS.items() for w in words}
_GROUP = {strip_accents(w): g for g, words in _GROUP_WORDS.items() for w in words}
_DAY_RE = "|".join(sorted(map(re.escape, _DAY), key=len, reverse=True))
_GROUP_RE = "|".join(sorted(map(re.escape, _GROUP), key=len, reverse=True))
# Patterns are matched against strip_accents() text, where the final sigma is folded to σ.
_TO = r"\s*(?:-|–|—|εωσ|ωσ|μεχρι|to|until)\s*"
_CLOCK = r"(\d{1,2})(?:[:.](\d{2}))?\s*(πμ|μμ|am|pm)?"

_TOKEN = re.compile(
    rf"""
    (?P<group>(?<!\w)(?:{_GROUP_RE})(?!\w))
    |(?P<dayrange>(?<!\w)(?:{_DAY_RE})\.?{_TO}(?:{_DAY_RE})(?!\w)\.?)
    |(?P<day>(?<!\w)(?:{_DAY_RE})(?!\w)\.?)
    |(?P<time>(?:απο\s*)?{_CLOCK}{_TO}{_CLOCK})
    |(?P<always>24\s*/\s*7|ολο το 24ωρο|24ωρο|24 ωρεσ)
    |(?P<closed>κλειστο|κλειστα|closed)
    |(?P<sep>[\s,;&/+|:\n]+|(?<!\w)(?:και|and|ωρεσ|απο)(?!\w))
    """,
    re.VERBOSE,
)


class HoursNotUnderstood(ValueError):
    """The text is neither OSM syntax nor a Greek form we convert without guessing."""


def is_osm(text: str) -> bool:
    try:
        OpeningHours(text)
    except (ParserError, ValueError):
        return False
    return True


def _minutes(hour: str, minute: str | None, marker: str | None) -> int:
    h, m = int(hour), int(minute or 0)
    if marker in ("μμ", "pm") and h < 12:
        h += 12
    if marker in ("πμ", "am") and h == 12:
        h = 0
    if h > 24 or m > 59 or (h == 24 and m):
        raise HoursNotUnderstood(
            Reason(gettext_noop("{time} is not a time of day"), time=f"{hour}:{minute or '00'}")
        )
    return h * 60 + m


_TIME_RANGE = re.compile(rf"(?:απο\s*)?{_CLOCK}{_TO}{_CLOCK}")


def _time_range(text: str) -> str:
    m = _TIME_RANGE.fullmatch(text)
    if m is None:
        raise HoursNotUnderstood(
            Reason(gettext_noop("cannot read the time {value}"), value=repr(text))
        )
    h1, m1, p1, h2, m2, p2 = m.groups()
    start, end = _minutes(h1, m1, p1), _minutes(h2, m2, p2)
    if end <= start and not p2 and int(h2) <= 12:
        end += 12 * 60  # '9-3' is 09:00-15:00, as everyone writing it means
    if end <= start:
        raise HoursNotUnderstood(
            Reason(gettext_noop("{value} ends before it starts"), value=repr(text.strip()))
        )
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _day_range(text: str) -> str:
    words = re.findall(_DAY_RE, text)
    first, last = _DAY[words[0]], _DAY[words[-1]]
    return f"{first}-{last}" if first != last else first


def greek_to_osm(text: str) -> str:
    """Convert a Greek (or plain English) description to OSM syntax, or raise HoursNotUnderstood."""
    s = strip_accents(repair_homoglyphs(text)).replace("π.μ.", "πμ").replace("μ.μ.", "μμ")
    s = s.replace("a.m.", "am").replace("p.m.", "pm")
    rules: list[tuple[list[str], list[str]]] = []
    days: list[str] = []
    times: list[str] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise HoursNotUnderstood(
                Reason(gettext_noop("cannot read {value}"), value=repr(text[pos : pos + 20]))
            )
        pos = m.end()
        kind = m.lastgroup
        if kind == "sep":
            continue
        if kind in ("group", "dayrange", "day"):
            if times:  # days after times start a new rule
                rules.append((days, times))
                days, times = [], []
            if kind == "group":
                days.append(_GROUP[m.group(0).strip()])
            elif kind == "dayrange":
                days.append(_day_range(m.group(0)))
            else:
                days.append(_DAY[m.group(0).rstrip(".")])
        elif kind == "time":
            times.append(_time_range(m.group(0)))
        elif kind == "always":
            if days or times or rules:
                raise HoursNotUnderstood(Reason(gettext_noop("24/7 mixed with other hours")))
            times.append("24/7")
        elif kind == "closed":
            if not days:
                raise HoursNotUnderstood(Reason(gettext_noop("'closed' without days")))
            times.append("off")
    if days or times:
        rules.append((days, times))
    if not rules:
        raise HoursNotUnderstood(Reason(gettext_noop("no days or times")))
    out = []
    for days_, times_ in rules:
        if not times_:
            raise HoursNotUnderstood(
                Reason(gettext_noop("days without hours ({days})"), days=", ".join(days_))
            )
        if times_ == ["24/7"]:
            out.append("24/7")
            continue
        if "off" in times_ and len(times_) > 1:
            raise HoursNotUnderstood(
                Reason(gettext_noop("both hours and 'closed' for the same days"))
            )
        prefix = ",".join(days_)
        out.append(f"{prefix} {','.join(times_)}".strip())
    result = "; ".join(out)
    if not is_osm(result):
        raise HoursNotUnderstood(
            Reason(
                gettext_noop("the conversion {value} is not valid OSM syntax"), value=repr(result)
            )
        )
    return result


@lru_cache(maxsize=4096)
def clean_hours(text: str) -> tuple[str, str, str | None]:
    """(opening_hours, opening_hours_text, warning): OSM syntax when we can, else the text kept."""
    s = " ".join(text.split())
    if not s:
        return "", "", None
    if len(s) > 500:
        return (
            "",
            text.strip(),
            Reason(gettext_noop("the opening hours are too long to read; kept as text")),
        )
    if is_osm(s):
        return s, "", None
    try:
        return greek_to_osm(s), "", None
    except HoursNotUnderstood as e:
        return (
            "",
            text.strip(),
            Reason(gettext_noop("opening hours kept as text ({problem})"), problem=reason_of(e)),
        )
