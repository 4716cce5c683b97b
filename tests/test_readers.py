"""Reading the awkward sample spreadsheets in tests/data (made by tests/data/make_samples.py)."""

import csv
import tracemalloc
import zipfile
from pathlib import Path

import pytest

# Imported here so that tracemalloc below measures reading, not importing the readers.
import importers.readers.archive
import importers.readers.ods
import importers.readers.xlsx  # noqa: F401
from importers.errors import UnreadableFile
from importers.readers import Limits, open_table
from importers.readers.csv import detect_delimiter, detect_encoding

DATA = Path(__file__).parent / "data"
GREEK_CSVS = [
    ("listings_cp1253.csv", "cp1253", ";"),
    ("listings_iso8859_7.csv", "iso8859-7", ","),
    ("listings_utf8_bom_semicolon.csv", "utf-8-sig", ";"),
    ("listings_utf16.csv", "utf-16", "\t"),
    ("listings_sep_line.csv", "utf-8", ","),
]


def rows_of(name: str, **kwargs) -> list[tuple[int, list[str]]]:
    return list(open_table(DATA / name, **kwargs).rows())


@pytest.mark.parametrize(("name", "encoding", "delimiter"), GREEK_CSVS)
def test_greek_csv_exports_are_read_with_their_encoding_and_delimiter(name, encoding, delimiter):
    table = open_table(DATA / name)
    assert (table.format, table.encoding, table.delimiter) == ("csv", encoding, delimiter)
    assert table.headers[:3] == ["Επωνυμία", "Διεύθυνση", "Τ.Κ."]
    assert table.header_row == 1
    rows = list(table.rows())
    assert [n for n, _ in rows] == [2, 3, 4]
    # Ά is 0xA2 in cp1253 and 0xB6 in ISO-8859-7: the wrong guess gives '’στεγοι' or '¶στεγοι'.
    assert rows[1][1][0] == "Άστεγοι Αλληλεγγύη Άγιου Παντελεήμονα"
    assert rows[0][1][0] == "Κοινωνικό Ιατρείο Εξαρχείων"


def test_cp1253_smart_quotes_and_euro_survive():
    rows = rows_of("listings_cp1253.csv")
    assert rows[0][1][12] == "“Δωρεάν” εξετάσεις – φάρμακα, €0"


def test_iso8859_7_quote_marks_are_not_mistaken_for_alpha_with_tonos():
    rows = rows_of("listings_iso8859_7.csv")
    assert rows[1][1][12] == "Συσσίτιο κάθε Τρίτη - ‘Άρτος’ για όλους"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Άργος, Άνω Λιόσια", "cp1253"),  # only Ά tells them apart
        ("“Ηλιος” – 5€", "cp1253"),  # 0x80-0x9F are printable only in cp1253
        ("Αθήνα, Πειραιάς", "cp1253"),  # identical in both: Excel's encoding by default
    ],
)
def test_cp1253_is_told_from_iso8859_7_by_the_bytes_where_they_differ(tmp_path, text, expected):
    path = tmp_path / "a.csv"
    path.write_bytes(f"Όνομα;Πόλη\n{text};x\n".encode(expected))
    assert detect_encoding(path)[0] == expected
    assert next(open_table(path).rows())[1][0] == text.split(";")[0]


def test_iso8859_7_alpha_with_tonos_is_recognised(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("Όνομα;Πόλη\nΆργος;Άνω Λιόσια\n".encode("iso8859-7"))
    assert detect_encoding(path)[0] == "iso8859-7"
    assert next(open_table(path).rows())[1] == ["Άργος", "Άνω Λιόσια"]


def test_utf8_bom_semicolons_keep_decimal_commas_and_quoted_newlines():
    rows = rows_of("listings_utf8_bom_semicolon.csv")
    # The first record spans two lines of the file but is one row of the sheet.
    assert rows[0][0] == 2
    assert rows[0][1][12] == "Πρώτη γραμμή\nδεύτερη γραμμή; με ερωτηματικό"
    assert rows[1][0] == 3
    assert rows[1][1][10:12] == ["38,0003", "23,7270"]


def test_a_sep_line_sets_the_delimiter_and_is_not_a_row():
    table = open_table(DATA / "listings_sep_line.csv")
    assert table.delimiter == ","
    assert table.headers[0] == "Επωνυμία"
    assert [n for n, _ in table.rows()] == [2, 3, 4]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("a;b;c\n1,5;2,5;3\n4;5,1;6\n", ";"),
        ("a,b,c\n1.5,2.5,3\n", ","),
        ("a\tb\n1,2\t3\n", "\t"),
        ("sep=|\na|b\n", "|"),
        ('"name, with comma";b\n"x, y";z\n', ";"),
    ],
)
def test_delimiter_detection(sample, expected):
    assert detect_delimiter(sample) == expected


