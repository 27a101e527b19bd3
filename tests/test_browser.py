"""End to end in a real browser: Debian's Chromium, driven by Playwright, against the Streamlit app."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

import pytest

from moien.assistants.core import i18n
from tests.conftest import ROOT, streamlit_app

pytestmark = [pytest.mark.browser, pytest.mark.model, pytest.mark.neo4j]

ARTIFACTS = ROOT / ".moien-test" / "screenshots"

# Upper bounds for waiting on a condition, never sleeps: on a loaded 2-core machine, where the model shares the
# cores with other processes, a page takes seconds to rerun and an answer minutes to write.
UI_MS = 180_000
ANSWER_MS = 900_000


@pytest.fixture(scope="module")
def app_url(settings, neo4j_server):
    env = {"MOIEN_HOME": str(settings.home), "MOIEN_NEO4J__PORT": str(settings.neo4j.port)}
    with streamlit_app("teacher_app.py", env) as url:
        yield url


@pytest.mark.timeout(2 * ANSWER_MS // 1000)
def test_teacher_asks_in_luxembourgish_and_sees_an_answer_with_sources(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    # The AI disclosure is visible before anyone types (AI Act Art. 50: at the latest at first interaction).
    page.get_by_text("Dir schwätzt mat engem KI-Assistent").first.wait_for(timeout=UI_MS)
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Wéini fänkt d'Schoul un?")
    box.press("Enter")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    answer.get_by_text("Quellen").wait_for(timeout=ANSWER_MS)
    # The turn is finished when the answer's caption (AI label · model) appears — or, for the Luxembourgish source's
    # own sentences (an extract, not generated: docs/models/luxembourgish.md), the line that says so; or, when the
    # answer guardrail retracted what the model wrote, its notice in Luxembourgish, with the sources kept.
    finished = re.compile(
        "Generéiert vun enger KI|"
        + re.escape(i18n.t("extracted", "lb")[:40])
        + "|"
        + re.escape(i18n.t("unverified", "lb")[:40])
    )
    answer.get_by_text(finished).first.wait_for(timeout=ANSWER_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "teacher_app_lb.png"), full_page=True)
    text = answer.inner_text()
    assert "Schouljoer a Vakanz" in text  # the cited source's title
    assert len(text) > 80


def test_ui_language_switch_changes_every_label(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    page.get_by_text("Dir schwätzt mat engem KI-Assistent").first.wait_for(timeout=UI_MS)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Français").click()
    page.get_by_text("Vous parlez à un assistant d'intelligence artificielle").first.wait_for(timeout=UI_MS)
    page.get_by_text("Nouvelle conversation").wait_for(timeout=UI_MS)
    # While Streamlit reruns the page it can briefly show the old and the new chat input side by side: wait for
    # the state a user sees once the rerun ends — one input, labelled in French.
    page.wait_for_function(
        """() => {
            const boxes = document.querySelectorAll('[data-testid="stChatInputTextArea"]');
            return boxes.length === 1 && boxes[0].placeholder.startsWith("Posez votre question");
        }""",
        timeout=UI_MS,
    )


@pytest.mark.timeout(2 * ANSWER_MS // 1000)
def test_teacher_builds_a_lesson_plan_and_downloads_it_as_word(app_url, browser, tmp_path):
    import io

    from docx import Document

    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(f"{app_url}/lesson-plan")
    page.get_by_text("Plang fir eng Schoulstonn").first.wait_for(timeout=UI_MS)
    page.get_by_label("Theema").fill("de Waasserkreeslaf")
    page.get_by_role("button", name="Plang maachen").click()
    download_button = page.get_by_role("button", name="Als Word eroflueden")
    download_button.wait_for(timeout=ANSWER_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "lesson_plan_lb.png"), full_page=True)
    with page.expect_download() as info:
        download_button.click()
    path = tmp_path / "plan.docx"
    info.value.save_as(path)
    doc = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Generéiert vun enger KI" in text  # the AI label travels with the exported document
    assert "ai_generated=true" in doc.core_properties.comments
    assert "SC-C3" in text or "SC-C" in text  # cites curriculum items on the water cycle's subject


def test_curriculum_explorer_search_item_page_and_link_picture(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    page.goto(f"{app_url}/curriculum")
    page.get_by_text("Programmer entdecken").first.wait_for(timeout=UI_MS)
    box = page.get_by_role("textbox").first
    box.fill("Bréch")  # Luxembourgish for "fractions"
    box.press("Enter")
    page.get_by_text("Resultater").wait_for(timeout=UI_MS)
    page.get_by_text("Offiziell Verbindungen").wait_for(timeout=UI_MS)
    # official and suggested links are shown apart, suggestions marked as not official (waited for: Streamlit
    # draws the page top to bottom)
    page.get_by_text("Virschléi vu moien (net offiziell)").first.wait_for(timeout=UI_MS)
    main = page.get_by_test_id("stMain").inner_text()
    assert "MA-" in main  # a mathematics item was found from a Luxembourgish word
    page.get_by_test_id("stGraphVizChart").first.wait_for(timeout=UI_MS)  # the picture of the links
    # the picture is interactive: a click on a linked item opens that item's page, in the same UI language
    link = page.locator("[data-testid='stGraphVizChart'] svg a[*|href]").first  # the other items' nodes
    link.wait_for(timeout=UI_MS)
    href = link.get_attribute("xlink:href") or link.get_attribute("href")
    other = unquote(href.split("item=")[1].split("&")[0])
    link.locator("text").first.click()
    page.wait_for_url(f"**item={quote(other)}**", timeout=UI_MS)
    page.get_by_text(f"{other} — ").first.wait_for(timeout=UI_MS)
    assert "Programmer entdecken" in page.get_by_test_id("stMain").inner_text()
    page.get_by_test_id("stGraphVizChart").first.wait_for(timeout=UI_MS)  # and its own picture of links
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "curriculum_item_from_picture_lb.png"), full_page=True)
    page.get_by_role("tab", name="Ofdeckung no Niveau a Fach").click()
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=UI_MS)  # coverage heat map
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "curriculum_explorer_lb.png"), full_page=True)
