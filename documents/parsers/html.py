"""Web pages with trafilatura: navigation, headers, footers and cookie banners removed, the main text kept with
its headings (h1–h6 → heading path), lists and tables (as text rows).

trafilatura is asked for its XML output (not plain text) because that is the only output that keeps every heading
with its level; the XML is read back with a parser that resolves no entities and reaches no network.
"""

from __future__ import annotations

import re

from lxml import etree

from moien.documents.model import ParsedDocument
from moien.documents.parsers._common import Limits, SectionBuilder, fail, require_text
from moien.documents.parsers.office import _short_lang
from moien.documents.parsers.text import _stem

_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.I)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


def _lang(data: bytes) -> str | None:
    """``<html lang="fr-LU">`` → ``fr`` (a regular expression on the first bytes: one attribute needs no parse)."""
    m = _HTML_LANG.search(data[:8192])
    return _short_lang(m.group(1).decode("ascii")) if m else None


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def parse_html(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    if len(data) > limits.max_html_bytes:
        raise fail(
            name,
            "html_too_big",
            "save_page",
            mb=round(len(data) / 1e6),
            limit_mb=round(limits.max_html_bytes / 1e6),
            setting="Limits.max_html_bytes",
        )
    import trafilatura

    xml = trafilatura.extract(
        data,
        url=name if "://" in name else None,
        output_format="xml",
        include_tables=True,
        include_comments=False,
        include_formatting=False,
        include_images=False,
        with_metadata=True,
        # Only a date the page declares (meta tags, time elements); not one guessed from "© 2024" in the footer.
        date_extraction_params={"extensive_search": False, "original_date": True},
        favor_recall=True,  # administrative pages are short: keep a short paragraph rather than lose it
    )
    if not xml:
        raise fail(name, "no_main_text", "save_page_text")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    build = SectionBuilder(name, limits)
    main = root.find("main")
    for el in main if main is not None else root:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            rend = el.get("rend") or "h2"
            level = int(rend[1]) if len(rend) == 2 and rend[1].isdigit() else 2
            build.heading(level, _text(el))
        elif tag == "list":
            build.text("\n".join("- " + _text(item) for item in el.iter("item") if _text(item)))
        elif tag == "table":
            rows = [" | ".join(c for c in (_text(cell) for cell in row.iter("cell")) if c) for row in el.iter("row")]
            build.text("\n".join(r for r in rows if r))
        elif tag:
            build.text(_text(el))
    sections = build.done()
    title = root.get("title") or _html_title(data) or _stem(name)
    date = root.get("date")
    doc = ParsedDocument(
        title=title, sections=sections, lang=_lang(data), date=date or None, format="html", warnings=[]
    )
    return require_text(doc, name, "save_page_text")


def _html_title(data: bytes) -> str:
    m = _TITLE.search(data[:65536])
    return " ".join(m.group(1).decode("utf-8", "replace").split()) if m else ""