def test_rows_can_be_read_again_and_short_rows_are_padded(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Όνομα,Πόλη,ΤΚ\nΑ,Β\n\n,,\nΓ,Δ,10683,extra\n", encoding="utf-8")
    table = open_table(path)
    first = list(table.rows())
    assert first == list(table.rows())
    # Blank rows are skipped but counted, so row numbers stay those of the file.
    assert first == [(2, ["Α", "Β", ""]), (5, ["Γ", "Δ", "10683", "extra"])]


def test_xlsx_merged_cells_are_filled_and_formulas_read_as_their_values():
    table = open_table(DATA / "listings_merged_formulas.xlsx")
    assert (table.format, table.sheet, table.sheet_names) == ("xlsx", "Δομές", ["Δομές", "Φύλλο2"])
    # The merged title in row 1 is skipped; the header is row 2.
    assert table.header_row == 2
    assert table.warnings == ["The header is row 2; rows above it were skipped."]
    assert table.headers[0] == "Φορέας"
    rows = dict(table.rows())
    assert [rows[n][0] for n in (3, 4, 5)] == ["Δίκτυο Αλληλεγγύης Κυψέλης"] * 3
    assert rows[5][2] == rows[5][3] == "Αγίας Ζώνης 15, 113 61"  # merged C5:D5
    assert [rows[n][8] for n in (3, 4, 5)] == ["2", "4", "Ρουχισμός (αντίγραφο)"]  # formulas


def test_xlsx_numbers_have_no_spurious_decimals_and_dates_are_iso():
    rows = dict(open_table(DATA / "listings_merged_formulas.xlsx").rows())
    assert rows[3][3:8] == ["11257", "2108812345", "37.9985", "23.742", "2024-05-01"]
    assert rows[4][7] == "2024-05-01 12:00"
    assert rows[5][5] == "38"


def test_a_named_sheet_is_read_and_an_unknown_one_refused():
    table = open_table(DATA / "listings_merged_formulas.xlsx", sheet="Φύλλο2")
    assert list(table.rows()) == [(2, ["Στέκι Μεταναστών", "Θεσσαλονίκη"])]
    with pytest.raises(
        UnreadableFile, match="no sheet named 'Λάθος'; its sheets are Δομές, Φύλλο2"
    ):
        open_table(DATA / "listings_merged_formulas.xlsx", sheet="Λάθος")


def test_ods_with_a_million_empty_repeated_rows_is_read_quickly_in_little_memory():
    tracemalloc.start()
    try:
        table = open_table(DATA / "listings_repeated.ods")
        rows = list(table.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000
    assert table.headers == ["Φορέας", "Επωνυμία", "Τηλέφωνο", "Γεωγρ. πλάτος", "Γεωγρ. μήκος"]
    assert rows == [
        (3, ["Στέκι Μεταναστών", "Μαθήματα ελληνικών", "2310123456", "40.6401", "22.9444"]),
        (4, ["Στέκι Μεταναστών", "Μαθήματα ελληνικών", "2310123457", "40.64", "22.9"]),
        (5, ["Στέκι Μεταναστών", "Νομική βοήθεια", "2310123458", "2024-05-01", ""]),
    ]


def test_ods_named_sheet():
    table = open_table(DATA / "listings_repeated.ods", sheet="Αρχείο")
    assert table.sheet_names == ["Δομές", "Αρχείο"]
    assert list(table.rows()) == [(2, ["Παλιό", "Βόλος"])]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("repeated_bomb.ods", "repeats the value 'x' over 16,384 columns x 1,048,575 rows"),
        ("huge_dimension.xlsx", "claims 16,384 columns x 1,048,576 rows"),
        ("zip_bomb.xlsx", "looks like a zip bomb"),
        ("entities.ods", "damaged ODS"),
    ],
)
def test_bombs_are_refused_before_being_read(name, message):
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match=message):
            list(open_table(DATA / name).rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, settings):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.write(b"a,b\n")
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(UnreadableFile, match=r"is 209\.7 MB; the limit is 52\.4 MB"):
        open_table(path)
    settings.GEITONIA_IMPORT_MAX_BYTES = 10
    small = tmp_path / "small.csv"
    small.write_text("Όνομα,Πόλη\nΑ,Β\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="GEITONIA_IMPORT_MAX_BYTES"):
        open_table(small)


def test_total_uncompressed_size_is_limited(tmp_path):
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/workbook.xml", b"x" * 3000)
    with pytest.raises(UnreadableFile, match="would expand to"):
        open_table(path, limits=Limits(max_bytes=10_000, max_uncompressed_bytes=2000))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel 97-2003 \(\.xls\)"),
        (b"PK\x03\x04 truncated", "not a valid zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "neither a spreadsheet"),
        ("μόνο μία στήλη\nκαι άλλη\n".encode(), "no header row"),
    ],
)
def test_broken_files_are_refused_with_a_sentence(tmp_path, content, message):
    path = tmp_path / "file.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        list(open_table(path).rows())


def test_a_truncated_workbook_is_refused(tmp_path):
    data = (DATA / "listings_merged_formulas.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile):
        list(open_table(path).rows())


def test_zip_that_is_not_a_spreadsheet_is_refused(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnreadableFile, match="neither an XLSX nor an ODS"):
        open_table(path)


def _peak_reading(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in open_table(path).rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_csv_memory_does_not_grow_with_the_file(tmp_path):
    def write(path: Path, rows: int) -> Path:
        with path.open("w", encoding="cp1253", newline="") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(["Επωνυμία", "Διεύθυνση", "Γεωγρ. πλάτος", "Γεωγρ. μήκος"])
            for i in range(rows):
                writer.writerow([f"Δομή {i}", f"Άγιου Μελετίου {i}", "37,98", "23,73"])
        return path

    small = write(tmp_path / "small.csv", 20_000)
    large = write(tmp_path / "large.csv", 100_000)
    assert large.stat().st_size > 4_000_000
    small_count, small_peak = _peak_reading(small)
    large_count, large_peak = _peak_reading(large)
    assert (small_count, large_count) == (20_000, 100_000)
    # Detection reads 1 MB chunks; after that only one record is held at a time.
    assert large_peak < 8_000_000
    assert large_peak < 1.5 * small_peak + 1_000_000
