"""Intent routing over Rasa nlu.yml files: import, routing, cache, out of scope."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from moien.assistants.core.intents import OUT_OF_SCOPE, IntentClassifier, parse_nlu

REPO = Path(__file__).resolve().parents[1]

SERVICES = textwrap.dedent(
    """\
    version: "3.1"
    nlu:
    - intent: renew_identity_card
      examples: |
        - How do I renew my identity card?
        - I lost my ID card, what now?
        - What does a new identity card cost?
        - Comment renouveler ma carte d'identité ?
        - J'ai perdu ma carte d'identité
        - Combien coûte une carte d'identité ?
        - Wie erneuere ich meinen Personalausweis?
        - Ich habe meinen Ausweis verloren
        - Was kostet ein neuer Ausweis?
        - Wéi kréien ech eng nei Identitéitskaart?
        - Ech hunn meng Identitéitskaart verluer
        - Wat kascht eng Identitéitskaart?
    - intent: school_holidays
      examples: |
        - When are the summer holidays?
        - When does school start again?
        - Quand sont les vacances scolaires ?
        - Quand est la rentrée ?
        - Wann sind die Sommerferien?
        - Wann beginnt die Schule wieder?
        - Wéini sinn d'Summervakanzen?
        - Wéini fänkt d'Schoul erëm un?
    - synonym: identity card
      examples: |
        - ID
        - carte d'identité
    - regex: matricule
      examples: |
        - \\d{13}
    """
)

EDUCATION = textwrap.dedent(
    """\
    version: "3.1"
    nlu:
    - intent: plan_lesson
      examples: |
        - Plan a lesson on the water cycle for [cycle 3](cycle)
        - I need a lesson plan about fractions
        - Prépare une leçon sur le cycle de l'eau
        - J'ai besoin d'un plan de cours sur les fractions
        - Erstelle eine Unterrichtsstunde zum Wasserkreislauf
        - Ich brauche einen Unterrichtsplan zu Brüchen
        - Maach mer e Cours iwwer de Waasserkreeslaf
        - Ech brauch e Plang fir eng Schoulstonn iwwer Bréch
    - intent: out_of_scope
      examples: |
        - What's the weather like?
        - Tell me a joke
    """
)


@pytest.fixture
def nlu_files(tmp_path) -> dict[str, list[Path]]:
    services = tmp_path / "services" / "nlu.yml"
    education = tmp_path / "education" / "nlu.yml"
    for path, text in ((services, SERVICES), (education, EDUCATION)):
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
    return {"services": [services], "education": [education]}


@pytest.fixture
def classifier(nlu_files, tmp_path) -> IntentClassifier:
    return IntentClassifier.from_nlu_files(nlu_files, cache_dir=tmp_path / "cache")


def test_rasa_nlu_file_imports_unchanged(nlu_files):
    pairs = parse_nlu(nlu_files["services"][0])
    intents = {intent for intent, _ in pairs}
    assert intents == {"renew_identity_card", "school_holidays"}  # synonym/regex blocks ignored
    assert ("renew_identity_card", "Wéi kréien ech eng nei Identitéitskaart?") in pairs
    lesson = parse_nlu(nlu_files["education"][0])
    assert ("plan_lesson", "Plan a lesson on the water cycle for cycle 3") in lesson  # entity markup stripped


@pytest.mark.parametrize("path", sorted(REPO.glob("assistants/*/nlu.yml")))
def test_the_shipped_assistants_nlu_files_parse(path):
    pairs = parse_nlu(path)
    assert pairs and all(intent and text for intent, text in pairs)


@pytest.mark.parametrize(
    ("text", "assistant", "intent"),
    [
        ("Where can I renew my ID card?", "services", "renew_identity_card"),
        ("j'ai perdu ma carte d'identité hier", "services", "renew_identity_card"),
        ("Meng Identitéitskaart ass verluer, wat elo?", "services", "renew_identity_card"),
        ("wann sind die sommerferien dieses jahr", "services", "school_holidays"),
        ("weini sinn d'summervakanzen", "services", "school_holidays"),
        ("Plan a lesson about fractions for cycle 4", "education", "plan_lesson"),
        ("Ech brauch e Cours iwwer Bréch", "education", "plan_lesson"),
    ],
)
def test_routes_each_language_to_the_right_assistant(classifier, text, assistant, intent):
    pred = classifier.predict(text)
    assert (pred.assistant, pred.intent) == (assistant, intent), pred
    assert 0.0 < pred.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "😀 123", "Tell me a joke"])
def test_out_of_scope(classifier, text):
    pred = classifier.predict(text)
    assert pred.out_of_scope and pred.assistant is None and pred.intent == OUT_OF_SCOPE


def test_unrelated_questions_are_mostly_out_of_scope(classifier):
    unrelated = [
        "Who won the football match yesterday?",
        "Give me a recipe for pancakes",
        "Wer hat das Fußballspiel gestern gewonnen?",
        "Quelle est la capitale du Pérou ?",
        "asdf qwer zxcv",
    ]
    out = [classifier.predict(t).out_of_scope for t in unrelated]
    assert sum(out) >= 4, list(zip(unrelated, out))


def test_trained_once_then_loaded_from_cache(nlu_files, tmp_path):
    cache = tmp_path / "cache"
    first = IntentClassifier.from_nlu_files(nlu_files, cache_dir=cache)
    assert not first.from_cache
    second = IntentClassifier.from_nlu_files(nlu_files, cache_dir=cache)
    assert second.from_cache and second.model_path == first.model_path
    assert len(list(cache.glob("intents-*.bin"))) == 1


def test_retrained_when_an_assistant_changes(nlu_files, tmp_path):
    cache = tmp_path / "cache"
    before = IntentClassifier.from_nlu_files(nlu_files, cache_dir=cache)
    path = nlu_files["education"][0]
    path.write_text(
        path.read_text(encoding="utf-8")
        + "- intent: search_curriculum\n  examples: |\n"
        + "    - Which competencies cover fractions in cycle 4?\n"
        + "    - Quelles compétences portent sur les fractions ?\n"
        + "    - Welche Kompetenzen behandeln Brüche?\n"
        + "    - Wéi eng Kompetenzen gi et zu de Bréch?\n",
        encoding="utf-8",
    )
    after = IntentClassifier.from_nlu_files(nlu_files, cache_dir=cache)
    assert not after.from_cache
    assert after.model_path != before.model_path
    assert ("education", "search_curriculum") in after.intents()


def test_low_confidence_threshold_means_out_of_scope(nlu_files, tmp_path):
    strict = IntentClassifier.from_nlu_files(nlu_files, cache_dir=tmp_path / "cache", threshold=1.01)
    assert strict.predict("How do I renew my identity card?").out_of_scope


def test_no_intents_is_an_error(tmp_path):
    empty = tmp_path / "nlu.yml"
    empty.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    with pytest.raises(ValueError):
        IntentClassifier.from_nlu_files({"x": [empty]}, cache_dir=tmp_path / "c")
