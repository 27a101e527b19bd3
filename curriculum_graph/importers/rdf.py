"""RDF curricula (Turtle, RDF/XML, N-Triples, JSON-LD…) through rdflib and a declarative mapping file.

A mapping (YAML) says which RDF classes and properties become moien's Framework, Item and official
links; ``curriculum_graph/importers/mappings/`` ships ``skos.yaml`` (SKOS concept schemes),
``case-jsonld.yaml`` (CASE JSON-LD, read offline with a bundled copy of the term mappings) and
``uk-national-curriculum.yaml`` (the DfE/Oak National Curriculum for England ontology).
``docs/curriculum-model.md`` explains every key; in short::

    name: …                    # shown in messages
    prefixes: {curric: https://w3id.org/uk/curriculum/core/, …}
    language: en               # the language of literals without a language tag
    labels: [skos:prefLabel, rdfs:label, dct:title]   # how a value node is named, in this order
    ignore_classes: [owl:Ontology, …]   # classes that are neither frameworks, items nor links
    framework: {class, member_of, id, title, version, publisher, creator, description, language,
                default: "Title" | {id: …, title: …}}
    item: {class, member_of, id, code: iri | [<path>…], statement, label, notes, keywords, framework,
           language, type | subject | level | topics: [<path>…] | {path: …, map: {value: code}}}
    relations: {<path>: isChildOf | {type: isChildOf, inverse: true, sequence: <path>}}
    associations:              # one block or a list of blocks
      - {path: "^ex:hasPart", type: isChildOf, sequence: ex:position}          # item → item
      - {class: ex:Inclusion, origin: ex:lesson, destination: "^ex:hasInclusion", type: isChildOf,
         sequence: ex:order}                                                    # link nodes

A ``<path>`` is a property (``skos:broader``, ``<http://…>``) or a SPARQL-like property path:
``^p`` (inverse), ``p/q`` (sequence), ``p|q`` (either). The whole mapping is checked before any file is
read; every problem is one line naming the mapping file and the key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from moien.curriculum_graph.levels import LEVELS, resolve_level
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
BUILTIN_MAPPINGS = {
    "skos": MAPPINGS_DIR / "skos.yaml",
    "case-jsonld": MAPPINGS_DIR / "case-jsonld.yaml",
    "uk-national-curriculum": MAPPINGS_DIR / "uk-national-curriculum.yaml",
}
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
_TOP_KEYS = {
    "name",
    "prefixes",
    "language",
    "labels",
    "ignore_classes",
    "jsonld_contexts",
    "framework",
    "item",
    "relations",
    "associations",
}
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
#: Item fields whose values may go through a value map (``{path: …, map: {value: code}}``).
_MAPPED_FIELDS = {"type", "subject", "level", "topics"}
_NODE_ASSOC_KEYS = {"class", "member_of", "id", "type", "origin", "destination", "sequence"}
_PATH_ASSOC_KEYS = {"path", "type", "inverse", "sequence"}
_DEFAULT_LABELS = ["skos:prefLabel", "rdfs:label", "dct:title"]
_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: How other school systems write a level in words → the alias keys of ``levels.LEVEL_ALIASES``.
#: England's "Year N" is the US/CEDS grade N−1 (Year 1 is the kindergarten year: ages 5–6).
_LEVEL_WORDS: list[tuple[re.Pattern[str], Callable[[int], str]]] = [
    (re.compile(r"^key\s*stage\s*(\d)$", re.I), lambda n: f"KS{n}"),
    (re.compile(r"^(?:year|year\s*group|y)\s*(\d{1,2})$", re.I), lambda n: "KG" if n <= 1 else f"{n - 1:02d}"),
    (re.compile(r"^(?:grade|gr\.?)\s*(\d{1,2})$", re.I), lambda n: f"{n:02d}"),
]


def _fold(text: str) -> str:
    """How value-map keys compare: case-, space- and punctuation-insensitive ("Key Stage 2" = "key-stage-2")."""
    return re.sub(r"[\s_\-.]+", "", text.strip().casefold())


def _one_line(text: str) -> str:
    """Codes and names on one line: an RDF literal may hold a whole paragraph with newlines."""
    return " ".join(text.split())


def level_codes(value: str) -> tuple[str, ...]:
    """Luxembourg level codes for a level as written ("C3", "KS2", "Key Stage 2", "Year 5", "Grade 3")."""
    found = resolve_level(value)
    if found:
        return found
    for pattern, alias in _LEVEL_WORDS:
        m = pattern.match(value.strip())
        if m:
            return resolve_level(alias(int(m.group(1))))
    return ()


@dataclass
class ValueSpec:
    """Where an item field's values come from, and an optional value map (folded value → codes)."""

    paths: list[Any]
    const: str | None = None
    value_map: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class AssocSpec:
    """One ``associations:`` block: item → item paths, or link nodes of their own."""

    where: str
    type_const: str | None = None
    type_paths: list[Any] = field(default_factory=list)
    paths: list[Any] = field(default_factory=list)  # path form: from an item to the other item
    inverse: bool = False
    select: dict[str, Any] = field(default_factory=dict)  # node form: class / member_of
    origin: list[Any] = field(default_factory=list)
    destination: list[Any] = field(default_factory=list)
    sequence: list[Any] = field(default_factory=list)
    id_paths: list[Any] | None = None


