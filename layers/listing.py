"""The list behind the public pages (the no-JS list, the detail page, the print sheet): parse the
query string the map keeps in the URL, find the public locations nearest a point, and describe
each as the public may see it. Reads only `Location.public_point`; writes nothing."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from geo import hours
from geo.models import LANGUAGE_CODES, Area, Category, Location, Service
from geo.privacy import PUBLIC, distance_band
from geo.search import SearchError
from geo.search.places import locate
from geo.search.sql import metres_per_degree_at_least
from layers.models import Layer

# geo.privacy's distance bands, as a person reads them in each language.
BAND_LABELS = {
    "< 250 m": _("under 250 m"),
    "< 500 m": _("under 500 m"),
    "about 1 km": _("about 1 km"),
    "about 2 km": _("about 2 km"),
    "< 5 km": _("under 5 km"),
    "< 10 km": _("under 10 km"),
    "< 25 km": _("under 25 km"),
    "< 50 km": _("under 50 km"),
    "> 50 km": _("over 50 km"),
}
ATHENS = ZoneInfo("Europe/Athens")
# The legend's entry for locations in no layer.
OTHER_LAYER = "other"
# Where the map opens when the URL says nothing: central Athens.
DEFAULT_CENTRE = (23.7275, 37.9838)
DEFAULT_ZOOM = 13
# The no-JS list and the print sheet show this many; the map loads the rest through the API.
PAGE_SIZE = 25
# Candidates read to find `PAGE_SIZE` open ones when "open now" is asked for.
OPEN_NOW_CANDIDATES = 500
# The most candidates read by the KNN index before giving up on widening.
MAX_CANDIDATES = 20_000
_AREA_ZOOM = {
    Area.Level.NEIGHBOURHOOD: 15,
    Area.Level.MUNICIPAL_UNIT: 14,
    Area.Level.MUNICIPALITY: 13,
    Area.Level.REGIONAL_UNIT: 11,
    Area.Level.REGION: 9,
}


@dataclass(frozen=True)
class Filters:
    """What the URL asks for; the same parameter names as the API and the map's JS."""

    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    open_now: bool = False
    q: str = ""
    near: str = ""
    centre: tuple[float, float] | None = None  # lon, lat
    zoom: int | None = None
    layers: tuple[str, ...] = ()  # layers shown (slugs, or OTHER_LAYER); empty means all

    def as_query(self) -> dict[str, str]:
        """The filters as query parameters, without the map position."""
        out = {}
        if self.near:
            out["near"] = self.near
        if self.categories:
            out["category"] = ",".join(self.categories)
        if self.languages:
            out["language"] = ",".join(self.languages)
        if self.open_now:
            out["open_now"] = "1"
        if self.q:
            out["q"] = self.q
        if self.layers:
            out["layers"] = ",".join(self.layers)
        return out


def _csv(params: QueryDict, name: str) -> tuple[str, ...]:
    values = []
    for raw in params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return tuple(dict.fromkeys(values))


def _float(raw: str | None, low: float, high: float) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None


def parse_filters(params: QueryDict) -> Filters:
    """Read the URL's state; unknown categories and languages and bad numbers are dropped, since a
    shared link should still open on something useful."""
    known = set(Category.objects.values_list("slug", flat=True))
    layers = {*Layer.objects.filter(active=True).values_list("slug", flat=True), OTHER_LAYER}
    lat = _float(params.get("lat"), 34.0, 42.5)
    lon = _float(params.get("lon"), 19.0, 30.0)
    zoom = _float(params.get("z"), 5, 19)
    return Filters(
        categories=tuple(c for c in _csv(params, "category") if c in known),
        languages=tuple(c for c in _csv(params, "language") if c in LANGUAGE_CODES),
        open_now=params.get("open_now", "") in {"1", "true", "on"},
        q=params.get("q", "").strip()[:200],
        near=params.get("near", "").strip()[:200],
        centre=(lon, lat) if lat is not None and lon is not None else None,
        zoom=int(zoom) if zoom is not None else None,
        layers=tuple(c for c in _csv(params, "layers") if c in layers),
    )


@dataclass(frozen=True)
class Place:
    """Where a search for `near` landed."""

    label: str
    lon: float
    lat: float
    zoom: int


def find_place(text: str) -> Place | None:
    """Where `near` points: an area by name (Greek, Greeklish or English) or an address, through
    geo.search.places; None when nothing is found or the text cannot name a place."""
    try:
        found = locate(text)
    except SearchError:
        return None
    zoom = _AREA_ZOOM.get(found.area.level, 13) if found.area else 17
    return Place(label=found.label, lon=found.centre.lon, lat=found.centre.lat, zoom=zoom)


def public_locations() -> QuerySet[Location]:
    return (
        Location.objects.filter(PUBLIC)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.filter(is_active=True).prefetch_related("categories"),
            )
        )
    )


def category_tree(slugs: tuple[str, ...]) -> set[str]:
    """The categories and their sub-categories."""
    found = set(slugs)
    frontier = set(slugs)
    while frontier:
        frontier = (
            set(Category.objects.filter(parent__slug__in=frontier).values_list("slug", flat=True))
            - found
        )
        found |= frontier
    return found


