"""Conversation scenarios in Luxembourgish, French, German and English (tests/features/*.feature),
run against the real local model and the real Neo4j server.

Model output varies, so the steps check what a user relies on — the language of the reply, its
sources, the disclosure, the grounding of every cited code — never exact wording.
"""

from __future__ import annotations

import re
import uuid

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from moien.assistants.core import i18n
from tests.language import check_reply_language, written_by_the_model

pytestmark = [pytest.mark.model, pytest.mark.neo4j]

scenarios("conversation.en.feature", "conversation.fr.feature", "conversation.de.feature", "conversation.lb.feature")

CODE = re.compile(r"\b[A-Z]{2}-C\d(?:-\d{2})?\b")


@pytest.fixture
def chat(core):
    return {"session": uuid.uuid4().hex, "replies": []}


@given(parsers.re(r"(a new conversation|une nouvelle conversation|ein neues Gespräch|eng nei Conversatioun)"))
def new_conversation(chat):
    assert chat["replies"] == []


@when(parsers.re(r'(?:I ask|je demande|ich frage|ech froen) "(?P<question>[^"]+)"$'))
def ask(core, chat, question):
    chat["replies"].append(core.ask(question, session_id=chat["session"]))


@when(
    parsers.re(
        r'(?:I ask the "(?P<a1>\w+)" assistant|je demande à l\'assistant "(?P<a2>\w+)"|'
        r'ich den Assistenten "(?P<a3>\w+)" frage|ech den Assistent "(?P<a4>\w+)" froen) "(?P<question>[^"]+)"$'
    )
)
def ask_assistant(core, chat, question, a1, a2, a3, a4):
    chat["replies"].append(core.ask(question, session_id=chat["session"], assistant=a1 or a2 or a3 or a4))


@then(parsers.re(r'(?:the reply is in|la réponse est en|ist die Antwort auf|ass d\'Äntwert op) "(?P<lang>\w+)"'))
def reply_in(chat, lang):
    # Asked in ``lang``: in that language where the model writes it, else in its fallback, labelled and explained
    # (tests/language.py). The text's language is measured, not taken from the label.
    check_reply_language(chat["replies"][-1], lang)


@then(
    parsers.re(
        r"(the reply is a grounded answer with sources|la réponse est fondée sur des sources citées|"
        r"die Antwort stützt sich auf genannte Quellen|d'Äntwert stäipt sech op genannte Quellen)"
    )
)
def grounded(chat):
    reply = chat["replies"][-1]
    assert reply.kind == "answer", reply
    assert reply.sources, "an answer must list its sources"
    assert reply.text.strip(), "the answer is empty"
    assert all(s.id and s.title for s in reply.sources)


@then(
    parsers.re(
        r"(the first reply discloses that it is an AI|la première réponse indique qu'il s'agit d'une IA|"
        r"die erste Antwort gibt an, dass sie von einer KI stammt|déi éischt Äntwert seet, datt et eng KI ass)"
    )
)
def disclosed(chat):
    first = chat["replies"][0]
    assert first.disclosure == i18n.t("disclosure", first.lang)


@then(
    parsers.re(
        r"(the reply rests on cited sources or says honestly it cannot answer from them|"
        r"la réponse s'appuie sur des sources citées ou dit honnêtement ne pas pouvoir en répondre|"
        r"die Antwort stützt sich auf genannte Quellen oder sagt ehrlich, dass sie daraus nicht antworten kann|"
        r"d'Äntwert stäipt sech op genannte Quellen oder seet éierlech, datt se draus net äntwere kann)"
    )
)
def grounded_or_honest(chat):
    """For a question in a language the model does not write well: the source's own sentences (an extract), a
    grounded answer in its fallback, or — when
    the answer guardrail retracts what the model wrote (a Luxembourgish echo of the question, a mixed sentence) —
    the honest notice in the language asked; the sources are listed either way, never a wrong answer."""
    reply = chat["replies"][-1]
    assert reply.kind in ("answer", "unverified"), reply
    assert reply.sources and all(s.id and s.title for s in reply.sources)
    if reply.kind == "unverified":
        assert reply.text == i18n.t("unverified", reply.lang) and not reply.ai_generated


