"""The geocoder against a fake Nominatim over real HTTP (tests/fake_nominatim.py), the real
postcode and boundary data, and a real PostGIS."""

import itertools
import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from geopy import exc as geopy_exc
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim
from geopy.geocoders import options as geopy_options

from geo.geocoding import (
    AddressQuery,
    GeocoderMisconfigured,
    GeocoderUnavailable,
    geocode,
    geocode_many,
)
from geo.geocoding.nominatim import throttle_key
from geo.geocoding.pending import address_of
from geo.geocoding.throttle import turn
from geo.models import Area, GeocodeResult, Location
from tests.conftest import REPO
from tests.factories import LocationFactory

NOTARA = AddressQuery(street="Νοταρά 34", postcode="106 83", locality="Αθήνα")
SOKRATOUS = AddressQuery(street="Σωκράτους 59", postcode="10432", locality="Αθήνα")
UNKNOWN = AddressQuery(street="Οδός Που Δεν Υπάρχει 12", locality="Αθήνα")


def metres(a, b) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT ST_Distance(%s::geography, %s::geography)", [a.ewkt, b.ewkt])
        return cur.fetchone()[0]


def test_a_known_address_is_found_by_the_structured_query_alone(fake_nominatim):
    found = geocode(NOTARA)

    assert found.provider == "nominatim"
    assert found.precision == Location.GeocodePrecision.HOUSE
    assert (round(found.point.x, 5), round(found.point.y, 5)) == (23.73263, 37.98856)
    assert found.point.srid == 4326
    assert found.area.slug == "mouseio-exarcheia-neapoli"
    assert found.query == "Νοταρά 34, 10683 Αθήνα"
    assert "Νοταρά" in found.display_name
    assert not found.needs_regeocode and not found.cached
    [request] = fake_nominatim.requests
    assert request.params["street"] == "34 Νοταρά"
    assert request.params["postalcode"] == "10683"
    assert request.params["city"] == "Αθήνα"
    assert request.params["countrycodes"] == "gr"
    assert request.params["accept-language"] == "el"
    assert request.params["format"] == "jsonv2"
    assert request.user_agent == "geitonia-tests/1.0 (tests@geitonia.invalid)"


def test_free_text_is_asked_only_after_the_structured_query_finds_nothing(fake_nominatim):
    found = geocode(SOKRATOUS)

    assert found.precision == Location.GeocodePrecision.HOUSE
    assert [r.structured for r in fake_nominatim.requests] == [True, False]
    assert fake_nominatim.requests[1].params["q"] == "Σωκράτους 59, 10432 Αθήνα"


def test_a_street_answer_has_street_precision(fake_nominatim):
    found = geocode("Φωκίωνος Νέγρη, Κυψέλη, Αθήνα")

    assert found.precision == Location.GeocodePrecision.STREET
    assert found.area.slug == "kypseli"


def test_a_corner_address_in_capitals_is_asked_for_its_first_street(fake_nominatim):
    found = geocode(
        AddressQuery(street="ΝΟΤΑΡΑ 34 & ΔΕΛΗΓΙΑΝΝΗ", area="ΕΞΑΡΧΕΙΑ", postcode="106 83")
    )

    assert found.precision == Location.GeocodePrecision.HOUSE
    assert fake_nominatim.requests[0].params["street"] == "34 ΝΟΤΑΡΑ"


def test_a_cache_hit_makes_no_request(fake_nominatim):
    first = geocode(NOTARA)
    asked = len(fake_nominatim.requests)
    # The same address written differently (accents, spacing, postcode) is the same query.
    again = geocode(AddressQuery(street="ΝΟΤΑΡΑ  34", postcode="10683", locality="ΑΘΗΝΑ"))

    assert len(fake_nominatim.requests) == asked == 1
    assert again.cached and not first.cached
    assert again.point.equals(first.point) and again.precision == first.precision
    assert again.area == first.area


def test_a_batch_asks_once_per_distinct_address_in_order(fake_nominatim):
    results = geocode_many([NOTARA, "Φωκίωνος Νέγρη, Αθήνα", NOTARA])

    assert [r.precision for r in results] == ["house", "street", "house"]
    assert len(fake_nominatim.requests) == 2
    assert results[2].point.equals(results[0].point)


