"""Reading spreadsheets (CSV, XLSX, ODS) as a header and a stream of rows of text.

`open_table(path)` looks at the file (size, format, encoding, delimiter, header) and returns a
`Table`; `Table.rows()` streams the rows from disk each time it is called, so memory stays bounded
whatever the file size. Readers never interpret values (that is importers.cleaning) and never
touch the database.

Row numbers are the ones the coordinator sees in the spreadsheet application:
- XLSX/ODS: the sheet's own row numbers (the header is usually row 1, but if title rows sit above
  it, the header may be row 3 and data start at row 4).
- CSV: one row per record (a quoted newline does not start a new row); the header is row 1.
  A `sep=;` first line is not counted: Excel hides it and shows the header as row 1.
Blank rows are skipped but still counted, so numbers stay true to the file.
"""

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from importers.errors import UnreadableFile
from importers.reasons import Reason

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_CELLS = 10_000_000


@dataclass(frozen=True)
class Limits:
    """How much a file may claim before we refuse it (settings GEITONIA_IMPORT_MAX_*)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    # Cells with content (after expanding repeats and merges); empty repeated cells are free.
    max_cells: int = DEFAULT_MAX_CELLS
    # The sum of the uncompressed sizes in a zip (XLSX/ODS), and the worst ratio of one member.
    max_uncompressed_bytes: int = 8 * DEFAULT_MAX_BYTES
    max_ratio: int = 200

    @classmethod
    def from_settings(cls) -> "Limits":
        max_bytes = getattr(settings, "GEITONIA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
        return cls(
            max_bytes=max_bytes,
            max_cells=getattr(settings, "GEITONIA_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS),
            max_uncompressed_bytes=8 * max_bytes,
        )


@dataclass
class Table:
    """A header and a way to stream the rows below it.

    `rows()` yields `(row_number, cells)`; `cells` has at least `len(headers)` strings (short rows
    are padded with ""; cells beyond the header are kept). Reading may still raise UnreadableFile
    part-way (a broken zip member, an unterminated quote at the end of a CSV).
    """

    path: Path
    format: str  # "csv" | "xlsx" | "ods"
    headers: list[str]
    header_row: int
    encoding: str | None = None  # CSV only: the Python codec name, e.g. "cp1253", "utf-8-sig"
    delimiter: str | None = None  # CSV only
    sheet: str | None = None  # XLSX/ODS only: the sheet read
    sheet_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _rows: Callable[[], Iterator[tuple[int, list[str]]]] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        assert self._rows is not None
        width = len(self.headers)
        for number, cells in self._rows():
            if number <= self.header_row:
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield number, cells


def open_table(path: Path, *, sheet: str | None = None, limits: Limits | None = None) -> Table:
    """Open a CSV, XLSX or ODS file (told apart by content, not by name) and find its header.

    `sheet` names the sheet of a workbook to read (default: the first); it is ignored for CSV.
    Raises UnreadableFile for files that are too large, zip bombs, unknown or broken formats.
    """
    limits = limits or Limits.from_settings()
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise UnreadableFile(f"The file {path.name} cannot be opened: {e.strerror}.") from e
    if size > limits.max_bytes:
        raise UnreadableFile(
            f"The file {path.name} is {size / 1e6:.1f} MB; the limit is "
            f"{limits.max_bytes / 1e6:.1f} MB (GEITONIA_IMPORT_MAX_BYTES). "
            "Split it into smaller files."
        )
    if size == 0:
        raise UnreadableFile(f"The file {path.name} is empty.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            f"{path.name} is an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV."
        )
    if head.startswith(b"PK"):
        from importers.readers import ods, xlsx
        from importers.readers.archive import check_zip

        with _zip(path) as zf:
            check_zip(zf, name=path.name, limits=limits)
            kind = _workbook_kind(zf, name=path.name)
        if kind == "ods":
            return ods.open_ods(path, sheet=sheet, limits=limits)
        return xlsx.open_xlsx(path, sheet=sheet, limits=limits)
    from importers.readers import csv as csv_reader

    return csv_reader.open_csv(path, limits=limits)


def _zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnreadableFile(f"{path.name} looks like a workbook but is not a valid zip.") from e


def _workbook_kind(zf: zipfile.ZipFile, *, name: str) -> str:
    names = set(zf.namelist())
    if "mimetype" in names:
        try:
            mimetype = zf.read("mimetype")[:100]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise UnreadableFile(f"{name} is a damaged workbook.") from e
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        raise UnreadableFile(f"{name} is an OpenDocument file but not a spreadsheet (.ods).")
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UnreadableFile(f"{name} is a zip file but neither an XLSX nor an ODS spreadsheet.")


def find_header(
    rows: Iterator[tuple[int, list[str]]], *, name: str
) -> tuple[int, list[str], list[str]]:
    """The first row with at least two distinct non-empty cells is the header.

    Title rows above it (often one merged cell across the sheet) are skipped with a warning.
    Returns (row number, header cells stripped, warnings).
    """
    warnings: list[str] = []
    for number, cells in rows:
        values = {c.strip() for c in cells if c.strip()}
        if len(values) >= 2:
            if number > 1:
                warnings.append(
                    Reason(
                        gettext_noop("The header is row {row}; rows above it were skipped."),
                        row=number,
                    )
                )
            headers = [c.strip() for c in cells]
            while headers and not headers[-1]:
                headers.pop()
            return number, headers, warnings
        if number >= 50:
            break
    raise UnreadableFile(f"{name} has no header row (a row naming at least two columns).")
