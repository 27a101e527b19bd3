"""The ``education`` assistant: answers teachers from the curriculum graph in Neo4j and cites item codes."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moien.assistants.core import i18n
from moien.assistants.core.assistant import Assistant, AssistantUnavailable
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Attachment, Completion, Download, Grounding, Query, Response, Source
from moien.assistants.education import lesson_plan as lp
from moien.assistants.education import plan_sections as ps
from moien.assistants.education.rubric import score_plan
from moien.connectors.neo4j_graph import GraphUnavailable, get_graph
from moien.curriculum_graph.queries import get_item, plan_context, search_items, subjects
from moien.lang import lang_name, pick

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.config import Settings
    from moien.connectors.llm.runtime import ChatModel

HERE = Path(__file__).parent
log = logging.getLogger(__name__)

# Question words and fillers in the four languages; curriculum statements rarely contain them, and
# leaving them in makes every item a weak match.
STOPWORDS = set(
    """
    what which when where how does about with that this there their have from into for the and are can
    give show list find teach teaching lesson item items curriculum competency competencies cycle
    quels quelle quelles comment dans pour avec une des les sur que qui est sont enseigner cours programme
    competence competences
    welche welcher welches wie was wann der die das den dem des und mit fur uber eine einen einer ist sind
    unterricht lehrplan kompetenz kompetenzen zyklus
    wat wéi wéini wou déi den dat eng engem enger mat fir iwwer sinn ass gëtt gett ech mir mer
    zyklus klass schoul kompetenzen
    prepare prépare lesson lecon leçon seance séance plan plans minutes minute write make create need
    erstelle erstellen stunde unterrichtsstunde brauche maach mer brauch stonn schoulstonn cours
    """.split()
)


# Requests for a lesson plan, in the four languages (the intent classifier may also say so).
PLAN_REQUEST = re.compile(
    r"\b(lesson|lesson plan|plan a lesson|teaching plan|leçon|lecon|séance|seance|plan de cours|"
    r"s[ée]quence|unterrichtsstunde|unterrichtsplan|stundenplanung|stundenentwurf|schoulstonn|cours|"
    r"coursplang|lektioun)\b",
    re.IGNORECASE,
)
SUPPORT_REQUEST = re.compile(
    r"(support plan|student support|plan de soutien|soutien individuel|förderplan|foerderplan|"
    r"ënnerstëtzungsplang|ennerstetzungsplang)",
    re.IGNORECASE,
)
SHORTER = re.compile(r"\b(shorter|plus court|moins long|kürzer|kuerzer|méi kuerz|mei kuerz)\b", re.IGNORECASE)
LEVEL = re.compile(r"\b(?:cycle|zyklus|cycles)\s*([1-4])\b", re.IGNORECASE)
TARGET_LANG = [
    ("de", re.compile(r"\b(in german|en allemand|auf deutsch|op däitsch|op daitsch)\b", re.IGNORECASE)),
    (
        "fr",
        re.compile(
            r"\b(in french|en français|en francais|auf französisch|op franséisch|op franseisch)\b", re.IGNORECASE
        ),
    ),
    ("en", re.compile(r"\b(in english|en anglais|auf englisch|op englesch)\b", re.IGNORECASE)),
    (
        "lb",
        re.compile(
            r"\b(in luxembourgish|en luxembourgeois|auf luxemburgisch|op lëtzebuergesch|op letzebuergesch)\b",
            re.IGNORECASE,
        ),
    ),
]
#: Curriculum items a plan is built on (the best matches; its outcomes are codes of these only).
PLAN_ITEMS = 3
#: A lesson's length when the request names none (a lesson in Luxembourg's schools: 45–50 minutes).
DEFAULT_MINUTES = 45
#: "45 minutes", "45-minute", "45 Minuten", "45 Minutten", "45 min", "1 h".
MINUTES = re.compile(r"\b(\d{1,3})\s*-?\s*(min\.?|mins|minutes?|minuten|minutten)(?!\w)", re.IGNORECASE)
HOURS = re.compile(r"\b([1-4])\s*(?:h|hours?|heures?|stunden?|stonn(?:en)?)\b", re.IGNORECASE)

PROGRESS = {
    "lb": "Ech preparéieren e Plang fir d'Schoulstonn, an dräi Schrëtt (dat dauert eng bis zwou Minutten)…\n\n",
    "fr": "Je prépare un plan de séance, en trois étapes (une à deux minutes)…\n\n",
    "de": "Ich erstelle einen Unterrichtsplan in drei Schritten (ein bis zwei Minuten)…\n\n",
    "en": "Preparing a lesson plan in three steps (a minute or two)…\n\n",
}
REMOVED = {
    "lb": "Net am Programm, dofir ewechgeholl: {codes}.",
    "fr": "Absents du programme, donc retirés : {codes}.",
    "de": "Nicht im Lehrplan, daher entfernt: {codes}.",
    "en": "Not in the curriculum, so removed: {codes}.",
}


def _minutes(text: str) -> int | None:
    """The lesson's length the request names, in minutes (``None`` when it names none)."""
    if m := MINUTES.search(text):
        return int(m.group(1))
    if m := HOURS.search(text):
        return 60 * int(m.group(1))
    return None


