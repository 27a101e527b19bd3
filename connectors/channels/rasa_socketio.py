"""Rasa's socket.io channel, served by moien: an existing Rasa front end (rasa-webchat…) works unchanged.

Byte-compatible with Rasa Open Source 3.6.21's ``SocketIOInput`` (``rasa/core/channels/socketio.py``), default
settings, at path ``/socket.io``:

* ``session_request {"session_id": id | null}`` → ``session_confirm`` with the id as a **bare string** (a new
  ``uuid4().hex`` when none was sent);
* ``user_uttered {"message", "session_id", "metadata" | "customData"}`` → one ``bot_uttered {"text"}`` per
  ``"\\n\\n"`` paragraph (as Rasa's ``send_text_message`` splits), quick replies on the last paragraph
  (``{"text", "quick_replies": [{"content_type": "text", "title", "payload"}]}``), images as
  ``{"attachment": {"type": "image", "payload": {"src"}}}``, then one custom payload ``{"moien": {...}}`` — the
  trust fields (language, sources, AI-generated, model, disclosure, kind; see ``turns.trust_fields``), sent as-is
  the way Rasa sends an action's custom JSON. Both ``metadata`` (Rasa's key) and ``customData`` (what rasa-webchat
  sends) are read. On a conversation's first turn the AI disclosure comes first, as its own ``bot_uttered`` text,
  so that a front end that knows nothing of moien still shows it (AI Act art. 50).

moien's additions, all ignored by front ends that do not know them (rasa-webchat drops unknown events):

* ``moien_reply {"session_id", "moien": {...}}`` once per answer, before its text: sources before the answer;
* ``moien_token {"session_id", "text"}`` for every piece of text as the model writes it (``text`` is the new
  piece, not the text so far). ``bot_uttered`` keeps Rasa's semantics (whole messages); a paragraph is sent as soon
  as it is complete, so rasa-webchat shows long answers paragraph by paragraph.

Who may connect: the handshake's ``Origin`` must be listed by a site (python-engineio answers CORS and refuses
other origins before any event), and the gate must accept the caller — a key in ``auth.token`` (``mpk_…`` or
``msk_…``), ``?site=mpk_…`` in the URL, or ``customData.site``; with no key, the site that lists the origin. An
SSO token travels in ``auth.user_token`` (or ``auth.token`` when it is not a moien key, as Rasa's ``jwt_key``
expects). Refusals raise ``ConnectionRefusedError`` with the gate's message and code.

Per connection, at most ``api.socket_events_per_minute`` events are handled; more are dropped with one short
notice (in the user's language) until the window frees up, so one flooding tab slows down only itself. Messages of
one connection are answered in order, one at a time, like Rasa's per-conversation lock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs

import socketio

from moien.assistants.core.config import Settings
from moien.assistants.core.i18n import LANGS, t
from moien.assistants.core.types import Reply
from moien.connectors.channels.access import SECRET_PREFIX, SITE_PREFIX, AccessDenied, Caller, Gate
from moien.connectors.channels.turns import Busy, TurnRunner, trust_fields
from moien.lang import pick

__all__ = ["NOTICES", "create_socketio", "rasa_messages"]

log = logging.getLogger(__name__)

#: Rasa's default event names and path (``credentials.yml``: ``user_message_evt``, ``bot_message_evt``).
USER_EVENT = "user_uttered"
BOT_EVENT = "bot_uttered"
SOCKETIO_PATH = "socket.io"
#: A session id is the client's to choose (Rasa accepts any); bounded so that it cannot bloat memory or Redis keys.
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")

#: This channel's own notices (the core's strings cover busy and errors).
NOTICES: dict[str, dict[str, str]] = {
    "flood": {
        "lb": "Dir schéckt ze vill Messagen hannereneen. Waart w.e.g. e Moment, da probéiert et nach eng Kéier.",
        "fr": "Vous envoyez trop de messages à la suite. Patientez un instant, puis réessayez.",
        "de": "Sie senden zu viele Nachrichten hintereinander. Bitte warten Sie einen Moment und versuchen Sie es "
        "dann erneut.",
        "en": "You are sending too many messages in a row. Please wait a moment, then try again.",
    },
    "session_not_yours": {
        "lb": "Dëst Gespréich gehéiert zu enger anerer Websäit. Lued d'Säit nei, fir en neit Gespréich unzefänken.",
        "fr": "Cette conversation appartient à un autre site. Rechargez la page pour commencer une nouvelle "
        "conversation.",
        "de": "Dieses Gespräch gehört zu einer anderen Website. Laden Sie die Seite neu, um ein neues Gespräch zu "
        "beginnen.",
        "en": "This conversation belongs to another site. Reload the page to start a new conversation.",
    },
    "rate_limited": {
        "lb": "Dir hutt am Moment ze vill Froe gestallt. Probéiert et w.e.g. an {seconds} Sekonnen nach eng Kéier.",
        "fr": "Trop de questions pour le moment. Réessayez dans {seconds} secondes.",
        "de": "Im Moment sind es zu viele Fragen. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
        "en": "Too many questions right now. Please try again in {seconds} seconds.",
    },
    "assistant_not_allowed": {
        "lb": "Dës Websäit däerf dësen Assistent net benotzen. Frot w.e.g. déi Responsabel vun der Websäit.",
        "fr": "Ce site n'a pas accès à cet assistant. Adressez-vous au responsable du site.",
        "de": "Diese Website darf diesen Assistenten nicht verwenden. Bitte wenden Sie sich an die "
        "Verantwortlichen der Website.",
        "en": "This site may not use this assistant. Please contact the site's administrator.",
    },
}


@dataclass
class _Connection:
    """What one socket.io connection carries between events (in this process: a socket lives in one process)."""

    caller: Caller
    lang: str | None
    session_id: str | None = None
    #: One answer at a time per connection, in order (Rasa locks per conversation the same way).
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    #: Set after the flood notice, so a flood gets one notice, not one per dropped event.
    flood_notified: bool = False


def _lang_from(value: object) -> str | None:
    """``lb``/``fr``/``de``/``en`` from a hint such as ``"fr"``, ``"de-LU"`` or an ``Accept-Language`` header."""
    if not isinstance(value, str):
        return None
    for part in value.split(","):
        code = part.strip()[:2].lower()
        if code in LANGS:
            return code
    return None


def _metadata(data: dict[str, Any]) -> dict[str, Any]:
    """Rasa's ``metadata`` or rasa-webchat's ``customData`` (a JSON string is parsed, as Rasa does)."""
    for key in ("metadata", "customData"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = None
        if isinstance(value, dict) and value:
            return value
    return {}


def _event_lang(data: object) -> str | None:
    """The language a front end asks for in an event's metadata (``language``, ``lang`` or ``locale``)."""
    if not isinstance(data, dict):
        return None
    metadata = _metadata(data)
    return _lang_from(metadata.get("language") or metadata.get("lang") or metadata.get("locale"))


