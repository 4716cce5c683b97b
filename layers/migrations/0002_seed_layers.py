"""The first layers of the map, and the data-version trigger on the layer tables."""

from django.db import migrations

from geo.versions import drop_version_trigger_sql, version_trigger_sql

# slug, el, en, ar, fa, categories, organisation kinds, colour, icon
LAYERS = [
    (
        "health",
        "Υγεία",
        "Health",
        "الصحة",
        "بهداشت",
        ["health"],
        ["clinic", "hospital"],
        "#b3261e",
        "health",
    ),
    (
        "mental-health",
        "Ψυχική υγεία",
        "Mental health",
        "الصحة النفسية",
        "سلامت روان",
        ["mental-health"],
        [],
        "#6a1b9a",
        "mental-health",
    ),
    (
        "legal-asylum",
        "Νομική βοήθεια και άσυλο",
        "Legal & asylum",
        "المساعدة القانونية واللجوء",
        "کمک حقوقی و پناهندگی",
        ["legal-aid", "asylum-migration"],
        [],
        "#1a4f8b",
        "legal",
    ),
    (
        "food-clothing",
        "Τρόφιμα και ρουχισμός",
        "Food & clothing",
        "الغذاء والملابس",
        "غذا و پوشاک",
        ["food", "clothing"],
        [],
        "#2e6b1f",
        "food",
    ),
    ("housing", "Στέγαση", "Housing", "السكن", "مسکن", ["housing"], [], "#8a4b08", "housing"),
    (
        "children-families",
        "Παιδιά και οικογένειες",
        "Children & families",
        "الأطفال والأسر",
        "کودکان و خانواده‌ها",
        ["children-families"],
        [],
        "#ad1457",
        "children",
    ),
    (
        "mutual-aid",
        "Αλληλεγγύη και αλληλοβοήθεια",
        "Mutual aid",
        "المساعدة المتبادلة",
        "کمک متقابل",
        ["mutual-aid"],
        ["grassroots"],
        "#bf360c",
        "mutual-aid",
    ),
    (
        "unions",
        "Σωματεία και εργασιακά δικαιώματα",
        "Unions",
        "النقابات",
        "اتحادیه‌ها",
        ["labour-rights"],
        ["union"],
        "#c62828",
        "union",
    ),
]


def create_layers(apps, schema_editor):
    Layer = apps.get_model("layers", "Layer")
    Category = apps.get_model("geo", "Category")
    for order, (slug, el, en, ar, fa, cats, kinds, colour, icon) in enumerate(LAYERS):
        layer, _ = Layer.objects.update_or_create(
            slug=slug,
            defaults={
                "name_el": el,
                "name_en": en,
                "names": {"ar": ar, "fa": fa},
                "organisation_kinds": kinds,
                "colour": colour,
                "icon": icon,
                "sort_order": order,
            },
        )
        layer.categories.set(Category.objects.filter(slug__in=cats))


def remove_layers(apps, schema_editor):
    apps.get_model("layers", "Layer").objects.filter(slug__in=[row[0] for row in LAYERS]).delete()


TABLES = ["layers_layer", "layers_layer_categories"]


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0001_layer"),
        ("geo", "0003_data_version"),
    ]

    operations = [
        *(migrations.RunSQL(version_trigger_sql(t), drop_version_trigger_sql(t)) for t in TABLES),
        migrations.RunPython(create_layers, remove_layers),
    ]
