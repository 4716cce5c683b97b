from django.urls import path

from layers import views

urlpatterns = [
    path("", views.MapPage.as_view(), name="map"),
    path("about/data/", views.AboutDataPage.as_view(), name="about-data"),
    path("api/locations/", views.LocationList.as_view(), name="api-locations"),
]
