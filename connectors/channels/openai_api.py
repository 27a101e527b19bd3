"""The OpenAI-compatible API: ``GET /v1/models`` and ``POST /v1/chat/completions`` (streamed or not).

Any OpenAI client (the official ``openai`` package, LangChain, a chat UI) talks to moien with
``base_url=".../v1"`` and a secret key. Each assistant is a *model*, plus ``auto`` (moien's router picks one).

What moien adds, and why:

- **Trust fields** in an extension object ``moien`` (language, sources, AI marking, model, disclosure, kind, session):
  on the response's top level, and when streaming in the *first* chunk, before any text, so a client shows the
  sources and the disclosure before the answer; the last chunk carries it again with the final state (an answer
  that failed half-way has no sources any more). Clients that do not know the field ignore it. ``verified`` is
  ``null`` in the first chunk (the answer is checked only once written) and ``true``/``false`` in the last one, with
  the answer guardrail's ``verification``; a retracted answer ends with kind ``unverified`` and the notice as its
  last paragraph (the text of a non-streamed response is the notice alone).
- **Sessions**: without ``moien.session_id`` every request is a new conversation whose memory is seeded from the
  request's earlier user/assistant messages (redacted, as the core keeps all memory). With it, the server's
  memory is used and earlier messages are ignored. The session id comes back in ``moien.session_id``.
- **What is ignored**: ``system`` (and ``developer``) messages — the trust layer's system prompt (answer only from
  the sources, cite them, say when you do not know) is not overridable by a caller; ``temperature``, ``top_p``,
  ``max_tokens`` and other sampling options — the operators configure the model (``MOIEN_MODEL__*``) for every
  channel alike; ``user`` — OpenAI's free-text end-user label is not an identity (single sign-on uses a signed
  ``X-Moien-User-Token``); ``n`` > 1, tools and response formats are not offered.
- **The AI disclosure** is in ``moien.disclosure`` on a conversation's first turn; a request without the ``moien``
  object (a plain OpenAI client, which would not show the extension) also gets it as the first paragraph of the
  text, so the person is told in any chat UI.
- **Bad input** (an empty or whitespace-only question, invalid UTF-8) is answered like on every other channel: the
  core's own reply in the user's language (``moien.kind == "invalid_input"``), with status 200.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Body, Depends, Request, Response, Security
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from moien.assistants.core.types import Reply, ReplyKind, Speaker, Verification
from moien.connectors.channels.access import Caller, Gate
from moien.connectors.channels.errors import ApiError, error_body, error_type
from moien.connectors.channels.turns import StartedTurn, TurnRunner, trust_fields

#: Seconds between SSE comment lines while the model thinks, so proxies do not close an idle stream.
KEEPALIVE_SECONDS = 15.0
#: ``created`` of every model: when this process started (the assistants are loaded then).
STARTED = int(time.time())


# -- the body may be any bytes: invalid UTF-8 reaches the core, like on every other channel ----------------------


class _LenientRequest(Request):
    """A request whose body is valid UTF-8: invalid bytes become U+FFFD, exactly as the core decodes bytes.

    Why: FastAPI answers a body with invalid UTF-8 with a bare 400; moien answers every channel's bad input with
    the core's clear reply instead, so the invalid bytes are replaced before the JSON is parsed.
    """

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            raw = await super().body()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                raw = raw.decode("utf-8", errors="replace").encode("utf-8")
            self._body = raw
        return self._body


class LenientRoute(APIRoute):
    """An ``APIRoute`` that hands its endpoint a :class:`_LenientRequest` (FastAPI's documented extension point)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def lenient(request: Request) -> Response:
            return await handler(_LenientRequest(request.scope, request.receive))

        return lenient


# -- request and response models (the OpenAPI schema is generated from them) ------------------------------------


class TextPart(BaseModel):
    """One part of a message's content; only text parts are read (``image_url`` parts are refused, 422)."""

    type: Literal["text"]
    text: str


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[TextPart] | None = None
    name: str | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(part.text for part in self.content)
        return self.content or ""


class StreamOptions(BaseModel):
    include_usage: bool = False


class MoienOptions(BaseModel):
    """moien's request extension (``extra_body={"moien": {...}}`` with the ``openai`` client)."""

    #: Continue this conversation (the value ``moien.session_id`` of an earlier response); ``null`` starts one.
    session_id: str | None = Field(default=None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:\-]+$")
    #: The user interface's language: used for replies when the message's own language is unclear.
    lang: Literal["lb", "fr", "de", "en"] | None = None


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat completion request; fields moien does not use are accepted and ignored (see the module)."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1, max_length=100, description="An assistant's name (see /v1/models) or `auto`.")
    messages: list[MessageIn] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: StreamOptions | None = None
    temperature: float | None = Field(default=None, description="Accepted and ignored: the operators set it.")
    top_p: float | None = Field(default=None, description="Accepted and ignored.")
    max_tokens: int | None = Field(default=None, description="Accepted and ignored: the assistant's limit applies.")
    max_completion_tokens: int | None = Field(default=None, description="Accepted and ignored.")
    user: str | None = Field(default=None, description="Accepted and ignored: not an identity (see SSO).")
    moien: MoienOptions | None = None


class Source(BaseModel):
    id: str
    title: str
    uri: str | None
    snippet: str


class TrustFields(BaseModel):
    """The ``moien`` extension object: what a client needs to present an answer honestly."""

    lang: str
    sources: list[Source]
    ai_generated: bool
    model: str
    disclosure: str | None
    kind: ReplyKind
    #: The language the user wrote in, when ``lang`` (the text's language) differs: the model cannot write it.
    requested_lang: str | None = None
    #: One line to show above the answer, in the user's language (why the answer is in another language).
    notice: str | None = None
    assistant: str | None
    session_id: str | None
    #: The answer guardrail's verdict: ``null`` until the answer is checked (the first chunk) and for replies it does
    #: not check (written by people, an assistant's own structured answer); ``true``/``false`` once checked. A client
    #: shows a "verified" mark only for ``true``.
    verified: bool | None = None
    #: What the check found (``null`` when there was none); only in the final object.
    verification: Verification | None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class MessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: MessageOut
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    moien: TrustFields


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "moien"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorDetail(BaseModel):
    message: str
    type: str
    code: str | None
    param: str | None


class ErrorBody(BaseModel):
    """Every error, in OpenAI's shape."""

    error: ErrorDetail


#: One Server-Sent Event of a streamed answer (OpenAPI 3.1 reads a ``text/event-stream`` schema as one event's).
SSE_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "string",
            "description": "A `chat.completion.chunk` as JSON (the first and the last carry `moien`; with "
            '`include_usage`, one with `choices: []` carries `usage`), an `{"error": ...}` object if the answer '
            "fails half-way, or `[DONE]` at the end. Comment lines (`: ping`) keep the connection open.",
        },
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
}


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "No key, an unknown or revoked key, or a bad user token.",
        403: "The key or site may not use this assistant, the origin is not allowed, or the session is another's.",
        404: "Unknown model (code `model_not_found`).",
        413: "The request body is too large.",
        422: "A field is missing or malformed (`error.param` names it).",
        429: "A quota is spent; `Retry-After` says when to retry.",
        503: "All answer slots are taken (or the model is busy); `Retry-After` says when to retry.",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in statuses}


