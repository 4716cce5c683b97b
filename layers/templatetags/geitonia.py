"""Template filters for listing data: names in the page's language, and links that can only be
http(s), tel or mailto. Everything returned is plain text for the template to escape."""

import re
from urllib.parse import urlsplit

from django import template
from django.utils.translation import get_language

from geo.models import Category

register = template.Library()

SAFE_SCHEMES = {"http", "https", "tel", "mailto"}


@register.filter
def safe_url(value: str) -> str:
    """The URL when its scheme is http, https, tel or mailto; otherwise nothing."""
    value = (value or "").strip()
    if not value or any(ord(c) < 32 for c in value):
        return ""
    scheme = urlsplit(value).scheme.lower()
    return value if scheme in SAFE_SCHEMES else ""


@register.filter
def host(value: str) -> str:
    """What a person reads of a website address: its host without "www."."""
    netloc = urlsplit(value or "").netloc
    return netloc.removeprefix("www.") or value


@register.filter
def tel(value: str) -> str:
    """A phone number as a tel: target: digits and a leading +."""
    digits = re.sub(r"[^\d+]", "", value or "")
    return digits[:1] + digits[1:].replace("+", "")


@register.filter
def category_name(category: Category) -> str:
    return category.name_in(get_language() or "el")


@register.filter
def language_names(codes: list[str]) -> str:
    from layers.pages import language_name

    return ", ".join(language_name(code) for code in codes)
