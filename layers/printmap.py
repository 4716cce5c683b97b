"""The print sheet's map, rendered by folium on the server with our own Leaflet.

folium renders popup and tooltip strings as Jinja templates and inlines them into one script, so
listing data never reaches it: markers carry only their number on the sheet and their public
point. Its asset lists point at our static files, never a CDN.
"""

import folium
from django.conf import settings
from django.templatetags.static import static

from layers.listing import Entry, Place


def _assets() -> tuple[list, list]:
    # Resolved per render, not at import: the manifest storage knows the hashed names only
    # after collectstatic, which itself imports this module.
    js = [("leaflet", static("vendor/leaflet/leaflet.js"))]
    css = [
        ("leaflet_css", static("vendor/leaflet/leaflet.css")),
        ("print_map_css", static("css/print-map.css")),
    ]
    return js, css


def render(place: Place, entries: list[Entry]) -> str:
    """A whole HTML document: the area's centre and numbered markers at the public points."""
    fmap = folium.Map(
        location=[place.lat, place.lon],
        zoom_start=place.zoom,
        tiles=None,
        zoom_control=False,
        scrollWheelZoom=False,
        dragging=False,
        prefer_canvas=False,
    )
    fmap.default_js, fmap.default_css = _assets()
    folium.TileLayer(
        tiles=settings.GEITONIA_TILE_URL, attr=settings.GEITONIA_TILE_ATTRIBUTION, max_zoom=19
    ).add_to(fmap)
    folium.CircleMarker(
        [place.lat, place.lon], radius=7, color="#1b1b1b", fill=True, fill_opacity=0.2
    ).add_to(fmap)
    points = [[place.lat, place.lon]]
    for entry in entries:
        where = entry.location.public_point
        points.append([where.y, where.x])
        colour = entry.categories[0].colour if entry.categories else "#455a64"
        # The icon's markup is ours: an integer and a colour from a CHECK-constrained column.
        icon = folium.DivIcon(
            html=f'<span class="pin" style="background:{colour}">{int(entry.number)}</span>',
            icon_size=(24, 24),
            icon_anchor=(12, 12),
            class_name="print-pin",
        )
        folium.Marker([where.y, where.x], icon=icon).add_to(fmap)
    if len(points) > 1:
        fmap.fit_bounds(points, padding=(24, 24), max_zoom=16)
    return fmap.get_root().render()
