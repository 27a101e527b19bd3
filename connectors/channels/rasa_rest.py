"""Rasa's REST channel, byte-compatible: an existing Rasa front end pointed at moien works unchanged.

Read from Rasa Open Source 3.6.21 (``rasa/core/channels/rest.py`` and ``channel.py``):

- ``POST /webhooks/rest/webhook`` with ``{"sender", "message", "metadata"}`` answers a JSON list of bot messages
  ``{"recipient_id", "text"}`` — the text split on blank lines (``text.strip().split("\\n\\n")``), keys whose value
  is ``None`` left out — serialised as Sanic does with ``ujson``: compact, ASCII-only, ``/`` escaped as ``\\/``;
- ``?stream=true`` answers ``text/event-stream`` whose body is JSON lines (``json.dumps(message) + "\\n"``), not
  ``data:`` events;
- ``GET /webhooks/rest/`` answers ``{"status": "ok"}``, without credentials, as Rasa's does.

moien adds one message, ``{"recipient_id", "custom": {"moien": {...}}}``, carrying the trust fields (sources,
language, AI marking, disclosure): last in the list (the final state of the answer); first when streaming (the
sources are known before the text), and again at the end if the answer's state changed while it streamed.

``sender`` is the session id, claimed by the first site or key that uses it (another one gets 403
``session_not_yours``). ``metadata`` may carry ``assistant``, ``lang`` and ``site`` (a publishable key, for pages
whose front end cannot set headers). A busy model answers with the core's "busy" text, in the user's language, as
a normal bot message: a Rasa front end shows bot messages, not HTTP errors.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from moien.connectors.channels.access import Gate
from moien.connectors.channels.openai_api import ErrorBody, LenientRoute, authorize
from moien.connectors.channels.turns import StartedTurn, TurnRunner, trust_fields


class RestMetadata(BaseModel):
    """The ``metadata`` keys moien reads; any others are accepted and ignored (Rasa passes them to the tracker)."""

    model_config = ConfigDict(extra="allow")

    assistant: str | None = Field(default=None, max_length=100, description="Ask this assistant (default: routed).")
    lang: str | None = Field(default=None, max_length=10, description="The page's language (lb, fr, de, en).")
    site: str | None = Field(default=None, max_length=200, description="A site's publishable key (mpk_...).")


class RestMessage(BaseModel):
    """Rasa's REST request body."""

    model_config = ConfigDict(extra="ignore")

    sender: str | None = Field(default=None, min_length=1, max_length=256, description="The conversation id.")
    message: str | None = Field(default=None, description="The user's text.")
    metadata: RestMetadata | None = None
    input_channel: str | None = None


class BotMessage(BaseModel):
    """One bot message, as Rasa's collecting output channel writes it (absent keys are left out)."""

    recipient_id: str
    text: str | None = None
    image: str | None = None
    buttons: list[dict[str, Any]] | None = None
    attachment: str | None = None
    custom: dict[str, Any] | None = None


class RestStatus(BaseModel):
    status: str = "ok"


class AnyContentTypeRoute(LenientRoute):
    """Reads the body as JSON whatever its ``Content-Type``, as Rasa's Sanic server does (``request.json``).

    Front ends and scripts written against Rasa often post JSON as ``application/x-www-form-urlencoded`` (curl's
    default) or with no type at all; FastAPI would read those as a form. The header is replaced for this route's
    handler only, so FastAPI parses the body as JSON. No cross-site risk is added: no cookie or other ambient
    credential is read, and a browser's cross-origin POST carries its ``Origin``, which the gate checks.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def as_json(request: Request) -> Response:
            headers = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
            headers.append((b"content-type", b"application/json"))
            return await handler(Request({**request.scope, "headers": headers}, request.receive))

        return as_json


def rasa_json(data: Any) -> bytes:
    """JSON exactly as Rasa's Sanic server writes it (``ujson.dumps`` defaults: compact, ASCII, ``\\/``).

    Replacing ``/`` in the serialised text is safe: outside strings, JSON has no ``/``.
    """
    return json.dumps(data, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode("ascii")


class RasaJSONResponse(JSONResponse):
    """JSON as Rasa sends it (see :func:`rasa_json`); a ``JSONResponse`` so that OpenAPI documents its model."""

    def render(self, content: Any) -> bytes:
        return rasa_json(content)


def _message(recipient_id: str, **fields: Any) -> dict[str, Any]:
    """Rasa's ``CollectingOutputChannel._message``: the keys in Rasa's order, ``None`` values dropped."""
    obj = {
        "recipient_id": recipient_id,
        **{k: fields.get(k) for k in ("text", "image", "buttons", "attachment", "custom")},
    }
    return {k: v for k, v in obj.items() if v is not None}


def _custom(recipient_id: str, started: StartedTurn, final: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {"moien": trust_fields(started.reply)}
    if final and started.reply.attachments:
        payload["attachments"] = [a.model_dump(mode="json") for a in started.reply.attachments]
    return _message(recipient_id, custom=payload)


def text_messages(recipient_id: str, text: str) -> list[dict[str, Any]]:
    """Rasa's ``send_text_message``: one message per paragraph."""
    return [_message(recipient_id, text=part) for part in text.strip().split("\n\n")]


