"""The public map in a real browser: markers, search, filters, shared URLs, right to left,
keyboard only, JavaScript off, and the print sheet; screenshots go to test-artifacts/."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def ready(page):
    """Wait until the JS has drawn the list from the API."""
    page.wait_for_function(
        "() => document.body.dataset.listed !== undefined && !document.body.dataset.loading"
    )


def listed_names(page):
    return page.locator("#results .entry-name a").all_inner_texts()


def test_map_shows_markers_for_the_fixture(open_page, places, shot):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    assert int(page.evaluate("document.body.dataset.markers")) == len(places)
    assert page.locator(".leaflet-marker-icon").count() >= 1
    assert int(page.evaluate("document.body.dataset.firstFeatures")) > 0
    assert open_page.watcher.tiles > 0
    # Markers stay out of the tab order: the list is the keyboard's way in.
    assert page.locator(".leaflet-marker-icon[tabindex='0']").count() == 0
    shot(page, "map")


def test_searching_kypseli_moves_the_map_and_lists_results(open_page, places):
    page = open_page("/en/?lat=37.9680&lon=23.7480&z=15")
    ready(page)
    page.fill("#near", "Kypseli")
    with page.expect_navigation():
        page.press("#near", "Enter")
    ready(page)
    query = parse_qs(urlsplit(page.url).query)
    centre = [float(query["lat"][0]), float(query["lon"][0])]
    assert abs(centre[0] - 37.999) < 0.01 and abs(centre[1] - 23.741) < 0.01
    assert listed_names(page)[0] == "Κοινωνικό Ιατρείο Κυψέλης"
    assert "near=Kypseli" in page.url


def test_a_filter_changes_the_list(open_page, places):
    page = open_page("/en/?lat=37.9850&lon=23.7400&z=13")
    ready(page)
    before = listed_names(page)
    assert "Νομική Βοήθεια Εξαρχείων" in before and "Συσσίτιο Παγκρατίου" in before
    page.click("summary:has-text('Filters')")
    page.select_option("#f-category", "legal-aid")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('category') === 'legal-aid'"
    )
    ready(page)
    assert listed_names(page) == ["Νομική Βοήθεια Εξαρχείων"]
    # The back button undoes the filter.
    page.go_back()
    page.wait_for_function("() => !new URLSearchParams(location.search).get('category')")
    page.wait_for_function(
        f"() => document.querySelectorAll('#results .entry').length === {len(before)}"
    )
    assert page.locator("#f-category").input_value() == ""
    assert sorted(listed_names(page)) == sorted(before)


def test_the_url_restores_a_shared_view(open_page, places):
    page = open_page("/en/?lat=37.9680&lon=23.7480&z=16&category=food&layers=food-clothing,health")
    ready(page)
    params = parse_qs(urlsplit(page.url).query)
    assert params["z"] == ["16"] and params["lat"] == ["37.9680"] and params["lon"] == ["23.7480"]
    assert page.locator("#f-category").input_value() == "food"
    assert page.locator(".legend input[value='legal-asylum']").is_checked() is False
    assert page.locator(".legend input[value='food-clothing']").is_checked()
    assert listed_names(page) == ["Συσσίτιο Παγκρατίου"]


def test_the_arabic_page_is_right_to_left(open_page, places, shot):
    page = open_page("/ar/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    side = page.locator(".side").bounding_box()
    map_box = page.locator(".map-panel").bounding_box()
    assert side["x"] > map_box["x"], "the list should be on the right in Arabic"
    assert "الصحة" in page.locator(".legend").inner_text()
    shot(page, "map-arabic")


def test_the_list_works_by_keyboard_alone(open_page, places):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    first = page.locator("#results .entry-name a").first
    target = first.get_attribute("href")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#results') !== null"):
            break
    else:
        pytest.fail("Tab never reached the list")
    assert page.evaluate("document.activeElement.getAttribute('href')") == target
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == target
    assert page.locator("h1").inner_text()


def test_the_list_works_with_javascript_off(open_page, places, shot):
    page = open_page(
        "/en/?near=Kypseli", java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    names = listed_names(page)
    assert names[0] == "Κοινωνικό Ιατρείο Κυψέλης"
    assert page.locator("#results .entry").count() == len(places)
    assert page.locator(".map-panel").is_hidden()
    shot(page, "list-no-js-phone", full_page=True)


def test_on_a_phone_the_list_and_the_map_are_one_tap_apart(open_page, places, shot):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14", viewport={"width": 390, "height": 844})
    ready(page)
    shot(page, "list-phone")
    assert page.locator("#results").is_visible() and page.locator("#map").is_hidden()
    page.click(".view-toggle button[data-view='map']")
    assert page.locator("#map").is_visible()
    shot(page, "map-phone")


def test_the_print_sheet(open_page, places, shot):
    page = open_page("/en/print/?near=Kypseli")
    page.frame_locator("iframe.sheet-map").locator(".print-pin").first.wait_for()
    names = page.locator(".sheet .entry-name a").all_inner_texts()
    assert "{{7*7}}" in names and "49" not in names
    assert "<img src=x onerror=window.__xss=1>" in names
    assert page.evaluate("window.__xss === undefined")
    assert page.locator(".qr svg").count() == 1
    shot(page, "print-sheet", full_page=True)
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    shot(page, "print-sheet-print-media", full_page=True)


def test_area_suggestions_work_by_keyboard(open_page, places):
    page = open_page("/en/?lat=37.9680&lon=23.7480&z=13")
    ready(page)
    page.locator("#near").press_sequentially("Kyps", delay=30)
    page.locator("#near-options [role=option]").first.wait_for()
    assert page.get_attribute("#near", "aria-expanded") == "true"
    assert "ΚΥΨΕΛΗ" in page.locator("#near-options").inner_text()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#near", "aria-activedescendant") == "near-options-0"
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('near') === 'ΚΥΨΕΛΗ'")
    page.wait_for_function("() => new URLSearchParams(location.search).get('z') === '15'")
    ready(page)
    assert listed_names(page)[0] == "Κοινωνικό Ιατρείο Κυψέλης"
    assert page.get_attribute("#near", "aria-expanded") == "false"


def test_ten_services_print_on_one_or_two_a4_pages(open_page, seeded, shot):
    from django.contrib.gis.geos import Point

    from geo.models import Category
    from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

    slugs = ["health", "legal-aid", "food", "housing", "mental-health"]
    for n in range(10):
        org = OrganisationFactory(
            name=f"Οργάνωση αλληλεγγύης {n}", phones=["210 000 0000"], kind="ngo"
        )
        loc = LocationFactory(
            organisation=org,
            name=f"Κέντρο στήριξης Κυψέλης {n}",
            point=Point(23.735 + n * 0.001, 37.998 + n * 0.0005, srid=4326),
            opening_hours="Mo-Fr 09:00-17:00; Sa 10:00-14:00",
            phones=["210 123 4567", "697 000 0000"],
            website=f"https://example.org/kentro-{n}",
        )
        ServiceFactory(
            organisation=org,
            categories=[Category.objects.get(slug=slugs[n % len(slugs)])],
            locations=[loc],
            languages=["el", "en", "ar", "fa"],
        )
    page = open_page("/en/print/?near=Kypseli")
    page.frame_locator("iframe.sheet-map").locator(".print-pin").nth(9).wait_for()
    assert page.locator(".sheet .entry").count() == 10
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2, pages
    (ARTIFACTS / "print-sheet-ten.pdf").write_bytes(pdf)
    page.emulate_media(media="print")
    shot(page, "print-sheet-ten", full_page=True)


def test_the_list_drawn_by_the_script_says_open_or_closed_now(open_page, places):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14", viewport={"width": 390, "height": 844})
    ready(page)
    page.click("summary:has-text('Filters')")
    page.select_option("#f-language", "ar")
    page.wait_for_function("() => new URLSearchParams(location.search).get('language') === 'ar'")
    ready(page)
    # Drawn from /api/locations/nearest/, which says whether the hours are open now.
    assert listed_names(page) == ["Κοινωνικό Ιατρείο Κυψέλης"]
    entry = page.locator("#results .entry").first
    badge = entry.locator(".open-now, .closed-now")
    assert badge.inner_text() in {"Open now", "Closed now"}
    # Only the list was asked for: the phone shows the list, not the map.
    assert page.evaluate("document.body.dataset.markers") == "1"
