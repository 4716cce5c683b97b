"""Trigram indexes on geo_search_key() of the names `q` searches (location, organisation and its
alternate name, service), so a text filter is an index lookup, not a scan (geo.search.sql).

geo_search_key() is installed again first: the same function, rewritten to cost ~4x less per call
(see geo.text.keys.search_key_sql), since building these indexes calls it for every row.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

from geo.text.keys import search_key_sql


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0008_public_point_one_index"),
    ]

    operations = [
        migrations.RunSQL(search_key_sql("geo_search_key"), reverse_sql=migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="location",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    models.Func(
                        models.F("name"), function="geo_search_key", output_field=models.TextField()
                    ),
                    name="gin_trgm_ops",
                ),
                name="location_name_key_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    models.Func(
                        models.F("name"), function="geo_search_key", output_field=models.TextField()
                    ),
                    name="gin_trgm_ops",
                ),
                name="organisation_name_key_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    models.Func(
                        models.F("alternate_name"),
                        function="geo_search_key",
                        output_field=models.TextField(),
                    ),
                    name="gin_trgm_ops",
                ),
                name="organisation_alt_key_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    models.Func(
                        models.F("name"), function="geo_search_key", output_field=models.TextField()
                    ),
                    name="gin_trgm_ops",
                ),
                name="service_name_key_trgm",
            ),
        ),
    ]