def document_models(schema: dict[str, Any], models: list[str]) -> None:
    """Name this server's models in its OpenAPI document, as OpenAI's own specification does: any string, or one
    of these (generated clients offer them; schemathesis then also sends requests that reach an assistant)."""
    known = {"type": "string", "enum": models}
    properties = schema["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    free = properties["model"]
    properties["model"] = {"anyOf": [known, free], "title": "Model", "description": free.get("description", "")}
    for parameter in schema["paths"]["/v1/models/{model}"]["get"].get("parameters", []):
        if parameter.get("name") == "model":
            parameter["schema"] = {"anyOf": [known, parameter["schema"]]}


# -- authentication, shared with the Rasa REST channel ---------------------------------------------------------


async def authorize(request: Request, gate: Gate, *, site_key: str | None = None) -> Caller:
    """Who is calling (key, site, user) and charge their quotas; raises ``AccessDenied`` (401/403/429).

    In a worker thread: the gate reads the SQLite access store and, with Redis, the shared quota counters.
    """
    headers = request.headers
    ip = request.client.host if request.client else "unknown"

    def check() -> Caller:
        caller = gate.authenticate(
            authorization=headers.get("authorization"),
            origin=headers.get("origin"),
            user_token=headers.get("x-moien-user-token"),
            ip=ip,
            site_key=site_key,
        )
        gate.charge(caller)
        return caller

    caller = await anyio.to_thread.run_sync(check)
    request.state.caller_name = f"{caller.kind}:{caller.name}"
    return caller


#: Declares bearer authentication in the OpenAPI document (so clients and schemathesis know to send a key); the key
#: itself is read and checked by the gate, which also accepts a page's Origin without a key.
bearer = HTTPBearer(auto_error=False, description="A secret key (msk_...) or a site's publishable key (mpk_...).")


def caller_dependency(gate: Gate) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A FastAPI dependency that authenticates and charges the caller before the body is validated (401 before 422)."""

    async def caller(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
    ) -> Caller:
        return await authorize(request, gate)

    return caller


def model_ids(runner: TurnRunner, caller: Caller) -> list[str]:
    """The models this caller may use: its assistants (all when unrestricted), then ``auto``."""
    names = [n for n in runner.core.assistants if not caller.assistants or n in caller.assistants]
    return [*names, "auto"]


def resolve_model(runner: TurnRunner, gate: Gate, caller: Caller, model: str) -> str | None:
    """The assistant a model id stands for (``None``: moien's router chooses); 404 unknown, 403 not allowed."""
    if model == "auto":
        return gate.allowed_assistant(caller, None)
    if model not in runner.core.assistants:
        raise ApiError(
            404,
            "model_not_found",
            f"The model '{model}' does not exist; use one of: {', '.join(model_ids(runner, caller))} "
            "(GET /v1/models lists them).",
            param="model",
        )
    return gate.allowed_assistant(caller, model)


def _conversation(messages: list[MessageIn]) -> tuple[str, list[tuple[Speaker, str]]]:
    """The question (the last user message) and the user/assistant messages before it, oldest first."""
    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is None:
        return "", []  # no question at all: the core answers "your message is empty"
    history: list[tuple[Speaker, str]] = []
    for m in messages[:last_user]:
        if m.role == "user" or m.role == "assistant":
            text = m.text().strip()
            if text:
                history.append((m.role, text))
    return messages[last_user].text(), history


def _sse(data: dict[str, Any] | str) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"data: {payload}\n\n".encode()


async def _next(chunks: AsyncIterator[str]) -> str:
    return await anext(chunks)


async def _with_keepalive(chunks: AsyncIterator[str], every: float) -> AsyncIterator[str | None]:
    """``chunks``, with ``None`` inserted whenever nothing came for ``every`` seconds (the caller sends a ping).

    The pending ``__anext__`` is kept across pings (not cancelled), so no chunk is lost.
    """
    pending: asyncio.Task[str] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(_next(chunks))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not done:
                yield None
                continue
            task, pending = pending, None
            try:
                yield task.result()
            except StopAsyncIteration:
                return
    finally:
        if pending is not None:
            pending.cancel()
            try:
                await pending
            except (asyncio.CancelledError, StopAsyncIteration):
                pass


class _Completion:
    """One chat completion's ids and chunk shapes."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.model = model

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }


def _notice(started: StartedTurn, plain: bool) -> str:
    """The AI disclosure as the text's first paragraph, for a client that does not read ``moien``.

    Why: the AI Act (Art. 50) wants people told they talk to an AI at the latest at the first interaction. A client
    that sends the ``moien`` request object (the widget, moien-aware tools) shows ``moien.disclosure`` itself; a plain
    OpenAI chat UI would drop the extension, so there the notice travels in the text of the conversation's first turn.
    """
    if not plain:
        return ""
    # The language notice too (why the answer is not in the user's language): a plain client shows no ``moien``.
    lines = [line for line in (started.reply.disclosure, started.reply.notice) if line]
    return "".join(f"{line}\n\n" for line in lines)


async def _stream(
    started: StartedTurn, completion: _Completion, include_usage: bool, notice: str = ""
) -> AsyncIterator[bytes]:
    """The SSE body: trust fields first, text chunks (with keep-alives), the end, usage, ``[DONE]``."""
    try:
        yield _sse(completion.chunk({"role": "assistant", "content": ""}, moien=_trust(started.reply)))
        if notice:
            yield _sse(completion.chunk({"content": notice}))
        async for piece in _with_keepalive(started.chunks(), KEEPALIVE_SECONDS):
            if piece is None:
                yield b": ping\n\n"
            elif piece:
                yield _sse(completion.chunk({"content": piece}))
        yield _sse(completion.chunk({}, "stop", moien=_final_fields(started)))
        if include_usage:
            usage = started.usage()
            yield _sse(
                {
                    "id": completion.id,
                    "object": "chat.completion.chunk",
                    "created": completion.created,
                    "model": completion.model,
                    "choices": [],
                    "usage": usage,
                }
            )
        yield b"data: [DONE]\n\n"
    except Exception as exc:  # the status is sent already: the error travels in the stream (openai raises APIError)
        yield _sse(
            error_body(
                f"The answer failed half-way ({type(exc).__name__}); ask again.", error_type(500), "stream_failed"
            )
        )
    finally:
        await started.aclose()


def _trust(reply: Reply) -> dict[str, Any]:
    """The trust fields (``verified`` is ``null`` in the first chunk and, for a checked answer, ``true``/``false``
    in the final object: the core checks an answer only once it is written)."""
    return trust_fields(reply)


def _final_fields(started: StartedTurn) -> dict[str, Any]:
    """The trust fields as they ended, plus the attachments (a lesson plan's data) when the answer has some."""
    fields = _trust(started.reply)
    if started.reply.attachments:
        fields["attachments"] = [a.model_dump(mode="json") for a in started.reply.attachments]
    return fields


def router(runner: TurnRunner, gate: Gate) -> APIRouter:
    """The ``/v1`` routes over ``runner`` (one per app)."""
    api = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], route_class=LenientRoute)
    authorized = Depends(caller_dependency(gate))

    @api.get("/models", response_model=ModelList, responses=_errors(401, 403, 429), summary="The models (assistants)")
    async def list_models(caller: Caller = authorized) -> ModelList:
        return ModelList(data=[ModelCard(id=m, created=STARTED) for m in model_ids(runner, caller)])

    @api.get("/models/{model}", response_model=ModelCard, responses=_errors(401, 403, 404, 429), summary="One model")
    async def get_model(model: str, caller: Caller = authorized) -> ModelCard:
        resolve_model(runner, gate, caller, model)
        return ModelCard(id=model, created=STARTED)

    @api.post(
        "/chat/completions",
        response_model=ChatCompletion,
        responses={
            200: {
                "description": "The answer; with `stream: true`, Server-Sent Events of `chat.completion.chunk`.",
                "content": {"text/event-stream": {"schema": SSE_EVENT}},
            },
            **_errors(401, 403, 404, 413, 422, 429, 503),
        },
        summary="Ask an assistant (OpenAI chat completions)",
    )
    async def chat_completions(
        body: Annotated[ChatCompletionRequest, Body()], caller: Caller = authorized
    ) -> ChatCompletion | StreamingResponse:
        assistant = resolve_model(runner, gate, caller, body.model)
        question, history = _conversation(body.messages)
        options = body.moien or MoienOptions()
        started = await runner.start(
            question,
            caller=caller,
            session_id=options.session_id,
            assistant=assistant,
            lang=options.lang,
            history=history if options.session_id is None else None,
            channel="openai",
        )
        completion = _Completion(body.model if body.model != "auto" else (started.reply.assistant or "auto"))
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            return StreamingResponse(
                _stream(started, completion, include_usage, _notice(started, plain=body.moien is None)),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        try:
            text = await started.text()
        finally:
            await started.aclose()
        if started.reply.kind == "busy":
            # The model's own queue was full: for a whole-answer request that is a 503, not an answer.
            raise ApiError(503, "model_busy", text, retry_after=runner.retry_after)
        return ChatCompletion(
            id=completion.id,
            created=completion.created,
            model=completion.model,
            choices=[Choice(message=MessageOut(content=_notice(started, plain=body.moien is None) + text))],
            usage=Usage(**started.usage()),
            moien=TrustFields.model_validate(_trust(started.reply)),
        )

    return api
