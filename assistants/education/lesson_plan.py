"""Lesson plans: structured data first, prose second (the lesson Oak National Academy's Aila teaches).

The model writes JSON constrained by a schema (llama.cpp compiles it into a grammar), so the output always parses —
section by section (``plan_sections``), each section checked and repaired; then every learning outcome is checked
against the curriculum graph and any code that does not exist there is removed and reported — a plan cites only
items that exist. This module holds the plan's schema and its exports (Markdown, Word).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

Lang = Literal["lb", "fr", "de", "en"]


class QuizQuestion(BaseModel):
    question: str = Field(max_length=200)
    answer: str = Field(max_length=120)


class Misconception(BaseModel):
    misconception: str = Field(max_length=160)
    response: str = Field(max_length=200)


class Keyword(BaseModel):
    keyword: str = Field(max_length=40)
    definition: str = Field(max_length=160)


class LearningCycle(BaseModel):
    title: str = Field(max_length=80)
    minutes: int = Field(ge=1, le=120)
    activities: list[str] = Field(min_length=1, max_length=3)
    check_for_understanding: str = Field(max_length=200)


class Differentiation(BaseModel):
    support: str = Field(max_length=300, description="for pupils who need more help")
    core: str = Field(max_length=300, description="for most of the class")
    extension: str = Field(max_length=300, description="for pupils ready for more")


class StudentSupportPlan(BaseModel):
    needs: str = Field(max_length=250)
    goals: list[str] = Field(min_length=1, max_length=3)
    adjustments: list[str] = Field(min_length=1, max_length=4)
    review: str = Field(max_length=200)


class LessonPlan(BaseModel):
    title: str = Field(max_length=100)
    level: str = Field(max_length=40)
    subject: str = Field(max_length=60)
    duration_minutes: int = Field(ge=10, le=240)
    learning_outcomes: list[str] = Field(min_length=1, max_length=4, description="curriculum item codes, e.g. MA-C3-02")
    prior_knowledge: list[str] = Field(min_length=1, max_length=3)
    key_learning_points: list[str] = Field(min_length=1, max_length=4)
    misconceptions: list[Misconception] = Field(min_length=1, max_length=2)
    keywords: list[Keyword] = Field(min_length=1, max_length=4)
    cycles: list[LearningCycle] = Field(min_length=1, max_length=3)
    starter_quiz: list[QuizQuestion] = Field(min_length=1, max_length=3)
    exit_quiz: list[QuizQuestion] = Field(min_length=1, max_length=3)
    differentiation: Differentiation


class LessonPlanWithSupport(LessonPlan):
    student_support_plan: StudentSupportPlan


def json_schema(with_support: bool = False) -> dict[str, Any]:
    model = LessonPlanWithSupport if with_support else LessonPlan
    return model.model_json_schema()


class PlanError(ValueError):
    """The model's output is not a usable plan."""


def parse_plan(raw: str, with_support: bool = False) -> LessonPlan:
    model = LessonPlanWithSupport if with_support else LessonPlan
    try:
        return model.model_validate(json.loads(raw))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise PlanError(f"the model's lesson plan is incomplete or invalid: {exc.__class__.__name__}") from exc


def parse_plan_data(data: dict[str, Any]) -> LessonPlan:
    """A plan from its stored dict (with or without a student support plan)."""
    model = LessonPlanWithSupport if data.get("student_support_plan") else LessonPlan
    return model.model_validate(data)


def verify_outcomes(plan: LessonPlan, exists: Callable[[str], bool]) -> list[str]:
    """Keep only learning outcomes whose code exists (``exists(code) -> bool``); return the removed ones."""
    kept: list[str] = []
    removed: list[str] = []
    for code in plan.learning_outcomes:
        code = code.strip()
        (kept if exists(code) else removed).append(code)
    plan.learning_outcomes = kept
    return removed


