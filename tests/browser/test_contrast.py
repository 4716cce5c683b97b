"""WCAG 2.1 AA colour contrast, checked by axe-core (npm, a dev dependency, never served) in the
real pages: the map, the list on a phone, the Arabic page and the print sheet."""

from pathlib import Path

import pytest

from tests.browser.test_map import ready

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Only the contrast rule: the other checks of the pages have their own tests. axe 4.14 cannot
# blend Leaflet's `mix-blend-mode: plus-lighter` on map tiles: it throws and skips the whole rule
# (reporting one "incomplete" node and nothing else). The tiles are set to normal blending first;
# axe cannot read the colours of text over images anyway (it reports those as incomplete).
RUN_AXE = """async () => {
  for (const tile of document.querySelectorAll(".leaflet-tile")) tile.style.mixBlendMode = "normal";
  const result = await axe.run(document, {
    runOnly: { type: "rule", values: ["color-contrast"] },
  });
  const failed = [...result.violations, ...result.incomplete].find((rule) => rule.error);
  return {
    error: failed ? String(failed.error.message || failed.error) : null,
    checked: result.passes.reduce((n, rule) => n + rule.nodes.length, 0),
    violations: result.violations.flatMap((v) =>
      v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`),
    ),
  };
}"""
# Fewer passing nodes than this and the check has quietly stopped looking.
MIN_CHECKED = 20


def contrast_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/setup.sh test (npm ci installs axe-core)")
    # A DevTools evaluation, outside the page's CSP (which rightly refuses injected scripts).
    page.evaluate(AXE.read_text())
    result = page.evaluate(RUN_AXE)
    assert result["error"] is None, result["error"]
    assert result["checked"] >= MIN_CHECKED, result
    return result["violations"]


def test_the_map_page_has_enough_contrast(open_page, places):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    page.click("summary:has-text('Filters')")
    assert page.locator("#results .entry").count() >= 1
    assert contrast_violations(page) == []


def test_the_list_on_a_phone_has_enough_contrast(open_page, places):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14", viewport={"width": 390, "height": 844})
    ready(page)
    assert page.locator("#results .open-now, #results .closed-now").count() >= 1
    assert contrast_violations(page) == []


def test_the_arabic_page_has_enough_contrast(open_page, places):
    page = open_page("/ar/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    assert contrast_violations(page) == []


def test_the_print_sheet_has_enough_contrast(open_page, places):
    page = open_page("/en/print/?near=Kypseli")
    page.frame_locator("iframe.sheet-map").locator(".print-pin").first.wait_for()
    assert page.locator(".sheet .entry").count() >= 1
    assert contrast_violations(page) == []


def test_the_contrast_check_finds_grey_on_grey(open_page, places):
    page = open_page("/en/?lat=37.9900&lon=23.7400&z=14")
    ready(page)
    page.evaluate("""() => {
      const p = document.createElement("p");
      p.id = "too-faint";
      p.textContent = "Grey on grey";
      p.style.color = "#777";
      p.style.background = "#888";
      document.querySelector("#results").before(p);
    }""")
    assert any(v.startswith("#too-faint") for v in contrast_violations(page))