class Mapping:
    """A validated mapping file: every name expanded to a full IRI, every path compiled, every key checked."""

    def __init__(self, path: Path) -> None:
        from rdflib import URIRef  # noqa: F401  (fail early with a clear message if rdflib is missing)

        self.path = path
        raw = self._read(path)
        self._check_keys(raw, _TOP_KEYS, "")
        self.name = str(raw.get("name") or path.stem)
        self.prefixes: dict[str, str] = {
            "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "dct": "http://purl.org/dc/terms/",
            "dcterms": "http://purl.org/dc/terms/",
            "dc": "http://purl.org/dc/elements/1.1/",
            "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        }
        prefixes = raw.get("prefixes") or {}
        if not isinstance(prefixes, dict):
            raise CurriculumImportError(path, "must map prefix → namespace IRI", field="prefixes")
        self.prefixes.update({str(k): str(v) for k, v in prefixes.items()})
        self.language = self._scalar(raw.get("language") or "fr", "language")
        contexts = raw.get("jsonld_contexts") or {}
        if not isinstance(contexts, dict):
            raise CurriculumImportError(path, "must map a remote @context URL → local file", field="jsonld_contexts")
        self.contexts = {str(k): (path.parent / str(v)) for k, v in contexts.items()}
        self.used_properties: set[str] = {_RDF_TYPE}
        self.labels = self._paths(raw.get("labels") or _DEFAULT_LABELS, "labels")
        self.ignore_classes = set(self._iris(raw.get("ignore_classes") or [], "ignore_classes"))
        fw = raw.get("framework") or {}
        item = raw.get("item")
        if not isinstance(item, dict):
            raise CurriculumImportError(path, "is required (which RDF nodes are curriculum items)", field="item")
        self._check_keys(fw, _FW_KEYS, "framework")
        self._check_keys(item, _ITEM_KEYS, "item")
        if not (item.get("class") or item.get("member_of")):
            raise CurriculumImportError(path, "needs class: or member_of:", field="item")
        self.default = self._default(fw.get("default"))
        self.framework = self._section(fw, "framework", skip={"default"})
        self.item = self._section(item, "item", skip=_MAPPED_FIELDS | {"code"})
        self.code_from_iri, self.code_paths = self._code(item.get("code"))
        self.values = {k: self._value_spec(item[k], f"item.{k}") for k in _MAPPED_FIELDS if item.get(k) is not None}
        self.associations = self._relations(raw.get("relations")) + self._associations(raw.get("associations"))

    # -- reading and checking ------------------------------------------------------------------------
    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
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
        return raw

    def _check_keys(self, obj: Any, allowed: set[str], where: str) -> None:
        if not isinstance(obj, dict):
            raise CurriculumImportError(self.path, "must be an object (key: value lines)", field=where or "mapping")
        for key in obj:
            if key not in allowed:
                raise CurriculumImportError(
                    self.path,
                    f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}",
                    field=f"{where}.{key}" if where else str(key),
                )

    def _scalar(self, value: Any, where: str) -> str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise CurriculumImportError(self.path, f"must be a single value, not {type(value).__name__}", field=where)
        return str(value)

    def _default(self, value: Any) -> dict[str, str]:
        """``framework.default``: a title (plain string) or ``{id: …, title: …}``."""
        if value is None:
            return {}
        if isinstance(value, str):
            return {"title": value}
        if not isinstance(value, dict):
            raise CurriculumImportError(
                self.path, 'must be a title ("My curriculum") or {id: …, title: …}', field="framework.default"
            )
        self._check_keys(value, {"id", "title"}, "framework.default")
        return {k: self._scalar(v, f"framework.default.{k}") for k, v in value.items()}

    def _section(self, spec: dict[str, Any], where: str, skip: set[str]) -> dict[str, Any]:
        """A framework: or item: section: ``id`` is ``iri`` or paths, ``class`` IRIs, the rest paths or constants."""
        out: dict[str, Any] = {}
        for key, value in spec.items():
            if key in skip:
                continue
            at = f"{where}.{key}"
            if key == "class":
                out[key] = self._iris(value, at)
            elif key == "id":
                out[key] = "iri" if value in (None, "iri") else self._paths(value, at)
            elif isinstance(value, dict) and set(value) == {"const"}:
                out[key] = {"const": self._scalar(value["const"], f"{at}.const")}
            else:
                out[key] = self._paths(value, at)
        return out

    def _code(self, value: Any) -> tuple[bool, list[Any]]:
        """``item.code``: ``iri`` (the IRI's last segment, also the default) or paths (falling back to it)."""
        if value in (None, "iri"):
            return True, []
        return False, self._paths(value, "item.code")

    def _value_spec(self, value: Any, where: str) -> ValueSpec:
        """``[<path>…]``, ``{const: …}`` or ``{path: …, map: {value: code | [codes]}}``."""
        if isinstance(value, dict):
            if set(value) == {"const"}:
                return ValueSpec([], const=self._scalar(value["const"], f"{where}.const"))
            self._check_keys(value, {"path", "map"}, where)
            if "path" not in value:
                raise CurriculumImportError(self.path, "is required next to map:", field=f"{where}.path")
            vmap = value.get("map") or {}
            if not isinstance(vmap, dict):
                raise CurriculumImportError(self.path, "must map a value as written → a code", field=f"{where}.map")
            folded: dict[str, list[str]] = {}
            for k, v in vmap.items():
                codes = [self._scalar(c, f"{where}.map.{k}") for c in (v if isinstance(v, list) else [v])]
                if where == "item.level":
                    unknown = [c for c in codes if c not in LEVELS]
                    if unknown:
                        raise CurriculumImportError(
                            self.path,
                            f"{unknown[0]!r} is not a Luxembourg level code (C1–C4, 7e–1re, 7C, 4G…)",
                            field=f"{where}.map.{k}",
                        )
                folded[_fold(str(k))] = codes
                if ":" in str(k) and not str(k).startswith("http"):
                    try:  # a prefixed IRI as the key: also match the full IRI
                        folded[_fold(self.expand(str(k), f"{where}.map"))] = codes
                    except CurriculumImportError:
                        pass  # "Key Stage: 2" is a value, not an IRI
            return ValueSpec(self._paths(value["path"], f"{where}.path"), value_map=folded)
        return ValueSpec(self._paths(value, where))

    def _relations(self, rel: Any) -> list[AssocSpec]:
        """``relations:`` — the short form of path associations: ``<path>: type`` or ``{type, inverse, sequence}``."""
        if rel is None:
            return []
        if not isinstance(rel, dict):
            raise CurriculumImportError(
                self.path, "must map a property (path) → an association type", field="relations"
            )
        out = []
        for pred, spec in rel.items():
            block = spec if isinstance(spec, dict) else {"type": spec}
            out.append(self._path_block({**block, "path": pred}, f"relations.{pred}"))
        return out

    def _associations(self, assoc: Any) -> list[AssocSpec]:
        if assoc is None:
            return []
        blocks = assoc if isinstance(assoc, list) else [assoc]
        out = []
        for i, block in enumerate(blocks):
            where = f"associations[{i}]" if isinstance(assoc, list) else "associations"
            if not isinstance(block, dict):
                raise CurriculumImportError(self.path, "must be an object (key: value lines)", field=where)
            out.append(self._path_block(block, where) if "path" in block else self._node_block(block, where))
        return out

    def _type(self, value: Any, where: str) -> tuple[str | None, list[Any]]:
        """An association type: a CASE type name (a constant) or a property holding it."""
        if isinstance(value, dict) and set(value) == {"const"}:
            value = value["const"]
        elif value is None:
            raise CurriculumImportError(self.path, "is required (a CASE association type)", field=f"{where}.type")
        text = self._scalar(value, f"{where}.type")
        if text in ASSOCIATION_TYPES or (text.startswith("ext:") and "ext" not in self.prefixes):
            return text, []
        if ":" not in text and not text.startswith("<"):
            raise CurriculumImportError(
                self.path,
                f"{text!r} is not a CASE association type ({', '.join(ASSOCIATION_TYPES)} or ext:…)",
                field=f"{where}.type",
            )
        return None, self._paths(text, f"{where}.type")

    def _path_block(self, block: dict[str, Any], where: str) -> AssocSpec:
        self._check_keys(block, _PATH_ASSOC_KEYS, where)
        const, _ = self._type(block.get("type"), where)
        if const is None:
            raise CurriculumImportError(
                self.path, "a path association needs a CASE type name (isChildOf, precedes…)", field=f"{where}.type"
            )
        inverse = block.get("inverse", False)
        if not isinstance(inverse, bool):
            raise CurriculumImportError(self.path, "must be true or false", field=f"{where}.inverse")
        return AssocSpec(
            where,
            type_const=const,
            paths=self._paths(block["path"], f"{where}.path"),
            inverse=inverse,
            sequence=self._paths(block["sequence"], f"{where}.sequence") if block.get("sequence") else [],
        )

    def _node_block(self, block: dict[str, Any], where: str) -> AssocSpec:
        self._check_keys(block, _NODE_ASSOC_KEYS, where)
        if not (block.get("class") or block.get("member_of")):
            raise CurriculumImportError(
                self.path, "needs path: (item → item) or class:/member_of: (link nodes)", field=where
            )
        for key in ("type", "origin", "destination"):
            if key not in block:
                raise CurriculumImportError(self.path, "is required", field=f"{where}.{key}")
        const, type_paths = self._type(block["type"], where)
        ident = block.get("id")
        return AssocSpec(
            where,
            type_const=const,
            type_paths=type_paths,
            select={
                "class": self._iris(block.get("class") or [], f"{where}.class"),
                "member_of": self._paths(block.get("member_of") or [], f"{where}.member_of"),
            },
            origin=self._paths(block["origin"], f"{where}.origin"),
            destination=self._paths(block["destination"], f"{where}.destination"),
            sequence=self._paths(block["sequence"], f"{where}.sequence") if block.get("sequence") else [],
            id_paths=None if ident in (None, "iri") else self._paths(ident, f"{where}.id"),
        )

    # -- names and paths -----------------------------------------------------------------------------
    def expand(self, name: str, where: str) -> str:
        """A prefixed name, ``<IRI>`` or full IRI → the full IRI (an unknown prefix names the key)."""
        name = str(name).strip()
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

    def _iris(self, value: Any, where: str) -> list[Any]:
        from rdflib import URIRef

        values = value if isinstance(value, list) else [value]
        return [URIRef(self.expand(self._scalar(v, where), where)) for v in values]

    def _paths(self, value: Any, where: str) -> list[Any]:
        """A property, a property path or a list of them, compiled for rdflib."""
        if isinstance(value, dict):
            raise CurriculumImportError(
                self.path, "must be a property, a list of properties or {const: …}", field=where
            )
        values = value if isinstance(value, list) else [value]
        return [self.path_of(self._scalar(v, where), where) for v in values]

    def path_of(self, text: str, where: str) -> Any:
        """``p``, ``^p``, ``p/q``, ``p|q`` → a URIRef or an rdflib path (full IRIs in a path go in ``<…>``)."""
        from rdflib import URIRef
        from rdflib.paths import AlternativePath, InvPath, SequencePath

        text = text.strip()
        if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", text, re.I) and "^" not in text and "|" not in text:
            self.used_properties.add(text)
            return URIRef(text)  # one full IRI, slashes and all
        tokens = re.findall(r"<[^>]*>|\^|/|\||[^\s/|^<>]+", text)
        if not tokens or "".join(tokens) != re.sub(r"\s+", "", text):
            raise CurriculumImportError(self.path, f"{text!r} is not a property or property path", field=where)

        def step(tok: list[str]) -> Any:
            inverse = bool(tok) and tok[0] == "^"
            names = tok[1:] if inverse else tok
            if len(names) != 1 or names[0] in "/|^":
                raise CurriculumImportError(self.path, f"{text!r} is not a property or property path", field=where)
            iri = self.expand(names[0], where)
            self.used_properties.add(iri)
            return InvPath(URIRef(iri)) if inverse else URIRef(iri)

        def split(tok: list[str], sep: str) -> list[list[str]]:
            parts: list[list[str]] = [[]]
            for t in tok:
                if t == sep:
                    parts.append([])
                else:
                    parts[-1].append(t)
            return parts

        alternatives = []
        for alt in split(tokens, "|"):
            steps = [step(s) for s in split(alt, "/")]
            alternatives.append(steps[0] if len(steps) == 1 else SequencePath(*steps))
        return alternatives[0] if len(alternatives) == 1 else AlternativePath(*alternatives)


