// The public map: Leaflet with clustered markers loaded by bounding box from the API as the map
// moves, the list beside it (nearest first), the filters and the area search, all kept in the URL.
// Config comes from the page's json_script block, so embeds can reuse this module.
// What comes first: the list (the nearest few, with everything it shows) and their markers; the
// markers of everything in view (small features from /api/locations/markers/) only once the map
// is on screen, so that a phone opening on the list never downloads them.
import { combobox } from "./combobox.js";
import { bandFor, describe, entryNode, metresBetween, popupNode } from "./results.js";
import { readState, toQuery, writeState } from "./state.js";

// First, so that the phone layout lays the map out before Leaflet measures it.
document.documentElement.classList.add("js");
const config = JSON.parse(document.getElementById("map-config").textContent);
const t = config.text;
// How close to come to an area picked from the suggestions (as the server does for ?near=).
const AREA_ZOOM = { neighbourhood: 15, municipal_unit: 14, municipality: 13, regional_unit: 11, region: 9 };
// Below this zoom a bounding box holds too many services to list; the map asks to zoom in.
const MIN_ZOOM = 9;
const form = document.getElementById("filters");
const explorer = document.getElementById("explorer");
const resultsList = document.getElementById("results");
const statusLine = document.getElementById("results-status");
const mapPanel = document.querySelector(".map-panel");
const ctx = { config };

let state = readState(location.search, config);
let origin = config.origin; // [lat, lon] of the place searched for, or of the person
let listItems = []; // the nearest in view, described (everything the list shows)
let markerItems = []; // every marker in (a padded) view, described (name and categories only)
let markersLoaded = null; // { bounds, key } of the last markers response
let markersTruncated = false;
let controller = null;
let firstPaint = true;
// The most markers asked for; more than this in view and the map asks to zoom in.
const MARKER_LIMIT = 5000;

const map = L.map("map", { zoomControl: true }).setView([state.lat, state.lon], state.z);
L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
// Cluster icons are markers too; like every marker they stay out of the tab order (the list is
// the keyboard's way in).
L.MarkerCluster.mergeOptions({ keyboard: false });
const cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
map.addLayer(cluster);
let hereMarker = null;

// Which legend layers a location is in (a layer selects categories or organisation kinds);
// "other" when it is in none of them.
const realLayers = config.layers.filter((layer) => layer.categories.length || layer.kinds.length);
function layersOf(item) {
  const found = realLayers
    .filter(
      (layer) =>
        item.categories.some((slug) => layer.categories.includes(slug)) ||
        layer.kinds.includes(item.kind),
    )
    .map((layer) => layer.slug);
  return found.length ? found : ["other"];
}

const icons = new Map();
function iconFor(item) {
  const slug = item.layers[0];
  if (!icons.has(slug)) {
    const layer = config.layers.find((l) => l.slug === slug);
    // The marker is built from our own layer table: a class and an icon URL, no listing text.
    const box = document.createElement("span");
    box.className = `pin layer-${slug}`;
    const img = document.createElement("img");
    img.src = layer.icon;
    img.alt = "";
    box.append(img);
    icons.set(slug, L.divIcon({ html: box, className: "pin-icon", iconSize: [28, 28], iconAnchor: [14, 14] }));
  }
  return icons.get(slug);
}

// The API applies the filters (category, language, open now, words); the legend's layers are
// applied here, so that toggling one needs no request.
function visible(item) {
  return !state.layers.length || item.layers.some((slug) => state.layers.includes(slug));
}

function distanceOrigin() {
  return origin || [map.getCenter().lat, map.getCenter().lng];
}

// The listed items win over their small marker twins: their popups have everything.
function mapItems() {
  const byId = new Map();
  for (const item of markerItems) byId.set(item.id, item);
  for (const item of listItems) byId.set(item.id, item);
  return byId.values();
}

function renderMarkers() {
  cluster.clearLayers();
  const markers = [];
  for (const item of mapItems()) {
    if (!visible(item)) continue;
    const marker = L.marker(item.latlng, { keyboard: false, title: item.name, icon: iconFor(item) });
    marker.bindPopup(() => popupNode(item, ctx, bandFor(metresBetween(distanceOrigin(), item.latlng), config.bands)));
    markers.push(marker);
  }
  cluster.addLayers(markers);
  if (firstPaint && markers.length) {
    firstPaint = false;
    // For the benchmark: when the first features are on the map.
    requestAnimationFrame(() => {
      document.body.dataset.firstFeatures = String(Math.round(performance.now()));
    });
  }
  document.body.dataset.markers = String(markers.length);
}

function markersCoverView() {
  return (
    markersLoaded !== null &&
    markersLoaded.key === toQuery(state, { withPosition: false }) &&
    markersLoaded.bounds.contains(map.getBounds())
  );
}

// How many services are in view: counted from the markers when they cover the view; known from
// the list when it holds fewer than a page; otherwise not known (null).
function totalInView(shown) {
  if (markersCoverView() && !markersTruncated) {
    const bounds = map.getBounds();
    let total = 0;
    for (const item of markerItems) if (visible(item) && bounds.contains(item.latlng)) total += 1;
    return Math.max(total, shown);
  }
  return listItems.length < config.pageSize ? shown : null;
}

