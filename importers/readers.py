"""Reading CSV and XLSX tables one row at a time (stand-in until importers-read lands)."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from importers.errors import UnreadableFile


@dataclass
class Table:
    path: Path
    headers: list[str]
    sheet: str | None = None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number in the file, cell texts), the header being row 1."""
        if self.path.suffix.lower() in {".xlsx", ".ods"}:
            yield from _sheet_rows(self.path, self.sheet, skip_header=True)
            return
        with self.path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, dialect=_dialect(self.path))
            next(reader, None)
            for n, values in enumerate(reader, start=2):
                if any(v.strip() for v in values):
                    yield n, values


def _dialect(path: Path) -> type[csv.Dialect]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.read(8192)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _sheet_rows(path: Path, sheet: str | None, *, skip_header: bool) -> Iterator:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    data = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
    for n, values in enumerate(data.iter_rows(), start=1):
        if skip_header and n == 1:
            continue
        yield n, ["" if v is None else str(v) for v in values]


def open_table(path: str | Path, *, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX file and read its header row; raises UnreadableFile."""
    path = Path(path)
    try:
        if path.suffix.lower() in {".xlsx", ".ods"}:
            headers = next(_sheet_rows(path, sheet, skip_header=False), (1, []))[1]
        else:
            with path.open(encoding="utf-8-sig", newline="") as f:
                headers = next(csv.reader(f, dialect=_dialect(path)), [])
    except (OSError, UnicodeDecodeError, ValueError, io.UnsupportedOperation) as exc:
        raise UnreadableFile(f"{path.name}: {exc}") from exc
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise UnreadableFile(f"{path.name}: {exc}") from exc
    if not any(h.strip() for h in headers):
        raise UnreadableFile(f"{path.name}: no header row")
    return Table(path, [h.strip() for h in headers], sheet)