def filtered(filters: Filters) -> QuerySet[Location]:
    qs = public_locations()
    services = Service.objects.filter(is_active=True)
    narrowed = False
    if filters.categories:
        services = services.filter(categories__slug__in=category_tree(filters.categories))
        narrowed = True
    if filters.languages:
        services = services.filter(languages__overlap=list(filters.languages))
        narrowed = True
    if narrowed:
        qs = qs.filter(services__in=services)
    if filters.layers:
        qs = qs.filter(in_layers(filters.layers))
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(organisation__name__icontains=filters.q)
            | Q(services__name__icontains=filters.q)
        )
    return qs.distinct() if narrowed or filters.q else qs


def _layer_match(layer: Layer) -> Q:
    slugs = category_tree(tuple(c.slug for c in layer.categories.all()))
    match = Q(services__in=Service.objects.filter(is_active=True, categories__slug__in=slugs))
    if layer.organisation_kinds:
        match |= Q(organisation__kind__in=layer.organisation_kinds)
    return match


def in_layers(slugs: tuple[str, ...]) -> Q:
    """Locations in any of the layers `slugs` (OTHER_LAYER: in no active layer at all)."""
    wanted = Q(pk__in=[])
    every = Q(pk__in=[])
    for layer in Layer.objects.filter(active=True).prefetch_related("categories"):
        match = _layer_match(layer)
        every |= match
        if layer.slug in slugs:
            wanted |= match
    if OTHER_LAYER in slugs:
        wanted |= ~Q(pk__in=Location.objects.filter(every).values("pk"))
    return Q(pk__in=Location.objects.filter(wanted).values("pk"))


def is_open(expression: str, *, at: datetime) -> bool | None:
    """Whether the OSM `opening_hours` say open at `at` (geo.hours, with the Greek holidays);
    None when there are no hours or they cannot be read."""
    if not expression or not hours.is_valid(expression):
        return None
    return hours.is_open(expression, at)


@dataclass
class Entry:
    """One location as the public pages show it."""

    location: Location
    categories: list[Category] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    band: str | None = None
    metres: int | None = None
    open_now: bool | None = None
    number: int = 0  # its number on the print sheet's map

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS.get(self.band, self.band or ""))

    @property
    def hours(self) -> str:
        return self.location.opening_hours or self.location.opening_hours_text

    @property
    def phones(self) -> list[str]:
        return list(self.location.phones or self.location.organisation.phones)

    @property
    def website(self) -> str:
        return self.location.website or self.location.organisation.website

    @property
    def email(self) -> str:
        return self.location.email or self.location.organisation.email

    @property
    def address(self) -> str:
        """The street address only where the point is exact too (geo.privacy)."""
        loc = self.location
        return loc.address if loc.precision == Location.Precision.EXACT else ""

    @property
    def checked(self) -> datetime | None:
        return self.location.verified_at or self.location.organisation.verified_at


def describe(location: Location, *, metres: float | None, now: datetime) -> Entry:
    categories: dict[str, Category] = {}
    languages: list[str] = []
    for service in location.services.all():
        for category in service.categories.all():
            categories.setdefault(category.slug, category)
        languages.extend(lang for lang in service.languages if lang not in languages)
    told = distance_band(metres, precision=location.precision)
    return Entry(
        location=location,
        categories=sorted(categories.values(), key=lambda c: (c.sort_order, c.slug)),
        languages=languages,
        band=told["band"],
        metres=told["metres"],
        open_now=is_open(location.opening_hours, at=now),
    )


def _nearest_ids(qs: QuerySet[Location], origin: Point, *, count: int) -> list[tuple[int, float]]:
    """(id, metres) of the `count` locations of `qs` nearest `origin`, nearest first.

    The KNN operator (`<->`, on the public point's GiST index) picks candidates by planar
    degrees, so only they get a true distance; the candidate set widens until no location
    beyond the farthest candidate can be nearer than the last one kept (as geo.search does)."""
    candidates = count * 2 + 10
    while True:
        rows = list(
            qs.annotate(
                knn=GeometryDistance("public_point", origin),
                distance=Distance("public_point", origin),
            )
            .order_by("knn")  # alone: a second key would stop the index scan
            .values_list("id", "knn", "distance")[:candidates]
        )
        kept = sorted(((pk, distance.m) for pk, _knn, distance in rows), key=lambda r: (r[1], r[0]))
        kept = kept[:count]
        if len(rows) < candidates or candidates >= MAX_CANDIDATES or not kept:
            return kept
        reach = rows[-1][1]
        bound = reach * metres_per_degree_at_least(latitude=origin.y, reach=reach)
        if len(kept) == count and bound >= kept[-1][1]:
            return kept
        candidates = min(candidates * 4, MAX_CANDIDATES)


def nearest(
    filters: Filters,
    *,
    centre: tuple[float, float],
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = PAGE_SIZE,
    now: datetime,
) -> list[Entry]:
    """Public locations matching `filters`, nearest `centre` (lon, lat) first, as `Entry`s."""
    origin = Point(*centre, srid=4326)
    qs = filtered(filters)
    if bbox:
        qs = qs.filter(public_point__bboxoverlaps=Polygon.from_bbox(bbox))
    found = _nearest_ids(qs, origin, count=OPEN_NOW_CANDIDATES if filters.open_now else limit)
    by_id = public_locations().in_bulk([pk for pk, _metres in found])
    entries = [describe(by_id[pk], metres=metres, now=now) for pk, metres in found if pk in by_id]
    if filters.open_now:
        entries = [e for e in entries if e.open_now]
    return entries[:limit]
