"""Public pages (the API is in layers.api). Thin: parse, query, render."""

from django.conf import settings
from django.urls import reverse
from django.views.generic import TemplateView


class MapPage(TemplateView):
    template_name = "map.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["map_config"] = {
            "locationsUrl": reverse("api-locations"),
            "tileUrl": settings.GEITONIA_TILE_URL,
            "attribution": settings.GEITONIA_TILE_ATTRIBUTION,
            "center": [37.98, 23.73],
            "zoom": 12,
        }
        return ctx


class AboutDataPage(TemplateView):
    template_name = "about.html"

    def get_context_data(self, **kwargs):
        from geo.areas import OTHER_SOURCES, SOURCES, missing_sources

        ctx = super().get_context_data(**kwargs)
        ctx["sources"] = SOURCES
        ctx["other_sources"] = OTHER_SOURCES
        ctx["missing"] = missing_sources(settings.GEITONIA_DATA_DIR)
        return ctx
