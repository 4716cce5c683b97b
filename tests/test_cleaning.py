"""Cleaning rows: coordinates (WGS84, DMS, Greek Grid), postcodes, phones, links, categories,
languages, look-alike letters and opening hours, against the real categories and boundaries."""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.utils import translation

from importers.cleaning import CleaningContext, clean_row, clean_rows, repair_homoglyphs
from importers.cleaning.contact import clean_email, clean_phones, clean_postcode, clean_url
from importers.cleaning.context import greece_outline
from importers.cleaning.coordinates import from_greek_grid, parse_angle
from importers.cleaning.hours import clean_hours
from importers.columns import map_columns
from importers.errors import RowError
from importers.readers import open_table

DATA = Path(__file__).parent / "data"
# The explicit GGRS87 definition, datum shift included (EPSG:2100 with its TOWGS84).
GREEK_GRID = (
    "+proj=tmerc +lat_0=0 +lon_0=24 +k=0.9996 +x_0=500000 +y_0=0 +ellps=GRS80 "
    "+towgs84=-199.87,74.79,246.62,0,0,0,0 +units=m +no_defs"
)
WITHOUT_SHIFT = GREEK_GRID.replace("+towgs84=-199.87,74.79,246.62,0,0,0,0 ", "")


@pytest.fixture
def context(db) -> CleaningContext:
    return CleaningContext.from_db(postcode_holds=None)


def clean(values: dict[str, str], context: CleaningContext, **kwargs):
    return clean_row(7, {"name": "Δομή", **values}, context=context, **kwargs)


def reasons(errors: list[RowError]) -> list[str]:
    return [e.reason for e in errors]


def metres(a: Point, b: Point) -> float:
    return a.transform(3857, clone=True).distance(b.transform(3857, clone=True)) * 0.79


# --- coordinates -----------------------------------------------------------------------------


def test_greek_grid_uses_the_datum_shift_both_ways():
    # Syntagma Square, Athens, in WGS84.
    syntagma = Point(23.73530, 37.97560, srid=4326)
    to_grid = CoordTransform(SpatialReference(4326), SpatialReference(GREEK_GRID))
    grid = syntagma.transform(to_grid, clone=True)
    assert 476_000 < grid.x < 477_500 and 4_202_000 < grid.y < 4_204_000
    back = from_greek_grid(grid.x, grid.y)
    assert back.srid == 4326
    assert metres(back, syntagma) < 0.01
    # Without the shift the same grid coordinates land ~325 m away: the error we avoid.
    wrong = Point(grid.x, grid.y, srid=None)
    wrong.transform(CoordTransform(SpatialReference(WITHOUT_SHIFT), SpatialReference(4326)))
    wrong.srid = 4326
    assert 300 < metres(wrong, syntagma) < 350


def test_greek_grid_from_gdal_epsg_2100_matches_the_explicit_definition():
    ours = from_greek_grid(476_000, 4_205_000)
    explicit = Point(476_000, 4_205_000, srid=None)
    explicit.transform(CoordTransform(SpatialReference(GREEK_GRID), SpatialReference(4326)))
    explicit.srid = 4326
    assert metres(ours, explicit) < 0.01


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("37.9838", 37.9838),
        ("37,9838", 37.9838),
        (" -23,5 ", -23.5),
        ("37°59'10\"N", 37 + 59 / 60 + 10 / 3600),
        ("37° 59′ 10″ Β", 37 + 59 / 60 + 10 / 3600),
        ("23°43.5'E", 23 + 43.5 / 60),
        ("37 59 10", 37 + 59 / 60 + 10 / 3600),
        ("N37°59'10\"", 37 + 59 / 60 + 10 / 3600),
        ("37°S", -37.0),
    ],
)
def test_angles_in_decimal_and_dms(text, degrees):
    assert parse_angle(text) == pytest.approx(degrees)


def test_decimal_commas_and_points_give_the_same_point(context):
    a = clean({"lat": "37,9874", "lon": "23,7322"}, context)
    b = clean({"lat": "37.9874", "lon": "23.7322"}, context)
    assert a.ok and b.ok
    assert a.point.coords == b.point.coords == (23.7322, 37.9874)
    assert a.coordinates_grid == "wgs84"


