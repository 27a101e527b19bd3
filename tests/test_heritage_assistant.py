"""The heritage assistant: grounding from records only, follow-ups kept in the conversation's state,
"I don't know" when the collection has no answer, the 80-word cap, and the plugin's hooks."""

from __future__ import annotations

import uuid

import pytest
import typer

from moien.assistants.core import i18n
from moien.assistants.core.text import cap_words
from moien.assistants.core.types import Query
from moien.assistants.heritage import plugin
from moien.assistants.heritage.plugin import MAX_WORDS, HeritageAssistant
from tests.test_heritage_search import demo_home  # noqa: F401  (session fixture: the demo collection)


@pytest.fixture(scope="module")
def heritage_settings(settings, demo_home, heritage_backend):  # noqa: F811  (both search backends)
    # read again: the assistant takes its search backend (and the OpenSearch node's port) from its settings
    from moien.assistants.core.config import get_settings

    s = get_settings().model_copy(update={"home": demo_home})
    assert s.heritage.backend == heritage_backend
    return s


@pytest.fixture(scope="module")
def assistant(heritage_settings):
    a = HeritageAssistant(heritage_settings)
    yield a
    a.close()


@pytest.fixture(scope="module")
def core(heritage_settings, assistant):
    from moien.assistants.core.engine import Core

    c = Core(heritage_settings, assistants={"heritage": assistant})
    return c


def q(text: str, lang: str, state: dict | None = None, intent: str | None = None) -> Query:
    return Query(
        text=text, lang=lang, session_id=uuid.uuid4().hex, state=state if state is not None else {}, intent=intent
    )


def test_question_is_grounded_in_records(assistant):
    state: dict = {}
    g = assistant.ground(q("Qui a peint le château de Vianden ?", "fr", state))
    assert g.sources and len(g.sources) <= 3
    assert g.sources[0].id in {"demo:h01", "demo:dup1"}
    assert "Kieffer" in g.passages[0] and g.sources[0].title.endswith("(1928)")
    assert state["focus"] == g.sources[0].id and state["shown"][0] == g.sources[0].id


def test_tell_me_more_describes_the_same_object_in_full(assistant):
    state: dict = {}
    first = assistant.ground(q("Wat ass d'Sprangprëssessioun vun Iechternach?", "lb", state))
    focus = first.sources[0].id
    for text, lang in (
        ("Erziel mer méi", "lb"),
        ("Dites-m'en plus", "fr"),
        ("Erzähl mir mehr", "de"),
        ("Tell me more", "en"),
    ):
        more = assistant.ground(q(text, lang, state))
        assert [s.id for s in more.sources] == [focus]
        assert len(more.passages[0]) > len(first.passages[0]) and "hear more" in more.instructions


def test_show_related_objects_follows_the_enrichment_links(assistant):
    state: dict = {}
    first = assistant.ground(q("Who painted Vianden castle?", "en", state))
    focus = assistant.store.get(first.sources[0].id)
    related = assistant.ground(q("Show related objects", "en", state))
    linked = {e.value for e in focus.related()}
    assert related.sources and {s.id for s in related.sources} <= linked
    assert "related by" in related.instructions
    assert state["focus"] == focus.id  # still about the same object
    again = assistant.ground(q("Gëtt et ähnlech Objeten?", "lb", state))
    assert [s.id for s in again.sources] == [s.id for s in related.sources]


def test_tell_me_more_about_something_named_searches_it(assistant):
    state: dict = {"focus": "demo:h01"}
    g = assistant.ground(q("Erzähl mir mehr über die Grubenlampe", "de", state))
    assert g.sources[0].id != "demo:h01" and "lamp" in g.passages[0].lower()


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Wat ass d'Haaptstad vu Peru?", "lb"),
        ("Quel temps fera-t-il demain ?", "fr"),
        ("Wie viel kostet ein Bus-Ticket?", "de"),
        ("What is the boiling point of mercury?", "en"),
    ],
)
def test_no_answer_when_the_collection_has_none(assistant, text, lang):
    assert assistant.ground(q(text, lang)).empty


def test_core_says_it_does_not_know(core):
    reply = core.turn("Wat ass d'Haaptstad vu Peru?", assistant="heritage").complete()
    assert reply.kind == "no_answer" and not reply.sources and reply.ai_generated is False
    assert reply.text == i18n.t("no_answer", "lb")


def test_instructions_ask_for_short_plain_answers(assistant):
    text = assistant.instructions("fr")
    assert f"at most {MAX_WORDS} words" in text and "no markdown" in text


def test_answers_are_capped_at_a_sentence_within_80_words():
    sentence = "Le château de Vianden domine la vallée de l'Our depuis le Moyen Âge et attire de nombreux visiteurs. "
    text = sentence * 8
    pieces = iter([text[i : i + 7] for i in range(0, len(text), 7)])  # streamed in small pieces, like a model
    out = "".join(cap_words(pieces, MAX_WORDS))
    assert len(out.split()) <= MAX_WORDS and out.endswith(".")
    assert "".join(cap_words(iter(["**Short** answer [1]."]), MAX_WORDS)) == "Short answer [1]."
    long_one = " ".join(["mot"] * 120)
    assert len("".join(cap_words(iter([long_one]), MAX_WORDS)).split()) == MAX_WORDS


def test_plugin_registers_the_assistant_and_its_commands(heritage_settings):
    from moien.assistants.core.plugins import load_assistants, plugin_manager

    try:
        found = load_assistants(heritage_settings, extra_plugins=(plugin,))
    except ValueError:  # already registered through the entry point
        found = load_assistants(heritage_settings)
    assert isinstance(found["heritage"], HeritageAssistant)
    a = found["heritage"]
    for lang in ("lb", "fr", "de", "en"):
        assert a.title(lang) and a.description(lang) and a.service_name(lang)
    cli = typer.Typer()
    pm = plugin_manager()
    if not pm.is_registered(plugin):
        pm.register(plugin)
    pm.hook.register_commands(cli=cli)
    assert {"heritage", "opensearch"} <= {g.name for g in cli.registered_groups}


def test_warm_up_loads_the_index_before_the_first_question(heritage_settings):
    a = HeritageAssistant(heritage_settings)
    try:
        a.warm_up()
        assert a._store is not None and a.searcher().search("Buerg Veianen", top_k=1)
    finally:
        a.close()


def test_nlu_file_has_every_intent_in_four_languages(assistant):
    from moien.assistants.core.intents import parse_nlu
    from moien.assistants.core.langid import default_identifier

    pairs = parse_nlu(assistant.nlu_file())
    intents = {i for i, _ in pairs}
    assert intents == {"ask_heritage", "heritage_more", "heritage_related"}
    ident = default_identifier()
    for intent in intents:
        langs = {ident.identify(t).lang for i, t in pairs if i == intent}
        assert {"lb", "fr", "de", "en"} <= langs, intent
