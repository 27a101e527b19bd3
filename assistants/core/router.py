"""Routing a turn to one assistant.

An explicit choice (CLI ``--assistant``, the UI picker, the API's ``assistant`` field) wins. Otherwise
the intent classifier trained over the installed assistants' ``nlu.yml`` files decides; when it is not
confident enough the default assistant answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from moien.assistants.core.assistant import Assistant

if TYPE_CHECKING:  # imported when first needed: training or loading the classifier is not free
    from moien.assistants.core.intents import IntentClassifier

log = logging.getLogger("moien.router")

RouteReason = Literal["explicit", "intent", "default", "unknown_assistant", "out_of_scope"]


@dataclass(frozen=True)
class Route:
    assistant: str | None
    reason: RouteReason
    intent: str | None = None
    confidence: float = 0.0
    unknown: str | None = None


class Router:
    def __init__(self, assistants: dict[str, Assistant], default: str, home: Path, threshold: float = 0.5) -> None:
        self.assistants = assistants
        self.default = default if default in assistants else next(iter(assistants), None)
        self.home = home
        self.threshold = threshold
        self._classifier: IntentClassifier | None = None
        self._classifier_failed = False

    def _get_classifier(self) -> IntentClassifier | None:
        if self._classifier is None and not self._classifier_failed:
            files = {
                name: found
                for name, a in self.assistants.items()
                if (found := [p for p in a.nlu_files() if p.is_file()])
            }
            if len(files) < 2:
                self._classifier_failed = True
                return None
            try:
                from moien.assistants.core.intents import IntentClassifier

                self._classifier = IntentClassifier.from_nlu_files(files, cache_dir=self.home / "intents")
            except Exception:  # routing degrades to the default assistant, never breaks a turn
                log.exception("intent classifier unavailable; routing to the default assistant")
                self._classifier_failed = True
        return self._classifier

    def route(self, text: str, explicit: str | None = None) -> Route:
        if explicit:
            name = explicit.strip().lower()
            if name in self.assistants:
                return Route(name, "explicit")
            return Route(None, "unknown_assistant", unknown=explicit)
        classifier = self._get_classifier()
        if classifier is not None:
            pred = classifier.predict(text)
            if pred.assistant in self.assistants and pred.confidence >= self.threshold:
                return Route(pred.assistant, "intent", pred.intent, pred.confidence)
            # Out of scope for every assistant: the default one still looks (the classifier only knows a
            # few examples); if it finds nothing, the core lists what the assistants can do.
            return Route(self.default, "out_of_scope", pred.intent, pred.confidence)
        return Route(self.default, "default")
