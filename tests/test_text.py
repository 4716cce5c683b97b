"""Search keys, look-alike repair and name grammar (geo.text), and the SQL twin of search_key."""

import csv
import re

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.models import Area
from geo.text import (
    demotic_forms,
    name_parts,
    nominative_forms,
    repair_homoglyphs,
    search_key,
    slugify_greek,
    transliterate,
)

# Each group: spellings people use for one name; all must reduce to one key.
SAME_NAME = [
    (
        "Εξάρχεια",
        "εξαρχεια",
        "ΕΞΑΡΧΕΙΑ",
        "Exarcheia",
        "exarxeia",
        "EXARCHIA",
        "Exarhia",
        "Eksarxeia",
    ),
    ("Κυψέλη", "ΚΥΨΕΛΗ", "Kypseli", "kipseli", "Kypselli", "KYPSELI"),
    ("Νέα Σμύρνη", "ΝΕΑ ΣΜΥΡΝΗ", "Nea Smyrni", "nea smirni", "Néa Smýrni"),
    ("Παγκράτι", "Pagkrati", "Pagrati", "Pangrati", "Παγκρατι"),
    ("Χαλάνδρι", "Chalandri", "Halandri", "Xalandri", "Khalandri"),
    ("Θεσσαλονίκη", "Thessaloniki", "Thesaloniki", "8essaloniki", "θεσσαλονικη"),
    ("Αμπελόκηποι", "Ampelokipoi", "Ambelokipi", "Abelokipoi", "Αμπελοκηποι"),
    ("Ψυχικό", "Psychiko", "Psixiko", "Psihiko"),
    ("Κηφισιά", "Kifisia", "Kifissia", "Kiphisia", "Κηφισια"),
    ("Φιλοθέη", "Filothei", "Philothei", "Filo8ei"),
    ("Βύρωνας", "Vyronas", "Byronas", "Vironas"),
    ("Χαϊδάρι", "Χαιδάρι", "ΧΑΪΔΑΡΙ", "Chaidari", "Haidari"),
    ("Ντράφι", "Drafi", "Ntrafi", "Ndrafi"),
    ("Ευκαρπία", "Evkarpia", "Eukarpia", "Eykarpia", "Efkarpia"),
    # αυ/ευ said af/ef before a voiceless consonant, and typed so
    ("Ναύπλιο", "Nafplio", "Navplio", "Nauplio", "NAFPLIO"),
    ("Ελευθερίου Βενιζέλου", "Eleftheriou Venizelou", "Eleutheriou Benizelou"),
    ("Κεφαλονιά", "Kefalonia", "Kephalonia"),
    ("Γκύζη", "Gkyzi", "Gyzi", "Gizi"),
    ("Κολωνάκι", "Kolonaki", "Kolwnaki", "Κολονάκι"),
    ("Ξάνθη", "Xanthi", "Ksanthi", "Xanthy"),
    ("Αιγάλεω", "Aigaleo", "Egaleo", "Aigalew"),
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=[g[0] for g in SAME_NAME])
def test_spellings_of_one_name_share_a_search_key(spellings):
    keys = {s: search_key(s) for s in spellings}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize(
    "one, other",
    [("Κυψέλη", "Κυψέλα"), ("Πάτρα", "Πάρτα"), ("Νίκαια", "Νίκη"), ("Βόλος", "Βόλβη")],
)
def test_different_names_keep_different_keys(one, other):
    assert search_key(one) != search_key(other)


def test_compound_names_split_into_their_parts():
    assert search_key("ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ-ΝΕΑΠΟΛΗ").split() == [
        search_key("Μουσείο"),
        search_key("Εξάρχεια"),
        search_key("Νεάπολη"),
    ]
    assert name_parts("Διστόμου-Αράχοβας - Αντίκυρας") == ["Διστόμου", "Αράχοβας", "Αντίκυρας"]
    assert name_parts("Νάξου & Μικρών Κυκλάδων") == ["Νάξου", "Μικρών Κυκλάδων"]


@given(st.text(max_size=60))
def test_a_search_key_is_lower_case_latin_digits_and_single_spaces(text):
    assert re.fullmatch(r"([a-z0-9]+( [a-z0-9]+)*)?", search_key(text))


@pytest.mark.parametrize(
    "typed, repaired",
    [
        ("ΣΚOΠΕΛΟΥ", "ΣΚΟΠΕΛΟΥ"),  # Latin O
        ("ΠΑΤHΣΙΑ", "ΠΑΤΗΣΙΑ"),  # Latin H
        ("AΓΙΟΣ NIKOΛAOΣ", "ΑΓΙΟΣ ΝΙΚΟΛΑΟΣ"),  # Latin A, N, I, K, O
        ("ΚΥΨEΛΗ-ΠΑΓKΡΑΤΙ", "ΚΥΨΕΛΗ-ΠΑΓΚΡΑΤΙ"),
        ("Κoλωνάκι", "Κολωνάκι"),  # a lower-case Latin o
        ("ÓΜΗΡΟΥ", "ΌΜΗΡΟΥ"),  # accented Latin O keeps its accent
        ("ΒYΡΩΝΑΣ", "ΒΥΡΩΝΑΣ"),
    ],
)
def test_latin_look_alikes_inside_greek_words_become_greek(typed, repaired):
    fixed = repair_homoglyphs(typed)
    assert fixed == repaired
    assert not re.search(r"[A-Za-z]", fixed)