def test_swapped_latitude_and_longitude_are_fixed_with_a_warning(context):
    row = clean({"lat": "23.7322", "lon": "37.9874"}, context, headers={"lat": "Πλάτος"})
    assert row.ok
    assert row.point.coords == (23.7322, 37.9874)
    assert row.warnings == [
        RowError(
            7,
            "Πλάτος",
            "23.7322, 37.9874",
            "latitude and longitude were swapped; read them the other way round",
        )
    ]


@pytest.mark.parametrize(
    "flags", [{"sensitive": "ναι"}, {"precision": "area"}, {"precision": "hidden"}]
)
def test_a_sensitive_rows_problems_keep_its_coordinates_out(context, flags):
    """Row errors are stored with the run and shown in the admin: a listing shown less
    precisely than exact must not leave its coordinates there."""
    swapped = clean({"lat": "23.7322", "lon": "37.9874", **flags}, context, headers={"lat": "Πλ"})
    outside = clean({"lat": "41.0369", "lon": "28.9850", **flags}, context)
    wrong_postcode = clean(
        {"lat": "37.9874", "lon": "23.7322", "postcode": "85100", **flags}, context
    )
    problems = [*swapped.warnings, *outside.errors, *wrong_postcode.warnings]
    assert [p.column for p in problems] == ["Πλ", "lat", "postcode"]
    # nor in the reasons' parameters, kept to say them in the reader's language
    shown = [repr(problems), *(json.dumps(p.reason.to_dict()) for p in problems)]
    for lang in ("el", "ar", "fa"):
        with translation.override(lang):
            shown += [p.reason.translated() for p in problems]
    text = "\n".join(shown)
    for digits in ("7322", "9874", "0369", "9850"):
        assert digits not in text, text
    assert swapped.warnings[0].value.startswith("(not shown")
    assert "swapped" in swapped.warnings[0].reason and "outside Greece" in outside.errors[0].reason
    assert wrong_postcode.warnings[0].value == "85100"
    # the same rows, not sensitive, say where the point is
    plain = clean({"lat": "41.0369", "lon": "28.9850"}, context)
    assert "41.03690" in plain.errors[0].reason and plain.errors[0].value == "41.0369, 28.9850"


def test_one_cell_with_both_coordinates(context):
    row = clean({"coordinates": "37,9874, 23,7322"}, context)
    assert row.ok and row.point.coords == (23.7322, 37.9874)


def test_greek_grid_columns_and_grid_metres_in_the_latitude_columns(context):
    grid = clean({"x": "476.000", "y": "4.205.000"}, context)
    assert grid.ok and grid.coordinates_grid == "egsa87"
    misplaced = clean({"lat": "4205000", "lon": "476000"}, context)
    assert misplaced.ok and misplaced.coordinates_grid == "egsa87"
    assert "not degrees" in misplaced.warnings[0].reason
    assert metres(grid.point, misplaced.point) < 0.01


@pytest.mark.parametrize(
    ("lat", "lon", "why"),
    [
        ("41.0369", "28.9850", "outside Greece"),  # Istanbul: inside the lat/lon ranges
        ("41.3275", "19.8187", "outside Greece"),  # Tirana
        ("36.5", "21.0", "outside Greece"),  # the Ionian Sea
        ("48.8566", "2.3522", "not in Greece"),  # Paris
        ("0", "0", "broken export"),
        ("37.98", "", "both be given"),
        ("βόρεια", "23.7", "neither decimal degrees"),
        ("37°75'N", "23.7", "60 or more"),
    ],
)
def test_points_outside_greece_or_unreadable_are_errors(context, lat, lon, why):
    row = clean({"lat": lat, "lon": lon}, context)
    assert row.point is None
    assert len(row.errors) == 1 and why in row.errors[0].reason


