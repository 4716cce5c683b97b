"""Errors of reading and cleaning a file (stand-in until the importers-read branch lands)."""

from dataclasses import dataclass


class UnreadableFile(Exception):
    """The file cannot be read at all (format, encoding, size); nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell: `row` is the row number in the file (header = 1)."""

    row: int | None
    column: str
    value: str
    reason: str
