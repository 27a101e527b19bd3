"""moien's Streamlit app for teachers: chat with the assistants, answers streamed, sources shown.

Thin by design: everything a turn does happens in the shared core (``assistants.core``).
Run with ``moien serve`` (or ``make run``).
"""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st  # noqa: E402

from assistants.core import i18n  # noqa: E402
from assistants.core.engine import Core  # noqa: E402

UI = {
    "title": {"lb": "moien – Assistent fir d'Schoul", "fr": "moien – l'assistant de l'école",
              "de": "moien – der Schulassistent", "en": "moien – the school assistant"},
    "ui_lang": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "assistant": {"lb": "Assistent", "fr": "Assistant", "de": "Assistent", "en": "Assistant"},
    "auto": {"lb": "Automatesch", "fr": "Automatique", "de": "Automatisch", "en": "Automatic"},
    "new_chat": {"lb": "Nei Conversatioun", "fr": "Nouvelle conversation", "de": "Neues Gespräch",
                 "en": "New conversation"},
    "placeholder": {"lb": "Stellt Är Fro op Lëtzebuergesch, Franséisch, Däitsch oder Englesch…",
                    "fr": "Posez votre question en luxembourgeois, français, allemand ou anglais…",
                    "de": "Stellen Sie Ihre Frage auf Luxemburgisch, Französisch, Deutsch oder Englisch…",
                    "en": "Ask in Luxembourgish, French, German or English…"},
    "thinking": {"lb": "Ech sichen an de Quellen…", "fr": "Je cherche dans les sources…",
                 "de": "Ich suche in den Quellen…", "en": "Searching the sources…"},
    "model": {"lb": "Modell", "fr": "Modèle", "de": "Modell", "en": "Model"},
    "download_md": {"lb": "Als Markdown eroflueden", "fr": "Télécharger en Markdown",
                    "de": "Als Markdown herunterladen", "en": "Download as Markdown"},
    "download_docx": {"lb": "Als Word eroflueden", "fr": "Télécharger en Word", "de": "Als Word herunterladen",
                      "en": "Download as Word"},
    "local": {"lb": "Alles leeft lokal op dësem Server: keng Donnéeë verloossen d'Maschinn.",
              "fr": "Tout fonctionne localement sur ce serveur : aucune donnée ne quitte la machine.",
              "de": "Alles läuft lokal auf diesem Server: Keine Daten verlassen die Maschine.",
              "en": "Everything runs locally on this server: no data leaves the machine."},
}


def u(key: str, lang: str) -> str:
    return UI[key].get(lang) or UI[key]["en"]


@st.cache_resource(show_spinner=False)
def get_core() -> Core:
    """One core (and so one model instance) per server process, shared by every browser session."""
    return Core()


def render_sources(sources: list[dict], lang: str) -> None:
    if not sources:
        return
    lines = [f"**{i18n.t('sources', lang)}**"]
    for i, s in enumerate(sources, 1):
        title = s["title"].replace("[", "(").replace("]", ")")
        lines.append(f"{i}. {title}")
    st.markdown("\n".join(lines))


def render_attachments(attachments: list[dict], key: str, lang: str) -> None:
    """Download buttons for structured results (lesson plans: Markdown and Word, both AI-labelled)."""
    from assistants.education import lesson_plan as lp

    for n, att in enumerate(attachments):
        if att["type"] != "lesson_plan":
            continue
        data = dict(att["data"])
        plan_lang, model, cited = data.pop("lang"), data.pop("model"), data.pop("cited")
        data.pop("removed_outcomes", None)
        plan = lp.parse_plan_data(data)
        c1, c2 = st.columns(2)
        c1.download_button(u("download_md", lang), att["markdown"] or "", file_name="lesson-plan.md",
                           mime="text/markdown", key=f"md-{key}-{n}", use_container_width=True)
        c2.download_button(u("download_docx", lang), lp.to_docx(plan, plan_lang, model, cited),
                           file_name="lesson-plan.docx", key=f"docx-{key}-{n}", use_container_width=True,
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def render_meta(meta: dict, lang: str) -> None:
    label = i18n.t("ai_label", meta["lang"]) + " · " if meta.get("ai_generated") else ""
    st.caption(f"{label}{meta.get('model', '')} · {meta.get('assistant') or '-'} · {meta['lang']}")


def main() -> None:
    st.set_page_config(page_title="moien", page_icon="💬", layout="centered")
    try:
        core = get_core()
    except Exception as exc:  # e.g. the model file is missing or its checksum is wrong: say what to do
        st.error(f"moien cannot start: {exc}")
        st.stop()
    state = st.session_state
    state.setdefault("session_id", uuid.uuid4().hex)
    state.setdefault("messages", [])
    state.setdefault("ui_lang", core.settings.ui_lang)

    with st.sidebar:
        lang = st.selectbox(
            u("ui_lang", state.ui_lang), list(i18n.LANGS), key="ui_lang",
            format_func=lambda c: i18n.lang_name(c, c).capitalize(),
        )
        names = ["auto", *core.assistants]
        picked = st.radio(
            u("assistant", lang), names, key="assistant",
            format_func=lambda n: u("auto", lang) if n == "auto" else core.assistants[n].title(lang),
        )
        if st.button(u("new_chat", lang), use_container_width=True):
            core.sessions.forget(state.session_id)
            state.session_id = uuid.uuid4().hex
            state.messages = []
            st.rerun()
        st.caption(f"{u('model', lang)}: {core.model_id}")
        st.caption(u("local", lang))

    st.title(u("title", lang))
    st.info(i18n.t("disclosure", lang), icon="ℹ️")

    for i, m in enumerate(state.messages):
        with st.chat_message(m["role"]):
            st.markdown(m["text"])
            if m["role"] == "assistant":
                render_sources(m.get("sources", []), m["meta"]["lang"])
                render_attachments(m.get("attachments", []), str(i), lang)
                render_meta(m["meta"], lang)

    question = st.chat_input(u("placeholder", lang))
    if not question:
        return
    state.messages.append({"role": "user", "text": question})
    with st.chat_message("user"):
        st.markdown(question)
    with st.chat_message("assistant"):
        with st.spinner(u("thinking", lang)):
            turn = core.turn(question, session_id=state.session_id,
                             assistant=None if picked == "auto" else picked, ui_lang=lang)
        answer_area = st.empty()
        sources = [s.model_dump() for s in turn.reply.sources]
        render_sources(sources, turn.reply.lang)  # sources first: they are known before the model writes
        with answer_area.container():
            st.write_stream(turn)
        reply = turn.reply
        meta = {"lang": reply.lang, "model": reply.model, "assistant": reply.assistant,
                "ai_generated": reply.ai_generated}
        attachments = [a.model_dump() for a in reply.attachments]
        render_attachments(attachments, str(len(state.messages)), lang)
        render_meta(meta, lang)
    state.messages.append({"role": "assistant", "text": reply.text, "attachments": attachments,
                           "sources": [s.model_dump() for s in reply.sources], "meta": meta})


main()
