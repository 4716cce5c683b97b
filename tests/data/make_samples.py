# ruff: noqa: E501  -- the XML parts of XLSX/ODS are kept verbatim, one element per line
"""Writes the awkward sample spreadsheets in tests/data/ (run: python tests/data/make_samples.py).

Every file is built byte by byte (CSV encodings, the XML inside XLSX/ODS) so each trap is exactly
the one a coordinator's export contains, and the output is reproducible (fixed zip timestamps).
The generated files are committed; tests read them, they never regenerate them.
"""

import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
STAMP = (2024, 5, 1, 12, 0, 0)

HEADER = [
    "Επωνυμία",
    "Διεύθυνση",
    "Τ.Κ.",
    "Δήμος",
    "Τηλέφωνο",
    "Email",
    "Ιστοσελίδα",
    "Κατηγορία",
    "Γλώσσες",
    "Ωράριο",
    "Γεωγρ. πλάτος",
    "Γεωγρ. μήκος",
    "Περιγραφή",
]
# Ά, smart quotes, €, en dash: the characters where cp1253 and ISO-8859-7 differ.
ROWS = [
    [
        "Κοινωνικό Ιατρείο Εξαρχείων",
        "Νοτάρα 34 & Δεληγιάννη",
        "106 83",
        "Αθηναίων",
        "210 3301234 / 6971234567",
        "info@iatreio.example.gr",
        "iatreio.example.gr",
        "Υγεία",
        "Ελληνικά, Αγγλικά, Αραβικά",
        "Δευ-Παρ 9-3",
        "37,9874",
        "23,7322",
        "“Δωρεάν” εξετάσεις – φάρμακα, €0",
    ],
    [
        "Άστεγοι Αλληλεγγύη Άγιου Παντελεήμονα",
        "Αχαρνών 120",
        "10446",
        "Αθηναίων",
        "2108234567",
        "",
        "https://allileggyi.example.org",
        "Τρόφιμα; Ρουχισμός",
        "Ελληνικά, Φαρσί",
        "Τρίτη & Πέμπτη 17:00-20:00",
        "38,0003",
        "23,7270",
        "Συσσίτιο κάθε Τρίτη – “Άρτος” για όλους",
    ],
    [
        "Νομική Βοήθεια Πειραιά",
        "Ακτή Μιαούλη 10",
        "18535",
        "Πειραιώς",
        "210 4123456",
        "law@example.gr",
        "",
        "Νομική υποστήριξη",
        "Ελληνικά, Αγγλικά",
        "Δευτέρα-Παρασκευή 09:00-15:00",
        "37,9420",
        "23,6465",
        "Άσυλο και εργασιακά – ραντεβού",
    ],
]


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def csv_text(rows: list[list[str]], *, delimiter: str, newline: str = "\r\n") -> str:
    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + newline for row in rows)


def make_csvs() -> None:
    table = [HEADER, *ROWS]
    # Excel on Greek Windows, "CSV (delimited)": cp1253, semicolons, decimal commas.
    write("listings_cp1253.csv", csv_text(table, delimiter=";").encode("cp1253"))
    # The same in ISO-8859-7 (LibreOffice with "Greek (ISO-8859-7)"): no €-range bytes, so the
    # smart quotes become ‘ ’ (0xA1/0xA2) and “ ” are replaced by plain quotes.
    iso_rows = [
        [v.replace("“", "‘").replace("”", "’").replace("–", "-").replace("€", "EUR") for v in r]
        for r in table
    ]
    write("listings_iso8859_7.csv", csv_text(iso_rows, delimiter=",").encode("iso8859-7"))
    # "CSV UTF-8" from Excel: a BOM, semicolons, decimal commas, a description with a newline.
    bom_rows = [r[:] for r in table]
    bom_rows[1][12] = "Πρώτη γραμμή\nδεύτερη γραμμή; με ερωτηματικό"
    write(
        "listings_utf8_bom_semicolon.csv",
        b"\xef\xbb\xbf" + csv_text(bom_rows, delimiter=";").encode("utf-8"),
    )
    # "Unicode text" from Excel: UTF-16 LE with a BOM, tab-delimited.
    write("listings_utf16.csv", csv_text(table, delimiter="\t").encode("utf-16"))
    # A `sep=` line (Excel's hint), then commas; decimal points.
    dot_rows = [HEADER] + [
        [v.replace(",", ".") if i in (10, 11) else v for i, v in enumerate(r)] for r in ROWS
    ]
    write("listings_sep_line.csv", ("sep=,\r\n" + csv_text(dot_rows, delimiter=",")).encode())
    write("listings_traps.csv", csv_text(TRAPS, delimiter=",").encode("utf-8"))


