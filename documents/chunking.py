"""Structure-aware chunks: passages of about 120–250 words that never cross a heading, page or article boundary.

A chunk is what search ranks, what the prompt quotes and what a citation names, so it must sit inside one unit of
the document: a citation then says "p. 4" or "Art. 12", never "somewhere in this file". Short sections under the
same heading (paragraphs) are packed together up to the target; a long one is cut at sentence boundaries with a
small overlap, so a sentence that needs its predecessor is still understood in the next chunk.

Why hand-written and not a text-splitter library: the splitters we could use (Haystack's ``DocumentSplitter``,
LangChain's) cut a flat text by length; they neither know the section boundaries nor keep the page and article of
each piece, which is the whole point here. The sentence rule is deliberately simple (punctuation followed by a
capital, digit or quote) and works the same for lb/fr/de/en.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from moien.documents.model import Chunk, ParsedDocument, Section

#: A chunk grows until it has at least this many words (small sections under one heading are packed together)…
MIN_WORDS = 120
#: …and is cut before it exceeds this many (at a sentence boundary; a single longer sentence is cut by words).
#: Kept well under the brief's 250-word ceiling because the e5 embedder reads the first ~700 characters only.
MAX_WORDS = 200
#: Words repeated from the end of one piece at the start of the next when a long section is cut.
OVERLAP_WORDS = 30

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+(?=[\"'«„“(\[]?[A-ZÀ-ÖØ-Þ0-9])|\n\s*\n")


@dataclass(frozen=True)
class ChunkPlan:
    """Sizes of the chunks, in words (defaults: :data:`MIN_WORDS`, :data:`MAX_WORDS`, :data:`OVERLAP_WORDS`)."""

    min_words: int = MIN_WORDS
    max_words: int = MAX_WORDS
    overlap_words: int = OVERLAP_WORDS


DEFAULT_PLAN = ChunkPlan()


def split_sentences(text: str) -> list[str]:
    """Sentences (and paragraphs) of ``text``, in order, whitespace kept inside each."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _words(text: str) -> int:
    return len(text.split())


def _windows(sentence: str, plan: ChunkPlan) -> Iterator[str]:
    """A sentence longer than a chunk (a table row, a list without full stops) cut by words, with overlap."""
    words = sentence.split()
    step = max(plan.max_words - plan.overlap_words, 1)
    for start in range(0, len(words), step):
        yield " ".join(words[start : start + plan.max_words])
        if start + plan.max_words >= len(words):
            return


def split_long(text: str, plan: ChunkPlan = DEFAULT_PLAN) -> list[str]:
    """``text`` cut into pieces of at most ``plan.max_words`` words at sentence boundaries, each piece starting with
    the last sentences (up to ``plan.overlap_words`` words) of the previous one."""
    if _words(text) <= plan.max_words:
        return [text.strip()]
    units: list[str] = []
    for sentence in split_sentences(text):
        units.extend(_windows(sentence, plan) if _words(sentence) > plan.max_words else [sentence])
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for unit in units:
        n = _words(unit)
        if current and size + n > plan.max_words:
            pieces.append(" ".join(current))
            # carry the tail over: whole sentences, as long as they fit the overlap and leave room for this unit
            carry: list[str] = []
            carried = 0
            for prev in reversed(current):
                w = _words(prev)
                if carried + w > plan.overlap_words or carried + w + n > plan.max_words:
                    break
                carry.insert(0, prev)
                carried += w
            current, size = carry, carried
        current.append(unit)
        size += n
    if current:
        pieces.append(" ".join(current))
    return pieces


def _boundary(section: Section) -> tuple[str, int | None, str | None]:
    """What a chunk may not cross: a change of heading, page or article starts a new chunk."""
    return (section.heading, section.page, section.article)


def _groups(sections: Iterable[Section]) -> Iterator[tuple[Section, list[str]]]:
    """Consecutive sections with the same boundary, as (first section, texts)."""
    current: Section | None = None
    texts: list[str] = []
    for s in sections:
        if not s.text.strip():
            continue
        if current is not None and _boundary(s) != _boundary(current):
            yield current, texts
            current, texts = None, []
        if current is None:
            current = s
        texts.append(s.text.strip())
    if current is not None:
        yield current, texts


def _pack(texts: list[str], plan: ChunkPlan) -> list[str]:
    """Texts of one unit (paragraphs under one heading) packed into passages of about min–max words."""
    pieces: list[str] = []
    for text in texts:
        pieces.extend(split_long(text, plan))
    out: list[str] = []
    for piece in pieces:
        if out and _words(out[-1]) < plan.min_words and _words(out[-1]) + _words(piece) <= plan.max_words:
            out[-1] = f"{out[-1]}\n\n{piece}"
        else:
            out.append(piece)
    return out


def chunk_uri(base: str | None, page: int | None) -> str | None:
    """Where a person opens the chunk: the document's URI, with ``#page=N`` for a page (PDF viewers open it)."""
    if base is None:
        return None
    return f"{base}#page={page}" if page is not None and "#" not in base else base


def chunk_document(
    doc: ParsedDocument,
    *,
    doc_id: str,
    collection: str,
    groups: Sequence[str] = (),
    lang: str | None = None,
    uri: str | None = None,
    date: str | None = None,
    plan: ChunkPlan = DEFAULT_PLAN,
) -> list[Chunk]:
    """The chunks of ``doc``, in reading order, ids ``{doc_id}#{ordinal}`` (stable while the text is unchanged).

    ``lang``, ``uri`` and ``date`` default to what the document says; the importer passes the identified
    language, the file's URI and the file's date when the document gives none.
    """
    chunks: list[Chunk] = []
    for first, texts in _groups(doc.sections):
        for text in _pack(texts, plan):
            chunks.append(
                Chunk(
                    id=f"{doc_id}#{len(chunks)}",
                    doc_id=doc_id,
                    collection=collection,
                    groups=tuple(groups),
                    title=doc.title,
                    text=text,
                    heading=first.heading,
                    page=first.page,
                    article=first.article,
                    lang=lang or doc.lang,
                    uri=chunk_uri(uri, first.page),
                    date=date or doc.date,
                )
            )
    return chunks


def citation(chunk: Chunk) -> str:
    """How a source names the chunk: "Title, p. 4", "Title, Art. 12" or "Title › Heading" (the title once)."""
    if chunk.article:
        return f"{chunk.title}, Art. {chunk.article}"
    if chunk.page is not None:
        return f"{chunk.title}, p. {chunk.page}"
    heading = chunk.heading
    # Markdown's first heading is usually the title itself: "Identity card › Fees" is shown as "… › Fees".
    if heading == chunk.title:
        heading = ""
    elif heading.startswith(chunk.title + " › "):
        heading = heading[len(chunk.title) + 3 :]
    return f"{chunk.title} › {heading}" if heading else chunk.title


def index_text(chunk: Chunk) -> str:
    """The text a chunk is found by (BM25 and embeddings): title and heading give a short passage its topic."""
    if chunk.heading.startswith(chunk.title):
        head = chunk.heading  # Markdown's heading path already starts with the title
    else:
        head = " › ".join(p for p in (chunk.title, chunk.heading) if p)
    return f"{head}\n{chunk.text}" if head else chunk.text
