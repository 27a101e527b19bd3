"""Extractive answers (``assistants/core/extractive.py``): a source's own sentences, chosen for the question with the
real e5 embedder — for a question in a language the model cannot write, over sources written in it."""

from __future__ import annotations

from moien.assistants.core.extractive import extract, render

CALENDAR = (
    "Schouljoer a Vakanz (Demo-Kalenner): An dësem Demo-Kalenner fänkt d'Schouljoer en Dënschdeg, de 15. September, "
    "un an hält e Mëttwoch, de 15. Juli, op. Ouschtervakanz vum 3. bis den 18. Abrëll a Péngschtvakanz vum 22. bis "
    "den 30. Mee."
)
RECORD = (
    "Dem Victor Hugo säin Haus zu Veianen (ëm 1910): Type: Postkaart. Date: ëm 1910. Creator: Weber, Nicolas. "
    "Description: Postkaart mam Haus bei der Bréck, wou de franséische Schrëftsteller Victor Hugo 1871 e puer Méint "
    "gewunnt huet. Haut ass an deem Haus e klenge Musée."
)
PLANTS = "SC-C3-02: De Liewenszyklus vun enger Planz an hir Besoinen (Waasser, Liicht, Loft) beschreiwen."


def test_the_sentence_that_answers_is_quoted_whole_and_cited() -> None:
    picked = extract("Wéini huet de Victor Hugo zu Veianen gewunnt?", [PLANTS, RECORD])
    text = render(picked)
    assert "1871" in text and text.endswith("[2]"), text
    assert all(p.sentence in RECORD for p in picked)  # the source's words, not new ones


LONG_PAGE = CALENDAR + (
    " D'Schoulbicher ginn an der éischter Schoulwoch vun de Léierpersounen verdeelt. D'Elteren kréien e Bréif mat"
    " de Coursen an den Nummeren vun der Schoul. D'Kantin ass vun Méindeg bis Freideg op, ausser op Feierdeeg. Fir"
    " d'Schoulbus mellt Dir Iech am Schoulservice vun der Gemeng. D'Schoul organiséiert am Juni e Fest fir all"
    " d'Kanner an hir Famillen, mat Spiller a Musek."
)


def test_a_long_page_gives_its_closest_sentences_whole() -> None:
    # Cut after "de 15.", two halves from different places would read "de 15. Abrëll": a date the source never gave.
    assert len(LONG_PAGE.split()) > 90  # longer than what is quoted whole
    picked = extract("Wéini fänkt d'Schouljoer un?", [LONG_PAGE])
    assert picked and "15. September" in render(picked) and len(render(picked)) < len(LONG_PAGE)
    assert all(p.sentence in LONG_PAGE for p in picked)


def test_a_source_about_something_else_gives_no_extract() -> None:
    # Close in e5's meaning (a curriculum item, a level), but no word of the question: the model writes instead.
    assert extract("Wéi eng Kompetenz ass fir d'Schwammen am Zyklus 3?", [PLANTS]) == []


def test_only_sources_marked_usable_are_quoted() -> None:
    assert extract("Wéini huet de Victor Hugo zu Veianen gewunnt?", [RECORD], usable=[False]) == []
