"""The lesson-plan rubric and the section checks: pure functions over plans, no model, no graph."""

from __future__ import annotations

import copy

import pytest

from moien.assistants.education import lesson_plan as lp
from moien.assistants.education import plan_sections as ps
from moien.assistants.education.rubric import repeated, same_activity, score_plan

STATEMENTS = {"SC-C3-03": "Expliquer le cycle de l'eau : évaporation, condensation et précipitations."}

GOOD = {
    "title": "Le cycle de l'eau",
    "level": "C3",
    "subject": "Sciences",
    "duration_minutes": 45,
    "learning_outcomes": ["SC-C3-03"],
    "prior_knowledge": ["L'eau existe sous trois états."],
    "key_learning_points": ["L'eau s'évapore, se condense en nuages et retombe en précipitations."],
    "misconceptions": [{"misconception": "Les nuages sont de la fumée.", "response": "Ce sont des gouttelettes."}],
    "keywords": [{"keyword": "évaporation", "definition": "passage de l'état liquide à l'état gazeux"}],
    "cycles": [
        {
            "title": "Observer l'évaporation",
            "minutes": 15,
            "activities": ["Chauffer de l'eau et observer la buée sur un couvercle froid.", "Noter les observations."],
            "check_for_understanding": "Où va l'eau chauffée ?",
        },
        {
            "title": "Modéliser le cycle",
            "minutes": 20,
            "activities": [
                "Dessiner le cycle de l'eau en légendant évaporation, condensation, précipitations.",
                "Expliquer son schéma à un camarade.",
            ],
            "check_for_understanding": "Quelle étape forme les nuages ?",
        },
        {
            "title": "Bilan",
            "minutes": 10,
            "activities": ["Trier des cartes-images dans l'ordre du cycle."],
            "check_for_understanding": "Raconter le trajet d'une goutte.",
        },
    ],
    "starter_quiz": [{"question": "Qu'est-ce qu'un nuage ?", "answer": "de l'eau"}],
    "exit_quiz": [{"question": "Nommez les trois étapes.", "answer": "évaporation, condensation, précipitations"}],
    "differentiation": {
        "support": "Un schéma du cycle de l'eau à compléter avec les mots évaporation et condensation.",
        "core": "Dessiner seul le cycle de l'eau et légender chaque flèche avec une étape.",
        "extension": "Expliquer pourquoi les précipitations sont plus fortes en montagne, avec une expérience.",
    },
}


def plan(**changes):
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return lp.parse_plan_data(data)


def test_a_varied_well_timed_grounded_plan_scores_full_marks():
    score = score_plan(plan(), STATEMENTS)
    assert (score.outcomes, score.variety, score.differentiation, score.timing) == (1.0, 1.0, 1.0, 1.0)
    assert score.overall == 1.0 and score.minutes_total == 45 == score.duration


def test_an_outcome_the_plan_was_not_built_from_or_does_not_teach_loses_coverage():
    score = score_plan(plan(learning_outcomes=["SC-C3-03", "MA-C3-06"]), STATEMENTS)
    assert score.outcomes == 0.5 and score.unaddressed == ["MA-C3-06"]
    unrelated = {"SC-C3-03": "Mesurer la température et relever des données météorologiques."}
    assert score_plan(plan(), unrelated).outcomes == 0.0


def test_repeated_activities_lower_variety_and_are_named():
    cycles = copy.deepcopy(GOOD["cycles"])
    cycles[1]["activities"] = ["Chauffer de l'eau et observer la buée sur le couvercle froid !"]
    cycles[2]["activities"] = ["Noter les observations"]
    score = score_plan(plan(cycles=cycles), STATEMENTS)
    assert score.variety < 0.5
    assert len(score.repeated_activities) == 2


def test_vague_copied_or_off_topic_differentiation_is_flagged():
    same = "Faire la même fiche que les autres avec plus de temps."
    diff = {"support": "Aider.", "core": same, "extension": same}
    score = score_plan(plan(differentiation=diff), STATEMENTS)
    assert score.differentiation < 0.5
    assert score.weak_differentiation == ["support", "core", "extension"]


