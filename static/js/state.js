// The map's state lives in the URL (centre, zoom, layers, filters, query), so a view can be shared
// and the back button works. Same parameter names as the server list and the API.
const LISTS = ["category", "language", "layers"];

export function readState(search, defaults) {
  const params = new URLSearchParams(search);
  const num = (name) => {
    const value = Number.parseFloat(params.get(name) ?? "");
    return Number.isFinite(value) ? value : null;
  };
  const list = (name) =>
    params
      .getAll(name)
      .flatMap((v) => v.split(","))
      .map((v) => v.trim())
      .filter(Boolean);
  const state = {
    lat: num("lat") ?? defaults.centre[0],
    lon: num("lon") ?? defaults.centre[1],
    z: num("z") ?? defaults.zoom,
    near: params.get("near") ?? "",
    q: params.get("q") ?? "",
    open_now: ["1", "true", "on"].includes(params.get("open_now") ?? ""),
  };
  for (const name of LISTS) state[name] = list(name);
  return state;
}

export function toQuery(state, { withPosition = true } = {}) {
  const params = new URLSearchParams();
  if (state.near) params.set("near", state.near);
  for (const name of LISTS) if (state[name].length) params.set(name, state[name].join(","));
  if (state.open_now) params.set("open_now", "1");
  if (state.q) params.set("q", state.q);
  if (withPosition) {
    // Four decimals (about 10 m) are enough to share a view.
    params.set("lat", state.lat.toFixed(4));
    params.set("lon", state.lon.toFixed(4));
    params.set("z", String(Math.round(state.z)));
  }
  return params.toString();
}

export function writeState(state, { push = false } = {}) {
  const url = `${location.pathname}?${toQuery(state)}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}
