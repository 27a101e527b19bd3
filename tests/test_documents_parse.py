"""moien.documents.parsers on real files generated here (PDF, DOCX, ODT, HTML, Markdown, legal XML) and on hostile
ones (corrupt, encrypted, a zip bomb disguised as DOCX, a 500-page PDF): what a person importing them notices —
the right page on the right text, articles numbered as written, headings kept, boilerplate gone, and for a bad
file one line that names its problem, with nothing else lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from moien.documents.model import DocumentError, ParsedDocument
from moien.documents.parsers import SUPPORTED_SUFFIXES, Limits, parse_bytes, parse_file

DATA = Path(__file__).parent / "data" / "documents"


def _one_line_error(path: Path, *, limits: Limits | None = None) -> str:
    with pytest.raises(DocumentError) as info:
        parse_file(path, limits=limits)
    message = str(info.value)
    assert "\n" not in message and message.startswith(path.name + ": "), message
    assert "Traceback" not in message
    return message


def _section_with(doc: ParsedDocument, words: str):  # type: ignore[no-untyped-def]
    found = [s for s in doc.sections if words in s.text]
    assert found, f"{words!r} not in any section of {doc.title!r}"
    return found[0]


# --- Markdown and text ----------------------------------------------------------------------------------------


MARKDOWN = """# Carte d'identité

Introduction générale.

## Tarifs

```
# pas un titre
```
Un adulte paie 14 €.

### Mineurs

Un enfant paie 5 €.

Délais
------

