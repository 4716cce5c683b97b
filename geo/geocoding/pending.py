"""Geocoding again the locations that were placed offline (needs_regeocode) or not at all
(needs_pin), once the provider can be reached; behind `manage.py geocode_pending`.

Writes only the position fields of those locations, each row in its own transaction, so a
provider failure half-way keeps what was done. It never changes a location's public precision.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from geo.areas import assign_areas
from geo.geocoding import AddressQuery, Geocoded, cache, geocode
from geo.geocoding.result import LOCAL, PRECISION_RANK, GeocoderUnavailable, Precision
from geo.models import Location

# A location that needs a pin is placed only by an answer this good: a postcode or a
# municipality centroid is no position for it.
PIN_PRECISIONS = {Precision.HOUSE, Precision.STREET}


@dataclass
class PendingReport:
    examined: int = 0
    upgraded: int = 0  # needs_regeocode rows moved to a finer position
    confirmed: int = 0  # the provider answered, nothing finer: no longer marked
    pinned: int = 0  # needs_pin rows placed
    still_unplaced: int = 0  # needs_pin rows the provider could not place well enough
    left: int = 0  # not examined: the provider became unreachable
    unavailable: str = ""  # why the run stopped early

    def lines(self) -> list[str]:
        out = [
            f"{self.examined} examined",
            f"{self.upgraded} upgraded to a finer position",
            f"{self.confirmed} confirmed (the provider knows no better)",
            f"{self.pinned} placed that needed a pin",
            f"{self.still_unplaced} still need a pin",
        ]
        if self.unavailable:
            out.append(f"stopped, {self.left} left: {self.unavailable}")
        return out


def address_of(location: Location) -> AddressQuery:
    return AddressQuery(
        street=location.address,
        postcode=location.postcode,
        locality=location.locality,
        municipality=location.municipality.name if location.municipality_id else "",
    )


def regeocode_pending(
    *, include_pins: bool = False, include_local: bool = False, limit: int | None = None
) -> PendingReport:
    """Ask the provider again for every location marked needs_regeocode (with `include_pins`
    also needs_pin, with `include_local` also every location the local chain placed, as an
    offline installation does); upgrade those it places more precisely."""
    wanted = Q(needs_regeocode=True)
    if include_pins:
        wanted |= Q(needs_pin=True)
    if include_local:
        wanted |= Q(geocode_provider=LOCAL, point__isnull=False)
    ids = list(Location.objects.filter(wanted).order_by("id").values_list("id", flat=True))
    if limit is not None:
        ids = ids[:limit]
    report = PendingReport()
    for n, location_id in enumerate(ids):
        location = Location.objects.select_related("municipality").get(pk=location_id)
        address = address_of(location)
        if location.needs_pin:
            # A miss cached at import time would answer again without asking: the map data
            # may have improved since, and these rows are few and worth a request.
            cache.forget_misses([address.key()])
        try:
            found = geocode(address, fallback_when_unavailable=False)
        except GeocoderUnavailable as exc:
            report.left = len(ids) - n
            report.unavailable = str(exc)
            break
        report.examined += 1
        _apply(location, found, report)
    return report


def _apply(location: Location, found: Geocoded, report: PendingReport) -> None:
    with transaction.atomic():
        location = Location.objects.select_for_update().get(pk=location.pk)
        if location.needs_pin:
            if found.placed and found.precision in PIN_PRECISIONS:
                _place(location, found)
                location.needs_pin = False
                location.needs_regeocode = False
                report.pinned += 1
            else:
                report.still_unplaced += 1
                return
        elif found.placed and PRECISION_RANK[found.precision] < PRECISION_RANK.get(
            location.geocode_precision, PRECISION_RANK[Precision.NONE]
        ):
            _place(location, found)
            location.needs_regeocode = False
            report.upgraded += 1
        else:
            location.needs_regeocode = False
            report.confirmed += 1
        location.save(
            update_fields=[
                "point",
                "geocode_precision",
                "geocode_provider",
                "geocode_query",
                "needs_pin",
                "needs_regeocode",
                "updated_at",
            ]
        )
        assign_areas([location.pk])


def _place(location: Location, found: Geocoded) -> None:
    location.point = found.point
    location.geocode_precision = found.precision
    location.geocode_provider = found.provider
    location.geocode_query = found.query[:500]
