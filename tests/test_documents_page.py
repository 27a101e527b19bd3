"""The teacher app's "Documents" page in a real browser (Debian's Chromium, Playwright), against Streamlit.

Two apps over one ``MOIEN_HOME``: one whose user is staff (``general.groups = ["staff"]``), one whose user has no
group. What a person would notice is checked: staff upload a PDF and a Word file they made (and a broken file that
must not cost them the others) and see them listed with their pages; someone without a staff group gets no upload
control but a line that says how an administrator enables it, and never sees a staff-only collection; a
plain-language rewrite is shown beside its original, with the readability line, the facts and the source.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, streamlit_app

# The tests that open a page get the ``browser`` marker from conftest (they use the ``browser`` fixture); the one
# whose page runs the model is marked ``model`` by hand: the model runs in the page's child process.

#: Upper bounds for waiting on a condition, never sleeps: on a loaded 2-core machine a Streamlit page takes seconds
#: to rerun, an import loads the e5 model, and a rewrite by the model takes minutes.
UI_MS = 180_000
ANSWER_MS = 900_000
SHOTS = Path(os.environ.get("MOIEN_TEST_SCREENSHOTS") or ROOT / ".moien-test" / "screenshots")

PDF_PAGES = [
    "Identity cards are issued by the commune of residence.",
    "An adult pays 14 euros; the card is valid for ten years.",
    "A child under fifteen pays 5 euros.",
]
#: A short public page: one passage, so a rewrite is one call to the model (two when it is retried).
PUBLIC_PAGE = """# Passport photos

Applicants are required to furnish a photograph of passport format, not older than 3 months, measuring 45 mm in
height and 35 mm in width, which shall be submitted in person to the administration of the commune of residence at
the time of the application, failing which the application cannot be processed by the competent services.
"""


def test_an_uploaded_file_stays_in_the_upload_folder_whatever_its_name(tmp_path: Path) -> None:
    # A browser sends the name it likes: "../../x" must not write outside the collection's folder, and ".x" would
    # be skipped (hidden) by a later import of the folder.
    from moien.ui.documents_page import save_upload

    folder = tmp_path / "uploads" / "circulars"
    for name in ("../../escape.md", "..\\..\\escape.md", ".hidden.md", "/etc/passwd"):
        path = save_upload(folder, name, b"# Title\n\nText.\n")
        assert path.parent == folder and not path.name.startswith("."), (name, path)
    assert sorted(p.name for p in folder.iterdir()) == ["escape.md", "hidden.md", "passwd"]
    assert not (tmp_path / "escape.md").exists()


def make_pdf(pages: list[str], title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Guide des aides", 0)
    document.add_heading("Allocation de vie chère", 1)
    document.add_paragraph("Le montant annuel est de 1 652 euros pour une personne seule.")
    document.add_heading("Demande", 1)
    document.add_paragraph("Le formulaire est à envoyer avant le 31 décembre.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a public collection and a staff-only one, imported as ``moien docs import`` does (without
    vectors: the page lists and acts, it does not search)."""
    from moien.documents.importer import import_path
    from moien.documents.store import DocumentStore

    home = tmp_path_factory.mktemp("documents-page")
    folder = tmp_path_factory.mktemp("public-docs")
    (folder / "passport-photos.en.md").write_text(PUBLIC_PAGE, encoding="utf-8")
    private = tmp_path_factory.mktemp("staff-docs")
    (private / "handbook.en.md").write_text("# Staff handbook\n\nMeetings are on Mondays at 9:00.\n", encoding="utf-8")
    store = DocumentStore(home / "documents" / "store.sqlite3")
    assert import_path(store, folder, "public-info", (), embed=None).ok
    assert import_path(store, private, "staff-handbook", ("staff",), embed=None).ok
    store.close()
    return home


def _app(home: Path, groups: str):  # type: ignore[no-untyped-def]
    env = {"MOIEN_HOME": str(home), "MOIEN_GENERAL__GROUPS": groups, "MOIEN_GENERAL__UPLOAD_GROUPS": '["staff"]'}
    return streamlit_app("teacher_app.py", env)


