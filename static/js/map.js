// The public map: markers for every public location, popups built as DOM nodes with textContent
// (Leaflet renders popup strings as HTML, so listing data must never reach it as a string).
const config = JSON.parse(document.getElementById("map-config").textContent);

const map = L.map("map").setView(config.center, config.zoom);
L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);

function popupFor(props) {
  const box = document.createElement("div");
  const title = document.createElement("strong");
  title.textContent = props.name || props.organisation;
  box.append(title);
  if (props.organisation && props.organisation !== props.name) {
    const org = document.createElement("div");
    org.textContent = props.organisation;
    box.append(org);
  }
  const list = document.createElement("ul");
  for (const service of props.services || []) {
    const item = document.createElement("li");
    item.textContent = service.name;
    list.append(item);
  }
  box.append(list);
  return box;
}

async function loadLocations() {
  const response = await fetch(config.locationsUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`locations: HTTP ${response.status}`);
  const data = await response.json();
  const cluster = L.markerClusterGroup();
  for (const feature of data.features) {
    if (!feature.geometry) continue;
    const [lon, lat] = feature.geometry.coordinates;
    const marker = L.marker([lat, lon], { keyboard: false, title: feature.properties.name });
    marker.bindPopup(() => popupFor(feature.properties));
    cluster.addLayer(marker);
  }
  map.addLayer(cluster);
  document.body.dataset.markers = String(data.features.length);
}

loadLocations();
