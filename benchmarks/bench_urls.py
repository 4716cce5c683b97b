"""The benchmark URLconf: the app's own URLs plus the framework-floor views under /bench-floor/."""

from django.urls import include, path

from benchmarks import floor

urlpatterns = [
    path("bench-floor/ping/", floor.ping),
    path("bench-floor/nearest/", floor.nearest),
    path("bench-floor/bbox/", floor.bbox),
    path("bench-floor/tile/<int:z>/<int:x>/<int:y>.pbf", floor.tile),
    path("", include("geo.urls")),
]
