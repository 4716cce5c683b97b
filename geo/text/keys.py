"""Search keys: one lossy Latin spelling that Greek, Greeklish and ELOT/English-style input all
reduce to ('Εξάρχεια', 'Exarcheia', 'exarxeia', 'EXARCHIA' -> 'exarxia'), and the repair of Latin
look-alike letters inside Greek words. Pure string functions; `search_key_sql()` is the same
function in PL/pgSQL for a migration to install, and must stay step for step identical.
"""

import functools
import re
import unicodedata

_GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789" + _GREEK)
# Code points whose lower-case, accent-free form is one allowed letter; combining marks vanish.
_FOLD_RANGES = ((0x41, 0x5A), (0xC0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x1F00, 0x1FFF))


def _fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for low, high in _FOLD_RANGES:
        for cp in range(low, high + 1):
            c = chr(cp)
            if unicodedata.combining(c):
                table[c] = ""
                continue
            bare = "".join(
                d for d in unicodedata.normalize("NFD", c.lower()) if not unicodedata.combining(d)
            ).replace("ς", "σ")
            if len(bare) == 1 and bare != c and bare in _ALLOWED:
                table[c] = bare
    table["ς"] = "σ"
    return table


_FOLD = _fold_table()
_FOLD_TRANS = str.maketrans(_FOLD)

# Latin letters that stand for a Greek one inside an otherwise Greek word (after folding).
_KEY_HOMOGLYPHS = ("abehikmnoptxyzuvw", "αβεηικμνορτχυζυνω")
_KEY_HOMOGLYPH_TRANS = str.maketrans(*_KEY_HOMOGLYPHS)

# Greek to Latin, applied in this order with plain string replacement: digraphs, then letters.
# The output is ELOT-like on purpose, so the Latin steps below treat it like typed Latin.
_GREEK_STEPS = (
    ("ου", "ou"),
    ("αυ", "av"),
    ("ευ", "ev"),
    ("ηυ", "iv"),
    ("αι", "ai"),
    ("ει", "ei"),
    ("οι", "oi"),
    ("υι", "yi"),
    ("μπ", "mp"),
    ("ντ", "nt"),
    ("γκ", "gk"),
    ("γγ", "gg"),
    ("γχ", "nch"),
    ("γξ", "nx"),
    *zip(_GREEK, "avgdezi#iklmnxoprstyf##o", strict=True),
    ("θ", "th"),
    ("χ", "ch"),
    ("ψ", "ps"),
)
_GREEK_STEPS = tuple(step for step in _GREEK_STEPS if step[1] != "#")

# Latin spellings to one canonical form, in this order. Each line folds the common Greeklish and
# ELOT variants of one sound: χ = ch/kh/h/x, ξ = ks/x (so χ and ξ share "x"), θ = th/8,
# φ = ph/f, β = b/v = μπ (mp/mb), δ = dh/d = ντ (nt/nd), γ = gh/g = γκ/γγ (gk/gg/ng),
# ω = w/o, ου = ou/oy/u, ι = i/y/ei/oi, ε = e/ai/ae, ευ = eu/ey/ev, αυ = au/ay/av.
_LATIN_STEPS = (
    ("th", "8"),
    ("ph", "f"),
    ("ch", "x"),
    ("kh", "x"),
    ("gh", "g"),
    ("dh", "d"),
    ("ks", "x"),
    ("h", "x"),
    ("mp", "v"),
    ("mb", "v"),
    ("b", "v"),
    ("nt", "d"),
    ("nd", "d"),
    ("gk", "g"),
    ("gg", "g"),
    ("ng", "g"),
    ("c", "k"),
    ("q", "k"),
    ("w", "o"),
    ("eu", "ev"),
    ("ey", "ev"),
    ("au", "av"),
    ("ay", "av"),
    ("ou", "u"),
    ("oy", "u"),
    ("ei", "i"),
    ("oi", "i"),
    ("yi", "i"),
    ("ai", "e"),
    ("ae", "e"),
    ("y", "i"),
)
# Last, after doubled letters collapse: αυ/ευ are said "af"/"ef" before a voiceless consonant and
# commonly typed so ('Nafplio', 'Eleftheriou'); the key writes every af/ef as av/ev, so Greek
# φ after α/ε folds the same way ('Κεφαλονιά' -> 'kevalonia'). After the collapse so that a
# stored key can be brought up to date by these two replacements alone (migration 0013).
_VOICELESS_STEPS = (("ef", "ev"), ("af", "av"))
_NOT_ALLOWED = re.compile(r"[^a-z0-9α-ω]+")
_HAS_GREEK = re.compile(r"[α-ω]")
_DOUBLED = re.compile(r"([a-z])\1+")


def search_key(text: str) -> str:
    """The canonical search spelling of `text`: lower-case Latin letters, digits and single spaces.

    Case, accents, diaeresis and final sigma vanish; Latin look-alikes inside Greek words become
    Greek; Greek is transliterated; Greeklish variants fold together and doubled letters collapse
    ('Κηφισιά', 'Kifissia', 'Kiphisia' -> 'kifisia'). Lossy by design: it is for matching only.

    After folding, every step works inside one word (no step's pattern or replacement holds a
    space), so the key is the words' keys joined; those are remembered, since names share
    their words ('Κοινωνικό', 'Ιατρείο', 'Αλληλεγγύης'): an import computes a key for every
    name it writes. The SQL twin does the same steps on the whole text.
    """
    s = _NOT_ALLOWED.sub(" ", text.translate(_FOLD_TRANS)).strip()
    return " ".join(map(_word_key, s.split(" ")))


