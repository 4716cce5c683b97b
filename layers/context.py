"""Template context every page shares: the tile server, its attribution, the language switcher."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict:
    current = get_language()
    here = request.get_full_path()
    return {
        "tile_url": settings.GEITONIA_TILE_URL,
        "tile_attribution": settings.GEITONIA_TILE_ATTRIBUTION,
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(here, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
    }