def test_a_miss_is_cached_and_not_asked_again(fake_nominatim):
    first = geocode(UNKNOWN)
    asked = len(fake_nominatim.requests)
    second = geocode(UNKNOWN)

    assert asked == 2  # structured (street, city), then free text
    assert len(fake_nominatim.requests) == asked
    row = GeocodeResult.objects.get()
    assert not row.found and row.point is None and row.provider == "nominatim"
    # Not found by the provider: the local chain places it on its municipality, coarsely.
    assert first.provider == second.provider == "local"
    assert first.precision == Location.GeocodePrecision.MUNICIPALITY
    assert first.area.slug == "dimos-athinaion"
    assert not first.needs_regeocode


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_provider_errors_are_retried_then_answered(fake_nominatim, status):
    fake_nominatim.fail_next(2, status=status)

    found = geocode(NOTARA)

    assert [r.status for r in fake_nominatim.requests] == [status, status, 200]
    assert found.precision == Location.GeocodePrecision.HOUSE
    assert GeocodeResult.objects.filter(found=True).count() == 1


def test_a_429_retry_after_is_waited_out(fake_nominatim):
    fake_nominatim.fail_next(1, status=429, retry_after=1)

    geocode(NOTARA)

    first, second = fake_nominatim.requests
    assert second.at - first.at >= 0.95


def test_errors_after_the_retries_raise_and_are_never_cached_as_misses(fake_nominatim):
    fake_nominatim.fail_next(3, status=500)

    with pytest.raises(GeocoderUnavailable):
        geocode(NOTARA, fallback_when_unavailable=False)

    assert len(fake_nominatim.requests) == 3
    assert not GeocodeResult.objects.exists()


def test_a_caller_in_a_hurry_can_ask_without_retries(fake_nominatim):
    fake_nominatim.fail_next(1, status=500)

    found = geocode(NOTARA, retries=0)

    assert len(fake_nominatim.requests) == 1
    assert found.needs_regeocode and found.precision == Location.GeocodePrecision.POSTCODE


def test_a_hanging_provider_times_out_and_the_row_is_placed_locally_to_regeocode(
    fake_nominatim, settings
):
    settings.GEITONIA_GEOCODER_TIMEOUT = 0.3
    fake_nominatim.hang_next(3, seconds=3)

    started = time.monotonic()
    found = geocode(NOTARA)

    assert time.monotonic() - started < 2.5
    assert len(fake_nominatim.requests) == 3
    assert found.provider == "local" and found.needs_regeocode
    assert found.precision == Location.GeocodePrecision.POSTCODE
    assert found.display_name == "Τ.Κ. 10683"
    assert not GeocodeResult.objects.exists()


def test_after_a_failure_the_provider_is_skipped_for_the_cool_down(fake_nominatim):
    fake_nominatim.fail_next(3, status=503)
    geocode(NOTARA)
    asked = len(fake_nominatim.requests)

    later = geocode(SOKRATOUS)

    assert len(fake_nominatim.requests) == asked == 3
    assert later.needs_regeocode and later.provider == "local"
    with pytest.raises(GeocoderUnavailable, match="cool-down"):
        geocode(SOKRATOUS, fallback_when_unavailable=False)


def test_an_unreachable_provider_places_rows_locally_marked_to_regeocode(fake_nominatim, settings):
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.GEITONIA_NOMINATIM_URL = f"http://127.0.0.1:{closed_port}"

    found = geocode(AddressQuery(street="Κηφισίας 100", locality="Κηφισιά"))

    assert found.needs_regeocode and found.provider == "local"
    assert found.precision == Location.GeocodePrecision.MUNICIPALITY
    assert found.area.name == "Δήμος Κηφισιάς"
    assert not GeocodeResult.objects.exists()


def test_geopys_default_user_agent_is_refused_before_any_request(fake_nominatim, settings):
    settings.GEITONIA_GEOCODER_USER_AGENT = geopy_options.default_user_agent

    with pytest.raises(GeocoderMisconfigured, match="default"):
        geocode(NOTARA)
    assert fake_nominatim.requests == []
    assert "geo.E004" in [e.id for e in run_checks()]


