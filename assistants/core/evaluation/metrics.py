"""Scoring one reply against its gold item, and summing the scores up per assistant × language.

Every measure is computed from what a channel receives (the :class:`Reply`), never from the engine's internals, so
``moien eval`` measures what a user would see. A measure that does not apply to a question is ``None`` (and shown
as "n/a"), never 0: a question without expected sources has no recall, a reply without citations no citation
precision, a reply the answer guardrail did not check no groundedness.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from moien.assistants.core.evaluation.gold import Fact, GoldItem
from moien.assistants.core.types import Reply, Source
from moien.lang import fold

#: Reply kinds that say "I cannot answer this" (written by people or, for ``unverified``, put in place of an
#: answer the guardrail retracted): the right outcome for a question that should be refused or not known.
REFUSAL_KINDS = frozenset({"out_of_scope", "no_answer", "unverified", "invalid_input"})
#: The measures that are shares in [0, 1] (higher is better); ``--fail-under`` takes these.
SHARE_METRICS = (
    "recall",
    "citation_precision",
    "groundedness",
    "verified",
    "language_match",
    "refusal_correctness",
    "facts",
)
#: Measures in seconds (lower is better); ``--fail-over`` takes these.
TIME_METRICS = ("latency_p50_s", "latency_p95_s", "ttft_p50_s")
#: Measures that are counts or shares where lower is better.
LOWER_METRICS = ("false_refusals", "errors", *TIME_METRICS)

# A model that does not know says so in its own words; these are the ways the four languages put it (folded).
_DONT_KNOW = re.compile(
    r"\b(?:"
    r"weess ech net|wees ech net|ka(?:nn)? ech net (?:hellefen|beantweren|soen)|net an de quellen|keng informatioun"
    r"|je ne (?:le )?sais pas|je ne peux pas (?:vous aider|repondre)|aucune information|ne (?:le )?precisent pas"
    r"|(?:das )?weiss ich nicht|kann ich nicht (?:helfen|beantworten|sagen)|keine (?:angaben|informationen)"
    r"|i (?:do not|don't|dont) know|i (?:cannot|can't|cant) (?:help|answer|say)|no information"
    r"|(?:sources|quellen|quellen) (?:do not|don't|ne|enthalten keine|soen net)"
    r")\b"
)
_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Numbers as people write them: "11:45", "11.45", "11 h 45" and "11h45" are one time; "1 000 000", "1,000,000" and
# "1.000.000" one number; "14 €" and "14 euros" one amount.
_TIME = re.compile(r"\b(\d{1,2})\s*(?:h|:|\.)\s*(\d{2})\b")
_THOUSANDS = re.compile(r"\b(\d{1,3})(?:[ ,.\u00a0\u202f\u2009](\d{3}))+\b")
_SPACES = re.compile(r"\s+")


class Identifier(Protocol):
    """What scoring needs from moien's language identifier (``langid.default_identifier()``)."""

    def identify(self, text: str | bytes, *, session_lang: str | None = None, ui_lang: str | None = None) -> Any: ...


def normalise(text: str) -> str:
    """Folded (lower case, no accents), numbers in one spelling, single spaces: how facts are compared."""
    folded = fold(text).replace("\u00a0", " ").replace("\u202f", " ").replace("€", " euro ")
    folded = _THOUSANDS.sub(lambda m: re.sub(r"\D", "", m.group()), folded)
    folded = _TIME.sub(r"\1:\2", folded)
    folded = re.sub(r"\beuros\b", "euro", folded)
    return _SPACES.sub(" ", folded).strip()


def fact_present(fact: Fact, text: str) -> bool:
    """Whether ``text`` states ``fact`` (any of its alternatives), compared normalised; a number must stand alone
    ("14" is not found in "140")."""
    haystack = normalise(text)
    for alternative in [fact] if isinstance(fact, str) else fact:
        needle = normalise(str(alternative))
        if needle and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack):
            return True
    return False


