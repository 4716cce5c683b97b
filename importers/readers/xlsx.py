"""XLSX through openpyxl in read-only mode (streamed, defusedxml), formulas as cached values.

openpyxl's read-only worksheets do not expose merged cells, so a byte scan of the sheet's XML
collects the `<mergeCell>` ranges (they come after the data) and the claimed `<dimension>`.
"""

import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from importers.errors import UnreadableFile
from importers.readers import Limits, Table, find_header
from importers.readers.cells import MergedCells, cell_text


def _load(path: Path, notes: list[str] | None = None) -> openpyxl.Workbook:
    """The workbook in read-only mode; openpyxl's warnings (unsupported extensions, missing
    styles) go to `notes` for Table.warnings instead of the process's warning filters."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            workbook = openpyxl.load_workbook(
                path, read_only=True, data_only=True, keep_links=False
            )
        if notes is not None:
            notes.extend(sorted({str(w.message) for w in caught}))
        return workbook
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise UnreadableFile(f"{path.name} is a damaged XLSX workbook ({e}).") from e
    except Exception as e:  # openpyxl raises many kinds (TypeError, ParseError) on broken XML
        raise UnreadableFile(f"{path.name} cannot be read as an XLSX workbook ({e}).") from e


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s[^>]*?ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+\d+:[A-Z]+\d+)\"")


def _sheet_facts(
    path: Path, member: str, *, name: str
) -> tuple[tuple[int, int] | None, list[tuple[int, int, int, int]]]:
    """The claimed size (columns, rows) from <dimension>, and the merged ranges.

    A byte scan, not an XML parse: openpyxl would read the whole sheet once more to size it,
    and the <mergeCell> elements come after the data. Attributes are ASCII, so bytes suffice.
    """
    claim = None
    ranges: list[tuple[int, int, int, int]] = []
    tail = b""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as f:
            while chunk := f.read(1 << 20):
                window = tail + chunk
                if claim is None and (m := _DIMENSION.search(window)):
                    min_col, min_row, max_col, max_row = range_boundaries(m.group(1).decode())
                    claim = ((max_col or min_col or 1), (max_row or min_row or 1))
                for m in _MERGE.finditer(window):
                    if m.end() > len(tail):  # not already seen in the previous window
                        min_col, min_row, max_col, max_row = range_boundaries(m.group(1).decode())
                        ranges.append((min_row, min_col, max_row, max_col))
                if len(ranges) > 100_000:
                    raise UnreadableFile(f"{name} has more than 100,000 merged ranges.")
                tail = window[-300:]
    except UnreadableFile:
        raise
    except Exception as e:  # a truncated member, a bad range reference
        raise UnreadableFile(f"{name} has a damaged sheet ({e}).") from e
    return claim, ranges


def open_xlsx(path: Path, *, sheet: str | None, limits: Limits) -> Table:
    notes: list[str] = []
    wb = _load(path, notes)
    try:
        names = list(wb.sheetnames)
        if not names:
            raise UnreadableFile(f"{path.name} has no sheets.")
        if sheet is not None and sheet not in names:
            raise UnreadableFile(
                f"{path.name} has no sheet named {sheet!r}; its sheets are {', '.join(names)}."
            )
        title = sheet or names[0]
        ws = wb[title]
        if not hasattr(ws, "_worksheet_path"):
            raise UnreadableFile(f"{title!r} in {path.name} is a chart, not a sheet of cells.")
        member = ws._worksheet_path
    finally:
        wb.close()
    claim, merged = _sheet_facts(path, member, name=path.name)
    if claim is not None:
        max_col, max_row = claim
        if max_row * max_col > limits.max_cells:
            raise UnreadableFile(
                f"The sheet {title!r} in {path.name} claims {max_col:,} columns x {max_row:,} "
                f"rows; the limit is {limits.max_cells:,} cells (GEITONIA_IMPORT_MAX_CELLS). "
                "Delete the empty rows and columns and save again."
            )

    def rows() -> Iterator[tuple[int, list[str]]]:
        workbook = _load(path)
        fill = MergedCells(merged, limits=limits, name=path.name)
        cells_seen = 0
        try:
            sheet_ = workbook[title]
            # The <dimension> is only a claim; without it openpyxl pads nothing.
            sheet_.reset_dimensions()
            for number, values in enumerate(sheet_.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                while cells and not cells[-1]:
                    cells.pop()
                cells_seen += len(cells)
                if cells_seen > limits.max_cells:
                    raise UnreadableFile(
                        f"{path.name} has more than {limits.max_cells:,} cells "
                        "(GEITONIA_IMPORT_MAX_CELLS)."
                    )
                yield number, fill.fill(number, cells)
        except UnreadableFile:
            raise
        except Exception as e:  # openpyxl and zipfile raise many kinds on a damaged member
            raise UnreadableFile(f"{path.name} cannot be read to the end ({e}).") from e
        finally:
            workbook.close()

    header_row, headers, header_warnings = find_header(rows(), name=path.name)
    return Table(
        path=path,
        format="xlsx",
        headers=headers,
        header_row=header_row,
        sheet=title,
        sheet_names=names,
        warnings=notes + header_warnings,
        _rows=rows,
    )