@functools.lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    # A Latin look-alike is only replaced inside a word that has a Greek letter.
    if _HAS_GREEK.search(word):
        word = word.translate(_KEY_HOMOGLYPH_TRANS)
    for old, new in _GREEK_STEPS + _LATIN_STEPS:
        word = word.replace(old, new)
    word = _DOUBLED.sub(r"\1", word)
    for old, new in _VOICELESS_STEPS:
        word = word.replace(old, new)
    return word


def _sql_literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


# Characters that fold to themselves and are common in names, first in the SQL translate()
# table: PostgreSQL's translate() looks each character up by a linear scan of its 1,000-character
# `from` string, so a name of plain lower-case letters would otherwise cost ~1,000 comparisons a
# letter (~0.2 ms a name, which an index build pays for every row). Mapping them to themselves
# changes nothing.
_COMMON_UNCHANGED = "αεινοτσρκλμπυηωγδθχφβζξψ abcdefghijklmnopqrstuvwxyz0123456789-.,'"


def _sql_fold_strings() -> tuple[str, str]:
    """translate()'s `from` and `to` for _FOLD: frequent characters first, then the folded ones
    by how common they are in Greek names, then those that vanish (no `to` counterpart)."""
    common = [c for c in _COMMON_UNCHANGED if c not in _FOLD]
    upper_greek = [c for c in _FOLD if "\u0391" <= c <= "\u03a9"]
    kept = [(c, c) for c in common]
    kept += [(c, _FOLD[c]) for c in ["ς", *"άέίόύήώϊϋΐΰ"] if c in _FOLD]
    kept += [(c, _FOLD[c]) for c in upper_greek]
    seen = {c for c, _ in kept}
    kept += [(k, v) for k, v in _FOLD.items() if v and k not in seen]
    dropped = [k for k, v in _FOLD.items() if not v]
    return "".join(k for k, _ in kept) + "".join(dropped), "".join(v for _, v in kept)


def search_key_sql(name: str = "geo_search_key") -> str:
    """`CREATE OR REPLACE FUNCTION <name>(text)`, search_key in PL/pgSQL, IMMUTABLE.

    It does not depend on the database's locale (no lower(), no unaccent), so expression indexes
    on it are safe. Changing search_key means a new migration that runs this again and sets
    every stored key (the `*_key` columns of migration 0014) to '', so that their trigger
    computes them again.
    """
    fold_from, fold_to = _sql_fold_strings()
    # One nested expression, not one PL/pgSQL assignment a step: each assignment costs about a
    # microsecond, and an index build calls this for every row.
    steps = "s"
    for old, new in _GREEK_STEPS + _LATIN_STEPS:
        steps = f"replace({steps}, {_sql_literal(old)}, {_sql_literal(new)})"
    voiceless = "regexp_replace(s, '([a-z])\\1+', '\\1', 'g')"
    for old, new in _VOICELESS_STEPS:
        voiceless = f"replace({voiceless}, {_sql_literal(old)}, {_sql_literal(new)})"
    return f"""
CREATE OR REPLACE FUNCTION {name}(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  s text;
  w text;
  words text[] := '{{}}';
BEGIN
  s := translate(t, {_sql_literal(fold_from)}, {_sql_literal(fold_to)});
  s := btrim(regexp_replace(s, '[^a-z0-9α-ω]+', ' ', 'g'));
  -- Only a text with both Latin and Greek letters can have a look-alike inside a Greek word.
  IF s ~ '[a-z]' AND s ~ '[α-ω]' THEN
    FOREACH w IN ARRAY string_to_array(s, ' ') LOOP
      IF w ~ '[α-ω]' THEN
        w := translate(w, {_sql_literal(_KEY_HOMOGLYPHS[0])}, {_sql_literal(_KEY_HOMOGLYPHS[1])});
      END IF;
      words := words || w;
    END LOOP;
    s := array_to_string(words, ' ');
  END IF;
  s := {steps};
  RETURN {voiceless};
END
$fn$;
"""


# Latin (and accented Latin, after NFD) letters that look like Greek ones, case kept.
_REPAIR = str.maketrans(
    "ABEHIKMNOPTXYZaeikoptuvxw",
    "ΑΒΕΗΙΚΜΝΟΡΤΧΥΖαεικορτυνχω",
)
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _is_greek(c: str) -> bool:
    return c.isalpha() and ("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff")


def _repair_word(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = [c for c in word if c.isascii() and c.isalpha()]
    if not latin or not any(_is_greek(c) for c in word):
        return word
    if not all(ord(c) < 128 and c.translate(_REPAIR) != c for c in latin):
        return word  # a Latin letter with no Greek twin: not a look-alike slip, leave it be
    return word.translate(_REPAIR)


def repair_homoglyphs(text: str) -> str:
    """Latin look-alike letters inside Greek words become Greek: 'ΣΚOΠΕΛΟΥ' (Latin O) ->
    'ΣΚΟΠΕΛΟΥ'. Words without a Greek letter, or with a Latin letter that has no Greek twin,
    are left as they are. Accents are kept ('Ó' -> 'Ό')."""
    decomposed = unicodedata.normalize("NFD", text)
    if text.isascii() or not _ASCII_LETTER.search(decomposed):
        return text
    repaired = _WORD.sub(_repair_word, decomposed)
    return unicodedata.normalize("NFC", repaired)
