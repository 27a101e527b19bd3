"""Summaries, plain language and translation asked for in the chat (issue 12, items 5, 6 and 8).

Without the language model: which requests are recognised, in four languages, and which are ordinary questions;
which document a request names (by its title, by "this document" after an answer, by an article number), in which
language version; that a document the caller may not read is never acted on; what the reply says when no document
fits; that a translation into Luxembourgish is declined through the whole core before the model is loaded; and that
the intent classifier sends such requests to the general assistant. The answers the model writes are checked in
``tests/test_documents_chat_features.py`` (``tests/features/documents_chat.*.feature``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core
from moien.assistants.core.types import Query, User
from moien.assistants.general.chat_actions import MESSAGES, parse_request
from moien.assistants.general.plugin import GeneralAssistant, TaskGrounding, open_store
from moien.documents.importer import import_path
from moien.lang import pick
from tests.language import check_reply_language
from tests.test_documents_store import memo_folder

DATA = Path(__file__).resolve().parent / "data" / "documents"


@pytest.mark.parametrize(
    ("text", "kind", "target", "article", "names"),
    [
        ("Résume le document sur la carte d'identité", "summary", None, None, {"carte", "identite"}),
        ("Fass d'Dokument iwwer d'Identitéitskaart zesummen", "summary", None, None, {"identiteitskaart"}),
        ("Fasse den Artikel 3 zusammen", "summary", None, "3", set()),
        ("Summarise Art. 1er of the law in German", "summary", "de", "1", {"law"}),
        ("Rewrite the passport page in plain English", "simplify", "en", None, {"passport"}),
        ("Schreibe die Seite zum Personalausweis in Leichter Sprache", "simplify", "de", None, {"personalausweis"}),
        ("Explique la page sur l'école en FALC", "simplify", "fr", None, {"ecole"}),
        ("Iwwersetz dat op Franséisch", "translate", "fr", None, set()),
        (
            "Übersetze das Dokument über den Personalausweis ins Französische",
            "translate",
            "fr",
            None,
            {"personalausweis"},
        ),
        (
            "Translate the French page on school registration into German",
            "translate",
            "de",
            None,
            {"school", "registration"},
        ),
        ("Traduis l'article 12bis en anglais", "translate", "en", "12bis", set()),
    ],
)
def test_a_request_is_recognised_with_its_document_words_and_language(text, kind, target, article, names):
    request = parse_request(text)
    assert request is not None
    assert (request.kind, request.target, request.article) == (kind, target, article)
    assert set(request.name_terms) == names


@pytest.mark.parametrize(
    "text",
    [
        "Wat kascht eng nei Identitéitskaart?",
        "Quand commence l'école ?",
        "How do I get my birth certificate translated into French?",
        "Wie kann ich eine Zusammenfassung meiner Steuererklärung bekommen?",
        "Translate",  # no language to translate into: a question about translations
        "Is there a simplified procedure for the identity card?",
    ],
)
def test_an_ordinary_question_is_not_a_request(text):
    assert parse_request(text) is None


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """The demo collection, a law with articles, and a memo only the group "hr" may read."""
    home = tmp_path_factory.mktemp("chat-home")
    store = open_store(home)
    laws = home / "laws"
    laws.mkdir()
    (laws / "loi.xml").write_bytes((DATA / "legilux-loi.xml").read_bytes())
    assert import_path(store, laws, "laws").ok
    assert import_path(store, memo_folder(home), "hr", ["hr"]).ok
    return home


@pytest.fixture(scope="module")
def general(home) -> GeneralAssistant:
    settings = Settings(home=home)
    return GeneralAssistant(home=home, settings=settings)


def ground(general: GeneralAssistant, text: str, lang: str, *, groups=(), state=None) -> TaskGrounding:
    query = Query(
        text=text, lang=lang, session_id="s", state=state if state is not None else {}, user=User("u", groups)
    )
    grounding = general.ground(query)
    assert isinstance(grounding, TaskGrounding), grounding
    return grounding


def doc_ids(grounding: TaskGrounding) -> set[str]:
    return {s.id.split("#")[0] for s in grounding.sources}


def test_a_summary_request_finds_the_document_by_its_title_in_the_users_language(general):
    grounding = ground(general, "Résume le document sur la carte d'identité", "fr")
    assert grounding.message is None and grounding.target == "fr"
    assert doc_ids(grounding) == {"demo/identity-card.fr.md"}
    assert [p.id for p in grounding.acted_on] == [s.id for s in grounding.sources]


def test_a_luxembourgish_summary_reads_the_version_the_model_writes(general):
    """The default model does not write Luxembourgish: the summary is written in German, from the German version
    (a small model given Luxembourgish to summarise in German tends to write Luxembourgish)."""
    grounding = ground(general, "Fass d'Dokument iwwer d'Identitéitskaart zesummen", "lb")
    assert grounding.message is None
    expected = "de" if "lb" not in general.settings().model.writes else "lb"
    assert doc_ids(grounding) == {f"demo/identity-card.{expected}.md"}


def test_plain_english_asked_in_french_takes_the_english_version(general):
    grounding = ground(general, "Réécris la page sur la carte d'identité en plain English", "fr")
    assert grounding.request is not None and grounding.request.kind == "simplify"
    assert grounding.target == "en" and doc_ids(grounding) == {"demo/identity-card.en.md"}


def test_this_document_is_the_previous_answers_first_source(general):
    state: dict[str, object] = {}
    question = Query(text="Wéini fänkt d'Schoul un?", lang="lb", session_id="s", state=state)
    answered = general.ground(question)
    assert answered.sources and not isinstance(answered, TaskGrounding)
    first = answered.sources[0].id.split("#")[0]
    grounding = ground(general, "Iwwersetz dat op Franséisch", "lb", state=state)
    assert grounding.target == "fr"
    # The same document, in the version the user read (never the one already in French).
    assert doc_ids(grounding) == {first}
    assert not first.endswith(".fr.md")


def test_an_article_is_found_in_the_one_law_that_has_it(general):
    grounding = ground(general, "Fasse den Artikel 12bis zusammen", "de")
    assert grounding.message is None
    assert [s.title for s in grounding.sources] == [s.title for s in grounding.sources if "Art. 12bis" in s.title]
    assert len(grounding.sources) == 1
    first = ground(general, "Résume l'article 1er de la loi", "fr")
    assert [s.title.rsplit(", ", 1)[-1] for s in first.sources] == ["Art. 1er"]


def test_a_missing_article_says_so(general):
    grounding = ground(general, "Summarise article 2 of the law on administrative procedures", "en")
    assert grounding.message is None  # article 2 exists
    missing = ground(general, "Summarise the law on administrative procedures, article 7", "en")
    assert missing.message is not None and "article 7" in missing.message


def test_a_document_the_caller_may_not_read_is_never_acted_on(general):
    outsider = ground(general, "Summarise the telework memo", "en", groups=("finance",))
    assert outsider.message is not None
    assert not any(s.id.startswith("hr/") or s.id == "collection:hr" for s in outsider.sources)
    assert "hr" not in outsider.message.replace("hr/", "")
    member = ground(general, "Summarise the telework memo", "en", groups=("hr",))
    assert doc_ids(member) == {"hr/telework.en.md"}
    # "this document" after a member's answer stays invisible to someone outside the group.
    state = {"doc": "hr/telework.fr.md"}
    again = ground(general, "Traduis ça en allemand", "fr", groups=("finance",), state=state)
    assert again.message is not None and not any(s.id.startswith("hr/") for s in again.sources)


def test_no_matching_document_says_what_to_do_and_lists_the_collections(general):
    grounding = ground(general, "Summarise the document about dog licences", "en")
    assert grounding.message is not None
    assert "dog licences" in grounding.message and "Summarise the document “" in grounding.message
    assert "demo (20 documents)" in grounding.message and "laws (1 document)" in grounding.message
    assert {s.id for s in grounding.sources} == {"collection:demo", "collection:laws"}


@pytest.fixture(scope="module")
def core(home):
    c = Core(Settings(home=home, neo4j={"uri": "bolt://127.0.0.1:9", "password": "x"}))
    yield c
    c.close()


@pytest.mark.parametrize(
    ("text", "lang", "german"),
    [
        ("Iwwersetz d'Dokument iwwer d'Identitéitskaart op Lëtzebuergesch", "lb", "Däitsch"),
        ("Traduis le document sur la carte d'identité en luxembourgeois", "fr", "allemand"),
    ],
)
def test_a_translation_into_luxembourgish_is_declined_before_the_model_loads(core, text, lang, german):
    if "lb" in core.settings.model.writes:
        pytest.skip("this installation's model writes Luxembourgish")
    reply = core.ask(text, assistant="general")
    assert reply.kind == "answer" and reply.ai_generated is False
    check_reply_language(reply, lang)
    assert german in reply.text, reply.text  # German offered (never the language it declines)
    assert reply.sources and all(s.id.startswith("demo/identity-card.") for s in reply.sources)
    assert not any(s.id.endswith(".lb.md") for s in reply.sources)  # a translation is from another language
    assert core._model is None  # declined without loading the model


def test_the_no_document_reply_reaches_every_channel_as_moiens_own_text(core):
    reply = core.ask("Fass d'Dokument iwwer d'Hondstax zesummen", assistant="general")
    assert reply.kind == "answer" and reply.ai_generated is False
    check_reply_language(reply, "lb")
    assert "hondstax" in reply.text.lower() and "demo" in reply.text
    assert pick(MESSAGES, "example_summary", "lb", topic="").split()[0] in reply.text


def test_the_intent_classifier_sends_requests_to_the_general_assistant(core):
    for text in [
        "Résume le document sur la carte d'identité",
        "Fass d'Dokument iwwer d'Identitéitskaart zesummen",
        "Fasse den Artikel 3 zusammen",
        "Rewrite the passport page in plain English",
        "Iwwersetz dat op Franséisch",
    ]:
        route = core.router.route(text)
        assert (route.assistant, route.reason) == ("general", "intent"), (text, route)
        assert route.intent == "document_task", (text, route)


def test_a_plain_version_is_shown_with_its_label_facts_and_readability_in_the_users_language():
    """What the chat shows for a plain-language result (written here, not by the model: the rendering is tested)."""
    from moien.assistants.general.actions import MESSAGES as ACTIONS
    from moien.assistants.general.actions import Passage, SimplifyResult
    from moien.assistants.general.chat_actions import render_simplify
    from moien.documents.facts import kept
    from moien.documents.readability import measure

    source = (
        "Conformément aux dispositions applicables, la demande de renouvellement de la carte d'identité doit être "
        "introduite auprès du bureau de la population au plus tard le 30 avril 2026, moyennant le paiement "
        "préalable d'une taxe administrative de 14 euros."
    )
    plain = "Vous voulez une nouvelle carte d'identité ? Payez 14 euros. Allez à la mairie avant le 30 avril 2026."
    label = pick(ACTIONS, "plain_label", "de", model="qwen2.5-coder-1.5b-instruct-q4_k_m")
    result = SimplifyResult(
        status="ok",
        text=plain,
        lang="fr",
        requested_lang=None,
        notice=None,
        label=label,
        facts=kept(source, plain, "fr", "fr"),
        unchecked=[],
        before=measure(source, "fr"),
        after=measure(plain, "fr"),
        easier=True,
        attempts=1,
        model="qwen2.5-coder-1.5b-instruct-q4_k_m",
        seconds=1.0,
        source=[Passage("text", "text", source, "fr")],
    )
    shown = render_simplify(result, "de")
    head, body, facts_line, *readability = shown.split("\n\n")  # paragraphs: one line each in Markdown
    assert head == f"*{label}*" and body == plain  # the label in italics, whatever underscores the model id has
    assert facts_line.startswith("**Beibehaltene Fakten (2):**") and "14 euros" in facts_line
    assert "30 avril 2026" in facts_line
    assert readability[0].startswith("Lesbarkeit (Kandel-Moles") and "(höher ist leichter)" in readability[0]
    assert readability[1].startswith("Wörter pro Satz: 35.0 → 5.0")
