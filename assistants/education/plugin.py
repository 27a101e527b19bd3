"""The ``education`` assistant: answers teachers from the curriculum graph in Neo4j and cites item codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moien.assistants.core.assistant import Assistant, AssistantUnavailable
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Attachment, Completion, Download, Grounding, Query, Response, Source
from moien.assistants.education import lesson_plan as lp
from moien.connectors.neo4j_graph import GraphUnavailable, get_graph
from moien.curriculum_graph.queries import get_item, search_items
from moien.lang import PROMPT_NAMES, pick

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.config import Settings
    from moien.connectors.llm.runtime import ChatMessage, ChatModel

HERE = Path(__file__).parent

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
PLAN_TOKENS = 1400

PROGRESS = {
    "lb": "Ech preparéieren e Plang fir d'Schoulstonn (dat dauert ongeféier eng Minutt)…\n\n",
    "fr": "Je prépare un plan de séance (environ une minute)…\n\n",
    "de": "Ich erstelle einen Unterrichtsplan (etwa eine Minute)…\n\n",
    "en": "Preparing a lesson plan (about a minute)…\n\n",
}
REMOVED = {
    "lb": "Net am Programm, dofir ewechgeholl: {codes}.",
    "fr": "Absents du programme, donc retirés : {codes}.",
    "de": "Nicht im Lehrplan, daher entfernt: {codes}.",
    "en": "Not in the curriculum, so removed: {codes}.",
}


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
        return Response(chunks=self._plan_chunks(query, grounding, model, lang, change, with_support), lang=lang)

    def _plan_messages(
        self, query: Query, grounding: Grounding, lang: str, change: dict[str, Any], with_support: bool
    ) -> list[ChatMessage]:
        language = PROMPT_NAMES[lang]
        system = (
            "You are moien, a lesson-planning assistant for teachers in Luxembourg. Write the lesson plan as JSON "
            f"with every text in {language}. learning_outcomes must list only codes of the curriculum items given "
            "(like SC-C3-03). Keep each text short and concrete; activities are things pupils do."
        )
        items = "\n".join(f"[{i}] {p}" for i, p in enumerate(grounding.passages, 1))
        user = f"Curriculum items:\n{items}\n\n"
        previous = query.state.get("plan")
        if change.get("lang") and previous and change["lang"] != query.state.get("plan_lang"):
            # A small model copies rather than translates a plan it is shown: write it anew in the new
            # language from the same items, keeping the level and length the teacher had.
            minutes = previous["duration_minutes"] * (2 / 3 if change.get("shorter") else 1)
            user += (
                f"Teacher's request: a lesson plan on the same topic for level "
                f"{change.get('level') or previous['level']}, {int(minutes)} minutes, written in {language}."
            )
        elif change and previous:
            wishes = []
            if change.get("shorter"):
                wishes.append("make it shorter: fewer and shorter cycles, less total time")
            if change.get("level"):
                wishes.append(f"adapt it for level {change['level']}")
            if change.get("lang"):
                wishes.append(f"write it in {language}")
            user += (
                f"Previous plan:\n{json.dumps(query.state['plan'], ensure_ascii=False)}\n\n"
                f"Teacher's request: {query.text}\nRevise the plan: {'; '.join(wishes)}."
            )
        else:
            user += f"Teacher's request: {query.text}"
            if with_support:
                user += "\nAlso include a student support plan for a pupil who needs extra help."
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def _plan_chunks(
        self,
        query: Query,
        grounding: Grounding,
        model: ChatModel,
        lang: str,
        change: dict[str, Any],
        with_support: bool,
    ) -> Generator[str, None, Completion]:
        yield PROGRESS[lang]
        messages = self._plan_messages(query, grounding, lang, change, with_support)
        raw = "".join(
            model.stream_json(messages, lp.json_schema(with_support), max_tokens=PLAN_TOKENS, temperature=0.2)
        )
        plan = lp.parse_plan(raw, with_support)
        if change.get("level"):
            plan.level = change["level"]
        graph = get_graph(self.settings)
        removed = lp.verify_outcomes(plan, lambda code: get_item(graph, code) is not None)
        if not plan.learning_outcomes:
            # The plan was built from these items; cite them rather than none.
            plan.learning_outcomes = [s.id for s in grounding.sources[:2]]
        cited: dict[str, str] = {}
        for code in plan.learning_outcomes:
            item = get_item(graph, code)
            if item is not None:
                cited[code] = item.statement(lang)
        model_id = model.model_id
        markdown = lp.to_markdown(plan, lang, model_id, cited)
        if removed:
            markdown += "\n" + REMOVED[lang].format(codes=", ".join(removed)) + "\n"
        data = plan.model_dump()
        query.state.update(
            plan=data,
            plan_lang=lang,
            with_support=with_support,
            plan_sources=[s.model_dump() for s in grounding.sources],
            plan_passages=list(grounding.passages),
        )
        # Any: the plan's JSON (model_dump) plus what the downloads need; all of it JSON data.
        attachment: dict[str, Any] = {
            **data,
            "lang": lang,
            "cited": cited,
            "removed_outcomes": removed,
            "model": model_id,
        }
        yield markdown
        return Completion(attachments=(Attachment(type="lesson_plan", data=attachment, markdown=markdown),), lang=lang)


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
    data.pop("removed_outcomes", None)
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
            data=lp.to_docx(plan, plan_lang, model, cited),
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
