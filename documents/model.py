"""The shapes that flow from a parsed file to a cited chunk: typed, small, shared by every part of the package.

A citation must point at a page or an article, not a file, so every :class:`Section` keeps where it came from
(heading path, page, article number) and every :class:`Chunk` inherits it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from moien.documents.messages import render
from moien.lang import LANGS


class DocumentError(ValueError):
    """A file moien cannot read, with a one-line reason that says what to do (shown in the import report).

    ``DocumentError(name, problem, todo, **values)`` takes the codes of :data:`moien.documents.messages.PROBLEMS`
    and ``TODOS``; :meth:`text` writes it in lb/fr/de/en ("x.pdf: the PDF is protected by a password; open it …").
    ``str(exc)`` is always the English text, so logs and ``--json`` output do not depend on who ran the import.
    ``DocumentError("one line")`` (no problem code) is a message that exists in one language only.
    """

    def __init__(self, name: str, problem: str | None = None, todo: str = "", **values: Any) -> None:
        self.name = name
        self.problem = problem
        self.todo = todo
        self.values = values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """The message in ``lang`` (one of lb, fr, de, en; English for any other), on one line."""
        if self.problem is None:
            return self.name
        return render(self.name, self.problem, self.todo, self.values, lang)

    def texts(self) -> dict[str, str]:
        """The message in each of moien's four languages (``{"lb": …, "fr": …, "de": …, "en": …}``)."""
        return {lang: self.text(lang) for lang in LANGS}

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it from its codes, not from the English text
        return (_rebuild, (self.name, self.problem, self.todo, self.values))


def _rebuild(name: str, problem: str | None, todo: str, values: dict[str, Any]) -> DocumentError:
    return DocumentError(name, problem, todo, **values)


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
