"""Postcodes, phone numbers, e-mail addresses and websites, normalised or refused with a reason.

Each function returns the clean value and raises ValueError with a sentence for the coordinator
(an importers.reasons.Reason).
"""

import re
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_noop

from importers.reasons import Reason

# Τ.Κ., ΤΚ, T.K. (Latin look-alikes), "Ταχ. Κωδ.", "TK:" before the digits.
_POSTCODE_PREFIX = re.compile(
    r"^(?:τ\.?\s*κ\.?|t\.?\s*k\.?|ταχ\.?\s*κωδ(?:ικας|ικός)?\.?|p\.?\s*c\.?|zip)\s*:?\s*",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def clean_postcode(text: str) -> str:
    """'106 83', 'Τ.Κ. 10683', '10683.0' -> '10683'. Greek postcodes are 5 digits, 1xxxx-8xxxx."""
    s = _POSTCODE_PREFIX.sub("", text.strip())
    s = re.sub(r"\.0$", "", s)
    digits = re.sub(r"[\s.\-]", "", s)
    if not re.fullmatch(r"\d{5}", digits):
        raise ValueError(Reason(gettext_noop("a Greek postcode has five digits, like 106 83")))
    if digits[0] not in "12345678":
        raise ValueError(Reason(gettext_noop("Greek postcodes start with 1 to 8")))
    return digits


# Between two numbers: , ; / | newline, "ή", "και", "or", "and", or a dash with spaces around it.
_PHONE_SEPARATORS = re.compile(
    r"\s*(?:[,;/|\n]|\s[-–—]\s|\s(?:ή|και|or|and|&)\s)\s*", re.IGNORECASE
)
_EXTENSION = re.compile(r"\s*(?:εσωτ\w*|εσ\.|ext\w*|x)\.?\s*\d{1,5}\s*$", re.IGNORECASE)


# Greek numbers as they are almost always written: landlines 2[1-8]xxxxxxxx, mobiles 69xxxxxxxx.
_COMMON_GREEK = re.compile(r"(?:\+30|0030)?(2[1-8]\d{8}|69\d{8})")
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


def clean_phones(text: str) -> tuple[list[str], list[str]]:
    """Greek phone numbers in E.164 ('+302101234567'); 3-5 digit short codes (1535, 10306) as is.

    Returns (numbers, problems): each part of the cell that is not a valid number is a problem.
    A dash between two complete numbers ('2101234567-6971234567') separates them; inside one
    number ('210-1234567') it does not.
    """
    compact = _PHONE_PUNCTUATION.sub("", text)
    if m := _COMMON_GREEK.fullmatch(compact):
        return ["+30" + m.group(1)], []  # the common case, without phonenumbers' ~100 µs
    numbers, problems = _clean_phones(text)
    return list(numbers), list(problems)


@lru_cache(maxsize=4096)
def _clean_phones(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    numbers: list[str] = []
    problems: list[str] = []
    for part in _PHONE_SEPARATORS.split(text.strip()):
        part = part.strip()
        if not part:
            continue
        pieces = [part]
        if len(re.sub(r"\D", "", part)) >= 20 and "-" in part:
            pieces = [p for p in part.split("-") if p.strip()]
        for piece in pieces:
            piece = _EXTENSION.sub("", piece).strip()
            digits = re.sub(r"\D", "", piece)
            if re.fullmatch(r"1\d{2,4}", digits) and not piece.startswith("+"):
                numbers.append(digits)  # Greek short codes: helplines like 1535, 10306, 197
                continue
            try:
                number = phonenumbers.parse(piece, "GR")
            except phonenumbers.NumberParseException:
                problems.append(
                    Reason(gettext_noop("{value} is not a phone number"), value=repr(piece))
                )
                continue
            if not phonenumbers.is_valid_number(number):
                problems.append(
                    Reason(gettext_noop("{value} is not a valid phone number"), value=repr(piece))
                )
                continue
            formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if formatted not in numbers:
                numbers.append(formatted)
    return tuple(numbers), tuple(problems)


def clean_email(text: str) -> tuple[str, list[str]]:
    """The first e-mail address of the cell, lower-cased domain; later ones are reported."""
    parts = [p for p in re.split(r"[\s,;/]+", text.strip()) if p]
    if not parts:
        return "", []
    addresses = []
    for part in parts:
        address = re.sub(r"^mailto:", "", part, flags=re.IGNORECASE).strip("<>()[]\"'.")
        local, at, domain = address.rpartition("@")
        if not at:
            raise ValueError(
                Reason(gettext_noop("{value} is not an e-mail address (no @)"), value=repr(part))
            )
        address = f"{local}@{domain.lower()}"
        try:
            validate_email(address)
        except ValidationError as e:
            raise ValueError(
                Reason(gettext_noop("{value} is not a valid e-mail address"), value=repr(part))
            ) from e
        if len(address) > 254:
            raise ValueError(Reason(gettext_noop("an e-mail address is at most 254 characters")))
        addresses.append(address)
    extra = [
        Reason(gettext_noop("only one e-mail is kept; {value} was left out"), value=repr(a))
        for a in addresses[1:]
    ]
    return addresses[0], extra


_validate_url = URLValidator(schemes=["http", "https"])


def clean_url(text: str) -> str:
    """'example.gr' -> 'https://example.gr'; only http and https are accepted."""
    s = text.strip()
    if not s:
        return ""
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", s)
    # 'example.gr:8080' has a port, not a scheme.
    if (
        scheme
        and scheme.group(1).lower() not in ("http", "https")
        and not re.match(r"^[^:/]+:\d+", s)
    ):
        raise ValueError(
            Reason(
                gettext_noop("only http and https links are accepted, not {scheme}:"),
                scheme=scheme.group(1),
            )
        )
    if not re.match(r"^https?://", s, re.IGNORECASE):
        if s.startswith("//"):
            s = s[2:]
        s = f"https://{s}"
    if len(s) > 500:
        raise ValueError(Reason(gettext_noop("a link is at most 500 characters")))
    try:
        _validate_url(s)
    except ValidationError as e:
        raise ValueError(Reason(gettext_noop("not a valid web address"))) from e
    return s
