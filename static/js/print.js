// The print sheet's one script: a Print button (the sheet itself needs no JavaScript).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
