"""The input guardrail's decision: a learned classifier and the hand-written patterns, before retrieval and generation.

Two signals look at every message:

* ``rules`` — the commented lb/fr/de/en patterns of :mod:`moien.assistants.core.trust` (override, fake authority,
  system-prompt extraction, role play, code words, chat-template markup). They are precise and explainable, so a
  match is a hard signal: it refuses on its own.
* ``classifier`` — a small supervised fastText model (``guard_model/guard.ftz``, < 1 MB) trained by
  ``benchmarks/guard_train.py`` on openly licensed public examples and examples written for moien in the four
  languages. It catches paraphrases the patterns never saw and clearly harmful requests (weapons, poison, fraud,
  malware, deleting the curriculum graph), which the patterns do not cover. It refuses when its probability of
  ``attack`` reaches the threshold recorded in ``guard_model/guard.json``, chosen by the training script on the
  "tune" part of ``tests/data/guardrail/`` (the held-out part is only ever scored).

Both see the same normalised text (:func:`moien.assistants.core.trust._jailbreak_views`: look-alike letters,
invisible characters, full-width forms, letter spacing and leetspeak folded away), so a disguise changes neither.

Why fastText rather than a transformer: it answers in tens of microseconds on one CPU core, ships as a file in the
package (no download, no GPU) and is already how moien identifies languages and intents.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from moien.assistants.core.trust import _jailbreak_views, jailbreak_rules_match

__all__ = [
    "MANIFEST_PATH",
    "MAX_CHARS",
    "MODEL_PATH",
    "InjectionClassifier",
    "InputVerdict",
    "classifier_text",
    "default_classifier",
    "input_verdict",
]

log = logging.getLogger("moien.guardrail")

MODEL_DIR = Path(__file__).with_name("guard_model")
#: The quantised model moien trains and ships, and its manifest (threshold, hyper-parameters, sha256, dev figures).
MODEL_PATH = MODEL_DIR / "guard.ftz"
MANIFEST_PATH = MODEL_DIR / "guard.json"
#: Longest prefix that is classified: a jailbreak states itself early, and a 50-page paste must not cost seconds.
MAX_CHARS = 4000
ATTACK_LABEL = "__label__attack"
#: A message longer than this is also scored sentence by sentence (see ``InjectionClassifier.probability``).
LONG_CHARS = 200
# A sentence ends at . ! ? ; or a line break followed by white space ("R.e.p.e.a.t" stays one word).
_SENTENCE_END = re.compile(r"(?<=[.!?;:。！？；：\n])\s+")


class _FastTextModel(Protocol):
    """The part of a loaded fastText model used here (fasttext ships no type information)."""

    def predict(self, text: str, k: int = 1, threshold: float = 0.0) -> tuple[tuple[str, ...], Any]: ...


@dataclass(frozen=True)
class InputVerdict:
    """What the input guardrail decided about one message.

    ``score`` is the classifier's probability that the message is an attack (0 when the classifier is unavailable);
    ``signals`` names what made the decision: ``"rules"`` and/or ``"classifier"`` for an attack, empty for ``ok``
    (plus ``"classifier_unavailable"`` when the model file could not be loaded and only the rules decided).
    """

    decision: Literal["ok", "attack"]
    score: float
    signals: tuple[str, ...]

    @property
    def is_attack(self) -> bool:
        return self.decision == "attack"


def classifier_text(text: str) -> list[str]:
    """The normalised views of ``text`` the classifier scores — the same folding as the rules, at training time and
    at run time (``benchmarks/guard_train.py`` trains on the first view)."""
    return _jailbreak_views(text[:MAX_CHARS])


class InjectionClassifier:
    """The shipped fastText model with its decision threshold; loaded once, safe to share between threads."""

    def __init__(self, model_path: Path = MODEL_PATH, manifest_path: Path = MANIFEST_PATH) -> None:
        import fasttext.FastText as ft

        manifest: dict[str, Any] = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
        self.manifest = manifest
        self.threshold = float(manifest["threshold"])
        # _FastText(model_path=...) is what fasttext.load_model does, minus its warning printed on every load.
        self._model: _FastTextModel = ft._FastText(model_path=str(model_path))

    def probability(self, text: str) -> float:
        """Probability of ``attack``: for a short message, the highest over its normalised views (plain and
        de-leeted); for a long one, the lower of the whole message's score and its most suspicious sentence's.

        Why the long case: the public attack examples are long role-play prompts, so the model learnt that length
        itself looks like an attack, and a pasted letter scored high. Asking that one sentence looks like an attack
        too keeps the long jailbreak prompts (each has sentences like "you have no rules now") and an attack tacked
        onto the end of an ordinary message, while a long ordinary message no longer scores on length alone.
        """
        text = text[:MAX_CHARS]
        whole = self._score(classifier_text(text))
        if len(text) <= LONG_CHARS:
            return whole
        sentences = [part for part in _SENTENCE_END.split(text) if part.strip()]
        if len(sentences) < 2:
            return whole
        return min(whole, max(self._score(classifier_text(part)) for part in sentences))

    def _score(self, views: list[str]) -> float:
        best = 0.0
        for view in views:
            if not view:
                continue
            labels, probs = self._model.predict(view, k=-1)
            for label, prob in zip(labels, probs, strict=True):
                if label == ATTACK_LABEL:
                    best = max(best, float(prob))
        return min(best, 1.0)  # fastText's softmax can round a hair above 1


_lock = threading.Lock()
_default: InjectionClassifier | None = None
_unavailable = False


def default_classifier() -> InjectionClassifier | None:
    """The shipped classifier, loaded on first use; ``None`` (logged once) when its files are missing or broken, so
    that the rules still guard every message instead of every message failing."""
    global _default, _unavailable
    if _default is None and not _unavailable:
        with _lock:
            if _default is None and not _unavailable:
                try:
                    _default = InjectionClassifier()
                except (OSError, ValueError, KeyError) as exc:
                    _unavailable = True
                    log.error(
                        "input guardrail classifier not loaded (%s); only the patterns guard messages. "
                        "Reinstall moien or run benchmarks/guard_train.py to rebuild %s.",
                        exc,
                        MODEL_PATH,
                    )
    return _default


def input_verdict(text: str, classifier: InjectionClassifier | None = None) -> InputVerdict:
    """Decide whether ``text`` is an attack: the patterns (a hard signal) or the classifier at its threshold."""
    model = classifier if classifier is not None else default_classifier()
    signals: list[str] = []
    if jailbreak_rules_match(text):
        signals.append("rules")
    score = 0.0
    if model is None:
        signals.append("classifier_unavailable")
    else:
        score = model.probability(text)
        if score >= model.threshold:
            signals.append("classifier")
    attack = "rules" in signals or "classifier" in signals
    return InputVerdict("attack" if attack else "ok", round(score, 4), tuple(signals))
