"""The shapes that flow from a parsed file to a cited chunk: typed, small, shared by every part of the package.

A citation must point at a page or an article, not a file, so every :class:`Section` keeps where it came from
(heading path, page, article number) and every :class:`Chunk` inherits it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DocumentError(ValueError):
    """A file moien cannot read, with a one-line reason that says what to do (shown in the import report)."""


@dataclass(frozen=True)
class Section:
    """One structural unit of a document, in reading order: a paragraph under a heading, a PDF page's text, a law's
    article. ``heading`` is the path of headings above it ("Fees › Adults"), empty when there is none."""

    text: str
    heading: str = ""
    #: 1-based page of a paginated document (PDF) where the section starts.
    page: int | None = None
    #: A legal text's article number as the text writes it ("5", "12bis").
    article: str | None = None


@dataclass
class ParsedDocument:
    """What a parser found in one file: its title, its language when the file says so, and its sections."""

    title: str
    sections: list[Section]
    #: The language the file declares (``xml:lang``, ``dc:language``, a name such as ``x.fr.md``); ``None`` when
    #: it says nothing (the importer then identifies it from the text).
    lang: str | None = None
    #: The document's own date (ISO 8601, e.g. a law's date of publication), when the file gives one.
    date: str | None = None
    #: Which parser read it ("pdf", "docx", "odt", "html", "markdown", "text", "akn", "legilux").
    format: str = ""
    #: Non-fatal problems worth a line in the import report ("page 3 has no text layer").
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    """A passage as it is searched, put into a prompt and cited."""

    #: ``{doc_id}#{ordinal}``: stable while the document's text is unchanged.
    id: str
    #: ``{collection}/{path relative to the imported folder}`` (or the URL for a web page).
    doc_id: str
    collection: str
    #: Groups that may read it; empty: everyone who may use the assistant.
    groups: tuple[str, ...]
    title: str
    text: str
    heading: str = ""
    page: int | None = None
    article: str | None = None
    lang: str | None = None
    #: Where a person opens the source: a file URI or URL, with ``#page=N`` for a PDF page.
    uri: str | None = None
    #: ISO 8601 date of the document (its own date, else the file's modification date).
    date: str | None = None
