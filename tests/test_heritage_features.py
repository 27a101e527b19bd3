"""Heritage scenarios in Luxembourgish, French, German and English (``tests/features/heritage.*.feature``).

Visitors talk to the real core with the real heritage assistant over the demo collection. What a visitor
relies on — the reply's language, its sources, the follow-ups, the honest "I don't know" — is known
before the model writes, so most scenarios do not wait for generation; the French one reads the whole
answer (the local model writes it) and checks it stays within 80 words. The harvest scenarios run
against the local OAI-PMH server of ``test_heritage_oaipmh``. Every scenario runs on both search backends
(the index on disk and a real OpenSearch node, ``heritage_backend``).
"""

from __future__ import annotations

import uuid

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.assistants.core import i18n
from moien.heritage.store import RecordStore
from tests.test_heritage_oaipmh import OAIServer
from tests.test_heritage_search import demo_home  # noqa: F401  (session fixture: the demo collection)

scenarios("heritage.en.feature", "heritage.fr.feature", "heritage.de.feature", "heritage.lb.feature")


@pytest.fixture(autouse=True)
def _on_each_backend(heritage_backend):
    """Every scenario runs on both search backends (autouse: pytest-bdd's steps ask for fixtures late, too
    late for pytest to parametrize them)."""
    return heritage_backend


@pytest.fixture(scope="module")
def heritage_core(settings, demo_home, heritage_backend):  # noqa: F811
    from moien.assistants.core.config import get_settings
    from moien.assistants.core.engine import Core
    from moien.assistants.heritage.plugin import HeritageAssistant

    # read again: the assistant takes its search backend (and the OpenSearch node's port) from its settings
    s = get_settings().model_copy(update={"home": demo_home})
    assert s.heritage.backend == heritage_backend
    core = Core(s, assistants={"heritage": HeritageAssistant(s)})
    yield core
    core.close()


@pytest.fixture
def visit():
    return {"session": uuid.uuid4().hex, "turns": []}


# -- visitors -----------------------------------------------------------------------------------------
@given(parsers.re(r"(a visitor at the kiosk|un visiteur au kiosque|ein Besucher am Kiosk|e Visiteur um Kiosk)"))
def a_visitor(visit):
    assert visit["turns"] == []


@when(
    parsers.re(r'(?:the visitor asks|le visiteur demande|der Besucher fragt|de Visiteur freet) "(?P<question>[^"]+)"')
)
def visitor_asks(heritage_core, visit, question):
    turn = heritage_core.turn(question, session_id=visit["session"], assistant="heritage")
    visit["turns"].append(turn)


def last(visit):
    return visit["turns"][-1].reply


@then(parsers.re(r'(?:the reply is in|la réponse est en|ist die Antwort auf|ass d\'Äntwert op) "(?P<lang>\w+)"'))
def reply_in(visit, lang):
    # Known before the text: the language asked, and the language the text will be in with the notice that says why
    # when the model cannot write the visitor's (tests/language.py checks the finished text).
    reply = last(visit)
    assert (reply.requested_lang or reply.lang) == lang, (reply.lang, reply.requested_lang)
    if reply.requested_lang:
        assert reply.notice and reply.lang in ("fr", "de", "en")


@then(
    parsers.re(
        r"(the reply cites records of the collection|la réponse cite des notices de la collection|"
        r"die Antwort nennt Datensätze der Sammlung|d'Äntwert nennt Fiche vun der Sammlung)"
    )
)
def cites_records(heritage_core, visit):
    reply = last(visit)
    assert reply.kind == "answer" and reply.sources and reply.assistant == "heritage"
    store = heritage_core.assistants["heritage"].store
    for s in reply.sources:
        assert store.get(s.id) is not None, s.id  # every source is a record of the collection
        assert s.uri


@then(
    parsers.re(
        r"(?:one of the cited records is one of|l\'une des notices citées est l\'une de|"
        r'einer der genannten Datensätze ist einer von|eng vun de genannte Fichen ass eng vun) "(?P<ids>[^"]+)"'
    )
)
def any_cited(visit, ids):
    assert {s.id for s in last(visit).sources} & {i.strip() for i in ids.split(",")}


@then(
    parsers.re(
        r"(the answer has at most 80 words|la réponse compte au plus 80 mots|"
        r"die Antwort hat höchstens 80 Wörter|d'Äntwert huet héchstens 80 Wierder)"
    )
)
def at_most_80_words(visit):
    from moien.assistants.core.langid import default_identifier

    reply = visit["turns"][-1].complete()  # the local model writes the answer here
    assert reply.kind == "answer" and reply.ai_generated, reply.text
    assert 0 < len(reply.text.split()) <= 80, reply.text
    assert "**" not in reply.text and "\n-" not in reply.text  # plain text for the kiosk
    if reply.lang in ("fr", "de", "en"):
        assert default_identifier().identify(reply.text).lang == reply.lang, reply.text


