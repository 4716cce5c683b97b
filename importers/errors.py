"""What can go wrong in an import: a problem in one cell (RowError) or a whole file we refuse.

Plain values only; nothing here reads files or the database.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in one cell, as the coordinator sees it in the spreadsheet.

    `row` is the spreadsheet row number (the header is row 1; see importers.readers); `column` the
    header text of the cell as written in the file (or the target field name when no header was
    given); `value` the raw cell text; `reason` a sentence for the coordinator.
    """

    row: int
    column: str
    value: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


class UnreadableFile(Exception):
    """The file as a whole cannot be read: too large, a zip bomb, a broken or unknown format.

    The message is a complete sentence meant for the coordinator who uploaded the file.
    """
