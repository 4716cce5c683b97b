from django.db import migrations

from geo.privacy import PUBLIC_POINT_TRIGGER_SQL


class Migration(migrations.Migration):
    """Re-installs the public point trigger (plain IF branches; fires on the columns it reads)."""

    dependencies = [("geo", "0009_area_parts")]

    operations = [migrations.RunSQL(PUBLIC_POINT_TRIGGER_SQL, migrations.RunSQL.noop)]
