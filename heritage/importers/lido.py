"""LIDO 1.0/1.1 XML (museum objects), read with lxml.

One ``lido:lido`` is one record; its ``lido:lidoRecID`` is the identifier. Texts take the language of
their own ``xml:lang``/``lido:lang`` or of the nearest ancestor — usually ``descriptiveMetadata/@xml:lang``.

* ``objectClassificationWrap``: work types → ``type``, classifications → ``subject``
* ``objectIdentificationWrap``: titles → ``title``, repository → ``data_provider``, work ID →
  ``identifier``, descriptions → ``description``, measurements → ``extent``
* ``eventWrap``: production/creation events give ``creator`` (actor, with its ID as URI), ``date``
  (``displayDate``, else ``earliestDate/latestDate``), ``place`` and ``medium``; other events add
  their actors as ``contributor``
* ``objectRelationWrap``: subject concepts, places, actors, periods → ``subject``/``place``/``temporal``
* ``administrativeMetadata``: rights → ``rights``, ``recordInfoLink`` → ``is_shown_at``, record source →
  ``provider``, resource links → ``is_shown_by`` (``object`` for thumbnails)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from moien.heritage.importers.xmlutil import iter_elements, lang_of, text
from moien.heritage.model import Literal, Provenance, Reason, Record, RecordError

LIDO = "http://www.lido-schema.org"
NS = {"lido": LIDO}
LIDO_LANG = f"{{{LIDO}}}lang"
PRODUCTION = {
    "production",
    "creation",
    "herstellung",
    "création",
    "production (event)",
    "produktion",
    "designing",
    "painting",
    "photographing",
}


def _lits(el: etree._Element, xpath: str, uri_xpath: str | None = None) -> list[Literal]:
    out = []
    for node in el.xpath(xpath, namespaces=NS):
        value = text(node)
        if not value:
            continue
        uri = None
        if uri_xpath:
            ids = node.xpath(uri_xpath, namespaces=NS)
            uri = text(ids[0]) if ids else None
        out.append(Literal(value=value, lang=lang_of(node, (LIDO_LANG,)), uri=uri or None))
    return out


def record_from_lido(el: etree._Element, origin: str, n: int) -> Record:
    rid = text(el.find("lido:lidoRecID", NS))
    if not rid:
        raise RecordError(f"lido #{n} (line {el.sourceline})", Reason("lido_no_id"))
    v: dict[str, list[Literal]] = {}

    def add(field: str, lits: list[Literal]) -> None:
        if lits:
            v.setdefault(field, []).extend(lits)

    for dm in el.findall("lido:descriptiveMetadata", NS):
        add("type", _lits(dm, "lido:objectClassificationWrap/lido:objectWorkTypeWrap/lido:objectWorkType/lido:term"))
        add("subject", _lits(dm, "lido:objectClassificationWrap/lido:classificationWrap/lido:classification/lido:term"))
        ident = "lido:objectIdentificationWrap/"
        add("title", _lits(dm, ident + "lido:titleWrap/lido:titleSet/lido:appellationValue"))
        add(
            "data_provider",
            _lits(
                dm,
                ident + "lido:repositoryWrap/lido:repositorySet/lido:repositoryName/"
                "lido:legalBodyName/lido:appellationValue",
            ),
        )
        add("identifier", _lits(dm, ident + "lido:repositoryWrap/lido:repositorySet/lido:workID"))
        add(
            "description",
            _lits(dm, ident + "lido:objectDescriptionWrap/lido:objectDescriptionSet/lido:descriptiveNoteValue"),
        )
        add(
            "extent",
            _lits(dm, ident + "lido:objectMeasurementsWrap/lido:objectMeasurementsSet/lido:displayObjectMeasurements"),
        )
        for event in dm.xpath("lido:eventWrap/lido:eventSet/lido:event", namespaces=NS):
            etype = " ".join(text(t).lower() for t in event.xpath("lido:eventType/lido:term", namespaces=NS))
            is_production = not etype or any(p in etype for p in PRODUCTION)
            actors = _lits(
                event,
                "lido:eventActor/lido:actorInRole/lido:actor/lido:nameActorSet/lido:appellationValue",
                "../../lido:actorID",
            )
            add("creator" if is_production else "contributor", actors)
            dates = _lits(event, "lido:eventDate/lido:displayDate")
            if not dates:
                early = text(event.find("lido:eventDate/lido:date/lido:earliestDate", NS))
                late = text(event.find("lido:eventDate/lido:date/lido:latestDate", NS))
                if early or late:
                    dates = [Literal(value=early if early == late or not late else f"{early}/{late}")]
            if is_production:
                add("date", dates)
            add(
                "place",
                _lits(
                    event, "lido:eventPlace/lido:place/lido:namePlaceSet/lido:appellationValue", "../../lido:placeID"
                ),
            )
            add("medium", _lits(event, "lido:eventMaterialsTech/lido:displayMaterialsTech"))
        rel = "lido:objectRelationWrap/lido:subjectWrap/lido:subjectSet/lido:subject/"
        add("subject", _lits(dm, rel + "lido:subjectConcept/lido:term"))
        add("subject", _lits(dm, rel + "lido:subjectActor/lido:actor/lido:nameActorSet/lido:appellationValue"))
        add(
            "place",
            _lits(
                dm, rel + "lido:subjectPlace/lido:place/lido:namePlaceSet/lido:appellationValue", "../../lido:placeID"
            ),
        )
        add("temporal", _lits(dm, rel + "lido:subjectEvent/lido:event/lido:eventName/lido:appellationValue"))
    for am in el.findall("lido:administrativeMetadata", NS):
        add("rights", _lits(am, "lido:rightsWorkWrap/lido:rightsWorkSet/lido:rightsType/lido:term"))
        add("rights", _lits(am, "lido:rightsWorkWrap/lido:rightsWorkSet/lido:creditLine"))
        add(
            "is_shown_at",
            [
                Literal(value=text(x))
                for x in am.xpath("lido:recordWrap/lido:recordInfoSet/lido:recordInfoLink", namespaces=NS)
                if text(x)
            ],
        )
        add("provider", _lits(am, "lido:recordWrap/lido:recordSource/lido:legalBodyName/lido:appellationValue"))
        for res in am.xpath("lido:resourceWrap/lido:resourceSet", namespaces=NS):
            for rep in res.xpath("lido:resourceRepresentation", namespaces=NS):
                link = text(rep.find("lido:linkResource", NS))
                if not link:
                    continue
                kind = (rep.get(f"{{{LIDO}}}type") or "").lower()
                add("object" if "thumb" in kind else "is_shown_by", [Literal(value=link)])
            add("rights", _lits(res, "lido:rightsResource/lido:rightsType/lido:term"))
    prov = Provenance(format="lido", origin=origin, original_id=rid)
    return Record.build(rid, v, prov)


def parse_lido_file(path: Path) -> Iterator[Record | RecordError]:
    origin = path.resolve().as_uri()
    for n, el in enumerate(iter_elements(path, (f"{{{LIDO}}}lido",)), 1):
        try:
            yield record_from_lido(el, origin, n)
        except RecordError as exc:
            yield exc
