"""Fuzzing the cleaners and the CSV reader: whatever the input, no exception escapes; every
problem is a RowError (cleaning) or an UnreadableFile (reading). Example counts stay modest."""

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.cleaning import CleaningContext, CleanRow, clean_row
from importers.cleaning.coordinates import LAT_RANGE, LON_RANGE
from importers.cleaning.hours import clean_hours
from importers.columns import FIELDS, map_columns
from importers.errors import RowError, UnreadableFile
from importers.readers import open_table

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
# Greek letters with and without accents, Latin look-alikes, digits and the punctuation that
# spreadsheets put in coordinates, phones, postcodes and hours.
ALPHABET = st.sampled_from(
    list("αβγδεζηθικλμνξοπρστυφχψωςάέήίόύώϊΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏ")
    + list("ABEHIKMNOPTXYZaeiopxvu0123456789")
    + list(" ,.;:-/+()°'\"′″–—&|@_\n\t€#%=\\")
    + ["\u00a0", "\u2212", "\x00", "\ufeff", "\u202e", "😀"]
)
text = st.text(ALPHABET, max_size=40)
fragments = st.sampled_from(
    [
        "37",
        "23",
        "38,0",
        "23.73",
        "4205000",
        "476000",
        "°",
        "'",
        '"',
        "N",
        "E",
        "Β",
        "Α",
        "210",
        "6971234567",
        "+30",
        "0030",
        "/",
        "-",
        " - ",
        "106 83",
        "Τ.Κ.",
        "Δευ",
        "Παρ",
        "9-3",
        "17:00-20:00",
        "&",
        "και",
        "καθημερινά",
        "κλειστό",
        "24/7",
        "Mo-Fr",
        "@",
        ".gr",
        "http://",
        "javascript:",
        "www.",
        "Υγεία",
        "Τρόφιμα",
        "Ελληνικά",
        "ναι",
        "31/5/2024",
        "1e308",
        "nan",
        "inf",
        "-0",
        "99999999999999999999",
        " ",
    ]
)
structured = st.lists(fragments, max_size=8).map("".join)
cell = st.one_of(text, structured)


@pytest.fixture
def context(db) -> CleaningContext:
    return CleaningContext.from_db(postcode_holds=None)


def check(result: CleanRow, row: int) -> None:
    assert isinstance(result, CleanRow)
    for problem in result.errors + result.warnings:
        assert isinstance(problem, RowError)
        assert problem.row == row
        assert isinstance(problem.value, str) and problem.reason
        # The catch-all in clean_row is a safety net, not a way to report problems.
        assert "could not be read" not in problem.reason, problem
    if result.point is not None:
        assert result.point.srid == 4326
        assert LAT_RANGE[0] <= result.point.y <= LAT_RANGE[1]
        assert LON_RANGE[0] <= result.point.x <= LON_RANGE[1]
    assert all(p.startswith("+30") or p.isdigit() for p in result.phones)
    assert len(result.postcode) in (0, 5)


def test_clean_row_never_raises_on_any_cells(context):
    @FUZZ
    @given(row=st.integers(2, 10**6), values=st.dictionaries(st.sampled_from(list(FIELDS)), cell))
    def run(row: int, values: dict[str, str]) -> None:
        check(clean_row(row, values, context=context), row)

    run()


def test_coordinates_written_any_way_land_on_the_same_point(context):
    @FUZZ
    @given(
        lat=st.floats(35.0, 41.0).map(lambda v: round(v, 5)),
        lon=st.floats(20.0, 28.0).map(lambda v: round(v, 5)),
        comma=st.booleans(),
        swap=st.booleans(),
    )
    def run(lat: float, lon: float, comma: bool, swap: bool) -> None:
        a, b = f"{lat:.5f}", f"{lon:.5f}"
        if comma:
            a, b = a.replace(".", ","), b.replace(".", ",")
        if swap:
            a, b = b, a
        result = clean_row(2, {"name": "x", "lat": a, "lon": b}, context=context)
        check(result, 2)
        if result.point is not None:  # some points of the box are at sea or abroad
            assert result.point.coords == pytest.approx((lon, lat))
        else:
            assert "outside Greece" in result.errors[0].reason

    run()


@FUZZ
@given(st.one_of(text, structured))
def test_hours_are_osm_syntax_or_kept_as_text(value):
    osm, kept, warning = clean_hours(value)
    assert not (osm and kept)
    assert bool(kept) == bool(warning)


def _write(data: bytes) -> Path:
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as f:
        f.write(data)
    return Path(f.name)


def _read_all(path: Path) -> None:
    try:
        table = open_table(path)
        for number, cells in table.rows():
            assert number > table.header_row
            assert all(isinstance(c, str) for c in cells)
    except UnreadableFile as e:
        assert str(e)
    finally:
        path.unlink()


@FUZZ
@given(st.binary(max_size=2000))
def test_csv_reader_on_random_bytes_reads_or_refuses(data):
    _read_all(_write(data))


@FUZZ
@given(
    st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1253", "iso8859-7"]),
    st.sampled_from([",", ";", "\t"]),
)
def test_csv_reader_on_random_tables_reads_or_refuses(rows, encoding, delimiter):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    _read_all(_write(buffer.getvalue().encode(encoding, errors="replace")))


# Words as Greeks write them: an optional capital (Ά is where the 8-bit encodings differ) and
# small letters or digits.
greek_word = st.builds(
    str.__add__,
    st.sampled_from(["", "Ά", "Έ", "Α", "Ω"]),
    st.text(st.sampled_from(list("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώς0123456789")), min_size=1),
).map(lambda w: w[:12])


@FUZZ
@given(
    width=st.integers(2, 6),
    body=st.lists(st.lists(greek_word, min_size=6, max_size=6), min_size=1, max_size=10),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1253", "iso8859-7"]),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_greek_tables_round_trip_through_the_csv_reader(width, body, encoding, delimiter):
    headers = [f"Στήλη {i}" for i in range(width)]
    rows = [r[:width] for r in body]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([headers, *rows])
    path = _write(buffer.getvalue().encode(encoding))
    try:
        table = open_table(path)
        assert table.headers == headers
        assert table.delimiter == delimiter
        assert [cells for _, cells in table.rows()] == rows
    finally:
        path.unlink()


@FUZZ
@given(st.lists(cell, max_size=12), st.dictionaries(st.sampled_from(list(FIELDS)), cell))
def test_column_mapping_never_raises(headers, explicit):
    mapping = map_columns(headers, explicit=explicit)
    assert set(mapping.fields.values()) <= set(range(len(headers)))
    assert isinstance(mapping.problems, list)
    again = map_columns(headers, explicit=mapping.to_dict())
    assert again.fields == mapping.fields
