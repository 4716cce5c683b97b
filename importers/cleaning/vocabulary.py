"""Words to codes: categories, languages, audiences, cost, kind of organisation, precision, yes/no,
dates. Matching is on normalised text (case, accents, punctuation, look-alike letters)."""

import datetime as dt
import re
from functools import lru_cache

from django.utils.translation import gettext_noop

from geo.models import LANGUAGE_CODES, Location, Organisation, Service
from geo.text import strip_accents
from importers.cleaning.homoglyphs import repair_homoglyphs
from importers.reasons import Reason

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)
# Several values in one cell: , ; | / newline, or " και " / " and ".
LIST_SEPARATORS = re.compile(r"\s*(?:[,;|/\n+]|\s(?:και|and|&)\s)\s*", re.IGNORECASE)


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """'Νομική Υποστήριξη!' -> 'νομικη υποστηριξη' (also repairing Latin look-alikes)."""
    return _PUNCTUATION.sub(" ", strip_accents(repair_homoglyphs(text))).strip()


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in LIST_SEPARATORS.split(text) if p.strip())


def split_list(text: str) -> list[str]:
    return list(_split(text))


LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "el": ("ελληνικα", "ελληνικη", "greek", "ελ", "gr"),
    "en": ("αγγλικα", "αγγλικη", "english", "αγγλ"),
    "ar": ("αραβικα", "arabic", "العربية", "عربي"),
    "fa": ("φαρσι", "περσικα", "farsi", "persian", "فارسی", "dari", "νταρι"),
    "fr": ("γαλλικα", "french", "francais"),
    "ur": ("ουρντου", "urdu", "اردو"),
    "ps": ("πάστο", "pashto", "پښتو"),
    "ku": ("κουρδικα", "kurdish", "kurmanji", "sorani", "kurdi"),
    "ti": ("τιγκρινια", "tigrinya"),
    "so": ("σομαλικα", "somali"),
    "sq": ("αλβανικα", "albanian", "shqip"),
    "ru": ("ρωσικα", "russian", "русский"),
    "uk": ("ουκρανικα", "ukrainian", "українська"),
    "es": ("ισπανικα", "spanish", "espanol"),
    "de": ("γερμανικα", "german", "deutsch"),
    "it": ("ιταλικα", "italian", "italiano"),
    "tr": ("τουρκικα", "turkish", "turkce"),
    "bn": ("μπενγκαλι", "bengali", "bangla"),
    "pa": ("παντζαμπι", "punjabi"),
    "am": ("αμχαρικα", "amharic"),
    "ln": ("λινγκαλα", "lingala"),
    "sw": ("σουαχιλι", "swahili", "kiswahili"),
    "zh": ("κινεζικα", "chinese", "mandarin", "中文"),
    "ro": ("ρουμανικα", "romanian", "romana"),
    "bg": ("βουλγαρικα", "bulgarian", "български"),
    "ka": ("γεωργιανα", "georgian"),
    "hy": ("αρμενικα", "armenian"),
    "sgn": ("νοηματικη", "νοηματικη γλωσσα", "sign language", "ενγ", "gsl"),
}
_LANGUAGES = {normalise(code): code for code in LANGUAGE_CODES} | {
    normalise(name): code for code, names in LANGUAGE_NAMES.items() for name in names
}
assert set(_LANGUAGES.values()) <= set(LANGUAGE_CODES)


def language_code(text: str) -> str | None:
    return _LANGUAGES.get(normalise(text))


_AUDIENCES = {
    Service.Audience.EVERYONE: ("ολοι", "για ολους", "ολους", "everyone", "all", "γενικο κοινο"),
    Service.Audience.REFUGEES: (
        "προσφυγες",
        "μεταναστες",
        "προσφυγες και μεταναστες",
        "αιτουντες ασυλο",
        "refugees",
        "migrants",
        "asylum seekers",
        "refugees and migrants",
    ),
    Service.Audience.CHILDREN: ("παιδια", "ανηλικοι", "children", "kids"),
    Service.Audience.FAMILIES: ("οικογενειες", "families", "πολυτεκνοι", "μονογονεικες"),
    Service.Audience.WOMEN: ("γυναικες", "women", "μητερες", "mothers"),
    Service.Audience.YOUTH: ("νεοι", "νεολαια", "εφηβοι", "youth", "young people", "teenagers"),
    Service.Audience.ELDERLY: ("ηλικιωμενοι", "τριτη ηλικια", "elderly", "older people"),
    Service.Audience.DISABLED: (
        "αμεα",
        "ατομα με αναπηρια",
        "αναπηρια",
        "disabled",
        "people with disabilities",
    ),
    Service.Audience.UNEMPLOYED: ("ανεργοι", "unemployed"),
    Service.Audience.WORKERS: ("εργαζομενοι", "workers"),
    Service.Audience.HOMELESS: ("αστεγοι", "homeless", "αστεγια"),
    Service.Audience.RESIDENTS: ("δημοτες", "κατοικοι", "residents", "κατοικοι του δημου"),
}
_AUDIENCE = {normalise(w): str(a) for a, words in _AUDIENCES.items() for w in (a.value, *words)}


