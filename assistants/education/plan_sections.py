"""Lesson plans written section by section, each section checked and repaired before the next one is written.

Why sections: asked for a whole plan in one JSON answer, the default 1.5B model writes thin plans whose activities
repeat, whose exit quiz repeats the starter quiz and whose minutes rarely add up to the lesson. Three short,
JSON-constrained sections each see the curriculum context (the items found, what is taught before them through
``precedes``, what they lead to, their strand, their transversal topics) and what the sections before them wrote:

1. the frame: title, outcomes, prior knowledge, key points, misconceptions, keywords and the starter quiz (on the
   prior knowledge it tests);
2. the stages with their minutes and activities, and the exit quiz (on what the stages teach);
3. the differentiation (and the student support plan when asked for), naming this lesson's tasks.

Each is checked, and what can be repaired mechanically is:

* outcomes are codes of the curriculum items given (an ``enum`` in the schema, so the grammar cannot write another);
* the stages' minutes are scaled to add up to the lesson's duration (:func:`fit_minutes`);
* an activity that repeats an earlier one is dropped; a stage left without activities has the stages written once
  more, with the repeats named, and whatever still repeats is dropped; numbering ("Activity 3:") is removed;
* an exit question that repeats a starter question is dropped; characters of scripts moien does not write (the
  Qwen models' occasional Chinese word) are removed.

Speed: there are only three sections, and every prompt starts with the same system prompt and the same curriculum
block, so llama.cpp re-reads only what follows it (it keeps the previous prompt's KV cache) — the plan costs about
what one answer of the same length costs, plus a few short prompts. Room: every prompt and its answer fit the model's
context (``n_ctx``); the curriculum block is cut once, to the room the largest section leaves
(:func:`items_room`), so that it stays the same prefix in every section.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from moien.assistants.core.budget import MARGIN, TokenCounter, estimate_tokens, fit_grounding
from moien.assistants.core.types import Grounding, Source
from moien.assistants.education import lesson_plan as lp
from moien.assistants.education.rubric import repeated
from moien.lang import PROMPT_NAMES, pick

if TYPE_CHECKING:
    from moien.connectors.llm.runtime import ChatMessage, ChatModel

# -- the sections' schemas -------------------------------------------------------------------------------------------


#: Short texts: the model pads long ones (a check for understanding of 200 characters restated the outcome), and a
#: string the grammar cuts at its limit ends mid-word.
Activity = Annotated[str, Field(max_length=140)]
Point = Annotated[str, Field(max_length=160)]


class ShortQuiz(BaseModel):
    question: str = Field(max_length=140)
    answer: str = Field(max_length=100)


class FrameSection(BaseModel):
    title: str = Field(max_length=100)
    learning_outcomes: list[str] = Field(min_length=1, max_length=3, description="codes of the curriculum items given")
    prior_knowledge: list[Point] = Field(min_length=1, max_length=3, description="in words, not codes")
    key_learning_points: list[Point] = Field(min_length=2, max_length=4)
    misconceptions: list[lp.Misconception] = Field(min_length=1, max_length=2)
    keywords: list[lp.Keyword] = Field(min_length=2, max_length=4)
    # Here, with the prior knowledge it tests: written with the exit quiz, the two came out the same questions.
    starter_quiz: list[ShortQuiz] = Field(min_length=2, max_length=3, description="on the prior knowledge")


class SectionCycle(BaseModel):
    title: str = Field(max_length=80)
    minutes: int = Field(ge=1, le=120)
    # Two activities at least: one activity per stage is how the one-shot plans came out thin.
    activities: list[Activity] = Field(min_length=2, max_length=3)
    check_for_understanding: str = Field(max_length=140)


class CyclesSection(BaseModel):
    cycles: list[SectionCycle] = Field(min_length=1, max_length=3)
    exit_quiz: list[ShortQuiz] = Field(min_length=2, max_length=3, description="on what the stages taught")


class SupportText(BaseModel):
    support: str = Field(max_length=240, description="for pupils who need more help: a scaffold or material")
    core: str = Field(max_length=240, description="for most of the class")
    extension: str = Field(max_length=240, description="for pupils ready for more: a harder challenge")


class DifferentiationSection(BaseModel):
    differentiation: SupportText


class DifferentiationWithSupport(DifferentiationSection):
    student_support_plan: lp.StudentSupportPlan


#: Answer tokens allowed per section: above what the schema's length limits let the model write, so that a section is
#: never cut off mid-JSON (which would not parse).
SECTION_TOKENS = {"frame": 640, "cycles": 600, "differentiation": 300}
#: Added to the last section when it carries a student support plan.
SUPPORT_TOKENS = 320
#: Tokens allowed for each section's own instruction (the text after the shared prefix, the plan so far excluded).
INSTRUCTION_TOKENS = 220
TEMPERATURE = 0.2
STEPS = {
    "frame": {
        "lb": "1/3 · Léierziler, wichteg Punkten an Ufangsquiz si fäerdeg; elo den Oflaf mat den Zäiten…",
        "fr": "1/3 · Objectifs, points clés et quiz de départ prêts ; maintenant le déroulement et sa durée…",
        "de": "1/3 · Lernziele, Kernpunkte und Einstiegsquiz stehen; jetzt der Ablauf mit den Zeiten…",
        "en": "1/3 · Outcomes, key points and starter quiz done; now the stages and their timings…",
    },
    "cycles": {
        "lb": "2/3 · Den Oflaf an den Ofschlossquiz si fäerdeg; elo d'Differenzéierung…",
        "fr": "2/3 · Déroulement et quiz de sortie prêts ; maintenant la différenciation…",
        "de": "2/3 · Ablauf und Abschlussquiz stehen; jetzt die Differenzierung…",
        "en": "2/3 · Stages and exit quiz done; now the differentiation…",
    },
    "differentiation": {
        "lb": "3/3 · Fäerdeg.",
        "fr": "3/3 · Terminé.",
        "de": "3/3 · Fertig.",
        "en": "3/3 · Done.",
    },
}


# -- what a plan is written from -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    """A curriculum item a plan is built on, with its place in the curriculum (statements in the plan's language)."""

    code: str
    statement: str
    level: str | None = None
    subject: str | None = None
    prerequisites: list[tuple[str, str]] = field(default_factory=list)
    next_items: list[tuple[str, str]] = field(default_factory=list)
    siblings: list[tuple[str, str]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def block(self, lang: str = "en") -> str:
        """The item as the prompt shows it, its labels in ``lang`` (the language the plan is written in)."""
        facts = [
            f
            for f in (
                self.level and prompt(lang, "level", self.level),
                self.subject and prompt(lang, "subject", self.subject),
            )
            if f
        ]
        lines = [f"{self.code}: {self.statement}" + (f" ({'; '.join(facts)})" if facts else "")]
        for key, pairs in (("before", self.prerequisites), ("leads", self.next_items), ("siblings", self.siblings)):
            if pairs:
                lines.append(f"  {prompt(lang, key)}: " + "; ".join(f"{c}: {s}" for c, s in pairs))
        if self.topics:
            lines.append(f"  {prompt(lang, 'topics')}: " + ", ".join(self.topics))
        return "\n".join(lines)


@dataclass(frozen=True)
class PlanBrief:
    """Everything a plan is written from; the model's words are the only thing it adds."""

    #: What the teacher asked for (the topic, in their words).
    request: str
    #: The items the plan is built on, best match first; its outcomes can only be their codes.
    items: list[PlanItem]
    duration: int
    level: str
    subject: str
    #: The language the plan's text is written in (the model's fallback when it cannot write the one asked for).
    text_lang: str
    #: The language of moien's frame: progress lines, headings, labels (the language the teacher asked for).
    frame_lang: str
    with_support: bool = False
    #: What a refinement asks for, in words for the model ("adapt it for level C2").
    wishes: str = ""

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.items]

    @property
    def statements(self) -> dict[str, str]:
        return {i.code: i.statement for i in self.items}


@dataclass
class Notes:
    """What writing a plan took and what the checks repaired (for the benchmark, the log and the attachment)."""

    #: Section → seconds the model took (for the benchmark and the log).
    seconds: dict[str, float] = field(default_factory=dict)
    #: What was repaired, in words (for the log and docs): "minutes 15+20+20 → 12+17+16", "dropped a repeat: …".
    repairs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Written:
    plan: lp.LessonPlan
    notes: Notes


# -- checks and repairs (pure) ---------------------------------------------------------------------------------------


def fit_minutes(minutes: list[int], duration: int) -> list[int]:
    """``minutes`` scaled to add up to ``duration`` exactly, in proportion, each stage at least one minute.

    Largest-remainder rounding (the stages whose share lost most to rounding get the spare minutes), so the
    proportions the model chose are kept as closely as whole minutes allow.
    """
    if not minutes:
        return []
    if duration < len(minutes):
        raise ValueError(f"{len(minutes)} stages cannot fit in {duration} minutes")
    weights = [max(1, m) for m in minutes]
    total = sum(weights)
    spare = duration - len(minutes)  # every stage gets one minute first, the rest in proportion
    shares = [w / total * spare for w in weights]
    out = [1 + int(s) for s in shares]
    left = duration - sum(out)
    for i in sorted(range(len(shares)), key=lambda i: shares[i] - int(shares[i]), reverse=True)[:left]:
        out[i] += 1
    return out


def drop_repeats(cycles: list[SectionCycle]) -> tuple[list[SectionCycle], list[str]]:
    """The stages without activities that repeat an earlier one (across the whole lesson), and what was dropped.

    A stage may end up with no activity: the caller decides (write the stages again, or drop the stage).
    """
    flat = [(ci, a) for ci, c in enumerate(cycles) for a in c.activities]
    again = set(repeated(a for _, a in flat))
    kept: list[list[str]] = [[] for _ in cycles]
    dropped = []
    for n, (ci, activity) in enumerate(flat):
        if n in again:
            dropped.append(activity)
        else:
            kept[ci].append(activity)
    return [c.model_copy(update={"activities": acts}) for c, acts in zip(cycles, kept)], dropped


def shorter_duration(minutes: int) -> int:
    """The duration of a "shorter" lesson: two thirds, to the nearest five minutes, at least ten."""
    return max(10, int(round(minutes * 2 / 3 / 5) * 5))


# -- prompts ---------------------------------------------------------------------------------------------------------
#
# Every prompt is written in the language the plan's text is to be in — the system prompt, the curriculum block's
# labels, the lesson line and each section's instruction. Why: with English instructions and a line asking for
# German, the 1.5B model wrote whole sections in English (a Luxembourgish request, written in German, failed the
# language check twice in a row); the small model follows the language of what it reads more than a language it is
# told to use. Luxembourgish instructions are the German ones with a Luxembourgish last line: the default model does
# not write Luxembourgish (``model.writes``), and a model that does reads German as well.

PROMPTS: dict[str, dict[str, str]] = {
    "en": {
        "system": "You are moien, a lesson-planning assistant for teachers in Luxembourg. You write a lesson plan "
        "one part at a time, as JSON, with every text in English. Keep each text short and concrete; activities are "
        "things pupils do, with the material they use.",
        "items": "Curriculum items (best match first):",
        "level": "level {0}",
        "subject": "subject {0}",
        "before": "taught before it",
        "leads": "leads to",
        "siblings": "other items of the same strand",
        "topics": "transversal topics",
        "lesson": "Lesson: level {level}, subject {subject}, {minutes} minutes, written in English.",
        "as_items": "as in the items",
        "request": "Teacher's request: {0}",
        "changes": "Changes asked for: {0}.",
        "shorter": "a shorter lesson: fewer and shorter stages",
        "adapt": "adapt it for level {0}",
        "so_far": "The plan so far:",
        "title": "Title",
        "outcomes": "Learning outcomes",
        "points": "Key learning points",
        "keywords": "Keywords",
        "stages": "Stages:",
        "frame": "Write the lesson's frame: a title; 1 to 3 learning_outcomes, codes of the curriculum items above "
        "only, the best match first; prior knowledge, in words (what pupils learnt before, from the items taught "
        "before it); key learning points; common misconceptions with how to respond; keywords with short "
        "definitions; a starter quiz of 2 or 3 questions on the prior knowledge, with short answers.",
        "cycles": "Write {low} to {high} learning cycles (the lesson's stages) that together take exactly {minutes} "
        "minutes: each with a title, its minutes, 2 or 3 activities and a short check for understanding. Each "
        "activity is one sentence, not numbered, and different from all the others: vary what pupils do (observe, "
        "experiment, discuss in pairs, draw, sort, write, present, play), always about this lesson's content. Then "
        "an exit quiz of 2 or 3 questions on what the stages taught, with short answers.",
        "avoid": "Your previous draft repeated these activities; write different ones: {0}.",
        "differentiation": "Write the differentiation for this lesson, one or two sentences each, naming a concrete "
        "task or material from this lesson's stages: support (for pupils who need more help: a scaffold such as a "
        "partly filled diagram, a word bank or working with a partner), core (what most of the class does) and "
        "extension (for pupils ready for more: a harder challenge that goes further).",
        "support": "Then a student support plan for one pupil who needs extra help: needs, goals, adjustments, review.",
        "write_in": "Write every text in English.",
    },
    "fr": {
        "system": "Tu es moien, un assistant qui aide les enseignants au Luxembourg à préparer leurs séances. Tu "
        "écris un plan de séance partie par partie, en JSON, chaque texte en français. Chaque texte est court et "
        "concret ; les activités sont ce que font les élèves, avec le matériel qu'ils utilisent.",
        "items": "Éléments du programme (le plus pertinent d'abord) :",
        "level": "niveau {0}",
        "subject": "matière {0}",
        "before": "enseigné avant",
        "leads": "prépare à",
        "siblings": "autres éléments du même domaine",
        "topics": "thèmes transversaux",
        "lesson": "Séance : niveau {level}, matière {subject}, {minutes} minutes, rédigée en français.",
        "as_items": "comme dans les éléments",
        "request": "Demande de l'enseignant : {0}",
        "changes": "Modifications demandées : {0}.",
        "shorter": "une séance plus courte : moins d'étapes, plus courtes",
        "adapt": "l'adapter au niveau {0}",
        "so_far": "Le plan jusqu'ici :",
        "title": "Titre",
        "outcomes": "Objectifs d'apprentissage",
        "points": "Points clés",
        "keywords": "Mots-clés",
        "stages": "Étapes :",
        "frame": "Écris le cadre de la séance : un titre ; 1 à 3 learning_outcomes, uniquement des codes des "
        "éléments du programme ci-dessus, le plus pertinent d'abord ; les connaissances préalables, en mots (ce que "
        "les élèves ont appris avant, d'après les éléments enseignés avant) ; les points clés ; les idées fausses "
        "fréquentes et comment y répondre ; des mots-clés avec une courte définition ; un quiz de départ de 2 ou 3 "
        "questions sur les connaissances préalables, avec des réponses courtes.",
        "cycles": "Écris {low} à {high} étapes d'apprentissage qui durent ensemble exactement {minutes} minutes : "
        "chacune avec un titre, sa durée en minutes, 2 ou 3 activités et une courte vérification de la "
        "compréhension. Chaque activité est une phrase, sans numéro, différente de toutes les autres : varie ce "
        "que font les élèves (observer, expérimenter, discuter à deux, dessiner, trier, écrire, présenter, jouer), "
        "toujours sur le contenu de cette séance. Puis un quiz de sortie de 2 ou 3 questions sur ce que les étapes "
        "ont enseigné, avec des réponses courtes.",
        "avoid": "Ton brouillon précédent répétait ces activités ; écris-en d'autres : {0}.",
        "differentiation": "Écris la différenciation de cette séance, une ou deux phrases chacune, en nommant une "
        "tâche ou un matériel concret des étapes de cette séance : support (pour les élèves qui ont besoin de plus "
        "d'aide : un étayage comme un schéma à moitié rempli, une banque de mots ou le travail avec un camarade), "
        "core (ce que fait la plus grande partie de la classe) et extension (pour les élèves prêts à aller plus "
        "loin : un défi plus difficile).",
        "support": "Puis un plan d'accompagnement pour un élève qui a besoin d'aide : besoins, objectifs, "
        "aménagements, bilan.",
        "write_in": "Écris chaque texte en français, pas en anglais.",
    },
    "de": {
        "system": "Du bist moien, ein Assistent, der Lehrkräften in Luxemburg beim Planen von Unterricht hilft. Du "
        "schreibst einen Unterrichtsplan Teil für Teil, als JSON, jeden Text auf Deutsch. Jeder Text ist kurz und "
        "konkret; Aktivitäten sind das, was die Schülerinnen und Schüler tun, mit dem Material, das sie benutzen.",
        "items": "Lehrplanelemente (das passendste zuerst):",
        "level": "Stufe {0}",
        "subject": "Fach {0}",
        "before": "vorher unterrichtet",
        "leads": "führt zu",
        "siblings": "weitere Elemente desselben Bereichs",
        "topics": "Querschnittsthemen",
        "lesson": "Stunde: Stufe {level}, Fach {subject}, {minutes} Minuten, auf Deutsch geschrieben.",
        "as_items": "wie in den Elementen",
        "request": "Wunsch der Lehrkraft: {0}",
        "changes": "Gewünschte Änderungen: {0}.",
        "shorter": "eine kürzere Stunde: weniger und kürzere Phasen",
        "adapt": "für die Stufe {0} anpassen",
        "so_far": "Der Plan bisher:",
        "title": "Titel",
        "outcomes": "Lernziele",
        "points": "Kernpunkte",
        "keywords": "Schlüsselwörter",
        "stages": "Phasen:",
        "frame": "Schreibe den Rahmen der Stunde: einen Titel; 1 bis 3 learning_outcomes, nur Codes der "
        "Lehrplanelemente oben, das passendste zuerst; Vorwissen, in Worten (was die Kinder vorher gelernt haben, "
        "nach den vorher unterrichteten Elementen); Kernpunkte; häufige Fehlvorstellungen und wie man darauf "
        "eingeht; Schlüsselwörter mit kurzen Erklärungen; ein Einstiegsquiz mit 2 oder 3 Fragen zum Vorwissen, mit "
        "kurzen Antworten.",
        "cycles": "Schreibe {low} bis {high} Lernphasen, die zusammen genau {minutes} Minuten dauern: jede mit "
        "einem Titel, ihren Minuten, 2 oder 3 Aktivitäten und einer kurzen Verständnisfrage. Jede Aktivität ist ein "
        "Satz, ohne Nummer, und anders als alle anderen: Wechsle ab, was die Kinder tun (beobachten, "
        "experimentieren, zu zweit besprechen, zeichnen, sortieren, schreiben, vorstellen, spielen), immer zum "
        "Inhalt dieser Stunde. Dann ein Abschlussquiz mit 2 oder 3 Fragen zu dem, was die Phasen vermittelt haben, "
        "mit kurzen Antworten.",
        "avoid": "Dein letzter Entwurf hat diese Aktivitäten wiederholt; schreibe andere: {0}.",
        "differentiation": "Schreibe die Differenzierung für diese Stunde, je ein oder zwei Sätze, mit einer "
        "konkreten Aufgabe oder einem Material aus den Phasen dieser Stunde: support (für Kinder, die mehr Hilfe "
        "brauchen: eine Stütze wie ein halb ausgefülltes Schema, ein Wortspeicher oder die Arbeit mit einem Partner), "
        "core (was die meisten in der Klasse tun) und extension (für Kinder, die weiter gehen können: eine "
        "schwierigere Herausforderung).",
        "support": "Dann einen Förderplan für ein Kind, das zusätzliche Hilfe braucht: Bedürfnisse, Ziele, "
        "Anpassungen, Überprüfung.",
        "write_in": "Schreibe jeden Text auf Deutsch, nicht auf Englisch.",
    },
}
# Luxembourgish: the German prompts, told to write Luxembourgish (only for a model that declares it writes lb).
PROMPTS["lb"] = {
    **PROMPTS["de"],
    "system": PROMPTS["de"]["system"].replace("jeden Text auf Deutsch", "jeden Text auf Luxemburgisch"),
    "lesson": "Stunde: Stufe {level}, Fach {subject}, {minutes} Minuten, auf Luxemburgisch geschrieben.",
    "write_in": "Schreif all Text op Lëtzebuergesch.",
}


def prompt(lang: str, key: str, *args: Any, **kw: Any) -> str:
    """A prompt text in the language the plan is written in (English where a language has none)."""
    text = (PROMPTS.get(lang) or PROMPTS["en"])[key]
    return text.format(*args, **kw) if args or kw else text


def wishes(lang: str, *, shorter: bool = False, level: str | None = None) -> str:
    """What a refinement asks for, in words for the model, in the plan's language."""
    said = [prompt(lang, "shorter")] if shorter else []
    if level:
        said.append(prompt(lang, "adapt", level))
    return "; ".join(said)


def _shared(brief: PlanBrief, blocks: list[str]) -> list[ChatMessage]:
    """The prefix every section's prompt starts with (identical, so llama.cpp reads it once)."""
    lang = brief.text_lang
    items = "\n".join(f"[{n}] {b}" for n, b in enumerate(blocks, 1))
    unsaid = prompt(lang, "as_items")
    user = (
        f"{prompt(lang, 'items')}\n{items}\n\n"
        + prompt(lang, "lesson", level=brief.level or unsaid, subject=brief.subject or unsaid, minutes=brief.duration)
        + "\n"
        + prompt(lang, "request", brief.request)
    )
    if brief.wishes:
        user += "\n" + prompt(lang, "changes", brief.wishes)
    return [{"role": "system", "content": prompt(lang, "system")}, {"role": "user", "content": user}]


def _asking(brief: PlanBrief, prefix: list[ChatMessage], ask: str) -> list[ChatMessage]:
    """The shared prefix with a section's own request after it, in the same user message (the prefix stays the
    same tokens, so llama.cpp does not read it again), and the language to write in as the last words."""
    content = prefix[-1]["content"] + "\n\n" + ask + " " + prompt(brief.text_lang, "write_in")
    last: ChatMessage = {"role": "user", "content": content}
    return [*prefix[:-1], last]


def _frame_text(data: Mapping[str, Any], lang: str) -> str:
    """The frame as the later sections read it (a plan's data: the frame section's, or a kept plan's)."""
    return (
        f"{prompt(lang, 'title')}: {data['title']}\n"
        f"{prompt(lang, 'outcomes')}: {', '.join(data['learning_outcomes'])}\n"
        f"{prompt(lang, 'points')}: {'; '.join(data['key_learning_points'])}\n"
        f"{prompt(lang, 'keywords')}: {', '.join(k['keyword'] for k in data['keywords'])}"
    )


def _cycles_text(cycles: list[SectionCycle]) -> str:
    return "\n".join(f"- {c.title} ({c.minutes} min): {'; '.join(c.activities)}" for c in cycles)


def _instruction(section: str, brief: PlanBrief, n_cycles: tuple[int, int] = (2, 3), avoid: Sequence[str] = ()) -> str:
    lang = brief.text_lang
    if section == "frame":
        return prompt(lang, "frame")
    if section == "cycles":
        low, high = n_cycles
        text = prompt(lang, "cycles", low=low, high=high, minutes=brief.duration)
        if avoid:
            text += " " + prompt(lang, "avoid", "; ".join(avoid))
        return text
    return prompt(lang, "differentiation") + (" " + prompt(lang, "support") if brief.with_support else "")


def _schema(cls: type[BaseModel], codes: list[str] | None = None) -> dict[str, Any]:
    schema = cls.model_json_schema()
    if codes:  # the grammar can write only these codes: an outcome is a curriculum item the plan was built from
        schema["properties"]["learning_outcomes"]["items"] = {"type": "string", "enum": list(codes)}
    return schema


def _cycle_counts(duration: int) -> tuple[int, int]:
    """How many stages a lesson of ``duration`` minutes has room for."""
    if duration < 20:
        return 1, 2
    return 2, 3


def items_room(brief: PlanBrief, n_ctx: int, count: TokenCounter = estimate_tokens) -> int:
    """Tokens the curriculum block may take so that every section's prompt and answer fit in ``n_ctx``.

    The block is the same in every section (the shared prefix); the largest section is the last one, whose prompt
    also carries the plan so far — at most what the earlier sections were allowed to write.
    """
    frame = _shared(brief, [])
    fixed = sum(count(m["content"]) + 4 for m in frame)
    last = SECTION_TOKENS["differentiation"] + (SUPPORT_TOKENS if brief.with_support else 0)
    worst = SECTION_TOKENS["frame"] + SECTION_TOKENS["cycles"] + last + INSTRUCTION_TOKENS
    return n_ctx - MARGIN - fixed - worst


def item_blocks(brief: PlanBrief, n_ctx: int, count: TokenCounter = estimate_tokens) -> list[str]:
    """The items' blocks cut to :func:`items_room` (each keeps its beginning: the code and the statement)."""
    room = items_room(brief, n_ctx, count)
    blocks = [i.block(brief.text_lang) for i in brief.items]
    grounding = Grounding(sources=[Source(id=i.code, title=i.code) for i in brief.items], passages=blocks)
    fitted = fit_grounding(grounding, max(room, 0), count).grounding
    if fitted.empty:
        raise lp.PlanError(
            f"the model's context ({n_ctx} tokens) leaves no room for the curriculum items: shorten the request, "
            "or give the model a larger context (model.n_ctx, 4096 or more)"
        )
    return fitted.passages


# -- generation ------------------------------------------------------------------------------------------------------

S = TypeVar("S", bound=BaseModel)


def _strings(value: Any, skip: frozenset[str] = frozenset({"learning_outcomes", "minutes"})) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v, skip)]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in skip for t in _strings(v, skip)]
    return []


