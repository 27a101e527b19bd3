"""A typed client for a rasa-sdk action server: run a custom action the way Rasa does, list actions, check health.

An organisation that already runs a Rasa bot has custom actions behind an action server (opening hours from a
database, an appointment slot, a form). moien calls them over the same protocol Rasa uses, so they keep working
unchanged when moien answers the conversation (``settings.rasa.actions_url`` and ``settings.rasa.intent_actions``).

The protocol (rasa-sdk's ``endpoint.py`` and ``executor.py``; Rasa's ``rasa/core/actions/action.py``):

- ``POST /webhook`` with ``{"next_action", "sender_id", "version", "tracker": {...}, "domain": {...}}`` answers
  ``{"events": [...], "responses": [{"text", "buttons", "image", "custom", "attachment", "elements", ...}]}``;
- 404 ``{"error", "action_name"}`` when the server has no such action, 400 when the action rejected the call
  (``ActionExecutionRejection``); newer servers answer 449 when they expect a domain they do not have (moien always
  sends one);
- ``GET /health`` answers ``{"status": "ok"}``; ``GET /actions`` answers ``[{"name": ...}, ...]``.

Hand-written rather than rasa-sdk's own types: rasa-sdk cannot be installed beside moien (its pins conflict), and
the protocol is a few JSON fields. httpx (moien's HTTP client) carries it, with a timeout on every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError

#: The Rasa version moien's calls claim: rasa-sdk only warns when its own major.minor differs.
RASA_VERSION = "3.6.21"


class ActionServerError(Exception):
    """The action server could not run the action; the message says what to do next."""

    def __init__(self, message: str, *, action: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.status = status


class UnknownAction(ActionServerError):
    """The action server has no action of that name (HTTP 404)."""


class ActionRejected(ActionServerError):
    """The action refused to run for this conversation (HTTP 400, rasa-sdk's ``ActionExecutionRejection``)."""


class ActionServerUnavailable(ActionServerError):
    """The action server cannot be reached, timed out, or failed (5xx) or answered something else than the protocol."""


class BotMessage(BaseModel):
    """One message an action uttered (``dispatcher.utter_message``); unknown fields are kept."""

    model_config = ConfigDict(extra="allow")

    text: str | None = None
    image: str | None = None
    buttons: list[dict[str, JsonValue]] = Field(default_factory=list)
    elements: list[JsonValue] = Field(default_factory=list)
    custom: dict[str, JsonValue] | None = None
    attachment: JsonValue = None
    response: str | None = None


class _Reply(BaseModel):
    events: list[dict[str, JsonValue]] = Field(default_factory=list)
    responses: list[BotMessage] = Field(default_factory=list)


@dataclass(frozen=True)
class ActionResult:
    """What an action did: the events it returned (slots set, …) and the messages it uttered."""

    action: str
    events: list[dict[str, JsonValue]] = field(default_factory=list)
    responses: list[BotMessage] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The uttered texts (and image addresses), one paragraph each, as a person reads them."""
        parts = [p for m in self.responses for p in (m.text, m.image) if p and p.strip()]
        return "\n\n".join(p.strip() for p in parts)


def tracker_state(
    sender_id: str,
    text: str,
    *,
    intent: str | None = None,
    confidence: float = 1.0,
    metadata: dict[str, JsonValue] | None = None,
    slots: dict[str, JsonValue] | None = None,
) -> dict[str, Any]:
    """The tracker Rasa would send after the user said ``text``: the latest message, its intent, one user event."""
    parsed_intent = {"name": intent, "confidence": confidence} if intent else {}
    latest = {
        "text": text,
        "intent": parsed_intent,
        "intent_ranking": [parsed_intent] if intent else [],
        "entities": [],
        "metadata": metadata or {},
    }
    user_event = {"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}
    return {
        "sender_id": sender_id,
        "slots": slots or {},
        "latest_message": latest,
        "events": [{"event": "action", "name": "action_listen"}, user_event],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


class RasaActionsClient:
    """Calls one rasa-sdk action server. ``url`` is its webhook (``http://host:5055/webhook``, as in Rasa's
    ``endpoints.yml``) or its base address. Thread-safe (one ``httpx.Client``); close it when done."""

    def __init__(self, url: str, *, timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        base = url.rstrip("/")
        base = base.removesuffix("/webhook")
        self.url = base + "/webhook"
        self._http = httpx.Client(base_url=base, timeout=timeout, transport=transport)

    def run(
        self,
        action: str,
        *,
        sender_id: str,
        text: str,
        intent: str | None = None,
        confidence: float = 1.0,
        metadata: dict[str, JsonValue] | None = None,
        slots: dict[str, JsonValue] | None = None,
        domain: dict[str, JsonValue] | None = None,
    ) -> ActionResult:
        """Run ``action`` for a conversation whose user just said ``text``; raises an ``ActionServerError``."""
        body = {
            "next_action": action,
            "sender_id": sender_id,
            "version": RASA_VERSION,
            "tracker": tracker_state(
                sender_id, text, intent=intent, confidence=confidence, metadata=metadata, slots=slots
            ),
            # A small domain rather than none: newer rasa-sdk servers answer 449 to a call without one.
            "domain": domain if domain is not None else _minimal_domain(action, intent),
        }
        response = self._request("POST", "/webhook", action=action, json=body)
        if response.status_code == 404:
            raise UnknownAction(
                f"the action server at {self.url} has no action {action!r}: check the name in "
                "rasa.intent_actions against its GET /actions",
                action=action,
                status=404,
            )
        if response.status_code == 400:
            raise ActionRejected(f"action {action!r} refused to run: {_error_of(response)}", action=action, status=400)
        if response.status_code != 200:
            raise ActionServerUnavailable(
                f"the action server at {self.url} answered HTTP {response.status_code} for {action!r}: "
                f"{_error_of(response)} (see the action server's log)",
                action=action,
                status=response.status_code,
            )
        try:
            reply = _Reply.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ActionServerUnavailable(
                f"{self.url} did not answer with rasa-sdk's {{events, responses}}: is it a rasa-sdk action server?",
                action=action,
            ) from exc
        return ActionResult(action=action, events=reply.events, responses=reply.responses)

    def actions(self) -> list[str]:
        """The names of the actions the server offers (``GET /actions``)."""
        response = self._request("GET", "/actions")
        try:
            return [str(item["name"]) for item in response.raise_for_status().json()]
        except (httpx.HTTPStatusError, ValueError, KeyError, TypeError) as exc:
            raise ActionServerUnavailable(f"{self.url}: GET /actions did not list actions ({exc})") from exc

    def healthy(self) -> bool:
        """Whether the server answers ``GET /health`` with ``{"status": "ok"}`` (never raises)."""
        try:
            response = self._http.get("/health")
            return response.status_code == 200 and response.json().get("status") == "ok"
        except (httpx.HTTPError, ValueError, AttributeError):
            return False

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RasaActionsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, *, action: str | None = None, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ActionServerUnavailable(
                f"the action server at {self.url} did not answer in time; check its log", action=action
            ) from exc
        except httpx.HTTPError as exc:
            raise ActionServerUnavailable(
                f"cannot reach the action server at {self.url} ({type(exc).__name__}): start it "
                "(`rasa run actions`) or fix rasa.actions_url",
                action=action,
            ) from exc


def _minimal_domain(action: str, intent: str | None) -> dict[str, JsonValue]:
    return {"intents": [intent] if intent else [], "actions": [action], "slots": {}, "responses": {}, "forms": {}}


def _error_of(response: httpx.Response) -> str:
    """The ``error`` field rasa-sdk puts in its error bodies, else the start of the body."""
    try:
        return str(response.json().get("error") or response.text[:200])
    except (ValueError, AttributeError):
        return response.text[:200]
