"""Normalising names for search and slugs: case, accents, final sigma, Greek to Latin, Greeklish,
look-alike letters and the nominative of official genitive names. Pure string functions; nothing
here touches the database.
"""

from geo.text.grammar import demotic_forms, name_parts, nominative_forms
from geo.text.keys import repair_homoglyphs, search_key, search_key_sql
from geo.text.slugs import slugify_greek, strip_accents, transliterate

__all__ = [
    "demotic_forms",
    "name_parts",
    "nominative_forms",
    "repair_homoglyphs",
    "search_key",
    "search_key_sql",
    "slugify_greek",
    "strip_accents",
    "transliterate",
]
