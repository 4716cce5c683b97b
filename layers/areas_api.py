"""The areas API: find areas by name (Greek, Greeklish, any case or accents) and read one area.
Thin: parse the request, call geo.gazetteer, serialize. Reads only."""

import json

from django.contrib.gis.db import models as gis_models
from django.contrib.gis.db.models.functions import AsGeoJSON, GeoFunc
from django.db.models import F, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.gazetteer import MAX_QUERY_LENGTH, InvalidQuery, areas_matching
from geo.models import Area

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# Tolerance of ST_SimplifyPreserveTopology for boundaries in lists (degrees, ~100 m).
SIMPLIFY_DEGREES = 0.001


class SimplifyPreserveTopology(GeoFunc):
    function = "ST_SimplifyPreserveTopology"
    output_field = gis_models.GeometryField(srid=4326)


class AreaQuery(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text="A place name in Greek or Latin letters, any case, with or without accents.",
    )
    level = serializers.CharField(
        required=False, help_text="Only these levels, comma-separated: " + ", ".join(Area.Level)
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        default=DEFAULT_LIMIT,
        help_text=f"How many areas (default {DEFAULT_LIMIT}; more than {MAX_LIMIT} is capped).",
    )
    geometry = serializers.ChoiceField(
        choices=["centroid", "boundary"],
        default="centroid",
        help_text="The centroid (default) or the boundary, simplified, of each area.",
    )

    def validate_level(self, value: str) -> list[str]:
        levels = [v.strip() for v in value.split(",") if v.strip()]
        unknown = [v for v in levels if v not in Area.Level.values]
        if not levels or unknown:
            raise serializers.ValidationError(
                f"unknown level {unknown[0] if unknown else value!r}; one of "
                + ", ".join(Area.Level.values)
            )
        return levels

    def validate_limit(self, value: int) -> int:
        return min(value, MAX_LIMIT)


class GeoJSONGeometry(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point", "MultiPolygon", "Polygon"])
    coordinates = serializers.ListField(child=serializers.JSONField())


class AreaProperties(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Area.Level.choices)
    parent = serializers.CharField(allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    match = serializers.FloatField(
        allow_null=True, help_text="How well the name matched q, 0 to 1 (1: exact); null without q."
    )


class AreaFeature(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.SlugField()
    geometry = GeoJSONGeometry()
    properties = AreaProperties()


class AreaFeatureCollection(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = AreaFeature(many=True)


def _feature(area: Area) -> dict:
    match = getattr(area, "match", None)
    return {
        "type": "Feature",
        "id": area.slug,
        "geometry": json.loads(area.geojson),
        "properties": {
            "slug": area.slug,
            "name": area.name,
            "level": area.level,
            "parent": area.parent.name if area.parent else None,
            "population": area.population,
            "match": None if match is None else round(match, 3),
        },
    }


class AreaDetailSerializer(GeoFeatureModelSerializer):
    parent = serializers.CharField(source="parent.name", read_only=True, default=None)
    parent_slug = serializers.CharField(source="parent.slug", read_only=True, default=None)

    class Meta:
        model = Area
        geo_field = "boundary"
        id_field = "slug"
        fields = ["slug", "name", "level", "code", "parent", "parent_slug", "population", "source"]


class AreaList(generics.GenericAPIView):
    """Areas by name, best match first, as a GeoJSON FeatureCollection."""

    serializer_class = AreaFeatureCollection
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=AreaQuery().fields["q"].help_text),
            OpenApiParameter(
                "level", OpenApiTypes.STR, description=AreaQuery().fields["level"].help_text
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=AreaQuery().fields["limit"].help_text
            ),
            OpenApiParameter(
                "geometry",
                OpenApiTypes.STR,
                enum=["centroid", "boundary"],
                description=AreaQuery().fields["geometry"].help_text,
            ),
        ],
        responses={200: AreaFeatureCollection},
        operation_id="areas_list",
    )
    def get(self, request: Request) -> Response:
        params = AreaQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        # An empty q reaches the domain (which refuses it): the form layer would drop it silently.
        areas = self._areas(request.query_params.get("q"), query.get("level"))
        if query["geometry"] == "boundary":
            geometry = SimplifyPreserveTopology(F("boundary"), SIMPLIFY_DEGREES)
        else:
            geometry = F("centroid")
        areas = areas.annotate(geojson=AsGeoJSON(geometry, precision=6)).select_related("parent")
        areas = areas.only("slug", "name", "level", "population", "parent__name", "parent__slug")
        features = [_feature(a) for a in areas[: query["limit"]]]
        return Response({"type": "FeatureCollection", "features": features})

    def _areas(self, q: str | None, levels: list[str] | None) -> QuerySet[Area]:
        if q is None:
            found = Area.objects.order_by("level", "name")
            return found.filter(level__in=levels) if levels else found
        try:
            return areas_matching(q, levels=levels)
        except InvalidQuery as exc:
            raise ValidationError({"q": [str(exc)]}) from exc


class AreaDetail(generics.RetrieveAPIView):
    """One area with its full boundary, as a GeoJSON Feature."""

    serializer_class = AreaDetailSerializer
    queryset = Area.objects.select_related("parent").defer("search_names")
    lookup_field = "slug"
