"""``action_moien_answer``: a Rasa custom action that hands the user's message to moien and utters moien's answer.

An existing Rasa bot keeps its own intents and stories and delegates what it cannot answer (its
``nlu_fallback`` or ``out_of_scope`` rule, or an FAQ intent) to moien::

    rules:
      - rule: moien answers what the bot cannot
        steps:
          - intent: nlu_fallback
          - action: action_moien_answer

The action sends the tracker's latest user message to moien's HTTP API (``moien api``) through moien's Rasa REST
channel (``POST /webhooks/rest/webhook``), with the conversation's sender id (so moien keeps the conversation's
memory and language) and the message's ``metadata`` (``lang``, ``assistant``). moien's messages come back already
in Rasa's shape and are uttered unchanged: the answer's text, and a custom payload ``{"moien": {...}}`` with the
trust fields (sources, language, ``ai_generated``, model, disclosure) for a front end that shows sources.

Why over HTTP and not by importing moien: rasa-sdk runs in Rasa's own Python 3.10 environment, and its pins
(pydantic, websockets, grpcio…) conflict with moien's, so this module imports only rasa-sdk and the standard
library (``urllib``; no HTTP client is guaranteed in Rasa's environment) and works under Python 3.10.

Configuration comes from the environment, which ``moien rasa-actions`` sets:

- ``MOIEN_API_URL``: moien's API, e.g. ``http://127.0.0.1:8000``;
- ``MOIEN_API_KEY``: a secret key (``msk_…``, ``moien keys add``);
- ``MOIEN_API_TIMEOUT``: seconds to wait for an answer (default 240: under Rasa's own 300 s limit on an action
  call, so the user gets this action's clear message rather than Rasa's silent failure).

To serve it from a bot's own action server instead, put this folder on that server's ``PYTHONPATH`` and add
``from moien_rasa_actions import ActionMoienAnswer  # noqa: F401`` to the bot's ``actions.py``.

It never crashes the conversation: when moien cannot be reached, refuses the key or is busy, the user reads a
short message in their language (the metadata's ``lang``, else all four) and the log says what to fix, without
the message text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import urllib.error
import urllib.request
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

log = logging.getLogger("moien.rasa_actions")

ACTION_NAME = "action_moien_answer"
#: moien's four languages. A copy, not an import of ``moien.lang``: this module runs in the Rasa venv (Python 3.10,
#: rasa_sdk and the standard library only). tests/test_layout.py checks the copy against moien.lang.LANGS.
NOTICE_LANGS = ("lb", "fr", "de", "en")
DEFAULT_TIMEOUT = 240.0

#: What the user reads when moien cannot be reached or refused the request (the log says why).
UNAVAILABLE = {
    "lb": "moien ass de Moment net z'erreechen. Probéiert et w.e.g. méi spéit nach eng Kéier.",
    "fr": "moien n'est pas joignable pour le moment. Veuillez réessayer plus tard.",
    "de": "moien ist im Moment nicht erreichbar. Bitte versuchen Sie es später noch einmal.",
    "en": "moien cannot be reached right now. Please try again later.",
}
#: What the user reads when moien is at capacity (HTTP 429 or 503 with Retry-After).
BUSY = {
    "lb": "moien ass de Moment iwwerlaascht. Probéiert et w.e.g. an e puer Minutten nach eng Kéier.",
    "fr": "moien est très sollicité en ce moment. Veuillez réessayer dans quelques minutes.",
    "de": "moien ist im Moment ausgelastet. Bitte versuchen Sie es in ein paar Minuten noch einmal.",
    "en": "moien is busy right now. Please try again in a few minutes.",
}


class MoienUnavailable(Exception):
    """moien gave no answer; ``str(exc)`` tells the operator what to do (never contains the user's message)."""

    def __init__(self, why: str, *, busy: bool = False) -> None:
        super().__init__(why)
        self.busy = busy


def ask_moien(
    api_url: str,
    api_key: str,
    *,
    sender: str,
    text: str,
    metadata: dict[str, Any],
    timeout: float,
) -> list[dict[str, Any]]:
    """One moien turn through moien's Rasa REST channel; returns moien's messages in Rasa's shape.

    Blocking (``urllib``): the action runs it in a thread so the action server keeps answering ``/health`` and
    other conversations while the model writes.
    """
    url = api_url.rstrip("/") + "/webhooks/rest/webhook"
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Bearer {api_key}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise _refusal(exc, url) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise MoienUnavailable(
            f"moien's API at {api_url} did not answer ({reason}); start it with `moien api` or fix MOIEN_API_URL "
            "(`moien rasa-actions --api-url`)"
        ) from exc
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MoienUnavailable(f"{url} did not answer with JSON: is MOIEN_API_URL moien's API?") from exc
    if not isinstance(payload, list) or not all(isinstance(m, dict) for m in payload):
        raise MoienUnavailable(f"{url} did not answer with Rasa's list of messages: is MOIEN_API_URL moien's API?")
    return payload


def _refusal(exc: urllib.error.HTTPError, url: str) -> MoienUnavailable:
    """An HTTP error from moien, turned into what the operator must do (moien's error body names the cause)."""
    try:
        error = json.loads(exc.read().decode("utf-8")).get("error", {})
        detail = f"{error.get('code')}: {error.get('message')}"
    except (ValueError, AttributeError, OSError):
        detail = exc.reason
    if exc.code == 401:
        return MoienUnavailable(
            f"moien refused the key (HTTP 401, {detail}); give `moien rasa-actions` a valid secret key with --key, "
            "or let it create one"
        )
    if exc.code == 403:  # an assistant the key may not use, or a sender id that is another client's session
        return MoienUnavailable(f"moien refused the request (HTTP 403, {detail})")
    if exc.code in (429, 503):
        retry = exc.headers.get("Retry-After") if exc.headers else None
        return MoienUnavailable(f"moien is at capacity (HTTP {exc.code}, retry after {retry} s)", busy=True)
    return MoienUnavailable(f"moien answered HTTP {exc.code} at {url} ({detail})")


def utter(dispatcher: CollectingDispatcher, message: dict[str, Any]) -> None:
    """Utter one of moien's Rasa-shaped messages unchanged (text, image, buttons or a custom payload)."""
    dispatcher.utter_message(
        text=message.get("text"),
        image=message.get("image"),
        buttons=message.get("buttons"),
        json_message=message.get("custom"),
        attachment=message.get("attachment"),
    )


def _metadata(tracker: Tracker) -> dict[str, Any]:
    """What moien may use from the message's metadata: the interface language and a chosen assistant."""
    raw = (tracker.latest_message or {}).get("metadata") or {}
    return {k: raw[k] for k in ("lang", "assistant") if isinstance(raw.get(k), str)}


def _notice(table: dict[str, str], lang: object) -> str:
    """The notice in the user's language, or in all four when the language is not known."""
    if isinstance(lang, str) and lang in table:
        return table[lang]
    return "\n".join(table[code] for code in NOTICE_LANGS)


class ActionMoienAnswer(Action):  # type: ignore[misc]  # rasa-sdk is not installed where mypy runs
    """Answers the latest user message with moien (see the module's docstring)."""

    def name(self) -> str:
        return ACTION_NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        metadata = _metadata(tracker)
        api_url = os.environ.get("MOIEN_API_URL", "http://127.0.0.1:8000")
        api_key = os.environ.get("MOIEN_API_KEY", "")
        try:
            timeout = float(os.environ.get("MOIEN_API_TIMEOUT", DEFAULT_TIMEOUT))
            messages = await asyncio.to_thread(
                ask_moien,
                api_url,
                api_key,
                sender=tracker.sender_id,
                text=(tracker.latest_message or {}).get("text") or "",
                metadata=metadata,
                timeout=timeout,
            )
        except MoienUnavailable as exc:
            log.warning("%s could not answer: %s", ACTION_NAME, exc)
            dispatcher.utter_message(text=_notice(BUSY if exc.busy else UNAVAILABLE, metadata.get("lang")))
            return []
        except Exception:  # whatever happens, the conversation goes on with a clear message
            log.exception("%s failed", ACTION_NAME)
            dispatcher.utter_message(text=_notice(UNAVAILABLE, metadata.get("lang")))
            return []
        for message in messages:
            utter(dispatcher, message)
        return []
