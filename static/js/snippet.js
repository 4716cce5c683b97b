// The admin's embed snippet builder: the iframe code follows the chosen width and height, and so
// does the preview (resized by static/js/geitonia-embed.js, as on a partner's page).
(() => {
  const root = document.getElementById("snippet-builder");
  const width = document.getElementById("snippet-width");
  const height = document.getElementById("snippet-height");
  const code = document.getElementById("snippet-code");
  const iframe = document.querySelector("#snippet-preview iframe");

  // The same markup as layers.embeds.iframe_code, escaped for an attribute.
  const attr = (value) =>
    String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  function update() {
    const w = width.value || "100%";
    const h = Math.max(200, Math.min(4000, Number.parseInt(height.value, 10) || 640));
    iframe.setAttribute("width", w);
    iframe.style.height = `${h}px`;
    code.value =
      `<iframe src="${attr(root.dataset.embedSrc)}" title="${attr(root.dataset.title)}" width="${attr(w)}" ` +
      `height="${h}" loading="lazy" referrerpolicy="origin" data-geitonia-embed ` +
      `style="border:0;max-width:100%"></iframe>\n` +
      `<script src="${attr(root.dataset.scriptUrl)}" async></script>`;
  }

  width.addEventListener("change", update);
  height.addEventListener("change", update);
  document.getElementById("snippet-copy").addEventListener("click", () => {
    code.select();
    navigator.clipboard?.writeText(code.value);
  });
  update();
})();
