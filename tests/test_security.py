"""Safety of the people who search: a Content-Security-Policy on every page (no inline or eval'd
script), framing refused, referrer kept, quick exit on every public page, nothing they search for
in the logs, and `check --deploy` clean with production settings."""

import datetime
import importlib.util
import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from geo.csp import tile_origin
from geo.requestlog import WithoutQueryString, without_query
from layers.models import Embed
from tests.factories import LocationFactory, ServiceFactory

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.fixture
def pages(areas, admin_user):
    location = LocationFactory(name="Κοινωνικό Φαρμακείο")
    ServiceFactory(organisation=location.organisation, locations=[location])
    embed = Embed.objects.create(partner="Δήμος", area=areas["kypseli"])
    return {
        "map": "/el/",
        "map en": "/en/?near=Kypseli",
        "detail": f"/en/locations/{location.pk}/",
        "print": "/en/print/?near=Kypseli",
        "print map": "/en/print/map/?near=Kypseli",
        "about": "/en/about/data/",
        "embed": f"/embed/{embed.public_id}/",
        "api": "/api/locations/",
        "oembed": "/oembed/?url=http%3A%2F%2Ftestserver%2Fen%2F",
        "docs": "/api/docs/",
        "admin login": "/admin/login/",
        "admin": "/admin/",
        "admin location": f"/admin/geo/location/{location.pk}/change/",
        "admin embed": f"/admin/layers/embed/{embed.pk}/change/",
        "snippet": f"/admin/layers/embed/{embed.pk}/snippet/",
    }


def test_every_page_has_a_policy_without_inline_or_eval_script(client, admin_user, pages):
    client.force_login(admin_user)
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 302), (name, response.status_code)
        p = policy(response)
        assert p["default-src"] == ["'none'"], name
        for directive in ("script-src", "script-src-elem", "script-src-attr", "default-src"):
            words = p.get(directive, [])
            assert "'unsafe-inline'" not in words and "'unsafe-eval'" not in words, (name, words)
        assert p["object-src"] == ["'none'"] and p["base-uri"] == ["'none'"]
        assert response["Referrer-Policy"] == "same-origin", name


def test_inline_scripts_carry_the_nonce_of_the_response(client, pages):
    for name in ("map", "embed", "print map", "detail"):
        response = client.get(pages[name])
        html = response.content.decode()
        nonce = next(w for w in policy(response)["script-src"] if w.startswith("'nonce-"))[7:-1]
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        assert scripts, name
        for attrs, body in scripts:
            if "application/json" in attrs:
                continue  # data, not script (json_script)
            if body.strip():
                assert f'nonce="{nonce}"' in attrs, (name, attrs, body[:80])
            else:
                assert "src=" in attrs, (name, attrs)


def test_the_admin_map_widget_has_no_inline_script(admin_client, pages):
    html = admin_client.get(pages["admin location"]).content.decode()
    assert "new MapWidget" not in html
    assert "js/admin-map.js" in html and 'class="dj_map_wrapper"' in html
    bodies = [
        b
        for a, b in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        if "application/json" not in a
    ]
    assert not any(b.strip() for b in bodies)


def test_the_tile_server_is_allowed_for_images_only(client, settings):
    settings.GEITONIA_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    p = policy(client.get("/en/"))
    assert "https://*.tiles.example.org" in p["img-src"]
    assert "https://*.tiles.example.org" not in p["script-src"] + p["connect-src"]
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None


def test_no_page_asks_another_host_for_anything(client, pages):
    for name in ("map", "detail", "print", "embed", "about"):
        html = client.get(pages[name]).content.decode()
        # What the browser fetches by itself (links are only followed when someone chooses to).
        fetched = re.findall(r'\bsrc="([^"]+)"', html) + re.findall(
            r'<link [^>]*href="([^"]+)"', html
        )
        for url in (u for u in fetched if re.match(r"(https?:)?//", u)):
            assert url.startswith("http://testserver/"), (name, url)


def test_every_public_page_has_the_quick_exit(client, pages, settings):
    settings.GEITONIA_QUICK_EXIT_URL = "https://neutral.example/weather"
    for name in ("map", "map en", "detail", "print", "about", "embed"):
        html = client.get(pages[name]).content.decode()
        assert re.search(r'<a class="quick-exit" href="https://neutral.example/weather"', html), (
            name
        )
        assert "js/quick-exit.js" in html, name
        assert '<meta name="referrer" content="same-origin">' in html, name


def test_logged_request_lines_carry_no_query_string():
    """Through the handlers settings.LOGGING configures, as runserver and Django log requests."""
    out = io.StringIO()
    handlers = [
        h
        for name in ("django.server", "django.request")
        for h in logging.getLogger(name).handlers
        if any(isinstance(f, WithoutQueryString) for f in h.filters)
    ]
    assert len(handlers) == 2
    streams = [h.setStream(out) for h in handlers]
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /el/?near=%CE%9A%CF%85%CF%88&lat=37.99 HTTP/1.1", "200", "5"
        )
        logging.getLogger("django.request").warning("Not Found: %s", "/api/areas/?q=asylum+law")
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
    err = out.getvalue()
    assert '"GET /el/ HTTP/1.1" 200 5' in err
    assert "Not Found: /api/areas/" in err
    assert "near=" not in err and "lat=" not in err and "asylum" not in err


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("GET /el/?near=x HTTP/1.1", "GET /el/ HTTP/1.1"),
        ("see https://h.example/a/?q=1#top", "see https://h.example/a/#top"),
        ("/api/locations/?in_bbox=1,2,3,4", "/api/locations/"),
        ("no url here", "no url here"),
    ],
)
def test_query_strings_are_cut(text, clean):
    assert without_query(text) == clean


def test_gunicorn_access_log_has_no_query_string_or_address():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", REPO / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    atoms = Logger(cfg).atoms(
        SimpleNamespace(status="200 OK", sent=512, headers=[]),
        SimpleNamespace(headers=[]),
        {
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/el/?near=Kypseli&lat=37.99",
            "PATH_INFO": "/el/",
            "QUERY_STRING": "near=Kypseli&lat=37.99",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.7",
            "HTTP_REFERER": "https://partner.example/page?x=1",
        },
        datetime.timedelta(milliseconds=12),
    )
    line = conf.access_log_format % Logger.atoms_wrapper_class(atoms)
    assert '"GET /el/ HTTP/1.1" 200 512' in line
    for secret in ("near", "Kypseli", "37.99", "203.0.113.7", "partner.example"):
        assert secret not in line


def test_check_deploy_is_clean_with_production_settings():
    # The browser tests allow sync ORM calls beside Playwright's loop; production never does.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **base,
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-of-enough-length-and-variety-9QZ",
        "GEITONIA_HTTPS": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "geitonia.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_keep_the_referrer_and_refuse_framing():
    assert settings.SECURE_REFERRER_POLICY in ("same-origin", "no-referrer")
    assert settings.X_FRAME_OPTIONS == "DENY"
