from django import forms
from django.contrib import admin
from django.contrib.postgres.forms import SimpleArrayField
from django.urls import path
from django.utils.translation import gettext_lazy as _

from layers.embeds import snippet_builder, snippet_link
from layers.models import Embed, Layer
from layers.origins import normalise_origin


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_el", "name_en", "colour", "icon", "sort_order", "active"]
    list_editable = ["sort_order", "active"]
    list_filter = ["active"]
    search_fields = ["slug", "name_el", "name_en"]
    filter_horizontal = ["categories"]
    prepopulated_fields = {"slug": ["name_en"]}


class EmbedForm(forms.ModelForm):
    allowed_origins = SimpleArrayField(
        forms.CharField(max_length=300),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("One origin per line: https://host or https://host:port (no path)."),
    )

    class Meta:
        model = Embed
        fields = [
            "partner",
            "enabled",
            "area",
            "layers",
            "categories",
            "language",
            "first",
            "start_view",
            "centre_lat",
            "centre_lon",
            "zoom",
            "allowed_origins",
        ]

    def clean_allowed_origins(self) -> list[str]:
        # Partners paste page URLs; keep the origin and refuse what is not one.
        origins = []
        for value in self.cleaned_data["allowed_origins"]:
            if value.strip():
                origins.append(normalise_origin(value))
        return list(dict.fromkeys(origins))


@admin.register(Embed)
class EmbedAdmin(admin.ModelAdmin):
    form = EmbedForm
    list_display = ["partner", "public_id", "area", "language", "enabled", "updated"]
    list_filter = ["enabled", "language"]
    search_fields = ["partner", "public_id", "allowed_origins"]
    autocomplete_fields = ["area"]
    filter_horizontal = ["layers", "categories"]
    readonly_fields = ["public_id", "snippet", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["partner", "enabled", "public_id", "snippet"]}),
        (_("What it shows"), {"fields": ["area", "layers", "categories", "language", "first"]}),
        (_("Where it starts"), {"fields": ["start_view", "centre_lat", "centre_lon", "zoom"]}),
        (_("Who may frame it"), {"fields": ["allowed_origins"]}),
        (_("History"), {"fields": ["created", "updated"]}),
    ]

    @admin.display(description=_("embed code"))
    def snippet(self, obj: Embed) -> str:
        return snippet_link(obj) if obj.pk else "–"

    def get_urls(self):
        return [
            path(
                "<int:pk>/snippet/",
                self.admin_site.admin_view(snippet_builder),
                name="layers_embed_snippet",
            ),
            *super().get_urls(),
        ]
