"""The HTTP API as an intranet page uses it, in Luxembourgish, French, German and English (tests/features/api.*).

A real ``moien api`` process answers with the real model. The page is a registered site: its publishable key and
its Origin header are what a browser would send. The steps check what the page relies on — sources before text,
the language of the text itself (by moien's identifier), the AI disclosure, refusals that say what to do — never
wording.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.assistants.core import i18n
from moien.assistants.core.langid import default_identifier
from tests.api_server import api_server
from tests.language import check_reply_language

pytestmark = pytest.mark.model

scenarios("api.en.feature", "api.fr.feature", "api.de.feature", "api.lb.feature")


@pytest.fixture(scope="module")
def api(tmp_path_factory, settings):
    home = tmp_path_factory.mktemp("api-bdd-home")
    env = {
        "MOIEN_HOME": str(home),
        "MOIEN_MODEL__CACHE_DIR": str(settings.model_cache_dir),
        "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",  # the general assistant answers; no curriculum needed
        "MOIEN_API__DEMO_SITE": "false",
    }
    with api_server(env) as url:
        yield {"url": url, "home": home, "sites": {}}


@pytest.fixture
def page(api):
    return {"origin": None, "key": None, "events": [], "status": None, "error": None}


@given(
    parsers.re(
        r'(?:an intranet page at|une page intranet à|eine Intranetseite unter|eng Intranetsäit op) "(?P<origin>[^"]+)"'
        r"(?: registered as a site| enregistrée comme site| ist als Site registriert| ass als Site registréiert)"
    )
)
def registered_site(api, page, origin):
    from moien.connectors.channels.access import AccessStore

    if origin not in api["sites"]:
        name = f"intranet-{len(api['sites'])}"
        api["sites"][origin] = AccessStore(api["home"] / "access.sqlite3").add_site(name, [origin], [], None, None)
    page["origin"], page["key"] = origin, api["sites"][origin]


#: The page's own language, as the widget reads it from <html lang> and sends it along.
PAGE_LANG = {"the page asks": "en", "la page demande": "fr", "die Seite fragt": "de", "d'Säit freet": "lb"}
PAGE_LANG |= {"asks": "en", "demande": "fr", "fragt": "de", "freet": "lb"}


def _ask(api, page, origin: str, question: str, lang: str) -> None:
    body = {
        "model": "general",
        "messages": [{"role": "user", "content": question}],
        "stream": True,
        "moien": {"session_id": uuid.uuid4().hex, "lang": lang},
    }
    headers = {"Authorization": f"Bearer {page['key']}", "Origin": origin}
    with (
        httpx.Client(base_url=api["url"], timeout=httpx.Timeout(900, connect=30)) as client,
        client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response,
    ):
        page["status"] = response.status_code
        if response.status_code != 200:
            page["error"] = json.loads(response.read())
            return
        for line in response.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                page["events"].append(json.loads(line[6:]))


@when(parsers.re(r'(?P<verb>the page asks|la page demande|die Seite fragt|d\'Säit freet) "(?P<question>[^"]*)"$'))
def the_page_asks(api, page, verb, question):
    _ask(api, page, page["origin"], question, PAGE_LANG[verb])


@when(
    parsers.re(
        r'(?:a page at|une page à|eine Seite unter|eng Säit op) "(?P<origin>[^"]+)" '
        r'(?P<verb>asks|demande|fragt|freet) "(?P<question>[^"]+)"$'
    )
)
def another_page_asks(api, page, origin, verb, question):
    _ask(api, page, origin, question, PAGE_LANG[verb])


def _trust(page) -> dict:
    assert page["status"] == 200, page["error"]
    assert page["events"], "the stream was empty"
    first = page["events"][0]
    assert "moien" in first, "the first chunk must carry moien's trust fields"
    return first["moien"]


def _text(page) -> str:
    return "".join(
        (c.get("choices") or [{}])[0].get("delta", {}).get("content") or "" for c in page["events"] if c.get("choices")
    )


@then(
    parsers.re(
        r"(the sources arrive before the first word of the answer|les sources arrivent avant le premier mot de la "
        r"réponse|kommen die Quellen vor dem ersten Wort der Antwort|kommen d'Quellen virum éischte Wuert vun der Äntwert)"
    )
)
def sources_first(page):
    trust = _trust(page)
    assert trust["kind"] == "answer", trust
    assert trust["sources"], "a grounded answer lists its sources"
    first = page["events"][0]
    assert not (first.get("choices") or [{}])[0].get("delta", {}).get("content"), "sources come before any text"


@then(
    parsers.re(
        r'(?:the answer is written in|la réponse est écrite en|die Antwort ist auf|d\'Äntwert ass op) "(?P<lang>\w+)"'
        r"(?: geschrieben| geschriwwen)?$"
    )
)
def written_in(page, lang):
    # The label is the language of the text, measured; a Luxembourgish question gets German from a model that cannot
    # write Luxembourgish, labelled de, with the notice in Luxembourgish (tests/language.py).
    check_reply_language({**_trust(page), "text": _text(page)}, lang)


@then(
    parsers.re(
        r"(the answer says that it comes from an AI|la réponse indique qu'elle vient d'une IA|"
        r"die Antwort gibt an, dass sie von einer KI stammt|d'Äntwert seet, datt se vun enger KI kënnt)"
    )
)
def says_ai(page):
    trust = _trust(page)
    assert trust["ai_generated"] is True
    assert trust["disclosure"], "the first answer of a conversation carries the AI disclosure"
    assert trust["model"], "the answer names the model that wrote it"


@then(parsers.re(r"d'Äntwert seet, wou se hierkënnt"))
def says_where_it_comes_from(page):
    # A Luxembourgish question over Luxembourgish documents: the model (which cannot write Luxembourgish) writes
    # German and the answer says it is AI-generated — or moien quotes the document's own sentences, not generated,
    # and one line says so. Either way the AI disclosure comes first.
    trust = _trust(page)
    assert trust["disclosure"], "the first answer of a conversation carries the AI disclosure"
    if trust["ai_generated"] is True:
        assert trust["model"], "the answer names the model that wrote it"
    else:
        assert trust["kind"] == "answer" and trust["notice"] == i18n.t("extracted", "lb"), trust


@then(
    parsers.re(
        r"(every source of the answer has a title|chaque source de la réponse a un titre|"
        r"jede Quelle der Antwort hat einen Titel|all Quell vun der Äntwert huet en Titel)"
    )
)
def sources_titled(page):
    assert all(s["id"] and s["title"] for s in _trust(page)["sources"])


@then(
    parsers.re(
        r"(?:the API answers with a reply written by people in|l\'API répond par un texte écrit par des personnes en|"
        r"antwortet die API mit einem von Menschen geschriebenen Text auf|"
        r'äntwert d\'API mat engem Text, dee vu Mënsche geschriwwen ass, op) "(?P<lang>\w+)"$'
    )
)
def canned_reply(page, lang):
    trust = _trust(page)
    assert trust["kind"] == "invalid_input" and trust["ai_generated"] is False
    text = _text(page)
    assert text.strip()
    assert default_identifier().identify(text).lang == lang, text


@then(
    parsers.re(
        r"(the API refuses it with an error that says what to do|l'API la refuse avec une erreur qui dit quoi faire|"
        r"weist die API sie mit einem Fehler ab, der sagt, was zu tun ist|"
        r"refuséiert d'API se mat engem Feeler, dee seet, wat ze maache wier)"
    )
)
def refused(page):
    assert page["status"] in (401, 403), page
    error = page["error"]["error"]
    assert error["message"] and error["type"] and error["code"]
    assert "moien sites" in error["message"] or "origin" in error["message"].lower()
