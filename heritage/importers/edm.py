"""Europeana Data Model (EDM) in RDF/XML, read with rdflib.

Each ``edm:ProvidedCHO`` becomes a record (its URI is the identifier). Its ``ore:Aggregation``
(``edm:aggregatedCHO``) gives the provider, data provider, rights, ``edm:isShownAt``/``isShownBy``/
``object``; an ``edm:WebResource`` with ``dcterms:isReferencedBy`` gives the IIIF manifest. Values that
point to a contextual entity (``edm:Agent``, ``edm:Place``, ``edm:TimeSpan``, ``skos:Concept``,
``foaf:Organization``) are stored as that entity's ``skos:prefLabel``s, one literal per language, each
keeping the entity's URI — as the provider published them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree
from rdflib import BNode, Graph, Namespace, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import DC, DCTERMS, RDF, SKOS
from rdflib.term import Node

from moien.heritage.model import Literal, Provenance, Reason, Record, RecordError

EDM = Namespace("http://www.europeana.eu/schemas/edm/")
ORE = Namespace("http://www.openarchives.org/ore/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

CHO_PROPS = {
    DC.title: "title",
    DCTERMS.alternative: "alternative",
    DC.description: "description",
    DCTERMS.abstract: "description",
    DC.creator: "creator",
    DC.contributor: "contributor",
    DC.date: "date",
    DCTERMS.created: "date",
    DCTERMS.issued: "date",
    DC.type: "type",
    DC.format: "format",
    DCTERMS.extent: "extent",
    DCTERMS.medium: "medium",
    DC.subject: "subject",
    DCTERMS.spatial: "place",
    DC.coverage: "place",
    DCTERMS.temporal: "temporal",
    DC.language: "language",
    DC.rights: "rights",
    DC.publisher: "publisher",
    DC.identifier: "identifier",
    DC.relation: "relation",
    DC.source: "relation",
    DCTERMS.isPartOf: "is_part_of",
    EDM.type: "edm_type",
    EDM.currentLocation: "place",
}
AGG_PROPS = {
    EDM.provider: "provider",
    EDM.dataProvider: "data_provider",
    EDM.rights: "rights",
    EDM.isShownAt: "is_shown_at",
    EDM.isShownBy: "is_shown_by",
    EDM.object: "object",
}
LABELS = (SKOS.prefLabel, FOAF.name, SKOS.altLabel)


def _labels(g: Graph, node: URIRef) -> list[Literal]:
    for prop in LABELS:
        labels = [
            Literal(value=str(o), lang=o.language, uri=str(node))
            for o in g.objects(node, prop)
            if isinstance(o, RdfLiteral)
        ]
        if labels:
            return labels
    return []


def _values(g: Graph, subject: Node, props: dict[URIRef, str], link_fields: frozenset[str]) -> dict[str, list[Literal]]:
    out: dict[str, list[Literal]] = {}
    for prop, field in props.items():
        for o in g.objects(subject, prop):
            if isinstance(o, RdfLiteral):
                out.setdefault(field, []).append(Literal(value=str(o), lang=o.language))
            elif isinstance(o, URIRef):
                labels = [] if field in link_fields else _labels(g, o)
                if labels:
                    out.setdefault(field, []).extend(labels)
                else:
                    out.setdefault(field, []).append(Literal(value=str(o), uri=str(o)))
    return out


def _refuse_entities(path: Path) -> Reason | None:
    """Why ``path`` must not reach rdflib, or None when it is safe.

    rdflib reads RDF/XML with the standard library's SAX parser, which expands entities declared in the
    file's own DOCTYPE: nested declarations ("billion laughs") then run for minutes and take all memory.
    The file is first read by lxml with expansion, DTD loading and network off and the huge-tree guard
    on (so it stops at once), and any ``<!ENTITY>`` declaration is refused — EDM has no use for them.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True
    )
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        if "entit" in str(exc.msg).lower():
            return Reason("xml_entities", detail=f" ({exc.msg})")
        return Reason("xml_at_line", line=exc.lineno, detail=exc.msg)
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return Reason("xml_entities", detail="")
    return None


def parse_edm_file(path: Path) -> Iterator[Record | RecordError]:
    origin = path.resolve().as_uri()
    refused = _refuse_entities(path)
    if refused:
        yield RecordError(path.name, Reason("rdf_invalid", detail=refused))
        return
    g = Graph()
    try:
        g.parse(str(path), format="xml")
    except Exception as exc:  # rdflib raises several parser errors; the whole file is unreadable then
        yield RecordError(path.name, Reason("rdf_invalid", detail=str(exc)))
        return
    aggregations: dict[Node, Node] = {}
    for agg in g.subjects(RDF.type, ORE.Aggregation):
        for cho in g.objects(agg, EDM.aggregatedCHO):
            aggregations[cho] = agg
    links = frozenset({"is_shown_at", "is_shown_by", "object", "rights"})
    # described objects are resources (URIs or blank nodes), which rdflib orders; sorted: a stable numbering
    chos = sorted(c for c in g.subjects(RDF.type, EDM.ProvidedCHO) if isinstance(c, (URIRef, BNode)))
    for n, cho in enumerate(chos, 1):
        rid = str(cho) if isinstance(cho, URIRef) else ""
        try:
            values = _values(g, cho, CHO_PROPS, frozenset())
            aggregation = aggregations.get(cho)
            if aggregation is not None:
                for field, lits in _values(g, aggregation, AGG_PROPS, links).items():
                    values.setdefault(field, []).extend(lits)
                for web in g.objects(aggregation, EDM.isShownBy):
                    for manifest in g.objects(web, DCTERMS.isReferencedBy):
                        values.setdefault("iiif_manifest", []).append(Literal(value=str(manifest), uri=str(manifest)))
            prov = Provenance(format="edm", origin=origin, original_id=rid or f"ProvidedCHO #{n}")
            yield Record.build(rid, values, prov)
        except RecordError as exc:
            yield exc