def _refinement(text: str) -> dict[str, Any]:
    """What a follow-up message asks to change in the last plan (empty when it asks for nothing known)."""
    change: dict[str, Any] = {}
    if SHORTER.search(text):
        change["shorter"] = True
    if m := LEVEL.search(text):
        change["level"] = f"C{m.group(1)}"
    for lang, pattern in TARGET_LANG:
        if pattern.search(text):
            change["lang"] = lang
    return change


class EducationAssistant(Assistant):
    name = "education"
    order = 20
    titles = {"lb": "Schoulprogrammer", "fr": "Programmes scolaires", "de": "Lehrpläne", "en": "Curricula"}
    descriptions = {
        "lb": "fënnt Kompetenzen aus de Schoulprogrammer a beäntwert Froen vun Enseignanten, mat Code vun all Element",
        "fr": "trouve les compétences des programmes scolaires et répond aux enseignants, en citant le code de chaque élément",
        "de": "findet Kompetenzen in den Lehrplänen und beantwortet Fragen von Lehrkräften, mit dem Code jedes Elements",
        "en": "finds competencies in the curricula and answers teachers' questions, citing each item's code",
    }
    service_names = {
        "lb": "Schoulprogrammer (Neo4j)",
        "fr": "programmes scolaires (Neo4j)",
        "de": "Lehrpläne (Neo4j)",
        "en": "curriculum (Neo4j)",
    }

    def __init__(self, settings: Settings, limit: int = 5, min_score: float = 0.3) -> None:
        self.settings = settings
        self.limit = limit
        self.min_score = min_score

    def nlu_file(self) -> Path | None:
        return HERE / "nlu.yml"

    def instructions(self, lang: str) -> str:
        return (
            "You help teachers. Each source is a curriculum item; cite it by its number and mention its "
            "code (for example MA-C3-02)."
        )

    def ready(self) -> str | None:
        """Neo4j must answer (``/readyz``): without it no curriculum question can be grounded."""
        try:
            if get_graph(self.settings).ping():
                return None
        except GraphUnavailable as exc:
            return str(exc)
        where = self.settings.neo4j.uri or f"bolt://127.0.0.1:{self.settings.neo4j.port}"
        return f"Neo4j at {where} does not answer: start it with `moien neo4j start` (or set NEO4J_URI)."

    def ground(self, query: Query) -> Grounding:
        plan = query.state.get("plan")
        if plan and _refinement(query.text) and not PLAN_REQUEST.search(query.text):
            # "shorter", "for cycle 3", "in German": the same curriculum items as the plan being refined
            sources = [Source(**s) for s in query.state.get("plan_sources", [])]
            return Grounding(sources=sources, passages=list(query.state.get("plan_passages", [])))
        try:
            graph = get_graph(self.settings)
            hits = search_items(
                graph,
                query.text,
                limit=self.limit,
                min_score=self.min_score,
                stopwords=STOPWORDS,
                # Every framework names its own types (Competency, Standard, Learning Outcome…): all of them by
                # default, the most detailed first (see search_items), narrowed by the education settings.
                types=tuple(self.settings.education.types),
                exclude_types=tuple(self.settings.education.exclude_types),
            )
        except GraphUnavailable as exc:
            raise AssistantUnavailable("neo4j", str(exc)) from exc
        sources, passages = [], []
        for h in hits:
            statement = h.statement(query.lang)
            sources.append(
                Source(
                    id=h.code,
                    title=f"{h.code} — {statement}",
                    uri=f"urn:moien:curriculum:{h.id}",
                    snippet=h.statement("fr"),
                )
            )
            extra = []
            if h.level:
                extra.append(f"level {h.level}")
            if h.subject:
                extra.append(f"subject {h.subject}")
            if h.topics:
                extra.append("transversal topics: " + ", ".join(h.topics))
            if h.next_codes:
                extra.append("followed by " + ", ".join(h.next_codes))
            # The teacher's language, not query.answer_lang: the same passages feed lesson plans, which are written in
            # the teacher's language (a plan read from German statements came out German under a Luxembourgish frame).
            passages.append(f"{h.code}: {statement} ({'; '.join(extra)})")
        return Grounding(sources=sources, passages=passages)

    # -- lesson plans ------------------------------------------------------------------------------
    def respond(self, query: Query, grounding: Grounding, model: ChatModel) -> Response | None:
        change = _refinement(query.text) if query.state.get("plan") else {}
        wants_plan = bool(PLAN_REQUEST.search(query.text)) or query.intent == "plan_lesson"
        if not (wants_plan or change):
            return None
        with_support = bool(SUPPORT_REQUEST.search(query.text)) or bool(query.state.get("with_support") and change)
        # A refinement keeps the plan's language unless it asks for another one.
        lang = change.get("lang") or (query.state.get("plan_lang") if change else None) or query.lang
        return Response(
            chunks=self._plan_chunks(query, grounding, model, lang, change, with_support),
            lang=self._text_lang(lang),
            requested_lang=lang,
        )

    def _text_lang(self, lang: str) -> str:
        """The language the plan's text is written in: ``lang`` when the model writes it reliably (``model.writes``),
        else the model's fallback language — as the core does for its own answers (``Core._fallback_for``)."""
        writes = self.settings.model.writes
        if not writes or lang in writes:
            return lang
        fallback = self.settings.model.fallback_lang
        return fallback if fallback in writes else writes[0]

    def _brief(
        self,
        query: Query,
        grounding: Grounding,
        text_lang: str,
        frame_lang: str,
        change: dict[str, Any],
        with_support: bool,
    ) -> ps.PlanBrief:
        """What the plan is written from: the items found (with their place in the curriculum, read from the graph),
        the duration, level and subject — taken from the request and the graph, not left to the model."""
        graph = get_graph(self.settings)
        previous = query.state.get("plan") if change else None
        items: list[ps.PlanItem] = []
        for source in grounding.sources[:PLAN_ITEMS]:
            ctx = plan_context(graph, source.id)
            if ctx is None:
                continue
            items.append(
                ps.PlanItem(
                    code=ctx.item.code,
                    statement=ctx.item.statement(text_lang),
                    level=ctx.item.level,
                    subject=ctx.item.subject,
                    prerequisites=[(i.code, i.statement(text_lang)) for i in ctx.prerequisites[:3]],
                    next_items=[(i.code, i.statement(text_lang)) for i in ctx.next_items[:2]],
                    siblings=[(i.code, i.statement(text_lang)) for i in ctx.siblings],
                    topics=ctx.topic_names(text_lang),
                )
            )
        if not items:
            raise lp.PlanError("none of the curriculum items found is in the graph any more: ask again")
        if previous:
            duration = int(previous["duration_minutes"])
            if change.get("shorter"):
                duration = ps.shorter_duration(duration)
        else:
            duration = _minutes(query.text) or DEFAULT_MINUTES
        level_match = LEVEL.search(query.text)
        level = (
            change.get("level")
            or (f"C{level_match.group(1)}" if level_match else None)
            or (previous or {}).get("level")
            or items[0].level
            or ""
        )
        subject_code = items[0].subject or ""
        names = {s["code"]: s["names"] for s in subjects(graph)}.get(subject_code) or {}
        subject = names.get(text_lang) or names.get("fr") or subject_code
        return ps.PlanBrief(
            # A refinement ("shorter, in German") names no topic: the request that started the plan does.
            request=str(query.state.get("plan_request") or query.text) if previous else query.text,
            items=items,
            duration=max(10, min(240, duration)),
            level=str(level),
            subject=subject,
            text_lang=text_lang,
            frame_lang=frame_lang,
            with_support=with_support,
            wishes=ps.wishes(text_lang, shorter=bool(change.get("shorter")), level=change.get("level")),
        )

    def _plan_chunks(
        self,
        query: Query,
        grounding: Grounding,
        model: ChatModel,
        lang: str,
        change: dict[str, Any],
        with_support: bool,
    ) -> Generator[str, None, Completion]:
        # The frame (progress lines, headings, labels, notices) is in the language asked for; the plan's text in the
        # language the model writes reliably (German for a Luxembourgish request, with a notice that says so).
        frame_lang, text_lang = lang, self._text_lang(lang)
        yield PROGRESS[frame_lang]
        brief = self._brief(query, grounding, text_lang, frame_lang, change, with_support)
        previous = query.state.get("plan") if change else None
        keep = None
        if (
            previous
            and change.get("shorter")
            and not change.get("level")
            and text_lang == query.state.get("plan_text_lang", query.state.get("plan_lang"))
            and bool(previous.get("student_support_plan")) == with_support
        ):
            # Only shorter: the outcomes, key points, quizzes and differentiation stay; the stages are written anew.
            keep = lp.parse_plan_data(previous)
        written = yield from ps.write_plan(model, brief, n_ctx=self.settings.model.n_ctx, keep=keep)
        plan = written.plan
        log.info("lesson plan written: seconds=%s repairs=%d", written.notes.seconds, len(written.notes.repairs))
        graph = get_graph(self.settings)
        removed = lp.verify_outcomes(plan, lambda code: get_item(graph, code) is not None)
        if not plan.learning_outcomes:
            # The plan was built from these items; cite them rather than none.
            plan.learning_outcomes = brief.codes[:2]
        cited: dict[str, str] = {}
        for code in plan.learning_outcomes:
            item = get_item(graph, code)
            if item is not None:
                cited[code] = item.statement(text_lang)
        notice = (
            i18n.t("written_in", frame_lang, language=lang_name(text_lang, frame_lang))
            if text_lang != frame_lang
            else None
        )
        model_id = model.model_id
        # The chat shows the reply's own notice (the core sets it from ``requested_lang``); the saved files carry it
        # in their text, since a file travels without the reply around it.
        shown = lp.to_markdown(plan, text_lang, model_id, cited, frame_lang=frame_lang)
        markdown = lp.to_markdown(plan, text_lang, model_id, cited, frame_lang=frame_lang, notice=notice)
        if removed:
            line = "\n" + REMOVED[frame_lang].format(codes=", ".join(removed)) + "\n"
            shown, markdown = shown + line, markdown + line
        score = score_plan(plan, brief.statements)
        data = plan.model_dump()
        query.state.update(
            plan=data,
            plan_lang=frame_lang,
            plan_text_lang=text_lang,
            plan_request=brief.request,
            with_support=with_support,
            plan_sources=[s.model_dump() for s in grounding.sources],
            plan_passages=list(grounding.passages),
        )
        # Any: the plan's JSON (model_dump) plus what the downloads need; all of it JSON data. ``lang`` is the
        # language of the plan's text, ``frame_lang`` that of its headings and labels.
        attachment: dict[str, Any] = {
            **data,
            "lang": text_lang,
            "frame_lang": frame_lang,
            "notice": notice,
            "cited": cited,
            "removed_outcomes": removed,
            "model": model_id,
            "rubric": score.to_dict(),
            "repairs": list(written.notes.repairs),
        }
        yield shown
        return Completion(
            attachments=(Attachment(type="lesson_plan", data=attachment, markdown=markdown),), lang=text_lang
        )


