"""RDF curricula (Turtle, RDF/XML, N-Triples, JSON-LD…) through rdflib and a declarative mapping file.

A mapping (YAML) says which RDF classes and properties become moien's Framework, Item and official
links; ``curriculum_graph/importers/mappings/`` ships two: ``skos.yaml`` (SKOS concept schemes — most
national curriculum ontologies are published this way) and ``case-jsonld.yaml`` (CASE JSON-LD, read
offline with a bundled copy of the term mappings). ``docs/curriculum-model.md`` explains how to write
one for any curriculum ontology. The mapping keys::

    name: …                    # shown in messages
    prefixes: {skos: http://www.w3.org/2004/02/skos/core#, …}
    language: fr               # the language of literals without a language tag
    jsonld_contexts: {URL: local-file.jsonld}   # remote @context → bundled file (no network)
    framework:
      class: skos:ConceptScheme          # or a list
      id: iri | <property>               # default: the node's IRI
      title: [dct:title, skos:prefLabel] # language-tagged literals fill title_fr, title_de…
      version | publisher | creator | description | language: [<property>, …]
      default: {id: …, title: …}         # framework for items that name none
    item:
      class: skos:Concept                # and/or  member_of: case:CFItems (nodes that are values of it)
      id: iri | <property>
      code: [skos:notation]              # default: the last segment of the IRI
      statement: [skos:prefLabel]        # language-tagged literals fill statement_fr…
      label | notes | keywords | type | subject | level | topics: [<property>, …]   (or {const: value})
      framework: [skos:inScheme]         # the item's framework node
    relations:                           # item → item properties as CASE association types
      skos:broader: isChildOf
      skos:narrower: {type: isChildOf, inverse: true}
    associations:                        # or association nodes (CASE JSON-LD CFAssociation)
      class: case:CFAssociation
      type: case:associationType
      origin: case:originNodeURI
      destination: case:destinationNodeURI
      sequence: case:sequenceNumber
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from moien.curriculum_graph.levels import resolve_level
from moien.curriculum_graph.model import (
    AssociationRecord,
    CurriculumImportError,
    Definition,
    ErrorCollector,
    FrameworkRecord,
    ItemRecord,
    Package,
    inherit_from_parents,
    stable_id,
)
from moien.curriculum_graph.schema import ASSOCIATION_TYPES, LANGS

MAPPINGS_DIR = Path(__file__).parent / "mappings"
BUILTIN_MAPPINGS = {"skos": MAPPINGS_DIR / "skos.yaml", "case-jsonld": MAPPINGS_DIR / "case-jsonld.yaml"}
_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".n3": "n3",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".trig": "trig",
    ".nq": "nquads",
}
_TOP_KEYS = {"name", "prefixes", "language", "jsonld_contexts", "framework", "item", "relations", "associations"}
_FW_KEYS = {
    "class",
    "member_of",
    "id",
    "title",
    "version",
    "publisher",
    "creator",
    "description",
    "language",
    "default",
}
_ITEM_KEYS = {
    "class",
    "member_of",
    "id",
    "code",
    "statement",
    "label",
    "notes",
    "keywords",
    "type",
    "subject",
    "level",
    "topics",
    "framework",
    "language",
}
_ASSOC_KEYS = {"class", "member_of", "id", "type", "origin", "destination", "sequence"}


class Mapping:
    """A validated mapping file, with every name expanded to a full IRI."""

    def __init__(self, path: Path) -> None:
        from rdflib import URIRef  # noqa: F401  (fail early with a clear message if rdflib is missing)

        self.path = path
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CurriculumImportError(path, f"cannot read the mapping file: {exc.strerror or exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CurriculumImportError(
                path, f"not valid YAML: {getattr(exc, 'problem', exc)}", line=mark.line + 1 if mark else None
            ) from None
        if not isinstance(raw, dict):
            raise CurriculumImportError(path, "a mapping is a YAML object with framework:, item: and relations:")
        self._check_keys(raw, _TOP_KEYS, "")
        self.name = str(raw.get("name") or path.stem)
        self.prefixes: dict[str, str] = {
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "dct": "http://purl.org/dc/terms/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }
        prefixes = raw.get("prefixes") or {}
        if not isinstance(prefixes, dict):
            raise CurriculumImportError(path, "must map prefix → namespace IRI", field="prefixes")
        self.prefixes.update({str(k): str(v) for k, v in prefixes.items()})
        self.language = str(raw.get("language") or "fr")
        self.contexts = {str(k): (path.parent / str(v)) for k, v in (raw.get("jsonld_contexts") or {}).items()}
        fw = raw.get("framework") or {}
        item = raw.get("item")
        if not isinstance(item, dict):
            raise CurriculumImportError(path, "is required (which RDF nodes are curriculum items)", field="item")
        self._check_keys(fw, _FW_KEYS, "framework")
        self._check_keys(item, _ITEM_KEYS, "item")
        if not (item.get("class") or item.get("member_of")):
            raise CurriculumImportError(path, "needs class: or member_of:", field="item")
        self.framework = {
            k: self._props(v, f"framework.{k}") if k not in ("id", "default") else v for k, v in fw.items()
        }
        self.item = {k: self._props(v, f"item.{k}") if k != "id" else v for k, v in item.items()}
        for section in (self.framework, self.item):
            ident = section.get("id")
            if ident not in (None, "iri"):
                section["id"] = self._props(ident, "id")
        self.relations: list[tuple[str, str, bool]] = []
        for pred, spec in (raw.get("relations") or {}).items():
            inverse = False
            if isinstance(spec, dict):
                inverse = bool(spec.get("inverse"))
                spec = spec.get("type")
            if spec not in ASSOCIATION_TYPES and not str(spec).startswith("ext:"):
                raise CurriculumImportError(
                    path,
                    f"{spec!r} is not a CASE association type ({', '.join(ASSOCIATION_TYPES)} or ext:…)",
                    field=f"relations.{pred}",
                )
            self.relations.append((self.expand(pred, f"relations.{pred}"), str(spec), inverse))
        assoc = raw.get("associations")
        self.associations = None
        if assoc:
            self._check_keys(assoc, _ASSOC_KEYS, "associations")
            for key in ("type", "origin", "destination"):
                if key not in assoc:
                    raise CurriculumImportError(path, "is required", field=f"associations.{key}")
            self.associations = {k: self._props(v, f"associations.{k}") if k != "id" else v for k, v in assoc.items()}

    def _check_keys(self, obj: Any, allowed: set[str], where: str) -> None:
        if not isinstance(obj, dict):
            raise CurriculumImportError(self.path, "must be an object", field=where or "mapping")
        for key in obj:
            if key not in allowed:
                raise CurriculumImportError(
                    self.path,
                    f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
                    field=f"{where}.{key}" if where else str(key),
                )

    def expand(self, name: str, where: str) -> str:
        name = str(name)
        if name.startswith("<") and name.endswith(">"):
            return name[1:-1]
        if re.match(r"^[a-z][a-z0-9+.-]*://", name, re.I) or name.startswith("urn:"):
            return name
        prefix, sep, local = name.partition(":")
        if sep and prefix in self.prefixes:
            return self.prefixes[prefix] + local
        raise CurriculumImportError(
            self.path, f"{name!r} has no known prefix (declare it under prefixes:)", field=where
        )

    def _props(self, value: Any, where: str) -> Any:
        if isinstance(value, dict):
            if set(value) == {"const"}:
                return {"const": value["const"]}
            if where.endswith("default"):
                return value
            raise CurriculumImportError(
                self.path, "must be a property, a list of properties or {const: …}", field=where
            )
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise CurriculumImportError(self.path, "must be a property or a list of properties", field=where)
        return [self.expand(v, where) for v in value]


def load_mapping(mapping: str | Path | None) -> Mapping:
    if mapping is None:
        mapping = "skos"
    path = BUILTIN_MAPPINGS.get(str(mapping), Path(mapping))
    if not path.exists():
        raise CurriculumImportError(path, f"no such mapping file (built-in mappings: {', '.join(BUILTIN_MAPPINGS)})")
    return Mapping(path)


def _load_graph(path: Path, mapping: Mapping, errs: ErrorCollector):
    import rdflib

    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CurriculumImportError(
            path, f"cannot tell the RDF syntax from {path.suffix!r} (use one of {', '.join(sorted(_FORMATS))})"
        )
    g = rdflib.Graph()
    try:
        if fmt == "json-ld":
            data = json.loads(path.read_text(encoding="utf-8-sig"))
            data = _localise_contexts(data, mapping, path)
            g.parse(data=json.dumps(data), format="json-ld", base=path.resolve().as_uri())
        else:
            g.parse(str(path), format=fmt)
    except json.JSONDecodeError as exc:
        raise CurriculumImportError(path, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except CurriculumImportError:
        raise
    except Exception as exc:  # rdflib raises many types; all mean "this file is not valid <syntax>"
        line = getattr(exc, "lines", None) or getattr(exc, "line", None)
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        m = re.search(r"line (\d+)", str(exc))
        raise CurriculumImportError(
            path, f"not valid {fmt}: {msg}", line=int(line) if isinstance(line, int) else int(m.group(1)) if m else None
        ) from None
    return g


def _localise_contexts(data: Any, mapping: Mapping, path: Path) -> Any:
    """Replace remote @context URLs by the mapping's local copies; refuse any other remote context."""

    def fix(ctx):
        if isinstance(ctx, str) and re.match(r"^https?://", ctx):
            local = mapping.contexts.get(ctx)
            if local is None:
                raise CurriculumImportError(
                    path,
                    f"the JSON-LD @context {ctx} would have to be downloaded; "
                    "add it under jsonld_contexts: in the mapping (a local copy)",
                    field="@context",
                )
            return json.loads(local.read_text(encoding="utf-8"))["@context"]
        if isinstance(ctx, list):
            return [fix(c) for c in ctx]
        return ctx

    def walk(node):
        if isinstance(node, dict):
            return {k: (fix(v) if k == "@context" else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(data)


def parse_rdf(path: str | Path, mapping: str | Path | None = None) -> list[Package]:
    """Parse an RDF file with a mapping into one package per framework."""
    from rdflib import RDF, BNode, Literal, URIRef

    path = Path(path)
    m = load_mapping(mapping)
    errs = ErrorCollector(path)
    g = _load_graph(path, m, errs)

    def values(node, props) -> list:
        if isinstance(props, dict):
            return [Literal(props["const"])]
        out = []
        for p in props or []:
            out.extend(g.objects(node, URIRef(p)))
        return out

    def text(v) -> str:
        if isinstance(v, Literal):
            return str(v).strip()
        for p in (
            "http://www.w3.org/2004/02/skos/core#notation",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "http://www.w3.org/2000/01/rdf-schema#label",
        ):
            for o in g.objects(v, URIRef(p)):
                return str(o).strip()
        s = str(v)
        return re.split(r"[/#]", s.rstrip("/#"))[-1] if isinstance(v, URIRef) else s

    def first(node, props) -> str | None:
        for v in values(node, props):
            t = text(v)
            if t:
                return t
        return None

    def lang_texts(node, props, default_lang: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for v in values(node, props):
            if isinstance(v, Literal) and str(v).strip():
                lang = (v.language or default_lang or "").lower()[:2] or default_lang
                out.setdefault(lang, str(v).strip())
        return out

    def select(spec: dict) -> list:
        nodes = []
        for cls in spec.get("class") or []:
            nodes.extend(g.subjects(RDF.type, URIRef(cls)))
        for pred in spec.get("member_of") or []:
            nodes.extend(o for o in g.objects(None, URIRef(pred)) if not isinstance(o, Literal))
        return list(dict.fromkeys(nodes))

    def ident(node, spec) -> str | None:
        how = spec.get("id")
        if how in (None, "iri"):
            return None if isinstance(node, BNode) else str(node)
        return first(node, how)

    def name(node) -> str:
        return f"<{node}>" if isinstance(node, URIRef) else f"_:{node}"

    # frameworks
    frameworks: dict[str, FrameworkRecord] = {}
    fw_of_node: dict[Any, str] = {}
    for node in select(m.framework) if m.framework.get("class") or m.framework.get("member_of") else []:
        fid = ident(node, m.framework) or stable_id("rdf", path.name, str(node))
        titles = lang_texts(node, m.framework.get("title"), m.language)
        lang = first(node, m.framework.get("language")) or m.language
        frameworks[fid] = FrameworkRecord(
            id=fid,
            title=titles.get(lang) or next(iter(titles.values()), fid),
            uri=str(node) if isinstance(node, URIRef) else None,
            titles={k: v for k, v in titles.items() if k in LANGS},
            version=first(node, m.framework.get("version")),
            publisher=first(node, m.framework.get("publisher")),
            creator=first(node, m.framework.get("creator")),
            description=first(node, m.framework.get("description")),
            language=lang,
        )
        fw_of_node[node] = fid
    default = m.framework.get("default") or {}
    default_id = str(default.get("id") or stable_id("rdf", path.name))

    # items
    items_by_fw: dict[str, list[ItemRecord]] = {}
    id_of_node: dict[Any, str] = {}
    ident_to_id: dict[str, str] = {}
    codes: dict[str, str] = {}
    subjects: dict[str, Definition] = {}
    topics: dict[str, Definition] = {}
    nodes = select(m.item)
    if not nodes:
        errs.error(
            f"no item found: no node of class {', '.join(m.item.get('class') or [])} "
            f"(mapping {m.path.name}); is it the right mapping for this file?",
            field="item.class",
        )
        errs.raise_if_any()
    for node in nodes:
        iid = ident(node, m.item)
        if iid is None:
            iid = stable_id("rdf", path.name, str(node))
        id_of_node[node] = iid
        ident_to_id[iid] = iid
        if isinstance(node, URIRef):
            ident_to_id[str(node)] = iid
    for node in nodes:
        iid = id_of_node[node]
        where = name(node)
        lang = first(node, m.item.get("language")) or m.language
        statements = lang_texts(node, m.item.get("statement"), lang)
        if not statements:
            props = ", ".join(m.item.get("statement") or [])
            errs.error(f"item {where} has no statement (looked in {props})", field="item.statement")
            continue
        original = statements.get(lang) or next(iter(statements.values()))
        code = first(node, m.item.get("code")) or text(node)
        if code in codes:
            errs.warn(f"item {where}: code {code!r} is also used by {codes[code]}")
        codes.setdefault(code, where)
        fw_nodes = values(node, m.item.get("framework"))
        fid = next((fw_of_node[f] for f in fw_nodes if f in fw_of_node), None)
        if fid is None:
            fid = default_id
        levels, raw_levels = [], []
        for v in values(node, m.item.get("level")):
            t = text(v)
            found = resolve_level(t)
            if not found:
                errs.warn(f"item {where}: level {t!r} is not a Luxembourg level nor a known grade; kept as text")
            levels.extend(found)
            if found != (t,):
                raw_levels.append(t)

        def codes_of(field: str, defs: dict[str, Definition]) -> list[str]:
            """The item's subject or topic codes; a new one becomes a definition (names from its skos:prefLabel)."""
            out = []
            for v in values(node, m.item.get(field)):  # noqa: B023  (called at once, inside the loop)
                code = text(v)
                out.append(code)
                if code not in defs:
                    names = (
                        lang_texts(v, [m.expand("skos:prefLabel", "")], m.language)
                        if not isinstance(v, Literal)
                        else {}
                    )
                    defs[code] = Definition(
                        code,
                        {k: x for k, x in names.items() if k in LANGS},
                        uri=str(v) if isinstance(v, URIRef) else None,
                    )
            return out

        item_subjects = codes_of("subject", subjects)
        item_topics = codes_of("topics", topics)
        items_by_fw.setdefault(fid, []).append(
            ItemRecord(
                id=iid,
                code=code,
                statement=original,
                language=lang,
                uri=str(node) if isinstance(node, URIRef) else None,
                type=first(node, m.item.get("type")),
                statements={k: v for k, v in statements.items() if k in LANGS},
                labels={k: v for k, v in lang_texts(node, m.item.get("label"), lang).items() if k in LANGS},
                notes=first(node, m.item.get("notes")),
                keywords=[text(v) for v in values(node, m.item.get("keywords"))],
                subjects=list(dict.fromkeys(item_subjects)),
                levels=list(dict.fromkeys(levels)),
                levels_raw=raw_levels,
                topics=list(dict.fromkeys(item_topics)),
                where=where,
            )
        )
    errs.raise_if_any()

    # official links
    fw_of_item = {it.id: fid for fid, its in items_by_fw.items() for it in its}
    assocs: dict[str, list[AssociationRecord]] = {}

    def resolve(v) -> str | None:
        if v in id_of_node:
            return id_of_node[v]
        if isinstance(v, URIRef):
            return ident_to_id.get(str(v), str(v))
        if isinstance(v, BNode):  # a link object {identifier, uri}
            for p in ("identifier", "uri"):
                for o in g.objects(v, URIRef(m.expand("case:" + p, "")) if "case" in m.prefixes else URIRef(p)):
                    return ident_to_id.get(str(o), str(o))
        return None

    def add(atype: str, origin: str, dest: str, seq: int | None, where: str, aid: str | None = None) -> None:
        fid = fw_of_item.get(origin) or fw_of_item.get(dest) or default_id
        rid = aid or stable_id(fid, origin, atype, dest)
        assocs.setdefault(fid, []).append(
            AssociationRecord(
                rid,
                atype,
                origin,
                dest,
                seq,
                where=where,
                destination_uri=dest if dest.startswith("http") else None,
                origin_uri=origin if origin.startswith("http") else None,
            )
        )

    fw_nodes_set = set(fw_of_node)
    for pred, atype, inverse in m.relations:
        for s, o in g.subject_objects(URIRef(pred)):
            if s not in id_of_node or o in fw_nodes_set or isinstance(o, Literal):
                continue
            origin, dest = id_of_node[s], resolve(o)
            if dest is None:
                continue
            if inverse:
                origin, dest = dest, origin
            add(atype, origin, dest, None, f"{name(s)} {pred}")
    if m.associations:
        spec = m.associations
        for node in select(spec):
            where = name(node)
            atype = first(node, spec["type"])
            if atype not in ASSOCIATION_TYPES and not (atype or "").startswith("ext:"):
                errs.error(f"association {where}: {atype!r} is not a CASE association type", field="associations.type")
                continue
            o_vals, d_vals = values(node, spec["origin"]), values(node, spec["destination"])
            if not o_vals or not d_vals:
                errs.error(f"association {where} has no origin or destination", field="associations.origin")
                continue
            origin, dest = resolve(o_vals[0]), resolve(d_vals[0])
            if origin is None or dest is None:
                errs.error(
                    f"association {where}: cannot resolve its origin or destination", field="associations.origin"
                )
                continue
            if dest in frameworks or o_vals[0] in fw_nodes_set or d_vals[0] in fw_nodes_set:
                continue  # isChildOf the document: a top-level item
            seq_txt = first(node, spec.get("sequence"))
            seq = int(seq_txt) if seq_txt and seq_txt.lstrip("-").isdigit() else None
            aid = (
                ident(node, spec)
                if spec.get("id") not in (None, "iri")
                else (str(node) if isinstance(node, URIRef) else None)
            )
            add(atype, origin, dest, seq, where, aid)
    errs.raise_if_any()

    packages = []
    for fid, its in items_by_fw.items():
        fw = frameworks.get(fid) or FrameworkRecord(
            id=fid, title=str(default.get("title") or f"{path.name} ({m.name})"), language=m.language
        )
        fw.languages = sorted({lang for it in its for lang in it.statements})
        pkg = Package(
            fw,
            its,
            assocs.get(fid, []),
            {k: v for k, v in subjects.items() if any(k in it.subjects for it in its)},
            {k: v for k, v in topics.items() if any(k in it.topics for it in its)},
            source=str(path),
            source_format=f"rdf:{m.path.stem}",
            warnings=list(errs.warnings),
        )
        inherit_from_parents(pkg)
        packages.append(pkg)
    return packages
