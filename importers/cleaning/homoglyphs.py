"""Repairing Latin look-alike letters inside Greek words (and Greek ones inside Latin words).

Spreadsheets typed on a keyboard switched to the wrong layout mix `A` (Latin) into `ΑΘΗΝΑ`
(Greek); search, slugs and category matching then miss. Pure functions on strings.
"""

import re

_LATIN_TO_GREEK = str.maketrans("ABEZHIKMNOPTYXoaikxpvu", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ")
_GREEK_TO_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ", "ABEZHIKMNOPTYXoaikxpvu")
_LATIN_LOOKALIKES = set("ABEZHIKMNOPTYXoaikxpvu")
_GREEK_LOOKALIKES = set("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ")
_WORD = re.compile(r"[^\W\d_]+")


def _is_greek(c: str) -> bool:
    return "\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff"


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


def repair_homoglyphs(text: str) -> str:
    """'ΑΘΗNA' -> 'ΑΘΗΝΑ', 'Kυψέλη' -> 'Κυψέλη', 'Εxarcheia' -> 'Exarcheia'; clean words unchanged.

    A word mixing scripts is turned into the script of its unambiguous letters (Θ, λ, ή... or
    R, s, h...); a word made only of look-alikes follows the majority script of the whole text.
    """
    if text.isascii():
        return text
    greek_total = sum(1 for c in text if _is_greek(c) and c not in _GREEK_LOOKALIKES)
    latin_total = sum(1 for c in text if _is_latin(c) and c not in _LATIN_LOOKALIKES)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        has_greek = any(_is_greek(c) for c in word)
        has_latin = any(_is_latin(c) for c in word)
        if not (has_greek and has_latin):
            return word
        greek_only = sum(1 for c in word if _is_greek(c) and c not in _GREEK_LOOKALIKES)
        latin_only = sum(1 for c in word if _is_latin(c) and c not in _LATIN_LOOKALIKES)
        if greek_only and not latin_only:
            return word.translate(_LATIN_TO_GREEK)
        if latin_only and not greek_only:
            return word.translate(_GREEK_TO_LATIN)
        if not greek_only and not latin_only:
            return word.translate(
                _LATIN_TO_GREEK if greek_total >= latin_total else _GREEK_TO_LATIN
            )
        return word  # genuinely mixed (e.g. a product code): leave it

    return _WORD.sub(fix, text)
