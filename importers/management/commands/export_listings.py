"""manage.py export_listings: the public listings to CSV or XLSX (public points only)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from geo.models import Location
from importers.export import write_csv, write_xlsx


class Command(BaseCommand):
    help = (
        "Export the listings to CSV or XLSX (by the file's extension, or --format), in the "
        "columns import_listings reads. Public positions only; no street address for "
        "non-exact locations; cells that could start a formula are neutralised. '-' writes CSV "
        "to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write, or - for standard output")
        parser.add_argument("--format", choices=["csv", "xlsx"])
        parser.add_argument("--source", help="only the listings imported from this source")

    def handle(self, *args: object, **options: object) -> None:
        target = options["file"]
        kind = options["format"] or ("xlsx" if target.lower().endswith(".xlsx") else "csv")
        queryset = Location.objects.all()
        if options["source"]:
            queryset = queryset.filter(source=options["source"])
        if target == "-":
            if kind != "csv":
                raise CommandError("XLSX cannot go to standard output; give a file name")
            n = write_csv(sys.stdout, queryset=queryset)
        elif kind == "xlsx":
            with Path(target).open("wb") as f:
                n = write_xlsx(f, queryset=queryset)
        else:
            with Path(target).open("w", encoding="utf-8-sig", newline="") as f:
                n = write_csv(f, queryset=queryset)
        self.stderr.write(f"{n} listings exported")
