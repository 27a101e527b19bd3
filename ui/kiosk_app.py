"""The museum kiosk: visitors ask about the collection in Luxembourgish, French, German or English.

Full screen and made for touch: four language buttons, large type, suggested questions, the object's
picture, "tell me more" and "related objects" buttons. After ``MOIEN_HERITAGE__KIOSK_IDLE_SECONDS`` without a
touch (default 90) the conversation is wiped — on screen and in the core's session memory — and the
kiosk returns to its welcome screen in the default language. Nothing personal is stored: messages
live only in this browser session and the core's bounded memory, and are never logged. Everything
(model, index, images) is on this machine, so the kiosk keeps working with the network cable pulled.

Start with ``moien heritage kiosk`` (or ``streamlit run ui/kiosk_app.py``). Layout only: the answers come
from the shared core and the ``heritage`` assistant, loaded through the plugin hooks like any other (the page
imports no plugin). Pictures and related objects come from the collection itself, read through the heritage
package's own read-only ``RecordStore`` (one more SQLite reader beside the assistant's).
"""

from __future__ import annotations

import os
import time
import uuid
from typing import TYPE_CHECKING, Any

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import streamlit as st

from moien.assistants.core import i18n
from moien.assistants.core.config import get_settings
from moien.assistants.core.engine import Core
from moien.lang import LANGS, own_name, pick
from moien.ui.common import md_text, picture_roots, secondary, show_markdown, show_picture, stream_markdown

if TYPE_CHECKING:
    from streamlit.runtime.state import SessionStateProxy as SessionState

    from moien.heritage.store import RecordStore

#: ``MOIEN_HERITAGE__KIOSK_IDLE_SECONDS`` (``moien heritage kiosk --idle``).
IDLE_SECONDS = get_settings().heritage.kiosk_idle_seconds

UI = {
    "title": {
        "lb": "Frot eis iwwer d'Sammlung",
        "fr": "Posez vos questions sur la collection",
        "de": "Fragen Sie uns zur Sammlung",
        "en": "Ask us about the collection",
    },
    "welcome": {
        "lb": "Tippt op eng Fro oder schreift Är eege Fro.",
        "fr": "Touchez une question ou écrivez la vôtre.",
        "de": "Tippen Sie auf eine Frage oder schreiben Sie Ihre eigene.",
        "en": "Tap a question or type your own.",
    },
    "placeholder": {"lb": "Är Fro…", "fr": "Votre question…", "de": "Ihre Frage…", "en": "Your question…"},
    "more": {"lb": "Erziel mer méi", "fr": "Dites-m'en plus", "de": "Erzähl mir mehr", "en": "Tell me more"},
    "related": {
        "lb": "Ähnlech Objeten weisen",
        "fr": "Montrer des objets liés",
        "de": "Verwandte Objekte zeigen",
        "en": "Show related objects",
    },
    "about": {
        "lb": "Erziel mer méi iwwer „{title}“",
        "fr": "Dites-m'en plus sur « {title} »",
        "de": "Erzähl mir mehr über „{title}“",
        "en": "Tell me more about “{title}”",
    },
    "related_title": {"lb": "Ähnlech Objeten", "fr": "Objets liés", "de": "Verwandte Objekte", "en": "Related objects"},
    "restart": {"lb": "Nei ufänken", "fr": "Recommencer", "de": "Neu beginnen", "en": "Start again"},
    "thinking": {
        "lb": "Ech sichen an der Sammlung…",
        "fr": "Je cherche dans la collection…",
        "de": "Ich suche in der Sammlung…",
        "en": "Searching the collection…",
    },
    "idle_note": {
        "lb": "Fir Är Privatsphär gëtt d'Gespréich no {s} Sekonnen ouni Beréierung geläscht.",
        "fr": "Pour votre vie privée, la conversation s'efface après {s} secondes sans contact.",
        "de": "Zum Schutz Ihrer Privatsphäre wird das Gespräch nach {s} Sekunden ohne Berührung gelöscht.",
        "en": "For your privacy, the conversation is erased after {s} seconds without a touch.",
    },
    "unavailable": {
        "lb": "De Kiosk ass am Moment net disponibel.",
        "fr": "Le kiosque est momentanément indisponible.",
        "de": "Der Kiosk ist gerade nicht verfügbar.",
        "en": "The kiosk is unavailable right now.",
    },
    "you": {"lb": "Dir", "fr": "Vous", "de": "Sie", "en": "You"},
}
SUGGESTIONS = {
    "lb": [
        "Wien huet d'Buerg vu Veianen gemoolt?",
        "Wat ass d'Sprangprëssessioun?",
        "Hutt dir Fotoe vun der Schmelz?",
        "Wéi huet eng Karbidluucht funktionéiert?",
    ],
    "fr": [
        "Qui a peint le château de Vianden ?",
        "Qu'est-ce que la procession dansante d'Echternach ?",
        "Avez-vous des photos des hauts fourneaux ?",
        "Comment fonctionnait une lampe de mineur ?",
    ],
    "de": [
        "Wer hat die Burg Vianden gemalt?",
        "Was ist die Springprozession?",
        "Haben Sie Fotos vom Hüttenwerk?",
        "Wie funktionierte eine Karbidlampe?",
    ],
    "en": [
        "Who painted Vianden castle?",
        "What is the dancing procession of Echternach?",
        "Do you have photos of the steelworks?",
        "How did a miner's carbide lamp work?",
    ],
}

