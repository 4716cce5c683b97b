"""Layers: named, styled selections of locations for the map, the GeoJSON API and the tiles.

A layer selects the locations with a service in one of its categories (sub-categories included)
or an organisation of one of its kinds. It holds no domain data.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.models import Category, Named, Organisation


class Layer(Named):
    slug = models.SlugField(max_length=80, unique=True)
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="layers",
        help_text=_("locations with a service in any of these (or their sub-categories)"),
    )
    organisation_kinds = ArrayField(
        models.CharField(max_length=20, choices=Organisation.Kind.choices),
        default=list,
        blank=True,
        help_text=_("…or run by an organisation of any of these kinds"),
    )
    colour = models.CharField(max_length=7, help_text="#rrggbb")
    icon = models.CharField(max_length=40, help_text=_("icon name in static/icons"))
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="layer_colour_hex"
            ),
            models.CheckConstraint(condition=~Q(name_el="") | ~Q(name_en=""), name="layer_named"),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_el
