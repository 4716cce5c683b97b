"""ODS by streaming content.xml with defusedxml: repeated cells are counted, never expanded blindly.

LibreOffice writes empty rows and cells as one element with `number-rows-repeated` /
`number-columns-repeated` counts up to 1048576 x 16384. Empty repeats cost nothing here (we only
advance the row number); repeats of a cell with content are expanded only while the sheet stays
under GEITONIA_IMPORT_MAX_CELLS, otherwise the file is refused.
"""

import html
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import iterparse

from importers.errors import UnreadableFile
from importers.readers import Limits, Table, find_header
from importers.readers.cells import number_text

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
T_TABLE = f"{{{TABLE}}}table"
T_ROW = f"{{{TABLE}}}table-row"
T_CELL = f"{{{TABLE}}}table-cell"
T_COVERED = f"{{{TABLE}}}covered-table-cell"
T_NAME = f"{{{TABLE}}}name"
ROWS_REPEATED = f"{{{TABLE}}}number-rows-repeated"
COLS_REPEATED = f"{{{TABLE}}}number-columns-repeated"
COLS_SPANNED = f"{{{TABLE}}}number-columns-spanned"
ROWS_SPANNED = f"{{{TABLE}}}number-rows-spanned"
VALUE_TYPE = f"{{{OFFICE}}}value-type"
P = f"{{{TEXT}}}p"
SPACE = f"{{{TEXT}}}s"
TAB = f"{{{TEXT}}}tab"
LINE_BREAK = f"{{{TEXT}}}line-break"
ANNOTATION = f"{{{OFFICE}}}annotation"

MAX_COLUMNS = 16384
# Every writer we know uses the `table:` prefix; if one does not, names() parses instead.
_TABLE_NAME = re.compile(rb"<table:table\s[^>]*?table:name=\"([^\"]*)\"")


def _int(value: str | None, *, default: int = 1) -> int:
    try:
        return max(int(value or default), 1)
    except ValueError:
        return default


def _text_of(elem: Element) -> str:
    """The text of a text:p with its spans, runs of spaces (text:s), tabs and line breaks."""
    parts: list[str] = []

    def walk(e: Element) -> None:
        if e.tag == ANNOTATION:
            return
        if e.text:
            parts.append(e.text)
        for child in e:
            if child.tag == SPACE:
                parts.append(" " * min(_int(child.get(f"{{{TEXT}}}c")), 1000))
            elif child.tag == TAB:
                parts.append("\t")
            elif child.tag == LINE_BREAK:
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(elem)
    return "".join(parts)


