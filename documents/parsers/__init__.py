"""Files and web pages → :class:`~moien.documents.model.ParsedDocument`: one entry point for every format.

``parse_file(path)`` and ``parse_bytes(data, name)`` choose the parser from the file's *content* (a PDF starts
with ``%PDF-``, a DOCX/ODT is a zip with a known manifest, legal XML has its namespace) and check that it agrees
with the suffix, so a renamed or broken file gets a one-line :class:`DocumentError` that says what to do — never a
traceback, and never a crash deep inside a library. Every parser runs under :class:`Limits` (file size, pages,
zip size and ratio, sections, characters), checked before the expensive work starts.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from moien.documents.messages import Term
from moien.documents.model import DocumentError, ParsedDocument
from moien.documents.parsers._common import DEFAULT_LIMITS, Limits, fail, one_line, too_big
from moien.documents.parsers.text import MARKDOWN_SUFFIXES, TEXT_SUFFIXES, parse_markdown, parse_text

__all__ = ["DEFAULT_LIMITS", "SUPPORTED_SUFFIXES", "Limits", "parse_bytes", "parse_file", "skip_reason", "sniff"]

#: Suffix → the format a file with it must be (its content is checked too).
_SUFFIX_FORMAT: dict[str, str] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "xml",
    ".akn": "xml",
    **dict.fromkeys(MARKDOWN_SUFFIXES, "markdown"),
    **dict.fromkeys(TEXT_SUFFIXES, "text"),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_SUFFIX_FORMAT)

#: Formats people often have that moien does not read, and what to do with them (codes of ``messages``).
_UNSUPPORTED: dict[str, tuple[str, str]] = {
    ".doc": ("old_doc", "save_as_docx"),
    ".rtf": ("rtf", "save_as_docx"),
    ".xls": ("spreadsheet", "export_docx_pdf"),
    ".xlsx": ("spreadsheet", "export_docx_pdf"),
    ".ppt": ("presentation", "export_pdf"),
    ".pptx": ("presentation", "export_pdf"),
    ".odp": ("presentation", "export_pdf"),
    ".ods": ("spreadsheet", "export_odt_pdf"),
}
#: How a person gets a good copy of a file of each binary format.
_RESAVE = {"pdf": "resave_pdf", "docx": "resave_docx", "odt": "resave_odt"}
#: The format's name with its article, as a message says it ("a PDF with the suffix '.txt'").
_NAMES = {"pdf": Term("a_pdf"), "docx": Term("a_docx"), "odt": Term("a_odt")}
_FORMATS = ", ".join(SUPPORTED_SUFFIXES)


def sniff(data: bytes) -> str:
    """The format the bytes are, whatever the name says: pdf, zip, docx, odt, html, xml, text or binary."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in data[:4096].lower()):
        return "html"
    if start.startswith(b"<"):
        return "xml"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return "text"


def _zip_kind(data: bytes) -> str:
    """A DOCX has ``word/document.xml``; an ODT names its type in the ``mimetype`` member."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                if zf.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                    return "odt"
            if "content.xml" in names:
                return "odt"
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError):
        return "badzip"
    return "zip"


def _suffix(name: str) -> str:
    base = name.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return Path(base).suffix.lower() if "." in base else ""


def _format_for(data: bytes, name: str) -> str:
    """Agree the suffix with the content; a disagreement is the file's problem, said in one line."""
    suffix = _suffix(name)
    if suffix in _UNSUPPORTED:
        problem, todo = _UNSUPPORTED[suffix]
        raise fail(name, problem, todo)
    expected = _SUFFIX_FORMAT.get(suffix)
    actual = sniff(data)
    if suffix and expected is None:
        # A web address ends in .php, .aspx or .jsp and serves HTML or a PDF: the content decides there.
        if actual in ("pdf", "docx", "odt", "html"):
            return actual
        raise fail(name, "suffix_unsupported", "use_formats", suffix=suffix, formats=_FORMATS)
    if expected in ("pdf", "docx", "odt"):
        if actual == expected:
            return actual
        if actual in ("zip", "badzip") and expected in ("docx", "odt"):
            raise fail(name, f"zip_not_{expected}", _RESAVE[expected])
        raise fail(name, f"not_{expected}", _RESAVE[expected])
    if actual in ("pdf", "docx", "odt"):
        if expected is None:  # no suffix (a URL, an upload without a name): trust the content
            return actual
        raise fail(name, "wrong_suffix", "rename", kind=_NAMES[actual], suffix=suffix)
    if actual in ("zip", "badzip", "binary"):
        raise fail(name, "binary", "use_formats", formats=_FORMATS)
    if expected == "html" or (expected is None and actual == "html"):
        return "html"
    if expected == "xml" or (expected is None and actual == "xml"):
        return "xml"
    if expected == "text":
        return "text"
    return "markdown"  # .md, and text of unknown name: Markdown reads plain text as paragraphs too


def skip_reason(suffix: str) -> DocumentError:
    """Why a file found in a folder is skipped, without its name (the report shows it beside): what to do with a
    format people often have (.doc, .xls, .ppt…), else that moien does not read it."""
    if suffix.lower() in _UNSUPPORTED:
        problem, todo = _UNSUPPORTED[suffix.lower()]
        return DocumentError("", problem, todo)
    return DocumentError("", "not_a_format", suffix=suffix)


def _parser(fmt: str) -> Callable[[bytes, str, Limits], ParsedDocument]:
    """The parser module for a format, imported on first use (pypdf, python-docx, trafilatura load slowly)."""
    if fmt == "markdown":
        return parse_markdown
    if fmt == "text":
        return parse_text
    if fmt == "pdf":
        from moien.documents.parsers.pdf import parse_pdf

        return parse_pdf
    if fmt == "docx":
        from moien.documents.parsers.office import parse_docx

        return parse_docx
    if fmt == "odt":
        from moien.documents.parsers.office import parse_odt

        return parse_odt
    if fmt == "html":
        from moien.documents.parsers.html import parse_html

        return parse_html
    from moien.documents.parsers.legal import parse_xml

    return parse_xml


def parse_bytes(data: bytes, name: str, *, limits: Limits | None = None) -> ParsedDocument:
    """Parse an upload or a downloaded page; ``name`` (a file name or URL) gives the suffix and the error's subject.

    Raises :class:`DocumentError` with one line — the file's name, its problem and what to do — for every file
    that cannot be read; any other exception from a library is turned into one too.
    """
    limits = limits or DEFAULT_LIMITS
    if len(data) > limits.max_file_bytes:
        raise too_big(name, len(data), limits.max_file_bytes, setting="Limits.max_file_bytes")
    if not data.strip():
        raise fail(name, "empty", "check_saved")
    fmt = _format_for(data, name)
    try:
        return _parser(fmt)(data, name, limits)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise fail(name, "too_deep", "resave_app") from exc
    except MemoryError as exc:
        raise fail(name, "no_memory", "split_file") from exc
    except Exception as exc:  # a library's crash on a broken file becomes the file's one-line error
        detail = f"{type(exc).__name__}: {one_line(exc, 100)}"
        raise fail(name, "unreadable", "resave_or_pdf", fmt=fmt, detail=detail) from exc


def parse_file(path: Path, *, limits: Limits | None = None) -> ParsedDocument:
    """Parse the file at ``path`` (its size is checked before it is read)."""
    limits = limits or DEFAULT_LIMITS
    name = path.name
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise too_big(name, size, limits.max_file_bytes, setting="Limits.max_file_bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise fail(name, "cannot_open", "check_path", detail=one_line(exc.strerror or exc, 80)) from exc
    return parse_bytes(data, name, limits=limits)