DOWNLOAD_LABELS = {
    "markdown": {
        "lb": "Als Markdown eroflueden",
        "fr": "Télécharger en Markdown",
        "de": "Als Markdown herunterladen",
        "en": "Download as Markdown",
    },
    "docx": {
        "lb": "Als Word eroflueden",
        "fr": "Télécharger en Word",
        "de": "Als Word herunterladen",
        "en": "Download as Word",
    },
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def lesson_plan_downloads(attachment: Attachment, lang: str) -> list[Download]:
    """A lesson plan as Markdown and as Word (both AI-labelled), the buttons' labels in ``lang``."""
    data: dict[str, Any] = dict(attachment.data)
    plan_lang, model, cited = str(data.pop("lang")), str(data.pop("model")), dict(data.pop("cited"))
    # plans saved before the frame and the text could differ have neither key: their frame is their language
    frame_lang, notice = str(data.pop("frame_lang", None) or plan_lang), data.pop("notice", None)
    for key in ("removed_outcomes", "rubric", "repairs"):
        data.pop(key, None)
    plan = lp.parse_plan_data(data)
    return [
        Download(
            label=pick(DOWNLOAD_LABELS, "markdown", lang),
            data=(attachment.markdown or "").encode("utf-8"),
            file_name="lesson-plan.md",
            mime="text/markdown",
        ),
        Download(
            label=pick(DOWNLOAD_LABELS, "docx", lang),
            data=lp.to_docx(plan, plan_lang, model, cited, frame_lang=frame_lang, notice=notice),
            file_name="lesson-plan.docx",
            mime=DOCX_MIME,
        ),
    ]


@hookimpl
def register_assistants(register: Callable[[Assistant], None], settings: Settings) -> None:
    register(EducationAssistant(settings))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """``moien curriculum …`` (import, search, show, links, suggest, coverage, topics), ``moien neo4j
    start|stop|status`` (the local server that holds the curriculum graph) and ``moien demo load``."""
    from moien.assistants.education.cli import curriculum_app
    from moien.assistants.education.commands import demo_app, neo4j_app

    cli.add_typer(curriculum_app, name="curriculum")
    cli.add_typer(neo4j_app, name="neo4j")
    cli.add_typer(demo_app, name="demo")


@hookimpl
def setup(settings: Settings, echo: Callable[[str], None]) -> None:
    """Start the local Neo4j (unless ``NEO4J_URI`` names another server) and load the demo curriculum."""
    from moien.assistants.education import commands

    commands.setup(settings, echo)


@hookimpl
def attachment_downloads(attachment: Attachment, lang: str) -> list[Download] | None:
    """Lesson plans are this plugin's attachments; any other kind is left to the plugin that made it."""
    if attachment.type != "lesson_plan":
        return None
    return lesson_plan_downloads(attachment, lang)
