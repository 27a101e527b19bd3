"""Summaries, plain language and translation of documents (issue 12, items 5, 6 and the CLI of 8).

Without the model: the facts a rewrite must keep (numbers, amounts, dates, deadlines, bodies, in four languages),
readability by each language's formula, the ministry glossary (loading, errors that name the line, finding and
checking terms), which passages an action may read, and what is declined before the model is ever loaded
(a translation into Luxembourgish, a document the groups may not read). With the model (``@pytest.mark.model``,
few): a summary cites its passages, and the CLI's JSON. The four-language scenarios are in
``tests/test_documents_actions_features.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.assistants.general import actions
from moien.assistants.general.actions import ActionError, Passage, Writer, find_passages, text_passages
from moien.assistants.general.cli import app
from moien.documents.facts import facts, kept
from moien.documents.glossary import GlossaryError, load_glossary, parse_glossary
from moien.documents.model import Chunk
from moien.documents.readability import measure, prepare
from moien.documents.store import DocumentRecord, DocumentStore

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "assistants" / "general" / "demo" / "glossary.csv"
DOCS = ROOT / "assistants" / "general" / "docs"


def keys(text: str, lang: str | None = None) -> set[str]:
    return {f.key for f in facts(text, lang)}


# -- facts -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["14 €", "14 euros", "EUR 14", "€14", "14,00 €", "14 Euro", "14.- EUR"])
def test_an_amount_is_one_fact_however_it_is_written(written):
    assert keys(f"La taxe est de {written} pour les adultes.") == {"amount:14:EUR"}


@pytest.mark.parametrize(
    ("written", "lang"),
    [
        ("1er janvier 2026", "fr"),
        ("1. Januar 2026", "de"),
        ("1. Januar 2026", "lb"),
        ("1 January 2026", "en"),
        ("January 1st, 2026", "en"),
        ("01/01/2026", None),
        ("1.1.2026", None),
        ("2026-01-01", None),
    ],
)
def test_a_date_is_one_fact_in_every_language_and_form(written, lang):
    assert keys(f"Ab dem {written} gilt es.", lang) == {"date:2026-01-01"}


def test_luxembourgish_and_german_month_names_are_dates():
    assert keys("tëscht dem 1. Mäerz an dem 30. Abrëll", "lb") == {"date:--03-01", "date:--04-30"}
    assert keys("zwischen dem 1. März und dem 30. April", "de") == {"date:--03-01", "date:--04-30"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Répondez dans un délai de 15 jours.", "fr"),
        ("Antworten Sie innerhalb von 15 Tagen.", "de"),
        ("Äntwert bannent 15 Deeg.", "lb"),
        ("Reply within fifteen days.", "en"),
    ],
)
def test_a_deadline_is_found_in_four_languages(text, lang):
    [fact] = facts(text, lang)
    assert (fact.kind, fact.key) == ("deadline", "duration:15:day")


def test_named_bodies_acronyms_and_ministries_are_facts():
    found = {f.key for f in facts("Le Ministère de la Santé et la CNS répondent, comme la Chambre des députés.")}
    assert {"body:ministere de la sante", "body:cns", "body:chambre des deputes"} <= found
    assert "body:bildungsministerium" in keys("Das Bildungsministerium entscheidet.", "de")


def test_a_lists_numbering_is_not_a_fact_but_a_date_at_a_line_start_is():
    assert keys("1. Make an appointment.\n2. Bring your card.", "en") == set()
    assert keys("1. September: school starts.", "de") == {"date:--09-01"}


def test_times_and_percentages_are_normalised():
    assert keys("ouvert de 8 h à 12 h", "fr") == keys("open from 8:00 to 12:00", "en") == {"time:8:00", "time:12:00"}
    assert kept("geöffnet von 8 bis 12 Uhr", "ouvert de 8 h à 12 h", "de", "fr").ok
    assert keys("Taux : 5,5 %", "fr") == keys("rate: 5.5 percent", "en") == {"percent:5.5"}


def test_kept_sees_a_rewrite_that_keeps_every_fact_in_other_words():
    source = "Payez la taxe de 14 euros avant le 1er janvier 2026 ; la carte est prête après dix jours ouvrables."
    rewrite = "Vous payez 14 €.\nPayez avant le 01/01/2026.\nLa carte est prête après 10 jours ouvrables."
    check = kept(source, rewrite, "fr")
    assert check.ok and not check.missing and not check.added
    assert {f.key for f in check.kept} == {"amount:14:EUR", "date:2026-01-01", "duration:10:workday"}


def test_kept_reports_a_lost_date_a_changed_amount_and_a_dropped_year():
    source = "Payez 14 euros avant le 1er janvier 2026 au Ministère de la Santé."
    check = kept(source, "1. Payez 15 € avant le 1er janvier au ministère.", "fr")
    assert not check.ok
    assert {f.text for f in check.missing} == {"14 euros", "1er janvier 2026", "Ministère de la Santé"}
    assert [f.text for f in check.added] == ["15 €"]  # the list's "1." is not a number that was added


def test_kept_compares_across_languages_by_value():
    check = kept(
        "Antworten Sie innerhalb von 15 Tagen, spätestens am 1. März 2026.",
        "Reply within 15 days, by 1 March 2026.",
        "de",
        "en",
    )
    assert check.ok


# -- readability -----------------------------------------------------------------------------------------------------

HARD = {
    "en": "In accordance with the applicable administrative provisions, applications for the renewal of identity "
    "documentation must be submitted to the competent municipal administration prior to their expiration.",
    "fr": "Conformément aux dispositions administratives applicables, les demandes de renouvellement des documents "
    "d'identité doivent être introduites auprès de l'administration communale compétente avant leur expiration.",
    "de": "Gemäß den geltenden verwaltungsrechtlichen Bestimmungen sind Anträge auf Verlängerung der "
    "Identitätsdokumente vor deren Ablauf bei der zuständigen Gemeindeverwaltung einzureichen.",
    "lb": "No de geltende administrativen Bestëmmungen mussen d'Ufroe fir d'Erneierung vun den "
    "Identitéitsdokumenter virun hirem Oflaf bei der zoustänneger Gemengeverwaltung agereecht ginn.",
}
EASY = {
    "en": "Is your card old? Get a new one. Go to the town hall. Do it in time.",
    "fr": "Votre carte est vieille ? Demandez une nouvelle carte. Allez à la mairie. Faites-le à temps.",
    "de": "Ist Ihr Ausweis alt? Holen Sie einen neuen. Gehen Sie ins Rathaus. Tun Sie das rechtzeitig.",
    "lb": "Ass Är Kaart al? Frot eng nei. Gitt op d'Gemeng. Maacht et zäitlech.",
}


@pytest.mark.parametrize(
    ("lang", "formula"),
    [
        ("en", "Flesch-Kincaid grade"),
        ("de", "Flesch-Amstad reading ease"),
        ("fr", "Kandel-Moles reading ease"),
        ("lb", "LIX"),
    ],
)
def test_each_language_has_its_formula_and_plain_text_scores_easier(lang, formula):
    hard, easy = measure(HARD[lang], lang), measure(EASY[lang], lang)
    assert hard.formula == easy.formula == formula
    assert easy.easier_than(hard) and not hard.easier_than(easy)
    assert easy.words_per_sentence < hard.words_per_sentence


def test_german_also_gets_the_wiener_sachtextformel():
    assert "Wiener Sachtextformel 1" in measure(HARD["de"], "de").other


def test_list_items_and_ordinal_dots_are_counted_as_people_read_them():
    assert prepare("- Bring your card\n- Pay 14 €") == "Bring your card. Pay 14 €."
    # "1. März" and "z. B." do not end a sentence: one sentence, not three.
    assert measure("Am 1. März kommen z. B. alle Eltern ins Rathaus.", "de").sentences == 1


def test_english_readability_never_downloads_anything(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("textstat tried to download NLTK data")

    monkeypatch.setattr(nltk, "download", refuse)
    assert measure(HARD["en"], "en").score > 10


def test_texts_of_different_languages_are_not_compared():
    with pytest.raises(ValueError, match="different languages"):
        measure(EASY["de"], "de").easier_than(measure(HARD["lb"], "lb"))


# -- glossary --------------------------------------------------------------------------------------------------------


def test_the_demo_glossary_loads_and_finds_its_terms_in_a_demo_document():
    glossary = load_glossary(GLOSSARY)
    assert len(glossary) >= 15
    found = {term.preferred("de") for term, _ in glossary.find((DOCS / "identity-card.fr.md").read_text(), "fr")}
    assert {"Personalausweis", "Bürgeramt", "Gebühr", "Polizeidienststelle"} <= found


def test_a_translation_is_checked_for_the_ministrys_terms_with_inflection_and_variants():
    glossary = load_glossary(GLOSSARY)
    source = "Apportez votre carte d'identité au bureau de la population."
    good = glossary.check(source, "fr", "Bringen Sie Ihren Ausweis zum Bürgeramt.", "de")
    assert good.ok and {u.target for u in good.used} == {"Personalausweis", "Bürgeramt"}
    bad = glossary.check(source, "fr", "Bringen Sie Ihre Identitätskarte zum Einwohnermeldeamt.", "de")
    assert {u.source for u in bad.missing} == {"carte d'identité", "bureau de la population"}
    inflected = glossary.check("Les cartes d'identité sont prêtes.", "fr", "Die Personalausweise sind fertig.", "de")
    assert inflected.ok


def test_a_longer_term_wins_over_a_shorter_one_inside_it():
    glossary = parse_glossary("fr,de\ncarte,Karte\ncarte d'identité,Personalausweis\n")
    [(term, written)] = glossary.find("Votre carte d'identité", "fr")
    assert term.preferred("de") == "Personalausweis" and written == "carte d'identité"


def test_a_spreadsheets_csv_with_semicolons_and_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "glossaire.csv"
    path.write_bytes("\ufeffLB;FR;DE;EN\nPass;passeport;Reisepass;passport\n".encode())
    assert load_glossary(path).terms[0].preferred("en") == "passport"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"fr,xx\na,b\n", "line 1: the header must name at least two"),
        (b"lb,fr\nPass,passeport\nx,\n", "line 3: only the column 'lb' is filled"),
        (b"lb,fr\nPass,passeport,extra\n", "line 2: 3 cells but the header names 2 columns"),
        (b"fr,fr\na,b\n", "the column 'fr' appears twice"),
        (b"lb,fr\n|,a\n", "line 2, column 1 (lb)"),
        (b"lb,fr\nPass,passeport\n\xe9t\xe9,z\n", "line 3: not UTF-8"),
        (b"lb,fr\nheader only\n", "only the column 'lb'"),
    ],
)
def test_a_bad_glossary_is_refused_naming_the_line_and_what_to_do(tmp_path, content, message):
    path = tmp_path / "glossary.csv"
    path.write_bytes(content)
    with pytest.raises(GlossaryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_glossary(path)


def test_a_missing_glossary_file_says_so():
    with pytest.raises(GlossaryError, match="no glossary file"):
        load_glossary("/nonexistent/glossary.csv")


# -- what an action may read ----------------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path) -> DocumentStore:
    """A real store with a public document and one only the group "hr" may read (no embeddings needed)."""
    s = DocumentStore(tmp_path / "store.sqlite3")
    for collection, groups, doc_id, title, texts in [
        ("demo", (), "demo/fees.fr.md", "Tarifs de la commune", ["La carte coûte 14 euros.", "Le passeport 50 euros."]),
        ("hr", ("hr",), "hr/telework.fr.md", "Télétravail", ["Deux jours de télétravail par semaine."]),
    ]:
        s.ensure_collection(collection, groups)
        record = DocumentRecord(doc_id=doc_id, collection=collection, source=doc_id, sha256="x", title=title, lang="fr")
        chunks = [
            Chunk(
                id=f"{doc_id}#{i}", doc_id=doc_id, collection=collection, groups=groups, title=title, text=t, lang="fr"
            )
            for i, t in enumerate(texts)
        ]
        s.put_document(record, chunks)
    return s


def test_passages_by_document_id_passage_id_and_title(store):
    assert [p.id for p in find_passages(store, "demo/fees.fr.md")] == ["demo/fees.fr.md#0", "demo/fees.fr.md#1"]
    assert [p.text for p in find_passages(store, "demo/fees.fr.md#1")] == ["Le passeport 50 euros."]
    assert len(find_passages(store, None, collection="demo", title="tarifs")) == 2
    assert find_passages(store, "demo/fees.fr.md")[0].citation == "Tarifs de la commune"


def test_a_restricted_document_is_not_found_for_others_exactly_like_a_missing_one(store):
    with pytest.raises(ActionError) as restricted:
        find_passages(store, "hr/telework.fr.md", groups=("finance",), lang="en")
    with pytest.raises(ActionError) as missing:
        find_passages(store, "hr/nothing.fr.md", groups=("finance",), lang="en")
    assert str(restricted.value).replace("telework", "X") == str(missing.value).replace("nothing", "X")
    with pytest.raises(ActionError):
        find_passages(store, None, title="Télétravail", groups=("finance",))
    assert find_passages(store, "hr/telework.fr.md", groups=("hr",))


def test_a_long_text_is_cut_into_cited_parts():
    parts = text_passages(" ".join(["Une phrase de huit mots pour le test."] * 80), "fr")
    assert len(parts) > 1 and parts[1].citation == "text, part 2"


def _no_model() -> Writer:
    def load():
        raise AssertionError("the model was loaded for a request moien declines")

    return Writer(load=load, model_id="test-model", writes=("fr", "de", "en"), fallback="de")


@pytest.mark.parametrize("ui_lang", ["lb", "fr", "de", "en"])
def test_a_translation_into_luxembourgish_is_declined_plainly_offering_german_or_french(ui_lang):
    result = actions.translate(
        [Passage("text", "text", "Bring your identity card.", "en")], _no_model(), target="lb", ui_lang=ui_lang
    )
    assert result.status == "unsupported" and result.text == ""
    assert result.offers == ["de", "fr"]
    assert result.message == actions.pick(
        actions.MESSAGES,
        "cannot_translate_into",
        ui_lang,
        language=actions.lang_name("lb", ui_lang),
        offers=f" {actions.pick(actions.MESSAGES, 'or', ui_lang)} ".join(
            actions.lang_name(x, ui_lang) for x in ("de", "fr")
        ),
    )


def test_cli_declines_a_luxembourgish_translation_with_exit_3_and_json(settings):
    result = CliRunner().invoke(app, ["translate", "--to", "lb", "--text", "Bring your identity card.", "--json"])
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "unsupported" and data["offers"] == ["de", "fr"] and data["machine_translation"]


def test_cli_names_a_bad_glossary_line_before_any_work(settings, tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("lb,fr\nPass,passeport,extra\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["translate", "--to", "de", "--text", "x", "--glossary", str(bad)])
    assert result.exit_code == 1 and "line 2" in result.output


def test_cli_help_explains_the_actions(settings):
    for command in ("summarise", "simplify", "translate"):
        result = CliRunner().invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "--json" in result.output and "--text" in result.output


# -- with the model ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def writer(settings, model) -> Writer:
    return Writer.from_settings(settings, model)


@pytest.mark.model
def test_a_summary_too_long_for_the_context_is_made_in_cited_parts_then_combined(settings, model):
    """Two documents and a context made small on purpose (each fits alone, not both): parts first (map), each with
    its passages, then one summary (reduce) that cites only passages that were given and gives no number they do not
    have."""
    small = Writer(model, writes=settings.model.writes, n_ctx=500)
    passages = [
        Passage(f"demo/{name}.en.md#0", name, (DOCS / f"{name}.en.md").read_text().split("\n", 1)[1], "en")
        for name in ("identity-card", "museum-visit")
    ]
    steps: list[tuple[int, int]] = []
    result = actions.summarise(passages, small, lang="en", words=60, progress=lambda d, t, w: steps.append((d, t)))
    assert len(result.parts) == 2
    assert [part.sources for part in result.parts] == [[1], [2]]
    assert all(part.text for part in result.parts)
    assert result.text and result.lang == "en" and result.label.startswith("Summary written by an AI")
    assert set(result.cited) <= {1, 2}
    assert not result.invented, result.invented
    assert steps[-1][0] == steps[-1][1] == len(result.parts) + 1  # one step per call, to the end
    assert actions.identify(result.text) == "en"


def test_a_summary_that_copies_its_passage_back_is_recognised():
    source = (DOCS / "identity-card.fr.md").read_text().split("\n", 1)[1]
    assert actions._copies("[1] " + source, [source], 150)
    assert not actions._copies("- La taxe est de 14 euros [1].\n- La carte est prête en dix jours [1].", [source], 150)


def test_passages_are_packed_into_groups_that_fit_the_room():
    assert actions._groups_within([100, 100, 100, 250, 40], 220) == [[0, 1], [2], [3], [4]]
    assert actions._groups_within([500], 220) == [[0]]  # one passage per group at least


@pytest.mark.model
def test_a_summary_asked_in_luxembourgish_is_written_in_german_and_says_so(writer):
    passage = Passage("text", "text", (DOCS / "identity-card.lb.md").read_text().split("\n", 1)[1], "lb")
    result = actions.summarise([passage], writer, lang="lb", words=50)
    assert (result.lang, result.requested_lang) == ("de", "lb")
    assert result.notice and "Lëtzebuergesch" in result.notice
    assert actions.identify(result.text) == "de"