function renderList() {
  const from = distanceOrigin();
  const shown = listItems
    .filter(visible)
    .map((item) => ({ item, metres: metresBetween(from, item.latlng) }))
    .sort((a, b) => a.metres - b.metres);
  resultsList.replaceChildren(
    ...shown.map(({ item, metres }) => entryNode(item, ctx, { band: bandFor(metres, config.bands) })),
  );
  const total = totalInView(shown.length);
  if (!shown.length) statusLine.textContent = t.noResults;
  else if (total === null) statusLine.textContent = t.nearest.replace("%(shown)s", shown.length);
  else if (total > shown.length)
    statusLine.textContent = t.showing.replace("%(shown)s", shown.length).replace("%(total)s", total);
  else statusLine.textContent = t.found.replace("%(total)s", total);
  if (markersTruncated && markersCoverView() && mapShown()) statusLine.textContent += ` ${t.zoomInMap}`;
  // A place that was not found stays said until the next search.
  if (config.notFound && state.near) statusLine.textContent = `${config.notFound} ${statusLine.textContent}`;
  document.body.dataset.listed = String(shown.length);
}

// On a phone the list and the map take turns; the hidden map is laid out but not seen.
function mapShown() {
  return getComputedStyle(mapPanel).visibility !== "hidden";
}

function boxParam(b) {
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -85, 85)]
    .map((v) => v.toFixed(5))
    .join(",");
}

function filterParams() {
  const params = new URLSearchParams();
  if (state.category.length) params.set("category", state.category.join(","));
  if (state.language.length) params.set("language", state.language.join(","));
  if (state.open_now) params.set("open_now", "true");
  if (state.q) params.set("q", state.q);
  return params;
}

function describeAll(features) {
  return features
    .filter((f) => f.geometry && f.geometry.coordinates)
    .map((f) => {
      const item = describe(f);
      item.layers = layersOf(item);
      return item;
    });
}

async function features(url, params, signal) {
  const response = await fetch(`${url}?${params}`, {
    headers: { Accept: "application/geo+json, application/json" },
    signal,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const data = await response.json();
  return { data, items: describeAll(data.features || []) };
}

// The nearest in view, as many as the list shows: small and quick, so it comes first.
async function loadList(signal) {
  const params = filterParams();
  const [lat, lon] = distanceOrigin();
  params.set(config.api.originParameter, `${lon.toFixed(5)},${lat.toFixed(5)}`);
  params.set("in_bbox", boxParam(map.getBounds()));
  params.set("limit", String(config.pageSize));
  return (await features(config.api.nearest, params, signal)).items;
}

async function loadMarkers(signal, key) {
  const params = filterParams();
  const bounds = map.getBounds().pad(0.25);
  params.set("in_bbox", boxParam(bounds));
  params.set("limit", String(MARKER_LIMIT));
  const { data, items } = await features(config.api.markers, params, signal);
  return { items, truncated: Boolean(data.truncated), bounds, key };
}

async function load() {
  if (!config.api.nearest) return;
  const key = toQuery(state, { withPosition: false });
  if (markersLoaded && markersLoaded.key !== key) {
    markerItems = [];
    markersLoaded = null;
  }
  controller?.abort();
  if (map.getZoom() < MIN_ZOOM) {
    listItems = [];
    markerItems = [];
    markersLoaded = null;
    renderMarkers();
    resultsList.replaceChildren();
    statusLine.textContent = t.zoomIn;
    delete document.body.dataset.loading;
    return;
  }
  controller = new AbortController();
  const { signal } = controller;
  document.body.dataset.loading = "true";
  try {
    const wantMarkers = config.api.markers && mapShown() && !(markersCoverView() && !markersTruncated);
    // Both start now; the list is drawn as soon as it is here.
    const markers = wantMarkers ? loadMarkers(signal, key) : null;
    markers?.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    if (listFromPage) listFromPage = false;
    else listItems = await loadList(signal);
    renderMarkers();
    renderList();
    if (markers) {
      const got = await markers;
      markerItems = got.items;
      markersTruncated = got.truncated;
      markersLoaded = { bounds: got.bounds, key: got.key };
      renderMarkers();
      renderList();
    }
  } catch (error) {
    if (error.name === "AbortError") return;
    statusLine.textContent = t.loadFailed;
  } finally {
    if (controller.signal === signal) delete document.body.dataset.loading;
  }
}

function syncForm() {
  form.elements.near.value = state.near;
  form.elements.category.value = state.category[0] || "";
  form.elements.language.value = state.language[0] || "";
  form.elements.q.value = state.q;
  form.elements.open_now.checked = state.open_now;
  for (const box of document.querySelectorAll('input[name="layers"]')) {
    box.checked = !state.layers.length || state.layers.includes(box.value);
  }
}

function readForm() {
  const value = (name) => form.elements[name].value.trim();
  const layers = [...document.querySelectorAll('input[name="layers"]')];
  const on = layers.filter((b) => b.checked).map((b) => b.value);
  state.category = value("category") ? [value("category")] : [];
  state.language = value("language") ? [value("language")] : [];
  state.q = value("q");
  state.open_now = form.elements.open_now.checked;
  state.layers = on.length === layers.length ? [] : on.length ? on : ["none"];
}

function updateLanguageLinks() {
  const query = toQuery(state);
  for (const link of document.querySelectorAll("a[data-lang-switch]")) {
    const url = new URL(link.href);
    url.search = query;
    link.href = url.href;
  }
}

function remember({ push }) {
  const c = map.getCenter();
  Object.assign(state, { lat: c.lat, lon: c.lng, z: map.getZoom() });
  writeState(state, { push });
  updateLanguageLinks();
}

let moveTimer = null;
map.on("moveend", () => {
  remember({ push: false });
  clearTimeout(moveTimer);
  moveTimer = setTimeout(load, 150);
});

form.addEventListener("submit", (event) => {
  const near = form.elements.near.value.trim();
  if (near && near !== state.near) return; // the server finds the place and renders the page
  event.preventDefault();
  if (!near && state.near) {
    state.near = "";
    origin = null;
  }
  readForm();
  remember({ push: true });
  load();
});

function filtersChanged(name) {
  readForm();
  remember({ push: true });
  if (name === "layers") {
    renderMarkers();
    renderList();
  } else {
    load();
  }
}
form.addEventListener("change", (event) => {
  if (event.target.name !== "near") filtersChanged(event.target.name);
});
// The legend's checkboxes sit on the map but belong to the form (form="filters"); their change
// events bubble through the map panel, not the form.
for (const box of document.querySelectorAll('.legend input[name="layers"]')) {
  box.addEventListener("change", () => filtersChanged("layers"));
}

window.addEventListener("popstate", () => {
  state = readState(location.search, config);
  syncForm();
  map.setView([state.lat, state.lon], state.z, { animate: false });
  load();
});

// Near me: the browser's position stays in this page; only the map's centre reaches the URL.
const nearMe = document.getElementById("near-me");
if ("geolocation" in navigator) {
  nearMe.hidden = false;
  nearMe.addEventListener("click", () => {
    statusLine.textContent = t.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        origin = [position.coords.latitude, position.coords.longitude];
        state.near = "";
        form.elements.near.value = "";
        hereMarker?.remove();
        hereMarker = L.circleMarker(origin, { radius: 8, color: "#0b5cad", interactive: false }).addTo(map);
        map.setView(origin, Math.max(map.getZoom(), 15));
        remember({ push: true });
        load();
      },
      () => {
        statusLine.textContent = t.locateFailed;
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 },
    );
  });
}

