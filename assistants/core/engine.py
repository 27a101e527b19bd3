"""The shared assistant core: one turn = clean → identify language → route → ground → generate → trust.

``Core.turn()`` returns a ``Turn`` at once: its ``reply`` already carries the language, the sources and
the disclosure (so a UI shows the sources before the model starts writing); iterating the turn streams
the answer text; when the iteration ends ``reply.text`` holds the whole answer.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from moien.assistants.core import i18n
from moien.assistants.core.assistant import Assistant, AssistantUnavailable
from moien.assistants.core.config import Settings, get_settings
from moien.assistants.core.langid import LangResult, default_identifier
from moien.assistants.core.plugins import load_assistants
from moien.assistants.core.router import Route, Router
from moien.assistants.core.session import Session, SessionStore
from moien.assistants.core.text import cap_words
from moien.assistants.core.trust import clean_message, configure_logging, is_jailbreak, redact
from moien.assistants.core.types import Grounding, Query, Reply
from moien.connectors.llm.model_store import ModelError, resolve_model_path
from moien.connectors.llm.runtime import ChatMessage, ChatModel, GenerationStats, ModelBusy, get_model

log = logging.getLogger("moien.core")

_LANG_FOR_PROMPT = {
    "lb": "Luxembourgish (Lëtzebuergesch)",
    "fr": "French (français)",
    "de": "German (Deutsch)",
    "en": "English",
}

DEFAULT_WORDS = 120
SYSTEM_PROMPT = (
    "You are moien, a helpful assistant of the Luxembourg public sector. "
    "Answer ONLY from the numbered sources given with the question and cite them in square brackets, "
    "like [1] or [2]. If the sources do not answer the question, say that you do not know. "
    "Never invent facts, names, dates or codes. Be brief: at most {words} words. "
    "Write your whole answer in {language}."
)


class _LazyModel:
    """Hands an assistant the shared model without loading it until the assistant generates."""

    def __init__(self, core: Core) -> None:
        self._core = core

    @property
    def model_id(self) -> str:
        return self._core.model_id

    def stream_chat(self, *args, **kwargs):
        return self._core.model.stream_chat(*args, **kwargs)

    def stream_json(self, *args, **kwargs):
        return self._core.model.stream_json(*args, **kwargs)


@dataclass
class Turn:
    """One turn in flight. Iterate it for the streamed text; ``reply`` is complete afterwards."""

    reply: Reply
    _chunks: Iterator[str]
    stats: GenerationStats | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self._chunks

    def complete(self) -> Reply:
        for _ in self:
            pass
        return self.reply


class Core:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        assistants: dict[str, Assistant] | None = None,
        model: ChatModel | None = None,
        router: Router | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        configure_logging(self.settings.log_messages)
        self.assistants = assistants if assistants is not None else load_assistants(self.settings)
        self._model = model
        self._model_lock = threading.Lock()
        if model is None:
            self.check_model()
        self.sessions = SessionStore(self.settings.max_sessions, self.settings.max_turns)
        self.langid = default_identifier()
        self.router = router or Router(self.assistants, self.settings.default_assistant, self.settings.home)

    # -- the model is loaded on first use, so canned replies never wait for it ---------------------
    @property
    def model(self) -> ChatModel:
        with self._model_lock:
            if self._model is None:
                self._model = get_model(self.settings)
            return self._model

    def check_model(self) -> None:
        """Fail at start-up, not at the first question, when the model file is missing or altered.

        Raises ``ModelError`` naming the fix. Cheap after the first check (the verification is remembered).
        """
        m = self.settings.model
        if m.backend == "llama_cpp" and not m.openai_base_url:
            resolve_model_path(m.name, m.path, self.settings.model_cache_dir)

    @property
    def model_id(self) -> str:
        if self._model is not None:
            return self._model.model_id
        m = self.settings.model
        if m.openai_base_url and m.openai_model:
            return m.openai_model
        return m.path.stem if m.path else m.name

    # -- the turn ----------------------------------------------------------------------------------
    def ask(self, message: str, **kwargs) -> Reply:
        """Non-streaming convenience: the whole reply."""
        return self.turn(message, **kwargs).complete()

    def turn(
        self,
        message: str | bytes,
        *,
        session_id: str | None = None,
        assistant: str | None = None,
        ui_lang: str | None = None,
    ) -> Turn:
        session = self.sessions.get(session_id or uuid.uuid4().hex)
        ui_lang = ui_lang if ui_lang in i18n.LANGS else self.settings.ui_lang
        if isinstance(message, bytes):
            message = message.decode("utf-8", errors="replace")
        text = clean_message(message or "")
        started = time.perf_counter()

        if len(text) > self.settings.max_message_chars:
            lang = self._decide_lang(text[:2000], session, ui_lang).lang
            lang = lang if lang in i18n.LANGS else (session.last_lang or ui_lang)
            return self._canned(
                session,
                lang,
                "invalid_input",
                i18n.t("too_long", lang, length=len(text), limit=self.settings.max_message_chars),
            )
        if not text:
            lang = session.last_lang or ui_lang
            return self._canned(session, lang, "invalid_input", i18n.t("empty_message", lang))

        decision = self._decide_lang(text, session, ui_lang)
        lang = decision.lang if decision.lang in i18n.LANGS else (session.last_lang or ui_lang)
        if decision.lang in i18n.LANGS and decision.is_confident:
            session.last_lang = decision.lang

        if is_jailbreak(text):
            return self._canned(session, lang, "out_of_scope", self._capabilities(lang), reason=decision.reason)

        route: Route = self.router.route(text, explicit=assistant)
        if route.assistant is None:
            if route.unknown:
                available = ", ".join(self.assistants) or "-"
                return self._canned(
                    session,
                    lang,
                    "invalid_input",
                    i18n.t("unknown_assistant", lang, name=route.unknown, available=available),
                    reason=decision.reason,
                )
            return self._canned(session, lang, "out_of_scope", self._capabilities(lang), reason=decision.reason)
        helper = self.assistants[route.assistant]
        session.last_assistant = helper.name

        state = session.extra.setdefault(helper.name, {})
        query = Query(
            text=text, lang=lang, session_id=session.id, history=session.history(), state=state, intent=route.intent
        )
        try:
            grounding = helper.ground(query)
        except AssistantUnavailable as exc:
            log.warning("assistant %s unavailable: %s", helper.name, exc.detail)
            return self._canned(
                session,
                lang,
                "unavailable",
                i18n.t("unavailable", lang, service=helper.service_name(lang)),
                assistant=helper.name,
                reason=decision.reason,
                remember=text,
            )
        except Exception as exc:  # a broken plugin or query must not crash the channel
            log.exception("assistant %s failed to ground a query", helper.name)
            return self._canned(
                session,
                lang,
                "error",
                i18n.t("error", lang, error=type(exc).__name__),
                assistant=helper.name,
                reason=decision.reason,
                remember=text,
            )
        if grounding.empty and route.reason == "out_of_scope":
            return self._canned(
                session,
                lang,
                "out_of_scope",
                self._capabilities(lang),
                assistant=helper.name,
                reason=decision.reason,
                remember=text,
            )
        if grounding.empty:
            return self._canned(
                session,
                lang,
                "no_answer",
                i18n.t("no_answer", lang),
                assistant=helper.name,
                reason=decision.reason,
                remember=text,
            )

        disclosure = self._disclose(session, lang)
        reply = Reply(
            text="",
            lang=lang,
            sources=grounding.sources,
            ai_generated=True,
            model=self.model_id,
            disclosure=disclosure,
            assistant=helper.name,
            kind="answer",
            lang_reason=decision.reason,
            session_id=session.id,
        )
        stats = GenerationStats()
        log.info(
            "turn session=%s assistant=%s lang=%s sources=%d",
            session.id[:8],
            helper.name,
            lang,
            len(grounding.sources),
            extra={"message_text": text},
        )
        own = helper.respond(query, grounding, _LazyModel(self))
        if own is not None:
            if own.lang:
                reply.lang = own.lang
            return Turn(reply, self._relay(reply, own, session, text, started), stats)
        messages = self.build_messages(helper, query, grounding)
        chunks = self._generate(reply, messages, session, text, stats, started, helper)
        return Turn(reply, chunks, stats)

    # -- steps -------------------------------------------------------------------------------------
    def _decide_lang(self, text: str, session: Session, ui_lang: str) -> LangResult:
        return self.langid.identify(text, session_lang=session.last_lang, ui_lang=ui_lang)

    def build_messages(self, helper: Assistant, query: Query, grounding: Grounding) -> list[ChatMessage]:
        language = _LANG_FOR_PROMPT[query.lang]
        system = SYSTEM_PROMPT.format(words=helper.max_words or DEFAULT_WORDS, language=language)
        extra = helper.instructions(query.lang)
        if extra:
            system += " " + extra
        messages: list[ChatMessage] = [{"role": "system", "content": system}]
        for role, content in query.history[-4:]:
            messages.append({"role": role, "content": content})
        sources = "\n".join(f"[{i}] {passage}" for i, passage in enumerate(grounding.passages, 1))
        if grounding.instructions:
            sources += "\n\n" + grounding.instructions
        messages.append(
            {
                "role": "user",
                "content": f"Sources:\n{sources}\n\nQuestion: {query.text}\n\nAnswer in {language}, citing sources like [1].",
            }
        )
        return messages

    def _generate(
        self,
        reply: Reply,
        messages: list[ChatMessage],
        session: Session,
        text: str,
        stats: GenerationStats,
        started: float,
        helper: Assistant,
    ) -> Iterator[str]:
        parts: list[str] = []
        max_tokens = min(self.settings.model.max_tokens, helper.max_tokens or self.settings.model.max_tokens)
        try:
            model = self.model
            pieces = model.stream_chat(
                messages, max_tokens=max_tokens, temperature=self.settings.model.temperature, stats=stats
            )
            if helper.max_words:
                pieces = cap_words(pieces, helper.max_words)
            for piece in pieces:
                parts.append(piece)
                yield piece
        except ModelBusy:
            busy = i18n.t("busy", reply.lang)
            reply.kind, reply.ai_generated, reply.sources = "busy", False, []
            parts = [busy]
            yield busy
        except Exception as exc:  # the turn must never crash a channel; the user is told what happened
            log.exception("generation failed")
            detail = str(exc) if isinstance(exc, ModelError) else type(exc).__name__
            msg = i18n.t("error", reply.lang, error=detail)
            reply.kind, reply.ai_generated, reply.sources = "error", False, []
            parts = [msg]
            yield msg
        reply.text = "".join(parts).strip()
        session.turns.append(("user", redact(text)))
        if reply.kind == "answer":
            session.turns.append(("assistant", redact(reply.text)))
        log.info(
            "turn done session=%s kind=%s tokens=%d ttft=%.2fs total=%.2fs",
            session.id[:8],
            reply.kind,
            stats.completion_tokens,
            stats.time_to_first_token,
            time.perf_counter() - started,
        )

    def _relay(self, reply: Reply, own, session: Session, text: str, started: float) -> Iterator[str]:
        """Stream an assistant's own response, with the same fault handling as the core's answers."""
        parts: list[str] = []
        try:
            for piece in own.chunks:
                parts.append(piece)
                yield piece
            reply.attachments = list(own.attachments)
            reply.ai_generated = own.ai_generated
            if own.lang:
                reply.lang = own.lang
        except ModelBusy:
            busy = i18n.t("busy", reply.lang)
            reply.kind, reply.ai_generated, reply.sources = "busy", False, []
            parts = [busy]
            yield busy
        except Exception as exc:
            log.exception("assistant response failed")
            detail = str(exc) if isinstance(exc, ModelError) else type(exc).__name__
            msg = i18n.t("error", reply.lang, error=detail)
            reply.kind, reply.ai_generated, reply.sources = "error", False, []
            parts = [msg]
            yield "\n\n" + msg
        reply.text = "".join(parts).strip()
        session.turns.append(("user", redact(text)))
        if reply.kind == "answer":
            session.turns.append(("assistant", redact(reply.text[:2000])))
        log.info("turn done session=%s kind=%s total=%.2fs", session.id[:8], reply.kind, time.perf_counter() - started)

    def _disclose(self, session: Session, lang: str) -> str | None:
        if session.disclosed:
            return None
        session.disclosed = True
        return i18n.t("disclosure", lang)

    def _capabilities(self, lang: str) -> str:
        lines = [f"- {a.title(lang)}: {a.description(lang)}" for a in self.assistants.values()]
        return i18n.t("out_of_scope", lang, capabilities="\n".join(lines))

    def _canned(
        self,
        session: Session,
        lang: str,
        kind: str,
        text: str,
        *,
        assistant: str | None = None,
        reason: str = "",
        remember: str | None = None,
    ) -> Turn:
        """A reply written by people, not by the model (so ``ai_generated`` is false)."""
        if remember:
            session.turns.append(("user", redact(remember)))
        reply = Reply(
            text=text,
            lang=lang,
            sources=[],
            ai_generated=False,
            model=self.model_id,
            disclosure=self._disclose(session, lang),
            assistant=assistant,
            kind=kind,  # type: ignore[arg-type]
            lang_reason=reason,
            session_id=session.id,
        )
        return Turn(reply, iter([text]))

    def close(self) -> None:
        for a in self.assistants.values():
            a.close()