def test_the_vectorised_greece_test_answers_as_the_one_point_test(context):
    """Random points over Greece and its neighbours (land, sea, coasts, borders) and the
    awkward ones: the batch answer equals the point-by-point answer for every point."""
    rng = np.random.default_rng(5)
    lons = np.concatenate([rng.uniform(19, 30, 3000), [23.6465, 29.5903, np.nan, np.inf, 23.0]])
    lats = np.concatenate([rng.uniform(34.5, 42, 3000), [37.9420, 36.1495, 38.0, 38.0, np.nan]])
    outline = context.greece
    many = context.in_greece_many(lons, lats)
    one = [outline.holds(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
    assert many.tolist() == one
    assert 500 < sum(one) < 2500  # both answers occur, so agreeing means something


def test_a_chunk_cleaned_at_once_is_cleaned_as_row_by_row(context):
    """Rows with points inside and outside Greece, other errors after the position step (a
    future date, no name), warnings before and after it, and a sensitive row."""
    rows = [
        {"name": "A", "lat": "37.98", "lon": "23.73", "last_verified": "1/1/2999"},
        {"name": "B", "lat": "41.0369", "lon": "28.9850", "last_verified": "1/1/2999"},
        {"lat": "23.73", "lon": "37.98"},  # swapped, and no name
        {"name": "ΑΘΗNA", "lat": "36.5", "lon": "21.0", "languages": "el, klingon"},
        {"name": "D", "lat": "37.98", "lon": "23.73", "sensitive": "ναι", "hours": "κάποτε"},
        {"name": "E", "lat": "41.3275", "lon": "19.8187", "sensitive": "yes"},
        {"name": "F", "x": "476.000", "y": "4.205.000"},
        {"name": "G"},
        {"name": "H", "lat": "βόρεια", "lon": "23.7"},
    ]
    at_once = clean_rows(list(enumerate(rows, start=2)), context=context)
    one_by_one = [clean_row(i, values, context=context) for i, values in enumerate(rows, start=2)]
    assert at_once == one_by_one
    assert [r.ok for r in at_once] == [False, False, False, False, True, False, True, True, False]
    assert "outside Greece" in at_once[1].errors[0].reason  # before the date's error
    assert "in the future" in at_once[1].errors[1].reason


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("37.9420", "23.6465"),  # Piraeus, on the quay
        ("36.1495", "29.5903"),  # Kastellorizo, 2 km from Turkey
        ("34.8410", "24.0840"),  # Gavdos
        ("39.6243", "19.9217"),  # Corfu town
        ("41.1171", "25.4060"),  # Komotini
    ],
)
def test_points_across_greece_and_its_islands_are_accepted(context, lat, lon):
    assert clean({"lat": lat, "lon": lon}, context).ok


def test_the_outline_is_the_regional_units_when_loaded(db):
    outline, source = greece_outline()
    assert source == "regional units in the database"
    assert outline.holds(23.7322, 37.9874)
    assert not outline.holds(28.9850, 41.0369)


def test_coarse_coordinates_are_accepted_with_a_warning(context):
    row = clean({"lat": "38", "lon": "23.7"}, context)
    assert row.ok
    assert "good to about 110 km" in row.warnings[0].reason


# --- postcodes, phones, e-mail, links --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "postcode"),
    [("106 83", "10683"), ("Τ.Κ. 10683", "10683"), ("T.K.10683", "10683"), ("10683.0", "10683")],
)
def test_postcodes_are_normalised(text, postcode):
    assert clean_postcode(text) == postcode


@pytest.mark.parametrize("text", ["1068", "06833", "106833", "Αθήνα", "1O683"])
def test_invalid_postcodes_are_row_errors(context, text):
    row = clean({"postcode": text}, context, headers={"postcode": "Τ.Κ."})
    assert row.postcode == ""
    assert [(e.column, e.value) for e in row.errors] == [("Τ.Κ.", text)]


def test_a_postcode_at_the_end_of_the_address_is_used(context):
    row = clean({"address": "ΝΟΤΑΡΑ 34 & ΔΕΛΗΓΙΑΝΝΗ, ΕΞΑΡΧΕΙΑ, 106 83"}, context)
    assert row.postcode == "10683"
    assert row.address == "ΝΟΤΑΡΑ 34 & ΔΕΛΗΓΙΑΝΝΗ, ΕΞΑΡΧΕΙΑ, 106 83"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("210 3301234", ["+302103301234"]),
        ("210-3301234", ["+302103301234"]),
        ("210 3301234 / 6971234567", ["+302103301234", "+306971234567"]),
        ("2103301234-6971234567", ["+302103301234", "+306971234567"]),
        ("2103301234 - 2103301235", ["+302103301234", "+302103301235"]),
        ("210 3301234 και 697 123 4567", ["+302103301234", "+306971234567"]),
        ("0030 210 3301234", ["+302103301234"]),
        ("+30 210 3301234 εσωτ. 12", ["+302103301234"]),
        ("(+30) 2310 123456", ["+302310123456"]),
        ("1535, 10306", ["1535", "10306"]),
    ],
)
def test_greek_phone_numbers_become_e164(text, numbers):
    assert clean_phones(text) == (numbers, [])


