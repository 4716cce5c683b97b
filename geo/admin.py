"""Admin for every model: map widgets for points and areas, search, and the filters coordinators
use (category, area, precision, what still needs a pin)."""

from typing import Any

from csp.constants import SELF
from django.conf import settings
from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.contrib.gis.db import models
from django.contrib.gis.forms import OSMWidget
from django.http import HttpRequest, HttpResponse

from geo.models import Area, Category, GeocodeResult, Location, Organisation, Service


class SelfHostedOSMWidget(OSMWidget):
    """Django's map widget with OpenLayers from our own static files instead of a CDN, started
    by a static script from JSON options rather than an inline script (the CSP allows none)."""

    template_name = "geo/map_widget.html"

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/dist/ol.js", "gis/js/OLMapWidget.js", "js/admin-map.js")

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["options_id"] = f"{context['id']}_options"
        context["map_options"] = {
            "geom_name": context["geom_type"],
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "tile_url": settings.GEITONIA_TILE_URL,
            "tile_attribution": settings.GEITONIA_TILE_ATTRIBUTION,
        }
        return context


# Websites typed without a scheme are https (Django 6's default; 5.2 warns otherwise).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class MapAdmin(GISModelAdmin):
    formfield_overrides = URL_FIELDS
    gis_widget = SelfHostedOSMWidget
    gis_widget_kwargs = {"attrs": {"default_lon": 23.73, "default_lat": 37.98, "default_zoom": 11}}

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().changeform_view(request, *args, **kwargs)
        # CSP for this view only: OpenLayers decodes tiles in a worker it starts from a blob: URL.
        response._csp_update = {"worker-src": [SELF, "blob:"]}
        return response


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_el", "name_en", "parent", "colour", "icon", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["slug", "name_el", "name_en", "synonyms"]


@admin.register(Area)
class AreaAdmin(MapAdmin):
    list_display = ["name", "level", "code", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["name", "name_el", "name_en", "code", "slug"]
    readonly_fields = ["search_names"]
    raw_id_fields = ["parent"]


class LocationInline(admin.TabularInline):
    model = Location
    fields = ["name", "address", "postcode", "precision", "needs_pin"]
    extra = 0
    show_change_link = True


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name", "cost", "languages", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "kind", "parent", "source", "verified_at"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "alternate_name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["parent"]
    inlines = [LocationInline, ServiceInline]


class ServiceCategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(c.slug, str(c)) for c in Category.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(services__categories__slug=self.value()).distinct()
        return queryset


@admin.register(Location)
class LocationAdmin(MapAdmin):
    list_display = [
        "__str__",
        "organisation",
        "precision",
        "area",
        "geocode_precision",
        "needs_pin",
        "needs_regeocode",
        "verified_at",
    ]
    list_filter = [
        "precision",
        "needs_pin",
        "needs_regeocode",
        "geocode_precision",
        ServiceCategoryFilter,
        ("area", admin.RelatedOnlyFieldListFilter),
        "source",
    ]
    search_fields = ["name", "address", "postcode", "organisation__name", "area__name"]
    raw_id_fields = ["organisation", "area", "municipality"]
    readonly_fields = ["geocode_provider", "geocode_query", "created_at", "updated_at"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "cost", "is_active", "verified_at"]
    list_filter = ["categories", "cost", "is_active", "source"]
    search_fields = ["name", "description", "organisation__name"]
    filter_horizontal = ["categories"]
    raw_id_fields = ["organisation", "locations"]


@admin.register(GeocodeResult)
class GeocodeResultAdmin(MapAdmin):
    list_display = ["query", "provider", "found", "precision", "created_at"]
    list_filter = ["provider", "found", "precision"]
    search_fields = ["query", "query_key", "display_name"]
