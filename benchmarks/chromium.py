"""Debian's Chromium, as the browser tests and the map benchmark launch it through Playwright
(never `playwright install`: nothing is downloaded at install time)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
