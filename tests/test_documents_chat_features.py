"""Summaries, plain language and translation asked for in the chat, in Luxembourgish, French, German and English
(``tests/features/documents_chat.*.feature``), through the real core with the real model.

One request per language, in the user's own words: a plain-English rewrite (en), a summary (fr), a translation
into French (de), a summary asked in Luxembourgish, written in German because the default model does not write
Luxembourgish (lb), and a translation into Luxembourgish, declined with German or French offered. What is asserted
is what a user sees: the reply's sources are the document, a summary's ``[n]`` name them, the result's language by
moien's identifier (never the ``lang`` field alone), the facts of the document (amounts, dates: ``moien.documents
.facts``) kept and none invented, and the label that says what the text is — never the model's wording.
"""

from __future__ import annotations

import re
import uuid

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.assistants.core import i18n
from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core
from moien.assistants.core.langid import default_identifier
from moien.assistants.core.types import Reply
from moien.assistants.general import actions
from moien.assistants.general.chat_actions import parse_request
from moien.assistants.general.plugin import DEMO_DOCS
from moien.documents.facts import kept
from moien.lang import lang_name, pick

scenarios(
    "documents_chat.en.feature",
    "documents_chat.fr.feature",
    "documents_chat.de.feature",
    "documents_chat.lb.feature",
)

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def chat_core(tmp_path_factory, model):
    """A core over the demo collection only (no Neo4j: the general assistant is named), sharing the loaded model."""
    home = tmp_path_factory.mktemp("chat-features")
    core = Core(Settings(home=home, neo4j={"uri": "bolt://127.0.0.1:9", "password": "x"}), model=model)
    yield core
    core.close()


@pytest.fixture
def chat() -> dict[str, object]:
    return {"session": uuid.uuid4().hex}


def body(reply: Reply) -> str:
    """The result itself: the first paragraph after the label lines (in italics), before the facts and notes."""
    blocks = [b.strip() for b in reply.text.split("\n\n") if b.strip()]
    labels = 0
    while labels < len(blocks) and blocks[labels].startswith("*") and blocks[labels].endswith("*"):
        labels += 1
    assert 0 < labels < len(blocks), reply.text
    return blocks[labels]


def document_text(family: str, lang: str) -> str:
    return (DEMO_DOCS / f"{family}.{lang}.md").read_text(encoding="utf-8")


@given(parsers.re(r"(?:the demo documents|les documents de démonstration|die Demo-Dokumente|d'Demo-Dokumenter)"))
def demo_documents(chat_core):
    assert (DEMO_DOCS / "identity-card.fr.md").is_file()


@when(
    parsers.re(
        r'(?:I write in the chat|j\'écris dans le chat|ich im Chat|ech am Chat) "(?P<text>[^"]+)"'
        r"(?: schreibe| schreiwen)?"
    )
)
def write_in_chat(chat_core, chat, text):
    request = parse_request(text)
    assert request is not None, text
    chat["request"] = request
    chat["asked"] = default_identifier().identify(text).lang
    chat["reply"] = chat_core.ask(text, session_id=str(chat["session"]), assistant="general")


def reply_of(chat: dict[str, object]) -> Reply:
    reply = chat["reply"]
    assert isinstance(reply, Reply)
    return reply


@then(
    parsers.re(
        r"(?:the reply cites the document|la réponse cite le document|zitiert die Antwort das Dokument|"
        r'zitéiert d\'Äntwert d\'Dokument) "(?P<family>[^"]+)"'
    )
)
def cites_the_document(chat, family):
    reply = reply_of(chat)
    assert reply.kind == "answer", reply.text
    assert reply.sources and all(s.id.startswith(f"demo/{family}.") for s in reply.sources), reply.sources
    request = chat["request"]
    if getattr(request, "kind", None) == "summary":  # its points cite the sources by [n]
        cited = [int(n) for n in re.findall(r"\[(\d+)\]", body(reply))]
        assert cited and all(1 <= n <= len(reply.sources) for n in cited), reply.text


