from django.core.management.base import BaseCommand, CommandError

from geo.geocoding import GeocoderMisconfigured
from geo.geocoding.pending import regeocode_pending


class Command(BaseCommand):
    help = (
        "Geocode again the locations placed offline because the geocoder was unreachable "
        "(needs_regeocode), with --pins those that need a pin, with --local all placed by the "
        "local fallbacks; upgrade those the provider places more precisely. Prints counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--pins", action="store_true", help="also try the locations that need a pin"
        )
        parser.add_argument(
            "--local",
            action="store_true",
            help="also every location placed by the local fallbacks (after an offline import)",
        )
        parser.add_argument("--limit", type=int, help="at most this many locations")

    def handle(self, *args, pins=False, local=False, limit=None, **options):
        try:
            report = regeocode_pending(include_pins=pins, include_local=local, limit=limit)
        except GeocoderMisconfigured as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.unavailable:
            raise CommandError(
                f"The geocoder is unreachable; {report.left} location(s) left for a later run."
            )
