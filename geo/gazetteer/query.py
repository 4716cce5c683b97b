"""Matching a typed place name against `Area.search_names`, in SQL, on the trigram index.

Tiers, best first: an exact own key; an own key that starts with the query; a settlement inside
the area named exactly so; a word that starts with the query; then trigram word similarity
(pg_trgm `%>`, threshold WORD_SIMILARITY_THRESHOLD, set on each connection). Within a tier:
higher similarity, more specific level, closer official name, larger population. Every test in
WHERE is an indexable pg_trgm operator or LIKE on `search_names`.
"""

from collections.abc import Sequence

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, F, FloatField, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from geo.models import SEARCH_OWN_NAMES, Area
from geo.text import search_key

MAX_QUERY_LENGTH = 100
# pg_trgm's `%>` default (0.6) misses one-letter typos in short names ('Kipsli' for 'Kypseli'
# scores 0.5); 0.45 keeps them without letting unrelated names in.
WORD_SIMILARITY_THRESHOLD = 0.45


def tune_trigram_matching(sender: object, *, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """On each new database connection: the word-similarity threshold that `%>` uses."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}")


class InvalidQuery(ValueError):
    """The query cannot name a place: empty, too long, or without Greek or Latin letters."""


class UnknownLevel(ValueError):
    """A level that Area.Level does not have."""


def query_key(query: str) -> str:
    """The search key of a typed query. Raises InvalidQuery."""
    text = query.strip()
    if not text:
        raise InvalidQuery("the place name is empty")
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"the place name is longer than {MAX_QUERY_LENGTH} characters")
    if not any(c.isalpha() for c in text):
        raise InvalidQuery("the place name has no letters")
    key = search_key(text)
    if not any(c.isalpha() for c in key):
        raise InvalidQuery("the place name has no Greek or Latin letters")
    return key


def areas_matching(query: str, *, levels: Sequence[str] | None = None) -> QuerySet[Area]:
    """Areas matching `query`, best first, annotated with `match` (0..1). Raises InvalidQuery,
    UnknownLevel. Lazy: slice it; nothing is read until then."""
    key = query_key(query)
    # The key has only [a-z0-9 ]: nothing in it is special to LIKE.
    exact, own_prefix = Q(search_names__contains=f"|{key}|"), Q(search_names__contains=f"|{key}")
    settlement = Q(search_names__contains=f"/{key}/")
    word_prefix = (
        own_prefix | Q(search_names__contains=f"/{key}") | Q(search_names__contains=f" {key}")
    )
    # Fuzzy matching reads only the area's own names (short, and indexed on their own).
    found = Area.objects.alias(own_names=SEARCH_OWN_NAMES).filter(
        word_prefix | Q(own_names__trigram_word_similar=key)
    )
    if levels is not None:
        unknown = set(levels) - set(Area.Level.values)
        if unknown:
            raise UnknownLevel(f"unknown level {sorted(unknown)[0]!r}")
        found = found.filter(level__in=list(levels))
    tier = Case(
        When(exact, then=4),
        When(own_prefix, then=3),
        When(settlement, then=2),
        When(word_prefix, then=1),
        default=0,
        output_field=IntegerField(),
    )
    specificity = Case(
        *(When(level=level, then=rank) for level, rank in Area.LEVEL_RANK.items()),
        output_field=IntegerField(),
    )
    # match: 1.0 exact; 0.8-0.9 own prefix; 0.7-0.8 settlement; 0.6-0.7 word; below 0.6 fuzzy.
    match = Case(
        When(tier__gt=0, then=0.5 + 0.1 * F("tier") + 0.1 * F("similarity")),
        default=0.6 * F("similarity"),
        output_field=FloatField(),
    )
    # Between equally good fuzzy matches, the one whose official name is closest ('Kipsli':
    # ΚΥΨΕΛΗ before ΑΝΩ ΚΥΨΕΛΗ); the first own key is the official name without 'Δήμος' etc.
    official = Func(F("search_names"), Value("|"), Value(2), function="split_part")
    return (
        found.annotate(
            tier=tier,
            similarity=Cast(TrigramWordSimilarity(Value(key), SEARCH_OWN_NAMES), FloatField()),
            specificity=specificity,
            closeness=Cast(TrigramSimilarity(official, Value(key)), FloatField()),
        )
        .annotate(match=match)
        .order_by(
            "-tier",
            "-similarity",
            "-specificity",
            "-closeness",
            F("population").desc(nulls_last=True),
            "name",
        )
    )


def find_areas(query: str, *, limit: int = 10, levels: Sequence[str] | None = None) -> list[Area]:
    """Up to `limit` areas matching `query`, best first, each with a `match` score in [0, 1].

    Raises InvalidQuery (empty, over 100 characters, no letters), UnknownLevel, and ValueError
    for a limit below 1.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    return list(areas_matching(query, levels=levels)[:limit])


def resolve_area(query: str, *, levels: Sequence[str] | None = None) -> Area | None:
    """The one area `query` most likely names, or None when nothing is close enough."""
    found = find_areas(query, limit=1, levels=levels)
    return found[0] if found else None