Deux semaines.
"""


@pytest.mark.parametrize("lang", ["lb", "fr", "de", "en"])
def test_markdown_keeps_heading_paths_and_takes_the_language_from_the_name(tmp_path: Path, lang: str) -> None:
    path = tmp_path / f"identity.{lang}.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = parse_file(path)
    assert doc.format == "markdown" and doc.lang == lang
    assert doc.title == "Carte d'identité"
    assert _section_with(doc, "14 €").heading == "Carte d'identité › Tarifs"
    assert "# pas un titre" in _section_with(doc, "14 €").text  # a '#' in a code block is no heading
    assert _section_with(doc, "5 €").heading == "Carte d'identité › Tarifs › Mineurs"
    assert _section_with(doc, "Deux semaines").heading == "Carte d'identité › Délais"  # setext heading, level 2
    assert all(s.page is None and s.article is None for s in doc.sections)


def test_markdown_without_a_language_in_its_name_leaves_the_language_to_the_importer(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("Just a paragraph.\n", encoding="utf-8")
    doc = parse_file(path)
    assert doc.lang is None and doc.title == "notes" and doc.sections[0].text == "Just a paragraph."


def test_front_matter_gives_title_language_and_date(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text("---\ntitle: Aides au logement\nlang: fr\ndate: 2024-03-01\n---\nTexte.\n", encoding="utf-8")
    doc = parse_file(path)
    assert (doc.title, doc.lang, doc.date) == ("Aides au logement", "fr", "2024-03-01")
    assert [s.text for s in doc.sections] == ["Texte."]


def test_windows_1252_text_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "ancien.fr.txt"
    path.write_bytes("Réunion à Esch-sur-Alzette: l'été.\n\nDeuxième paragraphe.".encode("cp1252"))
    doc = parse_file(path)
    assert doc.format == "text" and doc.lang == "fr"
    assert "Réunion à Esch-sur-Alzette" in doc.sections[0].text and "Deuxième" in doc.sections[0].text
    assert doc.warnings and "UTF-8" in doc.warnings[0]


def test_utf8_with_bom_and_utf16_are_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes("\ufeff# Moien\n\nÄddi.".encode())
    (tmp_path / "b.txt").write_text("Moien, wéi geet et?", encoding="utf-16")
    a, b = parse_file(tmp_path / "a.md"), parse_file(tmp_path / "b.txt")
    assert a.title == "Moien" and a.sections[0].text == "Äddi." and not a.warnings
    assert b.sections[0].text == "Moien, wéi geet et?"


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.md", b"\n \n", "empty"),
        ("binary.txt", b"abc\x00\x01\x02def", "binary"),
        ("old.doc", b"\xd0\xcf\x11\xe0 old word", ".docx"),
        ("program.exe", b"MZ...", "not supported"),
        ("fake.docx", b"just text, not a zip", "zip"),
        ("fake.pdf", b"<html>a web page</html>", "PDF"),
        ("fake.odt", b"plain words", "zip"),
    ],
)
def test_a_file_that_is_not_what_it_says_gets_one_line_saying_what_to_do(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    message = _one_line_error(path)
    assert problem in message
    assert "; " in message  # problem; what to do


def test_a_missing_file_and_an_oversized_file_are_refused_before_reading(tmp_path: Path) -> None:
    assert "cannot be opened" in _one_line_error(tmp_path / "nowhere.md")
    big = tmp_path / "big.md"
    big.write_text("x" * 5000, encoding="utf-8")
    assert "limit" in _one_line_error(big, limits=Limits(max_file_bytes=1000))


def test_too_many_characters_is_an_error_not_a_truncated_document(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text("\n\n".join(f"# H{i}\n\ntext {i}" for i in range(50)), encoding="utf-8")
    assert "sections" in _one_line_error(path, limits=Limits(max_sections=10))
    assert "characters" in _one_line_error(path, limits=Limits(max_chars=100))


def test_parse_bytes_reads_an_upload_by_its_name_and_a_url_without_suffix_by_its_content() -> None:
    doc = parse_bytes(b"# Titel\n\nText.", "upload.de.md")
    assert doc.lang == "de" and doc.title == "Titel"
    page = parse_bytes(b"Moien!", "https://example.lu/page")
    assert page.sections[0].text == "Moien!"


def test_supported_suffixes_name_every_format() -> None:
    for suffix in (".pdf", ".docx", ".odt", ".html", ".htm", ".xml", ".md", ".txt"):
        assert suffix in SUPPORTED_SUFFIXES


# --- PDF --------------------------------------------------------------------------------------------------------


def _pdf(pages: list[str], *, title: str = "", lang: str = "", bookmarks: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    if lang:
        pdf.set_lang(lang)
    for i, text in enumerate(pages, start=1):
        pdf.add_page()
        if bookmarks:
            pdf.start_section(f"Part {i}")
        if text:
            pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _encrypt(data: bytes, user_password: str) -> bytes:
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PAGES = [
    "Identity cards are issued by the commune of residence.",
    "An adult pays 14 euros; the card is valid for ten years.",
    "A child under fifteen pays 5 euros.",
]


def test_pdf_sections_carry_the_page_their_text_is_on(tmp_path: Path) -> None:
    path = tmp_path / "guide.pdf"
    path.write_bytes(_pdf(PAGES, title="Identity card guide", lang="en-GB", bookmarks=True))
    doc = parse_file(path)
    assert doc.format == "pdf" and doc.title == "Identity card guide" and doc.lang == "en"
    assert [s.page for s in doc.sections] == [1, 2, 3]
    assert _section_with(doc, "14 euros").page == 2
    assert _section_with(doc, "5 euros").page == 3
    assert _section_with(doc, "5 euros").heading == "Part 3"  # the PDF's bookmarks are its headings
    assert not doc.warnings


def test_pdf_without_bookmarks_has_no_headings_and_takes_its_title_from_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(_pdf(["Aide au logement\nConditions d'octroi.", "Page deux."]))
    doc = parse_file(path)
    assert doc.title == "Aide au logement"
    assert all(s.heading == "" for s in doc.sections)


def test_a_pdf_page_without_text_is_named_in_a_warning_and_the_others_import(tmp_path: Path) -> None:
    path = tmp_path / "mixed.pdf"
    path.write_bytes(_pdf([PAGES[0], "", PAGES[2]]))
    doc = parse_file(path)
    assert [s.page for s in doc.sections] == [1, 3]
    assert any("page" in w and "2" in w and "OCR" in w for w in doc.warnings)


def test_a_scanned_pdf_without_any_text_layer_says_it_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(["", ""]))
    assert "OCR" in _one_line_error(path)


def test_an_encrypted_pdf_asks_for_an_unprotected_copy(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(_encrypt(_pdf(PAGES), user_password="secret"))
    message = _one_line_error(path)
    assert "password" in message and "unprotected copy" in message


def test_a_pdf_encrypted_only_against_copying_opens_with_the_empty_password(tmp_path: Path) -> None:
    path = tmp_path / "no-copy.pdf"
    path.write_bytes(_encrypt(_pdf(PAGES), user_password=""))
    assert _section_with(parse_file(path), "14 euros").page == 2


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_a_truncated_pdf_is_a_damaged_pdf(tmp_path: Path, keep: float) -> None:
    data = _pdf(PAGES)
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    try:
        doc = parse_file(path)
    except DocumentError as exc:
        message = str(exc)
        assert "\n" not in message and message.startswith("broken.pdf: ")
        assert "PDF" in message or "text layer" in message
    else:  # pypdf rebuilt what it could: whatever it returns is still text on its real page
        assert all(s.page in (1, 2, 3) for s in doc.sections)


def test_a_pdf_over_the_page_limit_is_refused_before_its_pages_are_read(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(_pdf(PAGES))
    message = _one_line_error(path, limits=Limits(max_pages=2))
    assert "3 pages" in message and "split" in message


def test_a_500_page_pdf_imports_every_page(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for page in range(1, 501):
        pdf.add_page()
        for line in range(8):
            pdf.text(15, 20 + 8 * line, f"Page {page}, line {line}: the administration publishes this report.")
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf.output()))
    doc = parse_file(path)
    assert len(doc.sections) == 500
    assert [s.page for s in doc.sections] == list(range(1, 501))
    assert "Page 377, line 0" in doc.sections[376].text


# --- DOCX and ODT -----------------------------------------------------------------------------------------------


def _docx() -> bytes:
    from io import BytesIO

    import docx

    document = docx.Document()
    document.add_heading("Guide des aides", 0)  # the "Title" style: the document's title, not a heading
    document.add_paragraph("Introduction sans titre.")
    document.add_heading("Allocation de vie chère", 1)
    document.add_paragraph("Le montant annuel est de 1 652 euros.")
    table = document.add_table(rows=3, cols=2)
    for row, (who, amount) in enumerate([("Ménage", "Montant"), ("1 personne", "1 652 €"), ("2 personnes", "2 065 €")]):
        table.cell(row, 0).text = who
        table.cell(row, 1).text = amount
    document.add_heading("Conditions", 2)
    document.add_paragraph("Résider au Luxembourg depuis un an.")
    document.add_heading("Demande", 1)
    document.add_paragraph("Le formulaire est à envoyer avant le 31 décembre.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_headings_become_the_heading_path_and_tables_become_rows(tmp_path: Path) -> None:
    path = tmp_path / "aides.docx"
    path.write_bytes(_docx())
    doc = parse_file(path)
    assert doc.format == "docx" and doc.title == "Guide des aides"
    assert _section_with(doc, "Introduction sans titre").heading == ""
    amount = _section_with(doc, "1 652 euros")
    assert amount.heading == "Allocation de vie chère"
    assert "1 personne | 1 652 €" in amount.text and "2 personnes | 2 065 €" in amount.text
    assert _section_with(doc, "depuis un an").heading == "Allocation de vie chère › Conditions"
    assert _section_with(doc, "31 décembre").heading == "Demande"


def _odt() -> bytes:
    from io import BytesIO

    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, P

    odt = OpenDocumentText()
    odt.meta.addElement(dc.Title(text="Règlement des cantines"))
    odt.meta.addElement(dc.Language(text="fr-LU"))
    odt.text.addElement(H(outlinelevel=1, text="Inscription"))
    odt.text.addElement(P(text="L'inscription se fait en ligne."))
    odt.text.addElement(H(outlinelevel=2, text="Prix"))
    odt.text.addElement(P(text="Un repas coûte 4,50 euros."))
    items = List()
    item = ListItem()
    item.addElement(P(text="Le repas est gratuit dès le troisième enfant."))
    items.addElement(item)
    odt.text.addElement(items)
    table = Table(name="Prix")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for cells in (("Repas", "Prix"), ("Midi", "4,50 €")):
        row = TableRow()
        for value in cells:
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    odt.text.addElement(table)
    odt.text.addElement(H(outlinelevel=1, text="Allergies"))
    odt.text.addElement(P(text="Signalez toute allergie au personnel."))
    out = BytesIO()
    odt.write(out)
    return out.getvalue()


def test_odt_outline_levels_become_the_heading_path(tmp_path: Path) -> None:
    path = tmp_path / "cantine.odt"
    path.write_bytes(_odt())
    doc = parse_file(path)
    assert doc.format == "odt" and doc.title == "Règlement des cantines" and doc.lang == "fr"
    assert _section_with(doc, "en ligne").heading == "Inscription"
    price = _section_with(doc, "4,50 euros")
    assert price.heading == "Inscription › Prix"
    assert "troisième enfant" in price.text and "Midi | 4,50 €" in price.text
    assert _section_with(doc, "allergie").heading == "Allergies"


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_disguised_as_docx_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "invoice.docx"
    path.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(64 * 1024 * 1024)}))
    assert path.stat().st_size < 200_000  # > 300:1 for the whole file, > 1000:1 for the member
    message = _one_line_error(path)
    assert "zip bomb" in message and "word/document.xml" in message


def test_an_odt_that_unpacks_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cantine.odt"
    path.write_bytes(_odt())
    assert "unpacks to" in _one_line_error(path, limits=Limits(max_uncompressed_bytes=1000))


def test_a_docx_whose_xml_declares_entities_is_refused(tmp_path: Path) -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><d>&b;</d>'
    path = tmp_path / "laughs.docx"
    path.write_bytes(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": laughs}))
    assert "DTD" in _one_line_error(path)


def test_a_docx_with_broken_parts_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(_zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"}))
    assert "save it again" in _one_line_error(path)


# --- HTML -------------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="de-LU"><head><meta charset="utf-8"><title>Personalausweis | guichet.lu</title></head>
<body>
<nav><ul><li><a href="/">Startseite</a></li><li><a href="/buerger">Bürger</a></li><li><a href="/firmen">Unternehmen</a></li>
<li><a href="/login">Anmelden</a></li></ul></nav>
<div class="cookie-banner">Diese Website verwendet Cookies. Akzeptieren Ablehnen</div>
<main><article>
<h1>Einen Personalausweis beantragen</h1>
<p>Der luxemburgische Personalausweis wird von der Wohnsitzgemeinde ausgestellt und ist ab 15 Jahren Pflicht.</p>
<h2>Gebühren</h2>
<p>Ein Personalausweis für Erwachsene kostet 14 Euro und ist zehn Jahre gültig.</p>
<table><tr><th>Alter</th><th>Preis</th></tr><tr><td>Erwachsene</td><td>14 €</td></tr><tr><td>Kinder</td><td>5 €</td></tr></table>
<h3>Minderjährige</h3>
<p>Für Kinder unter 15 Jahren kostet der Ausweis 5 Euro und ist fünf Jahre gültig.</p>
<h2>Fristen</h2>
<ul><li>Die Herstellung dauert etwa zwei Wochen.</li><li>Der Ausweis wird persönlich abgeholt.</li></ul>
</article></main>
<footer><p>© 2024 Guichet.lu – Impressum – Barrierefreiheit – Kontakt – Datenschutzerklärung</p></footer>
</body></html>"""


