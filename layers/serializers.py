"""API serializers: read-only, and only ever from `Location.public_point` (geo.privacy)."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.models import Category, Location, Service


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name_el", "name_en", "colour", "icon"]


class ServiceSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "categories",
            "languages",
            "audience",
            "cost",
            "how_to_access",
        ]


class LocationSerializer(GeoFeatureModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    services = ServiceSerializer(many=True, read_only=True)
    area = serializers.CharField(source="area.name", read_only=True, default=None)
    address = serializers.SerializerMethodField()

    class Meta:
        model = Location
        geo_field = "public_point"
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_kind",
            "precision",
            "address",
            "postcode",
            "area",
            "opening_hours",
            "phones",
            "email",
            "website",
            "services",
            "verified_at",
        ]

    def get_address(self, obj: Location) -> str:
        """The street address only where the point is public too."""
        return obj.address if obj.precision == Location.Precision.EXACT else ""
