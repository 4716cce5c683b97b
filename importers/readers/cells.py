"""Turning typed spreadsheet values into the text a coordinator would expect to see.

Dates as ISO text, whole numbers without a spurious ".0", no scientific notation.
"""

import datetime as dt
from decimal import Decimal

from importers.readers import Limits


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, float):
        return number_text(repr(value))
    if isinstance(value, int):
        return str(value)
    return str(value)


def number_text(literal: str) -> str:
    """'12.0' -> '12', '1e-05' -> '0.00001', '37.98380' -> '37.9838'; other text unchanged."""
    try:
        d = Decimal(literal)
    except ArithmeticError:
        return literal
    if not d.is_finite():
        return literal
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    return format(d.normalize(), "f")


class MergedCells:
    """Fills each merged range with the value of its top-left cell as the rows stream past.

    Ranges are (min_row, min_col, max_row, max_col), 1-based and inclusive.
    """

    def __init__(self, ranges: list[tuple[int, int, int, int]], *, limits: Limits, name: str):
        from importers.errors import UnreadableFile

        area = sum((r2 - r1 + 1) * (c2 - c1 + 1) for r1, c1, r2, c2 in ranges)
        if area > limits.max_cells:
            raise UnreadableFile(
                f"{name} has merged cells covering {area:,} cells; the limit is "
                f"{limits.max_cells:,} (GEITONIA_IMPORT_MAX_CELLS)."
            )
        self._by_start: dict[int, list[tuple[int, int, int, int]]] = {}
        for r in ranges:
            self._by_start.setdefault(r[0], []).append(r)
        self._active: list[tuple[tuple[int, int, int, int], str]] = []

    def fill(self, number: int, cells: list[str]) -> list[str]:
        if not self._by_start and not self._active:
            return cells
        for r in self._by_start.pop(number, ()):
            col = r[1] - 1
            self._active.append((r, cells[col] if col < len(cells) else ""))
        still = []
        for r, value in self._active:
            if r[0] <= number <= r[2]:
                if len(cells) < r[3]:
                    cells = cells + [""] * (r[3] - len(cells))
                for col in range(r[1] - 1, r[3]):
                    cells[col] = value
            if number < r[2]:
                still.append((r, value))
        self._active = still
        return cells

    def skip_to(self, number: int) -> None:
        """Rows before `number` were empty and not seen; ranges starting there still apply."""
        for start in [s for s in self._by_start if s < number]:
            for r in self._by_start.pop(start):
                if r[2] >= number:
                    self._active.append((r, ""))
