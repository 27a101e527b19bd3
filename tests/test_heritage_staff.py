"""The staff view in a real browser: a curator searches in Luxembourgish, opens a record and sees what came
from the provider and what moien derived side by side, each enrichment with its method and confidence,
and the record's provenance; the labels follow the chosen language."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, streamlit_app
from tests.test_heritage_search import demo_home  # noqa: F401  (session fixture: the demo collection)

pytestmark = [pytest.mark.browser]

ARTIFACTS = ROOT / ".moien-test" / "screenshots"


@pytest.fixture(scope="module")
def staff(demo_home, tmp_path_factory):  # noqa: F811
    log = tmp_path_factory.mktemp("staff") / "staff.log"
    env = {"MOIEN_HOME": str(demo_home), "MOIEN_HERITAGE__BACKEND": "embedded"}
    with streamlit_app("staff_app.py", env, log) as url:
        yield url


def test_search_record_page_source_and_enrichments_side_by_side(staff, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(staff)
    page.get_by_text("Sammlungen – Personal").wait_for(timeout=180_000)
    box = page.get_by_label("Sichbegrëff (all Sprooch)")
    box.fill("Buerg Veianen")
    box.press("Enter")
    first = page.locator("[class*='st-key-hit-'] button").first
    first.wait_for(timeout=180_000)
    assert "Vianden" in first.inner_text() or "Veianen" in first.inner_text()
    first.click()
    page.get_by_text("Ugereechert (net aus der Quell)").wait_for(timeout=180_000)
    page.get_by_text("Hierkonft", exact=True).wait_for(timeout=180_000)  # the page is drawn to its end
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert "Quell" in body and "Hierkonft" in body
    assert "Sécherheet" in body  # every enrichment shows its confidence …
    assert " v" in body  # … and the method's version
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "staff_lb.png"), full_page=True)

    # French labels, same record
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="Français").click()
    page.get_by_text("Collections – espace du personnel").wait_for(timeout=180_000)
    page.get_by_text("Enrichi (ne vient pas de la source)").wait_for(timeout=180_000)
    # Streamlit draws the page top to bottom: wait for the provenance section rather than count it at once.
    page.get_by_text("Provenance", exact=True).first.wait_for(timeout=180_000)