def test_invalid_phone_numbers_are_row_errors(context):
    row = clean({"phone": "210 3301234, 12345678"}, context, headers={"phone": "Τηλ."})
    assert row.phones == ["+302103301234"]
    assert row.errors == [
        RowError(7, "Τηλ.", "210 3301234, 12345678", "'12345678' is not a valid phone number")
    ]


def test_emails_are_validated():
    assert clean_email(" Info@Iatreio.Example.GR ") == ("Info@iatreio.example.gr", [])
    assert clean_email("mailto:a@b.gr") == ("a@b.gr", [])
    with pytest.raises(ValueError, match="no @"):
        clean_email("info.iatreio.gr")
    with pytest.raises(ValueError, match="not a valid e-mail"):
        clean_email("a@b")


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("iatreio.example.gr", "https://iatreio.example.gr"),
        ("www.example.gr/σελίδα", "https://www.example.gr/σελίδα"),
        ("http://example.gr", "http://example.gr"),
        ("HTTPS://Example.gr/a?b=1", "HTTPS://Example.gr/a?b=1"),
    ],
)
def test_links_get_https_when_bare(text, url):
    assert clean_url(text) == url


@pytest.mark.parametrize(
    "text", ["javascript:alert(1)", "ftp://example.gr", "data:text/html,x", "όχι σύνδεσμος"]
)
def test_links_other_than_http_are_refused(text):
    with pytest.raises(ValueError):
        clean_url(text)


# --- categories, languages, words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slugs"),
    [
        ("health", ["health"]),
        ("Υγεία και πρωτοβάθμια φροντίδα", ["health"]),
        ("ΥΓΕΙΑ", ["health"]),  # a synonym, upper case, no accents
        ("Health and primary care", ["health"]),
        ("الصحة والرعاية الأولية", ["health"]),  # Arabic name
        ("Κοινωνικό παντοπωλείο", ["food"]),
        ("Τρόφιμα; Ρουχισμός", ["food", "clothing"]),
        ("Νομική υποστήριξη, Άσυλο", ["legal-aid", "asylum-migration"]),
        ("Legal aid / Υγεία", ["legal-aid", "health"]),
    ],
)
def test_categories_match_by_slug_name_or_synonym(context, text, slugs):
    row = clean({"category": text}, context)
    assert row.errors == []
    assert row.categories == slugs


def test_an_unknown_category_is_an_error_naming_it(context):
    row = clean({"category": "Υγεία, Διαστημική βοήθεια"}, context, headers={"category": "Κατ."})
    assert row.categories == ["health"]
    assert row.errors == [
        RowError(7, "Κατ.", "Διαστημική βοήθεια", "unknown category 'Διαστημική βοήθεια'")
    ]


def test_languages_become_iso_codes(context):
    row = clean({"languages": "Ελληνικά, English, Αραβικά και Φαρσί / Persian, Κλίνγκον"}, context)
    assert row.languages == ["el", "en", "ar", "fa"]
    assert [(w.value, w.reason) for w in row.warnings] == [
        ("Κλίνγκον", "unknown language; left out")
    ]


def test_words_for_audience_cost_kind_precision(context):
    row = clean(
        {
            "audience": "Πρόσφυγες, παιδιά",
            "cost": "Δωρεάν",
            "kind": "ΜΚΟ",
            "precision": "περιοχή",
            "last_verified": "31/5/2024",
        },
        context,
    )
    assert row.errors == [] and row.warnings == []
    assert (row.audience, row.cost, row.kind, row.precision) == (
        ["refugees", "children"],
        "free",
        "ngo",
        "area",
    )
    assert row.last_verified == dt.date(2024, 5, 31)


def test_a_sensitive_location_is_never_more_precise_than_its_area(context):
    assert clean({"sensitive": "Ναι"}, context).precision == "area"
    assert clean({"sensitive": "ναι", "precision": "κρυφή"}, context).precision == "hidden"
    assert clean({"sensitive": "όχι"}, context).precision == ""