LABELS = {
    "title": {"lb": "Schoulstonn", "fr": "Séance", "de": "Unterrichtsstunde", "en": "Lesson"},
    "level": {"lb": "Niveau", "fr": "Niveau", "de": "Stufe", "en": "Level"},
    "subject": {"lb": "Fach", "fr": "Discipline", "de": "Fach", "en": "Subject"},
    "duration": {"lb": "Dauer", "fr": "Durée", "de": "Dauer", "en": "Duration"},
    "outcomes": {
        "lb": "Léierziler (Programm)",
        "fr": "Objectifs (programme)",
        "de": "Lernziele (Lehrplan)",
        "en": "Learning outcomes (curriculum)",
    },
    "prior": {"lb": "Virwëssen", "fr": "Prérequis", "de": "Vorwissen", "en": "Prior knowledge"},
    "points": {"lb": "Wichteg Punkten", "fr": "Points clés", "de": "Kernpunkte", "en": "Key learning points"},
    "misconceptions": {
        "lb": "Heefeg Mëssverständnisser",
        "fr": "Idées reçues fréquentes",
        "de": "Häufige Fehlvorstellungen",
        "en": "Common misconceptions",
    },
    "keywords": {"lb": "Schlësselwierder", "fr": "Mots clés", "de": "Schlüsselwörter", "en": "Keywords"},
    "cycles": {"lb": "Oflaf", "fr": "Déroulement", "de": "Ablauf", "en": "Learning cycles"},
    "check": {"lb": "Kontroll", "fr": "Vérification", "de": "Verständnischeck", "en": "Check for understanding"},
    "starter": {"lb": "Ufangsquiz", "fr": "Quiz de départ", "de": "Einstiegsquiz", "en": "Starter quiz"},
    "exit": {"lb": "Ofschlossquiz", "fr": "Quiz de sortie", "de": "Abschlussquiz", "en": "Exit quiz"},
    "differentiation": {
        "lb": "Differenzéierung",
        "fr": "Différenciation",
        "de": "Differenzierung",
        "en": "Differentiation",
    },
    "support": {"lb": "Ënnerstëtzung", "fr": "Soutien", "de": "Unterstützung", "en": "Support"},
    "core": {"lb": "Basis", "fr": "Socle", "de": "Basis", "en": "Core"},
    "extension": {"lb": "Erweiderung", "fr": "Approfondissement", "de": "Erweiterung", "en": "Extension"},
    "ssp": {
        "lb": "Ënnerstëtzungsplang fir e Schüler",
        "fr": "Plan de soutien individuel",
        "de": "Individueller Förderplan",
        "en": "Student support plan",
    },
    "needs": {"lb": "Besoinen", "fr": "Besoins", "de": "Bedarf", "en": "Needs"},
    "goals": {"lb": "Ziler", "fr": "Objectifs", "de": "Ziele", "en": "Goals"},
    "adjustments": {"lb": "Upassungen", "fr": "Aménagements", "de": "Anpassungen", "en": "Adjustments"},
    "review": {"lb": "Iwwerpréiwung", "fr": "Bilan", "de": "Überprüfung", "en": "Review"},
    "minutes": {"lb": "Min.", "fr": "min", "de": "Min.", "en": "min"},
    "ai": {
        "lb": "Generéiert vun enger KI ({model}) — vun enger Enseignante oder engem Enseignant ze iwwerpréiwen.",
        "fr": "Généré par une IA ({model}) — à relire par l'enseignant·e.",
        "de": "Von einer KI erzeugt ({model}) — bitte von der Lehrkraft prüfen.",
        "en": "AI-generated ({model}) — to be reviewed by the teacher.",
    },
    "cited": {
        "lb": "Zitéiert Elementer vum Programm",
        "fr": "Éléments du programme cités",
        "de": "Zitierte Lehrplanelemente",
        "en": "Cited curriculum items",
    },
}


def label(key: str, lang: str) -> str:
    return LABELS[key].get(lang) or LABELS[key]["en"]


