"""The public pages without a browser: the server-rendered list, languages, the detail page, the
print sheet and its folium map, and listing data that tries to become markup or a template."""

import re

import pytest
from django.contrib.gis.geos import Point

from geo.models import Category, Location
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory


def place(name, lon, lat, category="health", languages=("el",), kind="ngo", **extra):
    org = OrganisationFactory(name=f"{name} org", phones=["+30 210 123 4567"], kind=kind)
    loc = LocationFactory(organisation=org, name=name, point=Point(lon, lat, srid=4326), **extra)
    ServiceFactory(
        organisation=org,
        categories=[Category.objects.get(slug=category)],
        locations=[loc],
        languages=list(languages),
    )
    return loc


@pytest.fixture
def kypseli(db):
    return place("Ιατρείο Κυψέλης", 23.7390, 37.9990, opening_hours="Mo-Su 00:00-24:00")


def test_root_redirects_to_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 302 and response["Location"] == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de")["Location"] == "/el/"


def test_the_api_has_no_language_prefix(client, db):
    assert client.get("/api/locations/").status_code == 200
    assert client.get("/el/api/locations/").status_code == 404


def test_map_page_lists_services_without_javascript(client, kypseli, areas):
    far = place("Συσσίτιο Βόλου", 22.95, 39.36, category="food")
    html = client.get("/en/?near=Kypseli").content.decode()
    names = re.findall(r'class="entry-name" dir="auto"><a href="[^"]+">([^<]+)<', html)
    assert names == ["Ιατρείο Κυψέλης", "Συσσίτιο Βόλου"]
    assert "Open now" in html and 'href="tel:+302101234567"' in html
    assert f'href="/en/locations/{far.id}/"' in html


def test_filters_in_the_url_narrow_the_list(client, kypseli):
    place("Νομική βοήθεια", 23.7355, 37.9864, category="legal-aid", languages=("fa",))
    html = client.get("/en/?category=legal-aid").content.decode()
    assert "Νομική βοήθεια" in html and "Ιατρείο Κυψέλης" not in html
    html = client.get("/en/?language=fa").content.decode()
    assert "Νομική βοήθεια" in html and "Ιατρείο Κυψέλης" not in html
    html = client.get("/en/?layers=health").content.decode()
    assert "Ιατρείο Κυψέλης" in html and "Νομική βοήθεια" not in html
    html = client.get("/en/?layers=legal-asylum").content.decode()
    assert "Ιατρείο Κυψέλης" not in html and "Νομική βοήθεια" in html


def test_the_other_layer_holds_locations_in_no_layer(client, kypseli):
    place("Μαθήματα ελληνικών", 23.7355, 37.9864, category="education")
    html = client.get("/en/?layers=other").content.decode()
    assert "Μαθήματα ελληνικών" in html and "Ιατρείο Κυψέλης" not in html


def test_arabic_and_farsi_pages_are_right_to_left_with_names_in_their_language(client, kypseli):
    for lang, word in (("ar", "الصحة"), ("fa", "بهداشت")):
        html = client.get(f"/{lang}/").content.decode()
        assert f'<html lang="{lang}" dir="rtl">' in html
        assert word in html
    assert '<html lang="el" dir="ltr">' in client.get("/el/").content.decode()


def test_category_names_fall_back_to_english_then_greek(client, kypseli):
    Category.objects.filter(slug="health").update(names={})
    assert "Health and primary care" in client.get("/fa/").content.decode()
    Category.objects.filter(slug="health").update(name_en="")
    assert "Υγεία και πρωτοβάθμια φροντίδα" in client.get("/fa/").content.decode()


def test_every_page_has_the_language_switcher(client, kypseli):
    for path in (
        "/en/",
        f"/en/locations/{kypseli.id}/",
        "/en/print/?near=Kypseli",
        "/en/about/data/",
    ):
        html = client.get(path).content.decode()
        for code in ("el", "ar", "fa"):
            assert f'hreflang="{code}"' in html, path


def test_detail_page_has_a_stable_url_and_hides_what_is_not_public(client, kypseli):
    assert client.get(f"/el/locations/{kypseli.id}/").status_code == 200
    hidden = place("Κρυφό καταφύγιο", 23.74, 37.99, precision=Location.Precision.HIDDEN)
    unplaced = LocationFactory(point=None, needs_pin=True)
    assert client.get(f"/el/locations/{hidden.id}/").status_code == 404
    assert client.get(f"/el/locations/{unplaced.id}/").status_code == 404


def test_pages_do_not_show_the_address_of_a_non_exact_location(client, areas):
    loc = place(
        "Ξενώνας", 23.7391, 37.9991, precision=Location.Precision.AREA, area=areas["kypseli"]
    )
    loc.address = "Σπίτι 7"
    loc.save()
    for path in ("/en/?near=Kypseli", f"/en/locations/{loc.id}/", "/en/print/?near=Kypseli"):
        assert "Σπίτι 7" not in client.get(path).content.decode(), path


def test_only_http_tel_and_mailto_links_come_from_data(client, db):
    loc = place("Κακός σύνδεσμος", 23.73, 37.98, website="javascript:alert(1)")
    html = client.get(f"/en/locations/{loc.id}/").content.decode()
    assert "javascript:" not in html


@pytest.fixture
def attacks(db):
    return [
        place("{{7*7}}", 23.7392, 37.9989),
        place("<img src=x onerror=alert(1)>", 23.7393, 37.9988, category="food"),
    ]


def test_print_sheet_escapes_listing_names_and_never_renders_them_as_templates(client, attacks):
    html = client.get("/en/print/?near=Kypseli").content.decode()
    assert "{{7*7}}" in html and ">49<" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<svg" in html and "Printed on" in html


def test_print_map_gets_no_listing_text_and_only_our_assets(client, attacks, settings):
    settings.GEITONIA_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    response = client.get("/en/print/map/?near=Kypseli")
    html = response.content.decode()
    assert response.status_code == 200 and "L.map(" in html
    # No listing name reaches folium at all: not as text, not rendered as a template (49).
    without_ids = re.sub(r"_[0-9a-f]{32}", "", html)
    assert "7*7" not in html and not re.search(r"(?<![\w.])49(?![\w.])", without_ids)
    assert "onerror" not in html
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", html))
    assert hosts <= {"tiles.example.test", "www.openstreetmap.org"}, hosts
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_print_sheet_for_an_unknown_place_says_so(client, db):
    response = client.get("/en/print/?near=Nowhereville")
    assert response.status_code == 404 and "No area found" in response.content.decode()


def test_a_listing_named_like_a_template_is_not_evaluated_by_folium(attacks):
    """folium renders popup/tooltip strings as Jinja; ours hands it none, so 49 never appears."""
    from django.utils import timezone

    from layers import listing, printmap

    found = listing.find_place("Kypseli")
    entries = listing.nearest(listing.Filters(), centre=(found.lon, found.lat), now=timezone.now())
    html = printmap.render(found, entries)
    assert "{{" not in html and "7*7" not in html
