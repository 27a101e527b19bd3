"""METS packages with MODS descriptions (digitised books and newspapers), read with lxml.

A METS file describes one digitised object. Its primary description is the ``dmdSec`` that the
outermost logical ``div`` of the ``structMap`` points to (``DMDID``), else the first one; that becomes
a record whose identifier is MODS ``recordInfo/recordIdentifier`` (else ``mets/@OBJID``). Every other
``dmdSec`` with a title — the articles of a newspaper issue, the chapters of a book — becomes a record
of its own, ``is_part_of`` the primary one.

MODS → record: ``titleInfo`` → title (``nonSort`` + ``title`` + ``subTitle``), ``name`` → creator
(roles author/creator/aut/cre/art/pht) or contributor, ``originInfo`` → date/publisher/place,
``language/languageTerm`` → language, ``abstract`` → description, ``subject`` topic/geographic/
temporal → subject/place/temporal, ``genre``/``typeOfResource`` → type (and ``edm_type``),
``physicalDescription/extent`` → extent, ``accessCondition`` → rights, ``location/url`` →
is_shown_at/is_shown_by, ``relatedItem[@type=host]`` → is_part_of, ``recordContentSource`` →
data_provider. METS ``fileGrp`` THUMBS/DEFAULT give the object's thumbnail and image.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from moien.heritage.importers.xmlutil import XLINK, parse, text
from moien.heritage.model import Literal, Provenance, Reason, Record, RecordError, norm_lang

METS = "http://www.loc.gov/METS/"
MODS = "http://www.loc.gov/mods/v3"
NS = {"mets": METS, "mods": MODS, "xlink": XLINK}
CREATOR_ROLES = {"author", "creator", "aut", "cre", "art", "artist", "pht", "photographer", "auteur", "verfasser"}
RESOURCE_TYPES = {
    "text": "TEXT",
    "still image": "IMAGE",
    "cartographic": "IMAGE",
    "notated music": "TEXT",
    "sound recording": "SOUND",
    "sound recording-musical": "SOUND",
    "moving image": "VIDEO",
    "three dimensional object": "3D",
}


def _lang(el: etree._Element) -> str | None:
    node = el
    while node is not None:
        for attr in ("lang", "{http://www.w3.org/XML/1998/namespace}lang"):
            value = node.get(attr)
            if value:
                return str(value)
        if etree.QName(node).localname == "mods":
            break
        node = node.getparent()
    return None


def _lit(el: etree._Element, value: str | None = None) -> Literal:
    return Literal(value=value if value is not None else text(el), lang=_lang(el), uri=el.get("valueURI"))


def mods_values(mods: etree._Element) -> dict[str, list[Literal]]:
    v: dict[str, list[Literal]] = {}

    def add(field: str, lit: Literal | None) -> None:
        if lit is not None and (lit.value or lit.uri):
            v.setdefault(field, []).append(lit)

    for ti in mods.xpath("mods:titleInfo", namespaces=NS):
        parts = [text(ti.find(f"mods:{p}", NS)) for p in ("nonSort", "title", "subTitle")]
        title = " ".join(p for p in parts[:2] if p).replace("' ", "'")
        if parts[2]:
            title += f": {parts[2]}"
        add(
            "alternative" if ti.get("type") in ("alternative", "translated", "abbreviated") else "title",
            _lit(ti.find("mods:title", NS), title) if ti.find("mods:title", NS) is not None else None,
        )
    for name in mods.xpath("mods:name", namespaces=NS):
        full = text(name.find("mods:displayForm", NS))
        if not full:
            family = text(name.find("mods:namePart[@type='family']", NS))
            given = text(name.find("mods:namePart[@type='given']", NS))
            full = (
                f"{given} {family}".strip()
                if family or given
                else " ".join(text(p) for p in name.findall("mods:namePart", NS))
            )
        roles = {text(r).lower() for r in name.xpath("mods:role/mods:roleTerm", namespaces=NS)}
        field = "creator" if not roles or roles & CREATOR_ROLES else "contributor"
        add(field, Literal(value=full, uri=name.get("valueURI")))
    for oi in mods.xpath("mods:originInfo", namespaces=NS):
        for tag in ("dateIssued", "dateCreated", "copyrightDate"):
            dates = oi.findall(f"mods:{tag}", NS)
            start = [d for d in dates if d.get("point") == "start"]
            end = [d for d in dates if d.get("point") == "end"]
            if start and end:
                add("date", Literal(value=f"{text(start[0])}/{text(end[0])}"))
            else:
                for d in dates:
                    add("date", _lit(d))
        for p in oi.findall("mods:publisher", NS):
            add("publisher", _lit(p))
        for p in oi.xpath("mods:place/mods:placeTerm[not(@type='code')]", namespaces=NS):
            add("place", _lit(p))
    for lt in mods.xpath("mods:language/mods:languageTerm", namespaces=NS):
        code = norm_lang(text(lt)) or text(lt)
        add("language", Literal(value=code))
    for a in mods.findall("mods:abstract", NS):
        add("description", _lit(a))
    for tag, field in (("topic", "subject"), ("geographic", "place"), ("temporal", "temporal")):
        for s in mods.xpath(f"mods:subject/mods:{tag}", namespaces=NS):
            add(field, _lit(s))
    for s in mods.xpath("mods:subject/mods:name", namespaces=NS):
        add("subject", Literal(value=" ".join(text(p) for p in s.findall("mods:namePart", NS))))
    for g in mods.findall("mods:genre", NS):
        add("type", _lit(g))
    for t in mods.findall("mods:typeOfResource", NS):
        add("type", Literal(value=text(t)))
        edm = RESOURCE_TYPES.get(text(t).lower())
        if edm:
            add("edm_type", Literal(value=edm))
    for e in mods.xpath("mods:physicalDescription/mods:extent", namespaces=NS):
        add("extent", _lit(e))
    for a in mods.findall("mods:accessCondition", NS):
        href = a.get(f"{{{XLINK}}}href")
        add("rights", Literal(value=text(a) or href or "", uri=href))
    for u in mods.xpath("mods:location/mods:url", namespaces=NS):
        add(
            "is_shown_by"
            if u.get("access") == "raw object"
            else "object"
            if u.get("access") == "preview"
            else "is_shown_at",
            Literal(value=text(u)),
        )
    for host in mods.xpath("mods:relatedItem[@type='host']/mods:titleInfo/mods:title", namespaces=NS):
        add("is_part_of", _lit(host))
    for src in mods.xpath("mods:recordInfo/mods:recordContentSource", namespaces=NS):
        add("data_provider", _lit(src))
    for ident in mods.findall("mods:identifier", NS):
        add("identifier", Literal(value=text(ident)))
    return v


def _record_id(mods: etree._Element) -> str:
    return text(mods.find("mods:recordInfo/mods:recordIdentifier", NS))


def parse_mets_file(path: Path) -> Iterator[Record | RecordError]:
    origin = path.resolve().as_uri()
    try:
        root = parse(path)
    except etree.XMLSyntaxError as exc:
        yield RecordError(path.name, Reason("xml_invalid", detail=str(exc)))
        return
    mets = root if etree.QName(root).localname == "mets" else root.find(".//mets:mets", NS)
    if mets is None:
        yield RecordError(path.name, Reason("mets_no_root"))
        return
    dmds = {d.get("ID"): d for d in mets.findall("mets:dmdSec", NS)}
    if not dmds:
        yield RecordError(mets.get("OBJID") or path.name, Reason("mets_no_dmd"))
        return
    logical = mets.xpath(
        "mets:structMap[@TYPE='LOGICAL' or @TYPE='logical']//mets:div[@DMDID]", namespaces=NS
    ) or mets.xpath("mets:structMap//mets:div[@DMDID]", namespaces=NS)
    primary_id = logical[0].get("DMDID").split()[0] if logical else next(iter(dmds))
    agent = text(mets.find("mets:metsHdr/mets:agent[@ROLE='CREATOR']/mets:name", NS))
    thumbs = mets.xpath("mets:fileSec/mets:fileGrp[@USE='THUMBS']//mets:FLocat/@xlink:href", namespaces=NS)
    images = mets.xpath(
        "mets:fileSec/mets:fileGrp[@USE='DEFAULT' or @USE='MASTER']//mets:FLocat/@xlink:href", namespaces=NS
    )
    datestamp = mets.xpath("mets:metsHdr/@LASTMODDATE", namespaces=NS) or mets.xpath(
        "mets:metsHdr/@CREATEDATE", namespaces=NS
    )
    primary_rid = ""
    primary_title = ""
    order = [primary_id] + [k for k in dmds if k != primary_id]
    for dmd_id in order:
        mods = dmds[dmd_id].find(".//mods:mods", NS)
        if mods is None:
            if dmd_id == primary_id:
                yield RecordError(mets.get("OBJID") or path.name, Reason("mets_no_mods", dmd=dmd_id))
                return
            continue
        values = mods_values(mods)
        if dmd_id == primary_id:
            rid = _record_id(mods) or mets.get("OBJID") or ""
            if thumbs:
                values.setdefault("object", []).append(Literal(value=thumbs[0]))
            if images:
                values.setdefault("is_shown_by", []).append(Literal(value=images[0]))
            if agent and "data_provider" not in values:
                values["data_provider"] = [Literal(value=agent)]
        else:
            if "title" not in values:
                continue
            rid = _record_id(mods) or (f"{primary_rid}#{dmd_id}" if primary_rid else "")
            values.setdefault("is_part_of", []).append(Literal(value=primary_title or primary_rid, uri=primary_rid))
            if agent and "data_provider" not in values:
                values["data_provider"] = [Literal(value=agent)]
        prov = Provenance(
            format="mets_mods", origin=origin, original_id=rid or dmd_id, datestamp=datestamp[0] if datestamp else None
        )
        try:
            rec = Record.build(rid, values, prov)
        except RecordError as exc:
            yield exc
            if dmd_id == primary_id:
                return
            continue
        if dmd_id == primary_id:
            primary_rid, primary_title = rec.id, rec.text("title")
        yield rec
