"""Matching Greek and English headers to the fields we import."""

import pytest

from importers.columns import (
    FIELDS,
    ColumnMapping,
    MappingError,
    map_columns,
    normalise_header,
    parse_mapping,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Επωνυμία", "name"),
        ("ΟΝΟΜΑ", "name"),
        ("Name", "name"),
        ("Διεύθυνση", "address"),
        ("Address", "address"),
        ("ΤΚ", "postcode"),
        ("Τ.Κ.", "postcode"),
        ("T.K.", "postcode"),  # Latin look-alikes
        ("Ταχ. Κώδ.", "postcode"),
        ("Τηλέφωνο", "phone"),
        ("Τηλ.", "phone"),
        ("Κατηγορία", "category"),
        ("Γεωγρ. πλάτος", "lat"),
        ("Γεωγραφικό Μήκος", "lon"),
        ("Latitude", "lat"),
        ("Ωράριο", "hours"),
        ("Ωράριο λειτουργίας", "hours"),
        ("Email", "email"),
        ("e-mail", "email"),
        ("Ηλ. ταχυδρομείο", "email"),
        ("Ιστοσελίδα", "website"),
        ("Δήμος", "municipality"),
        ("Περιοχή", "area"),
        ("Πόλη", "locality"),
        ("X ΕΓΣΑ87", "x"),
        ("Συντεταγμένες", "coordinates"),
        ("Γλώσσες", "languages"),
        ("Φορέας", "organisation"),
        ("Υπηρεσία", "service"),
        ("Κόστος", "cost"),
        ("Τελευταία ενημέρωση", "last_verified"),
        ("Ευαίσθητο", "sensitive"),
        ("  ΩΡΆΡΙΟ  ", "hours"),
    ],
)
def test_greek_and_english_headers_are_recognised(header, field):
    assert map_columns(["Άσχετο", header]).fields == {field: 1}


def test_no_synonym_belongs_to_two_fields():
    owners: dict[str, set[str]] = {}
    for field, synonyms in FIELDS.items():
        for synonym in synonyms:
            owners.setdefault(normalise_header(synonym), set()).add(field)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_normalisation_folds_case_accents_and_punctuation():
    assert normalise_header("Γεωγρ. Πλάτος") == normalise_header("ΓΕΩΓΡ ΠΛΑΤΟΣ")
    assert normalise_header("Τ.Κ.") == normalise_header("τκ") == "τκ"
    assert normalise_header("E-mail") == "e mail"


def test_unknown_headers_are_listed_not_errors():
    mapping = map_columns(["Επωνυμία", "Σχόλια εσωτερικά", ""])
    assert mapping.fields == {"name": 0}
    assert mapping.unknown == ["Σχόλια εσωτερικά"]
    assert mapping.problems == []


def test_a_second_column_for_a_single_field_is_reported():
    mapping = map_columns(["Email", "E-mail", "Επωνυμία"])
    assert mapping.fields == {"email": 0, "name": 2}
    assert mapping.duplicates == {"email": ["E-mail"]}
    assert mapping.problems == [
        "The columns 'Email', 'E-mail' all look like 'email'; only 'Email' is read "
        "(map one explicitly to choose)."
    ]


def test_several_phone_columns_are_joined():
    mapping = map_columns(["Επωνυμία", "Τηλέφωνο 1", "Τηλέφωνο 2", "Κινητό"])
    assert mapping.fields == {"name": 0, "phone": 1}
    assert mapping.extra == {"phone": [2, 3]}
    assert mapping.values(["Α", "2101234567", "", "6971234567"]) == {
        "name": "Α",
        "phone": "2101234567, 6971234567",
    }
    assert mapping.columns()["phone"] == "Τηλέφωνο 1, Τηλέφωνο 2, Κινητό"
    assert mapping.problems == []


def test_an_explicit_mapping_overrides_the_synonyms():
    headers = ["Διεύθυνση", "Οδός", "Επωνυμία Φορέα", "Επωνυμία"]
    explicit = parse_mapping("name=Επωνυμία Φορέα, address=οδος")
    mapping = map_columns(headers, explicit=explicit)
    assert mapping.fields["name"] == 2
    assert mapping.fields["address"] == 1
    # The synonym matches that lost to the explicit choice feed nothing.
    assert set(mapping.unknown) == {"Διεύθυνση", "Επωνυμία"}
    assert mapping.problems == []


def test_an_explicit_header_missing_from_the_file_is_reported():
    mapping = map_columns(["Επωνυμία", "Οδός"], explicit={"address": "Διεύθυνση 2"})
    assert mapping.fields == {"name": 0, "address": 1}
    assert mapping.missing == {"address": "Διεύθυνση 2"}
    assert "not in this file" in mapping.problems[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name", "not of the form field=Header"),
        ("name=", "not of the form field=Header"),
        ("colour=Χρώμα", "'colour' is not a field we import"),
    ],
)
def test_bad_explicit_mappings_are_refused(text, message):
    with pytest.raises(MappingError, match=message):
        parse_mapping(text)


def test_a_saved_mapping_applies_to_next_months_reordered_file():
    may = map_columns(["Όνομα δομής", "Οδός", "ΤΚ"], explicit={"name": "Όνομα δομής"})
    saved = may.to_dict()
    assert saved == {"name": "Όνομα δομής", "address": "Οδός", "postcode": "ΤΚ"}
    june = ColumnMapping.from_dict(saved, headers=["ΤΚ", "Νέα στήλη", "ΟΔΟΣ", "Όνομα Δομής"])
    assert june.fields == {"name": 3, "address": 2, "postcode": 0}
    assert june.unknown == ["Νέα στήλη"]
    assert june.values(["10683", "x", "Νοτάρα 34", "Ιατρείο"]) == {
        "name": "Ιατρείο",
        "address": "Νοτάρα 34",
        "postcode": "10683",
    }
