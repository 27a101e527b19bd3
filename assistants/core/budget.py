"""A prompt that always fits: the sources an assistant found, cut to the room the model's context leaves.

The room is computed per question: the model's context size, minus the answer's token allowance, minus everything
else the prompt holds (system prompt, the conversation so far, the question, the frame around the sources). The
passages share what is left in their rank order: each keeps its beginning (where a chunk's title, heading and
first sentences are), cut at a sentence end; one that would keep too little to be useful is left out together with
its source, so that ``[n]`` still names the passage the model read. An over-long context is therefore never an
error reply, whatever an assistant retrieves (``Requested tokens (5737) exceed context window of 4096`` was what a
user saw before).

Tokens are counted with the model's own tokenizer once the model is loaded, and estimated before that (and for a
model behind an OpenAI-compatible endpoint, whose tokenizer moien does not have): the estimate errs on the long
side, so an estimated prompt fits too.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from moien.assistants.core.types import Grounding, Source

TokenCounter = Callable[[str], int]

#: Tokens kept free for the chat template's role markers and a rounding error of the estimate.
MARGIN = 48
#: A passage cut to fewer tokens than this says too little to answer from: it is left out instead.
MIN_PASSAGE_TOKENS = 40
#: Characters per token assumed by the estimate. Qwen's tokenizer gives about 3.5–4 for French, German and English
#: prose and about 3 for Luxembourgish; 2.5 over-counts all of them (numbers and rare words included).
_CHARS_PER_TOKEN = 2.5
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def estimate_tokens(text: str) -> int:
    """A count that errs on the long side: letters of Latin scripts at ``_CHARS_PER_TOKEN`` a token, letters of
    other scripts at 1.5, and every digit and symbol as a token of its own (Qwen's tokenizer splits numbers digit
    by digit: a row of a budget table is close to one token per character)."""
    latin = other = single = 0
    for ch in text:
        if ch.isalpha():
            if ord(ch) <= 0x024F:
                latin += 1
            else:
                other += 1
        elif not ch.isspace():
            single += 1
    return math.ceil(latin / _CHARS_PER_TOKEN + other / 1.5) + single


@dataclass(frozen=True)
class Fitted:
    """The grounding as the prompt will carry it, and what had to give way (for the log; never the text)."""

    grounding: Grounding
    budget: int
    trimmed: int = 0
    dropped: int = 0


def trim_to_tokens(text: str, limit: int, count: TokenCounter) -> str:
    """The longest beginning of ``text`` within ``limit`` tokens, ending at a sentence end when one is in reach.

    A binary search over characters (a tokenizer call each step), then back to the last sentence end in the kept
    part, unless that would throw away more than a third of it (a long sentence is then cut at a word, with "…").
    """
    if count(text) <= limit:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(text[:mid]) + 1 <= limit:  # +1: the ellipsis
            lo = mid
        else:
            hi = mid - 1
    kept = text[:lo]
    ends = [m.start() for m in _SENTENCE_END.finditer(kept)]
    if ends and ends[-1] >= len(kept) * 2 // 3:
        return kept[: ends[-1]].rstrip()
    cut = kept.rsplit(" ", 1)[0] if " " in kept else kept
    return cut.rstrip() + "…"


def fit_grounding(grounding: Grounding, budget: int, count: TokenCounter) -> Fitted:
    """Cut ``grounding``'s passages to ``budget`` tokens in total (see the module's docstring).

    Each passage in rank order may use an equal share of what the passages after it have not used, so a short
    first passage leaves its unused share to the others. ``sources`` stay aligned with ``passages``.
    """
    passages, sources = grounding.passages, grounding.sources
    if len(passages) != len(sources):  # the plugin contract: one passage per source, same order
        raise ValueError(f"{len(sources)} sources but {len(passages)} passages: [n] would name the wrong source")
    sizes = [count(p) + 2 for p in passages]  # +2: the "[n] " label and the line break
    if sum(sizes) <= budget:
        return Fitted(grounding, budget)
    kept_passages: list[str] = []
    kept_sources: list[Source] = []
    kept: list[int] = []
    left, trimmed, dropped = budget, 0, 0
    for i, (passage, size) in enumerate(zip(passages, sizes)):
        share = left // (len(passages) - i)
        if size <= share:
            kept_passages.append(passage)
            kept_sources.append(sources[i])
            kept.append(i)
            left -= size
            continue
        if share - 2 < MIN_PASSAGE_TOKENS:
            dropped += 1
            continue
        cut = trim_to_tokens(passage, share - 2, count)
        kept_passages.append(cut)
        kept_sources.append(sources[i])
        kept.append(i)
        left -= count(cut) + 2
        trimmed += 1
    # replace(), not a new Grounding: an assistant's own subclass (a Rasa action's answer, say) must stay what it is.
    # The quotes (the sources as the user reads them) never reach the prompt: they follow the sources kept, uncut.
    quotes = [grounding.quotes[i] for i in kept] if len(grounding.quotes) == len(passages) else []
    fitted = replace(grounding, sources=kept_sources, passages=kept_passages, quotes=quotes)
    return Fitted(fitted, budget, trimmed=trimmed, dropped=dropped)
