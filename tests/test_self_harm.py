"""Self-harm gets a caring reply with Luxembourg's help lines, in the user's language (issue 11, item 8).

``is_self_harm`` is conservative: explicit statements of suicidal intent or self-harm, in lb/fr/de/en, also when
spelled with look-alike letters or invisible characters; ordinary questions and figures of speech do not trigger it.
"""

from __future__ import annotations

import pytest

from moien.assistants.core import i18n
from moien.assistants.core.trust import fold_for_matching, is_self_harm, redact

STATEMENTS = [
    # lb
    "Ech wëll mech ëmbréngen.",
    "Ech wëll net méi liewen.",
    "Ech denken drun, mäi Liewen ze beenden, ech wëll mäi Liewen ophalen",
    "Ech ritzen mech. Ech wëll mech ritzen",
    "Ech hunn Suizidgedanken",
    "ech wëll just stierwen",
    # fr
    "Je veux me suicider.",
    "J'ai envie de mourir.",
    "Je pense à mettre fin à mes jours.",
    "Je ne veux plus vivre",
    "J'ai des idées suicidaires depuis des semaines",
    "je vais me faire du mal ce soir",
    # de
    "Ich will mich umbringen.",
    "Ich möchte mir das Leben nehmen.",
    "Ich will nicht mehr leben.",
    "Ich habe Suizidgedanken.",
    "Ich bin lebensmüde",
    "ich will einfach nur noch sterben",
    # en
    "I want to kill myself.",
    "I'm going to end my life tonight.",
    "I don't want to live anymore",
    "I am suicidal",
    "I keep thinking about suicide",
    "I have been cutting myself, I want to hurt myself",
]

ORDINARY = [
    "Wéi kann ech mäi Kand an der Schoul umellen?",
    "Wéini fänkt d'Schoul un?",
    "Wat kascht eng Carte d'identité?",
    "Comment inscrire mon enfant à l'école ?",
    "Wie melde ich mein Kind in der Schule an?",
    "How do I renew my passport?",
    # figures of speech
    "Je meurs de faim, où est la cantine ?",
    "On a failli mourir de rire en classe.",
    "Ich sterbe vor Hunger.",
    "This traffic is killing me.",
    "I could kill for a coffee.",
    "How do I kill a Python process?",
    "Dee Film huet mech ëmbruecht, sou laang war en.",
    "I'm dying to see the new museum exhibition.",
    # topics, not statements
    "What is the suicide rate in Luxembourg?",
    "Welche Bücher behandeln das Thema Selbstmord im Unterricht?",
    "Quel est le rôle de SOS Détresse ?",
    "Wie starb Goethe?",
    "Was sind Suizidpräventionsprogramme an Schulen?",
]


@pytest.mark.parametrize("text", STATEMENTS)
def test_explicit_statements_are_recognised(text):
    assert is_self_harm(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_questions_and_figures_of_speech_are_not(text):
    assert not is_self_harm(text)


def test_look_alike_letters_and_invisible_characters_do_not_hide_a_statement():
    assert is_self_harm("I want to kіll myѕelf")  # Cyrillic і and ѕ
    assert is_self_harm("Ich will mich um\u200bbringen")  # zero-width space
    assert is_self_harm("ＩＣＨ ＷＩＬＬ ＭＩＣＨ ＵＭＢＲＩＮＧＥＮ")  # full-width
    assert fold_for_matching("Mäi Liewen") == "mai liewen"


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_caring_reply_names_the_help_lines_in_every_language(lang):
    reply = i18n.t("self_harm", lang)
    for number in ("112", "45 45 45", "116 111"):
        assert number in reply
    assert "kjt.lu" in reply and "sosdetresse.lu" in reply
    # Kept in session memory as it was shown: public help lines are not personal data.
    assert redact(reply) == reply


def test_the_reply_is_in_the_users_language():
    replies = {lang: i18n.t("self_harm", lang) for lang in i18n.LANGS}
    assert len(set(replies.values())) == len(i18n.LANGS)
    assert "Dir sidd net eleng" in replies["lb"]
    assert "Vous n'êtes pas seul" in replies["fr"]
    assert "Sie sind nicht allein" in replies["de"]
    assert "You are not alone" in replies["en"]
