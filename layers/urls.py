"""The API and tiles: no language prefix (the pages are in layers.page_urls)."""

from django.urls import path

from layers import pages, views

urlpatterns = [
    path("categories.css", pages.categories_css, name="categories-css"),
    path("api/locations/", views.LocationList.as_view(), name="api-locations"),
]
