"""The trust layer: clean input, keep personal data out of memory and logs, guard the prompt.

Personal data is redacted before a message is kept in session memory (the model still sees the
current message in full, so it can answer it), and the logging filter below removes message text
from every log record unless ``log_messages`` is switched on.
"""

from __future__ import annotations

import logging
import re
import unicodedata

# Control characters except tab and newline; Unicode format characters (bidi overrides, zero-width).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t]+")

# Personal data that must not be remembered. Patterns, not a library: the formats are Luxembourg-specific
# (13-digit matricule, LU IBAN, +352 phone numbers) and no maintained library covers them.
_PII_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("IBAN", re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?\b")),
    ("MATRICULE", re.compile(r"\b(?:19|20)\d{2}\s?\d{4}\s?\d{5}\b")),
    (
        "PHONE",
        re.compile(
            r"(?<!\w)(?:\+|00)\d{2,3}[\s./-]?\d{2,4}(?:[\s./-]?\d{2,4}){1,4}\b|\b\d{3}[\s./-]\d{3}[\s./-]\d{3}\b"
        ),
    ),
]


def clean_message(text: str) -> str:
    """Normalise Unicode (NFC), drop control and invisible format characters, collapse spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def redact(text: str) -> str:
    """Replace personal data (e-mail, IBAN, national id number, phone) with placeholders."""
    for label, pattern in _PII_PATTERNS:
        text = pattern.sub(f"[{label}]", text)
    return text


# Phrases that try to override the system prompt. The model is small and easily led; these are refused
# before any retrieval or generation (GOV.UK Chat's jailbreak guardrail plays the same role).
_JAILBREAK = re.compile(
    r"ignore (all |any )?(previous|prior|above) (instructions|rules)|"
    r"ignoriere (alle )?(vorherigen|bisherigen) (anweisungen|regeln)|"
    r"ignore[zr]? (toutes )?les instructions (précédentes|precedentes)|"
    r"ignoréier (all )?(viregt|virdrun) (instruktiounen|uweisungen)|"
    r"(reveal|print|show) (me )?(your|the) system prompt|"
    r"you are now (dan|in developer mode)",
    re.IGNORECASE,
)


def is_jailbreak(text: str) -> bool:
    return bool(_JAILBREAK.search(text))


class NoMessageTextFilter(logging.Filter):
    """Strip the ``message_text`` extra from log records unless explicitly allowed."""

    def __init__(self, allow: bool = False) -> None:
        super().__init__()
        self.allow = allow

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "message_text") and not self.allow:
            record.message_text = "[not logged]"
        return True


def configure_logging(allow_message_text: bool = False, level: int = logging.INFO) -> None:
    logger = logging.getLogger("moien")
    if not any(isinstance(f, NoMessageTextFilter) for f in logger.filters):
        logger.addFilter(NoMessageTextFilter(allow_message_text))
    logger.setLevel(level)
    # The driver logs every retry of an unreachable server as a warning; the reply already says it.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