def audience_code(text: str) -> str | None:
    return _AUDIENCE.get(normalise(text))


_COSTS = {
    Service.Cost.FREE: ("δωρεαν", "free", "χωρις χρεωση", "0", "0 €", "0€", "ναι", "δωρεαν παροχη"),
    Service.Cost.LOW: ("χαμηλο κοστος", "χαμηλο", "συμβολικο", "low", "low cost"),
    Service.Cost.PAID: ("επι πληρωμη", "paid", "με χρεωση", "πληρωμη"),
    Service.Cost.UNKNOWN: ("", "αγνωστο", "unknown", "?"),
}
_COST = {normalise(w): str(c) for c, words in _COSTS.items() for w in (c.value, *words)}


def cost_code(text: str) -> str | None:
    key = normalise(text)
    if key in _COST:
        return _COST[key]
    if re.search(r"\d", text) and re.search(r"€|eur|ευρω", text, re.IGNORECASE):
        return str(Service.Cost.PAID)
    return None


_KINDS = {
    Organisation.Kind.NGO: ("μκο", "ngo", "μη κυβερνητικη οργανωση", "αμκε", "σωματειο μκο"),
    Organisation.Kind.MUNICIPAL: ("δημοτικη", "δημοτικη υπηρεσια", "δημος", "municipal"),
    Organisation.Kind.PUBLIC: ("δημοσια", "δημοσια υπηρεσια", "public", "κρατικη"),
    Organisation.Kind.CLINIC: ("κοινωνικο ιατρειο", "ιατρειο", "clinic", "social clinic"),
    Organisation.Kind.GRASSROOTS: (
        "συλλογικοτητα",
        "αλληλεγγυη",
        "δομη αλληλεγγυης",
        "grassroots",
        "mutual aid",
        "αυτοοργανωμενη",
    ),
    Organisation.Kind.UNION: ("σωματειο", "συνδικατο", "union", "εργατικο σωματειο"),
    Organisation.Kind.NETWORK: ("δικτυο", "network"),
    Organisation.Kind.HOSPITAL: ("νοσοκομειο", "κεντρο υγειας", "hospital", "health centre"),
    Organisation.Kind.OTHER: ("αλλο", "other"),
}
_KIND = {normalise(w): str(k) for k, words in _KINDS.items() for w in (k.value, *words)}


def kind_code(text: str) -> str | None:
    return _KIND.get(normalise(text))


_PRECISIONS = {
    Location.Precision.EXACT: ("ακριβης", "ακριβες", "ακριβης θεση", "exact"),
    Location.Precision.STREET: ("οδος", "δρομος", "street", "περιπου"),
    Location.Precision.AREA: ("περιοχη", "γειτονια", "area", "μονο περιοχη"),
    Location.Precision.HIDDEN: ("κρυφη", "κρυφο", "hidden", "οχι", "χωρις χαρτη"),
}
_PRECISION = {normalise(w): str(p) for p, words in _PRECISIONS.items() for w in (p.value, *words)}


def precision_code(text: str) -> str | None:
    return _PRECISION.get(normalise(text))


_TRUE = {"ναι", "ν", "yes", "y", "true", "1", "x", "✓", "✔", "αληθες", "nai"}
_FALSE = {"οχι", "ο", "no", "n", "false", "0", "ψευδες", "oxi", "-"}


def yes_no(text: str) -> bool | None:
    key = normalise(text) or text.strip()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def parse_date(text: str) -> dt.date:
    """ISO ('2024-05-01', with or without a time), or day first ('1/5/2024', '01.05.24')."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", s)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s+.*)?", s)
        if not m:
            raise ValueError(
                Reason(gettext_noop("not a date; write it as 2024-05-31 or 31/5/2024"))
            )
        day, month, year = (int(g) for g in m.groups())
        if year < 100:
            year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError as e:
        raise ValueError(
            Reason(
                gettext_noop("not a real date: day {day}, month {month}, year {year}"),
                day=day,
                month=month,
                year=year,
            )
        ) from e