CSS = """
<style>
  #MainMenu, header, footer, [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"] {display: none !important;}
  .block-container {padding-top: 1rem; max-width: 1200px;}
  html, body, [class*="st-"] {font-size: 24px;}
  .stButton button {min-height: 72px; font-size: 24px !important; border-radius: 18px; width: 100%;}
  .stButton button p {font-size: 24px !important;}
  .kiosk-title {font-size: 46px; font-weight: 700; margin: 0.4rem 0 0.8rem 0;}
  .kiosk-answer {font-size: 30px; line-height: 1.45; padding: 0.6rem 0;}
  .kiosk-question {font-size: 26px; color: #555; padding-top: 0.6rem;}
  .kiosk-sources {font-size: 20px; color: #444;}
  .kiosk-note {font-size: 18px; color: #666;}
  [data-testid="stChatInput"] textarea {font-size: 26px !important; min-height: 64px;}
</style>
"""


def u(key: str, lang: str, **kw: object) -> str:
    return pick(UI, key, lang, **kw)


def lang_button(code: str) -> str:
    """A language button's label: the language's own name, capitalised as a button starts ("Français")."""
    name = own_name(code)
    return name[:1].upper() + name[1:]


@st.cache_resource(show_spinner=False)
def get_core() -> Core:
    """A core that serves only the heritage assistant: a kiosk answers about the collection, nothing else."""
    from moien.assistants.core.plugins import load_assistants

    settings = get_settings()
    assistants = load_assistants(settings, only=("heritage",))
    for assistant in assistants.values():
        assistant.warm_up()  # load (or build) the index now, not at the first visitor's question
    return Core(settings, assistants=assistants)


def wipe(state: SessionState, core: Core | None, lang: str | None = None) -> None:
    """Forget the conversation everywhere: screen, this session's state and the core's memory."""
    if core is not None and state.get("session_id"):
        core.sessions.forget(state.session_id)
    state.session_id = uuid.uuid4().hex
    state.turns = []
    state.pending = None
    state.lang = lang or (core.settings.ui_lang if core is not None else "lb")
    state.last_touch = time.time()


def touched(state: SessionState) -> None:
    state.last_touch = time.time()


def ask(text: str) -> None:
    st.session_state.pending = text
    touched(st.session_state)


@st.fragment(run_every=1.0)
def idle_watch() -> None:
    state = st.session_state
    if state.get("turns") and time.time() - state.get("last_touch", time.time()) > IDLE_SECONDS:
        wipe(state, get_core())
        st.rerun(scope="app")


def show_turn(turn: dict[str, Any], lang: str, core: Core, latest: bool) -> None:
    st.markdown(f"<div class='kiosk-question'>{u('you', lang)}: {_esc(turn['question'])}</div>", unsafe_allow_html=True)
    cols = st.columns([3, 2]) if turn.get("image") else [st.container()]
    with cols[0]:
        st.markdown(f"<div class='kiosk-answer'>{_esc(turn['answer'])}</div>", unsafe_allow_html=True)
        if turn["sources"]:
            items = " · ".join(f"[{i}] {_esc(s['title'])}" for i, s in enumerate(turn["sources"], 1))
            st.markdown(
                f"<div class='kiosk-sources'>{i18n.t('sources', turn['lang'])}: {items}</div>", unsafe_allow_html=True
            )
        if turn.get("ai"):
            secondary(i18n.t("ai_label", turn["lang"]))
    if turn.get("image"):
        with cols[1]:
            alt = turn["sources"][0]["title"] if turn.get("sources") else ""
            show_picture(turn["image"], picture_roots(core.settings.home), lang, width="stretch", alt=alt)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


@st.cache_resource(show_spinner=False)
def records() -> RecordStore:
    """The collection, read for pictures and related objects (the answers come from the core). Opened after
    :func:`get_core`, whose warm-up may have loaded the demo into an empty store."""
    from moien.heritage.store import RecordStore

    return RecordStore.open(get_settings().home)


