"""Who may read what, in Luxembourgish, French, German and English (``tests/features/documents.*.feature``).

A real core (no Neo4j, and no language model needed: "I don't know" and the sources are known before the model
writes) answers from the shipped demo collection plus a memo that only the group "hr" may read. Someone outside
the group asking what only the memo answers gets the honest canned reply and no source from it; someone in the
group gets the memo as a source.
"""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.assistants.core import i18n
from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core
from moien.assistants.core.types import Reply, User
from moien.documents.importer import import_path
from tests.test_documents_store import memo_folder

scenarios("documents.en.feature", "documents.fr.feature", "documents.de.feature", "documents.lb.feature")


@pytest.fixture(scope="module")
def docs_core(tmp_path_factory):
    from moien.assistants.general.plugin import open_store

    home = tmp_path_factory.mktemp("home")
    assert import_path(open_store(home), memo_folder(home), "hr", ["hr"]).ok
    core = Core(Settings(home=home, neo4j={"uri": "bolt://127.0.0.1:9", "password": "x"}))
    yield core
    core.close()


@pytest.fixture
def asked() -> dict[str, Reply]:
    return {}


@given(
    parsers.re(
        r"(?:a restricted collection|une collection réservée|eine geschützte Sammlung|eng geschützt Sammlung) "
        r'"(?P<collection>[^"]+)",? (?:that only the group|que seul le groupe|die nur die Gruppe|déi nëmmen de Grupp) '
        r'"(?P<group>[^"]+)" (?:may read|peut lire|lesen darf|liese däerf)'
    )
)
def restricted_collection(docs_core, collection, group):
    from moien.assistants.general.plugin import open_store

    [info] = [c for c in open_store(docs_core.settings.home).collections() if c.name == collection]
    assert info.groups == (group,) and info.documents == 4


@when(
    parsers.re(
        r"(?:a user in the group|une utilisatrice du groupe|eine Benutzerin der Gruppe|eng Benotzerin aus dem Grupp) "
        r'"(?P<group>[^"]+)" (?:asks|demande|fragt|freet) "(?P<question>[^"]+)"'
    )
)
def user_asks(docs_core, asked, group, question):
    turn = docs_core.turn(question, assistant="general", user=User(id="someone", groups=(group,)))
    asked["reply"] = turn.reply  # known before the model writes; the answer's text is not needed here


@then(
    parsers.re(
        r"(?:the reply is \"I don't know\"|la réponse est « je ne sais pas »|ist die Antwort „Das weiß ich nicht“|"
        r"ass d'Äntwert „Dat weess ech net“)"
    )
)
def reply_is_i_dont_know(asked):
    reply = asked["reply"]
    assert reply.kind == "no_answer" and reply.text == i18n.t("no_answer", reply.lang)
    assert reply.ai_generated is False


@then(
    parsers.re(
        r"(?:no source comes from the collection|aucune source ne vient de la collection|"
        r'keine Quelle stammt aus der Sammlung|keng Quell kënnt aus der Sammlung) "(?P<collection>[^"]+)"'
    )
)
def no_source_from(asked, collection):
    assert not [s for s in asked["reply"].sources if s.id.startswith(f"{collection}/")]


@then(
    parsers.re(
        r"(?:a source comes from the collection|une source vient de la collection|"
        r'stammt eine Quelle aus der Sammlung|kënnt eng Quell aus der Sammlung) "(?P<collection>[^"]+)"'
    )
)
def a_source_from(asked, collection):
    reply = asked["reply"]
    assert reply.kind == "answer"
    assert [s for s in reply.sources if s.id.startswith(f"{collection}/telework.")]


@then(parsers.re(r'(?:the reply is in|la réponse est en|ist die Antwort auf|ass d\'Äntwert op) "(?P<lang>\w+)"'))
def reply_in(asked, lang):
    # Known before the text: answered for a question in ``lang`` — in it when the model writes it, else in the
    # model's fallback with the notice in ``lang`` (tests/language.py checks finished texts).
    reply = asked["reply"]
    assert (reply.requested_lang or reply.lang) == lang, (reply.lang, reply.requested_lang)
    if reply.requested_lang:
        assert reply.notice and reply.lang != lang