@pytest.mark.parametrize(
    "text",
    ["TAXI", "Kypseli", "Κυψέλη", "ΟΔΟΣ Smith 3", "Κfc", "Café", "ΜΕΤΡΟ/METRO", ""],
)
def test_words_that_are_not_look_alike_slips_are_left_alone(text):
    assert repair_homoglyphs(text) == text


def test_look_alikes_do_not_change_the_search_key():
    assert search_key("ΣΚOΠΕΛΟΥ") == search_key("Σκοπέλου")
    assert search_key("ΠΑΤHΣΙΑ") == search_key("Πατήσια")  # Latin h would otherwise read as χ
    assert search_key("ΣΚΟΠΕΛOY") == search_key("ΣΚΟΠΕΛΟΥ")  # Latin O and Y make ου


@pytest.mark.parametrize(
    "genitive, nominative",
    [
        ("Νέας Σμύρνης", "νεα σμυρνη"),
        ("Αθηναίων", "αθηνα"),
        ("Πειραιώς", "πειραιας"),
        ("Χαλανδρίου", "χαλανδρι"),
        ("Αμαρουσίου", "αμαρουσιο"),
        ("Καρύστου", "καρυστος"),
        ("Βύρωνος", "βυρωνας"),
        ("Μεταμορφώσεως", "μεταμορφωση"),
        ("Αχαρνών", "αχαρνες"),
        ("Άργους", "αργος"),
        ("Αγίας Παρασκευής", "αγια παρασκευη"),
        ("Πατρέων", "πατρα"),
    ],
)
def test_genitive_names_yield_their_nominative(genitive, nominative):
    assert search_key(nominative) in {search_key(f) for f in nominative_forms(genitive)}


def test_a_known_vocabulary_puts_real_words_first():
    assert nominative_forms("Αγίων Αναργύρων", known={"αγιοι", "αναργυροι"})[0] == (
        "αγιοι αναργυροι"
    )


@pytest.mark.parametrize(
    "katharevousa, demotic",
    [
        ("Χαλάνδριον", "χαλανδρι"),
        ("Πειραιεύς", "πειραιας"),
        ("Ερμούπολις", "ερμουπολη"),
        ("Αθήναι", "αθηνα"),
        ("Πτολεμαΐς", "πτολεμαιδα"),
    ],
)
def test_katharevousa_names_yield_their_demotic_form(katharevousa, demotic):
    assert demotic in demotic_forms(katharevousa)


def test_slugs_still_use_elot_transliteration():
    assert transliterate("Κυψέλη") == "kypseli"
    assert slugify_greek("ΜΟΥΣΕΙΟ-ΕΞΑΡΧΕΙΑ-ΝΕΑΠΟΛΗ") == "mouseio-exarcheia-neapoli"


def _sql_keys(texts: list[str]) -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT t, geo_search_key(t) FROM unnest(%s::text[]) AS t", [texts])
        return dict(cur.fetchall())


@pytest.mark.django_db
def test_the_sql_function_agrees_with_search_key_on_every_real_name(geodata):
    path = geodata / "gazetteer" / "greece_settlements_elstat_coords.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    names = {r["location"] for r in rows} | {r["dimenot"] for r in rows}
    names |= set(Area.objects.values_list("name", flat=True))
    names |= {s for group in SAME_NAME for s in group} | {"ΣΚOΠΕΛΟΥ", "Straße Ølberg", "e\u0301"}
    sql = _sql_keys(sorted(names))
    assert len(sql) == len(names) > 10_000
    assert {t: k for t, k in sql.items() if k != search_key(t)} == {}


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40).filter(lambda t: "\x00" not in t), min_size=1, max_size=20))
def test_the_sql_function_agrees_with_search_key_on_any_text(texts):
    sql = _sql_keys(texts)
    assert {t: k for t, k in sql.items() if k != search_key(t)} == {}


@pytest.mark.django_db
def test_the_sql_function_is_immutable_so_it_can_be_indexed():
    with connection.cursor() as cur:
        cur.execute("SELECT provolatile FROM pg_proc WHERE proname = 'geo_search_key'")
        assert cur.fetchone() == ("i",)
        cur.execute("CREATE INDEX test_key_idx ON geo_organisation (geo_search_key(name))")