def test_the_fake_server_refuses_geopys_default_agent_like_nominatim(fake_nominatim):
    host = fake_nominatim.url.removeprefix("http://")
    plain = Nominatim(domain=host, scheme="http", adapter_factory=URLLibAdapter)

    with pytest.raises(geopy_exc.GeocoderInsufficientPrivileges):
        plain.geocode("Νοταρά 34, Αθήνα")
    assert fake_nominatim.requests[0].status == 403


def test_the_configured_user_agent_passes_the_start_up_check(fake_nominatim):
    assert not [e for e in run_checks() if e.id in ("geo.E003", "geo.E004")]


def test_requests_from_one_process_are_spaced_by_the_interval(fake_nominatim, settings):
    settings.GEITONIA_GEOCODER_MIN_INTERVAL = 0.2

    geocode_many([f"Άγνωστη οδός {n}, Αθήνα" for n in range(5)])

    times = fake_nominatim.times()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 5
    assert min(gaps) >= 0.2, gaps


WORKER = """
import os, sys, time
import django
from django.conf import settings
settings.DATABASES["default"]["NAME"] = sys.argv[1]
django.setup()
from geo.geocoding import geocode
from geo.geocoding.fallback import place_locally
place_locally("Αθήνα")  # read the gazetteer now, not between two requests
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
for address in sys.argv[3:]:
    geocode(address)
"""


def test_the_rate_limit_holds_across_two_processes(fake_nominatim):
    interval = 0.25
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "geo.settings",
        "GEITONIA_GEOCODER": "nominatim",
        "GEITONIA_NOMINATIM_URL": fake_nominatim.url,
        "GEITONIA_GEOCODER_USER_AGENT": "geitonia-tests/1.0 (tests@geitonia.invalid)",
        "GEITONIA_GEOCODER_MIN_INTERVAL": str(interval),
        "GEITONIA_GEOCODER_RETRIES": "0",
    }
    test_db = connection.settings_dict["NAME"]
    start = time.time() + 6  # both processes have set up Django by then
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, test_db, str(start)]
            + [f"Άγνωστη οδός {w}{n}, Αθήνα" for n in range(4)],
            cwd=REPO,
            env=env,
        )
        for w in "ΑΒ"
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0]

    requests = sorted(fake_nominatim.requests, key=lambda r: r.at)
    assert len(requests) == 8
    assert min(r.at for r in requests) >= start - 0.05  # the workers did start together
    # Both workers asked all along, interleaved, not one after the other.
    who = [r.params["q"].split()[2][0] for r in requests]
    assert who[:4].count("Α") not in (0, 4)
    gaps = [b.at - a.at for a, b in itertools.pairwise(requests)]
    # The turn is held until a request is answered, and the interval counts from there: no
    # slack for the senders' scheduling is needed.
    assert min(gaps) >= interval, gaps


def test_a_failed_request_also_counts_for_the_spacing(fake_nominatim, settings):
    settings.GEITONIA_GEOCODER_MIN_INTERVAL = 0.3
    fake_nominatim.fail_next(1, status=500)

    geocode(NOTARA)

    failed, answered = fake_nominatim.requests
    assert (failed.status, answered.status) == (500, 200)
    assert answered.at - failed.at >= 0.3


def test_the_turn_is_held_while_a_request_runs(fake_nominatim, settings):
    # Another process holding the turn (a slow request) delays this one past its end.
    settings.GEITONIA_GEOCODER_MIN_INTERVAL = 0.2
    key = throttle_key()
    held = threading.Event()

    def slow_request() -> None:
        with turn(key, interval=0.2):
            held.set()
            time.sleep(0.5)

    other = threading.Thread(target=slow_request)
    other.start()
    held.wait(5)
    started = time.time()
    geocode(NOTARA)
    other.join(5)

    [request] = fake_nominatim.requests
    assert request.at - started >= 0.5 + 0.2 - 0.05  # the rest of the slow one, then the gap


