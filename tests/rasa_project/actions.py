"""A bot's own custom actions, as an existing Rasa project has them: served by a real rasa-sdk action server.

tests/test_rasa_actions.py runs ``python -m rasa_sdk --actions actions`` in Rasa's Python 3.10 environment with
this folder on ``PYTHONPATH``, and calls these actions through moien's client (``moien.connectors.
rasa_actions_client``) and through the general assistant (``rasa.intent_actions``). Standard library and
rasa-sdk only: it runs under Python 3.10, not in moien's environment.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection

#: Fixed, written by people: the test checks that moien relays them unchanged and does not call its model.
OPENING_HOURS = {
    "lb": "De Musée ass dënschdes bis sonndes vun 10 bis 18 Auer op, méindes ass en zou.",
    "fr": "Le musée est ouvert du mardi au dimanche, de 10 h à 18 h ; il est fermé le lundi.",
    "de": "Das Museum ist dienstags bis sonntags von 10 bis 18 Uhr geöffnet, montags ist es geschlossen.",
    "en": "The museum is open Tuesday to Sunday, from 10 am to 6 pm; it is closed on Mondays.",
}


class ActionOpeningHours(Action):
    """The opening hours, in the language of the message's metadata (``lang``), English otherwise."""

    def name(self) -> str:
        return "action_opening_hours"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        lang = ((tracker.latest_message or {}).get("metadata") or {}).get("lang")
        dispatcher.utter_message(text=OPENING_HOURS.get(lang, OPENING_HOURS["en"]))
        return [SlotSet("venue", "museum")]


class ActionAlwaysRejects(Action):
    """An action that refuses to run (as a form does when its slots do not fit): the server answers HTTP 400."""

    def name(self) -> str:
        return "action_always_rejects"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        raise ActionExecutionRejection(self.name(), "this action never runs (a test of the 400 answer)")
