"""Lesson plans: schema, verification against the graph, exports, the duration a request names.

Plans written by the real model, and their refinement in a conversation ("shorter", "shorter, in German"), are the
lesson-plan scenarios of ``tests/features/curriculum.*.feature`` (one per language; a plan takes minutes to write).
"""

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


def test_section_schemas_compile_to_llama_cpp_grammars_that_allow_only_the_items_codes():
    from llama_cpp.llama_grammar import LlamaGrammar

    from moien.assistants.education import plan_sections as ps

    frame = ps._schema(ps.FrameSection, ["SC-C3-03", "SC-C2-08"])
    assert frame["properties"]["learning_outcomes"]["items"]["enum"] == ["SC-C3-03", "SC-C2-08"]
    for schema in (
        frame,
        ps.CyclesSection.model_json_schema(),
        ps.DifferentiationSection.model_json_schema(),
        ps.DifferentiationWithSupport.model_json_schema(),
    ):
        LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)


def test_a_luxembourgish_frame_over_german_text_is_labelled_by_what_each_part_is_in():
    """The model writes German for a Luxembourgish request: moien's headings, AI label and notice stay Luxembourgish,
    and the Word file is marked German — the language of its text — never Luxembourgish."""
    import io

    from docx import Document

    from moien.assistants.core import i18n
    from moien.assistants.core.types import Attachment
    from moien.assistants.education.plugin import lesson_plan_downloads

    plan = lp.parse_plan(json.dumps(PLAN))
    cited = {"SC-C3-03": "Den Wasserkreislauf erklären."}
    notice = i18n.t("written_in", "lb", language="Däitsch")
    md = lp.to_markdown(plan, "de", "model-x", cited, frame_lang="lb", notice=notice)
    assert f"## {lp.label('cycles', 'lb')}" in md and lp.label("ai", "lb").format(model="model-x") in md
    assert f"> {notice}" in md and lp.label("cycles", "de") not in md
    data = {**PLAN, "lang": "de", "frame_lang": "lb", "notice": notice, "cited": cited, "model": "model-x"}
    data |= {"removed_outcomes": [], "rubric": {"overall": 1.0}, "repairs": []}
    md_file, word = lesson_plan_downloads(Attachment(type="lesson_plan", data=data, markdown=md), "lb")
    doc = Document(io.BytesIO(word.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.core_properties.language == "de"
    assert notice in text and lp.label("ai", "lb").format(model="model-x") in text
    assert md_file.data.decode() == md


def test_a_plan_saved_before_frames_and_texts_could_differ_still_downloads():
    from moien.assistants.core.types import Attachment
    from moien.assistants.education.plugin import lesson_plan_downloads

    data = {**PLAN, "lang": "fr", "cited": {}, "removed_outcomes": [], "model": "model-x"}
    _, word = lesson_plan_downloads(Attachment(type="lesson_plan", data=data, markdown="# x"), "fr")
    assert word.data[:2] == b"PK"  # a Word file (a zip)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Plan a 45-minute lesson on fractions", 45),
        ("Prépare une leçon de 50 minutes sur l'eau", 50),
        ("Eine Unterrichtsstunde von 90 Minuten", 90),
        ("E Plang vu 55 Minutten", 55),
        ("a 2 hour workshop", 120),
        ("Plan a lesson on fractions for cycle 3", None),
    ],
)
def test_the_duration_comes_from_the_request(text, minutes):
    from moien.assistants.education.plugin import _minutes

    assert _minutes(text) == minutes