def _in_language(section: BaseModel, lang: str) -> bool:
    """Whether the section's texts read as ``lang`` (moien's identifier; an unsure guess counts as yes).

    Why: asked in English for German text, the 1.5B model now and then writes a section in English — and the plan is
    labelled with the language it should be in, so a section in another one is written again."""
    from moien.assistants.core.langid import default_identifier

    found = default_identifier().identify(" ".join(_strings(section.model_dump())))
    return not found.is_confident or found.lang == lang


def _generate(
    model: ChatModel, messages: list[ChatMessage], cls: type[S], schema: Mapping[str, Any], tokens: int, lang: str
) -> S:
    """One section from the model, validated and in ``lang``; written once more (a little warmer, and told the
    language again) when it does not validate or is in another language. Still wrong: a :class:`PlanError`."""
    error = "incomplete or invalid"
    for attempt in range(2):
        if attempt:
            reminder = " " + prompt(lang, "write_in")
            messages = [*messages[:-1], {"role": "user", "content": messages[-1]["content"] + reminder}]
        temperature = TEMPERATURE + 0.3 * attempt
        raw = "".join(model.stream_json(messages, dict(schema), max_tokens=tokens, temperature=temperature))
        try:
            section = cls.model_validate(json.loads(raw))
        except (json.JSONDecodeError, ValidationError):
            error = "incomplete or invalid"
            continue
        if _in_language(section, lang):
            return section
        error = f"not written in {PROMPT_NAMES[lang]}"
    raise lp.PlanError(f"the model's lesson plan is {error}: ask again")


