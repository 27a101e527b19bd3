"""Legal texts in Akoma Ntoso 3.0 and in Luxembourg's Legilux XML: one :class:`Section` per article, numbered as
the text numbers it ("1er", "2bis", "unique"), under the path of its parts, titles, chapters and sections.

Legilux (data.legilux.public.lu, the files an ELI such as ``eli/etat/leg/loi/2006/07/31/n2/jo/fr/xml`` points at)
publishes Akoma Ntoso with two differences this parser handles, checked against published files
(e.g. ``eli-etat-leg-loi-2006-07-31-n2-jo-fr-xml.xml``, ``eli-etat-leg-loi-2024-05-22-a199-jo-fr-xml.xml``):

* the namespace is the Committee Specification Draft 13 (``…/akn/3.0/CSD13``) in many files, the final 3.0 one
  in others; both are read the same way;
* the metadata are in the ``scl`` namespace (``http://www.scl.lu``): ``scl:JOLUXLegalResource`` carries
  ``<scl:jolux scl:name="dateDocument">`` and ``scl:JOLUXExpression`` the ``title`` and ``language``, while the
  FRBR elements may hold placeholders (``FRBRdate date="2999-01-01"``) — so ``scl`` values win when present;
* article numbers are written ``<num>Art. 1<sup>er</sup>.</num>``, ``<num>Article unique.</num>`` or
  ``<num><span>Article 1</span><br/></num>``; the number "as written" is what follows "Art."/"Article".

The XML is parsed with entity resolution and network access off and the size limits of libxml2 on
(``huge_tree=False``); a file with a DTD is refused before parsing, as the heritage importers do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from moien.documents.model import ParsedDocument, Section
from moien.documents.parsers._common import HEADING_SEP, Limits, SectionBuilder, fail, one_line
from moien.documents.parsers.text import _stem
from moien.lang import LANGS

AKN_NAMESPACES = frozenset(
    {"http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "http://docs.oasis-open.org/legaldocml/ns/akn/3.0/CSD13"}
)
SCL = "http://www.scl.lu"
_SCL_NAME = f"{{{SCL}}}name"

#: Elements that group articles; their ``num`` and ``heading`` make the heading path.
_CONTAINERS = frozenset(
    {
        "part",
        "subpart",
        "book",
        "tome",
        "title",
        "subtitle",
        "chapter",
        "subchapter",
        "section",
        "subsection",
        "division",
        "subdivision",
        "hcontainer",
        "level",
    }
)
_BODIES = ("body", "mainBody", "judgmentBody", "debateBody", "amendmentBody", "collectionBody")
#: Elements that start a new line when an article is flattened to text.
_BLOCKS = frozenset(
    {
        "p",
        "li",
        "paragraph",
        "alinea",
        "subparagraph",
        "point",
        "list",
        "intro",
        "wrapUp",
        "content",
        "blockList",
        "item",
        "listIntroduction",
        "listWrapUp",
        "br",
        "tr",
        "heading",
        "subheading",
        "clause",
        "num",
    }
)
#: Not part of the text a reader cites: footnotes' bodies (editorial), metadata inside articles.
_SKIP = frozenset({"authorialNote", "meta", "noteRef", "eol", "eop"})
_ART_PREFIX = re.compile(r"^(?:art(?:icle|ikel|\.)?|§)\s*\.?\s*", re.I)
_LONE_NUM = re.compile(
    r"^(?:\(?[0-9]{1,3}[a-z]{0,6}\)?[.)°]?|\(?[a-z]\)|[a-z]\.|\(?[ivxlc]{1,6}[.)]\)?|\([ivxlc]{1,6}\)|–)$", re.I
)
_LANG3 = {"fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "eng": "en", "ltz": "lb"}
_ANNEX = {"fr": "Annexe", "de": "Anhang", "en": "Annex", "lb": "Annex"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _is_akn(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace in AKN_NAMESPACES


def _inline(el: etree._Element | None) -> str:
    """An inline element's words, with ``<sup>er</sup>`` glued to its number ("1er", not "1 er")."""
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def _flatten(el: etree._Element, out: list[str]) -> None:
    """The readable text of ``el``: block elements on their own lines, metadata and footnote bodies left out."""
    local = _local(el)
    if local in _SKIP or (isinstance(el.tag, str) and not _is_akn(el)) or not isinstance(el.tag, str):
        out.append(el.tail or "")
        return
    block = local in _BLOCKS
    if block:
        out.append("\n")
    out.append(el.text or "")
    marks = _list_marks(el) if local in ("ol", "ul") else None
    items = 0
    for child in el:
        if marks is not None and _local(child) == "li":
            out.append(f"\n{marks(items)} ")
            items += 1
        _flatten(child, out)
    if block:
        out.append("\n")
    out.append(el.tail or "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out


def _list_marks(el: etree._Element) -> Callable[[int], str]:
    """The marks of a Legilux list's items: ``<ol scl:symbol="1°" scl:start="1">`` → "1°", "2°", "3°".

    Legilux writes lists as HTML-like ``ol``/``li`` and keeps the printed symbol in an attribute; a citation says
    "Art. 2, 3°", so the mark is part of the text. Symbols are a counter (1, a, i) in a pattern ("(i)", "a)", "1°").
    """
    symbol = next((v for k, v in el.attrib.items() if str(k).endswith("symbol")), "")
    start_raw = next((v for k, v in el.attrib.items() if str(k).endswith("start")), "1")
    start = int(start_raw) if str(start_raw).isdigit() else 1
    m = re.search(r"[0-9]+|[ivxlc]+|[a-z]|[IVXLC]+|[A-Z]", str(symbol))
    if _local(el) == "ul" or not m:
        return lambda _i: "–"
    token, before, after = m.group(0), str(symbol)[: m.start()], str(symbol)[m.end() :]

    def mark(i: int) -> str:
        n = start + i
        if token.isdigit():
            value = str(n)
        elif token.lower() == "i" or len(token) > 1:  # "(i)": roman; a lone "a" or "b": letters
            value = _roman(n)
        else:
            value = chr(ord("a") + (n - 1) % 26)
        return before + (value.upper() if token.isupper() else value) + after

    return mark


def _text(el: etree._Element, *, skip_first: tuple[str, ...] = ()) -> str:
    """Flattened text, one line per block; a lone paragraph number ("(1)", "2°", "a)") joins its line."""
    out: list[str] = []
    out.append(el.text or "")
    for child in el:
        if _local(child) in skip_first:
            out.append(child.tail or "")
            continue
        _flatten(child, out)
    lines = [" ".join(line.split()) for line in "".join(out).split("\n")]
    joined: list[str] = []
    pending = ""
    for line in lines:
        if not line:
            continue
        if _LONE_NUM.match(line):
            pending = f"{pending} {line}".strip()
            continue
        joined.append(f"{pending} {line}".strip() if pending else line)
        pending = ""
    if pending:
        joined.append(pending)
    return "\n".join(joined)


def article_number(num: str) -> str:
    """The number as the text writes it: "Art. 1er." → "1er", "Article 12bis" → "12bis", "5." → "5"."""
    s = " ".join(num.split())
    s = _ART_PREFIX.sub("", s).strip()
    return s.rstrip(".:– -").strip() or num.strip()


def _container_heading(el: etree._Element) -> str:
    num = next((_inline(c) for c in el if _local(c) == "num"), "")
    heading = next((_inline(c) for c in el if _local(c) == "heading"), "")
    num = num.rstrip(".:").strip()
    return f"{num} – {heading}" if num and heading else num or heading


def _walk(el: etree._Element, path: list[str], build: SectionBuilder, depth: int) -> None:
    for child in el:
        local = _local(child)
        if not _is_akn(child) or local in _SKIP or local in ("num", "heading", "subheading"):
            continue
        if local == "article":
            _article(child, path, build)
        elif local in _CONTAINERS and depth < 64:
            heading = _container_heading(child)
            _walk(child, [*path, heading] if heading else path, build, depth + 1)
        else:  # text outside articles (an annex's preamble, the promulgation clause): grouped under its heading
            build.text_under(HEADING_SEP.join(path), _text(child))


def _article(el: etree._Element, path: list[str], build: SectionBuilder) -> None:
    num_el = next((c for c in el if _local(c) == "num"), None)
    heading = next((_inline(c) for c in el if _local(c) == "heading"), "")
    number = article_number(_inline(num_el)) if num_el is not None else None
    text = _text(el, skip_first=("num", "heading"))
    if not text:
        return  # an article repealed to its number alone ("Art. 7. (abrogé)" keeps its words and stays)
    full_path = [*path, heading] if heading else path
    build.flush()
    build.add(Section(text=text, heading=HEADING_SEP.join(full_path), article=number or None))


def _scl_values(root: etree._Element, name: str) -> list[str]:
    return [
        " ".join("".join(e.itertext()).split())
        for e in root.iter(f"{{{SCL}}}jolux")
        if e.get(_SCL_NAME) == name and "".join(e.itertext()).strip()
    ]


def _first_attr(doc: etree._Element, path: tuple[str, ...], attr: str) -> str:
    node: etree._Element | None = doc
    for step in path:
        node = next((c for c in node if _local(c) == step), None) if node is not None else None
    return str(node.get(attr) or "").strip() if node is not None else ""


def _lang(value: str) -> str | None:
    """ "fr", "fra", "fr-LU" or ".../authority/language/FRA" → "fr"; ``None`` for what moien does not name."""
    code = value.rstrip("/").rsplit("/", 1)[-1].lower().split("-", 1)[0]
    code = _LANG3.get(code, code)
    return code if code in LANGS or len(code) == 2 else None


def _date(value: str) -> str | None:
    """An ISO date, but not Legilux's placeholder (2999-01-01) or an empty one."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if not m or m.group(1) in ("2999", "9999", "0001"):
        return None
    return m.group(0)


def parse_xml(data: bytes, name: str, limits: Limits) -> ParsedDocument:
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise fail(name, "xml_dtd", "remove_doctype")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in (exc.msg or "").lower() or "huge" in (exc.msg or "").lower():
            raise fail(name, "xml_too_deep", "check_origin") from exc
        raise fail(name, "xml_broken", "download_again", detail=one_line(exc.msg, 80), line=exc.lineno) from exc
    if root.getroottree().docinfo.doctype:
        raise fail(name, "xml_dtd", "remove_doctype")
    if not (_is_akn(root) and _local(root) == "akomaNtoso"):
        ns = etree.QName(root).namespace
        problem = "xml_not_legal" if ns else "xml_not_legal_no_ns"
        raise fail(name, problem, "export_text", root=_local(root) or root.tag, ns=ns)
    doc = next((c for c in root if _is_akn(c)), None)
    if doc is None:
        raise fail(name, "akn_no_document", "download_again")
    legilux = (
        SCL in root.nsmap.values()
        or etree.QName(root).namespace.endswith("CSD13")
        or root.find(f".//{{{SCL}}}jolux") is not None
    )
    lang = _lang(next(iter(_scl_values(doc, "language")), "")) or _lang(
        _first_attr(doc, ("meta", "identification", "FRBRExpression", "FRBRlanguage"), "language")
    )
    build = SectionBuilder(name, limits)
    body = next((c for c in doc if _local(c) in _BODIES), None)
    if body is not None:
        _walk(body, [], build, 0)
    attachments = [a for a in doc.iter() if _local(a) == "attachment" and _is_akn(a)]
    for index, attachment in enumerate(attachments, start=1):
        label = f"{_ANNEX.get(lang or 'fr', 'Annex')} {index}"
        for inner in attachment.iter():
            if _local(inner) in _BODIES and _is_akn(inner):
                _walk(inner, [label], build, 0)
                break
    sections = build.done()
    if not sections:
        raise fail(name, "no_articles", "full_text")
    return ParsedDocument(
        title=_title(doc) or _stem(name),
        sections=sections,
        lang=lang,
        date=_act_date(doc),
        format="legilux" if legilux else "akn",
    )


def _title(doc: etree._Element) -> str:
    for local in ("docTitle", "longTitle", "shortTitle"):
        el = next((e for e in doc.iter() if _local(e) == local and _is_akn(e)), None)
        if el is not None and _inline(el):
            return _inline(el)
    scl = _scl_values(doc, "title")
    if scl:
        return scl[0]
    return _first_attr(doc, ("meta", "identification", "FRBRWork", "FRBRname"), "value")


def _act_date(doc: etree._Element) -> str | None:
    for value in _scl_values(doc, "dateDocument"):
        if _date(value):
            return _date(value)
    return _date(_first_attr(doc, ("meta", "identification", "FRBRWork", "FRBRdate"), "date"))