@then(
    parsers.re(
        r"(the reply names the local model|la réponse nomme le modèle local|"
        r"die Antwort nennt das lokale Modell|d'Äntwert nennt de lokale Modell)"
    )
)
def names_model(chat, core):
    reply = chat["replies"][-1]
    # A retracted answer is moien's notice, an extract the source's own words: neither is the model's.
    assert reply.ai_generated is written_by_the_model(reply)
    assert reply.model == core.model.model_id


@then(
    parsers.re(
        r"(every cited curriculum code exists in the graph|chaque code de programme cité existe dans le graphe|"
        r"jeder genannte Lehrplancode existiert im Graphen|all genannte Code vum Programm gëtt et am Graph)"
    )
)
def codes_exist(chat, graph):
    reply = chat["replies"][-1]
    from moien.curriculum_graph.queries import get_item

    cited = {s.id for s in reply.sources} | set(CODE.findall(reply.text))
    assert cited
    missing = [c for c in cited if get_item(graph, c) is None]
    assert not missing, f"codes not in the curriculum graph: {missing} in {reply.text!r}"


@then(
    parsers.re(
        r"(the reply honestly says it does not know|la réponse dit honnêtement qu'elle ne sait pas|"
        r"die Antwort sagt ehrlich, dass sie es nicht weiß|d'Äntwert seet éierlech, datt se et net weess)"
    )
)
def does_not_know(chat):
    reply = chat["replies"][-1]
    assert reply.kind == "no_answer"
    assert not reply.sources
    assert reply.text == i18n.t("no_answer", reply.lang)


@then(
    parsers.re(
        r"(the reply carries a lesson plan whose outcomes all exist in the graph|"
        r"la réponse contient un plan de séance dont tous les objectifs existent dans le graphe|"
        r"die Antwort enthält einen Unterrichtsplan, dessen Lernziele alle im Graphen existieren|"
        r"d'Äntwert huet e Plang, deem seng Léierziler all am Graph sinn)"
    )
)
def plan_grounded(chat, graph):
    from moien.curriculum_graph.queries import get_item

    reply = chat["replies"][-1]
    assert reply.kind == "answer", reply.text
    plans = [a for a in reply.attachments if a.type == "lesson_plan"]
    assert len(plans) == 1
    plan = plans[0].data
    for field in (
        "title",
        "level",
        "subject",
        "duration_minutes",
        "learning_outcomes",
        "prior_knowledge",
        "key_learning_points",
        "misconceptions",
        "keywords",
        "cycles",
        "starter_quiz",
        "exit_quiz",
        "differentiation",
    ):
        assert plan[field], field
    assert set(plan["differentiation"]) == {"support", "core", "extension"}
    assert plan["learning_outcomes"]
    for code in plan["learning_outcomes"]:
        assert get_item(graph, code) is not None, f"{code} is not in the curriculum graph"
    assert set(plan["cited"]) == set(plan["learning_outcomes"])


@then(
    parsers.re(
        r"(the exported lesson plan is labelled as AI-generated|"
        r"le plan de séance exporté est marqué comme généré par une IA|"
        r"der exportierte Unterrichtsplan ist als KI-generiert gekennzeichnet|"
        r"de exportéierte Plang ass als KI-generéiert markéiert)"
    )
)
def plan_labelled(chat):
    import io

    from docx import Document

    from moien.assistants.education import lesson_plan as lp

    reply = chat["replies"][-1]
    att = next(a for a in reply.attachments if a.type == "lesson_plan")
    data = dict(att.data)
    lang, model, cited = data.pop("lang"), data.pop("model"), data.pop("cited")
    # The label is in moien's frame language (the language asked in), the plan's text may be the model's fallback.
    frame, notice = data.pop("frame_lang"), data.pop("notice")
    for key in ("removed_outcomes", "rubric", "repairs"):
        data.pop(key)
    label = lp.label("ai", frame).format(model=model)
    assert label in att.markdown
    assert all(code in att.markdown for code in cited)
    plan = lp.parse_plan_data(data)
    doc = Document(io.BytesIO(lp.to_docx(plan, lang, model, cited, frame_lang=frame, notice=notice)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert label in text and all(code in text for code in cited)
    assert notice is None or notice in text  # a German plan under a Luxembourgish frame says so in the file too
    assert "ai_generated=true" in doc.core_properties.comments and model in doc.core_properties.comments