# Every cleaning trap, one per row: ΕΓΣΑ87, swapped, DMS, outside Greece, homoglyphs, hours.
TRAPS = [
    [
        "Επωνυμία",
        "Διεύθυνση",
        "ΤΚ",
        "Τηλέφωνο",
        "E-mail",
        "Κατηγορία",
        "Ωράριο",
        "lat",
        "lon",
        "X ΕΓΣΑ87",
        "Y ΕΓΣΑ87",
    ],
    # 2: Greek Grid metres only
    [
        "Κέντρο Ημέρας",
        "Πατησίων 100",
        "10434",
        "2108212345",
        "",
        "Κοινωνική υπηρεσία",
        "",
        "",
        "",
        "476000",
        "4205000",
    ],
    # 3: latitude and longitude swapped
    ["Ιματιοθήκη", "Φυλής 50", "10434", "", "", "Ρουχισμός", "24/7", "23.7275", "37.9838", "", ""],
    # 4: degrees, minutes, seconds
    ["Ξενώνας", "Κυψέλης 5", "11257", "", "", "housing", "", "37°59'10\"N", "23°43'40\"E", "", ""],
    # 5: outside Greece (Istanbul)
    ["Εκτός Ελλάδας", "Istiklal 1", "", "", "", "Υγεία", "", "41.0369", "28.9850", "", ""],
    # 6: Latin look-alikes in Greek words, two phones joined by a dash, a bad e-mail
    [
        "KOINΩNIKO ΠANTOΠΩΛEIO",
        "ΝOTAPA 34",
        "Τ.Κ. 106 83",
        "210 1234567-6971234567",
        "not-an-email",
        "Κοινωνικό παντοπωλείο",
        "Κατόπιν ραντεβού",
        "37.9874",
        "23.7322",
        "",
        "",
    ],
    # 7: invalid postcode, phone and category
    [
        "Λάθη",
        "Οδός 1",
        "0683",
        "555 1234",
        "a@b.gr",
        "Διαστημική βοήθεια",
        "Mo-Fr 09:00-17:00",
        "",
        "",
        "",
        "",
    ],
]


def zip_bytes(members: list[tuple[str, bytes]], *, first_stored: bool = False) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(members):
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = (
                zipfile.ZIP_STORED if (first_stored and i == 0) else zipfile.ZIP_DEFLATED
            )
            zf.writestr(info, data)
    return buffer.getvalue()


# --- XLSX ------------------------------------------------------------------------------------
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Δομές" sheetId="1" r:id="rId1"/><sheet name="Φύλλο2" sheetId="2" r:id="rId2"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
# Style 1 is a date (numFmtId 14), as Excel stores "1/5/2024".
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def xlsx_cell(ref: str, value: object, *, formula: str | None = None, style: int = 0) -> str:
    f = f"<f>{escape(formula)}</f>" if formula else ""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        if formula:  # a formula's cached string result
            return f'<c r="{ref}" t="str"{s}>{f}<v>{escape(value)}</v></c>'
        return f'<c r="{ref}" t="inlineStr"{s}><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}>{f}<v>{value}</v></c>'


def sheet_xml(rows: dict[int, str], *, dimension: str, merges: list[str] = ()) -> str:
    body = "".join(f'<row r="{n}">{cells}</row>' for n, cells in sorted(rows.items()))
    merge = ""
    if merges:
        merge = (
            f'<mergeCells count="{len(merges)}">'
            + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
            + "</mergeCells>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData>{merge}</worksheet>'
    )


def xlsx(sheet1: str, sheet2: str) -> bytes:
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES.encode()),
            ("_rels/.rels", ROOT_RELS.encode()),
            ("xl/workbook.xml", WORKBOOK.encode()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.encode()),
            ("xl/styles.xml", STYLES.encode()),
            ("xl/worksheets/sheet1.xml", sheet1.encode()),
            ("xl/worksheets/sheet2.xml", sheet2.encode()),
        ]
    )


