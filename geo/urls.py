"""The URL table: the public pages and the API live in `layers`, the admin here."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Geitonia"
admin.site.site_title = "Geitonia admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("layers.urls")),
]

handler404 = "layers.views.not_found"
