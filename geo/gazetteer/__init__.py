"""Finding areas by name, Greek-aware, in the database (trigram indexes on Area.search_names).

For other modules:
- `find_areas(query, *, limit=10, levels=None) -> list[Area]`: best match first; each area has
  a `match` score in [0, 1]. Raises `InvalidQuery` (empty, longer than 100 characters, no
  letters, or nothing Greek or Latin in it) and `UnknownLevel`.
- `resolve_area(query, *, levels=None) -> Area | None`: the best match, or None when nothing
  is close. Same errors.
- `areas_matching(query, *, levels=None) -> QuerySet[Area]`: the ordered, annotated queryset
  behind both, for callers that add their own columns (the API adds simplified boundaries).
- `update_search_names(settlements)`: (re)computes `Area.search_names`; `geo.areas.load_areas`
  calls it after every load. `read_settlements(text)` parses the ELSTAT settlement list.

Reads only, except `update_search_names`, which writes `Area.search_names` and nothing else.
"""

from geo.gazetteer.names import Settlement, read_settlements, update_search_names
from geo.gazetteer.query import (
    MAX_QUERY_LENGTH,
    InvalidQuery,
    UnknownLevel,
    areas_matching,
    find_areas,
    query_key,
    resolve_area,
)

__all__ = [
    "MAX_QUERY_LENGTH",
    "InvalidQuery",
    "Settlement",
    "UnknownLevel",
    "areas_matching",
    "find_areas",
    "query_key",
    "read_settlements",
    "resolve_area",
    "update_search_names",
]
