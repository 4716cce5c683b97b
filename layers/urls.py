"""The API and tiles: no language prefix (the pages are in layers.page_urls)."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geo.csp import template_style_hashes
from layers import api, areas_api, embeds, markers, pages

# Swagger UI under the site's CSP: the split view serves its start-up script as a file (no inline
# script); its template's one inline <style> block is allowed by its hash, for this view only.
swagger_ui = csp_update({"style-src": template_style_hashes("drf_spectacular/swagger_ui.html")})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("categories.css", pages.categories_css, name="categories-css"),
    path("api/locations/", api.LocationList.as_view(), name="api-locations"),
    path("api/locations/nearest/", api.NearestLocations.as_view(), name="api-nearest"),
    path("api/locations/markers/", markers.LocationMarkers.as_view(), name="api-markers"),
    path("api/areas/", areas_api.AreaList.as_view(), name="api-areas"),
    path("api/areas/<slug:slug>/", areas_api.AreaDetail.as_view(), name="api-area"),
    path(
        "api/areas/<slug:slug>/locations/", api.AreaLocations.as_view(), name="api-area-locations"
    ),
    path("api/layers/", api.LayerList.as_view(), name="api-layers"),
    path("tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf", api.Tile.as_view(), name="tiles"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui, name="api-docs"),
    # Partners' embeds and oEmbed (layers.embeds): no language prefix, the embed has its own.
    path("embed/<str:public_id>/", embeds.embed_page, name="embed"),
    path("oembed/", embeds.oembed, name="oembed"),
]
