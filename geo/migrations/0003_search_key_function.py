"""geo_search_key(text): geo.text.search_key in SQL, IMMUTABLE, for expression indexes.

The SQL is generated from geo.text.keys; tests/test_text.py checks that both agree. When
search_key changes, add a migration that runs search_key_sql() again and reindexes what uses it.
"""

from django.db import migrations

from geo.text.keys import search_key_sql


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_seed_categories")]

    operations = [
        migrations.RunSQL(
            search_key_sql("geo_search_key"),
            reverse_sql="DROP FUNCTION IF EXISTS geo_search_key(text)",
        ),
    ]
