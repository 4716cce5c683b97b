"""Open now / open at: OpenStreetMap opening_hours in Europe/Athens with the Greek calendar,
at the HTTP interface."""

import datetime as dt

import pytest
from django.utils import timezone

from geo import hours
from tests.factories import LocationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekday_clinic():
    loc = LocationFactory(name="Ιατρείο καθημερινών", opening_hours="Mo-Fr 09:00-14:00; PH off")
    ServiceFactory(organisation=loc.organisation, locations=[loc])
    return loc


@pytest.fixture
def holiday_kitchen():
    loc = LocationFactory(name="Συσσίτιο γιορτών", opening_hours="PH 12:00-16:00")
    ServiceFactory(organisation=loc.organisation, locations=[loc])
    return loc


def _open_at(api, when: str) -> list[str]:
    response = api("/api/locations/", open_at=when)
    assert response.status_code == 200
    return sorted(f["properties"]["name"] for f in response.json()["features"])


@pytest.mark.parametrize(
    "when, names",
    [
        ("2027-03-16T10:00", ["Ιατρείο καθημερινών"]),  # an ordinary Tuesday
        ("2027-03-16T15:00", []),  # after hours
        ("2027-03-15T12:30", ["Συσσίτιο γιορτών"]),  # Clean Monday (Καθαρά Δευτέρα), PH
        ("2027-04-30T12:30", ["Συσσίτιο γιορτών"]),  # Orthodox Good Friday
        ("2027-05-03T12:30", ["Συσσίτιο γιορτών"]),  # Orthodox Easter Monday
        ("2027-05-04T12:30", ["Συσσίτιο γιορτών"]),  # Labour Day, moved off Holy Saturday
        ("2027-05-05T10:00", ["Ιατρείο καθημερινών"]),
        ("2027-06-21T12:30", ["Συσσίτιο γιορτών"]),  # Whit Monday (Αγίου Πνεύματος)
        ("2027-03-16T08:30+00:00", ["Ιατρείο καθημερινών"]),  # 10:30 in Athens
    ],
)
def test_open_at_follows_the_greek_calendar(api, weekday_clinic, holiday_kitchen, when, names):
    assert _open_at(api, when) == names


def test_open_now_uses_the_clock(api, client):
    always = LocationFactory(name="Πάντα ανοιχτό", opening_hours="24/7")
    never = LocationFactory(name="Κλειστό", opening_hours="off")
    unknown = LocationFactory(name="Χωρίς ωράριο", opening_hours="")
    for loc in (always, never, unknown):
        ServiceFactory(organisation=loc.organisation, locations=[loc])
    response = api("/api/locations/", open_now="true")
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Πάντα ανοιχτό"]
    assert "ETag" not in response  # depends on the clock, not only on the data
    nearest = api("/api/locations/nearest/", point="23.7355,37.9864", open_now="true")
    assert [f["properties"]["name"] for f in nearest.json()["features"]] == ["Πάντα ανοιχτό"]


def test_a_service_keeps_its_own_hours_and_only_open_services_are_listed(api):
    loc = LocationFactory(name="Κέντρο", opening_hours="Mo-Fr 09:00-17:00")
    ServiceFactory(organisation=loc.organisation, name="Ιατρείο", locations=[loc])
    ServiceFactory(
        organisation=loc.organisation,
        name="Νομική βοήθεια",
        opening_hours="We 10:00-12:00",
        locations=[loc],
    )
    tuesday = api("/api/locations/", open_at="2027-03-16T11:00").json()["features"]
    assert [s["name"] for s in tuesday[0]["properties"]["services"]] == ["Ιατρείο"]
    wednesday = api("/api/locations/", open_at="2027-03-17T11:00").json()["features"]
    assert [s["name"] for s in wednesday[0]["properties"]["services"]] == [
        "Ιατρείο",
        "Νομική βοήθεια",
    ]
    near = api("/api/locations/nearest/", point="23.7355,37.9864", open_at="2027-03-16T11:00")
    assert [s["name"] for s in near.json()["features"][0]["properties"]["services"]] == ["Ιατρείο"]


def test_nearest_open_widens_past_closed_neighbours(api):
    closed = [LocationFactory(name=f"Κλειστό {i}", opening_hours="off") for i in range(30)]
    far_open = LocationFactory(
        name="Ανοιχτό μακριά", opening_hours="24/7", point="POINT(23.80 38.05)"
    )
    for loc in [*closed, far_open]:
        ServiceFactory(organisation=loc.organisation, locations=[loc])
    response = api("/api/locations/nearest/", point="23.7355,37.9864", limit=1, open_now="1")
    assert [f["properties"]["name"] for f in response.json()["features"]] == ["Ανοιχτό μακριά"]


def test_bad_hours_are_never_open_and_never_an_error():
    assert hours.is_open("not opening hours", timezone.now()) is False
    assert hours.is_open("", dt.datetime(2027, 3, 16, 10)) is False
    assert hours.is_valid("Mo-Fr 09:00-14:00; PH off")
    assert not hours.is_valid("Mo-Fr 25:00-26:00")