def to_markdown(
    plan: LessonPlan,
    lang: str,
    model: str,
    cited: dict[str, str],
    *,
    frame_lang: str | None = None,
    notice: str | None = None,
) -> str:
    """The plan as Markdown, with the AI label and the cited curriculum items (code → statement).

    ``lang`` is the language of the plan's text; ``frame_lang`` (default ``lang``) that of moien's own frame —
    headings, labels, the AI label. They differ when the model cannot write the language the teacher asked for
    (Luxembourgish: the text is German, the frame Luxembourgish); ``notice`` then says so, in ``frame_lang``, under
    the AI label.
    """

    def L(key: str) -> str:
        return label(key, frame_lang or lang)

    out = [
        f"# {plan.title}",
        "",
        f"> {L('ai').format(model=model)}",
        "",
    ]
    if notice:
        out += [f"> {notice}", ""]
    out += [
        f"**{L('level')}:** {plan.level} · **{L('subject')}:** {plan.subject} · "
        f"**{L('duration')}:** {plan.duration_minutes} {L('minutes')}",
        "",
        f"## {L('outcomes')}",
    ]
    out += [f"- **{c}** — {cited.get(c, '')}" for c in plan.learning_outcomes]
    out += ["", f"## {L('prior')}", *[f"- {p}" for p in plan.prior_knowledge]]
    out += ["", f"## {L('points')}", *[f"- {p}" for p in plan.key_learning_points]]
    out += ["", f"## {L('misconceptions')}", *[f"- {m.misconception} → {m.response}" for m in plan.misconceptions]]
    out += ["", f"## {L('keywords')}", *[f"- **{k.keyword}**: {k.definition}" for k in plan.keywords]]
    out += [
        "",
        f"## {L('starter')}",
        *[f"{i}. {q.question} — *{q.answer}*" for i, q in enumerate(plan.starter_quiz, 1)],
    ]
    out += ["", f"## {L('cycles')}"]
    for i, c in enumerate(plan.cycles, 1):
        out += [
            f"### {i}. {c.title} ({c.minutes} {L('minutes')})",
            *[f"- {a}" for a in c.activities],
            f"- *{L('check')}:* {c.check_for_understanding}",
        ]
    out += ["", f"## {L('exit')}", *[f"{i}. {q.question} — *{q.answer}*" for i, q in enumerate(plan.exit_quiz, 1)]]
    d = plan.differentiation
    out += [
        "",
        f"## {L('differentiation')}",
        f"- **{L('support')}:** {d.support}",
        f"- **{L('core')}:** {d.core}",
        f"- **{L('extension')}:** {d.extension}",
    ]
    ssp = getattr(plan, "student_support_plan", None)
    if ssp:
        out += [
            "",
            f"## {L('ssp')}",
            f"- **{L('needs')}:** {ssp.needs}",
            f"- **{L('goals')}:** " + "; ".join(ssp.goals),
            f"- **{L('adjustments')}:** " + "; ".join(ssp.adjustments),
            f"- **{L('review')}:** {ssp.review}",
        ]
    out += ["", f"## {L('cited')}", *[f"- {c}: {s}" for c, s in cited.items()], ""]
    return "\n".join(out)


def to_docx(
    plan: LessonPlan,
    lang: str,
    model: str,
    cited: dict[str, str],
    *,
    frame_lang: str | None = None,
    notice: str | None = None,
) -> bytes:
    """The plan as a Word document; the AI label is in the text and in the document's core properties. The
    document's language is ``lang``, the language of its text (see :func:`to_markdown`)."""
    import io

    from docx import Document

    md = to_markdown(plan, lang, model, cited, frame_lang=frame_lang, notice=notice)
    doc = Document()
    props = doc.core_properties
    props.title = plan.title
    props.author = f"moien ({model})"
    props.comments = f"ai_generated=true; model={model}; cited={','.join(cited)}"
    props.keywords = "ai_generated; moien; lesson plan"
    props.language = lang
    for line in md.splitlines():
        if not line.strip():
            continue
        if line.startswith("### "):
            doc.add_heading(line[4:], level=3)
        elif line.startswith("## "):
            doc.add_heading(line[3:], level=2)
        elif line.startswith("# "):
            doc.add_heading(line[2:], level=1)
        elif line.startswith("> "):
            doc.add_paragraph(line[2:], style="Intense Quote")
        elif line.startswith("- "):
            doc.add_paragraph(_strip_md(line[2:]), style="List Bullet")
        elif re.match(r"\d+\. ", line):
            doc.add_paragraph(_strip_md(line.split(". ", 1)[1]), style="List Number")
        else:
            doc.add_paragraph(_strip_md(line))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _strip_md(text: str) -> str:
    return text.replace("**", "").replace("*", "")
