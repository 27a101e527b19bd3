"""moien's Streamlit app for teachers: chat with the assistants, answers streamed, sources shown.

Thin by design: everything a turn does happens in the shared core (``moien.assistants.core``).
Run with ``moien serve`` (or ``make run``).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st

from moien.assistants.core import i18n
from moien.assistants.core.engine import Core, Turn
from moien.assistants.core.plugins import attachment_downloads
from moien.assistants.core.types import Attachment
from moien.lang import LANGS, own_name, pick
from moien.ui.common import get_core, md_text, secondary, show_markdown, stream_markdown
from moien.ui.documents_page import documents_page

UI = {
    "title": {
        "lb": "moien – Assistent fir d'Schoul",
        "fr": "moien – l'assistant de l'école",
        "de": "moien – der Schulassistent",
        "en": "moien – the school assistant",
    },
    "ui_lang": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "assistant": {"lb": "Assistent", "fr": "Assistant", "de": "Assistent", "en": "Assistant"},
    "auto": {"lb": "Automatesch", "fr": "Automatique", "de": "Automatisch", "en": "Automatic"},
    "new_chat": {
        "lb": "Nei Conversatioun",
        "fr": "Nouvelle conversation",
        "de": "Neues Gespräch",
        "en": "New conversation",
    },
    "placeholder": {
        "lb": "Stellt Är Fro op Lëtzebuergesch, Franséisch, Däitsch oder Englesch…",
        "fr": "Posez votre question en luxembourgeois, français, allemand ou anglais…",
        "de": "Stellen Sie Ihre Frage auf Luxemburgisch, Französisch, Deutsch oder Englisch…",
        "en": "Ask in Luxembourgish, French, German or English…",
    },
    "thinking": {
        "lb": "Ech sichen an de Quellen…",
        "fr": "Je cherche dans les sources…",
        "de": "Ich suche in den Quellen…",
        "en": "Searching the sources…",
    },
    "model": {"lb": "Modell", "fr": "Modèle", "de": "Modell", "en": "Model"},
    "nav_chat": {"lb": "Chat", "fr": "Discussion", "de": "Chat", "en": "Chat"},
    "builder": {
        "lb": "Plang fir eng Schoulstonn",
        "fr": "Plan de séance",
        "de": "Unterrichtsplan",
        "en": "Lesson plan",
    },
    "explorer": {
        "lb": "Programmer entdecken",
        "fr": "Explorer les programmes",
        "de": "Lehrpläne erkunden",
        "en": "Explore curricula",
    },
    "documents": {"lb": "Dokumenter", "fr": "Documents", "de": "Dokumente", "en": "Documents"},
    "topic": {"lb": "Theema", "fr": "Thème", "de": "Thema", "en": "Topic"},
    "topic_hint": {
        "lb": "z. B. de Waasserkreeslaf",
        "fr": "p. ex. le cycle de l'eau",
        "de": "z. B. der Wasserkreislauf",
        "en": "e.g. the water cycle",
    },
    "topic_missing": {
        "lb": "Gitt w.e.g. en Theema un.",
        "fr": "Indiquez un thème.",
        "de": "Bitte geben Sie ein Thema an.",
        "en": "Please enter a topic.",
    },
    "cycle": {"lb": "Zyklus", "fr": "Cycle", "de": "Zyklus", "en": "Cycle"},
    "duration": {
        "lb": "Dauer (Minutten)",
        "fr": "Durée (minutes)",
        "de": "Dauer (Minuten)",
        "en": "Duration (minutes)",
    },
    "plan_lang": {"lb": "Sprooch vum Plang", "fr": "Langue du plan", "de": "Sprache des Plans", "en": "Plan language"},
    "with_support": {
        "lb": "Mat Ënnerstëtzungsplang fir e Schüler",
        "fr": "Avec un plan de soutien individuel",
        "de": "Mit individuellem Förderplan",
        "en": "With a student support plan",
    },
    "make_plan": {"lb": "Plang maachen", "fr": "Créer le plan", "de": "Plan erstellen", "en": "Create the plan"},
    "refine": {"lb": "Upassen", "fr": "Ajuster", "de": "Anpassen", "en": "Refine"},
    "shorter": {"lb": "Méi kuerz", "fr": "Plus court", "de": "Kürzer", "en": "Shorter"},
    "adapt_cycle": {
        "lb": "Fir den Zyklus {n}",
        "fr": "Pour le cycle {n}",
        "de": "Für Zyklus {n}",
        "en": "For cycle {n}",
    },
    "translate": {
        "lb": "An déi Sprooch",
        "fr": "Dans cette langue",
        "de": "In diese Sprache",
        "en": "In this language",
    },
    "local": {
        "lb": "Alles leeft lokal op dësem Server: keng Donnéeë verloossen d'Maschinn.",
        "fr": "Tout fonctionne localement sur ce serveur : aucune donnée ne quitte la machine.",
        "de": "Alles läuft lokal auf diesem Server: Keine Daten verlassen die Maschine.",
        "en": "Everything runs locally on this server: no data leaves the machine.",
    },
}


def u(key: str, lang: str) -> str:
    return pick(UI, key, lang)


def render_sources(sources: list[dict[str, Any]], lang: str) -> None:
    if not sources:
        return
    lines = [f"**{i18n.t('sources', lang)}**"]
    for i, s in enumerate(sources, 1):
        lines.append(f"{i}. {md_text(s['title'])}")  # a title is metadata: shown as written, fetches nothing
    st.markdown("\n".join(lines))


def render_attachments(attachments: list[dict[str, Any]], key: str, lang: str) -> None:
    """One download button per file the attachment's plugin offers (a lesson plan: Markdown and Word).

    The page knows no attachment kind: the plugin that made it says what can be saved, labels included. Keys
    are the message key, the attachment's and the download's position, so a rerun keeps each button's state.
    """
    for n, att in enumerate(attachments):
        downloads = attachment_downloads(Attachment.model_validate(att), lang)
        if not downloads:
            continue
        for k, (column, d) in enumerate(zip(st.columns(len(downloads)), downloads)):
            column.download_button(
                d.label,
                d.data,
                file_name=d.file_name,
                mime=d.mime,
                key=f"dl-{key}-{n}-{k}",
                use_container_width=True,
            )


def render_meta(meta: dict[str, Any], lang: str) -> None:
    label = i18n.t("ai_label", meta["lang"]) + " · " if meta.get("ai_generated") else ""
    secondary(f"{label}{md_text(str(meta.get('model', '')))} · {meta.get('assistant') or '-'} · {meta['lang']}")


def sidebar_common(core: Core) -> str:
    state = st.session_state
    with st.sidebar:
        lang = st.selectbox(
            u("ui_lang", state.ui_lang),
            list(LANGS),
            key="ui_lang",
            format_func=lambda c: own_name(c).capitalize(),
        )
    return lang


def sidebar_footer(core: Core, lang: str) -> None:
    with st.sidebar:
        secondary(f"{u('model', lang)}: {core.model_id}")
        secondary(u("local", lang))


def show_turn(core: Core, turn: Turn, lang: str, key: str) -> dict[str, Any]:
    """Stream one turn into the current chat message and return it as a stored message."""
    if turn.reply.notice:  # why the answer is in another language than the question, in the teacher's
        secondary(md_text(turn.reply.notice))
    answer_area = st.empty()
    render_sources([s.model_dump() for s in turn.reply.sources], turn.reply.lang)  # known before the model writes
    with answer_area.container():
        stream_markdown(turn)  # model output: no image, raw HTML or script link reaches the browser
    reply = turn.reply
    if reply.kind == "unverified":  # the answer guardrail retracted what streamed: show only its notice
        show_markdown(reply.text, answer_area)
    meta = {"lang": reply.lang, "model": reply.model, "assistant": reply.assistant, "ai_generated": reply.ai_generated}
    attachments = [a.model_dump() for a in reply.attachments]
    render_attachments(attachments, key, lang)
    render_meta(meta, lang)
    return {
        "role": "assistant",
        "text": reply.text,
        "attachments": attachments,
        "sources": [s.model_dump() for s in reply.sources],
        "meta": meta,
        "notice": reply.notice,
    }


def chat_page() -> None:
    core = get_core()
    state = st.session_state
    lang = state.ui_lang
    with st.sidebar:
        names = ["auto", *core.assistants]
        picked = st.radio(
            u("assistant", lang),
            names,
            key="assistant",
            format_func=lambda n: u("auto", lang) if n == "auto" else core.assistants[n].title(lang),
        )
        if st.button(u("new_chat", lang), use_container_width=True):
            core.sessions.forget(state.session_id)
            state.session_id = uuid.uuid4().hex
            state.messages = []
            st.rerun()

    st.title(u("title", lang))
    st.info(i18n.t("disclosure", lang), icon=":material/info:")
    for i, m in enumerate(state.messages):
        with st.chat_message(m["role"]):
            if m.get("notice"):
                secondary(md_text(m["notice"]))
            show_markdown(m["text"])
            if m["role"] == "assistant":
                render_sources(m.get("sources", []), m["meta"]["lang"])
                render_attachments(m.get("attachments", []), str(i), lang)
                render_meta(m["meta"], lang)

    question = st.chat_input(u("placeholder", lang))
    if not question:
        return
    state.messages.append({"role": "user", "text": question})
    with st.chat_message("user"):
        show_markdown(question)
    with st.chat_message("assistant"):
        with st.spinner(u("thinking", lang)):
            turn = core.turn(
                question, session_id=state.session_id, assistant=None if picked == "auto" else picked, ui_lang=lang
            )
        state.messages.append(show_turn(core, turn, lang, str(len(state.messages))))


PLAN_REQUEST = {
    "lb": "Maach mer e Plang fir eng Schoulstonn vu {minutes} Minutten iwwer {topic} fir den Zyklus {cycle}.",
    "fr": "Prépare une leçon de {minutes} minutes sur {topic} pour le cycle {cycle}.",
    "de": "Erstelle eine Unterrichtsstunde von {minutes} Minuten zum Thema {topic} für Zyklus {cycle}.",
    "en": "Plan a {minutes}-minute lesson on {topic} for cycle {cycle}.",
}
SUPPORT_REQUEST = {
    "lb": " Mat engem Ënnerstëtzungsplang fir e Schüler.",
    "fr": " Avec un plan de soutien individuel pour un élève.",
    "de": " Mit einem individuellen Förderplan für einen Schüler.",
    "en": " With a student support plan for one pupil.",
}
REFINE = {
    "shorter": {"lb": "méi kuerz", "fr": "plus court", "de": "kürzer", "en": "shorter"},
    "cycle": {"lb": "fir den Zyklus {n}", "fr": "pour le cycle {n}", "de": "für Zyklus {n}", "en": "for cycle {n}"},
    "lang": {"lb": "op Lëtzebuergesch", "fr": "en français", "de": "auf Deutsch", "en": "in English"},
}


def builder_page() -> None:
    """A form for lesson plans; every plan is grounded in curriculum items and can be refined."""
    core = get_core()
    state = st.session_state
    lang = state.ui_lang
    state.setdefault("builder_session", uuid.uuid4().hex)
    state.setdefault("builder_results", [])
    st.title(u("builder", lang))
    st.info(i18n.t("disclosure", lang), icon=":material/info:")
    with st.form("plan-form"):
        topic = st.text_input(u("topic", lang), placeholder=u("topic_hint", lang))
        c1, c2, c3 = st.columns(3)
        cycle = c1.selectbox(u("cycle", lang), [1, 2, 3, 4], index=2)
        minutes = c2.slider(u("duration", lang), 15, 120, 45, step=5)
        plan_lang = c3.selectbox(
            u("plan_lang", lang),
            list(LANGS),
            index=list(LANGS).index(lang),
            format_func=lambda c: own_name(c).capitalize(),
        )
        support = st.checkbox(u("with_support", lang))
        submitted = st.form_submit_button(u("make_plan", lang), type="primary")
    request = None
    if submitted and topic.strip():
        state.builder_session = uuid.uuid4().hex  # a new plan starts a new conversation
        state.builder_results = []
        request = PLAN_REQUEST[plan_lang].format(minutes=minutes, topic=topic.strip(), cycle=cycle)
        if support:
            request += SUPPORT_REQUEST[plan_lang]
    elif submitted:
        st.warning(u("topic_missing", lang))

    for i, m in enumerate(state.builder_results):
        with st.chat_message("assistant"):
            show_markdown(m["text"])
            render_sources(m.get("sources", []), m["meta"]["lang"])
            render_attachments(m.get("attachments", []), f"b{i}", lang)
            render_meta(m["meta"], lang)

    if state.builder_results and state.builder_results[-1].get("attachments"):
        last_lang = state.builder_results[-1]["meta"]["lang"]
        st.write(f"**{u('refine', lang)}**")
        r1, r2, r3 = st.columns(3)
        if r1.button(u("shorter", lang), use_container_width=True):
            request = REFINE["shorter"][last_lang]
        new_cycle = r2.selectbox(u("cycle", lang), [1, 2, 3, 4], key="refine-cycle", label_visibility="collapsed")
        if r2.button(u("adapt_cycle", lang).format(n=new_cycle), use_container_width=True):
            request = REFINE["cycle"][last_lang].format(n=new_cycle)
        new_lang = r3.selectbox(
            u("plan_lang", lang),
            list(LANGS),
            key="refine-lang",
            label_visibility="collapsed",
            format_func=lambda c: own_name(c).capitalize(),
        )
        if r3.button(u("translate", lang), use_container_width=True):
            request = REFINE["lang"][new_lang]

    if request:
        with st.chat_message("assistant"):
            with st.spinner(u("thinking", lang)):
                turn = core.turn(request, session_id=state.builder_session, assistant="education", ui_lang=lang)
            state.builder_results.append(show_turn(core, turn, lang, f"b{len(state.builder_results)}"))
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="moien", page_icon=":material/forum:", layout="centered")
    try:
        core = get_core()
    except Exception as exc:  # e.g. the model file is missing or its checksum is wrong: say what to do
        st.error(f"moien cannot start: {exc}")
        st.stop()
    state = st.session_state
    state.setdefault("session_id", uuid.uuid4().hex)
    state.setdefault("messages", [])
    asked = st.query_params.get("lang")  # a link inside the app (e.g. the picture of links) keeps the language
    state.setdefault("ui_lang", asked if asked in LANGS else core.settings.ui_lang)
    lang = sidebar_common(core)
    pages = [
        st.Page(chat_page, title=u("nav_chat", lang), icon=":material/forum:", url_path="chat", default=True),
        st.Page(builder_page, title=u("builder", lang), icon=":material/edit_note:", url_path="lesson-plan"),
        st.Page(documents_page, title=u("documents", lang), icon=":material/description:", url_path="documents"),
    ]
    for extra in extra_pages(lang):
        pages.append(extra)
    page = st.navigation(pages)
    page.run()
    sidebar_footer(core, lang)


def extra_pages(lang: str) -> list[Any]:
    """Pages that need the curriculum explorer (added when it is available)."""
    try:
        from moien.ui.curriculum_explorer import explorer_page
    except ImportError:
        return []
    return [st.Page(explorer_page, title=u("explorer", lang), icon=":material/account_tree:", url_path="curriculum")]


main()