def _session_id(value: object) -> str | None:
    return value if isinstance(value, str) and _SESSION_ID.match(value) else None


def _paragraphs(text: str) -> list[str]:
    """Rasa's ``text.strip().split("\\n\\n")``, without the empty messages it would send for blank paragraphs."""
    return [part for part in text.strip().split("\n\n") if part.strip()]


def rasa_messages(reply: Reply, text: str) -> list[dict[str, Any]]:
    """The ``bot_uttered`` payloads Rasa would send for this answer, trust payload last.

    ``text`` is the answer's text (``reply.text`` once streamed). Attachments that look like a Rasa action's
    output become Rasa's shapes: ``buttons`` → quick replies on the last paragraph, ``image`` → an image
    attachment; every attachment also travels whole in the ``moien`` payload.
    """
    messages: list[dict[str, Any]] = [{"text": part} for part in _paragraphs(text)]
    quick_replies = _quick_replies(reply)
    if quick_replies:
        # Rasa attaches every button to the last text fragment, and always has one (``or [text]``).
        messages = messages or [{"text": text.strip()}]
        messages[-1] = {**messages[-1], "quick_replies": quick_replies}
    messages += _images(reply)
    messages.append(_trust_payload(reply))
    return messages


def _quick_replies(reply: Reply) -> list[dict[str, Any]]:
    buttons = [b for a in reply.attachments for b in _list(a.data.get("buttons")) if isinstance(b, dict)]
    return [{"content_type": "text", "title": b.get("title"), "payload": b.get("payload")} for b in buttons]


