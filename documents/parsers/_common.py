"""What every parser shares: the limits, the one-line error, and a builder that groups text under headings.

Kept apart from ``__init__`` so each format module can import it without importing the dispatcher (and so the
heavy libraries — pypdf, python-docx, odfpy, trafilatura — load only when a file of their format arrives).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from moien.documents.model import DocumentError, ParsedDocument, Section

#: How heading paths are joined ("Fees › Adults"), as ``Section.heading`` documents.
HEADING_SEP = " › "


@dataclass(frozen=True)
class Limits:
    """What one file may cost at most; each bound stops a hostile or broken file before it costs much.

    The defaults leave room for real administrative files (a 1,000-page report, a 60 MB scanned-then-OCRed PDF,
    a Word file full of images) while refusing what only an attack or an export gone wrong produces: a zip whose
    members unpack to gigabytes or compress more than any document does, a text of hundreds of megabytes.
    """

    #: Bytes of the file itself (read into memory whole by every parser).
    max_file_bytes: int = 100 * 1024 * 1024
    #: Pages of a PDF; more is refused before any page is read.
    max_pages: int = 2_000
    #: Total uncompressed size of a DOCX/ODT (zip) container, from its central directory.
    max_uncompressed_bytes: int = 512 * 1024 * 1024
    #: Uncompressed ÷ compressed size of the whole container. Office XML compresses 5–20:1; zeros 1000:1.
    max_compression_ratio: float = 100.0
    #: Members of a zip container (a real DOCX has a few dozen, one per image at most).
    max_zip_members: int = 10_000
    #: Bytes of a web page's HTML: boilerplate removal takes time that grows faster than the page (a 6 MB page
    #: takes half a minute); real pages, even long legal ones, stay under 2 MB.
    max_html_bytes: int = 5 * 1024 * 1024
    #: Sections of one document (paragraph groups, pages, articles).
    max_sections: int = 100_000
    #: Characters of text of one document (about 10,000 pages).
    max_chars: int = 20_000_000


DEFAULT_LIMITS = Limits()


def fail(name: str, problem: str, todo: str, **values: object) -> DocumentError:
    """A one-line error naming the file, its problem and what to do ("x.pdf: …; …"), in four languages: ``problem``
    and ``todo`` are codes of :mod:`moien.documents.messages`, ``values`` fill in their blanks."""
    return DocumentError(name, problem, todo, **values)


def too_big(name: str, size: int, limit: int, *, setting: str = "") -> DocumentError:
    """A file over the size limit: "x.pdf: 120 MB is over the 100 MB limit; split the file …"."""
    mb, limit_mb = round(size / 1e6), round(limit / 1e6)
    if setting:
        return fail(name, "file_too_big", "split_file_or_raise", mb=mb, limit_mb=limit_mb, setting=setting)
    return fail(name, "file_too_big", "split_file", mb=mb, limit_mb=limit_mb)


def one_line(text: object, width: int = 160) -> str:
    """An exception's message squeezed onto one short line (library messages can span lines)."""
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def clean(text: str) -> str:
    """Whitespace of extracted text made plain: no trailing spaces, at most one blank line, no NUL characters."""
    lines = [" ".join(line.replace("\x00", "").split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


@dataclass
class SectionBuilder:
    """Collects text under the current heading path and counts it against the limits.

    A heading closes the text collected so far into one :class:`Section` (paragraphs grouped under their heading),
    so a citation can name the heading a passage sits under.
    """

    name: str
    limits: Limits
    sections: list[Section] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    _buf: list[str] = field(default_factory=list)
    #: The heading of the text in ``_buf`` when the caller keeps its own path (legal XML), else ``None``.
    _buf_heading: str | None = None
    _chars: int = 0

    @property
    def path(self) -> str:
        return HEADING_SEP.join(h for _, h in self.headings)

    def heading(self, level: int, text: str) -> None:
        """Start a new heading at outline ``level`` (1 = top), closing deeper or equal ones."""
        self.flush()
        text = " ".join(text.split())
        if not text:
            return
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text))

    def text(self, text: str) -> None:
        text = text.strip()
        if text:
            self._buf.append(text)

    def text_under(self, heading: str, text: str) -> None:
        """Text under a heading path the caller keeps; consecutive blocks under one heading make one section."""
        if self._buf and self._buf_heading != heading:
            self.flush()
        self._buf_heading = heading
        self.text(text)

    def flush(self) -> None:
        if self._buf:
            heading = self.path if self._buf_heading is None else self._buf_heading
            text = "\n\n".join(self._buf)
            self._buf, self._buf_heading = [], None
            self.add(Section(text=text, heading=heading))

    def add(self, section: Section) -> None:
        self._chars += len(section.text)
        if len(self.sections) >= self.limits.max_sections:
            raise fail(
                self.name,
                "too_many_sections",
                "split_document_or_raise",
                limit=self.limits.max_sections,
                setting="Limits.max_sections",
            )
        if self._chars > self.limits.max_chars:
            raise fail(
                self.name,
                "too_many_chars",
                "split_document_or_raise",
                limit=self.limits.max_chars,
                setting="Limits.max_chars",
            )
        self.sections.append(section)

    def done(self) -> list[Section]:
        self.flush()
        return self.sections


def require_text(doc: ParsedDocument, name: str, todo: str = "check_not_empty") -> ParsedDocument:
    """A document without any text is an error the import report shows, not a silently empty document."""
    if not any(s.text.strip() for s in doc.sections):
        raise fail(name, "no_text", todo)
    return doc