def _cell_value(cell: Element) -> str:
    kind = cell.get(VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        value = cell.get(f"{{{OFFICE}}}value")
        if value is not None:
            return number_text(value)
    elif kind == "date":
        value = cell.get(f"{{{OFFICE}}}date-value", "")
        if value.endswith("T00:00:00"):
            value = value[:10]
        return value.replace("T", " ")
    elif kind == "time":
        value = cell.get(f"{{{OFFICE}}}time-value", "")  # PT09H30M00S
        if value.startswith("PT") and "H" in value and "M" in value:
            hours, rest = value[2:].split("H", 1)
            return f"{int(hours):02d}:{rest.split('M', 1)[0].zfill(2)}"
        return value
    elif kind == "boolean":
        return "TRUE" if cell.get(f"{{{OFFICE}}}boolean-value") == "true" else "FALSE"
    # Strings, and formulas' cached results, are the text:p paragraphs.
    return "\n".join(_text_of(p) for p in cell if p.tag == P)


class _Sheets:
    """Streams content.xml once; `rows(sheet)` yields the rows of one sheet."""

    def __init__(self, path: Path, *, limits: Limits):
        self.path = path
        self.limits = limits

    def _events(self) -> Iterator[tuple[str, Element]]:
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open("content.xml") as f:
                yield from iterparse(f, events=("start", "end"))
        except UnreadableFile:
            raise
        except KeyError as e:
            raise UnreadableFile(f"{self.path.name} has no content.xml: not a valid ODS.") from e
        except Exception as e:  # broken XML, forbidden entities (defusedxml), a damaged zip
            raise UnreadableFile(f"{self.path.name} is a damaged ODS file ({e}).") from e

    def names(self) -> list[str]:
        """The sheet names, by a byte scan of content.xml; parsed when the scan finds none."""
        names: list[str] = []
        tail = b""
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open("content.xml") as f:
                while chunk := f.read(1 << 20):
                    window = tail + chunk
                    for m in _TABLE_NAME.finditer(window):
                        if m.end() > len(tail):
                            names.append(html.unescape(m.group(1).decode("utf-8", "replace")))
                    tail = window[-400:]
        except KeyError as e:
            raise UnreadableFile(f"{self.path.name} has no content.xml: not a valid ODS.") from e
        except Exception as e:  # a damaged zip member
            raise UnreadableFile(f"{self.path.name} is a damaged ODS file ({e}).") from e
        return names or self._parsed_names()

    def _parsed_names(self) -> list[str]:
        names = []
        stack: list[Element] = []
        for event, elem in self._events():
            if event == "start":
                if elem.tag == T_TABLE and not _inside_table(stack):
                    names.append(elem.get(T_NAME) or f"Sheet{len(names) + 1}")
                stack.append(elem)
                continue
            stack.pop()
            if elem.tag in (T_ROW, T_TABLE):
                _drop(stack, elem)
        return names

    def rows(self, sheet: str) -> Iterator[tuple[int, list[str]]]:
        name = self.path.name
        in_sheet = False
        number = 0
        content_cells = 0
        # Vertical merges: column index -> (value, last row number it covers)
        spans: dict[int, tuple[str, int]] = {}
        stack: list[Element] = []
        for event, elem in self._events():
            if event == "start":
                if elem.tag == T_TABLE and not _inside_table(stack):
                    in_sheet = elem.get(T_NAME) == sheet
                stack.append(elem)
                continue
            stack.pop()
            tag = elem.tag
            if tag == T_TABLE and not _inside_table(stack):
                if in_sheet:
                    return
                _drop(stack, elem)
                continue
            if tag != T_ROW:
                continue
            if not in_sheet or sum(e.tag == T_TABLE for e in stack) != 1:
                _drop(stack, elem)
                continue
            repeat = _int(elem.get(ROWS_REPEATED))
            cells: list[str] = []
            for cell in elem:
                if cell.tag not in (T_CELL, T_COVERED):
                    continue
                cols = _int(cell.get(COLS_REPEATED))
                value = _cell_value(cell) if cell.tag == T_CELL else ""
                if value == "":
                    # Empty and covered cells: never more than a sheet's width, whatever claimed.
                    cells.extend([""] * max(min(cols, MAX_COLUMNS - len(cells)), 0))
                    continue
                content_cells += cols * repeat
                if content_cells > self.limits.max_cells or len(cells) + cols > MAX_COLUMNS:
                    raise UnreadableFile(
                        f"{name} repeats the value {value[:40]!r} over {cols:,} columns x "
                        f"{repeat:,} rows; the limit is {self.limits.max_cells:,} cells "
                        "(GEITONIA_IMPORT_MAX_CELLS). It was not read."
                    )
                start = len(cells)
                cells.extend([value] * cols)
                col_span = _int(cell.get(COLS_SPANNED))
                row_span = _int(cell.get(ROWS_SPANNED))
                if col_span > 1 or row_span > 1:
                    content_cells += col_span * row_span
                    if content_cells > self.limits.max_cells or start + col_span > MAX_COLUMNS:
                        raise UnreadableFile(
                            f"{name} has a merged range of {col_span:,} x {row_span:,} cells; "
                            f"the limit is {self.limits.max_cells:,} cells."
                        )
                    for c in range(start, start + col_span):
                        spans[c] = (value, number + row_span)
            _drop(stack, elem)
            while cells and not cells[-1]:
                cells.pop()
            end = number + repeat
            while number < end:
                if not cells and not spans:
                    number = end  # empty rows, however many, cost nothing
                    break
                number += 1
                row = list(cells)
                for c, (value, last) in spans.items():
                    if number <= last:
                        if len(row) <= c:
                            row.extend([""] * (c + 1 - len(row)))
                        if not row[c]:
                            row[c] = value
                spans = {c: s for c, s in spans.items() if s[1] > number}
                yield number, row


def _inside_table(stack: list[Element]) -> bool:
    return any(e.tag == T_TABLE for e in stack)


def _drop(stack: list[Element], elem: Element) -> None:
    """Forget a processed element, so memory does not grow with the number of rows."""
    elem.clear()
    if stack:
        stack[-1].remove(elem)


def open_ods(path: Path, *, sheet: str | None, limits: Limits) -> Table:
    sheets = _Sheets(path, limits=limits)
    names = sheets.names()
    if not names:
        raise UnreadableFile(f"{path.name} has no sheets.")
    if sheet is not None and sheet not in names:
        raise UnreadableFile(
            f"{path.name} has no sheet named {sheet!r}; its sheets are {', '.join(names)}."
        )
    title = sheet or names[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        return sheets.rows(title)

    header_row, headers, warnings = find_header(rows(), name=path.name)
    return Table(
        path=path,
        format="ods",
        headers=headers,
        header_row=header_row,
        sheet=title,
        sheet_names=names,
        warnings=warnings,
        _rows=rows,
    )
