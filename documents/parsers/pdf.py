"""PDF with pypdf: the text layer of every page, one :class:`Section` per page, so a citation names its page.

What is kept: each page's text in reading order (pypdf's default "plain" extraction — the layout mode is slower and
keeps column spacing that chunking does not need, see ``benchmarks/documents_bench.py``), the page number, the
bookmarks (outline) as the heading of the pages they point into, the title and language the file declares.
What is lost: fonts, so headings inside the text are not recognised; images and scans (no OCR here); table
structure (cells become text in reading order).
"""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, WrongPasswordError

from moien.documents.messages import Notice
from moien.documents.model import ParsedDocument, Section
from moien.documents.parsers._common import HEADING_SEP, Limits, SectionBuilder, clean, fail, one_line
from moien.documents.parsers.text import _stem

#: pypdf logs every repaired cross-reference table as a warning; the import report speaks for the file instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

#: Bookmarks read at most (a real outline has dozens; a hostile one could have millions).
MAX_OUTLINE = 5_000
#: What to do with a PDF without a text layer (a code of ``moien.documents.messages.TODOS``).
OCR_TODO = "ocr"


def _open(data: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise fail(name, "pdf_damaged", "resave_pdf", detail=one_line(exc, 80)) from exc
    if reader.is_encrypted:
        try:
            # Many PDFs are "encrypted" only to forbid printing or copying, with an empty open password.
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise fail(name, "pdf_cipher", "unlock", detail=one_line(exc, 60)) from exc
        except (WrongPasswordError, FileNotDecryptedError, PdfReadError) as exc:
            raise fail(name, "pdf_password", "unlock") from exc
        if not opened:
            raise fail(name, "pdf_password", "unlock")
    return reader


def _outline(reader: PdfReader) -> dict[int, str]:
    """Page index → the path of the last bookmark that starts on or before it (bookmarks are the PDF's headings)."""
    starts: dict[int, str] = {}
    count = 0

    def walk(items: list[Any], path: list[str], depth: int) -> None:
        nonlocal count
        last: str | None = None
        for item in items:
            if count >= MAX_OUTLINE or depth > 16:
                return
            if isinstance(item, list):
                if last is not None:
                    walk(item, [*path, last], depth + 1)
                continue
            count += 1
            title = " ".join(str(getattr(item, "title", "") or "").split())
            last = title
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a broken bookmark is skipped, the pages still import
                continue
            if title and page is not None and page >= 0:
                starts.setdefault(page, HEADING_SEP.join([*path, title]))

    try:
        walk(list(reader.outline), [], 0)
    except Exception:  # an unreadable outline only costs the headings
        return {}
    return starts


def parse_pdf(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    reader = _open(data, name)
    try:
        n_pages = len(reader.pages)
    except (PdfReadError, KeyError, ValueError, TypeError, RecursionError) as exc:
        raise fail(name, "pdf_no_page_tree", "export_again", detail=one_line(exc, 60)) from exc
    if n_pages > limits.max_pages:
        raise fail(name, "too_many_pages", "split_pdf", count=n_pages, limit=limits.max_pages)
    if n_pages == 0:
        raise fail(name, "pdf_no_pages", "resave_pdf")
    headings = _outline(reader)
    build = SectionBuilder(name, limits)
    warnings: list[str] = []
    blank: list[int] = []
    heading = ""
    for index in range(n_pages):
        heading = headings.get(index, heading)
        try:
            text = clean(reader.pages[index].extract_text())
        except Exception as exc:  # one unreadable page must not lose the others
            warnings.append(Notice("page_unreadable", page=index + 1, detail=type(exc).__name__))
            continue
        if text:
            build.add(Section(text=text, heading=heading, page=index + 1))
        else:
            blank.append(index + 1)
    sections = build.done()
    if not sections:
        raise fail(name, "no_text_layer", OCR_TODO)
    if blank:
        shown = ", ".join(map(str, blank[:10])) + (" …" if len(blank) > 10 else "")
        warnings.append(Notice("pages_without_text", count=len(blank), pages=shown))
    return ParsedDocument(
        title=_title(reader, sections, name),
        sections=sections,
        lang=_lang(reader),
        date=_date(reader),
        format="pdf",
        warnings=warnings,
    )


def _title(reader: PdfReader, sections: list[Section], name: str) -> str:
    try:
        meta = reader.metadata
        title = " ".join(str(meta.title or "").split()) if meta else ""
    except Exception:  # broken metadata only costs the title
        title = ""
    # Word and many tools write "Microsoft Word - draft3.docx" or the file name as the title: not a title.
    if title and not title.lower().startswith("microsoft word") and not title.lower().endswith((".doc", ".docx")):
        return title
    first = sections[0].text.split("\n", 1)[0].strip()
    return first if 0 < len(first) <= 120 else _stem(name)


def _lang(reader: PdfReader) -> str | None:
    """The document catalogue's ``/Lang`` ("fr-LU" → "fr"), which accessible PDFs carry."""
    try:
        value = reader.root_object.get("/Lang")
    except Exception:
        return None
    lang = str(value or "").strip().lower()
    return lang.split("-", 1)[0] or None if lang else None


def _date(reader: PdfReader) -> str | None:
    try:
        meta = reader.metadata
        when = meta.creation_date if meta else None
    except Exception:  # an unparsable date string is no reason to refuse the file
        return None
    return when.date().isoformat() if when else None