@pytest.fixture(scope="module")
def staff_url(home: Path):  # type: ignore[no-untyped-def]
    with _app(home, '["staff"]') as url:
        yield url


@pytest.fixture(scope="module")
def public_url(home: Path):  # type: ignore[no-untyped-def]
    with _app(home, "[]") as url:
        yield url


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page, within: str = '[data-testid="stMain"]') -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """axe-core's violations of WCAG 2.0/2.1 A and AA in the page's main area (this page's own content; the app's
    frame is Streamlit's), or in the part ``within`` selects."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/browser --ignore-scripts (make test does it)")
    # Tall enough for the whole page to be on screen: axe leaves what is scrolled out of view unchecked.
    page.set_viewport_size({"width": 1400, "height": 4000})
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        """async (within) => (await axe.run({include: [[within]]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => [n.target, n.failureSummary])}))""",
        within,
    )
    return list(result)


def _main_text(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.get_by_test_id("stMain").inner_text())


def test_staff_upload_a_pdf_and_a_word_file_and_see_them_listed(staff_url, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{staff_url}/documents")
    page.get_by_role("heading", name="Dokumenter eroplueden").wait_for(timeout=UI_MS)
    # staff read both collections, with who may read each
    main = _main_text(page)
    assert "public-info" in main and "staff-handbook" in main
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Fichieren")
    uploader.locator("input[type=file]").set_input_files(
        [
            {
                "name": "identity-card.pdf",
                "mimeType": "application/pdf",
                "buffer": make_pdf(PDF_PAGES, "Identity card"),
            },
            {
                "name": "aides.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": make_docx(),
            },
            {"name": "broken.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n1 0 obj << /Type /Cat"},
        ]
    )
    page.get_by_text("broken.pdf").first.wait_for(timeout=UI_MS)  # the three files are in the picker
    page.get_by_text("An eng nei Sammlung").click()
    name = page.get_by_label("Numm vun der neier Sammlung")
    name.wait_for(timeout=UI_MS)
    name.fill("circulairen")
    name.press("Enter")
    groups = page.get_by_label("Wien dierf se liesen: Gruppen, mat Komma getrennt (eidel: jiddereen)")
    assert groups.input_value() == "staff"  # private to staff unless they say otherwise
    page.get_by_role("button", name="Importéieren").click()
    page.get_by_text("Import an d'Sammlung „circulairen“ fäerdeg").wait_for(timeout=UI_MS)
    # the collection imported into is shown with its documents: title, pages, language, format
    page.get_by_role("heading", name="Dokumenter an der Sammlung „circulairen“").wait_for(timeout=UI_MS)
    _shot(page, "documents_upload_staff_lb.png")
    main = _main_text(page)
    report = main.split("Import an d'Sammlung", 1)[1]
    assert report.count("✓ importéiert") == 2, report
    assert "✗ feelgeschloen" in report and "broken.pdf" in report.split("✗ feelgeschloen", 1)[1]
    listing = main.split("Dokumenter an der Sammlung „circulairen“", 1)[1]
    assert "Identity card" in listing and "3 Säiten" in listing and "Englesch" in listing
    assert "Guide des aides" in listing and "Franséisch" in listing
    # the new collection is for staff only
    assert re.search(r"circulairen\s+staff\s+2", main), main
    assert _axe(page) == []  # labels, table headers, contrast: WCAG 2.1 AA


def test_without_a_staff_group_there_is_no_upload_and_no_staff_collection(public_url, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{public_url}/documents?lang=fr")  # the page follows the app's language
    page.get_by_text("Le téléversement est réservé au personnel").wait_for(timeout=UI_MS)
    page.get_by_role("heading", name="Documents de la collection « public-info »").wait_for(timeout=UI_MS)
    _shot(page, "documents_no_upload_fr.png")
    assert page.get_by_test_id("stFileUploader").count() == 0
    main = _main_text(page)
    assert "MOIEN_GENERAL__GROUPS" in main  # how an administrator enables it
    assert "public-info" in main and "Passport photos" in main
    assert "staff-handbook" not in main and "Staff handbook" not in main
    assert _axe(page) == []


@pytest.mark.model
@pytest.mark.timeout(2 * ANSWER_MS // 1000)
def test_plain_language_is_shown_beside_its_original_with_readability_and_source(staff_url, browser):  # type: ignore[no-untyped-def]
    from moien.assistants.core.langid import default_identifier

    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{staff_url}/documents?lang=en")
    page.get_by_role("heading", name="Work with a document").wait_for(timeout=UI_MS)
    page.get_by_test_id("stSelectbox").filter(has_text="Collection").first.click()
    page.get_by_role("option", name="public-info").click()
    page.get_by_role("heading", name="Documents in the collection 'public-info'").wait_for(timeout=UI_MS)
    page.get_by_text("Plain language", exact=True).click()
    page.get_by_text("Every number, date and body of the original is checked").wait_for(timeout=UI_MS)
    page.get_by_role("button", name="Rewrite in plain language").click()
    # finished: the readability line, or moien's refusal when no rewrite kept every fact
    page.get_by_text(re.compile(r"Words per sentence|I could not write a plain-language version")).first.wait_for(
        timeout=ANSWER_MS
    )
    columns = page.get_by_test_id("stColumn")
    left = columns.filter(has=page.get_by_role("heading", name="Original"))
    right = columns.filter(has=page.get_by_role("heading", name="Plain language"))
    # the run ends with the sources: wait for them and for the original's text before looking
    right.get_by_text("Sources").wait_for(timeout=UI_MS)
    left.get_by_text("45 mm", exact=False).first.wait_for(timeout=UI_MS)
    left.scroll_into_view_if_needed()  # the page scrolls inside Streamlit's main area: bring the result into view
    _shot(page, "documents_plain_language_en.png")
    lbox, rbox = left.bounding_box(), right.bounding_box()
    assert lbox and rbox and lbox["x"] + lbox["width"] <= rbox["x"] + 1, (lbox, rbox)  # side by side
    assert "45 mm" in left.inner_text()  # the original passage, as written
    result = right.inner_text()
    assert "written by an AI" in result  # the AI label
    assert "Sources" in result and "Passport photos" in result.split("Sources", 1)[1]  # the passage it rewrote
    assert re.search(r"Readability \(Flesch-Kincaid[^)]*\): [\d.]+ → [\d.–]+", result), result
    if "I could not write" not in result:
        assert "Facts kept" in result
        text = result.split("written by an AI", 1)[1].split("Facts kept", 1)[0]
        assert default_identifier().identify(text).lang == "en", text  # plain English stays English


def test_a_translation_into_luxembourgish_is_declined_with_german_and_french_offered(public_url, browser):  # type: ignore[no-untyped-def]
    # The default model does not write Luxembourgish (model.writes): moien says so at once, in the page's language,
    # and offers the languages it can write; no model is loaded for a refusal.
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(f"{public_url}/documents?lang=lb")
    page.get_by_role("heading", name="Mat engem Dokument schaffen").wait_for(timeout=UI_MS)
    page.get_by_text("Iwwersetzung", exact=True).click()
    target = page.get_by_test_id("stSelectbox").filter(has_text="Iwwersetzen op")
    target.wait_for(timeout=UI_MS)
    target.click()
    page.get_by_role("option", name="Lëtzebuergesch").click()
    page.get_by_role("button", name="Iwwersetzen", exact=True).click()
    page.get_by_text("Op Lëtzebuergesch kann ech net iwwersetzen").wait_for(timeout=UI_MS)
    page.get_by_role("button", name="Op Däitsch iwwersetzen").wait_for(timeout=UI_MS)
    page.get_by_role("button", name="Op Franséisch iwwersetzen").wait_for(timeout=UI_MS)
    page.get_by_role("heading", name="Original").scroll_into_view_if_needed()
    _shot(page, "documents_translate_lb_declined.png")
    assert "Maschinell Iwwersetzung" in _main_text(page)  # the machine-translation label, even on a refusal
