"""Partners' embeds: configuration, framing by rule, oEmbed, the snippet builder."""

import re
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError

from layers.models import Embed, Layer
from layers.origins import normalise_origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def embed(areas):
    e = Embed.objects.create(
        partner="Δήμος Αθηναίων",
        area=areas["kypseli"],
        language="en",
        allowed_origins=["https://partner.example", "http://127.0.0.1:8123"],
    )
    e.layers.set([Layer.objects.get(slug="health")])
    return e


def csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def test_an_embed_gets_an_opaque_id_not_its_primary_key(embed, areas):
    other = Embed.objects.create(partner="ΜΚΟ", area=areas["kypseli"])
    assert len(embed.public_id) == 16 and re.fullmatch(r"[A-Za-z0-9_-]+", embed.public_id)
    assert embed.public_id != other.public_id
    assert str(embed.pk) not in (embed.public_id, other.public_id)


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("https://Partner.Example", "https://partner.example"),
        ("https://partner.example:443/", "https://partner.example"),
        ("https://partner.example:8443", "https://partner.example:8443"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("http://localhost", "http://localhost"),
    ],
)
def test_origins_are_normalised(text, origin):
    assert normalise_origin(text) == origin


@pytest.mark.parametrize(
    "text",
    [
        "http://partner.example",  # not https
        "https://partner.example/page",  # a path
        "https://*.partner.example",  # a wildcard
        "https://partner.example?x=1",
        "javascript:alert(1)",
        "https://user@partner.example",
        "'none'",
        "https://partner.example https://evil.example",
        "*",
        "",
    ],
)
def test_what_is_not_an_origin_is_refused(text):
    with pytest.raises(ValidationError):
        normalise_origin(text)


def test_model_validation_refuses_a_bad_origin(areas):
    e = Embed(partner="x", area=areas["kypseli"], allowed_origins=["https://ok.example/path"])
    with pytest.raises(ValidationError):
        e.full_clean()


def test_the_embed_is_framed_only_by_its_origins(client, embed):
    response = client.get(f"/embed/{embed.public_id}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert (
        csp(response)["frame-ancestors"]
        == "frame-ancestors 'self' https://partner.example http://127.0.0.1:8123"
    )
    # The rest of the policy is the site's: no inline or eval'd script.
    assert "unsafe" not in csp(response)["script-src"]


@pytest.mark.parametrize("path", ["/en/", "/el/about/data/", "/api/locations/", "/oembed/"])
def test_every_other_page_refuses_framing(client, path):
    response = client.get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == "frame-ancestors 'none'"


def test_a_disabled_or_unknown_embed_answers_404(client, embed):
    embed.enabled = False
    embed.save()
    assert client.get(f"/embed/{embed.public_id}/").status_code == 404
    assert client.get("/embed/nope-not-an-id/").status_code == 404
    assert client.get(f"/embed/{embed.pk}/").status_code == 404


def test_the_embed_has_no_site_header_and_speaks_its_language(client, embed):
    embed.language = "ar"
    embed.save()
    response = client.get(f"/embed/{embed.public_id}/", HTTP_ACCEPT_LANGUAGE="el")
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert response["Content-Language"] == "ar"
    assert "site-header" not in html
    assert 'id="map-config"' in html and "js/map.js" in html
    assert "data-quick-exit" in html


def test_the_embed_starts_on_its_area_and_categories(client, embed, areas):
    response = client.get(f"/embed/{embed.public_id}/")
    config = response.context["map_config"]
    initial = config["embed"]["initialQuery"]
    assert "category=" in initial and "health" in initial
    centroid = areas["kypseli"].centroid
    assert f"lat={centroid.y:.4f}" in initial and f"lon={centroid.x:.4f}" in initial
    assert config["embed"]["allowedOrigins"] == [
        "http://testserver",
        "https://partner.example",
        "http://127.0.0.1:8123",
    ]
    assert config["embed"]["first"] == "map"


def test_a_centre_start_view_needs_a_centre(areas):
    e = Embed(partner="x", start_view="centre", zoom=12)
    with pytest.raises(ValidationError):
        e.full_clean()


def oembed(client, url, **params):
    return client.get("/oembed/?" + urlencode({"url": url, **params}))


def test_oembed_answers_for_an_embed_with_its_iframe(client, embed):
    response = oembed(
        client, f"http://testserver/embed/{embed.public_id}/", maxwidth=500, maxheight=400
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["width"] == 500 and body["height"] == 400
    assert f'src="http://testserver/embed/{embed.public_id}/"' in body["html"]
    assert "/static/js/geitonia-embed.js" in body["html"]


def test_oembed_answers_for_a_map_url(client):
    response = oembed(client, "http://testserver/en/?near=Kypseli")
    assert response.status_code == 200
    assert response.json()["type"] == "rich"
    assert 'href="http://testserver/en/?near=Kypseli"' in response.json()["html"]


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/embed/abc/",
        "http://testserver/en/about/data/",
        "http://testserver/api/locations/",
        "http://testserver/embed/unknown/",
        "javascript:alert(1)",
        "",
    ],
)
def test_oembed_is_404_for_anything_else(client, url):
    assert oembed(client, url).status_code == 404


def test_oembed_xml_is_not_implemented(client, embed):
    url = f"http://testserver/embed/{embed.public_id}/"
    assert oembed(client, url, format="xml").status_code == 501


def test_map_and_embed_pages_link_their_oembed(client, embed):
    for path in ("/en/", f"/embed/{embed.public_id}/"):
        html = client.get(path).content.decode()
        assert 'type="application/json+oembed"' in html
    assert 'application/json+oembed"' not in client.get("/en/about/data/").content.decode()


def test_the_snippet_builder_is_for_staff_only(client, admin_client, embed, django_user_model):
    url = f"/admin/layers/embed/{embed.pk}/snippet/"
    assert client.get(url).status_code == 302  # to the login page
    user = django_user_model.objects.create_user("volunteer", password="x")
    client.force_login(user)
    assert client.get(url).status_code == 302
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/embed/{embed.public_id}/" in html and "geitonia-embed.js" in html
    change = admin_client.get(f"/admin/layers/embed/{embed.pk}/change/").content.decode()
    assert url in change


def test_the_admin_saves_origins_normalised(admin_client, areas):
    response = admin_client.post(
        "/admin/layers/embed/add/",
        {
            "partner": "Δίκτυο",
            "enabled": "on",
            "area": areas["kypseli"].pk,
            "language": "el",
            "first": "list",
            "start_view": "area",
            "allowed_origins": "https://Partner.Example/\nhttps://partner.example:8443",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    embed = Embed.objects.get(partner="Δίκτυο")
    assert embed.allowed_origins == ["https://partner.example", "https://partner.example:8443"]
    response = admin_client.post(
        "/admin/layers/embed/add/",
        {
            "partner": "Κακό",
            "area": areas["kypseli"].pk,
            "language": "el",
            "first": "list",
            "start_view": "area",
            "allowed_origins": "https://partner.example/some/page",
        },
    )
    assert response.status_code == 200 and not Embed.objects.filter(partner="Κακό").exists()
