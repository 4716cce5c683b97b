"""Error views shared by the pages and the API (the pages are in layers.pages, the API in
layers.api)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON under /api/ and /tiles/ (what API clients parse), the HTML page elsewhere."""
    if request.path.startswith(("/api/", "/tiles/")):
        return JsonResponse({"detail": "not found"}, status=404)
    return page_not_found(request, exception)
