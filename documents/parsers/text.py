"""Markdown and plain text: ``#`` headings become the heading path; ``name.LANG.md`` names the language.

Headings are found with markdown-it-py (CommonMark), not a regular expression, so a ``#`` line inside a code
block or a setext (underlined) heading is read the way every Markdown viewer reads it. The text under a heading
stays as written (Markdown is readable as is, and a table keeps its rows).
"""

from __future__ import annotations

import codecs
import re

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from moien.documents.messages import Notice
from moien.documents.model import ParsedDocument
from moien.documents.parsers._common import Limits, SectionBuilder, fail, require_text
from moien.lang import LANGS

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt", ".text")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def decode(data: bytes, name: str, warnings: list[str]) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252 with a warning.

    Windows-1252 (a superset of Latin-1 for printable text) is what Word's "Save as text" and old Windows tools
    write in Luxembourg; trying it after a failed UTF-8 decode is safe because valid UTF-8 is almost never produced
    by accident. A file with NUL bytes is binary, not text.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise fail(name, "broken_utf16", "save_utf8") from exc
    if b"\x00" in data:
        raise fail(name, "binary_text", "check_type_or_utf8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise fail(name, "not_utf8", "save_utf8") from exc
    warnings.append(Notice("cp1252"))
    return text


def lang_from_name(name: str) -> str | None:
    """``guide.fr.md`` → ``fr``: the second-to-last dot part, when it is one of moien's languages."""
    parts = name.lower().rsplit(".", 2)
    if len(parts) == 3 and parts[1] in LANGS:
        return parts[1]
    return None


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    base = base.rsplit(".", 1)[0]
    if lang_from_name(name):
        base = base.rsplit(".", 1)[0]
    return " ".join(base.replace("_", " ").replace("-", " ").split()) or name


def _inline_text(token: Token) -> str:
    """A heading's words without its Markdown marks (``**Fees**`` → ``Fees``)."""
    parts = [c.content for c in token.children or [] if c.type in ("text", "code_inline", "softbreak")]
    return " ".join("".join(parts).split()) or token.content


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    """YAML front matter (``---`` … ``---``), as static-site generators write it, and the text after it."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return {}, text
    return (meta if isinstance(meta, dict) else {}), text[m.end() :]


def parse_markdown(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    warnings: list[str] = []
    meta, text = _front_matter(decode(data, name, warnings))
    lines = text.splitlines()
    tokens = MarkdownIt("commonmark").parse(text)
    build = SectionBuilder(name, limits)
    title = str(meta.get("title") or "").strip()
    first_heading = ""
    pos = 0
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or tok.map is None or tok.level != 0:
            continue
        start, end = tok.map
        build.text("\n".join(lines[pos:start]))
        heading = _inline_text(tokens[i + 1])
        level = int(tok.tag[1:])
        if level == 1 and not title:
            title = heading
        first_heading = first_heading or heading
        build.heading(level, heading)
        pos = end
    build.text("\n".join(lines[pos:]))
    lang = str(meta.get("lang") or meta.get("language") or "") or lang_from_name(name)
    date = meta.get("date")
    doc = ParsedDocument(
        title=title or first_heading or _stem(name),
        sections=build.done(),
        lang=lang,
        date=str(date) if date else None,
        format="markdown",
        warnings=warnings,
    )
    return require_text(doc, name)


def parse_text(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    """Plain text has no headings: one section per paragraph group (chunking cuts it further)."""
    warnings: list[str] = []
    build = SectionBuilder(name, limits)
    text = decode(data, name, warnings)
    for para in re.split(r"\n\s*\n", text):
        build.text(para)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first_line if 0 < len(first_line) <= 120 else _stem(name)
    doc = ParsedDocument(
        title=title, sections=build.done(), lang=lang_from_name(name), format="text", warnings=warnings
    )
    return require_text(doc, name)
