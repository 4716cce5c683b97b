"""The API and tiles: no language prefix (the pages are in layers.page_urls)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from layers import api, areas_api, pages

urlpatterns = [
    path("categories.css", pages.categories_css, name="categories-css"),
    path("api/locations/", api.LocationList.as_view(), name="api-locations"),
    path("api/locations/nearest/", api.NearestLocations.as_view(), name="api-nearest"),
    path("api/areas/", areas_api.AreaList.as_view(), name="api-areas"),
    path("api/areas/<slug:slug>/", areas_api.AreaDetail.as_view(), name="api-area"),
    path(
        "api/areas/<slug:slug>/locations/", api.AreaLocations.as_view(), name="api-area-locations"
    ),
    path("api/layers/", api.LayerList.as_view(), name="api-layers"),
    path("tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf", api.Tile.as_view(), name="tiles"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