def test_html_keeps_the_main_text_with_its_headings_and_drops_the_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "ausweis.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = parse_file(path)
    assert doc.format == "html" and doc.lang == "de"
    assert doc.title == "Einen Personalausweis beantragen"
    fees = _section_with(doc, "14 Euro")
    assert fees.heading == "Einen Personalausweis beantragen › Gebühren"
    assert "Erwachsene | 14 €" in fees.text
    assert _section_with(doc, "unter 15 Jahren").heading.endswith("Gebühren › Minderjährige")
    assert _section_with(doc, "zwei Wochen").heading.endswith("Fristen")
    everything = "\n".join(s.text for s in doc.sections)
    for boilerplate in ("Startseite", "Anmelden", "Impressum", "Cookies", "Datenschutzerklärung"):
        assert boilerplate not in everything
    assert doc.date is None  # "© 2024" in the footer is not the page's date


def test_a_web_page_fetched_by_url_is_read_as_html_by_its_content() -> None:
    doc = parse_bytes(PAGE.encode(), "https://guichet.public.lu/de/citoyens/ausweis")
    assert doc.format == "html" and _section_with(doc, "14 Euro")
    assert parse_bytes(PAGE.encode(), "https://example.lu/index.php?id=7").format == "html"


def test_a_page_of_menus_only_has_no_main_text(tmp_path: Path) -> None:
    path = tmp_path / "menu.html"
    path.write_text("<html><body><nav><a href='/'>Home</a> <a href='/a'>A</a></nav></body></html>", encoding="utf-8")
    assert "no main text" in _one_line_error(path) or "no text" in _one_line_error(path)


