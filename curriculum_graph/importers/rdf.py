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
from moien.curriculum_graph.schema import ASSOCIATION_TYPES
from moien.lang import LANGS

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


def _load_graph(path: Path, mapping: Mapping, errs: ErrorCollector) -> Any:
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

    def fix(ctx: Any) -> Any:
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

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (fix(v) if k == "@context" else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(data)


def parse_rdf(path: str | Path, mapping: str | Path | None = None) -> list[Package]:
    """Parse an RDF file with a mapping into one package per framework."""
    path = Path(path)
    m = load_mapping(mapping)
    errs = ErrorCollector(path)
    g = _load_graph(path, m, errs)
    return _RdfReader(path, m, _Nodes(g, m), errs).read()


class _Nodes:
    """Reads nodes of an rdflib graph the way a mapping names them: values, texts, language maps, selections."""

    def __init__(self, g: Any, m: Mapping) -> None:
        from rdflib import RDF, BNode, Literal, URIRef

        self.g, self.m = g, m
        self.RDF, self.BNode, self.Literal, self.URIRef = RDF, BNode, Literal, URIRef

    def values(self, node: Any, props: Any) -> list[Any]:
        """The objects of ``node`` for any of the properties (or the constant a ``{const: …}`` spec gives)."""
        if isinstance(props, dict):
            return [self.Literal(props["const"])]
        out = []
        for p in props or []:
            out.extend(self.g.objects(node, self.URIRef(p)))
        return out

    def text(self, v: Any) -> str:
        """A value as text: a literal's string, else a node's notation or label, else the IRI's last segment."""
        if isinstance(v, self.Literal):
            return str(v).strip()
        for p in (
            "http://www.w3.org/2004/02/skos/core#notation",
            "http://www.w3.org/2004/02/skos/core#prefLabel",
            "http://www.w3.org/2000/01/rdf-schema#label",
        ):
            for o in self.g.objects(v, self.URIRef(p)):
                return str(o).strip()
        s = str(v)
        return re.split(r"[/#]", s.rstrip("/#"))[-1] if isinstance(v, self.URIRef) else s

    def first(self, node: Any, props: Any) -> str | None:
        """The first non-empty text among the values."""
        for v in self.values(node, props):
            t = self.text(v)
            if t:
                return t
        return None

    def lang_texts(self, node: Any, props: Any, default_lang: str) -> dict[str, str]:
        """Literal values by language (untagged ones in ``default_lang``); the first one of each language wins."""
        out: dict[str, str] = {}
        for v in self.values(node, props):
            if isinstance(v, self.Literal) and str(v).strip():
                lang = (v.language or default_lang or "").lower()[:2] or default_lang
                out.setdefault(lang, str(v).strip())
        return out

    def select(self, spec: dict[str, Any]) -> list[Any]:
        """The nodes a section selects: instances of its classes, and values of its ``member_of`` properties."""
        nodes = []
        for cls in spec.get("class") or []:
            nodes.extend(self.g.subjects(self.RDF.type, self.URIRef(cls)))
        for pred in spec.get("member_of") or []:
            nodes.extend(o for o in self.g.objects(None, self.URIRef(pred)) if not isinstance(o, self.Literal))
        return list(dict.fromkeys(nodes))

    def ident(self, node: Any, spec: dict[str, Any]) -> str | None:
        """A node's identifier as the section's ``id`` says: its IRI (None for a blank node) or a property."""
        how = spec.get("id")
        if how in (None, "iri"):
            return None if isinstance(node, self.BNode) else str(node)
        return self.first(node, how)

    def name(self, node: Any) -> str:
        """How messages name a node: ``<iri>`` or ``_:blank``."""
        return f"<{node}>" if isinstance(node, self.URIRef) else f"_:{node}"


class _RdfReader:
    """One RDF file read into packages, step by step: frameworks, items, official links, packages."""

    def __init__(self, path: Path, m: Mapping, nodes: _Nodes, errs: ErrorCollector) -> None:
        self.path, self.m, self.n, self.errs = path, m, nodes, errs
        self.frameworks: dict[str, FrameworkRecord] = {}
        self.fw_of_node: dict[Any, str] = {}
        self.default: dict[str, Any] = m.framework.get("default") or {}
        self.default_id = str(self.default.get("id") or stable_id("rdf", path.name))
        self.items_by_fw: dict[str, list[ItemRecord]] = {}
        self.id_of_node: dict[Any, str] = {}
        self.ident_to_id: dict[str, str] = {}
        self.subjects: dict[str, Definition] = {}
        self.topics: dict[str, Definition] = {}
        self.fw_of_item: dict[str, str] = {}
        self.assocs: dict[str, list[AssociationRecord]] = {}

    def read(self) -> list[Package]:
        """Every step; raises :class:`CurriculumImportError` after the items, and after the links, if any failed."""
        self._frameworks()
        nodes = self._item_nodes()
        self._index_items(nodes)
        codes: dict[str, str] = {}
        for node in nodes:
            self._item(node, codes)
        self.errs.raise_if_any()
        self.fw_of_item = {it.id: fid for fid, its in self.items_by_fw.items() for it in its}
        self._relation_links()
        if self.m.associations:
            self._association_nodes(self.m.associations)
        self.errs.raise_if_any()
        return [self._package(fid, its) for fid, its in self.items_by_fw.items()]

    # -- frameworks ----------------------------------------------------------------------------------
    def _frameworks(self) -> None:
        """The framework nodes the mapping selects (none when it names no class: every item is the default's)."""
        m, n = self.m, self.n
        spec = m.framework
        for node in n.select(spec) if spec.get("class") or spec.get("member_of") else []:
            fid = n.ident(node, spec) or stable_id("rdf", self.path.name, str(node))
            titles = n.lang_texts(node, spec.get("title"), m.language)
            lang = n.first(node, spec.get("language")) or m.language
            self.frameworks[fid] = FrameworkRecord(
                id=fid,
                title=titles.get(lang) or next(iter(titles.values()), fid),
                uri=str(node) if isinstance(node, n.URIRef) else None,
                titles={k: v for k, v in titles.items() if k in LANGS},
                version=n.first(node, spec.get("version")),
                publisher=n.first(node, spec.get("publisher")),
                creator=n.first(node, spec.get("creator")),
                description=n.first(node, spec.get("description")),
                language=lang,
            )
            self.fw_of_node[node] = fid

    # -- items ---------------------------------------------------------------------------------------
    def _item_nodes(self) -> list[Any]:
        """The item nodes; stops with a hint about the mapping when there are none."""
        nodes = self.n.select(self.m.item)
        if not nodes:
            self.errs.error(
                f"no item found: no node of class {', '.join(self.m.item.get('class') or [])} "
                f"(mapping {self.m.path.name}); is it the right mapping for this file?",
                field="item.class",
            )
            self.errs.raise_if_any()
        return nodes

    def _index_items(self, nodes: list[Any]) -> None:
        """Every item's identifier, known before links are read (by node, by identifier and by IRI)."""
        for node in nodes:
            iid = self.n.ident(node, self.m.item)
            if iid is None:
                iid = stable_id("rdf", self.path.name, str(node))
            self.id_of_node[node] = iid
            self.ident_to_id[iid] = iid
            if isinstance(node, self.n.URIRef):
                self.ident_to_id[str(node)] = iid

    def _item(self, node: Any, codes: dict[str, str]) -> None:
        """One item node into its framework's items (an error if it has no statement)."""
        m, n = self.m, self.n
        where = n.name(node)
        lang = n.first(node, m.item.get("language")) or m.language
        statements = n.lang_texts(node, m.item.get("statement"), lang)
        if not statements:
            props = ", ".join(m.item.get("statement") or [])
            self.errs.error(f"item {where} has no statement (looked in {props})", field="item.statement")
            return
        original = statements.get(lang) or next(iter(statements.values()))
        code = n.first(node, m.item.get("code")) or n.text(node)
        if code in codes:
            self.errs.warn(f"item {where}: code {code!r} is also used by {codes[code]}")
        codes.setdefault(code, where)
        fw_nodes = n.values(node, m.item.get("framework"))
        fid = next((self.fw_of_node[f] for f in fw_nodes if f in self.fw_of_node), None) or self.default_id
        levels, raw_levels = self._item_levels(node, where)
        item_subjects = self._codes_of(node, "subject", self.subjects)
        item_topics = self._codes_of(node, "topics", self.topics)
        self.items_by_fw.setdefault(fid, []).append(
            ItemRecord(
                id=self.id_of_node[node],
                code=code,
                statement=original,
                language=lang,
                uri=str(node) if isinstance(node, n.URIRef) else None,
                type=n.first(node, m.item.get("type")),
                statements={k: v for k, v in statements.items() if k in LANGS},
                labels={k: v for k, v in n.lang_texts(node, m.item.get("label"), lang).items() if k in LANGS},
                notes=n.first(node, m.item.get("notes")),
                keywords=[n.text(v) for v in n.values(node, m.item.get("keywords"))],
                subjects=list(dict.fromkeys(item_subjects)),
                levels=list(dict.fromkeys(levels)),
                levels_raw=raw_levels,
                topics=list(dict.fromkeys(item_topics)),
                where=where,
            )
        )

    def _item_levels(self, node: Any, where: str) -> tuple[list[str], list[str]]:
        """Luxembourg level codes of an item, and its level values as written where they differ."""
        levels: list[str] = []
        raw_levels: list[str] = []
        for v in self.n.values(node, self.m.item.get("level")):
            t = self.n.text(v)
            found = resolve_level(t)
            if not found:
                self.errs.warn(f"item {where}: level {t!r} is not a Luxembourg level nor a known grade; kept as text")
            levels.extend(found)
            if found != (t,):
                raw_levels.append(t)
        return levels, raw_levels

    def _codes_of(self, node: Any, field: str, defs: dict[str, Definition]) -> list[str]:
        """The item's subject or topic codes; a new one becomes a definition (names from its skos:prefLabel)."""
        m, n = self.m, self.n
        out = []
        for v in n.values(node, m.item.get(field)):
            code = n.text(v)
            out.append(code)
            if code not in defs:
                names = (
                    n.lang_texts(v, [m.expand("skos:prefLabel", "")], m.language)
                    if not isinstance(v, n.Literal)
                    else {}
                )
                defs[code] = Definition(
                    code,
                    {k: x for k, x in names.items() if k in LANGS},
                    uri=str(v) if isinstance(v, n.URIRef) else None,
                )
        return out

    # -- official links ------------------------------------------------------------------------------
    def _resolve(self, v: Any) -> str | None:
        """The item identifier a link end names: an item node, an IRI, or a CASE link object {identifier, uri}."""
        m, n = self.m, self.n
        if v in self.id_of_node:
            return self.id_of_node[v]
        if isinstance(v, n.URIRef):
            return self.ident_to_id.get(str(v), str(v))
        if isinstance(v, n.BNode):  # a link object {identifier, uri}
            for p in ("identifier", "uri"):
                for o in n.g.objects(v, n.URIRef(m.expand("case:" + p, "")) if "case" in m.prefixes else n.URIRef(p)):
                    return self.ident_to_id.get(str(o), str(o))
        return None

    def _add(self, atype: str, origin: str, dest: str, seq: int | None, where: str, aid: str | None = None) -> None:
        """One official link, filed under the framework of its origin (else of its destination, else the default)."""
        fid = self.fw_of_item.get(origin) or self.fw_of_item.get(dest) or self.default_id
        rid = aid or stable_id(fid, origin, atype, dest)
        self.assocs.setdefault(fid, []).append(
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

    def _relation_links(self) -> None:
        """Links from item → item properties (``relations:``); links to a framework node are left out."""
        n = self.n
        fw_nodes = set(self.fw_of_node)
        for pred, atype, inverse in self.m.relations:
            for s, o in n.g.subject_objects(n.URIRef(pred)):
                if s not in self.id_of_node or o in fw_nodes or isinstance(o, n.Literal):
                    continue
                origin, dest = self.id_of_node[s], self._resolve(o)
                if dest is None:
                    continue
                if inverse:
                    origin, dest = dest, origin
                self._add(atype, origin, dest, None, f"{n.name(s)} {pred}")

    def _association_nodes(self, spec: dict[str, Any]) -> None:
        """Links given as association nodes (``associations:``, CASE JSON-LD CFAssociation)."""
        n = self.n
        fw_nodes = set(self.fw_of_node)
        for node in n.select(spec):
            where = n.name(node)
            atype = n.first(node, spec["type"])
            if atype not in ASSOCIATION_TYPES and not (atype or "").startswith("ext:"):
                self.errs.error(
                    f"association {where}: {atype!r} is not a CASE association type", field="associations.type"
                )
                continue
            o_vals, d_vals = n.values(node, spec["origin"]), n.values(node, spec["destination"])
            if not o_vals or not d_vals:
                self.errs.error(f"association {where} has no origin or destination", field="associations.origin")
                continue
            origin, dest = self._resolve(o_vals[0]), self._resolve(d_vals[0])
            if origin is None or dest is None:
                self.errs.error(
                    f"association {where}: cannot resolve its origin or destination", field="associations.origin"
                )
                continue
            if dest in self.frameworks or o_vals[0] in fw_nodes or d_vals[0] in fw_nodes:
                continue  # isChildOf the document: a top-level item
            seq_txt = n.first(node, spec.get("sequence"))
            seq = int(seq_txt) if seq_txt and seq_txt.lstrip("-").isdigit() else None
            aid = (
                n.ident(node, spec)
                if spec.get("id") not in (None, "iri")
                else (str(node) if isinstance(node, n.URIRef) else None)
            )
            self._add(str(atype), origin, dest, seq, where, aid)

    # -- packages ------------------------------------------------------------------------------------
    def _package(self, fid: str, its: list[ItemRecord]) -> Package:
        """One framework's package, with the subjects and topics its items use."""
        m = self.m
        fw = self.frameworks.get(fid) or FrameworkRecord(
            id=fid, title=str(self.default.get("title") or f"{self.path.name} ({m.name})"), language=m.language
        )
        fw.languages = sorted({lang for it in its for lang in it.statements})
        pkg = Package(
            fw,
            its,
            self.assocs.get(fid, []),
            {k: v for k, v in self.subjects.items() if any(k in it.subjects for it in its)},
            {k: v for k, v in self.topics.items() if any(k in it.topics for it in its)},
            source=str(self.path),
            source_format=f"rdf:{m.path.stem}",
            warnings=list(self.errs.warnings),
        )
        inherit_from_parents(pkg)
        return pkg