@then(
    parsers.re(
        r"(the reply is about the same object as before|la réponse parle du même objet qu'avant|"
        r"geht es in der Antwort um dasselbe Objekt wie vorher|"
        r"geet et an der Äntwert ëm datselwecht Objet wéi virdrun)"
    )
)
def same_object(visit):
    before, now = visit["turns"][-2].reply, last(visit)
    assert before.sources and now.kind == "answer"
    assert [s.id for s in now.sources] == [before.sources[0].id]


@then(
    parsers.re(
        r"(the reply cites objects linked to that object|la réponse cite des objets liés à cet objet|"
        r"nennt die Antwort Objekte, die mit diesem Objekt verknüpft sind|"
        r"nennt d'Äntwert Objeten, déi mat deem Objet verbonne sinn)"
    )
)
def linked_objects(heritage_core, visit):
    focus_id = visit["turns"][-2].reply.sources[0].id
    focus = heritage_core.assistants["heritage"].store.get(focus_id)
    linked = {e.value for e in focus.related()}
    reply = last(visit)
    assert reply.kind == "answer" and reply.sources
    assert {s.id for s in reply.sources} <= linked


@then(
    parsers.re(
        r"(the reply honestly says it does not know|la réponse dit honnêtement qu'elle ne sait pas|"
        r"sagt die Antwort ehrlich, dass sie es nicht weiß|seet d'Äntwert éierlech, datt se et net weess)"
    )
)
def does_not_know(visit):
    reply = last(visit)
    assert reply.kind == "no_answer" and not reply.sources and reply.ai_generated is False
    assert reply.text == i18n.t("no_answer", reply.lang)


# -- curators harvesting ------------------------------------------------------------------------------
@pytest.fixture
def archive(tmp_path):
    with OAIServer(n_records=17, page_size=4) as server:
        store = RecordStore.open(tmp_path)
        yield {"server": server, "store": store, "error": None}
        store.close()


@given(
    parsers.re(
        r"(?:an archive whose OAI-PMH server fails after|une archive dont le serveur OAI-PMH tombe en panne "
        r"après|ein Archiv, dessen OAI-PMH-Server nach|en Archiv, deem säin OAI-PMH-Server no) "
        r"(?P<pages>\d+) (?:pages|Seiten ausfällt|Säite futti geet)"
    )
)
def failing_archive(archive, pages):
    archive["server"].down_from_page = int(pages) + 1


def _harvest(archive):
    from moien.connectors.oaipmh import OAIClient
    from moien.heritage.harvest import harvest
    from moien.heritage.importers import ImportFailed

    client = OAIClient(archive["server"].url, retries=1, backoff=0.01, max_backoff=0.02, timeout=10)
    try:
        archive["report"] = harvest(archive["store"], archive["server"].url, client=client)
        archive["error"] = None
    except ImportFailed as exc:
        archive["error"] = exc
    finally:
        client.close()


@when(
    parsers.re(
        r"(the curator harvests the archive|la conservatrice moissonne l'archive|"
        r"die Archivarin das Archiv erntet|d'Archivarin d'Archiv ernt)"
    )
)
def curator_harvests(archive):
    _harvest(archive)


@then(
    parsers.re(
        r"(the harvest stops and keeps its checkpoint|la moisson s'arrête et garde son point de reprise|"
        r"bricht die Ernte ab und behält ihren Wiederaufsetzpunkt|"
        r"hält d'Ernte op a behält hire Punkt fir weiderzefueren)"
    )
)
def harvest_stopped(archive):
    from moien.heritage.harvest import harvest_key

    assert archive["error"] is not None
    state = archive["store"].harvest_state(harvest_key(archive["server"].url, "oai_dc", None))
    assert state["token"] and state["status"] == "failed"
    assert archive["store"].count() == state["records"] == 8


@when(
    parsers.re(
        r"(the server works again and the curator harvests the archive again|"
        r"le serveur refonctionne et la conservatrice moissonne à nouveau l'archive|"
        r"der Server wieder läuft und die Archivarin das Archiv erneut erntet|"
        r"de Server erëm leeft an d'Archivarin d'Archiv nach eng Kéier ernt)"
    )
)
def harvest_again(archive):
    archive["server"].down_from_page = None
    _harvest(archive)


@then(
    parsers.re(
        r"(every record of the archive is stored exactly once|chaque notice de l'archive est enregistrée "
        r"une seule fois|ist jeder Datensatz des Archivs genau einmal gespeichert|"
        r"ass all Fiche vum Archiv genee eng Kéier gespäichert)"
    )
)
def stored_once(archive):
    assert archive["error"] is None and archive["report"].resumed
    ids = [r[0] for r in archive["store"].connect().execute("SELECT id FROM records")]
    assert len(ids) == len(set(ids)) == len(archive["server"].records) == 17
    assert archive["report"].new == 9
