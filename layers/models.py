"""Layers: named, styled selections of locations for the map, the GeoJSON API and the tiles.

A layer selects the locations with a service in one of its categories (sub-categories included)
or an organisation of one of its kinds. It holds no domain data.
"""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geo.models import Area, Category, Named, Organisation
from layers.origins import validate_origins


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


def new_public_id() -> str:
    """An opaque, unguessable id for an embed's URL (16 URL-safe characters, 96 random bits)."""
    return secrets.token_urlsafe(12)


class Embed(models.Model):
    """A partner's map inside their own pages, served at /embed/<public_id>/ and framed only by
    the origins listed here. Holds presentation choices, no domain data."""

    class StartView(models.TextChoices):
        AREA = "area", _("fit to the area")
        CENTRE = "centre", _("centre and zoom")

    class First(models.TextChoices):
        MAP = "map", _("map first")
        LIST = "list", _("list first")

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    partner = models.CharField(_("partner"), max_length=200)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="embeds"
    )
    layers = models.ManyToManyField(Layer, blank=True, related_name="embeds")
    categories = models.ManyToManyField(Category, blank=True, related_name="embeds")
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="el"
    )
    start_view = models.CharField(max_length=10, choices=StartView.choices, default=StartView.AREA)
    centre_lat = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(34.0), MaxValueValidator(42.5)]
    )
    centre_lon = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(19.0), MaxValueValidator(30.0)]
    )
    zoom = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(5), MaxValueValidator(19)]
    )
    first = models.CharField(max_length=4, choices=First.choices, default=First.MAP)
    allowed_origins = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        validators=[validate_origins],
        help_text=_("origins allowed to frame this map, one per line: https://host[:port]"),
    )
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(start_view="centre")
                | Q(centre_lat__isnull=False, centre_lon__isnull=False, zoom__isnull=False),
                name="embed_centre_complete",
            ),
            models.CheckConstraint(
                condition=~Q(start_view="area") | Q(area__isnull=False),
                name="embed_area_for_fit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.public_id})"

    def clean(self) -> None:
        if self.start_view == self.StartView.CENTRE and None in (
            self.centre_lat,
            self.centre_lon,
            self.zoom,
        ):
            raise ValidationError(
                _("A centre and zoom start view needs latitude, longitude, zoom.")
            )
        if self.start_view == self.StartView.AREA and self.area_id is None:
            raise ValidationError(_("Choose the area to fit, or start from a centre and zoom."))