def _finished_paragraphs(text: str) -> list[str]:
    """The paragraphs of a text still being written that are final: each has a non-blank paragraph after it.

    They equal the first paragraphs of ``text.strip().split("\\n\\n")`` once the text is complete, because the final
    ``strip()`` only trims blank paragraphs at the end.
    """
    parts = text.lstrip().split("\n\n")
    last_content = max((i for i, p in enumerate(parts) if p.strip()), default=-1)
    return parts[:last_content]


async def _stream_lines(started: StartedTurn, recipient_id: str) -> AsyncIterator[bytes]:
    """Rasa's stream format (one JSON document per line), paragraph by paragraph as the answer is written."""
    try:
        first = _custom(recipient_id, started, final=False)
        yield (json.dumps(first) + "\n").encode()
        written = ""
        sent = 0
        async for piece in started.chunks():
            written += piece
            done = _finished_paragraphs(written)
            for part in done[sent:]:
                yield (json.dumps(_message(recipient_id, text=part)) + "\n").encode()
            sent = len(done)
        # What streamed, split as Rasa splits a whole text (after a failure half-way, the notice is its last part).
        for part in written.strip().split("\n\n")[sent:]:
            yield (json.dumps(_message(recipient_id, text=part)) + "\n").encode()
        last = _custom(recipient_id, started, final=True)
        if last != first:
            yield (json.dumps(last) + "\n").encode()
    finally:
        await started.aclose()


def router(runner: TurnRunner, gate: Gate) -> APIRouter:
    """The ``/webhooks/rest`` routes over ``runner``."""
    api = APIRouter(prefix="/webhooks/rest", tags=["Rasa REST channel"], route_class=AnyContentTypeRoute)

    @api.get("/", response_model=RestStatus, summary="Rasa's channel health check")
    async def health() -> RasaJSONResponse:
        return RasaJSONResponse({"status": "ok"})

    @api.post(
        "/webhook",
        response_model=list[BotMessage],
        response_class=RasaJSONResponse,
        responses={
            200: {
                "description": "The bot's messages; with `?stream=true`, the same messages as JSON lines.",
                # Rasa's stream: JSON lines under an event-stream media type, not SSE events (so no event schema).
                "content": {"text/event-stream": {"schema": {"description": "One bot message as JSON per line."}}},
            },
            **{
                s: {"model": ErrorBody, "description": d}
                for s, d in (
                    (401, "No key, or a bad one (a page's Origin a site lists needs none)."),
                    (403, "Origin or assistant not allowed, or the sender is another site's session."),
                    (413, "The request body is too large."),
                    (422, "A field is malformed (`error.param` names it)."),
                    (429, "A quota is spent; see `Retry-After`."),
                    (503, "All answer slots are taken; see `Retry-After`."),
                )
            },
        },
        summary="Send a message (Rasa REST channel)",
    )
    async def webhook(
        request: Request,
        body: Annotated[RestMessage, Body()],
        stream: Annotated[str | None, Query(description="`true` for JSON lines as the answer is written")] = None,
    ) -> Response:
        metadata = body.metadata or RestMetadata()
        caller = await authorize(request, gate, site_key=metadata.site)
        assistant = gate.allowed_assistant(caller, metadata.assistant)
        sender = body.sender or uuid.uuid4().hex
        started = await runner.start(
            body.message or "",
            caller=caller,
            session_id=sender,
            assistant=assistant,
            lang=metadata.lang,
            channel="rasa_rest",
        )
        # Rasa's own test: str(request.args.get("stream", False)).lower() == "true".
        if str(stream).lower() == "true":
            return StreamingResponse(_stream_lines(started, sender), media_type="text/event-stream")
        try:
            text = await started.text()
        finally:
            await started.aclose()
        return RasaJSONResponse([*text_messages(sender, text), _custom(sender, started, final=True)])

    return api