def related_of(core: Core, source_ids: list[str], lang: str) -> list[dict[str, Any]]:
    from moien.heritage.views import summary

    if not source_ids:
        return []
    store = records()
    rec = store.get(source_ids[0])
    if rec is None:
        return []
    ids = list(dict.fromkeys(e.value for e in rec.related()))[:3]
    found = store.get_many(ids)
    return [summary(found[i], lang, core.settings.home) for i in ids if i in found]


def image_for(core: Core, source_ids: list[str]) -> str | None:
    from moien.heritage.views import image_path

    store = records()
    for rid in source_ids[:1]:
        rec = store.get(rid)
        if rec is not None:
            p = image_path(rec, core.settings.home)
            if p:
                return str(p)
    return None


def main() -> None:
    st.set_page_config(page_title="moien · kiosk", page_icon="🏛️", layout="wide", initial_sidebar_state="collapsed")
    st.markdown(CSS, unsafe_allow_html=True)
    state = st.session_state
    try:
        core = get_core()
    except Exception as exc:  # model missing, index unreadable: say so in four languages, keep the screen up
        st.error(" / ".join(UI["unavailable"][lang] for lang in LANGS))
        secondary(str(exc))
        st.stop()
    if "session_id" not in state:
        wipe(state, core)
    touched(state)  # every full run of the script is a visitor's touch; the idle watcher runs on its own
    lang = state.lang

    cols = st.columns(4)
    for col, code in zip(cols, LANGS):
        if col.button(
            lang_button(code), key=f"lang-{code}", type="primary" if code == lang else "secondary", width="stretch"
        ):
            state.lang = code
            st.rerun()

    st.markdown(f"<div class='kiosk-title'>{u('title', lang)}</div>", unsafe_allow_html=True)
    st.info(i18n.t("disclosure", lang), icon="ℹ️")

    typed = st.chat_input(u("placeholder", lang), key="kiosk-input")
    if typed:
        ask(typed)

    if state.pending:
        question, state.pending = state.pending, None
        with st.spinner(u("thinking", lang)):
            turn = core.turn(question, session_id=state.session_id, assistant="heritage", ui_lang=lang)
        reply = turn.reply
        ids = [s.id for s in reply.sources]
        image = image_for(core, ids)
        st.markdown(f"<div class='kiosk-question'>{u('you', lang)}: {_esc(question)}</div>", unsafe_allow_html=True)
        area = st.columns([3, 2]) if image else [st.container()]
        if image:
            # the picture shows before the model writes; only from moien's image folders, only real pictures
            alt = reply.sources[0].title if reply.sources else ""
            show_picture(image, picture_roots(core.settings.home), lang, area[1], width="stretch", alt=alt)
        with area[0]:
            if reply.notice:  # why the answer is in another language than the visitor's question
                secondary(md_text(reply.notice))
            stream_markdown(turn)  # model output: no image, raw HTML or script link reaches the browser
        state.turns.append(
            {
                "question": question,
                "answer": reply.text,
                "lang": reply.lang,
                "image": image,
                "sources": [{"id": s.id, "title": s.title} for s in reply.sources],
                "ai": reply.ai_generated,
                "kind": reply.kind,
            }
        )
        touched(state)
        st.rerun()

    if state.turns:
        latest = state.turns[-1]
        show_turn(latest, lang, core, latest=True)
        if latest["sources"]:
            b1, b2 = st.columns(2)
            b1.button(u("more", lang), key="btn-more", on_click=ask, args=(u("more", lang),), width="stretch")
            b2.button(u("related", lang), key="btn-related", on_click=ask, args=(u("related", lang),), width="stretch")
            related = related_of(core, [s["id"] for s in latest["sources"]], lang)
            if related:
                st.subheader(u("related_title", lang))
                tiles = st.columns(len(related))
                for tile, item in zip(tiles, related):
                    with tile:
                        if item["image"]:
                            home = picture_roots(core.settings.home)
                            show_picture(item["image"], home, lang, width="stretch", alt=item["title"])
                        st.button(
                            md_text(item["title"]),  # a button label renders Markdown; the title is metadata
                            key=f"rel-{item['id']}",
                            on_click=ask,
                            args=(u("about", lang, title=item["title"]),),
                            width="stretch",
                        )
        for earlier in reversed(state.turns[:-1][-2:]):
            with st.expander(md_text(earlier["question"])):
                show_markdown(earlier["answer"])
        st.button(u("restart", lang), key="btn-restart", on_click=lambda: wipe(state, core), width="stretch")
    else:
        st.markdown(f"<div class='kiosk-note'>{u('welcome', lang)}</div>", unsafe_allow_html=True)
        for i, question in enumerate(SUGGESTIONS[lang]):
            st.button(question, key=f"suggest-{i}", on_click=ask, args=(question,), width="stretch")
    st.markdown(f"<div class='kiosk-note'>{u('idle_note', lang, s=int(IDLE_SECONDS))}</div>", unsafe_allow_html=True)
    idle_watch()


main()