@then(
    parsers.re(
        r'(?:the result is written in|le résultat est rédigé en|ist das Ergebnis auf|ass d\'Resultat op) "(?P<lang>\w+)"'
        r"(?: geschrieben| geschriwwen)?"
    )
)
def written_in(chat, lang):
    reply = reply_of(chat)
    assert reply.lang == lang
    found = default_identifier().identify(body(reply))
    assert found.lang == lang, (found, reply.text)


@then(
    parsers.re(
        r"(?:the result keeps the facts of the document|le résultat garde les faits du document|"
        r"behält das Ergebnis die Fakten des Dokuments|behält d'Resultat d'Fakten vum Dokument)"
    )
)
def keeps_the_facts(chat):
    reply = reply_of(chat)
    request = chat["request"]
    source_id = reply.sources[0].id.split("#")[0]  # demo/identity-card.fr.md
    family, source_lang = source_id.split("/")[1].rsplit(".", 2)[:2]
    source = document_text(family, source_lang)
    check = kept(source, re.sub(r"\[\d+\]", " ", body(reply)), source_lang, reply.lang)
    assert not check.added, (check.added, reply.text)  # nothing invented, whatever the action
    if getattr(request, "kind", None) != "summary":  # a rewrite or a translation keeps every amount and date
        assert not [f for f in check.missing if f.kind in ("amount", "date")], (check.missing, reply.text)
        assert any(f.kind == "amount" for f in check.kept), check
    if getattr(request, "kind", None) == "simplify":  # the facts kept and the readability are listed
        from moien.assistants.general.cli import MESSAGES as CLI

        ui = reply.lang
        assert pick(CLI, "facts_kept", ui, n=0).split("(")[0] in reply.text
        assert pick(CLI, "sentence_length", ui, before=0, after=0, lb_before=0, lb_after=0).split(":")[0] in reply.text


@then(
    parsers.re(
        r"(?:the reply says what the text is|la réponse dit ce qu'est le texte|sagt die Antwort, was der Text ist|"
        r"seet d'Äntwert, wat den Text ass)"
    )
)
def says_what_it_is(chat):
    reply = reply_of(chat)
    request = chat["request"]
    key = {"summary": "summary_label", "simplify": "plain_label", "translate": "mt_label"}[request.kind]  # type: ignore[attr-defined]
    label = pick(actions.MESSAGES, key, str(chat["asked"]), model=reply.model)  # in the language of the question
    assert f"*{label}*" in reply.text, reply.text
    assert reply.ai_generated is True


@then(parsers.re(r"seet d'Äntwert op Lëtzebuergesch, firwat se op Däitsch ass"))
def says_why_german(chat, chat_core):
    reply = reply_of(chat)
    if "lb" in chat_core.settings.model.writes:
        pytest.skip("this installation's model writes Luxembourgish")
    # The reply says it: labelled German, asked in Luxembourgish, with the core's one-line notice every channel shows
    # (not repeated in the text).
    assert (reply.lang, reply.requested_lang) == ("de", "lb"), (reply.lang, reply.requested_lang)
    assert reply.notice == i18n.t("written_in", "lb", language=lang_name("de", "lb")), reply.notice
    assert reply.notice not in reply.text


@then(parsers.re(r'bitt d\'Äntwert eng Iwwersetzung op "(?P<language>[^"]+)" un'))
def offers(chat, chat_core, language):
    reply = reply_of(chat)
    if "lb" in chat_core.settings.model.writes:
        pytest.skip("this installation's model writes Luxembourgish")
    assert reply.ai_generated is False and reply.lang == "lb"
    assert default_identifier().identify(reply.text).lang == "lb", reply.text
    assert f"Iwwersetz dat op {language}" in reply.text, reply.text  # what to ask instead, in the user's words