def test_a_cached_answer_survives_the_callers_rolled_back_transaction(fake_nominatim):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        geocode(NOTARA)
        raise RuntimeError("dry run")

    assert geocode(NOTARA).cached
    assert len(fake_nominatim.requests) == 1


# --- the local fallback chain, with the real data files -------------------------------------


def test_offline_mode_places_by_the_postcode_centroid_without_a_request(fake_nominatim):
    found = geocode(NOTARA, geocoder="offline")

    assert fake_nominatim.requests == []
    assert found.provider == "local" and not found.needs_regeocode
    assert found.precision == Location.GeocodePrecision.POSTCODE
    # The 10683 centroid lies at the lower end of Θεμιστοκλέους, in the neighbourhood below
    # Exarcheia; the area is where the point is, not a name guessed from the address.
    assert found.area.slug == "emporiko-trigono-plaka"
    athens = Area.objects.get(slug="dimos-athinaion")
    assert athens.boundary.contains(found.point)


def test_the_offline_setting_is_honoured(fake_nominatim, settings):
    settings.GEITONIA_GEOCODER = "offline"

    found = geocode("Νοταρά 34, 10683 Αθήνα")

    assert fake_nominatim.requests == []
    assert found.precision == Location.GeocodePrecision.POSTCODE


@pytest.mark.parametrize(
    "postcode",
    ["10556", "10438", "11364", "17676", "20000", "90002"],
    ids=["cyprus", "larissa", "thessaloniki", "epirus", "null-island", "seattle"],
)
def test_a_bad_postcode_centroid_is_never_used(fake_nominatim, postcode):
    found = geocode(AddressQuery(street="Κάπου 1", postcode=postcode), geocoder="offline")

    assert found.precision == Location.GeocodePrecision.NONE
    assert found.point is None and found.area is None


def test_an_area_named_in_the_address_follows_a_rejected_postcode(fake_nominatim):
    found = geocode("Νοταρά 34, Εξάρχεια, 10556", geocoder="offline")

    assert found.precision == Location.GeocodePrecision.AREA
    assert found.area.slug == "mouseio-exarcheia-neapoli"
    assert found.point.equals(found.area.centroid)


def test_an_area_the_postcode_contradicts_is_not_used(fake_nominatim):
    # Κυψέλη is in Athens; 38221 is Volos: the area is not believed, Volos' centroid is.
    found = geocode(
        AddressQuery(area="Κυψέλη", locality="Βόλος", postcode="38299"), geocoder="offline"
    )

    assert found.precision == Location.GeocodePrecision.MUNICIPALITY
    assert found.area.name == "Δήμος Βόλου"


def test_a_town_falls_back_to_its_municipality_centroid(fake_nominatim):
    found = geocode(AddressQuery(street="Άγνωστη 3", locality="Κηφισιά"), geocoder="offline")

    assert found.precision == Location.GeocodePrecision.MUNICIPALITY
    assert found.area.slug.startswith("dimos-kifis")
    assert found.point.equals(found.area.centroid)


def test_an_address_nothing_can_place_has_no_point(fake_nominatim):
    found = geocode("Οδός Άγνωστη 5", geocoder="offline")

    assert found.precision == Location.GeocodePrecision.NONE
    assert found.point is None and not found.placed


def test_a_coarse_provider_answer_gives_way_to_a_finer_local_one(fake_nominatim):
    # The fake knows Φωκίωνος Νέγρη only as a street; street beats the postcode centroid.
    found = geocode(AddressQuery(street="Φωκίωνος Νέγρη", postcode="11361", locality="Αθήνα"))
    assert found.precision == Location.GeocodePrecision.STREET and found.provider == "nominatim"


def test_an_unknown_geocoder_is_refused(fake_nominatim):
    with pytest.raises(GeocoderMisconfigured):
        geocode(NOTARA, geocoder="google")


# --- manage.py geocode_pending --------------------------------------------------------------


