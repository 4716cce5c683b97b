"""Greek name grammar for search: likely nominatives of official genitive names ('Νέας Σμύρνης'
-> 'νεα σμυρνη') and demotic forms of katharevousa ones ('Χαλάνδριον' -> 'χαλανδρι').

Rules over-generate on purpose (a wrong extra form costs little in search, a missing one loses the
match); a vocabulary of known words, when given, puts the forms it knows first. Output is lower
case without accents. Pure string functions.
"""

import re
from collections.abc import Container, Mapping, Sequence

from geo.text.slugs import strip_accents

# Genitive ending -> nominative endings, most likely first. Longest ending wins; one rule a word.
_GENITIVE = (
    ("εως", ("η", "ης")),  # Μεταμορφώσεως, Ερμουπόλεως
    ("αιων", ("α",)),  # Αθηναίων, Λαρισαίων, Αρταίων
    ("εων", ("α", "ες")),  # Πατρέων, Λαμιέων, Χαλκιδέων, Μεγαρέων
    ("ιων", ("ια", "ιοι", "ος")),  # Βριλησσίων, Αγίων, Κορινθίων
    ("ων", ("α", "ες", "οι", "η")),  # Αβδήρων, Αχαρνών, Δελφών, Τεμπών
    ("ιου", ("ι", "ιο", "ιος")),  # Χαλανδρίου, Αμαρουσίου, Αγίου
    ("ους", ("ος",)),  # Άργους
    ("ου", ("ος", "ο")),  # Καρύστου, Ελληνικού
    ("ως", ("ας", "ω")),  # Πειραιώς, Ζαχάρως
    ("ος", ("α", "ας")),  # Βύρωνος, Δωρίδος, Μαραθώνος (third declension)
    ("ας", ("α",)),  # Νέας, Γλυφάδας
    ("ης", ("η",)),  # Σμύρνης, Ηλιούπολης
    ("α", ("ας",)),  # Τομέα
    ("η", ("ης",)),  # Αριστοτέλη
)
# Katharevousa nominative ending -> demotic endings (the ELSTAT settlement list is katharevousa).
_DEMOTIC = (
    ("ιον", ("ι", "ιο")),  # Χαλάνδριον, Λουτράκιον
    ("ευς", ("ας",)),  # Πειραιεύς
    ("εις", ("ες",)),
    ("ον", ("ο",)),  # Αθέατον
    ("ις", ("η", "ιδα")),  # Ερμούπολις, Μεταμόρφωσις; Πτολεμαΐς
    ("ας", ("αδα",)),  # Αμαλιάς
    ("αι", ("ες", "α")),  # Καρυαί, Αθήναι
    ("ων", ("ωνας",)),  # Μαραθών
)
_WORD = re.compile(r"[^\W\d_]+")
_FINAL_SIGMA = re.compile(r"σ\b")


def _final_sigma_folded(rules: tuple) -> tuple:
    # strip_accents folds ς to σ, so the endings must too.
    return tuple(
        (end.replace("ς", "σ"), tuple(r.replace("ς", "σ") for r in reps)) for end, reps in rules
    )


_GENITIVE = _final_sigma_folded(_GENITIVE)
_DEMOTIC = _final_sigma_folded(_DEMOTIC)


def _word_forms(word: str, rules: tuple, known: Container[str]) -> list[str]:
    forms = []
    if len(word) > 2:
        for ending, replacements in rules:
            if word.endswith(ending):
                stem = word[: -len(ending)]
                forms = [stem + r for r in replacements if len(stem) > 1]
                break
    # Words in the vocabulary first, frequent ones before rare ones: a rule that meets a real
    # word is probably right.
    if isinstance(known, Mapping):
        return sorted(forms, key=lambda f: -known.get(f, 0))
    return sorted(forms, key=lambda f: f not in known)


def _phrases(text: str, rules: tuple, known: Container[str]) -> list[str]:
    words = _WORD.findall(strip_accents(text))
    alternatives = [_word_forms(w, rules, known) or [w] for w in words]
    if not alternatives:
        return []
    # One phrase per rank (all first choices, all second choices, ...), not every combination.
    depth = max(len(a) for a in alternatives)
    phrases = [" ".join(a[min(i, len(a) - 1)] for a in alternatives) for i in range(depth)]
    unchanged = " ".join(words)
    return list(dict.fromkeys(_FINAL_SIGMA.sub("ς", p) for p in phrases if p != unchanged))


def nominative_forms(genitive: str, *, known: Container[str] = ()) -> list[str]:
    """Likely nominatives of a genitive name, most likely first: 'Νέας Σμύρνης' ->
    ['νεα σμυρνη']. `known` is a vocabulary of nominative words (lower case, no accents, final
    σ as σ), a set or a mapping to how often each occurs."""
    return _phrases(genitive, _GENITIVE, known)


def demotic_forms(nominative: str, *, known: Container[str] = ()) -> list[str]:
    """Demotic forms of a katharevousa name: 'Χαλάνδριον' -> ['χαλανδρι', 'χαλανδριο']."""
    return _phrases(nominative, _DEMOTIC, known)


def name_parts(name: str) -> Sequence[str]:
    """The parts of a compound name: 'Αμπελοκήπων - Μενεμένης' -> the two names."""
    return [p.strip() for p in re.split(r"\s+-\s+|-|&|,|\(|\)", name) if p.strip()]