def _timed(notes: Notes, section: str, started: float) -> None:
    notes.seconds[section] = round(notes.seconds.get(section, 0.0) + time.perf_counter() - started, 2)


def _write_cycles(
    model: ChatModel, brief: PlanBrief, prefix: list[ChatMessage], frame: Mapping[str, Any], notes: Notes
) -> CyclesSection:
    """The stages and the exit quiz, checked: no repeated activity, minutes that add up, exit questions that do not
    repeat the starter quiz, activities not numbered (the plan numbers nothing the teacher did not ask for)."""
    low, high = _cycle_counts(brief.duration)
    schema = CyclesSection.model_json_schema()
    schema["properties"]["cycles"]["minItems"], schema["properties"]["cycles"]["maxItems"] = low, high
    avoid: list[str] = []
    section = CyclesSection.model_construct(cycles=[], exit_quiz=[])
    cycles: list[SectionCycle] = []
    for attempt in range(2):
        so_far = prompt(brief.text_lang, "so_far")
        ask = f"{so_far}\n{_frame_text(frame, brief.text_lang)}\n\n{_instruction('cycles', brief, (low, high), avoid)}"
        started = time.perf_counter()
        section = _generate(
            model, _asking(brief, prefix, ask), CyclesSection, schema, SECTION_TOKENS["cycles"], brief.text_lang
        )
        _timed(notes, "cycles", started)
        unnumbered = [
            c.model_copy(update={"activities": [_NUMBERED.sub("", a) or a for a in c.activities]})
            for c in section.cycles
        ]
        cycles, dropped = drop_repeats(unnumbered)
        if dropped:
            notes.repairs.append(f"dropped {len(dropped)} repeated activit{'y' if len(dropped) == 1 else 'ies'}")
        if all(c.activities for c in cycles) or attempt == 1:
            break
        # A stage lost every activity it had: write the stages once more, telling the model what it repeated.
        avoid = dropped
        notes.repairs.append("stages written again: a stage had only repeated activities")
    emptied = [c for c in cycles if not c.activities]
    cycles = [c for c in cycles if c.activities] or cycles[:1]
    if emptied:
        notes.repairs.append(f"dropped {len(emptied)} stage(s) left without activities")
    minutes = [c.minutes for c in cycles]
    fitted = fit_minutes(minutes, brief.duration)
    if fitted != minutes:
        notes.repairs.append(f"minutes {'+'.join(map(str, minutes))} → {'+'.join(map(str, fitted))} = {brief.duration}")
    cycles = [c.model_copy(update={"minutes": m}) for c, m in zip(cycles, fitted)]
    # An exit question that repeats a starter question tests nothing new; kept only if it is all there is.
    starters = [q["question"] for q in frame.get("starter_quiz", [])]
    again = set(repeated([*starters, *(q.question for q in section.exit_quiz)]))
    exit_quiz = [q for n, q in enumerate(section.exit_quiz, len(starters)) if n not in again]
    if exit_quiz and len(exit_quiz) < len(section.exit_quiz):
        notes.repairs.append(
            f"dropped {len(section.exit_quiz) - len(exit_quiz)} exit question(s) repeating the starter"
        )
    return CyclesSection.model_construct(cycles=cycles, exit_quiz=exit_quiz or section.exit_quiz)


