"""Search keys write af/ef as av/ev (geo.text.keys._VOICELESS_STEPS): 'Nafplio' finds Ναύπλιο and
'Eleftheriou' finds Ελευθερίου, as people type them.

geo_search_key() is installed again, the indexes built on it are rebuilt, and the keys stored in
Area.search_names are brought up to date by the same two replacements, which the new step applies
last for that reason (a later load_areas computes the same keys from the names).
"""

from django.db import migrations

from geo.text.keys import search_key_sql

INDEXES = (
    "location_name_key_trgm",
    "organisation_name_key_trgm",
    "organisation_alt_key_trgm",
    "service_name_key_trgm",
)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0012_merge_location_indexes_search_key"),
    ]

    operations = [
        migrations.RunSQL(search_key_sql("geo_search_key"), reverse_sql=migrations.RunSQL.noop),
        *(
            migrations.RunSQL(f"REINDEX INDEX {index}", reverse_sql=migrations.RunSQL.noop)
            for index in INDEXES
        ),
        migrations.RunSQL(
            """UPDATE geo_area
                  SET search_names = replace(replace(search_names, 'ef', 'ev'), 'af', 'av')
                WHERE search_names ~ '[ae]f'""",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
