"""Greek to Latin transliteration for slugs (ELOT 743 style). Pure string functions."""

import re
import unicodedata

# ELOT 743 (simplified), the transliteration used on Greek road signs and passports.
_DIGRAPHS = {
    "ου": "ou",
    "αυ": "av",
    "ευ": "ev",
    "ηυ": "iv",
    "γγ": "ng",
    "γκ": "gk",
    "γξ": "nx",
    "γχ": "nch",
    "μπ": "mp",
    "ντ": "nt",
    "τσ": "ts",
    "τζ": "tz",
}
_LETTERS = dict(
    zip(
        "αβγδεζηθικλμνξοπρστυφχψω",
        [
            "a",
            "v",
            "g",
            "d",
            "e",
            "z",
            "i",
            "th",
            "i",
            "k",
            "l",
            "m",
            "n",
            "x",
            "o",
            "p",
            "r",
            "s",
            "t",
            "y",
            "f",
            "ch",
            "ps",
            "o",
        ],
        strict=True,
    )
)


# Combining marks (accents, diaeresis and the rest of the main combining blocks), dropped after
# NFD: one C-speed regex pass instead of a Python loop over every character.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_DIGRAPH = re.compile("|".join(_DIGRAPHS))
_LETTER_TABLE = str.maketrans(_LETTERS)


def strip_accents(text: str) -> str:
    """Lower case without accents or diaeresis, final sigma folded: 'Εξάρχεια' -> 'εξαρχεια'."""
    if text.isascii():
        return text.lower()
    bare = _COMBINING.sub("", unicodedata.normalize("NFD", text.lower()))
    return unicodedata.normalize("NFC", bare).replace("ς", "σ")


def transliterate(text: str) -> str:
    """Greek to Latin letters (ELOT 743 style): 'Κυψέλη' -> 'kypseli'."""
    s = strip_accents(text)
    if s.isascii():
        return s
    # digraphs first, leftmost and non-overlapping as read; then letter by letter
    return _DIGRAPH.sub(lambda m: _DIGRAPHS[m.group()], s).translate(_LETTER_TABLE)


def slugify_greek(text: str, *, max_length: int = 100) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    return slug[:max_length].rstrip("-")