# --- Legal XML: Akoma Ntoso and Legilux ------------------------------------------------------------------------


def test_akoma_ntoso_gives_one_section_per_article_numbered_as_written() -> None:
    doc = parse_file(DATA / "akn-act.xml")
    assert doc.format == "akn"
    assert doc.title == "Loi du 15 mars 2021 relative aux cartes d'identité"
    assert (doc.lang, doc.date) == ("fr", "2021-03-15")
    articles = [s for s in doc.sections if s.article]
    assert [s.article for s in articles] == ["1", "2", "2bis", "3"]
    by_number = {s.article: s for s in articles}
    assert by_number["1"].heading == "Chapitre 1er – Dispositions générales › Objet"
    assert by_number["2"].heading == "Chapitre 1er – Dispositions générales › Section 1 – Tarifs"
    assert "(1) La carte d'identité d'un adulte coûte 14 euros" in by_number["2"].text
    assert "(2) La carte d'un mineur" in by_number["2"].text
    assert "Tarif fixé par règlement" not in by_number["2"].text  # a footnote is not the article's text
    assert "30 euros" in by_number["2bis"].text
    assert "1er juillet 2021" in by_number["3"].text  # <sup>er</sup> stays glued to its number
    annex = _section_with(doc, "Modèle de formulaire")
    assert annex.article is None and annex.heading == "Annexe 1"


