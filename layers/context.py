"""Template context every page shares: the tile server and its attribution."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "tile_url": settings.GEITONIA_TILE_URL,
        "tile_attribution": settings.GEITONIA_TILE_ATTRIBUTION,
    }
