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


def strip_accents(text: str) -> str:
    """Lower case without accents or diaeresis, final sigma folded: 'Εξάρχεια' -> 'εξαρχεια'."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare).replace("ς", "σ")


def transliterate(text: str) -> str:
    """Greek to Latin letters (ELOT 743 style): 'Κυψέλη' -> 'kypseli'."""
    s = strip_accents(text)
    out = []
    i = 0
    while i < len(s):
        pair = s[i : i + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        out.append(_LETTERS.get(s[i], s[i]))
        i += 1
    return "".join(out)


def slugify_greek(text: str, *, max_length: int = 100) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    return slug[:max_length].rstrip("-")