def test_a_row_without_any_name_is_an_error(context):
    row = clean_row(3, {"address": "Νοτάρα 34"}, context=context)
    assert reasons(row.errors) == ["the row has no name, organisation or service"]


def test_values_too_long_for_their_field_are_errors(context):
    row = clean({"locality": "Α" * 121}, context)
    assert reasons(row.errors) == ["longer than 120 characters"]


def test_future_verification_dates_are_errors(context):
    row = clean({"last_verified": "2999-01-01"}, context)
    assert reasons(row.errors) == ["the date is in the future"]


# --- look-alike letters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("ΝOTAPA 34", "ΝΟΤΑΡΑ 34"),  # Latin O, T, A, P inside a Greek word
        ("Kυψέλη", "Κυψέλη"),
        ("KOINΩNIKO ΠANTOΠΩΛEIO", "ΚΟΙΝΩΝΙΚΟ ΠΑΝΤΟΠΩΛΕΙΟ"),
        ("Εxarcheia", "Exarcheia"),  # a Greek Ε inside a Latin word
        ("Οδός Σόλωνος 10", "Οδός Σόλωνος 10"),
        ("Solidarity Now", "Solidarity Now"),
        ("Σωματείο AMKE", "Σωματείο ΑΜΚΕ"),
        ("ΑΘΉNA, Kόρινθος", "ΑΘΉΝΑ, Κόρινθος"),
        ("ΠΛΑΤΕÍΑ", "ΠΛΑΤΕΊΑ"),  # an accented Latin Í keeps its accent as Greek Ί
        ("Κέντρο Ημέρας Max", "Κέντρο Ημέρας Max"),  # a Latin word, not a typing accident
    ],
)
def test_latin_look_alikes_in_greek_words_are_repaired(text, repaired):
    assert repair_homoglyphs(text) == repaired


def test_repaired_names_warn_and_match_categories(context):
    row = clean({"name": "KOINΩNIKO IATPEIO", "category": "Yγεία"}, context)
    assert row.name == "ΚΟΙΝΩΝΙΚΟ ΙΑΤΡΕΙΟ"
    assert row.categories == ["health"]
    assert "look-alike" in row.warnings[0].reason


# --- opening hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "osm"),
    [
        ("Mo-Fr 09:00-17:00", "Mo-Fr 09:00-17:00"),
        ("Δευτέρα-Παρασκευή 09:00-15:00", "Mo-Fr 09:00-15:00"),
        ("Δευ-Παρ 9-3", "Mo-Fr 09:00-15:00"),
        ("Τρίτη & Πέμπτη 17:00-20:00", "Tu,Th 17:00-20:00"),
        ("Τρ., Πε. 17.00 - 20.00", "Tu,Th 17:00-20:00"),
        ("Καθημερινά 9-13 και 17-20", "Mo-Su 09:00-13:00,17:00-20:00"),
        ("Δευ-Παρ 9-3, Σάβ 10-13", "Mo-Fr 09:00-15:00; Sa 10:00-13:00"),
        ("Δευτέρα έως Παρασκευή από 9π.μ. έως 3μ.μ.", "Mo-Fr 09:00-15:00"),
        ("Σαββατοκύριακο κλειστό", "Sa,Su off"),
        ("24ωρο", "24/7"),
    ],
)
def test_opening_hours_in_osm_syntax_or_common_greek_forms(text, osm):
    assert clean_hours(text) == (osm, "", None)


@pytest.mark.parametrize(
    "text", ["Κατόπιν ραντεβού", "Δευ-Παρ πρωί", "Τρίτη 20-18:30", "Δευτέρα", "9-3 ή 10-4 ανάλογα"]
)
def test_hours_we_cannot_read_are_kept_as_text_with_a_warning(context, text):
    row = clean({"hours": text}, context, headers={"hours": "Ωράριο"})
    assert (row.opening_hours, row.opening_hours_text) == ("", text)
    assert [(w.column, w.value) for w in row.warnings] == [("Ωράριο", text)]
    assert row.errors == []


# --- the postcode against the coordinates ----------------------------------------------------


