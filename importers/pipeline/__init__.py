"""The import pipeline: `run_import` and its report. Reading and cleaning live in
importers.readers/columns/cleaning; this package only orchestrates and writes."""

from importers.pipeline.report import ImportReport
from importers.pipeline.run import run_import

__all__ = ["ImportReport", "run_import"]