def test_minutes_that_do_not_add_up_lose_timing_in_proportion():
    cycles = copy.deepcopy(GOOD["cycles"])
    cycles[2]["minutes"] = 40  # 75 minutes in a 45-minute lesson
    score = score_plan(plan(cycles=cycles), STATEMENTS)
    assert score.minutes_total == 75 and score.timing == pytest.approx(1 - 30 / 45, abs=0.001)
    cycles[2]["minutes"] = 1  # adds up to 36, and a one-minute stage is no stage
    assert score_plan(plan(cycles=cycles), STATEMENTS).timing < 0.75


@pytest.mark.parametrize(
    ("minutes", "duration"),
    [([15, 20, 20], 45), ([10, 10, 10], 45), ([30, 30], 30), ([1, 1, 50], 60), ([7], 45), ([45, 1], 12)],
)
def test_fitted_minutes_add_up_exactly_and_keep_every_stage(minutes, duration):
    fitted = ps.fit_minutes(minutes, duration)
    assert sum(fitted) == duration and len(fitted) == len(minutes) and min(fitted) >= 1
    # the model's proportions are kept: a longer stage never becomes shorter than a shorter one
    for i, a in enumerate(minutes):
        for j, b in enumerate(minutes):
            if a < b:
                assert fitted[i] <= fitted[j], (minutes, fitted)


def test_minutes_cannot_be_fitted_below_a_minute_a_stage():
    with pytest.raises(ValueError, match="cannot fit"):
        ps.fit_minutes([10, 10, 10], 2)


def test_repeated_activities_are_dropped_across_stages_and_emptied_stages_show():
    cycles = [
        ps.SectionCycle(
            title="A", minutes=10, activities=["Observer la buée.", "Dessiner le cycle."], check_for_understanding="?"
        ),
        ps.SectionCycle(
            title="B", minutes=10, activities=["Observer la buée !", "dessiner le cycle"], check_for_understanding="?"
        ),
    ]
    kept, dropped = ps.drop_repeats(cycles)
    assert [c.activities for c in kept] == [["Observer la buée.", "Dessiner le cycle."], []]
    assert dropped == ["Observer la buée !", "dessiner le cycle"]


def test_same_activity_is_language_neutral_and_not_fooled_by_shared_function_words():
    assert same_activity("Les élèves observent la buée", "Observer la buée, les élèves")
    assert not same_activity("Die Schüler zeichnen den Wasserkreislauf", "Die Schüler messen die Temperatur")
    assert repeated(["a b c", "Zeichnen", "zeichnen!"]) == [2]


def test_a_shorter_lesson_is_two_thirds_to_the_nearest_five_minutes():
    assert [ps.shorter_duration(m) for m in (45, 60, 90, 12)] == [30, 40, 60, 10]


def brief(**changes):
    base = {
        "request": "Plan a 45-minute lesson on the water cycle",
        "items": [ps.PlanItem("SC-C3-03", "Explain the water cycle. " * 40, "C3", "SC")] * 3,
        "duration": 45,
        "level": "C3",
        "subject": "Sciences",
        "text_lang": "en",
        "frame_lang": "en",
    }
    return ps.PlanBrief(**(base | changes))


def test_every_section_fits_the_model_context_with_the_same_curriculum_block():
    from moien.assistants.core.budget import estimate_tokens

    for n_ctx in (4096, 8192):
        for support in (False, True):
            b = brief(with_support=support)
            blocks = ps.item_blocks(b, n_ctx)
            room = ps.items_room(b, n_ctx)
            assert sum(estimate_tokens(x) + 2 for x in blocks) <= room
            worst = sum(ps.SECTION_TOKENS.values()) + (ps.SUPPORT_TOKENS if support else 0) + ps.INSTRUCTION_TOKENS
            assert room + worst + ps.MARGIN <= n_ctx


def test_a_context_too_small_for_any_item_is_a_clear_error():
    with pytest.raises(lp.PlanError, match=r"model\.n_ctx"):
        ps.item_blocks(brief(), 1024)
