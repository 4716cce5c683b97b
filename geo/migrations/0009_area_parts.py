from django.db import migrations

from geo.area_parts import AREA_PARTS_SQL, DROP_AREA_PARTS_SQL


class Migration(migrations.Migration):
    dependencies = [("geo", "0008_public_point_one_index")]

    operations = [migrations.RunSQL(AREA_PARTS_SQL, DROP_AREA_PARTS_SQL)]