def test_geocode_pending_upgrades_a_row_placed_offline(fake_nominatim, capsys):
    offline = geocode(NOTARA, geocoder="offline")
    location = LocationFactory(
        address="Νοταρά 34",
        postcode="10683",
        locality="Αθήνα",
        point=offline.point,
        geocode_precision=offline.precision,
        geocode_provider=offline.provider,
        needs_regeocode=True,
    )
    unplaced = LocationFactory(
        address="Φωκίωνος Νέγρη 99", postcode="", locality="Αθήνα", point=None, needs_pin=True
    )
    coarse = LocationFactory(
        address="Οδός Που Δεν Υπάρχει 12",
        postcode="",
        locality="Αθήνα",
        geocode_precision=Location.GeocodePrecision.MUNICIPALITY,
        needs_regeocode=True,
    )

    never = LocationFactory(address="Ανύπαρκτη 7", locality="Αθήνα", point=None, needs_pin=True)
    geocode(address_of(never))  # a miss, cached at import time
    asked_before = len(fake_nominatim.requests)

    call_command("geocode_pending", "--pins")

    location.refresh_from_db()
    assert location.geocode_precision == Location.GeocodePrecision.HOUSE
    assert location.geocode_provider == "nominatim"
    assert not location.needs_regeocode
    assert metres(location.point, offline.point) > 100  # moved from the postcode centroid
    assert location.area.slug == "mouseio-exarcheia-neapoli"
    unplaced.refresh_from_db()
    assert not unplaced.needs_pin
    assert unplaced.geocode_precision == Location.GeocodePrecision.STREET
    assert unplaced.area.slug == "kypseli"
    never.refresh_from_db()
    assert never.needs_pin and never.point is None
    # The cached miss was forgotten and asked again (structured, then free text).
    asked = [r.params.get("street") or r.params.get("q") for r in fake_nominatim.requests]
    assert asked[asked_before:].count("7 Ανύπαρκτη") == 1
    coarse.refresh_from_db()
    assert not coarse.needs_regeocode
    assert coarse.geocode_precision == Location.GeocodePrecision.MUNICIPALITY
    out = capsys.readouterr().out
    assert "4 examined" in out
    assert "1 upgraded" in out
    assert "1 confirmed" in out
    assert "1 placed that needed a pin" in out
    assert "1 still need a pin" in out


def test_geocode_pending_local_upgrades_rows_of_an_offline_import(fake_nominatim, capsys):
    offline = geocode(SOKRATOUS, geocoder="offline")
    location = LocationFactory(
        address="Σωκράτους 59",
        postcode="10432",
        locality="Αθήνα",
        point=offline.point,
        geocode_precision=offline.precision,
        geocode_provider=offline.provider,
    )
    assert offline.provider == "local" and not offline.needs_regeocode

    call_command("geocode_pending")
    assert "0 examined" in capsys.readouterr().out
    call_command("geocode_pending", "--local")

    location.refresh_from_db()
    assert location.geocode_precision == Location.GeocodePrecision.HOUSE
    assert location.geocode_provider == "nominatim"


def test_geocode_pending_stops_and_keeps_the_marks_when_the_provider_is_down(fake_nominatim):
    location = LocationFactory(address="Νοταρά 34", postcode="10683", needs_regeocode=True)
    fake_nominatim.fail_next(10, status=503)

    with pytest.raises(Exception, match="unreachable; 1 location"):
        call_command("geocode_pending")

    location.refresh_from_db()
    assert location.needs_regeocode


def test_outside_the_fake_the_geocoder_cannot_reach_the_internet(db):
    from geo.geocoding import nominatim

    nominatim.reset_cooldown()
    found = geocode(AddressQuery(street="Νοταρά 34", postcode="10683"))

    assert found.needs_regeocode and found.provider == "local"
    assert not GeocodeResult.objects.exists()
    nominatim.reset_cooldown()


def test_an_empty_address_is_not_asked(fake_nominatim):
    for empty in ("", "   ", AddressQuery()):
        found = geocode(empty)
        assert found.precision == Location.GeocodePrecision.NONE and found.point is None
    assert fake_nominatim.requests == []


def test_an_unknown_geocoder_setting_fails_the_start_up_check(db, settings):
    settings.GEITONIA_GEOCODER = "gogle"

    assert "geo.E003" in [e.id for e in run_checks()]
