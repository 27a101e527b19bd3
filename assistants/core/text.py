"""Text helpers for streamed answers."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_MARKDOWN = re.compile(r"(\*\*|__|^#+\s*|^\s*[-*•]\s+)", re.MULTILINE)


def cap_words(pieces: Iterator[str], max_words: int) -> Iterator[str]:
    """Stream sentences while they fit in ``max_words``; plain text (markdown marks removed)."""
    buf = ""
    used = 0
    try:
        for piece in pieces:
            buf += piece
            parts = _SENTENCE_END.split(buf)
            for sentence in parts[:-1]:
                sentence = _MARKDOWN.sub("", sentence).strip()
                n = len(sentence.split())
                if used + n > max_words:
                    if used == 0:  # one very long sentence: cut it at the limit
                        yield " ".join(sentence.split()[:max_words]) + "…"
                    return
                yield ("" if used == 0 else " ") + sentence
                used += n
            buf = parts[-1]
        rest = _MARKDOWN.sub("", buf).strip()
        if rest:
            n = len(rest.split())
            if used + n <= max_words:
                yield ("" if used == 0 else " ") + rest
            elif used == 0:
                yield " ".join(rest.split()[:max_words]) + "…"
    finally:
        close = getattr(pieces, "close", None)
        if close:
            close()  # stop generating (and free the model) as soon as the answer is long enough
