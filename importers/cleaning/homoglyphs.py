"""Repairing Latin look-alike letters inside Greek words (and Greek ones inside Latin words).

Spreadsheets typed on a keyboard switched to the wrong layout mix `A` (Latin) into `ΑΘΗΝΑ`
(Greek); search, slugs and category matching then miss. Pure functions on strings.
"""

import re
import unicodedata

_LATIN_TO_GREEK = str.maketrans("ABEZHIKMNOPTYXoaikxpvu", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ")
_GREEK_TO_LATIN = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ", "ABEZHIKMNOPTYXoaikxpvu")
_LATIN_LOOKALIKES = set("ABEZHIKMNOPTYXoaikxpvu")
_GREEK_LOOKALIKES = set("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικχρνυ")
# Letters and, after NFD, their accents: 'ΑΘΉNA' with a Latin N is one word.
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_ANY_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_ANY_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


def _is_greek(c: str) -> bool:
    return "\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff"


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha()


def repair_homoglyphs(text: str) -> str:
    """'ΑΘΗNA' -> 'ΑΘΗΝΑ', 'Kυψέλη' -> 'Κυψέλη', 'Εxarcheia' -> 'Exarcheia'; clean words unchanged.

    A word mixing scripts is turned into the script of its unambiguous letters (Θ, λ, ή... or
    R, s, h...); a word made only of look-alikes follows the majority script of the whole text.
    An upper-case Latin word made only of look-alikes ('IATPEIO', 'AMKE': typed with the wrong
    keyboard layout) becomes Greek when the rest of the text is unambiguously Greek.
    """
    # Most cells are in one script: two C-speed searches and out (Latin first: most cells are
    # Greek, and a search that finds nothing ends there).
    if text.isascii() or not _ANY_LATIN.search(text) or not _ANY_GREEK.search(text):
        return text
    decomposed = unicodedata.normalize("NFD", text)  # 'Ó' -> 'O' + acute, repaired to 'Ό'
    return unicodedata.normalize("NFC", _repair(decomposed))


def _repair(text: str) -> str:
    greek_total = sum(1 for c in text if _is_greek(c) and c not in _GREEK_LOOKALIKES)
    latin_total = sum(1 for c in text if _is_latin(c) and c not in _LATIN_LOOKALIKES)

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        has_greek = any(_is_greek(c) for c in word)
        has_latin = any(_is_latin(c) for c in word)
        if (
            not has_greek
            and len(word) > 1
            and word.isupper()
            and greek_total
            and not latin_total
            and set(word) <= _LATIN_LOOKALIKES
        ):
            return word.translate(_LATIN_TO_GREEK)
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
