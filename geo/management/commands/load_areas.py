from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from geo.areas import AreaDataError, load_areas


class Command(BaseCommand):
    help = (
        "Load regional units, municipalities, municipal units and Athens neighbourhoods from "
        "the public GeoJSON files in GEITONIA_DATA_DIR (or --from DIR_OR_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="base", help="a directory or an http(s) URL")

    def handle(self, *args, base=None, **options):
        base = base or settings.GEITONIA_DATA_URL or settings.GEITONIA_DATA_DIR
        if not base:
            raise CommandError(
                "No data directory: set GEITONIA_DATA_DIR (make sets it to ../shared/data) "
                "or pass --from DIR_OR_URL."
            )
        try:
            report = load_areas(base)
        except AreaDataError as exc:
            for line in exc.problems:
                self.stderr.write(self.style.ERROR(line))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was loaded.") from None
        for line in report.lines():
            self.stdout.write(line)
