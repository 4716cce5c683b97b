"""The OpenAPI description of the API's bodies and parameters (drf-spectacular), kept next to
each other so the schema says what the SQL really returns."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from geo.models import LANGUAGE_CODES, Organisation, Service
from geo.search import POINT_PARAMETER
from layers.params import NEAREST_LIMIT_MAX, PAGE_LIMIT_MAX

_string = {"type": "string"}
_nullable_string = {"type": "string", "nullable": True}
_strings = {"type": "array", "items": _string}

SERVICE = {
    "type": "object",
    "required": ["id", "name", "categories", "languages", "audience", "cost", "opening_hours"],
    "properties": {
        "id": {"type": "integer"},
        "name": _string,
        "description": _string,
        "categories": _strings,
        "languages": _strings,
        "audience": _strings,
        "cost": {"type": "string", "enum": list(Service.Cost.values)},
        "how_to_access": _string,
        "opening_hours": {
            "type": "string",
            "description": "OpenStreetMap opening_hours: the service's own, else its location's",
        },
    },
}

DISTANCE = {
    "type": "object",
    "description": "Exact metres only for exact locations; otherwise a band such as 'about 1 km'",
    "required": ["metres", "band"],
    "properties": {
        "metres": {"type": "integer", "nullable": True},
        "band": _nullable_string,
    },
}

OPEN_NOW = {
    "type": "boolean",
    "nullable": True,
    "description": "whether the location's opening hours say open at the time of the request "
    "(Europe/Athens, Greek public holidays); null when it has none or they cannot be read",
}

_PROPERTIES = {
    "id": {"type": "integer"},
    "name": _string,
    "organisation": _string,
    "organisation_kind": {"type": "string", "enum": list(Organisation.Kind.values)},
    "precision": {"type": "string", "enum": ["exact", "street", "area"]},
    "address": {"type": "string", "description": "empty unless the precision is exact"},
    "postcode": _string,
    "area": _nullable_string,
    "area_slug": _nullable_string,
    "opening_hours": _string,
    "phones": _strings,
    "email": _string,
    "website": _string,
    "verified_at": {"type": "string", "format": "date-time", "nullable": True},
    "services": {"type": "array", "items": SERVICE},
}
POINT = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 2,
            "maxItems": 2,
            "description": "longitude, latitude (WGS84)",
        },
    },
}


def _feature(extra: dict | None = None) -> dict:
    properties = {**_PROPERTIES, **(extra or {})}
    return {
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": POINT,
            "properties": {
                "type": "object",
                "required": list(properties),
                "properties": properties,
            },
        },
    }


PAGE = {
    "type": "object",
    "required": ["type", "features", "limit", "offset", "next", "previous"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _feature()},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
        "next": {**_nullable_string, "description": "URL of the next page, if any"},
        "previous": {**_nullable_string, "description": "URL of the previous page, if any"},
    },
}

NEAREST = {
    "type": "object",
    "required": ["type", "features", "centre"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "centre": POINT,
        "near": {
            "type": "object",
            "nullable": True,
            "properties": {
                "label": _string,
                "how": {"type": "string", "enum": ["area", "address"]},
                "area": _nullable_string,
            },
        },
        "features": {
            "type": "array",
            "items": _feature({"distance": DISTANCE, "open_now": OPEN_NOW}),
        },
    },
}

LAYER = {
    "type": "object",
    "required": ["slug", "name_el", "name_en", "names", "colour", "icon", "tiles", "locations"],
    "properties": {
        "slug": _string,
        "name_el": _string,
        "name_en": _string,
        "names": {"type": "object", "additionalProperties": _string},
        "categories": _strings,
        "organisation_kinds": _strings,
        "colour": _string,
        "icon": _string,
        "tiles": {"type": "string", "description": "URL template of the vector tiles"},
        "locations": {"type": "string", "description": "URL of the layer's GeoJSON"},
    },
}
LAYERS = {"type": "array", "items": LAYER}

ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": _string,
        "parameter": {"type": "string", "description": "the query parameter that was wrong"},
    },
}

GEOJSON = "application/geo+json"
MVT = "application/vnd.mapbox-vector-tile"

BAD_REQUEST = {(400, "application/json"): OpenApiResponse(ERROR, description="bad parameter")}
NOT_FOUND = {(404, "application/json"): OpenApiResponse(ERROR, description="not found")}
NOT_MODIFIED = {304: OpenApiResponse(description="not modified since the ETag or date given")}


def _p(name: str, description: str, type_: object = str, **kwargs: object) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


IN_BBOX = _p("in_bbox", "minlon,minlat,maxlon,maxlat (WGS84)")


FILTERS = [
    _p("category", "category slugs, comma-separated; sub-categories are included"),
    _p("layer", "a layer slug (see /api/layers/)"),
    _p("area", "an area slug or name (Κυψέλη, Kypseli): only locations inside it"),
    _p(
        "language",
        "languages spoken, ISO 639-1, comma-separated",
        enum=list(LANGUAGE_CODES),
    ),
    _p("audience", "who a service is for", enum=list(Service.Audience.values)),
    _p("organisation_kind", "kind of organisation", enum=list(Organisation.Kind.values)),
    _p("open_now", "only services open now (Europe/Athens, Greek public holidays)", bool),
    _p("open_at", "only services open at this time (ISO 8601; local Athens time if naive)"),
    _p("q", "words in the name of the location, its organisation or a service"),
]
PAGING = [
    IN_BBOX,
    _p("limit", f"features per page, 1..{PAGE_LIMIT_MAX}", int),
    _p("offset", "features to skip", int),
]
NEAREST_PARAMS = [
    _p(POINT_PARAMETER, "lon,lat (WGS84) to search from"),
    _p("near", "an address or an area name to search from (instead of point)"),
    _p("inside", "with an area in `near`: only locations inside it", bool),
    _p("limit", f"how many, 1..{NEAREST_LIMIT_MAX}", int),
    _p("dist", "only locations within this many metres", float),
    IN_BBOX,
]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
AREA_SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="the area's slug", pattern=SLUG_PATTERN
)
TILE_PATH = [
    OpenApiParameter(
        "layer",
        str,
        OpenApiParameter.PATH,
        description="a layer slug, or 'all'",
        pattern=SLUG_PATTERN,
    ),
    OpenApiParameter("z", int, OpenApiParameter.PATH, description="zoom, 0..22"),
    OpenApiParameter("x", int, OpenApiParameter.PATH, description="column, 0..2^z-1"),
    OpenApiParameter("y", int, OpenApiParameter.PATH, description="row, 0..2^z-1"),
]
TILE_RESPONSE = {
    (200, MVT): OpenApiResponse(
        OpenApiTypes.BINARY,
        description=(
            "a vector tile with one layer named after the path's layer; each feature's id is the"
            " location's id. From zoom 10 a feature carries name, organisation,"
            " organisation_kind and precision; below zoom 10 (overview tiles) only precision."
            " Empty body when no location is in the tile."
        ),
    )
}
