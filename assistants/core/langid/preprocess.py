"""Text normalisation shared by training and prediction.

The model only ever sees text passed through :func:`normalize`, at training time
and at run time, so both sides must use this one function.  It keeps what tells
languages apart (letters, apostrophes such as ``d'`` or ``l'``, inner hyphens) and
drops what does not (URLs, e-mail addresses, digits, emoji, punctuation, case).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["count_letters", "normalize", "split_segments", "strip_diacritics"]

_URL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:lu|com|org|net|de|fr|eu|be|io|info|edu|gov|uk|ch|at|nl|public)\b(?:/\S*)?",
    re.IGNORECASE,
)
# Cheap pre-check: a URL or bare domain has "/" or a dot followed by a letter.
_MAYBE_URL = re.compile(r"[.][^\W\d_]|/")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_APOSTROPHES = re.compile("[\u2019\u2018\u02bc`\u00b4]")
# Anything that is not a letter, an apostrophe or a hyphen becomes a space.
_NON_LETTER = re.compile(r"[^\w'-]|[\d_]")
_SPACES = re.compile(r"\s+")
# Sentence boundaries used to find mixed-language messages.  A full stop only splits
# when whitespace follows and no digit precedes it, so "3.5", "guichet.lu" and the
# German/Luxembourgish ordinal "den 3. Abrëll" stay whole.  Commas do not split:
# a clause is too short to tell a language switch from a loanword.
_SEGMENT_BOUNDARY = re.compile(r"(?<=[!?;\u2026])\s+|(?<=[^\d\s.][.])\s+|\n+|\s+[\u2013\u2014]\s+")


_EDGE_MARKS = re.compile(r"(?<!\S)['-]+|['-]+(?!\S)")


def normalize(text: str) -> str:
    """Return the lower-cased, letters-only form the model reads.

    >>> normalize("Moien! Wéini fänkt d’Schoul un? https://men.lu 😀 2024")
    "moien wéini fänkt d'schoul un"
    """
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if _MAYBE_URL.search(text) is not None:
        text = _URL.sub(" ", text)
    if not text.isascii() or "`" in text:
        text = _APOSTROPHES.sub("'", text)
    text = _NON_LETTER.sub(" ", text.lower())
    if "'" in text or "-" in text:
        text = _EDGE_MARKS.sub(" ", text)
    return " ".join(text.split())


def count_letters(text: str) -> int:
    """Number of alphabetic characters in ``text``."""
    return sum(1 for ch in text if ch.isalpha())


def strip_diacritics(text: str) -> str:
    """``wéini fänkt`` -> ``weini fankt`` (used to augment training data).

    Not :func:`moien.lang.fold`, on purpose: this keeps case and compatibility characters (NFD, not NFKD) and
    recomposes what is left, so the training samples — and the models trained from them — stay as they were.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def has_segment_boundary(text: str) -> bool:
    """True when ``text`` has a sentence boundary before its end (cheap pre-check)."""
    return _SEGMENT_BOUNDARY.search(text.rstrip()) is not None


def split_segments(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, empty ones left out."""
    if _SEGMENT_BOUNDARY.search(text.strip()) is None:
        stripped = text.strip()
        return [(text.index(stripped), text.index(stripped) + len(stripped))] if stripped else []
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SEGMENT_BOUNDARY.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    result: list[tuple[int, int]] = []
    for a, b in spans:
        piece = text[a:b]
        stripped = piece.strip()
        if not stripped:
            continue
        a += len(piece) - len(piece.lstrip())
        b -= len(piece) - len(piece.rstrip())
        result.append((a, b))
    return result
