"""The benchmark URLconf: the framework-floor views under /bench-floor/, then the app's own URLs."""

from django.urls import path

from benchmarks import floor
from geo.urls import urlpatterns as app_urlpatterns

urlpatterns = [
    path("bench-floor/ping/", floor.ping),
    path("bench-floor/nearest/", floor.nearest),
    path("bench-floor/bbox/", floor.bbox),
    path("bench-floor/text/", floor.text),
    path("bench-floor/tile/<int:z>/<int:x>/<int:y>.pbf", floor.tile),
    # the app's table as it is (i18n_patterns cannot be include()d)
    *app_urlpatterns,
]