_NUMBERED = re.compile(
    r"^\s*(?:activity|activité|activite|aktivität|aktivitat|aktivitéit|step|étape|schritt)?\s*\d+\s*[:.)-]\s*",
    re.IGNORECASE,
)
# Han, kana and hangul: the Qwen models now and then slip a Chinese word into European text ("the transport of 营养").
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+")


def _clean(value: Any, notes: Notes) -> Any:
    """Every text of a section's data without characters of scripts moien does not write (a slip the repair notes)."""
    if isinstance(value, str):
        cleaned = _CJK.sub("", value)
        if cleaned != value:
            notes.repairs.append("removed characters of another script")
            cleaned = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r" {2,}", " ", cleaned)).strip()
        return cleaned
    if isinstance(value, list):
        return [_clean(v, notes) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v, notes) for k, v in value.items()}
    return value


def write_plan(
    model: ChatModel, brief: PlanBrief, *, n_ctx: int, keep: lp.LessonPlan | None = None
) -> Generator[str, None, Written]:
    """Write the plan section by section; yields the progress lines (in ``brief.frame_lang``), returns the plan.

    ``keep``: a previous plan in the same language whose frame and differentiation stay (a "shorter" refinement
    writes only the stages and the exit quiz anew, for the new duration).
    """
    blocks = item_blocks(brief, n_ctx)
    prefix = _shared(brief, blocks)
    notes = Notes()

    def step(section: str) -> str:
        return pick(STEPS, section, brief.frame_lang) + "\n\n"

    data: dict[str, Any] = keep.model_dump() if keep is not None else {}
    if keep is None:
        started = time.perf_counter()
        schema = _schema(FrameSection, brief.codes)
        frame = _generate(
            model,
            _asking(brief, prefix, _instruction("frame", brief)),
            FrameSection,
            schema,
            SECTION_TOKENS["frame"],
            brief.text_lang,
        )
        _timed(notes, "frame", started)
        data.update(_clean(frame.model_dump(), notes))
    yield step("frame")

    section = _write_cycles(model, brief, prefix, data, notes)
    data.update(_clean(section.model_dump(), notes))
    yield step("cycles")

    if keep is None:
        cls = DifferentiationWithSupport if brief.with_support else DifferentiationSection
        lang = brief.text_lang
        ask = (
            f"{prompt(lang, 'so_far')}\n{_frame_text(data, lang)}\n{prompt(lang, 'stages')}\n"
            f"{_cycles_text(section.cycles)}\n\n{_instruction('differentiation', brief)}"
        )
        tokens = SECTION_TOKENS["differentiation"] + (SUPPORT_TOKENS if brief.with_support else 0)
        started = time.perf_counter()
        last = _generate(model, _asking(brief, prefix, ask), cls, cls.model_json_schema(), tokens, brief.text_lang)
        _timed(notes, "differentiation", started)
        data.update(_clean(last.model_dump(), notes))
    yield step("differentiation")

    data.update(level=brief.level[:40], subject=brief.subject[:60], duration_minutes=brief.duration)
    return Written(lp.parse_plan_data(data), notes)
