"""Shared XML helpers for the importers (lxml, with entity expansion and network access switched off)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLINK = "http://www.w3.org/1999/xlink"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"

#: Dublin Core elements and DCMI terms → record fields (dc:coverage is read as a place unless it looks
#: like a date; that is decided in ``dc_field``).
DC_MAP = {
    "title": "title",
    "creator": "creator",
    "subject": "subject",
    "description": "description",
    "publisher": "publisher",
    "contributor": "contributor",
    "date": "date",
    "type": "type",
    "format": "format",
    "identifier": "identifier",
    "source": "relation",
    "language": "language",
    "relation": "relation",
    "coverage": "place",
    "rights": "rights",
}
DCTERMS_MAP = {
    **DC_MAP,
    "alternative": "alternative",
    "abstract": "description",
    "tableOfContents": "description",
    "created": "date",
    "issued": "date",
    "spatial": "place",
    "temporal": "temporal",
    "extent": "extent",
    "medium": "medium",
    "isPartOf": "is_part_of",
    "license": "rights",
    "accessRights": "rights",
    "hasPart": "relation",
    "isReferencedBy": "relation",
    "provenance": "data_provider",
}


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def parse(path: Path | bytes) -> etree._Element:
    if isinstance(path, bytes):
        return etree.fromstring(path, parser())
    return etree.parse(str(path), parser()).getroot()


def iter_elements(path: Path, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Stream the elements named ``tags`` (Clark notation) from a large file, freeing each after use."""
    for _, el in etree.iterparse(
        str(path),
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
        remove_comments=True,
    ):
        yield el
        el.clear(keep_tail=True)
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]


def local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def ns(tag: object) -> str:
    return etree.QName(tag).namespace or "" if isinstance(tag, str) else ""


def text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def lang_of(el: etree._Element, attr_names: tuple[str, ...] = ()) -> str | None:
    """The element's language: its own ``xml:lang`` (or a given attribute), else the nearest ancestor's."""
    for name in attr_names:
        own = el.get(name)
        if own:
            return str(own)
    node = el
    while node is not None:
        v = node.get(XML_LANG)
        if v:
            return str(v)
        node = node.getparent()
    return None


def looks_like_date(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return digits >= 3 and digits >= len(value.replace(" ", "")) * 0.3