def make_xlsx() -> None:
    header = [
        "Φορέας",
        "Επωνυμία",
        "Διεύθυνση",
        "ΤΚ",
        "Τηλέφωνο",
        "Γεωγρ. πλάτος",
        "Γεωγρ. μήκος",
        "Τελευταία ενημέρωση",
        "Σύνολο",
    ]
    cols = "ABCDEFGHI"

    def row(n: int, values: list[object], formulas: dict[int, str] = {}) -> str:  # noqa: B006
        cells = []
        for i, v in enumerate(values):
            if v is None:
                continue
            style = 1 if i == 7 else 0
            cells.append(xlsx_cell(f"{cols[i]}{n}", v, formula=formulas.get(i), style=style))
        return "".join(cells)

    rows = {
        # A title merged across the sheet, above the header.
        1: xlsx_cell("A1", "Δομές αλληλεγγύης – Μάιος 2024"),
        2: row(2, header),
        # The organisation is merged down A3:A5; postcode and phone stored as numbers;
        # coordinates as floats; I3 a formula with its cached value; H a date (serial 45413).
        3: row(
            3,
            [
                "Δίκτυο Αλληλεγγύης Κυψέλης",
                "Ιατρείο",
                "Φωκίωνος Νέγρη 20",
                11257,
                2108812345,
                37.9985,
                23.7420,
                45413,
                2,
            ],
            {8: "1+1"},
        ),
        4: row(
            4,
            [
                None,
                "Παντοπωλείο",
                "Φωκίωνος Νέγρη 20",
                11257,
                2108812346,
                37.9985,
                23.742,
                45413.5,
                4.0,
            ],
            {8: "I3*2"},
        ),
        # B5 string formula result; C5:D5 merged horizontally (address spans the postcode).
        5: row(
            5,
            [
                None,
                "Ρουχισμός",
                "Αγίας Ζώνης 15, 113 61",
                None,
                None,
                38.0,
                23.74,
                None,
                "Ρουχισμός (αντίγραφο)",
            ],
            {8: 'B5&" (αντίγραφο)"'},
        ),
    }
    merges = ["A1:I1", "A3:A5", "C5:D5"]
    sheet1 = sheet_xml(rows, dimension="A1:I5", merges=merges)
    sheet2 = sheet_xml(
        {
            1: xlsx_cell("A1", "Επωνυμία") + xlsx_cell("B1", "Πόλη"),
            2: xlsx_cell("A2", "Στέκι Μεταναστών") + xlsx_cell("B2", "Θεσσαλονίκη"),
        },
        dimension="A1:B2",
    )
    write("listings_merged_formulas.xlsx", xlsx(sheet1, sheet2))
    # Three real cells, but the sheet claims every cell Excel allows: 16384 x 1048576.
    claims = sheet_xml(
        {1: xlsx_cell("A1", "Επωνυμία") + xlsx_cell("B1", "Πόλη"), 2: xlsx_cell("A2", "Κάτι")},
        dimension="A1:XFD1048576",
    )
    write("huge_dimension.xlsx", xlsx(claims, sheet2))


def make_zip_bomb() -> None:
    """An XLSX whose sheet expands from ~200 KB to 200 MB (declared in the zip directory)."""
    size = 200 * 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b" " * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(compressor.flush())
    deflated = b"".join(parts)
    crc = 0
    for _ in range(size // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    plain = xlsx(sheet_xml({}, dimension="A1"), sheet_xml({}, dimension="A1"))
    import io

    buffer = io.BytesIO(plain)
    with zipfile.ZipFile(buffer, "a") as zf:
        info = zipfile.ZipInfo("xl/worksheets/sheet3.xml", date_time=STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        # Write the pre-compressed member by hand: zipfile would compress 200 MB itself.
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        info.CRC, info.compress_size, info.file_size = crc, len(deflated), size
        info._compresslevel = 9
        zf.fp.write(info.FileHeader(zip64=False))
        zf.fp.write(deflated)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
        zf._didModify = True
    write("zip_bomb.xlsx", buffer.getvalue())


# --- ODS -------------------------------------------------------------------------------------
ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"'
)
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def ods_string(text: str, extra: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string"{extra}>'
        f"<text:p>{escape(text)}</text:p></table:table-cell>"
    )


def ods_float(value: str, shown: str, extra: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}"{extra}>'
        f"<text:p>{shown}</text:p></table:table-cell>"
    )


