from django.db import migrations

from geo.versions import (
    DATA_VERSION_SQL,
    DROP_DATA_VERSION_SQL,
    VERSIONED_TABLES,
    drop_version_trigger_sql,
    version_trigger_sql,
)


class Migration(migrations.Migration):
    dependencies = [("geo", "0002_seed_categories")]

    operations = [
        migrations.RunSQL(DATA_VERSION_SQL, DROP_DATA_VERSION_SQL),
        *(
            migrations.RunSQL(version_trigger_sql(t), drop_version_trigger_sql(t))
            for t in VERSIONED_TABLES
        ),
    ]
