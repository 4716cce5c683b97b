"""The XSS battery: listings whose names, descriptions, URLs, hours and category names carry
attack payloads, opened in Chromium on the map (list and popups), detail, print and embed pages
and in the admin (as staff). Every payload that ran would call window.__xss(n), a function the
test exposes and which must never be called; no dialog may open, and template delimiters must
show as written. Created through the models (the importers have not landed on main yet)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from geo.models import Category
from layers.models import Embed
from tests.browser.conftest import TILE_HOST, TILE_PNG
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.browser

RLO = "\u202e"
# Each payload, were it to run, calls window.__xss with its own number.
PAYLOADS = [
    "<script>window.__xss(1)</script>",
    "<img src=x onerror=window.__xss(2)>",
    '"><img src=x onerror=window.__xss(3)>',
    "'><svg onload=window.__xss(4)>",
    "<svg><script>window.__xss(5)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss(6)></style></mglyph>"
    "</table></mtext></math>",
    '<a href="javascript:window.__xss(7)">x</a>',
    '<iframe srcdoc="<script>parent.__xss(8)</script>"></iframe>',
    '" autofocus onfocus="window.__xss(9)',
    "' autofocus onfocus='window.__xss(10)",
    "</script><script>window.__xss(11)</script>",
    "<details open ontoggle=window.__xss(12)>",
    "<input autofocus onfocus=window.__xss(13)>",
    "<body onload=window.__xss(14)>",
    "<svg><animate onbegin=window.__xss(15) attributeName=x dur=1s>",
    '<object data="data:text/html,<script>parent.__xss(16)</script>"></object>',
    "{{7*7}} {% debug %} ${7*7} #{7*7} <%= 7*7 %>",
    f"{RLO}gnp.exe <b>bold</b>",
    "<style>*{background:url('javascript:window.__xss(17)')}</style>",
    "<img src=\"x\" onerror=\"window['__x'+'ss'](18)\">",
]
URL_PAYLOADS = [
    "javascript:window.__xss(101)",
    "JaVaScRiPt:window.__xss(102)",
    " javascript:window.__xss(103)",
    "java\tscript:window.__xss(104)",
    "data:text/html,<script>window.__xss(105)</script>",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoMTA2KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(107)",
    'https://example.org/"><img src=x onerror=window.__xss(108)>',
]
TEMPLATE_TEXT = "{{7*7}}"


@pytest.fixture
def hostile(places):
    """Listings near Kypseli, every text field a payload; a category named by payloads."""
    health = Category.objects.get(slug="health")
    category = Category.objects.create(
        slug="xss-category",
        parent=health,
        colour="#335577",
        icon=health.icon,
        name_el=PAYLOADS[1],
        name_en=PAYLOADS[2] + TEMPLATE_TEXT,
        names={"ar": PAYLOADS[3], "fa": PAYLOADS[5]},
    )
    locations = []
    for i, payload in enumerate(PAYLOADS):
        url = URL_PAYLOADS[i % len(URL_PAYLOADS)]
        org = OrganisationFactory(
            name=f"{payload} org", description=payload, phones=[payload[:40]], website=url
        )
        loc = LocationFactory(
            organisation=org,
            name=payload,
            description=payload,
            point=Point(23.739 + i * 0.0004, 37.998 + (i % 5) * 0.0003, srid=4326),
            address=payload[:300],
            address_extra=payload[:200],
            opening_hours=payload[:500],
            opening_hours_text=payload,
            accessibility=payload,
            website=url,
            phones=[payload[:40]],
            email="a@example.org",
        )
        ServiceFactory(
            organisation=org,
            name=payload,
            description=payload,
            how_to_access=payload,
            eligibility=payload,
            categories=[category],
            locations=[loc],
        )
        locations.append(loc)
    return {"category": category, "locations": locations}


class Battery:
    def __init__(self, live_host: str):
        self.live_host = live_host
        self.calls: list = []
        self.problems: list[str] = []

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.netloc == self.live_host:
            return route.continue_()
        if url.hostname == TILE_HOST:
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        self.problems.append(f"request to another host: {route.request.url}")
        return route.abort()


@pytest.fixture
def battery(browser, live_server, tile_settings, hostile, admin_user):
    b = Battery(urlsplit(live_server.url).netloc)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Bound in every frame of every page: a payload that runs reports here.
    context.expose_function("__xss", lambda n: b.calls.append(n))
    context.route("**/*", b.route)
    page = context.new_page()
    page.on("dialog", lambda d: (b.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: b.problems.append(f"page error: {e}"))
    page.on(
        "console",
        lambda m: m.type == "error" and b.problems.append(f"console: {m.text} {m.location}"),
    )
    client = Client()
    client.force_login(admin_user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    b.page = page
    b.base = live_server.url
    yield b
    context.close()


def visit(b, path, *, settle=400):
    b.page.goto(b.base + path)
    b.page.wait_for_load_state("load")
    b.page.wait_for_timeout(settle)


def assert_clean(b, where):
    assert b.calls == [], f"payloads ran on {where}: {b.calls}"
    assert b.problems == [], f"{where}: {b.problems}"


def test_no_payload_runs_on_the_public_pages(battery, hostile):
    b = battery
    # The map, its list from the API and every marker's popup.
    visit(b, "/en/?lat=37.9990&lon=23.7430&z=17")
    b.page.wait_for_function(
        "() => document.body.dataset.listed !== undefined && !document.body.dataset.loading"
    )
    assert int(b.page.evaluate("() => document.body.dataset.listed")) >= len(PAYLOADS)
    text = b.page.locator("#results").inner_text()
    assert TEMPLATE_TEXT in text and RLO in text and "<script>window.__xss(1)</script>" in text
    markers = b.page.locator(".leaflet-marker-icon.pin-icon")
    for i in range(min(markers.count(), 8)):
        markers.nth(i).dispatch_event("click")
        b.page.wait_for_timeout(100)
    b.page.keyboard.press("Tab")
    b.page.wait_for_timeout(200)
    assert_clean(b, "the map")
    # The server-rendered list (what people without JS get), in every language.
    for lang in ("el", "ar", "fa"):
        visit(b, f"/{lang}/?near=Kypseli&category=xss-category")
    # Every detail page, and its links: none may be javascript: or data:.
    for loc in hostile["locations"]:
        visit(b, f"/en/locations/{loc.pk}/", settle=50)
        hrefs = b.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert not [
            h
            for h in hrefs
            if h.split(":")[0].strip().lower() in ("javascript", "data", "vbscript")
        ]
    visit(b, f"/en/locations/{hostile['locations'][16].pk}/")
    assert TEMPLATE_TEXT in b.page.locator("h1").inner_text()
    assert "49" not in b.page.locator("h1").inner_text()
    # The print sheet and its folium map.
    visit(b, "/en/print/?near=Kypseli&category=xss-category", settle=800)
    b.page.frame_locator("iframe.sheet-map").locator(".leaflet-container").wait_for()
    assert TEMPLATE_TEXT in b.page.locator(".sheet").inner_text()
    assert_clean(b, "the detail and print pages")


def test_no_payload_runs_in_the_embed(battery, hostile, areas):
    b = battery
    embed = Embed.objects.create(partner=PAYLOADS[2] + TEMPLATE_TEXT, area=areas["kypseli"])
    embed.categories.set([hostile["category"]])
    visit(b, f"/embed/{embed.public_id}/")
    b.page.wait_for_function(
        "() => document.body.dataset.listed !== undefined && !document.body.dataset.loading"
    )
    assert TEMPLATE_TEXT in b.page.locator("#results").inner_text()
    assert TEMPLATE_TEXT in b.page.title()
    markers = b.page.locator(".leaflet-marker-icon.pin-icon")
    for i in range(min(markers.count(), 5)):
        markers.nth(i).dispatch_event("click")
    b.page.wait_for_timeout(200)
    assert_clean(b, "the embed")


def test_no_payload_runs_in_the_admin(battery, hostile):
    b = battery
    first = hostile["locations"][0]
    pages = [
        "/admin/geo/location/",
        "/admin/geo/location/?q=script",
        "/admin/geo/organisation/",
        "/admin/geo/service/",
        "/admin/geo/category/",
        f"/admin/geo/category/{hostile['category'].pk}/change/",
        f"/admin/geo/organisation/{first.organisation_id}/change/",
    ]
    pages += [f"/admin/geo/location/{loc.pk}/change/" for loc in hostile["locations"][:6]]
    embed = Embed.objects.create(
        partner=PAYLOADS[3],
        area=first.area or None,
        start_view="centre",
        centre_lat=37.99,
        centre_lon=23.74,
        zoom=14,
    )
    embed.categories.set([hostile["category"]])
    pages += [
        "/admin/layers/embed/",
        f"/admin/layers/embed/{embed.pk}/change/",
        "/admin/layers/embed/add/",
    ]
    for path in pages:
        visit(b, path, settle=150)
        assert b.page.locator("#content").count() == 1, path
    # The snippet builder and its live preview of the embed (framed by this site only).
    visit(b, f"/admin/layers/embed/{embed.pk}/snippet/", settle=300)
    preview = b.page.frame_locator("#snippet-preview iframe")
    preview.locator("#results").wait_for(state="attached")
    b.page.wait_for_function(
        "() => document.querySelector('#snippet-preview iframe').dataset.geitoniaHeight"
    )
    assert f"/embed/{embed.public_id}/" in b.page.locator("#snippet-code").input_value()
    # The admin map widget started from its JSON options, under the CSP.
    visit(b, f"/admin/geo/location/{first.pk}/change/", settle=600)
    assert b.page.locator(".dj_map .ol-viewport").count() == 1
    assert_clean(b, "the admin")
