"""Cleaning rows: typed, normalised values and RowErrors from the raw text of one spreadsheet row.

`clean_row(row, values, context=CleaningContext.from_db())` is the whole interface
(`clean_rows` the same for a chunk of rows at once); the modules below hold the rules for each
kind of value. Nothing here writes to the database.
"""

from importers.cleaning.context import CleaningContext
from importers.cleaning.homoglyphs import repair_homoglyphs
from importers.cleaning.row import CleanRow, clean_row, clean_rows

__all__ = ["CleanRow", "CleaningContext", "clean_row", "clean_rows", "repair_homoglyphs"]
