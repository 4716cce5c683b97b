/* Geitonia embeds on a partner's page: resizes every <iframe data-geitonia-embed> to the height
   its page reports. Plain JavaScript, no dependencies, nothing sent anywhere. It trusts a message
   only if it comes from that iframe's window (event.source) and from Geitonia's origin (this
   script's own, and the iframe's). */
(function () {
  "use strict";
  var MIN_HEIGHT = 200;
  var MAX_HEIGHT = 20000;
  var script = document.currentScript;
  var geitonia = script ? new URL(script.src, location.href).origin : null;

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "geitonia:height" || typeof data.height !== "number") return;
    if (geitonia && event.origin !== geitonia) return;
    var frames = document.querySelectorAll("iframe[data-geitonia-embed]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      var height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.round(data.height)));
      frame.style.height = height + "px";
      frame.setAttribute("data-geitonia-height", String(height));
      return;
    }
  });
})();