def load_mapping(mapping: str | Path | None) -> Mapping:
    if mapping is None:
        mapping = "skos"
    path = BUILTIN_MAPPINGS.get(str(mapping), Path(mapping))
    if not path.exists():
        raise CurriculumImportError(path, f"no such mapping file (built-in mappings: {', '.join(BUILTIN_MAPPINGS)})")
    return Mapping(path)


def rdf_files(sources: str | Path | Iterable[str | Path]) -> list[Path]:
    """The files of an import: each file given, and every RDF file of each folder given (sorted, recursively)."""
    given = [Path(sources)] if isinstance(sources, (str, Path)) else [Path(s) for s in sources]
    files: list[Path] = []
    for src in given:
        if src.is_dir():
            found = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix.lower() in _FORMATS)
            if not found:
                raise CurriculumImportError(
                    src, f"the folder holds no RDF file ({', '.join(sorted(_FORMATS))}); give a folder or files"
                )
            files.extend(found)
        elif src.exists():
            files.append(src)
        else:
            raise CurriculumImportError(src, "no such file or folder")
    if not files:
        raise CurriculumImportError("(no file)", "give at least one RDF file or folder")
    return list(dict.fromkeys(files))


def sources_sha256(files: list[Path]) -> str:
    """One checksum for the files of an import (each file's SHA-256 with its name, in order)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _load_graph(files: list[Path], mapping: Mapping) -> Any:
    """Every file parsed into ONE rdflib graph, so links between files resolve like links within one."""
    import rdflib

    g = rdflib.Graph()
    for path in files:
        _parse_into(g, path, mapping)
    return g


def _parse_into(g: Any, path: Path, mapping: Mapping) -> None:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CurriculumImportError(
            path, f"cannot tell the RDF syntax from {path.suffix!r} (use one of {', '.join(sorted(_FORMATS))})"
        )
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


@dataclass
class RdfSurvey:
    """What a mapping makes of the files, for ``--dry-run``: counts per mapped class, what it leaves out."""

    files: list[str]
    triples: int
    mapped: dict[str, int] = field(default_factory=dict)  # "item skos:Concept" → instances
    unmapped_classes: dict[str, tuple[int, str]] = field(default_factory=dict)  # class → (nodes, example node)
    unmapped_properties: dict[str, tuple[int, str]] = field(default_factory=dict)  # property → (uses, example)

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "triples": self.triples,
            "mapped": self.mapped,
            "unmapped_classes": {k: {"nodes": n, "example": ex} for k, (n, ex) in self.unmapped_classes.items()},
            "unmapped_properties": {k: {"uses": n, "example": ex} for k, (n, ex) in self.unmapped_properties.items()},
        }

    def lines(self) -> list[str]:
        """The survey as plain lines (English, like the importer's other reasons)."""
        out = [f"{len(self.files)} file(s), {self.triples} triples"]
        out += [f"  mapped   {name}: {n}" for name, n in self.mapped.items()]
        out += [f"  UNMAPPED class {c}: {n} node(s), e.g. {ex}" for c, (n, ex) in self.unmapped_classes.items()]
        out += [f"  unmapped property {p}: {n} use(s), e.g. on {ex}" for p, (n, ex) in self.unmapped_properties.items()]
        return out


def read_rdf(
    sources: str | Path | Iterable[str | Path], mapping: str | Path | None = None, *, properties: bool = True
) -> tuple[list[Package], RdfSurvey]:
    """Parse RDF files (or folders) with a mapping into one package per framework, and survey the mapping's reach.

    ``properties=False`` leaves the unmapped properties out of the survey (a scan of every selected node's
    triples, needed only for ``--dry-run``); unmapped classes are always surveyed.
    """
    m = load_mapping(mapping)
    files = rdf_files(sources)
    g = _load_graph(files, m)
    label = files[0] if len(files) == 1 else Path(sources) if isinstance(sources, (str, Path)) else files[0].parent
    errs = ErrorCollector(label)
    reader = _RdfReader(label, m, _Nodes(g, m), errs)
    packages = reader.read()
    return packages, reader.survey(files, properties)


def parse_rdf(sources: str | Path | Iterable[str | Path], mapping: str | Path | None = None) -> list[Package]:
    """Parse RDF files (or folders) into packages; refuses files with classes the mapping neither maps nor ignores."""
    packages, survey = read_rdf(sources, mapping, properties=False)
    check_complete(survey, load_mapping(mapping).path, Path(survey.files[0]))
    return packages


def check_complete(survey: RdfSurvey, mapping_path: Path, source: Path) -> None:
    """Unmapped classes are an error (naming them): an import never leaves part of an ontology out silently."""
    if not survey.unmapped_classes:
        return
    shown = "; ".join(f"{c} ({n} nodes, e.g. {ex})" for c, (n, ex) in list(survey.unmapped_classes.items())[:5])
    more = len(survey.unmapped_classes) - 5
    raise CurriculumImportError(
        source,
        f"the mapping {mapping_path.name} does not map the class(es) {shown}"
        + (f" and {more} more" if more > 0 else "")
        + " — map them under framework:, item: or associations:, or list them under ignore_classes: "
        "(`moien curriculum import --dry-run` lists every unmapped class and property)",
        field="ignore_classes",
    )


class _Nodes:
    """Reads nodes of an rdflib graph the way a mapping names them: values, texts, language maps, selections."""

    def __init__(self, g: Any, m: Mapping) -> None:
        from rdflib import RDF, BNode, Literal, URIRef

        self.g, self.m = g, m
        self.RDF, self.BNode, self.Literal, self.URIRef = RDF, BNode, Literal, URIRef
        self.notation = URIRef(_NOTATION)

    def values(self, node: Any, paths: Any) -> list[Any]:
        """The objects of ``node`` along any of the paths (or the constant a ``{const: …}`` spec gives)."""
        if isinstance(paths, dict):
            return [self.Literal(paths["const"])]
        out: list[Any] = []
        for p in paths or []:
            out.extend(self.g.objects(node, p))
        return list(dict.fromkeys(out))

    def local_name(self, v: Any) -> str:
        """An IRI's last segment (``…/unit/fractions-1`` → ``fractions-1``); a blank node's id."""
        s = str(v)
        return re.split(r"[/#]", s.rstrip("/#"))[-1] if isinstance(v, self.URIRef) else s

    def text(self, v: Any) -> str:
        """A value as one line: a literal, else the node's notation or first label, else its IRI's last segment."""
        if isinstance(v, self.Literal):
            return _one_line(str(v))
        for o in self.g.objects(v, self.notation):
            return _one_line(str(o))
        for p in self.m.labels:
            for o in self.g.objects(v, p):
                if isinstance(o, self.Literal) and str(o).strip():
                    return _one_line(str(o))
        return self.local_name(v)

    def candidates(self, v: Any) -> list[str]:
        """Every spelling a value map may use for a value: its IRI, last segment, notation and labels."""
        out = [self.text(v)]
        if not isinstance(v, self.Literal):
            out += [str(v), self.local_name(v)]
            out += [str(o) for p in [self.notation, *self.m.labels] for o in self.g.objects(v, p)]
        return out

    def first(self, node: Any, paths: Any) -> str | None:
        """The first non-empty text among the values."""
        for v in self.values(node, paths):
            t = self.text(v)
            if t:
                return t
        return None

    def lang_texts(self, node: Any, paths: Any, default_lang: str) -> dict[str, str]:
        """Literal values by language (untagged ones in ``default_lang``); the first one of each language wins."""
        out: dict[str, str] = {}
        for v in self.values(node, paths):
            if isinstance(v, self.Literal) and str(v).strip():
                lang = (v.language or default_lang or "").lower()[:2] or default_lang
                out.setdefault(lang, str(v).strip())
        return out

    def select(self, spec: dict[str, Any]) -> list[Any]:
        """The nodes a section selects: instances of its classes, and values of its ``member_of`` paths."""
        nodes = []
        for cls in spec.get("class") or []:
            nodes.extend(self.g.subjects(self.RDF.type, cls))
        for pred in spec.get("member_of") or []:
            nodes.extend(o for _, o in self.g.subject_objects(pred) if not isinstance(o, self.Literal))
        return list(dict.fromkeys(nodes))

    def ident(self, node: Any, spec: Any) -> str | None:
        """A node's identifier as the section's ``id`` says: its IRI (None for a blank node) or a path."""
        if spec in (None, "iri"):
            return None if isinstance(node, self.BNode) else str(node)
        return self.first(node, spec)

    def name(self, node: Any) -> str:
        """How messages name a node: ``<iri>`` or ``_:blank``."""
        return f"<{node}>" if isinstance(node, self.URIRef) else f"_:{node}"

    def short(self, iri: Any) -> str:
        """An IRI with the mapping's prefixes (``curric:Scheme``), for messages."""
        s = str(iri)
        best = max(
            (p for p, ns in self.m.prefixes.items() if s.startswith(ns)),
            key=lambda p: len(self.m.prefixes[p]),
            default=None,
        )
        return f"{best}:{s[len(self.m.prefixes[best]) :]}" if best else f"<{s}>"


class _RdfReader:
    """RDF files read into packages, step by step: frameworks, items, official links, packages."""

    def __init__(self, path: Path, m: Mapping, nodes: _Nodes, errs: ErrorCollector) -> None:
        self.path, self.m, self.n, self.errs = path, m, nodes, errs
        self.frameworks: dict[str, FrameworkRecord] = {}
        self.fw_of_node: dict[Any, str] = {}
        self.default = m.default
        self.default_id = str(self.default.get("id") or stable_id("rdf", path.name))
        self.items_by_fw: dict[str, list[ItemRecord]] = {}
        self.id_of_node: dict[Any, str] = {}
        self.ident_to_id: dict[str, str] = {}
        self.subjects: dict[str, Definition] = {}
        self.topics: dict[str, Definition] = {}
        self.fw_of_item: dict[str, str] = {}
        self.assocs: dict[str, list[AssociationRecord]] = {}
        self.link_nodes: set[Any] = set()
        self.codes: dict[str, list[str]] = {}  # code → the items using it (for one warning about duplicates)
        self.notes: Counter[str] = Counter()  # warnings, each said once with a count

    def read(self) -> list[Package]:
        """Every step; raises :class:`CurriculumImportError` after the items, and after the links, if any failed."""
        self._frameworks()
        nodes = self._item_nodes()
        self._index_items(nodes)
        for node in nodes:
            self._item(node)
        self.errs.raise_if_any()
        self.fw_of_item = {it.id: fid for fid, its in self.items_by_fw.items() for it in its}
        for spec in self.m.associations:
            if spec.paths:
                self._path_links(spec)
            else:
                self._association_nodes(spec)
        self.errs.raise_if_any()
        self._warn_once()
        packages = [self._package(fid, its) for fid, its in self.items_by_fw.items()]
        packages = _links_first(packages)
        if packages:  # warnings are about the whole import: said once, not once per framework
            packages[0].warnings = list(self.errs.warnings)
        return packages

    def _warn_once(self) -> None:
        dupes = {c: users for c, users in self.codes.items() if len(users) > 1}
        if dupes:
            shown = ", ".join(f"{c!r} ×{len(u)}" for c, u in sorted(dupes.items(), key=lambda kv: -len(kv[1]))[:5])
            self.errs.warn(
                f"{len(dupes)} code(s) are used by several items ({shown}…); `moien curriculum show CODE "
                "--framework ID` tells them apart — set item.code in the mapping for unique codes"
            )
        for note, n in self.notes.items():
            self.errs.warn(note + (f" (×{n})" if n > 1 else ""))

    # -- frameworks ----------------------------------------------------------------------------------
    def _frameworks(self) -> None:
        """The framework nodes the mapping selects (none when it names no class: every item is the default's)."""
        m, n = self.m, self.n
        spec = m.framework
        for node in n.select(spec) if spec.get("class") or spec.get("member_of") else []:
            fid = n.ident(node, spec.get("id")) or stable_id("rdf", self.path.name, str(node))
            titles = n.lang_texts(node, spec.get("title"), m.language)
            lang = n.first(node, spec.get("language")) or m.language
            self.frameworks[fid] = FrameworkRecord(
                id=fid,
                title=_one_line(titles.get(lang) or next(iter(titles.values()), fid)),
                uri=str(node) if isinstance(node, n.URIRef) else None,
                titles={k: _one_line(v) for k, v in titles.items() if k in LANGS},
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
            classes = ", ".join(self.n.short(c) for c in self.m.item.get("class") or [])
            self.errs.error(
                f"no item found: no node of class {classes or '(none)'} (mapping {self.m.path.name}); is it the "
                "right mapping for this file? `moien curriculum import --dry-run` lists the file's classes",
                field="item.class",
            )
            self.errs.raise_if_any()
        return nodes

    def _index_items(self, nodes: list[Any]) -> None:
        """Every item's identifier, known before links are read (by node, by identifier and by IRI)."""
        for node in nodes:
            iid = self.n.ident(node, self.m.item.get("id"))
            if iid is None:
                iid = stable_id("rdf", self.path.name, str(node))
            self.id_of_node[node] = iid
            self.ident_to_id[iid] = iid
            if isinstance(node, self.n.URIRef):
                self.ident_to_id[str(node)] = iid

    def _code(self, node: Any) -> str:
        """``item.code``: the first value of its paths, else (and by default) the last segment of the IRI."""
        code = None if self.m.code_from_iri else self.n.first(node, self.m.code_paths)
        return _one_line(code or self.n.local_name(node))

    def _item(self, node: Any) -> None:
        """One item node into its framework's items (an error if it has no statement)."""
        m, n = self.m, self.n
        where = n.name(node)
        lang = n.first(node, m.item.get("language")) or m.language
        statements = n.lang_texts(node, m.item.get("statement"), lang)
        if not statements:
            props = ", ".join(n.short(p) for p in m.item.get("statement") or [])
            self.errs.error(f"item {where} has no statement (looked in {props})", field="item.statement")
            return
        original = statements.get(lang) or next(iter(statements.values()))
        code = self._code(node)
        self.codes.setdefault(code, []).append(where)
        fw_nodes = n.values(node, m.item.get("framework"))
        fid = next((self.fw_of_node[f] for f in fw_nodes if f in self.fw_of_node), None) or self.default_id
        levels, raw_levels = self._item_levels(node)
        item_type = self._mapped(node, "type")
        self.items_by_fw.setdefault(fid, []).append(
            ItemRecord(
                id=self.id_of_node[node],
                code=code,
                statement=original,
                language=lang,
                uri=str(node) if isinstance(node, n.URIRef) else None,
                type=item_type[0] if item_type else None,
                statements={k: v for k, v in statements.items() if k in LANGS},
                labels={k: v for k, v in n.lang_texts(node, m.item.get("label"), lang).items() if k in LANGS},
                notes=n.first(node, m.item.get("notes")),
                keywords=[n.text(v) for v in n.values(node, m.item.get("keywords"))],
                subjects=list(dict.fromkeys(self._definitions(node, "subject", self.subjects))),
                levels=list(dict.fromkeys(levels)),
                levels_raw=raw_levels,
                topics=list(dict.fromkeys(self._definitions(node, "topics", self.topics))),
                where=where,
            )
        )

    def _spec_values(self, node: Any, key: str) -> list[tuple[Any, list[str] | None]]:
        """An item's values for a mapped field, each with its codes from the value map (None: not in the map)."""
        spec = self.m.values.get(key)
        if spec is None:
            return []
        if spec.const is not None:
            return [(self.n.Literal(spec.const), None)]
        out = []
        for v in self.n.values(node, spec.paths):
            hit = next((spec.value_map[k] for k in map(_fold, self.n.candidates(v)) if k in spec.value_map), None)
            out.append((v, hit))
        return out

    def _mapped(self, node: Any, key: str) -> list[str]:
        """Codes of a mapped field: the map's where it has the value; values it lacks as text (none if some hit)."""
        values = self._spec_values(node, key)
        hits = [c for _, codes in values if codes for c in codes]
        if hits or any(codes is not None for _, codes in values):
            return hits
        return [self.n.text(v) for v, _ in values]

    def _item_levels(self, node: Any) -> tuple[list[str], list[str]]:
        """Luxembourg level codes of an item, and its level values as written where they differ."""
        levels: list[str] = []
        raw_levels: list[str] = []
        for v, codes in self._spec_values(node, "level"):
            t = self.n.text(v)
            found: tuple[str, ...] = tuple(codes) if codes is not None else level_codes(t)
            if not found and not isinstance(v, self.n.Literal):
                found = level_codes(self.n.local_name(v).replace("-", " ").replace("_", " "))
            if not found:
                self.notes[
                    f"level {t!r} is not a Luxembourg level nor a known grade; kept as text "
                    "(add it under item.level.map)"
                ] += 1
            levels.extend(found)
            if found != (t,):
                raw_levels.append(t)
        return levels, raw_levels

    def _definitions(self, node: Any, key: str, defs: dict[str, Definition]) -> list[str]:
        """The item's subject or topic codes; a new one becomes a definition (names from the mapping's labels)."""
        n = self.n
        out = []
        for v, codes in self._spec_values(node, key):
            for code in codes if codes is not None else [n.text(v)]:
                out.append(code)
                if code not in defs or (not defs[code].names and not isinstance(v, n.Literal)):
                    names = n.lang_texts(v, self.m.labels, self.m.language) if not isinstance(v, n.Literal) else {}
                    defs[code] = Definition(
                        code,
                        {k: _one_line(x) for k, x in names.items() if k in LANGS},
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

    def _sequence(self, node: Any, paths: list[Any]) -> int | None:
        txt = self.n.first(node, paths) if paths and node is not None else None
        return int(txt) if txt and txt.lstrip("-").isdigit() else None

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

    def _path_links(self, spec: AssocSpec) -> None:
        """Links along item → item paths (``relations:``, ``associations: - path:``); none to a framework node."""
        n = self.n
        node_of = {iid: node for node, iid in self.id_of_node.items()}
        atype = str(spec.type_const)
        for s, o in self._pairs(spec.paths):
            if o in self.fw_of_node or isinstance(o, n.Literal) or o == s:
                continue
            origin, dest = self.id_of_node[s], self._resolve(o)
            if dest is None:
                continue
            if spec.inverse:
                origin, dest = dest, origin
            seq = self._sequence(node_of.get(origin), spec.sequence)
            self._add(atype, origin, dest, seq, f"{n.name(s)} {spec.where}")

    def _pairs(self, paths: list[Any]) -> Iterable[tuple[Any, Any]]:
        """(item node, value) along each path: one index scan for a plain property, a walk per item for a path."""
        for p in paths:
            if isinstance(p, self.n.URIRef):
                yield from ((s, o) for s, o in self.n.g.subject_objects(p) if s in self.id_of_node)
            else:
                for s in list(self.id_of_node):
                    yield from ((s, o) for o in self.n.g.objects(s, p))

    def _association_nodes(self, spec: AssocSpec) -> None:
        """Links given as nodes of their own (CASE CFAssociation, an ontology's inclusion nodes)."""
        n = self.n
        for node in n.select(spec.select):
            self.link_nodes.add(node)
            where = n.name(node)
            atype = spec.type_const or n.first(node, spec.type_paths)
            if atype not in ASSOCIATION_TYPES and not (atype or "").startswith("ext:"):
                self.errs.error(
                    f"association {where}: {atype!r} is not a CASE association type", field=f"{spec.where}.type"
                )
                continue
            o_vals, d_vals = n.values(node, spec.origin), n.values(node, spec.destination)
            if not o_vals or not d_vals:
                self.errs.error(f"association {where} has no origin or destination", field=f"{spec.where}.origin")
                continue
            origin, dest = self._resolve(o_vals[0]), self._resolve(d_vals[0])
            if origin is None or dest is None:
                self.errs.error(
                    f"association {where}: cannot resolve its origin or destination", field=f"{spec.where}.origin"
                )
                continue
            if dest in self.frameworks or o_vals[0] in self.fw_of_node or d_vals[0] in self.fw_of_node:
                continue  # isChildOf the document: a top-level item
            aid = (
                n.ident(node, spec.id_paths)
                if spec.id_paths is not None
                else (str(node) if isinstance(node, n.URIRef) else None)
            )
            self._add(str(atype), origin, dest, self._sequence(node, spec.sequence), where, aid)

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
        )
        inherit_from_parents(pkg)
        return pkg

    # -- what the mapping reaches (--dry-run) --------------------------------------------------------
    def survey(self, files: list[Path], properties: bool = True) -> RdfSurvey:
        """Counts per mapped class; classes with nodes no section selects; properties of selected nodes no key reads."""
        m, n, g = self.m, self.n, self.n.g
        out = RdfSurvey([str(f) for f in files], len(g))
        sections = (("framework", m.framework), ("item", m.item)) + tuple(
            (s.where, s.select) for s in m.associations if s.select
        )
        for role, spec in sections:
            for cls in spec.get("class") or []:
                out.mapped[f"{role} {n.short(cls)}"] = sum(1 for _ in g.subjects(n.RDF.type, cls))
        out.mapped["items"] = len(self.id_of_node)
        out.mapped["links"] = sum(len(v) for v in self.assocs.values())
        selected = set(self.fw_of_node) | set(self.id_of_node) | self.link_nodes
        unmapped: dict[Any, list[Any]] = {}
        for s, cls in g.subject_objects(n.RDF.type):
            if s not in selected and cls not in m.ignore_classes:
                unmapped.setdefault(cls, []).append(s)
        for cls, nodes in sorted(unmapped.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
            out.unmapped_classes[n.short(cls)] = (len(nodes), n.name(nodes[0]))
        if not properties:
            return out
        used = m.used_properties | {_NOTATION}
        props: dict[Any, list[Any]] = {}
        for s in selected:
            for p in set(g.predicates(s, None)):
                if str(p) not in used:
                    props.setdefault(p, []).append(s)
        for p, nodes in sorted(props.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
            out.unmapped_properties[n.short(p)] = (len(nodes), n.name(nodes[0]))
        return out


def _links_first(packages: list[Package]) -> list[Package]:
    """Packages ordered so a framework comes before those linking into it (a link's both ends exist when written)."""
    owner = {it.id: i for i, p in enumerate(packages) for it in p.items}
    needs = {
        i: {owner[a.destination] for a in p.associations if owner.get(a.destination, i) != i}
        for i, p in enumerate(packages)
    }
    order: list[int] = []
    state: dict[int, int] = {}

    def visit(i: int) -> None:
        if state.get(i):
            return  # done, or on the current path (a cycle: broken here; the import reports it if incomplete)
        state[i] = 1
        for j in sorted(needs[i]):
            visit(j)
        state[i] = 2
        order.append(i)

    for i in range(len(packages)):
        visit(i)
    return [packages[i] for i in order]


@dataclass
class RdfImport:
    """What :func:`import_rdf` did: one report per framework, the mapping's survey, links left unwritten."""

    reports: list[Any]
    survey: RdfSurvey
    missing_links: int = 0

    @property
    def complete(self) -> bool:
        return self.missing_links == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "frameworks": [r.as_dict() for r in self.reports],
            "survey": self.survey.as_dict(),
            "complete": self.complete,
            "missing_links": self.missing_links,
        }


def import_rdf(
    graph: Any,
    sources: str | Path | Iterable[str | Path],
    mapping: str | Path | None = None,
    *,
    dry_run: bool = False,
    progress: Any = None,
) -> RdfImport:
    """Import RDF files or folders as ONE graph, all-or-nothing; ``dry_run`` surveys and diffs, writes nothing.

    Without ``dry_run`` a class the mapping neither maps nor ignores is an error (nothing written). After the
    write, every link of the import between items of the import is checked to be in the graph: an import is
    complete, or says how many links are missing — never silently partial.
    """
    from moien.curriculum_graph.importers.writer import write_packages

    packages, survey = read_rdf(sources, mapping, properties=dry_run)
    files = [Path(f) for f in survey.files]
    label = files[0] if len(files) == 1 else Path(sources) if isinstance(sources, (str, Path)) else files[0].parent
    if not dry_run:
        check_complete(survey, load_mapping(mapping).path, label)
    reports = write_packages(
        graph, packages, source=label, file_sha256=sources_sha256(files), progress=progress, dry_run=dry_run
    )
    done = RdfImport(reports, survey)
    if not dry_run:
        done.missing_links = _missing_links(graph, packages)
        if done.missing_links and reports:
            reports[0].warnings.insert(
                0,
                f"INCOMPLETE: {done.missing_links} official link(s) between items of this import are not in the "
                "graph; import the same files again to add them",
            )
    return done


def _missing_links(graph: Any, packages: list[Package]) -> int:
    """Links whose both ends are items of this import but that the graph does not hold (by id and framework)."""
    ids = {it.id for p in packages for it in p.items}
    missing = 0
    for p in packages:
        wanted = {a.id: a.origin for a in p.associations if a.origin in ids and a.destination in ids}
        if not wanted:
            continue
        rows = graph.read(  # from each link's origin (Item.id is indexed): no scan of every relationship
            "UNWIND $rows AS x MATCH (:Item {id: x[1]})-[r]->(:Item) WHERE r.id = x[0] AND r.framework = $fid "
            "RETURN count(DISTINCT r.id) AS n",
            rows=[[rid, origin] for rid, origin in wanted.items()],
            fid=p.framework.id,
        )
        missing += len(wanted) - int(rows[0]["n"])
    return missing
