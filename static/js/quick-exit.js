// Quick exit: the button, or Esc pressed twice within a second, blanks this page at once and
// replaces it with a neutral site with location.replace, so that going back does not return here
// (history.length does not grow). Twice, because one Esc already closes menus and popups.
// Loaded in <head> without defer, so it works before the rest of the page has loaded.
(() => {
  const TWICE_WITHIN_MS = 1000;
  let lastEscape = 0;

  function destination() {
    const link = document.querySelector("a[data-quick-exit]");
    return link ? link.href : "about:blank";
  }

  function leave(url) {
    // Nothing of the page stays on screen (or in the tab's title) while the other site loads.
    document.title = "";
    document.documentElement.style.visibility = "hidden";
    document.body?.replaceChildren();
    if (window.top !== window) {
      // In a partner's embed, leave the partner's page too; a cross-origin frame may navigate
      // its top window after a click or key press. If the browser refuses, leave the frame.
      try {
        window.top.location.replace(url);
        return;
      } catch {
        // fall through
      }
    }
    window.location.replace(url);
  }

  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[data-quick-exit]") : null;
    if (!link) return;
    event.preventDefault();
    leave(link.href);
  });

  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "Escape" || event.repeat) return;
      const now = Date.now();
      if (now - lastEscape <= TWICE_WITHIN_MS) leave(destination());
      lastEscape = now;
    },
    true,
  );
})();
