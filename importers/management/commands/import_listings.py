"""manage.py import_listings: import a spreadsheet of listings, with progress and a summary."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from importers.columns import MappingError, parse_mapping
from importers.errors import UnreadableFile
from importers.pipeline import ImportReport, run_import

# Row errors printed on the terminal; the --report file has all of them.
SHOWN_ERRORS = 50


def mapping_argument(text: str) -> dict[str, str]:
    try:
        return parse_mapping(text)
    except MappingError as exc:
        raise CommandError(f"--mapping: {exc}") from exc


class Command(BaseCommand):
    help = (
        "Import listings from a CSV, XLSX or ODS file: read, map and clean every row, geocode, "
        "then write in one transaction. Exit status: 1 when the file cannot be read at all (or "
        "the arguments are wrong); 0 otherwise, also when some rows had errors: those rows are "
        "listed (all of them in --report) and the others are imported (unless --all-or-nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source",
            default="spreadsheet",
            help="who sends this file, e.g. a network's name; re-imports match listings by "
            "source, and the column mapping is saved per source (default: %(default)s)",
        )
        parser.add_argument(
            "--mapping",
            type=mapping_argument,
            help="field=Header pairs separated by commas, e.g. 'name=Επωνυμία,lat=Πλάτος'; "
            "saved for the source after a successful run",
        )
        parser.add_argument("--sheet", help="the sheet of a workbook (default: the first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )
        parser.add_argument(
            "--all-or-nothing",
            action="store_true",
            help="import nothing when any row has an error",
        )
        parser.add_argument(
            "--geocoder", help="geocoder for rows without coordinates, e.g. nominatim or offline"
        )
        parser.add_argument(
            "--delete-missing",
            action="store_true",
            help="delete this source's listings that are not in the file (only when no row "
            "has an error)",
        )
        parser.add_argument("--report", type=Path, help="write the report as JSON to this file")

    def handle(self, *args: object, **options: object) -> None:
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            bar = bars.get(stage)
            if bar is None:
                for old in bars.values():
                    old.close()
                bar = bars[stage] = tqdm(
                    desc=stage, total=total, unit="rows", leave=False, file=self.stderr._out
                )
            bar.total = total
            bar.update(done - bar.n)

        try:
            report = run_import(
                options["file"],
                source=options["source"],
                mapping=options["mapping"],
                sheet=options["sheet"],
                dry_run=options["dry_run"],
                all_or_nothing=options["all_or_nothing"],
                geocoder=options["geocoder"],
                delete_missing=options["delete_missing"],
                progress=progress,
            )
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        if options["report"]:
            options["report"].write_text(
                json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
            )
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        out = self.stdout
        title = f"{report.file_name} ({report.source})"
        if report.dry_run:
            title += ": DRY RUN, nothing was changed"
        elif report.rolled_back:
            title += ": rows had errors, NOTHING was imported (--all-or-nothing)"
        out.write(title)
        width = max(len(label) for label, _ in report.summary())
        for label, n in report.summary():
            out.write(f"  {label:<{width}}  {n:>8}")
        out.write(
            "  " + ", ".join(f"{stage} {secs:.2f}s" for stage, secs in report.timings.items())
        )
        if report.row_errors:
            out.write("Row problems:")
            for e in report.row_errors[:SHOWN_ERRORS]:
                column = f" [{e['column']}]" if e["column"] else ""
                value = f" {e['value']!r}" if e["value"] else ""
                out.write(f"  row {e['row']}{column}{value}: {e['severity']}: {e['reason']}")
            if len(report.row_errors) > SHOWN_ERRORS:
                more = len(report.row_errors) - SHOWN_ERRORS
                out.write(f"  ... and {more} more (all of them with --report FILE.json)")