def test_legilux_xml_reads_the_scl_metadata_and_the_french_article_numbers() -> None:
    doc = parse_file(DATA / "legilux-loi.xml")
    assert doc.format == "legilux"
    assert doc.title.startswith("Loi du 7 juin 2023 portant organisation")
    assert (doc.lang, doc.date) == ("fr", "2023-06-07")  # not the FRBR placeholder 2999-01-01
    assert [s.article for s in doc.sections if s.article] == ["1er", "2", "12bis"]
    art2 = _section_with(doc, "Le service a pour missions")
    assert art2.article == "2" and art2.heading == "Chapitre 1er – Missions"
    assert "\n2° de les aider à remplir les formulaires dans un délai de cinq jours ouvrables." in art2.text
    assert "2023-07-01" not in art2.text  # scl metadata is not text
    assert _section_with(doc, "Mandons et ordonnons").article is None
    assert "Nous Henri" not in "\n".join(s.text for s in doc.sections)  # the preamble is not an article


def test_xml_with_a_dtd_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "xxxxxxxx"><!ENTITY y "&x;&x;&x;&x;&x;">]>'
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body>&y;</body></act></akomaNtoso>',
        encoding="utf-8",
    )
    assert "DTD" in _one_line_error(path)


def test_other_xml_and_broken_xml_say_what_they_are(tmp_path: Path) -> None:
    other = tmp_path / "records.xml"
    other.write_text('<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>x</dc:title></metadata>')
    assert "not Akoma Ntoso" in _one_line_error(other)
    broken = tmp_path / "loi.xml"
    broken.write_bytes((DATA / "akn-act.xml").read_bytes()[:1500])
    assert "broken XML" in _one_line_error(broken)


# --- A folder of good and bad files ----------------------------------------------------------------------------


def test_bad_files_beside_good_ones_cost_only_themselves(tmp_path: Path) -> None:
    (tmp_path / "ok.fr.md").write_text("# Titre\n\nTexte.", encoding="utf-8")
    (tmp_path / "ok.docx").write_bytes(_docx())
    (tmp_path / "bomb.docx").write_bytes(_zip({"word/document.xml": bytes(8 * 1024 * 1024)}))
    (tmp_path / "secret.pdf").write_bytes(_encrypt(_pdf(PAGES), user_password="x"))
    (tmp_path / "cut.pdf").write_bytes(_pdf(PAGES)[:300])
    (tmp_path / "law.xml").write_bytes((DATA / "akn-act.xml").read_bytes())
    parsed, errors = {}, {}
    for path in sorted(tmp_path.iterdir()):
        try:
            parsed[path.name] = parse_file(path)
        except DocumentError as exc:
            errors[path.name] = str(exc)
    assert sorted(parsed) == ["law.xml", "ok.docx", "ok.fr.md"]
    assert sorted(errors) == ["bomb.docx", "cut.pdf", "secret.pdf"]
    assert all("\n" not in e for e in errors.values())


