// Listing data becomes DOM nodes filled with textContent, never HTML strings: Leaflet renders
// popup strings as HTML, and the data comes from spreadsheets anyone could have typed into.
const SAFE_SCHEMES = new Set(["http:", "https:", "tel:", "mailto:"]);

export function safeUrl(value) {
  if (typeof value !== "string" || !value.trim()) return null;
  try {
    const url = new URL(value.trim());
    return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

// Metres between two [lat, lon] points on a sphere: enough for ordering and for bands.
export function metresBetween([lat1, lon1], [lat2, lon2]) {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

// Only bands, as geo.privacy tells distances; public points of non-exact places are already
// coarse, and no exact metres are shown for any place in the list.
export function bandFor(metres, bands) {
  for (const [limit, label] of bands) if (limit === null || metres < limit) return label;
  return "";
}

// The API's feature, whichever serializer built it, as the list needs it.
export function describe(feature) {
  const p = feature.properties || {};
  const services = Array.isArray(p.services) ? p.services : [];
  const categories = new Set(p.categories || []);
  const languages = new Set(p.languages || []);
  for (const s of services) {
    for (const c of s.categories || []) categories.add(typeof c === "string" ? c : c.slug);
    for (const l of s.languages || []) languages.add(l);
  }
  const [lon, lat] = feature.geometry.coordinates;
  const phones = p.phones && p.phones.length ? p.phones : p.organisation_phones || [];
  return {
    id: p.id ?? feature.id,
    name: p.name || p.organisation || "",
    kind: p.organisation_kind || "",
    organisation: p.organisation && p.organisation !== p.name ? p.organisation : "",
    categories: [...categories],
    languages: [...languages],
    hours: p.opening_hours || p.opening_hours_text || "",
    openNow: typeof p.open_now === "boolean" ? p.open_now : null,
    phones,
    website: p.website || p.organisation_website || "",
    checked: p.verified_at || p.organisation_verified_at || null,
    address: p.precision === "exact" ? p.address || "" : "",
    latlng: [lat, lon],
  };
}

function fact(list, label, content) {
  const row = el("div");
  row.append(el("dt", {}, label));
  const dd = el("dd");
  if (typeof content === "string") dd.textContent = content;
  else dd.append(...content);
  row.append(dd);
  list.append(row);
}

function telHref(phone) {
  const digits = phone.replace(/[^\d+]/g, "");
  return `tel:${digits.slice(0, 1)}${digits.slice(1).replace(/\+/g, "")}`;
}

// One result as the server's includes/entry.html draws it.
export function entryNode(item, ctx, { heading = "h3", band = "" } = {}) {
  const { config } = ctx;
  const t = config.text;
  const li = el("li", { class: "entry", "data-id": String(item.id) });
  const article = el("article", { "aria-labelledby": `entry-${item.id}` });
  // dir="auto": a name keeps its own direction (Greek on an Arabic page, Arabic on a Greek one).
  const h = el(heading, { id: `entry-${item.id}`, class: "entry-name", dir: "auto" });
  const link = el("a", { href: config.detailUrl.replace("/0/", `/${Number(item.id)}/`) }, item.name);
  h.append(link);
  article.append(h);
  if (item.organisation) article.append(el("p", { class: "entry-org", dir: "auto" }, item.organisation));
  const known = item.categories.filter((slug) => config.categories[slug]);
  if (known.length) {
    const badges = el("ul", { class: "badges" });
    for (const slug of known) {
      // The class comes from our category table, never from the listing's text.
      badges.append(el("li", { class: `badge cat-${slug}` }, config.categories[slug].name));
    }
    article.append(badges);
  }
  const facts = el("dl", { class: "facts" });
  if (band) fact(facts, t.distance, band);
  if (item.address) fact(facts, t.address, item.address);
  if (item.hours || item.openNow !== null) {
    const parts = [];
    if (item.openNow === true) parts.push(el("strong", { class: "open-now" }, t.openNow), " ");
    if (item.openNow === false) parts.push(el("span", { class: "closed-now" }, t.closedNow), " ");
    if (item.hours) parts.push(el("span", { dir: "ltr" }, item.hours));
    fact(facts, t.hours, parts);
  }
  if (item.languages.length) {
    fact(facts, t.languages, item.languages.map((code) => config.languages[code] || code).join(", "));
  }
  if (item.phones.length) {
    const parts = [];
    item.phones.forEach((phone, i) => {
      if (i) parts.push(", ");
      parts.push(el("a", { href: telHref(phone), dir: "ltr" }, phone));
    });
    fact(facts, t.phone, parts);
  }
  const website = safeUrl(item.website);
  if (website) {
    const a = el("a", { href: website, rel: "noopener noreferrer nofollow", dir: "ltr" });
    a.textContent = new URL(website).host.replace(/^www\./, "") || website;
    fact(facts, t.website, [a]);
  }
  if (item.checked) {
    const date = new Date(item.checked);
    if (!Number.isNaN(date.getTime())) {
      const time = el("time", { datetime: date.toISOString().slice(0, 10) });
      time.textContent = date.toLocaleDateString(config.lang);
      fact(facts, t.lastChecked, [time]);
    }
  }
  article.append(facts);
  li.append(article);
  return li;
}

// A popup is the same entry, as a DOM node (Leaflet inserts nodes as they are).
export function popupNode(item, ctx, band) {
  const box = el("div", { class: "popup" });
  const list = el("ul", { class: "results popup-list" });
  list.append(entryNode(item, ctx, { heading: "h2", band }));
  box.append(list);
  return box;
}
