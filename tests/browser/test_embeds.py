"""Embeds and safety in a real browser: a partner page on another origin frames the map and it
resizes; a page on an origin that is not allowed is refused; the quick exit leaves no history
behind. All traffic stays on 127.0.0.1: tiles and the quick exit's neutral site are stubs."""

from urllib.parse import urlsplit

import pytest

from layers.models import Embed
from tests.browser.conftest import TILE_HOST, TILE_PNG
from tests.browser.partner import PartnerSite

pytestmark = pytest.mark.browser

EXIT_HOST = "exit.geitonia.test"
EXIT_URL = f"https://{EXIT_HOST}/weather"


class SiteWatcher:
    """Routes requests (the site, partners, tile and exit stubs; nothing else) and collects the
    console errors of the site's own documents, which must stay empty (CSP violations included)."""

    def __init__(self, live_host: str, partner_hosts: list[str]):
        self.live_host = live_host
        self.partner_hosts = partner_hosts
        self.problems: list[str] = []
        self.messages: list[str] = []  # every console message, any origin
        self.exits = 0

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.netloc == self.live_host or url.netloc in self.partner_hosts:
            return route.continue_()
        if url.hostname == TILE_HOST:
            return route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        if url.hostname == EXIT_HOST:
            self.exits += 1
            return route.fulfill(
                status=200, content_type="text/html", body="<title>Weather</title><p>Sunny"
            )
        self.problems.append(f"request to another host: {route.request.url}")
        return route.abort()

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))

    def _console(self, message):
        self.messages.append(message.text)
        where = urlsplit(message.location.get("url", "") if message.location else "")
        if message.type == "error" and where.netloc == self.live_host:
            self.problems.append(f"console error on our page: {message.text} at {message.location}")


@pytest.fixture
def partners():
    with PartnerSite() as allowed, PartnerSite() as other:
        yield allowed, other


@pytest.fixture
def site(browser, live_server, tile_settings, partners, settings):
    settings.GEITONIA_QUICK_EXIT_URL = EXIT_URL
    watcher = SiteWatcher(
        urlsplit(live_server.url).netloc, [urlsplit(p.origin).netloc for p in partners]
    )
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.route("**/*", watcher.route)
    page = context.new_page()
    watcher.watch(page)
    yield page, watcher
    context.close()
    assert not watcher.problems, watcher.problems


@pytest.fixture
def embed(places, partners):
    allowed, _other = partners
    return Embed.objects.create(
        partner="Δήμος Αθηναίων",
        area=None,
        start_view="centre",
        centre_lat=37.99,
        centre_lon=23.74,
        zoom=14,
        language="en",
        first="list",
        allowed_origins=[allowed.origin],
    )


def partner_page(live_server, embed, *, height=300) -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Partner</title></head>
<body><h1>Our neighbourhood</h1>
<iframe id="geitonia" src="{live_server.url}/embed/{embed.public_id}/" title="Map" width="100%"
 height="{height}" referrerpolicy="origin" data-geitonia-embed></iframe>