def test_hostile_nesting_and_oversized_pages_are_refused_quickly(tmp_path: Path) -> None:
    deep = tmp_path / "deep.xml"
    deep.write_bytes(
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act><body>'
        + b"<chapter>" * 5000
        + b"</chapter>" * 5000
        + b"</body></act></akomaNtoso>"
    )
    assert "nested deeper" in _one_line_error(deep)
    page = tmp_path / "huge.html"
    page.write_bytes(b"<html><body><main>" + b"<p>Un paragraphe.</p>" * 2000 + b"</main></body></html>")
    assert "limit for a web page" in _one_line_error(page, limits=Limits(max_html_bytes=10_000))


# --- The error in the reader's language ---------------------------------------------------------------------------

#: A bad file of each kind a person meets, as it arrives.
BAD_FILES = {
    "broken.pdf": lambda: _pdf(PAGES)[:300],
    "secret.pdf": lambda: _encrypt(_pdf(PAGES), user_password="secret"),
    "invoice.docx": lambda: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(64 * 1024 * 1024)}),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_files_error_is_said_in_each_of_the_four_languages_and_names_the_file(tmp_path: Path, name: str) -> None:
    from moien.assistants.core.langid import default_identifier

    path = tmp_path / name
    path.write_bytes(BAD_FILES[name]())
    with pytest.raises(DocumentError) as info:
        parse_file(path)
    error = info.value
    texts = error.texts()
    assert str(error) == texts["en"]  # logs and --json keep the English line, whoever runs the import
    assert len(set(texts.values())) == 4
    identify = default_identifier().identify
    for lang, text in texts.items():
        assert text.startswith(name) and "\n" not in text, text
        assert ";" in text, text  # what is wrong; what to do next
        assert identify(text).lang == lang, f"{lang}: {text}"


def test_an_encrypted_pdf_is_explained_in_luxembourgish_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    path.write_bytes(BAD_FILES["secret.pdf"]())
    with pytest.raises(DocumentError) as info:
        parse_file(path)
    text = info.value.text("lb")
    assert "verschlësselt" in text and "Passwuert" in text and "importéiert" in text
    assert info.value.text("xx") == str(info.value)  # a language moien does not have: English


def test_every_message_exists_in_four_languages_with_the_same_blanks() -> None:
    import string

    from moien.documents.messages import PROBLEMS, TERMS, TODOS, WARNINGS

    def blanks(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for table in (PROBLEMS, TODOS, TERMS, WARNINGS):
        for code, texts in table.items():
            assert sorted(texts) == ["de", "en", "fr", "lb"], code
            assert len({frozenset(blanks(t)) for t in texts.values()}) == 1, code


def test_numbers_in_a_message_are_grouped_as_each_language_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(_pdf(PAGES))
    with pytest.raises(DocumentError) as info:
        parse_file(path, limits=Limits(max_pages=2))
    assert "3 pages, over the limit of 2" in str(info.value)
    error = DocumentError("x.pdf", "too_many_pages", "split_pdf", count=12000, limit=2000)
    assert "12,000 pages" in error.text("en") and "12\u00a0000 Säiten" in error.text("lb")
    assert "12\u00a0000 pages" in error.text("fr") and "12\u00a0000 Seiten" in error.text("de")


def test_the_import_report_gives_a_files_warnings_in_each_language(tmp_path: Path) -> None:
    from moien.documents.importer import import_path
    from moien.documents.store import DocumentStore

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "mixed.pdf").write_bytes(_pdf([PAGES[0], "", PAGES[2]]))
    report = import_path(DocumentStore(tmp_path / "store.sqlite3"), folder, "inbox", embed=None)
    [result] = report.files
    assert result.status == "added"
    assert result.warnings == ("1 page(s) without a text layer (not searchable, OCR needed): 2",)  # English, stored
    assert result.warnings_text("lb") == ("1 Säit(en) ouni Text (net duerchsichbar, Texterkennung/OCR néideg): 2",)
    assert "Textebene" in result.warnings_text("de")[0] and "couche de texte" in result.warnings_text("fr")[0]