def ods(tables: str, *, prolog: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f"<office:document-content {ODS_NS}><office:body><office:spreadsheet>"
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    return zip_bytes(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", MANIFEST.encode()),
            ("content.xml", content.encode()),
        ],
        first_stored=True,
    )


EMPTY_TAIL = '<table:table-cell table:number-columns-repeated="16380"/>'


def make_ods() -> None:
    row = "<table:table-row>{}</table:table-row>".format
    header = "".join(
        ods_string(h) for h in ["Φορέας", "Επωνυμία", "Τηλέφωνο", "Γεωγρ. πλάτος", "Γεωγρ. μήκος"]
    )
    rows = [
        # A title merged across five columns (LibreOffice writes the covered cells).
        row(
            ods_string("Δομές – Θεσσαλονίκη", ' table:number-columns-spanned="5"')
            + '<table:covered-table-cell table:number-columns-repeated="4"/>'
            + EMPTY_TAIL
        ),
        row(header + EMPTY_TAIL),
        # The organisation merged down three rows; numbers with and without decimals; a
        # formula whose cached value is the text; spaces written as <text:s/>.
        row(
            ods_string("Στέκι Μεταναστών", ' table:number-rows-spanned="3"')
            + ods_string("Μαθήματα ελληνικών")
            + ods_float("2310123456", "2310 123456")
            + ods_float("40.6401", "40,6401")
            + ods_float("22.9444", "22,9444")
            + EMPTY_TAIL
        ),
        row(
            "<table:covered-table-cell/>"
            + '<table:table-cell table:formula="of:=B3" office:value-type="string">'
            "<text:p>Μαθήματα<text:s/>ελληνικών</text:p></table:table-cell>"
            + ods_float("2310123457", "2310123457")
            + ods_float("40.64", "40,64")
            + ods_float("22.9", "22,9")
            + EMPTY_TAIL
        ),
        row(
            "<table:covered-table-cell/>"
            + ods_string("Νομική βοήθεια")
            + ods_float("2310123458.0", "2310123458")
            + '<table:table-cell office:value-type="date" office:date-value="2024-05-01">'
            "<text:p>01/05/24</text:p></table:table-cell>" + EMPTY_TAIL
        ),
        # LibreOffice's tail: a million empty rows, sixteen thousand empty cells each.
        '<table:table-row table:number-rows-repeated="1048571">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
    ]
    second = (
        '<table:table table:name="Αρχείο">'
        + row(ods_string("Επωνυμία") + ods_string("Πόλη"))
        + row(ods_string("Παλιό") + ods_string("Βόλος"))
        + "</table:table>"
    )
    tables = f'<table:table table:name="Δομές">{"".join(rows)}</table:table>{second}'
    write("listings_repeated.ods", ods(tables))
    # A cell with content repeated over the whole sheet: 16384 x 1048576 copies of "x".
    bomb = (
        '<table:table table:name="Φύλλο1">'
        + row(ods_string("Επωνυμία") + ods_string("Πόλη"))
        + '<table:table-row table:number-rows-repeated="1048575">'
        + ods_string("x", ' table:number-columns-repeated="16384"')
        + "</table:table-row></table:table>"
    )
    write("repeated_bomb.ods", ods(bomb))
    # An entity expansion (billion laughs) in content.xml: defusedxml refuses it.
    laughs = (
        '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    entity_cell = (
        '<table:table-cell office:value-type="string"><text:p>&c;</text:p></table:table-cell>'
    )
    write(
        "entities.ods",
        ods(
            '<table:table table:name="A">'
            + row(ods_string("Επωνυμία") + entity_cell)
            + "</table:table>",
            prolog=laughs,
        ),
    )


def main() -> None:
    make_csvs()
    make_xlsx()
    make_zip_bomb()
    make_ods()
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".csv", ".xlsx", ".ods"):
            print(f"{path.name:40} {path.stat().st_size:>9,} bytes")


if __name__ == "__main__":
    main()