def _images(reply: Reply) -> list[dict[str, Any]]:
    return [
        {"attachment": {"type": "image", "payload": {"src": a.data["image"]}}}
        for a in reply.attachments
        if isinstance(a.data.get("image"), str)
    ]


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _trust_payload(reply: Reply) -> dict[str, Any]:
    fields = trust_fields(reply)
    if reply.attachments:
        fields["attachments"] = [a.model_dump(mode="json") for a in reply.attachments]
    return {"moien": fields}


class _Channel:
    """The event handlers, with the runner, gate and live connections they share."""

    def __init__(self, sio: Any, runner: TurnRunner, gate: Gate, settings: Settings) -> None:
        self.sio = sio
        self.runner = runner
        self.gate = gate
        self.settings = settings
        self.connections: dict[str, _Connection] = {}

    # -- connection -------------------------------------------------------------------------------------------

    async def connect(self, sid: str, environ: dict[str, Any], auth: object) -> None:
        """Authenticate the handshake; raise ``ConnectionRefusedError`` (the client gets ``connect_error``)."""
        auth_data = auth if isinstance(auth, dict) else {}
        token = auth_data.get("token") if isinstance(auth_data.get("token"), str) else None
        user_token = auth_data.get("user_token") if isinstance(auth_data.get("user_token"), str) else None
        site_key = None
        if token and token.startswith((SITE_PREFIX, SECRET_PREFIX)):
            site_key = token
        elif token and not user_token:
            user_token = token  # Rasa's jwt_key reads the JWT from auth.token
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        site_key = site_key or next(iter(query.get("site", [])), None)
        scope = environ.get("asgi.scope") or {}
        # python-engineio's ASGI environ always says REMOTE_ADDR=127.0.0.1; the real peer is in the scope.
        client = scope.get("client") if isinstance(scope, dict) else None
        ip = str(client[0]) if client else "unknown"
        try:
            caller = await asyncio.to_thread(
                self.gate.authenticate,
                authorization=None,
                origin=environ.get("HTTP_ORIGIN"),
                user_token=user_token,
                ip=ip,
                site_key=site_key,
            )
        except AccessDenied as exc:
            self._count_refusal(exc)
            log.info("socket.io connection refused: %s %s", exc.status, exc.code)
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"status": exc.status, "code": exc.code}
            ) from None
        self.connections[sid] = _Connection(caller=caller, lang=_lang_from(environ.get("HTTP_ACCEPT_LANGUAGE")))

    async def disconnect(self, sid: str, *_: object) -> None:
        """Stop what the connection still had running (its model work) and forget it."""
        conn = self.connections.pop(sid, None)
        self.gate.forget_socket(sid)
        if conn is not None:
            for task in list(conn.tasks):
                task.cancel()

    # -- events -----------------------------------------------------------------------------------------------

    def _admit(self, sid: str, data: object) -> _Connection | None:
        """The connection, or ``None`` when this event must be dropped (flood, or unknown connection)."""
        conn = self.connections.get(sid)
        if conn is None:
            return None
        if self.gate.hit_socket_event(sid):
            conn.flood_notified = False
            return conn
        self._count_refusal(AccessDenied(429, "socket_flood", "too many socket.io events"))
        if not conn.flood_notified:
            conn.flood_notified = True
            lang = _event_lang(data) or conn.lang or self.settings.ui_lang
            self._spawn(conn, self._say(sid, pick(NOTICES, "flood", lang)))
        return None

    def _spawn(self, conn: _Connection, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        conn.tasks.add(task)
        task.add_done_callback(conn.tasks.discard)

    async def session_request(self, sid: str, data: object = None) -> None:
        """Confirm (and claim for this caller) the session the client asks for, or a new one."""
        conn = self._admit(sid, data)
        if conn is None:
            return
        payload = data if isinstance(data, dict) else {}
        metadata = _metadata(payload)
        session_id = _session_id(payload.get("session_id")) or uuid.uuid4().hex
        lang = _event_lang(payload) or conn.lang
        try:
            await self._rebind(conn, metadata)
            await self.runner.claim(session_id, conn.caller)
        except AccessDenied as exc:
            self._count_refusal(exc)
            await self._say(sid, self._notice(exc, lang))
            return
        except Exception as exc:  # the session store (Redis) is down: the client hears it, the log says why
            log.error("socket.io session request failed (%s: %s)", type(exc).__name__, exc)
            await self._say(sid, t("error", lang or self.settings.ui_lang, error=type(exc).__name__))
            return
        conn.session_id = session_id
        if lang:
            conn.lang = lang
        await self.sio.emit("session_confirm", session_id, to=sid)

    async def user_uttered(self, sid: str, data: object = None) -> None:
        """Answer one message, in order with the connection's other messages."""
        conn = self._admit(sid, data)
        if conn is None:
            return
        task = asyncio.current_task()
        if task is not None:
            conn.tasks.add(task)
        try:
            async with conn.lock:
                await self._answer(sid, conn, data if isinstance(data, dict) else {})
        finally:
            if task is not None:
                conn.tasks.discard(task)

    async def _answer(self, sid: str, conn: _Connection, data: dict[str, Any]) -> None:
        metadata = _metadata(data)
        message = data.get("message", "")
        text = message if isinstance(message, str) else ""
        session_id = _session_id(data.get("session_id")) or conn.session_id or sid
        lang = _event_lang(data) or conn.lang
        try:
            await self._rebind(conn, metadata)
        except AccessDenied as exc:
            self._count_refusal(exc)
            await self._say(sid, self._notice(exc, lang))
            return
        assistant = metadata.get("assistant") if isinstance(metadata.get("assistant"), str) else None
        try:
            assistant = self.gate.allowed_assistant(conn.caller, assistant)
            await asyncio.to_thread(self.gate.charge, conn.caller)
            started = await self.runner.start(
                text, caller=conn.caller, session_id=session_id, assistant=assistant, lang=lang, channel="socketio"
            )
        except AccessDenied as exc:
            self._count_refusal(exc)
            await self._say(sid, self._notice(exc, lang or self._guess_lang(text)))
            return
        except Busy:
            await self._say(sid, t("busy", lang or self._guess_lang(text)))
            return
        except Exception as exc:  # the client must hear something; the log gets the type, never the text
            log.exception("socket.io turn failed (%s)", type(exc).__name__)
            await self._say(sid, t("error", lang or self.settings.ui_lang, error=type(exc).__name__))
            return
        reply = started.reply
        # Everything after start() ends in aclose(): a client that leaves (its task is cancelled) or an emit that
        # fails while the disclosure is sent must not keep the turn's slot and the model busy for good.
        try:
            await self._emit(sid, "moien_reply", {"session_id": session_id, "moien": trust_fields(reply)})
            if reply.disclosure:
                await self._say(sid, reply.disclosure)
            if reply.notice:  # why the answer is in another language: before it, as moien's own line
                await self._say(sid, reply.notice)
            await self._stream(sid, session_id, started)
        except Exception as exc:  # the model or an assistant failed mid-answer: say so instead of going silent
            log.exception("socket.io answer failed while streaming (%s)", type(exc).__name__)
            await self._say(sid, t("error", lang or reply.lang, error=type(exc).__name__))
        finally:
            await started.aclose()

    async def _stream(self, sid: str, session_id: str, started: Any) -> None:
        """Send tokens as they come and each paragraph once complete; last paragraph, quick replies, trust."""
        buffer = ""
        first = True
        try:
            async for piece in started.chunks():
                if not piece:
                    continue
                await self._emit(sid, "moien_token", {"session_id": session_id, "text": piece})
                buffer += piece
                while "\n\n" in buffer:
                    done, buffer = buffer.split("\n\n", 1)
                    # Rasa strips the whole text before splitting: the first paragraph loses leading space.
                    done = done.lstrip() if first else done
                    if done.strip():
                        first = False
                        await self._emit(sid, BOT_EVENT, {"text": done})
        finally:
            await started.aclose()
        reply: Reply = started.reply
        tail = buffer.lstrip() if first else buffer
        for payload in rasa_messages(reply, tail):
            await self._emit(sid, BOT_EVENT, payload)

    async def _rebind(self, conn: _Connection, metadata: dict[str, Any]) -> None:
        """Honour ``customData.site`` (rasa-webchat cannot send it in the handshake): the connection becomes that
        site's, if the handshake's origin is one the site lists; the signed-in user stays."""
        key = metadata.get("site")
        if not isinstance(key, str) or not key.startswith(SITE_PREFIX):
            return
        caller = await asyncio.to_thread(
            self.gate.authenticate,
            authorization=None,
            origin=conn.caller.origin,
            user_token=None,
            ip=conn.caller.ip,
            site_key=key,
        )
        if caller.owner != conn.caller.owner:
            conn.caller = replace(caller, user=conn.caller.user)

    # -- helpers ----------------------------------------------------------------------------------------------

    async def _emit(self, sid: str, event: str, payload: object) -> None:
        await self.sio.emit(event, payload, to=sid)

    async def _say(self, sid: str, text: str) -> None:
        await self._emit(sid, BOT_EVENT, {"text": text})

    def _notice(self, exc: AccessDenied, lang: str | None) -> str:
        """A refusal in the user's language (the English message of ``exc`` is for developers and logs)."""
        lang = lang or self.settings.ui_lang
        if exc.code == "session_not_yours":
            return pick(NOTICES, "session_not_yours", lang)
        if exc.status == 429:
            return pick(NOTICES, "rate_limited", lang, seconds=exc.retry_after or 60)
        if exc.code == "assistant_not_allowed":
            return pick(NOTICES, "assistant_not_allowed", lang)
        return exc.message

    def _guess_lang(self, text: str) -> str:
        """The message's language for a notice sent before any answer (the core decides it for answers)."""
        from moien.assistants.core.langid import default_identifier

        lang = str(default_identifier().identify(text).lang) if text.strip() else "other"
        return lang if lang in LANGS else self.settings.ui_lang

    def _count_refusal(self, exc: AccessDenied) -> None:
        self.runner.metrics.refusals.labels(status=str(exc.status), code=exc.code).inc()


def create_socketio(runner: TurnRunner, gate: Gate, settings: Settings) -> Any:
    """Rasa's socket.io channel over ``runner``; mount with ``socketio.ASGIApp(sio, other_asgi_app=app)``.

    CORS is the gate's: python-engineio asks ``gate.allowed_origin`` for each request's ``Origin`` and refuses the
    handshake from any other origin (requests without an ``Origin``, from servers, are authenticated by key).
    """
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins=lambda origin, _environ=None: gate.allowed_origin(origin),
        # No cookies or HTTP auth across origins (engineio's default is to allow them): keys and tokens travel in
        # the handshake's auth object, as on the HTTP routes.
        cors_credentials=False,
        # A message larger than the API's body limit closes the connection, as the HTTP routes answer 413.
        max_http_buffer_size=settings.api.max_body_bytes,
        logger=False,
        engineio_logger=False,
    )
    channel = _Channel(sio, runner, gate, settings)
    sio.on("connect", channel.connect)
    sio.on("disconnect", channel.disconnect)
    sio.on("session_request", channel.session_request)
    sio.on(USER_EVENT, channel.user_uttered)
    return sio
