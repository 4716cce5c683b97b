from django.contrib import admin

from layers.models import Layer


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_el", "name_en", "colour", "icon", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    list_filter = ["active"]
    search_fields = ["slug", "name_el", "name_en"]
    filter_horizontal = ["categories"]
    prepopulated_fields = {"slug": ["name_en"]}
