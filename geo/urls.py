"""The URL table: the pages under a language prefix, the API and tiles without one, the admin."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Geitonia"
admin.site.site_title = "Geitonia admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("layers.urls")),
]
# "/" redirects to the browser's language (Accept-Language), else Greek; API URLs stay stable.
urlpatterns += i18n_patterns(path("", include("layers.page_urls")))

handler404 = "layers.views.not_found"
