"""Lesson plans: schema, verification against the graph, exports, and refinement in a conversation."""

from __future__ import annotations

import json

import pytest

from moien.assistants.education import lesson_plan as lp

PLAN = {
    "title": "Le cycle de l'eau",
    "level": "C3",
    "subject": "SC",
    "duration_minutes": 45,
    "learning_outcomes": ["SC-C3-03", "XX-C9-99"],
    "prior_knowledge": ["L'eau existe sous trois états."],
    "key_learning_points": ["L'eau s'évapore, se condense et retombe."],
    "misconceptions": [{"misconception": "Les nuages sont de la fumée.", "response": "Ce sont des gouttelettes."}],
    "keywords": [{"keyword": "évaporation", "definition": "passage de l'état liquide à l'état gazeux"}],
    "cycles": [
        {
            "title": "Observer",
            "minutes": 20,
            "activities": ["Chauffer de l'eau et observer la buée."],
            "check_for_understanding": "Où va l'eau ?",
        }
    ],
    "starter_quiz": [{"question": "Qu'est-ce qu'un nuage ?", "answer": "de l'eau"}],
    "exit_quiz": [{"question": "Nommez les trois étapes.", "answer": "évaporation, condensation, précipitations"}],
    "differentiation": {"support": "schéma à compléter", "core": "schéma libre", "extension": "expliquer la pluie"},
}


def test_schema_compiles_to_a_llama_cpp_grammar():
    from llama_cpp.llama_grammar import LlamaGrammar

    for support in (False, True):
        LlamaGrammar.from_json_schema(json.dumps(lp.json_schema(support)), verbose=False)


def test_invalid_model_output_is_rejected():
    with pytest.raises(lp.PlanError):
        lp.parse_plan('{"title": "x"}')
    with pytest.raises(lp.PlanError):
        lp.parse_plan("not json")


def test_outcomes_that_do_not_exist_are_removed_and_reported():
    plan = lp.parse_plan(json.dumps(PLAN))
    removed = lp.verify_outcomes(plan, lambda code: code == "SC-C3-03")
    assert plan.learning_outcomes == ["SC-C3-03"] and removed == ["XX-C9-99"]


@pytest.mark.parametrize("lang", ["lb", "fr", "de", "en"])
def test_exports_carry_the_ai_label_and_the_cited_items(lang):
    import io

    from docx import Document

    plan = lp.parse_plan(json.dumps(PLAN))
    cited = {"SC-C3-03": "Expliquer le cycle de l'eau."}
    md = lp.to_markdown(plan, lang, "model-x", cited)
    assert lp.label("ai", lang).format(model="model-x") in md
    assert "SC-C3-03" in md and lp.label("differentiation", lang) in md
    doc = Document(io.BytesIO(lp.to_docx(plan, lang, "model-x", cited)))
    assert doc.core_properties.title == PLAN["title"]
    assert "ai_generated=true" in doc.core_properties.comments
    assert any(lp.label("ai", lang).format(model="model-x") in p.text for p in doc.paragraphs)


@pytest.mark.model
@pytest.mark.neo4j
def test_a_plan_can_be_refined_in_the_conversation(core, graph):
    from moien.curriculum_graph.queries import get_item

    first = core.ask(
        "Plan a 45-minute lesson on the water cycle for cycle 3", assistant="education", session_id="refine"
    )
    assert first.kind == "answer" and first.attachments, first.text
    second = core.ask("shorter, in German", assistant="education", session_id="refine")
    assert second.kind == "answer", second.text
    assert second.lang == "de"
    plan = second.attachments[0].data
    assert plan["lang"] == "de"
    assert lp.label("ai", "de").format(model=plan["model"]) in second.attachments[0].markdown
    assert all(get_item(graph, c) is not None for c in plan["learning_outcomes"])
    assert plan["duration_minutes"] <= first.attachments[0].data["duration_minutes"]
