"""Dublin Core: ``oai_dc`` records (as OAI-PMH serves them, or saved to a file) and plain DC XML files.

A plain DC XML file is any XML whose record elements hold ``dc:``/``dcterms:`` children, e.g.::

    <records xmlns:dc="http://purl.org/dc/elements/1.1/">
      <record id="mnha:1987-12">
        <dc:title xml:lang="fr">Vue de Vianden</dc:title> …
      </record>
    </records>

The record's identifier is its ``id``/``about`` attribute (also ``rdf:about``), else its first
``dc:identifier``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from moien.heritage.importers.xmlutil import (
    DC,
    DC_MAP,
    DCTERMS,
    DCTERMS_MAP,
    OAI,
    OAI_DC,
    iter_elements,
    lang_of,
    local,
    looks_like_date,
    ns,
    text,
)
from moien.heritage.model import Literal, Provenance, Reason, Record, RecordError

RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"


def dc_values(container: etree._Element) -> dict[str, list[Literal]]:
    """The DC/DCTERMS children of ``container`` as record fields."""
    values: dict[str, list[Literal]] = {}
    for child in container:
        space = ns(child.tag)
        if space not in (DC, DCTERMS):
            continue
        name = local(child.tag)
        field = (DC_MAP if space == DC else DCTERMS_MAP).get(name)
        if field is None:
            continue
        value = text(child)
        resource = child.get(RDF_RESOURCE)
        if not value and not resource:
            continue
        if name == "coverage" and looks_like_date(value):
            field = "temporal"
        uri = resource or (value if name == "identifier" and value.startswith(("http://", "https://")) else None)
        values.setdefault(field, []).append(Literal(value=value or resource, lang=lang_of(child), uri=uri))
    return values


def record_from_oai(rec: etree._Element, origin: str) -> Record:
    """An OAI-PMH ``<record>`` (header + oai_dc metadata) as a record; deleted headers become tombstones."""
    header = rec.find(f"{{{OAI}}}header")
    if header is None:
        raise RecordError("?", Reason("oai_no_header"))
    oai_id = text(header.find(f"{{{OAI}}}identifier"))
    if not oai_id:
        raise RecordError("?", Reason("oai_no_identifier"))
    prov = Provenance(
        format="oai_dc",
        origin=origin,
        original_id=oai_id,
        datestamp=text(header.find(f"{{{OAI}}}datestamp")) or None,
        sets=[text(s) for s in header.findall(f"{{{OAI}}}setSpec")],
    )
    if header.get("status") == "deleted":
        return Record.build(oai_id, {}, prov, deleted=True)
    dc = rec.find(f"{{{OAI}}}metadata/{{{OAI_DC}}}dc")
    if dc is None:
        raise RecordError(oai_id, Reason("oai_no_metadata"))
    return Record.build(oai_id, dc_values(dc), prov)


def parse_oai_file(path: Path) -> Iterator[Record | RecordError]:
    """A saved OAI-PMH response (ListRecords/GetRecord) with oai_dc metadata."""
    for n, el in enumerate(iter_elements(path, (f"{{{OAI}}}record",)), 1):
        try:
            yield record_from_oai(el, path.resolve().as_uri())
        except RecordError as exc:
            yield RecordError(exc.record_id if exc.record_id != "?" else f"record #{n}", exc.reason)


def parse_dc_file(path: Path, *, fmt: str = "dc") -> Iterator[Record | RecordError]:
    """Plain DC XML (a container of records with ``dc:``/``dcterms:`` children, or bare ``oai_dc:dc``)."""
    origin = path.resolve().as_uri()
    n = 0
    for _, el in etree.iterparse(
        str(path), events=("end",), resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
    ):
        if ns(el.tag) in (DC, DCTERMS):
            continue
        if not any(ns(c.tag) in (DC, DCTERMS) for c in el):
            continue
        n += 1
        values = dc_values(el)
        rid = el.get("id") or el.get("about") or el.get(RDF_ABOUT) or el.get("identifier")
        if not rid:
            ids = [lit.value for lit in values.get("identifier", [])]
            rid = ids[0] if ids else ""
        try:
            prov = Provenance(
                format=fmt,
                origin=origin,
                original_id=rid or f"record #{n}",
                datestamp=el.get("datestamp") or el.get("modified"),
            )
            yield Record.build(rid, values, prov)
        except RecordError as exc:
            yield RecordError(rid or f"record #{n} (line {el.sourceline})", exc.reason)
        el.clear(keep_tail=True)
