"""Finding areas by name. A MINIMAL stand-in on the `search` branch, to be replaced by the `text`
branch's Greek-aware gazetteer (same names: find_areas, resolve_area, InvalidQuery) at merge.

Matches transliterated slugs, whole or by a dash-separated part. Reads only; writes nothing.
"""

import re

from django.db.models import Case, IntegerField, Q, Value, When

from geo.models import Area
from geo.text import slugify_greek


class InvalidQuery(ValueError):
    """The query cannot name a place: empty, too long, or no letters."""


def _key(query: str) -> str:
    query = query.strip()
    if not query or len(query) > 200 or not re.search(r"\w", query):
        raise InvalidQuery("give a place name of 1 to 200 characters")
    key = slugify_greek(query)
    if not key:
        raise InvalidQuery("give a place name with letters or digits")
    return key


def find_areas(query: str, *, limit: int = 10, levels: list[str] | None = None) -> list[Area]:
    """Areas whose name matches `query`, best first. Raises InvalidQuery."""
    key = _key(query)
    match = (
        Q(slug=key)
        | Q(slug__endswith=f"-{key}")
        | Q(slug__startswith=f"{key}-")
        | Q(slug__contains=f"-{key}-")
    )
    found = Area.objects.filter(match)
    if levels:
        found = found.filter(level__in=levels)
    exact = Q(slug=key) | Q(slug__in=[f"dimos-{key}", f"de-{key}", f"pe-{key}"])
    found = found.annotate(
        exact=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    return list(found.order_by("exact", "-level", "name")[:limit])


def resolve_area(query: str) -> Area | None:
    """The one area `query` most likely means, or None. Raises InvalidQuery."""
    found = find_areas(query, limit=1)
    return found[0] if found else None