// Area suggestions, once the area search API is served.
if (config.api.areas) {
  combobox(form.elements.near, document.getElementById("near-options"), {
    emptyText: t.noSuggestions,
    async fetchOptions(text, signal) {
      const response = await fetch(`${config.api.areas}?${new URLSearchParams({ q: text })}`, { signal });
      if (!response.ok) return [];
      const data = await response.json();
      return (data.features || []).slice(0, 8).map((feature) => {
        const p = feature.properties || {};
        return { label: p.name, detail: p.parent || "", feature };
      });
    },
    onPick(option) {
      state.near = option.label;
      const bounds = L.geoJSON(option.feature).getBounds();
      if (bounds.isValid()) {
        const centre = bounds.getCenter();
        origin = [centre.lat, centre.lng];
        const zoom = AREA_ZOOM[option.feature.properties?.level] || 14;
        map.setView(centre, zoom);
      }
      remember({ push: true });
      load();
    },
  });
}

// On a small screen the legend starts folded, so that it does not cover the map.
if (window.matchMedia("(max-width: 760px)").matches) document.querySelector(".legend").open = false;

// On a small screen the list and the map take turns, one tap apart.
const toggle = document.querySelector(".view-toggle");
toggle.hidden = false;
for (const button of toggle.querySelectorAll("button")) {
  button.addEventListener("click", () => {
    explorer.dataset.view = button.dataset.view;
    for (const b of toggle.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
    if (button.dataset.view === "map") {
      map.invalidateSize();
      // The markers of the whole view, now that the map is seen: one load, whether or not the
      // new size moved the map (a move has already queued one).
      clearTimeout(moveTimer);
      moveTimer = setTimeout(load, 0);
    }
  });
}

// The list the server drew (config.first, the nearest to the same centre) is the first view's
// list when it is the nearest in view too: when all of it is in view, or when it is everything
// there is. Then it is drawn at once, on the map too, without waiting for a request. An embed may
// have changed the view before this module ran (embed.js), so it asks the API.
let listFromPage = false;
if (Array.isArray(config.first) && !config.embed && map.getZoom() >= MIN_ZOOM) {
  const first = describeAll(config.first);
  const bounds = map.getBounds();
  const inView = first.filter((item) => bounds.contains(item.latlng));
  if (inView.length === first.length || first.length < config.pageSize) {
    listItems = inView;
    listFromPage = true;
  }
}

syncForm();
remember({ push: false });
load();
