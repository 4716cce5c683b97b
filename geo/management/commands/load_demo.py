from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from geo.areas import missing_sources
from geo.demo import demo_loaded, load_demo
from geo.models import Area


class Command(BaseCommand):
    help = "Load the boundaries (if none are loaded) and the demo organisations and services."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="do nothing if the demo data is already there"
        )

    def handle(self, *args, once=False, **options):
        data_dir = settings.GEITONIA_DATA_DIR
        # No areas yet, or areas loaded by a version that did not index their names for search.
        if not Area.objects.exists() or Area.objects.filter(search_names="").exists():
            if missing := missing_sources(data_dir):
                self.stderr.write(
                    self.style.WARNING(
                        "Boundaries not loaded: set GEITONIA_DATA_DIR to the data directory "
                        f"(missing: {', '.join(missing)}). Areas and area-placed demo locations "
                        "are skipped; the service still runs."
                    )
                )
            else:
                call_command("load_areas", stdout=self.stdout, stderr=self.stderr)
        if once and demo_loaded():
            self.stdout.write("Demo data already loaded.")
            return
        report = load_demo(data_dir)
        self.stdout.write(
            f"Demo: {report.organisations} organisations, {report.locations} locations, "
            f"{report.services} services, {report.hospitals} OpenStreetMap hospitals."
        )
        for line in report.skipped:
            self.stdout.write(f"  skipped: {line}")
