// The import preview map in the admin: a marker for each listing the import creates or changes.
// Data comes from json_script; popups are DOM nodes filled with textContent, never HTML strings.
(function () {
  "use strict";
  const box = document.getElementById("import-map");
  const data = document.getElementById("import-markers");
  if (!box || !data || typeof L === "undefined") return;
  const markers = JSON.parse(data.textContent);
  const tiles = JSON.parse(document.getElementById("import-tiles").textContent);
  const map = L.map(box);
  L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  const colours = { new: "#1b5e20", changed: "#e65100" };
  const bounds = [];
  markers.forEach(function (m) {
    const latlng = [m.lonlat[1], m.lonlat[0]];
    bounds.push(latlng);
    const popup = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = m.name;
    const address = document.createElement("div");
    address.textContent = m.address;
    const rows = document.createElement("div");
    rows.textContent = m.action + " · rows " + m.rows.join(", ");
    popup.append(title, address, rows);
    L.circleMarker(latlng, { radius: 6, color: colours[m.action] || "#333" })
      .bindPopup(popup)
      .addTo(map);
  });
  if (bounds.length === 1) map.setView(bounds[0], 16);
  else map.fitBounds(bounds, { padding: [20, 20] });
})();
