"""The API views. Thin: parse, query, serialize (the pages are in layers.pages)."""

from django.db.models import Prefetch
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
