"""Word (DOCX, python-docx) and OpenDocument text (ODT, odfpy): headings become the heading path, paragraphs are
grouped under their heading, tables become text rows.

Both formats are zip containers, so :func:`check_zip` reads the central directory first and refuses a zip bomb
(too large unpacked, compressing better than any document does, too many members) and any XML member that
declares a DTD — before python-docx or odfpy unpack a single byte.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

from moien.documents.model import DocumentError, ParsedDocument
from moien.documents.parsers._common import Limits, SectionBuilder, fail, one_line, require_text
from moien.documents.parsers.text import _stem

#: A member smaller than this may compress very well (an empty style sheet) without being suspicious.
SMALL_MEMBER = 1024 * 1024
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)
_RESAVE = "resave_app_again"


def check_zip(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a hostile container from its central directory alone.

    The sizes checked are those the directory declares; Python's zipfile (which python-docx and odfpy use) stops
    inflating a member at its declared size and fails its CRC check otherwise, so a lying directory cannot make
    a member unpack larger than what is checked here.
    """
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_zip_members:
                raise fail(name, "zip_members", _RESAVE, count=len(infos), limit=limits.max_zip_members)
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > limits.max_uncompressed_bytes:
                raise fail(
                    name,
                    "zip_too_big",
                    "not_open_ask_original",
                    mb=round(total / 1e6),
                    limit_mb=round(limits.max_uncompressed_bytes / 1e6),
                )
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > SMALL_MEMBER and ratio > limits.max_compression_ratio:
                    raise fail(
                        name, "zip_member_ratio", "not_open_ask_original", member=info.filename, ratio=round(ratio)
                    )
            if total > SMALL_MEMBER and total / max(packed, 1) > limits.max_compression_ratio:
                raise fail(name, "zip_ratio", "ask_original")
            for info in infos:
                if info.filename.endswith(".xml") and not info.is_dir():
                    with zf.open(info) as member:
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise fail(name, "zip_member_dtd", _RESAVE, member=info.filename)
    except DocumentError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError) as exc:
        raise fail(name, "zip_damaged", _RESAVE, detail=one_line(exc, 60)) from exc


# --- DOCX -----------------------------------------------------------------------------------------------------


#: What a paragraph style makes of its paragraphs: a heading level, ``TITLE`` (the document's title) or ``None``.
TITLE = 0


def _style_level(style: Any) -> int | None:
    """A style's heading level: "Heading N" (Word stores built-in names in English whatever the UI language) or an
    outline level, on the style or a style it is based on (custom styles built on "Heading 2")."""
    seen = 0
    while style is not None and seen < 8:
        name = style.name or ""
        if name.lower() == "title":
            return TITLE
        lvl = style.element.xpath("./w:pPr/w:outlineLvl/@w:val")
        if lvl and lvl[0].isdigit() and int(lvl[0]) < 9:
            return int(lvl[0]) + 1
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m.group(1))
        style, seen = style.base_style, seen + 1
    return None


def _docx_level(paragraph: Any, cache: dict[str | None, int | None]) -> int | None:
    """The paragraph's level from its style, looked up once per style (python-docx resolves a style by searching
    the style sheet on every access, which made a 100-page file take seconds), else its own outline level."""
    style_id = paragraph._p.style
    if style_id not in cache:
        cache[style_id] = _style_level(paragraph.style)
    if cache[style_id] is not None:
        return cache[style_id]
    own = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if own and own[0].isdigit() and int(own[0]) < 9:
        return int(own[0]) + 1
    return None


def _table_rows(table: Any) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell is repeated for every column it spans
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows


def parse_docx(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    check_zip(data, name, limits)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/lxml errors on broken parts
        raise fail(name, "docx_damaged", _RESAVE, detail=f"{type(exc).__name__}: {one_line(exc, 60)}") from exc
    build = SectionBuilder(name, limits)
    title = ""
    styles: dict[str | None, int | None] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            build.text("\n".join(_table_rows(block)))
            continue
        text = block.text.strip()
        if not text:
            continue
        level = _docx_level(block, styles)
        if level == TITLE:
            title = title or " ".join(text.split())
        elif level is None:
            build.text(text)
        else:
            build.heading(level, text)
    props = document.core_properties
    sections = build.done()
    doc = ParsedDocument(
        title=(props.title or "").strip() or title or _first_heading(sections) or _stem(name),
        sections=sections,
        lang=_short_lang(props.language),
        date=props.created.date().isoformat() if props.created else None,
        format="docx",
    )
    return require_text(doc, name)


def _first_heading(sections: list[Any]) -> str:
    for s in sections:
        if s.heading:
            return str(s.heading).split(" › ", 1)[0]
    return ""


def _short_lang(value: str | None) -> str | None:
    """``fr-LU`` → ``fr``: the document says which language, the region does not matter for search."""
    v = (value or "").strip().lower().replace("_", "-")
    return v.split("-", 1)[0] or None if v else None


# --- ODT ------------------------------------------------------------------------------------------------------

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def parse_odt(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    check_zip(data, name, limits)
    from odf import teletype
    from odf.opendocument import load

    try:
        odt = load(BytesIO(data))
    except Exception as exc:  # odfpy raises KeyError/SAX errors on broken parts
        raise fail(name, "odt_damaged", _RESAVE, detail=f"{type(exc).__name__}: {one_line(exc, 60)}") from exc
    build = SectionBuilder(name, limits)

    def walk(node: Any, depth: int) -> None:
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            ns, tag = child.qname
            if ns == _TEXT and tag == "h":
                level = child.getAttrNS(_TEXT, "outline-level")
                build.heading(int(level) if level and str(level).isdigit() else 1, teletype.extractText(child))
            elif ns == _TEXT and tag == "p":
                build.text(teletype.extractText(child))
            elif ns == _TABLE and tag == "table":
                build.text("\n".join(_odt_rows(child)))
            elif depth < 32:  # text:list, text:section, list items, frames…: their paragraphs in reading order
                walk(child, depth + 1)

    walk(odt.text, 0)
    sections = build.done()
    meta = _odt_meta(odt)
    doc = ParsedDocument(
        title=meta.get("title") or _first_heading(sections) or _stem(name),
        sections=sections,
        lang=_short_lang(meta.get("language")),
        date=(meta.get("date") or meta.get("creation-date") or "")[:10] or None,
        format="odt",
    )
    return require_text(doc, name)


def _odt_rows(table: Any) -> list[str]:
    from odf import teletype

    rows: list[str] = []
    for row in table.getElementsByType(_row_type()):
        cells = [" ".join(teletype.extractText(c).split()) for c in row.childNodes if c.nodeType == c.ELEMENT_NODE]
        cells = [c for c in cells if c]
        if cells:
            rows.append(" | ".join(cells))
    return rows


def _row_type() -> Any:
    from odf.table import TableRow

    return TableRow


def _odt_meta(odt: Any) -> dict[str, str]:
    from odf import teletype

    out: dict[str, str] = {}
    for child in odt.meta.childNodes:
        if child.nodeType == child.ELEMENT_NODE:
            out.setdefault(child.qname[1], " ".join(teletype.extractText(child).split()))
    return out