def citations(text: str) -> list[int]:
    """The source numbers cited in ``text`` (``[1]``, ``[2, 3]``), in order, repeats kept."""
    return [int(n) for group in _CITATION.findall(text) for n in re.split(r"[,;]", group)]


def matches(source: Source, expected: Iterable[str]) -> bool:
    return any(e in source.id for e in expected)


def is_refusal(reply: Reply) -> bool:
    """The reply declines: a refusal kind, or an answer that says it does not know."""
    return reply.kind in REFUSAL_KINDS or bool(_DONT_KNOW.search(normalise(reply.text)))


def _without_citations(text: str) -> str:
    return _CITATION.sub(" ", text)


@dataclass
class QuestionResult:
    """One question's outcome; one line of ``results.jsonl``."""

    id: str
    assistant: str
    lang: str
    behaviour: str
    question: str
    kind: str
    text: str
    sources: list[str]
    latency_s: float
    ttft_s: float | None
    #: Expected sources found among the reply's sources, and how many were expected (recall = found / expected).
    sources_found: int = 0
    sources_expected: int = 0
    #: ``[n]`` cited, and how many of them name an expected source.
    cited: int = 0
    cited_correct: int = 0
    #: The answer guardrail's verdict (``None``: not checked).
    supported: float | None = None
    verified: bool | None = None
    #: The reply text's language as moien's identifier sees it, and whether it was sure.
    text_lang: str = ""
    text_lang_confident: bool = False
    #: The language the reply is labelled with, and the one it says was asked for when they differ (the
    #: reply-language policy: a model that cannot write the question's language answers in its fallback).
    reply_lang: str = ""
    requested_lang: str | None = None
    facts_found: int = 0
    facts_expected: int = 0
    missing_facts: list[str] = field(default_factory=list)
    refused: bool = False
    error: str | None = None

    @property
    def recall(self) -> float | None:
        return self.sources_found / self.sources_expected if self.sources_expected else None

    @property
    def language_match(self) -> bool | None:
        """The text is in the question's language — or, under the reply-language policy, in the fallback the reply
        declares (``requested_lang`` = the question's language, labelled with what the text really is in).
        ``None`` when the identifier was not sure (a short reply): counted apart, not as a match or a miss."""
        if not self.text_lang_confident:
            return None
        if self.requested_lang == self.lang and self.reply_lang != self.lang:
            return self.text_lang == self.reply_lang
        return self.text_lang == self.lang

    @property
    def behaviour_ok(self) -> bool:
        """Refused when it should, answered when it should."""
        if self.error is not None:
            return False
        return self.refused if self.behaviour != "answer" else (self.kind == "answer" and not self.refused)

    @property
    def passed(self) -> bool:
        """Everything this question checks holds (what the per-question table marks ✓)."""
        if not self.behaviour_ok:
            return False
        if self.behaviour != "answer":
            return True
        return (
            (self.recall is None or self.recall == 1.0)
            and self.cited_correct == self.cited
            and self.facts_found == self.facts_expected
            and self.language_match is not False
            and self.verified is not False
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(recall=self.recall, language_match=self.language_match, passed=self.passed)
        return out


def score(
    item: GoldItem,
    reply: Reply,
    *,
    latency_s: float,
    ttft_s: float | None,
    identifier: Identifier,
    error: str | None = None,
) -> QuestionResult:
    """Score ``reply`` against ``item``."""
    expected = item.expect.sources
    found = sum(1 for e in expected if any(e in s.id for s in reply.sources))
    cited = citations(reply.text)
    correct = sum(1 for n in cited if 1 <= n <= len(reply.sources) and matches(reply.sources[n - 1], expected))
    text = _without_citations(reply.text).strip()
    decision = identifier.identify(text) if text else None
    facts = item.expect.facts if item.expect.behaviour == "answer" else []
    missing = [f if isinstance(f, str) else " | ".join(f) for f in facts if not fact_present(f, reply.text)]
    verification = reply.verification
    return QuestionResult(
        id=item.id,
        assistant=item.assistant,
        lang=item.lang,
        behaviour=item.expect.behaviour,
        question=item.question,
        kind=reply.kind,
        text=reply.text,
        sources=[s.id for s in reply.sources],
        latency_s=round(latency_s, 3),
        ttft_s=None if ttft_s is None else round(ttft_s, 3),
        sources_found=found if expected else 0,
        sources_expected=len(expected) if item.expect.behaviour == "answer" else 0,
        cited=len(cited) if expected else 0,
        cited_correct=correct if expected else 0,
        supported=verification.supported if verification is not None else None,
        verified=verification.passed if verification is not None else None,
        text_lang=decision.lang if decision is not None else "",
        text_lang_confident=bool(decision is not None and decision.is_confident),
        reply_lang=reply.lang,
        requested_lang=reply.requested_lang,
        facts_found=len(facts) - len(missing),
        facts_expected=len(facts),
        missing_facts=missing,
        refused=is_refusal(reply),
        error=error,
    )


def _share(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def aggregate(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """The measures over ``results`` (one group: all, an assistant, a language or one assistant × language).

    Shares are micro-averaged (over all expected sources, all citations, all facts), so a question with three facts
    weighs three times one with a single fact; ``None`` means no question in the group could be measured that way.
    """
    answers = [r for r in results if r.behaviour == "answer" and r.error is None]
    declines = [r for r in results if r.behaviour != "answer"]
    decided = [r.language_match for r in results if r.language_match is not None]
    supported = [r.supported for r in results if r.supported is not None]
    verified = [r.verified for r in results if r.verified is not None]
    latencies = [r.latency_s for r in results if r.error is None]
    ttfts = [r.ttft_s for r in results if r.ttft_s is not None and r.error is None]
    return {
        "questions": len(results),
        "answers_expected": len([r for r in results if r.behaviour == "answer"]),
        "declines_expected": len(declines),
        "recall": _share(sum(r.sources_found for r in answers), sum(r.sources_expected for r in answers)),
        "k": max((len(r.sources) for r in results), default=0),
        "citation_precision": _share(sum(r.cited_correct for r in results), sum(r.cited for r in results)),
        "groundedness": _mean(supported),
        "verified": _share(sum(verified), len(verified)),
        "language_match": _share(sum(decided), len(decided)),
        "language_undetermined": len(results) - len(decided),
        "refusal_correctness": _share(sum(r.refused for r in declines), len(declines)),
        "false_refusals": _share(sum(not r.behaviour_ok for r in answers), len(answers)),
        "facts": _share(sum(r.facts_found for r in answers), sum(r.facts_expected for r in answers)),
        "passed": _share(sum(r.passed for r in results), len(results)),
        "latency_p50_s": _percentile(latencies, 50),
        "latency_p95_s": _percentile(latencies, 95),
        "ttft_p50_s": _percentile(ttfts, 50),
        "errors": sum(r.error is not None for r in results),
    }


def summarise(results: Sequence[QuestionResult], meta: dict[str, Any]) -> dict[str, Any]:
    """The ``summary.json`` object: ``meta`` (format, time, model…), then the measures overall, per assistant, per
    language and per assistant × language (``cells``, keyed ``assistant/lang``)."""
    assistants = sorted({r.assistant for r in results})
    langs = [lang for lang in ("lb", "fr", "de", "en") if any(r.lang == lang for r in results)]
    return {
        **meta,
        "overall": aggregate(results),
        "by_assistant": {a: aggregate([r for r in results if r.assistant == a]) for a in assistants},
        "by_language": {lang: aggregate([r for r in results if r.lang == lang]) for lang in langs},
        "cells": {
            f"{a}/{lang}": aggregate(cell)
            for a in assistants
            for lang in langs
            if (cell := [r for r in results if r.assistant == a and r.lang == lang])
        },
    }
