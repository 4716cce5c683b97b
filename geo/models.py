"""The domain model, aligned with Open Referral HSDS: organisations, their locations and services,
a category taxonomy, administrative and neighbourhood areas, and the geocoding cache.

Models hold fields, constraints and indexes only; spatial queries live in `geo.search`, and the
public point of a location is kept by `geo.privacy`; output never reads `Location.point`.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.db.models import F, Func, Q, TextField, Value
from django.utils.translation import gettext_lazy as _

# Languages a service can be offered in (ISO 639-1, plus "sgn" for sign language).
LANGUAGE_CODES = (
    "el",
    "en",
    "ar",
    "fa",
    "fr",
    "ur",
    "ps",
    "ku",
    "ti",
    "so",
    "sq",
    "ru",
    "uk",
    "es",
    "de",
    "it",
    "tr",
    "bn",
    "pa",
    "am",
    "ln",
    "sw",
    "zh",
    "ro",
    "bg",
    "ka",
    "hy",
    "sgn",
)


class Named(models.Model):
    """Names in Greek and English, and any other language in `names` ({"ar": "...", ...})."""

    name_el = models.CharField(_("name (Greek)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)

    class Meta:
        abstract = True

    def name_in(self, language: str) -> str:
        """The name in `language`, falling back to English, then Greek."""
        if language == "el" and self.name_el:
            return self.name_el
        if language == "en" and self.name_en:
            return self.name_en
        return self.names.get(language) or self.name_en or self.name_el


class Category(Named):
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    colour = models.CharField(max_length=7, help_text="#rrggbb")
    icon = models.CharField(max_length=40, help_text=_("icon name in static/icons"))
    synonyms = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text=_("other names used in spreadsheets, in any language"),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "slug"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="category_colour_hex"
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="category_not_own_parent"
            ),
            models.CheckConstraint(
                condition=~Q(name_el="") | ~Q(name_en=""), name="category_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en or self.name_el


# The own-names section of Area.search_names (geo.gazetteer.names), indexed for trigram search.
SEARCH_OWN_NAMES = Func(
    F("search_names"), Value("/"), Value(1), function="split_part", output_field=TextField()
)


def search_key_field() -> models.TextField:
    """The stored search key (geo.text.search_key) of a name, for the text search `q`.

    The trigger of migration 0014 fills it in the database: on insert when it is empty, and on
    update when the name changes and the key does not. The importer writes the key it computed
    in Python with the same function (tested equal to the SQL twin, geo_search_key), so that a
    large import does not spend a backend's time transliterating; anything else leaves it empty
    and the database computes it. Never edited by hand."""
    return models.TextField(editable=False, default="", db_default="")


def search_key_index(field: str, *, name: str) -> GinIndex:
    """A trigram index on a stored search key, for `<field> LIKE '%key%'` (geo.search.sql)."""
    return GinIndex(fields=[field], opclasses=["gin_trgm_ops"], name=name)


class Area(Named):
    class Level(models.TextChoices):
        REGION = "region", _("region")
        REGIONAL_UNIT = "regional_unit", _("regional unit")
        MUNICIPALITY = "municipality", _("municipality")
        MUNICIPAL_UNIT = "municipal_unit", _("municipal unit")
        NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")

    LEVEL_RANK = {
        Level.REGION: 0,
        Level.REGIONAL_UNIT: 1,
        Level.MUNICIPALITY: 2,
        Level.MUNICIPAL_UNIT: 3,
        Level.NEIGHBOURHOOD: 4,
    }

    slug = models.SlugField(max_length=120, unique=True, allow_unicode=False)
    level = models.CharField(max_length=20, choices=Level.choices)
    name = models.CharField(_("official name"), max_length=300)
    code = models.CharField(_("official code"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    boundary = models.MultiPolygonField(srid=4326)
    centroid = models.PointField(srid=4326, help_text=_("a point inside the area"))
    population = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    # Normalised names for Greek-aware search (geo.text); kept in the row so it can be indexed.
    search_names = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"], condition=~Q(code=""), name="area_unique_code_per_level"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="area_not_own_parent"),
            models.CheckConstraint(condition=~Q(name=""), name="area_named"),
        ]
        indexes = [
            models.Index(fields=["level"]),
            GinIndex(
                name="area_search_names_trgm", fields=["search_names"], opclasses=["gin_trgm_ops"]
            ),
            # The area's own names, the part before the settlements (geo.gazetteer.names): what
            # fuzzy matching reads; the whole column would make every recheck slow.
            GinIndex(OpClass(SEARCH_OWN_NAMES, name="gin_trgm_ops"), name="area_search_own_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        MUNICIPAL = "municipal", _("municipal service")
        PUBLIC = "public", _("public service")
        CLINIC = "clinic", _("social clinic")
        GRASSROOTS = "grassroots", _("grassroots / mutual-aid group")
        UNION = "union", _("union")
        NETWORK = "network", _("network")
        HOSPITAL = "hospital", _("hospital or health centre")
        OTHER = "other", _("other")

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    name_key = search_key_field()
    alternate_name_key = search_key_field()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    phones = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text=_("the network or umbrella organisation this one belongs to"),
    )
    source = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="organisation_named"),
        ]
        # What the text search (`q`, geo.search.sql) reads; keep in step with it.
        indexes = [
            search_key_index("name_key", name="organisation_name_key_trgm"),
            search_key_index("alternate_name_key", name="organisation_alt_key_trgm"),
        ]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    class Precision(models.TextChoices):
        """How much of the position the public may see (geo.privacy applies it)."""

        EXACT = "exact", _("exact")
        STREET = "street", _("street (about 100 m)")
        AREA = "area", _("area only")
        HIDDEN = "hidden", _("hidden")

    class GeocodePrecision(models.TextChoices):
        """How well we know where it is (what the geocoder or the source told us)."""

        SOURCE = "source", _("coordinates from the source")
        MANUAL = "manual", _("placed by hand")
        HOUSE = "house", _("house number")
        STREET = "street", _("street")
        POSTCODE = "postcode", _("postcode")
        AREA = "area", _("neighbourhood or area")
        MUNICIPALITY = "municipality", _("municipality")
        NONE = "none", _("not placed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(max_length=300, blank=True)
    name_key = search_key_field()
    description = models.TextField(blank=True)
    # Not indexed: nothing searches by the exact point (every spatial query reads public_point),
    # and an index nobody reads costs every import a GiST insert per row.
    point = models.PointField(srid=4326, null=True, blank=True, spatial_index=False)
    # What the public may see, kept by a database trigger from point, precision and area
    # (geo.privacy). Every output reads this column, never `point`.
    public_point = models.PointField(
        srid=4326, null=True, blank=True, editable=False, spatial_index=False
    )  # indexed by location_public_point_gist below (one GiST index, not two)
    precision = models.CharField(max_length=10, choices=Precision.choices, default=Precision.EXACT)
    address = models.CharField(_("street address"), max_length=300, blank=True)
    address_extra = models.CharField(_("floor, entrance"), max_length=200, blank=True)
    locality = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=5, blank=True)
    municipality = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": Area.Level.MUNICIPALITY},
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
        help_text=_("the smallest area containing it; its centroid is the public point for 'area'"),
    )
    opening_hours = models.CharField(
        max_length=500, blank=True, help_text=_("OpenStreetMap opening_hours syntax")
    )
    opening_hours_text = models.TextField(blank=True, help_text=_("hours as written, if unparsed"))
    phones = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    accessibility = models.TextField(blank=True)
    # Where the position came from, and what is left to do.
    geocode_precision = models.CharField(
        max_length=12, choices=GeocodePrecision.choices, default=GeocodePrecision.SOURCE
    )
    geocode_provider = models.CharField(max_length=40, blank=True)
    geocode_query = models.CharField(max_length=500, blank=True)
    needs_pin = models.BooleanField(
        default=False, help_text=_("could not be placed: a coordinator must place it on the map")
    )
    needs_regeocode = models.BooleanField(
        default=False, help_text=_("placed by an offline fallback; geocode again when possible")
    )
    source = models.CharField(max_length=200, blank=True)
    source_ref = models.CharField(max_length=200, blank=True, help_text=_("id in the source"))
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(point__isnull=False) | Q(needs_pin=True),
                name="location_placed_or_needs_pin",
            ),
            models.CheckConstraint(
                condition=Q(postcode="") | Q(postcode__regex=r"^[1-8][0-9]{4}$"),
                name="location_postcode_greek",
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="location_unique_source_ref",
            ),
        ]
        indexes = [
            GistIndex(fields=["public_point"], name="location_public_point_gist"),
            models.Index(fields=["needs_pin"], condition=Q(needs_pin=True), name="location_pin"),
            search_key_index("name_key", name="location_name_key_trgm"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.organisation} – {self.address or self.locality}"


class Service(models.Model):
    class Cost(models.TextChoices):
        FREE = "free", _("free")
        LOW = "low", _("low cost")
        PAID = "paid", _("paid")
        UNKNOWN = "unknown", _("unknown")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("everyone")
        REFUGEES = "refugees", _("refugees and migrants")
        CHILDREN = "children", _("children")
        FAMILIES = "families", _("families")
        WOMEN = "women", _("women")
        YOUTH = "youth", _("young people")
        ELDERLY = "elderly", _("older people")
        DISABLED = "disabled", _("people with disabilities")
        UNEMPLOYED = "unemployed", _("unemployed people")
        WORKERS = "workers", _("workers")
        HOMELESS = "homeless", _("homeless people")
        RESIDENTS = "residents", _("residents of the municipality")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    name_key = search_key_field()
    description = models.TextField(blank=True)
    categories = models.ManyToManyField(Category, related_name="services")
    locations = models.ManyToManyField(Location, related_name="services", blank=True)
    languages = ArrayField(
        models.CharField(max_length=8),
        default=list,
        blank=True,
        help_text=_("ISO 639-1 codes of the languages spoken, e.g. el, en, ar, fa"),
    )
    audience = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), default=list, blank=True
    )
    eligibility = models.TextField(blank=True)
    cost = models.CharField(max_length=10, choices=Cost.choices, default=Cost.UNKNOWN)
    fees = models.CharField(max_length=300, blank=True)
    how_to_access = models.TextField(blank=True)
    opening_hours = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("OpenStreetMap syntax, when the service keeps other hours than its location"),
    )
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="service_named"),
            models.CheckConstraint(
                condition=Q(languages__contained_by=list(LANGUAGE_CODES)),
                name="service_languages_known",
            ),
        ]
        indexes = [
            GinIndex(fields=["languages"], name="service_languages_gin"),
            search_key_index("name_key", name="service_name_key_trgm"),
        ]

    def __str__(self) -> str:
        return self.name


class GeocodeResult(models.Model):
    """A cache of geocoder answers, keyed by the normalised query; `found=False` caches misses."""

    query_key = models.CharField(max_length=500, unique=True)
    query = models.CharField(max_length=500)
    provider = models.CharField(max_length=40)
    found = models.BooleanField()
    point = models.PointField(srid=4326, null=True, blank=True)
    precision = models.CharField(
        max_length=12, choices=Location.GeocodePrecision.choices, default="none"
    )
    display_name = models.CharField(max_length=500, blank=True)
    # The most specific area holding the point, kept so that a cache hit needs no spatial query.
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(found=False) | Q(point__isnull=False), name="geocode_found_has_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.query} → {self.precision}"


class GeocoderThrottle(models.Model):
    """When the next request to a geocoding provider may leave this installation.

    One row per provider, shared by every process and machine using this database: the
    installation-wide rate limit of `geo.geocoding.throttle`.
    """

    provider = models.CharField(max_length=40, primary_key=True)
    next_allowed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.provider}: next request at {self.next_allowed_at:%H:%M:%S.%f}"
