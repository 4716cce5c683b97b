// A partner's embed, before map.js: start from the partner's view, show the map or the list first,
// and report the page's height to the partner page, only to an origin its configuration lists
// (never "*"). The partner's side is static/js/geitonia-embed.js.
const config = JSON.parse(document.getElementById("map-config").textContent);
const embed = config.embed;

if (!location.search && embed.initialQuery) {
  history.replaceState(null, "", `${location.pathname}?${embed.initialQuery}`);
}

const explorer = document.getElementById("explorer");
explorer.dataset.view = embed.first;
explorer.classList.toggle("map-first", embed.first === "map");
for (const button of document.querySelectorAll(".view-toggle button")) {
  button.setAttribute("aria-pressed", String(button.dataset.view === embed.first));
}

// The origin of the page framing us: Chromium and Safari tell it (ancestorOrigins); elsewhere the
// referrer does, which the snippet keeps to the origin (referrerpolicy="origin").
function parentOrigin() {
  if (window.parent === window) return null;
  let origin = null;
  if (location.ancestorOrigins && location.ancestorOrigins.length) {
    origin = location.ancestorOrigins[0];
  } else if (document.referrer) {
    try {
      origin = new URL(document.referrer).origin;
    } catch {
      origin = null;
    }
  }
  return origin && embed.allowedOrigins.includes(origin) ? origin : null;
}

const target = parentOrigin();
document.body.dataset.embedParent = target || "";
if (target) {
  let reported = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === reported) return;
    reported = height;
    window.parent.postMessage({ type: "geitonia:height", height }, target);
  };
  new ResizeObserver(report).observe(document.documentElement);
  report();
}
