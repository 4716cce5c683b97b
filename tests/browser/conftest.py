"""Browser tests: Playwright's Python package driving Debian's Chromium (never `playwright
install`), against pytest-django's live server. Tiles go to a stub; any console error, page error
or request to a host other than the live server fails the test."""

import importlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.contrib.gis.geos import Point

from benchmarks.chromium import CHROMIUM, CHROMIUM_ARGS

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run beside
# one unless told that this thread only ever runs synchronous code (true here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TILE_HOST = "tiles.geitonia.test"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A 1x1 light grey PNG, standing in for every map tile.
TILE_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8fbf7ff3f0005fe02fe0dc7c2e30000000049454e44ae426082"
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh test (it installs chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tile_settings(settings):
    settings.GEITONIA_TILE_URL = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
    settings.GEITONIA_TILE_ATTRIBUTION = "Test tiles"
    return settings


class Watcher:
    """Collects what a page must not do: console errors, uncaught errors, foreign requests."""

    def __init__(self, live_host: str):
        self.live_host = live_host
        self.problems: list[str] = []
        self.tiles = 0

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.netloc == self.live_host:
            return route.continue_()
        if url.hostname == TILE_HOST:
            self.tiles += 1
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        self.problems.append(f"request to another host: {route.request.url}")
        return route.abort()

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", self._dialog)

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {message.location}")

    def _dialog(self, dialog):
        self.problems.append(f"dialog opened: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def open_page(browser, live_server, tile_settings):
    """open_page(path, **context options) -> a page already at live_server + path."""
    host = urlsplit(live_server.url).netloc
    watcher = Watcher(host)
    contexts = []

    def _open(path: str, **options):
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        contexts.append(context)
        context.route("**/*", watcher.route)
        page = context.new_page()
        watcher.watch(page)
        page.goto(live_server.url + path)
        return page

    _open.watcher = watcher
    yield _open
    for context in contexts:
        context.close()
    assert not watcher.problems, watcher.problems


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(page, name: str, **options):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)

    return _shot


@pytest.fixture
def seeded(transactional_db, geodata):
    """Categories and the Athens neighbourhoods, which a transactional test's flush removes."""
    from geo.areas import SOURCES, load_areas
    from geo.models import Area, Category
    from layers.models import Layer

    if not Category.objects.exists():
        importlib.import_module("geo.migrations.0002_seed_categories").seed(django_apps, None)
    if not Layer.objects.exists():
        seed_layers = importlib.import_module("layers.migrations.0002_seed_layers")
        seed_layers.create_layers(django_apps, None)
    if not Area.objects.filter(slug="kypseli").exists():
        load_areas(geodata, sources=[s for s in SOURCES if s.level == "neighbourhood"])


@pytest.fixture
def places(seeded):
    """Four services around central Athens, and two listings whose names attack the pages."""
    from geo.models import Category
    from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

    def make(name, lon, lat, category, languages, **extra):
        org = OrganisationFactory(name=f"{name} (οργάνωση)", phones=["210 000 0000"], kind="ngo")
        loc = LocationFactory(
            organisation=org, name=name, point=Point(lon, lat, srid=4326), **extra
        )
        ServiceFactory(
            organisation=org,
            name=f"{name}: υπηρεσία",
            categories=[Category.objects.get(slug=category)],
            locations=[loc],
            languages=languages,
        )
        return loc

    return {
        "kypseli": make(
            "Κοινωνικό Ιατρείο Κυψέλης",
            23.7390,
            37.9990,
            "health",
            ["el", "ar"],
            opening_hours="Mo-Fr 09:00-20:00",
            website="https://example.org/kypseli",
        ),
        "exarcheia": make("Νομική Βοήθεια Εξαρχείων", 23.7355, 37.9864, "legal-aid", ["el", "fa"]),
        "pagkrati": make("Συσσίτιο Παγκρατίου", 23.7480, 37.9680, "food", ["el"]),
        "template": make("{{7*7}}", 23.7400, 37.9950, "food", ["el"]),
        "script": make(
            "<img src=x onerror=window.__xss=1>",
            23.7410,
            37.9960,
            "health",
            ["el"],
            website="javascript:window.__xss=2",
        ),
    }
