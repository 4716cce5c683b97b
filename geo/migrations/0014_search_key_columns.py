"""The search keys of names are stored in columns, and the trigram indexes are built on them.

Until now the indexes were on the expression geo_search_key(name): every insert, every index
build after a bulk load and every recheck of a `q` match ran the transliteration again (~15 µs
a name in PL/pgSQL, and it was most of the time a large import spent rebuilding indexes). Now
the key is computed once, when the name is written, and kept in `*_key`:

- a trigger fills a key that is empty on insert, and recomputes it on update when the name
  changes and the key does not (so the ORM, the admin, queryset.update() and raw SQL need not
  know about it);
- the importer writes keys it computed in Python with geo.text.search_key (the same function;
  tests hold the two equal), so a large import pays for them in its cleaning workers.

Changing search_key later means installing the function again and setting every key to ''
(the trigger then recomputes them), as this migration's backfill does.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models

# (table, [(name column, key column)])
KEYED = [
    ("geo_location", [("name", "name_key")]),
    ("geo_organisation", [("name", "name_key"), ("alternate_name", "alternate_name_key")]),
    ("geo_service", [("name", "name_key")]),
]


def _trigger_sql(table: str, pairs: list[tuple[str, str]]) -> str:
    steps = "\n".join(
        f"""  IF coalesce(NEW.{key}, '') = '' THEN
    IF NEW.{name} <> '' THEN  -- most alternate names are empty, and so are their keys
      NEW.{key} := coalesce(geo_search_key(NEW.{name}), '');
    ELSE
      NEW.{key} := '';
    END IF;
  ELSIF TG_OP = 'UPDATE' THEN
    IF NEW.{name} IS DISTINCT FROM OLD.{name} AND NEW.{key} IS NOT DISTINCT FROM OLD.{key} THEN
      NEW.{key} := coalesce(geo_search_key(NEW.{name}), '');
    END IF;
  END IF;"""
        for name, key in pairs
    )
    columns = ", ".join(c for pair in pairs for c in pair)
    return f"""
CREATE OR REPLACE FUNCTION {table}_search_keys() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
{steps}
  RETURN NEW;
END
$fn$;
CREATE TRIGGER {table}_search_keys BEFORE INSERT OR UPDATE OF {columns} ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_search_keys();
UPDATE {table} SET {", ".join(f"{key} = ''" for _, key in pairs)};
"""  # noqa: S608 (table and column names from KEYED above)


def _drop_trigger_sql(table: str) -> str:
    return f"""DROP TRIGGER IF EXISTS {table}_search_keys ON {table};
               DROP FUNCTION IF EXISTS {table}_search_keys();"""


def _key_field() -> models.TextField:
    return models.TextField(db_default="", default="", editable=False)


def _gin(field: str, name: str) -> django.contrib.postgres.indexes.GinIndex:
    return django.contrib.postgres.indexes.GinIndex(
        fields=[field], name=name, opclasses=["gin_trgm_ops"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0013_search_key_voiceless_af_ef"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="location", name="location_name_key_trgm"),
        migrations.RemoveIndex(model_name="organisation", name="organisation_name_key_trgm"),
        migrations.RemoveIndex(model_name="organisation", name="organisation_alt_key_trgm"),
        migrations.RemoveIndex(model_name="service", name="service_name_key_trgm"),
        migrations.AddField(model_name="location", name="name_key", field=_key_field()),
        migrations.AddField(
            model_name="organisation", name="alternate_name_key", field=_key_field()
        ),
        migrations.AddField(model_name="organisation", name="name_key", field=_key_field()),
        migrations.AddField(model_name="service", name="name_key", field=_key_field()),
        *(
            migrations.RunSQL(_trigger_sql(table, pairs), reverse_sql=_drop_trigger_sql(table))
            for table, pairs in KEYED
        ),
        migrations.AddIndex(
            model_name="location", index=_gin("name_key", "location_name_key_trgm")
        ),
        migrations.AddIndex(
            model_name="organisation", index=_gin("name_key", "organisation_name_key_trgm")
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=_gin("alternate_name_key", "organisation_alt_key_trgm"),
        ),
        migrations.AddIndex(model_name="service", index=_gin("name_key", "service_name_key_trgm")),
    ]
