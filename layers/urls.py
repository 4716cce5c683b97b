from django.urls import path

from layers import areas_api, views

urlpatterns = [
    path("", views.MapPage.as_view(), name="map"),
    path("about/data/", views.AboutDataPage.as_view(), name="about-data"),
    path("api/locations/", views.LocationList.as_view(), name="api-locations"),
    path("api/areas/", areas_api.AreaList.as_view(), name="api-areas"),
    path("api/areas/<slug:slug>/", areas_api.AreaDetail.as_view(), name="api-area"),
]
