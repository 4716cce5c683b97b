"""Template context for the safety of the people who search: the quick-exit destination. It must
never add anything that identifies them or what they look for."""

from django.conf import settings
from django.http import HttpRequest


def quick_exit(request: HttpRequest) -> dict:
    return {"quick_exit_url": settings.GEITONIA_QUICK_EXIT_URL}
