"""The museum kiosk in a real browser (Debian's Chromium driven by Playwright, touch enabled).

A visitor taps a language, taps a suggested question, gets an answer from the local model with the
object's picture, its sources and related objects, switches language, then walks away: after the idle
timeout the conversation is gone and the kiosk is back on its welcome screen. The question never
appears in the app's logs.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, streamlit_app
from tests.test_documents_page import _axe as axe_violations
from tests.test_heritage_search import demo_home  # noqa: F401  (session fixture: the demo collection)

pytestmark = [pytest.mark.browser, pytest.mark.model]

ARTIFACTS = ROOT / ".moien-test" / "screenshots"
# Long enough that a loaded machine never takes it between two steps of the visit below (the reset would then
# come early), short enough to keep the test brisk. Waits are upper bounds on conditions, never sleeps.
IDLE = 30
UI_MS = 180_000
ANSWER_MS = 900_000


@pytest.fixture(scope="module")
def kiosk(settings, demo_home, tmp_path_factory):  # noqa: F811
    log = tmp_path_factory.mktemp("kiosk") / "kiosk.log"
    env = {
        "MOIEN_HOME": str(demo_home),
        "MOIEN_HERITAGE__KIOSK_IDLE_SECONDS": str(IDLE),
        "MOIEN_MODEL__MAX_TOKENS": "60",
        "MOIEN_UI_LANG": "lb",
        "MOIEN_HERITAGE__DEMO": "0",
    }
    with streamlit_app("kiosk_app.py", env, log) as url:
        yield url, log


@pytest.mark.timeout(2 * ANSWER_MS // 1000)
def test_touch_flow_language_switch_and_idle_reset(kiosk, browser):
    url, log = kiosk
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, has_touch=True)
    page.goto(url)
    # Welcome screen, in the default language, with four language buttons and the AI disclosure.
    page.get_by_text("Frot eis iwwer d'Sammlung").wait_for(timeout=UI_MS)
    for code, label in (("lb", "Lëtzebuergesch"), ("fr", "Français"), ("de", "Deutsch"), ("en", "English")):
        button = page.locator(f".st-key-lang-{code} button")
        button.wait_for(timeout=UI_MS)
        assert button.inner_text().strip() == label
    page.get_by_text("Dir schwätzt mat engem KI-Assistent").first.wait_for(timeout=UI_MS)

    page.locator(".st-key-lang-fr button").tap()
    page.get_by_text("Posez vos questions sur la collection").wait_for(timeout=UI_MS)
    page.get_by_text("Vous parlez à un assistant d'intelligence artificielle").first.wait_for(timeout=UI_MS)
    question = "Qui a peint le château de Vianden ?"
    assert page.locator(".st-key-suggest-0 button").inner_text().strip() == question

    page.locator(".st-key-suggest-0 button").tap()
    page.locator(".st-key-btn-more").wait_for(timeout=ANSWER_MS)  # the local model has answered
    answer = page.locator(".kiosk-answer").first.inner_text()
    assert len(answer.split()) >= 3 and len(answer.split()) <= 80, answer
    assert "Vianden" in page.locator(".kiosk-sources").first.inner_text()
    # Streamlit draws the page top to bottom: wait for what comes below the answer rather than count it at once.
    page.locator("[data-testid='stImage'] img").first.wait_for(timeout=UI_MS)  # the object's picture
    page.get_by_text("Objets liés").first.wait_for(timeout=UI_MS)  # related objects, as tiles
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "kiosk_fr.png"), full_page=True)
    # A visitor's screen meets WCAG 2.1 AA: contrast (no grey captions), labels, names of the buttons and pictures.
    assert axe_violations(page, within='[data-testid="stApp"]') == []
    page.set_viewport_size({"width": 1280, "height": 1000})

    # Switching language keeps the conversation and changes every label.
    page.locator(".st-key-lang-de button").tap()
    page.locator(".st-key-btn-more button", has_text="Erzähl mir mehr").wait_for(timeout=UI_MS)
    expect(page.locator(".kiosk-answer")).to_have_count(1, timeout=UI_MS)

    # The visitor walks away: after the idle timeout everything is wiped, back to the welcome screen.
    page.get_by_text("Frot eis iwwer d'Sammlung").wait_for(timeout=IDLE * 1000 + UI_MS)
    # (until a rerun ends, Streamlit can still show the previous run's elements: wait for them to go)
    expect(page.locator(".kiosk-answer")).to_have_count(0, timeout=UI_MS)
    expect(page.locator(".st-key-btn-more")).to_have_count(0, timeout=UI_MS)
    expect(page.locator(".st-key-suggest-0 button")).to_have_text(
        "Wien huet d'Buerg vu Veianen gemoolt?", timeout=UI_MS
    )
    page.reload()
    page.get_by_text("Frot eis iwwer d'Sammlung").wait_for(timeout=UI_MS)
    expect(page.locator(".kiosk-answer")).to_have_count(0, timeout=UI_MS)
    assert question not in log.read_text(encoding="utf-8")  # messages are never logged
