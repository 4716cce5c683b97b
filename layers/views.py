"""Public pages and the first API endpoint. Thin: parse, query, serialize."""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.views.generic import TemplateView
from rest_framework import generics

from geo.models import Location, Service
from geo.privacy import PUBLIC
from layers.serializers import LocationSerializer


def public_locations():
    return (
        Location.objects.filter(PUBLIC)
        .select_related("organisation", "area")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_active=True).prefetch_related("categories"),
            )
        )
        .order_by("id")
    )


class LocationList(generics.ListAPIView):
    """All public locations as a GeoJSON FeatureCollection."""

    serializer_class = LocationSerializer

    def get_queryset(self):
        return public_locations()


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