<script src="{live_server.url}/static/js/geitonia-embed.js" async></script>
<p id="after">After the map.</p></body></html>"""


def embed_frame(page, live_server):
    for frame in page.frames:
        if frame.url.startswith(f"{live_server.url}/embed/"):
            return frame
    return None


def test_a_partner_on_an_allowed_origin_embeds_the_map_and_it_resizes(
    site, live_server, embed, partners
):
    page, _watcher = site
    allowed, _ = partners
    allowed.pages["/neighbourhood.html"] = partner_page(live_server, embed, height=300)
    page.goto(f"{allowed.origin}/neighbourhood.html")
    page.wait_for_function(
        "() => document.getElementById('geitonia').hasAttribute('data-geitonia-height')"
    )
    frame = embed_frame(page, live_server)
    assert frame is not None
    frame.wait_for_function(
        "() => document.body.dataset.listed !== undefined && !document.body.dataset.loading"
    )
    # It works: the map, its markers and the list, in English, without the site's header.
    assert int(frame.evaluate("() => document.body.dataset.markers")) >= 3
    names = frame.locator("#results .entry-name a").all_inner_texts()
    assert "Κοινωνικό Ιατρείο Κυψέλης" in names
    assert frame.locator(".site-header").count() == 0
    assert frame.evaluate("() => document.documentElement.lang") == "en"
    # It knows who frames it, and only tells that origin its height.
    assert frame.evaluate("() => document.body.dataset.embedParent") == allowed.origin
    page.wait_for_function(
        """() => {
            const f = document.getElementById('geitonia');
            return Math.abs(f.clientHeight - Number(f.dataset.geitoniaHeight)) < 2;
        }"""
    )
    content = frame.evaluate(
        "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"
    )
    height = page.evaluate("() => document.getElementById('geitonia').clientHeight")
    assert height > 300 and abs(height - content) <= 2
    # A message from anywhere but the iframe's window is ignored.
    page.evaluate("() => window.postMessage({type: 'geitonia:height', height: 4321}, '*')")
    page.wait_for_timeout(200)
    assert page.evaluate("() => document.getElementById('geitonia').clientHeight") == height
    # Links inside open a new tab, never our framed-refusing pages inside the partner's.
    assert frame.evaluate("() => document.querySelector('base').target") == "_blank"


def test_a_partner_on_another_origin_is_refused(site, live_server, embed, partners):
    page, watcher = site
    _, other = partners
    other.pages["/hostile.html"] = partner_page(live_server, embed)
    page.goto(f"{other.origin}/hostile.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    # Chromium reports the violation of frame-ancestors, and the frame shows nothing of ours.
    assert any("frame-ancestors" in m for m in watcher.messages), watcher.messages
    frame = embed_frame(page, live_server)
    if frame is not None:
        assert frame.evaluate("() => document.getElementById('map-config')") is None
    assert not page.evaluate(
        "() => document.getElementById('geitonia').hasAttribute('data-geitonia-height')"
    )


def test_the_main_map_refuses_any_frame(site, live_server, places, partners):
    page, watcher = site
    allowed, _ = partners
    allowed.pages["/map.html"] = f'<iframe id="m" src="{live_server.url}/en/"></iframe>'
    page.goto(f"{allowed.origin}/map.html")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert any("frame-ancestors" in m or "X-Frame-Options" in m for m in watcher.messages)


@pytest.mark.parametrize("how", ["button", "escape twice"])
def test_the_quick_exit_leaves_no_history_entry(site, live_server, places, partners, how):
    page, watcher = site
    allowed, _ = partners
    allowed.pages["/before.html"] = "<title>Before</title><p>Somewhere else"
    page.goto(f"{allowed.origin}/before.html")
    page.goto(f"{live_server.url}/en/?near=Kypseli")
    page.wait_for_function("() => document.body.dataset.listed !== undefined")
    length = page.evaluate("() => history.length")
    with page.expect_navigation(url=EXIT_URL):
        if how == "button":
            page.click("a.quick-exit")
        else:
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
    assert watcher.exits == 1
    assert page.evaluate("() => history.length") == length
    page.go_back()
    assert page.url == f"{allowed.origin}/before.html"
    assert "Kypseli" not in page.url


def test_one_escape_does_not_leave(site, live_server, places):
    page, watcher = site
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    assert page.url.startswith(live_server.url) and watcher.exits == 0


def test_the_quick_exit_in_an_embed_leaves_the_partner_page_too(site, live_server, embed, partners):
    page, watcher = site
    allowed, _ = partners
    allowed.pages["/neighbourhood.html"] = partner_page(live_server, embed)
    page.goto(f"{allowed.origin}/neighbourhood.html")
    page.wait_for_function(
        "() => document.getElementById('geitonia').hasAttribute('data-geitonia-height')"
    )
    frame = embed_frame(page, live_server)
    with page.expect_navigation(url=EXIT_URL):
        frame.click("a.quick-exit")
    assert watcher.exits == 1


def test_swagger_ui_works_under_the_policy(site, live_server):
    page, _watcher = site
    page.goto(f"{live_server.url}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()
    assert "Geitonia API" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_timeout(300)
    # The site watcher fails the test on any console error here (CSP violations included).
