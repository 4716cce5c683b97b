"""The public pages; geo.urls mounts them under a language prefix (/el/, /en/, /ar/, /fa/)."""

from django.urls import path

from layers import pages

urlpatterns = [
    path("", pages.MapPage.as_view(), name="map"),
    path("locations/<int:pk>/", pages.LocationPage.as_view(), name="location"),
    path("print/", pages.print_sheet, name="print"),
    path("print/map/", pages.print_map, name="print-map"),
    path("about/data/", pages.AboutDataPage.as_view(), name="about-data"),
]
