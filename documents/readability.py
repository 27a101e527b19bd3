"""How easy a text is to read, by the standard formula of its language — so a plain-language rewrite can show that
it reads more easily than its source.

==========  ===============================  ===========================================================
language    formula (the score)              other figures
==========  ===============================  ===========================================================
en          Flesch-Kincaid grade (lower:     Flesch reading ease
            easier; a US school grade)
de          Flesch-Amstad reading ease       Wiener Sachtextformel 1 (a school grade, lower: easier)
            (higher: easier, 0–100)
fr          Kandel-Moles reading ease
            (higher: easier, 0–100)
lb          LIX (lower: easier)              no formula was validated for Luxembourgish, and no
                                             hyphenation dictionary exists for it: LIX needs neither
                                             (sentence length + share of words over six letters)
==========  ===============================  ===========================================================

Every result also carries the plain measures (words per sentence, letters per word, share of long words), the
same in every language.

Syllables are counted by textstat (``textstat.backend.counts.count_syllables``: Pyphen's hyphenation
dictionaries); the formulas are applied here, with their published constants, to sentences counted here. Why not
textstat's own formula functions: they count sentences by full stops only and drop every sentence of one or two
words, while a plain-language text is written in lists and short sentences — each line (a list item, a heading)
is a sentence here, and the dots of ordinals and abbreviations ("1. Januar", "z. B.", "Art. 5") end none. English
syllables are counted with the ``en-US`` dictionary code rather than ``en_US``: with the latter textstat looks the
words up in NLTK's CMU dictionary and *downloads* it on first use, and moien never reaches outside the host at run
time; Pyphen's English dictionary ships with Pyphen.

Pure: no model, no moien core.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

#: Below this many words a formula says little (one sentence of a form): the result says so (``reliable``).
#: How a readability comparison is said, in the reader's language (the CLI report and the teacher app's Documents
#: page say it in the same words).
LABELS: dict[str, dict[str, str]] = {
    "readability": {
        "lb": "Liesbarkeet ({formula}): {before} → {after}",
        "fr": "Lisibilité ({formula}) : {before} → {after}",
        "de": "Lesbarkeit ({formula}): {before} → {after}",
        "en": "Readability ({formula}): {before} → {after}",
    },
    "sentence_length": {
        "lb": "Wierder pro Saz: {before} → {after}; laang Wierder: {lb_before} % → {lb_after} %",
        "fr": "Mots par phrase : {before} → {after} ; mots longs : {lb_before} % → {lb_after} %",
        "de": "Wörter pro Satz: {before} → {after}; lange Wörter: {lb_before} % → {lb_after} %",
        "en": "Words per sentence: {before} → {after}; long words: {lb_before} % → {lb_after} %",
    },
    "easier_higher": {
        "lb": "méi héich ass méi einfach",
        "fr": "plus haut = plus facile",
        "de": "höher ist leichter",
        "en": "higher is easier",
    },
    "easier_lower": {
        "lb": "méi niddreg ass méi einfach",
        "fr": "plus bas = plus facile",
        "de": "niedriger ist leichter",
        "en": "lower is easier",
    },
}

MIN_WORDS = 30
#: A long word has more than this many letters (LIX's and the Wiener Sachtextformel's threshold).
LONG_WORD = 6

FORMULAS: dict[str, tuple[str, bool]] = {
    # language: (formula, higher score = easier)
    "en": ("Flesch-Kincaid grade", False),
    "de": ("Flesch-Amstad reading ease", True),
    "fr": ("Kandel-Moles reading ease", True),
    "lb": ("LIX", False),
}
#: Flesch reading ease, per language: base, weight of words per sentence, weight of syllables per word
#: (Flesch 1948; Amstad 1978; Kandel & Moles 1958) — the constants textstat uses too.
_READING_EASE = {"en": (206.835, 1.015, 84.6), "de": (180.0, 1.0, 58.5), "fr": (207.0, 1.015, 73.6)}
#: Pyphen dictionaries by language (see the module docstring for "en-US").
_HYPHENATION = {"en": "en-US", "de": "de_DE", "fr": "fr"}

# Abbreviations whose dot ends no sentence ("z. B.", "Art. 5", "ca. 10", "e.g."), case-insensitive.
_ABBREVIATIONS = re.compile(
    r"\b(?:z\.\s?b|d\.\s?h|u\.\s?a|e\.\s?g|i\.\s?e|bzw|ca|etc|evtl|ggf|inkl|nr|art|abs|vgl|cf|env|resp|dr|mr|mrs|"
    r"prof|vs|asw|zb|dh)\.",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"(?<=\d)\.(?=\s+(?:[A-Za-zÀ-ÿ]))")
_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|[-*•]\s+|\d{1,2}[.)]\s+|>\s*)|[*_`|]+", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Readability:
    """One text's readability: the score of its language's formula and the plain measures behind it."""

    lang: str
    formula: str
    score: float
    #: Whether a higher ``score`` means easier (reading-ease scores) or harder (grades, LIX).
    higher_is_easier: bool
    words: int
    sentences: int
    words_per_sentence: float
    letters_per_word: float
    #: Share of words longer than six letters (0–1).
    long_words: float
    #: Other figures of the same text (``"Wiener Sachtextformel 1"``, ``"Flesch reading ease"``…).
    other: dict[str, float] = field(default_factory=dict)

    @property
    def reliable(self) -> bool:
        """Whether the text is long enough for a formula to mean something (:data:`MIN_WORDS` words)."""
        return self.words >= MIN_WORDS

    def easier_than(self, other: Readability) -> bool:
        """Whether this text reads more easily than ``other`` by the formula of their (common) language."""
        if self.formula != other.formula:
            raise ValueError(f"cannot compare {self.formula} with {other.formula}: texts in different languages")
        return self.score > other.score if self.higher_is_easier else self.score < other.score

    def to_dict(self) -> dict[str, object]:
        return asdict(self) | {"reliable": self.reliable}


def prepare(text: str) -> str:
    """The text as the formulas should read it: Markdown marks removed, each line a sentence, the dots of
    ordinals and abbreviations removed (they do not end a sentence)."""
    text = _MARKUP.sub("", text)
    text = _ABBREVIATIONS.sub(lambda m: m.group(0)[:-1].replace(".", ""), text)
    text = _ORDINAL.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:;" else line + "." for line in lines)


def _sentences(text: str) -> int:
    return max(1, len([s for s in re.split(r"(?<=[.!?:;])\s+", text) if _WORD.search(s)]))


def measure(text: str, lang: str) -> Readability:
    """The readability of ``text`` written in ``lang`` (lb, fr, de, en; any other language is measured as English
    and says so in ``formula``)."""
    plain = prepare(text)
    words = _WORD.findall(plain)
    n_words = len(words)
    n_sentences = _sentences(plain) if n_words else 0
    per_sentence = n_words / n_sentences if n_sentences else 0.0
    letters = sum(len(w) for w in words) / n_words if n_words else 0.0
    long_share = sum(len(w) > LONG_WORD for w in words) / n_words if n_words else 0.0
    code = lang if lang in FORMULAS else "en"
    formula, higher_is_easier = FORMULAS[code]
    other: dict[str, float] = {}
    if not n_words:
        score = 0.0
    elif code == "lb":
        score = per_sentence + 100 * long_share
    else:
        from textstat.backend.counts import count_syllables  # imports NLTK: only once something is measured

        hyphenation = _HYPHENATION[code]
        syllables = [max(1, count_syllables(w.lower(), hyphenation)) for w in words]
        per_word = sum(syllables) / n_words
        base, a, b = _READING_EASE[code]
        ease = base - a * per_sentence - b * per_word
        if code == "en":
            score = 0.39 * per_sentence + 11.8 * per_word - 15.59
            other["Flesch reading ease"] = round(ease, 1)
        else:
            score = ease
        if code == "de":
            many = 100 * sum(n >= 3 for n in syllables) / n_words
            one = 100 * sum(n == 1 for n in syllables) / n_words
            wiener = 0.1935 * many + 0.1672 * per_sentence + 0.1297 * 100 * long_share - 0.0327 * one - 0.875
            other["Wiener Sachtextformel 1"] = round(wiener, 1)
    if lang != code:
        formula += f" (measured as English: no formula for {lang})"
    return Readability(
        lang=lang,
        formula=formula,
        score=round(score, 1),
        higher_is_easier=higher_is_easier,
        words=n_words,
        sentences=n_sentences,
        words_per_sentence=round(per_sentence, 1),
        letters_per_word=round(letters, 2),
        long_words=round(long_share, 3),
        other=other,
    )