def test_a_postcode_far_from_the_coordinates_is_a_warning(db):
    asked = []

    def holds(postcode: str, lon: float, lat: float) -> bool | None:
        # Stands in for geo.postcodes.PostcodeCheck.holds: 10xxx-11xxx is Athens, at 37.9-38.1.
        asked.append(postcode)
        return postcode.startswith(("10", "11")) == (37.9 < lat < 38.1)

    context = CleaningContext.from_db(postcode_holds=holds)
    athens = {"lat": "37.9874", "lon": "23.7322"}
    assert clean({**athens, "postcode": "10683"}, context).warnings == []
    row = clean({**athens, "postcode": "54622"}, context)
    assert row.ok  # the coordinates win; the coordinator is told
    assert "not where the coordinates" in row.warnings[0].reason
    # The same postcode in the same 1 km cell is answered from memory, not asked again.
    clean({"lat": "37.98745", "lon": "23.73221", "postcode": "10683"}, context)
    assert asked == ["10683", "54622"]


def test_a_chunk_checks_postcodes_as_row_by_row_would(db):
    """The chunk's postcode answers, asked at once of PostcodeCheck.holds_many, are those of
    rows cleaned one by one, the ones remembered by 1 km cell included."""
    rng = np.random.default_rng(3)
    codes = ["10683", "16121", "41222", "54622", "84500", "99999"]
    rows = [
        {
            "name": "Δομή",
            "postcode": codes[i % len(codes)],
            "lat": f"{lat:.5f}",
            "lon": f"{lon:.5f}",
        }
        for i, (lat, lon) in enumerate(
            zip(rng.uniform(36, 41, 600), rng.uniform(21, 26, 600), strict=True)
        )
    ]
    rows += rows[:50]  # the same cells again: answered from memory
    at_once = clean_rows(
        list(enumerate(rows, start=2)), context=CleaningContext.from_db(postcode_holds=None)
    )
    context = CleaningContext.from_db(postcode_holds=None)
    context = dataclasses.replace(context, postcode_holds_many=None)  # one point at a time
    one_by_one = [clean_row(i, v, context=context) for i, v in enumerate(rows, start=2)]
    assert at_once == one_by_one
    assert 50 < sum("not where the coordinates" in str(r.warnings) for r in at_once) < 500


# --- the sample file of traps, read, mapped and cleaned --------------------------------------


def test_the_traps_file_end_to_end(context):
    table = open_table(DATA / "listings_traps.csv")
    mapping = map_columns(table.headers)
    rows = {
        n: clean_row(n, mapping.values(cells), context=context, headers=mapping.columns())
        for n, cells in table.rows()
    }
    assert rows[2].ok and rows[2].coordinates_grid == "egsa87"
    assert rows[3].ok and rows[3].point.coords == (23.7275, 37.9838)
    assert rows[3].opening_hours == "24/7"
    assert rows[4].ok and rows[4].categories == ["housing"]
    assert [e.column for e in rows[5].errors] == ["lat"]
    assert rows[5].errors[0].reason.startswith("the point (41.03690, 28.98500) is outside Greece")
    five = rows[6]
    assert five.name == "ΚΟΙΝΩΝΙΚΟ ΠΑΝΤΟΠΩΛΕΙΟ" and five.address == "ΝΟΤΑΡΑ 34"
    assert five.postcode == "10683"
    assert five.phones == ["+302101234567", "+306971234567"]
    assert five.categories == ["food"]
    assert five.opening_hours_text == "Κατόπιν ραντεβού"
    assert [(e.column, e.value) for e in five.errors] == [("E-mail", "not-an-email")]
    assert {e.column for e in rows[7].errors} == {"ΤΚ", "Τηλέφωνο", "Κατηγορία"}
    assert rows[7].opening_hours == "Mo-Fr 09:00-17:00"


def test_without_regional_units_the_outline_is_a_bounding_box(db):
    from geo.models import Area

    Area.objects.filter(level=Area.Level.REGIONAL_UNIT).delete()
    context = CleaningContext.from_db(postcode_holds=None)
    assert context.boundary == "bounding box (no regional units loaded)"
    assert clean({"lat": "37.9874", "lon": "23.7322"}, context).ok
    assert not clean({"lat": "45.0", "lon": "23.7"}, context).ok
