// Starts Django's admin map widgets (gis/js/OLMapWidget.js) from the JSON options that
// geo/templates/geo/map_widget.html writes, instead of Django's inline script (CSP); the base map
// is the site's own tile server (GEITONIA_TILE_URL), as on the public map.
document.addEventListener("DOMContentLoaded", () => {
  for (const node of document.querySelectorAll(".dj_map_wrapper > script[type=\"application/json\"]")) {
    const options = JSON.parse(node.textContent);
    if (options.tile_url) {
      options.base_layer = new ol.layer.Tile({
        source: new ol.source.XYZ({
          url: options.tile_url.replace("{s}", "{a-c}"),
          attributions: options.tile_attribution,
          maxZoom: 19,
        }),
      });
    }
    window[`geodjango_${options.name.replace(/-/g, "_")}`] = new MapWidget(options);
  }
});
