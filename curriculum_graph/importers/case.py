"""1EdTech CASE 1.1 JSON packages (``GET /ims/case/v1p1/CFPackages/{id}`` or a file).

Reads ``CFDocument``, ``CFItems``, ``CFAssociations`` and ``CFDefinitions`` (``CFItemTypes``,
``CFSubjects``, ``CFConcepts``); ``educationLevel`` values are mapped onto Luxembourg levels
(:mod:`moien.curriculum_graph.levels`). Every field is checked before anything is written; an error names the
file, the line and the field (``CFItems[3].fullStatement``).

Multilingual statements. CASE has one ``fullStatement`` per item (in the item's ``language``). moien
reads translations from the item's CASE 1.1 ``extensions``::

    "extensions": {"moien": {"fullStatement": {"de": "…", "en": "…", "lb": "…"},
                             "abbreviatedStatement": {"fr": "…"}, "transversalTopics": ["citizenship"]}}

Transversal topics are ``CFConcepts`` (``hierarchyCode`` = topic code) that items name in
``conceptKeywords`` or ``conceptKeywordsURI``; subjects are ``CFSubjects`` (``hierarchyCode`` = subject
code) named by the item's ``subjectURI`` or ``subject``. Both may carry ``extensions.moien.title``
(names in fr/de/en/lb).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from moien.curriculum_graph.levels import resolve_level
from moien.curriculum_graph.model import (
    AssociationRecord,
    Definition,
    ErrorCollector,
    FrameworkRecord,
    ItemRecord,
    Package,
    inherit_from_parents,
)
from moien.curriculum_graph.schema import ASSOCIATION_TYPES
from moien.lang import LANGS

EXT = "moien"
#: Association types whose links must not loop (a tree and an order).
CYCLE_CHECKED = ("isChildOf", "precedes")


class _Locator:
    """Finds the line of an object in the JSON text by its identifier (json gives no positions).

    Every lookup used to search the whole text from its start and count the newlines before the hit, so a
    file with many problems took quadratic time (50,000 items without a statement: minutes). The text is
    now indexed once — the first position of every JSON string and the start of every line — and each
    lookup costs a dictionary access, a binary search and a short scan inside one object.
    """

    _STRING = re.compile(r'"(?:[^"\\]|\\.)*"')

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts: list[int] | None = None
        self._first: dict[str, int] | None = None

    def _find(self, token: str) -> int:
        if self._first is None:
            first: dict[str, int] = {}
            for m in self._STRING.finditer(self.text):
                first.setdefault(m.group(0), m.start())
            self._first = first
        return self._first.get(token, -1)

    def _line(self, pos: int) -> int:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self._line_starts, pos)

    def line_of(self, needle: str | None, key: str | None = None) -> int | None:
        """The line of ``key`` inside the object whose identifier is ``needle`` (else of the identifier)."""
        if not needle:
            return None
        pos = self._find(json.dumps(needle))
        if pos < 0:
            return None
        if key:
            start = self.text.rfind("{", 0, pos)
            nxt = self.text.find('"identifier"', pos + len(needle) + 2)
            end = nxt if nxt >= 0 else len(self.text)
            kpos = self.text.find(json.dumps(key), start if start >= 0 else pos, end)
            if kpos >= 0:
                pos = kpos
        return self._line(pos)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or text


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value[:10])
        return True
    except ValueError:
        return False


class _Checker:
    def __init__(self, errs: ErrorCollector, loc: _Locator) -> None:
        self.errs = errs
        self.loc = loc

    def err(self, path: str, message: str, anchor: str | None = None) -> None:
        key = path.rsplit(".", 1)[-1].split("[")[0] if "." in path else None
        self.errs.error(message, line=self.loc.line_of(anchor, key), field=path)

    def string(
        self, obj: dict[str, Any], key: str, path: str, anchor: str | None, *, required: bool = False
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.err(f"{path}.{key}", "is missing (required by CASE 1.1)", anchor)
            return None
        if not isinstance(value, str):
            self.err(f"{path}.{key}", f"must be a string, not {type(value).__name__} {json.dumps(value)[:40]}", anchor)
            return None
        if required and not value.strip():
            self.err(f"{path}.{key}", "is empty", anchor)
            return None
        return value.strip()

    def strings(self, obj: dict[str, Any], key: str, path: str, anchor: str | None) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if isinstance(value, str):  # tolerated: a single value where CASE wants a list
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(f"{path}.{key}", "must be a list of strings", anchor)
            return []
        return [v.strip() for v in value if v.strip()]

    def link(
        self, obj: dict[str, Any], key: str, path: str, anchor: str | None, *, required: bool = False
    ) -> dict[str, Any] | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.err(f"{path}.{key}", "is missing (required by CASE 1.1)", anchor)
            return None
        if not isinstance(value, dict):
            self.err(f"{path}.{key}", "must be a link object {title, identifier, uri}", anchor)
            return None
        ident, uri = value.get("identifier"), value.get("uri")
        if not isinstance(ident, str) or not ident.strip():
            if isinstance(uri, str) and uri.strip():
                return {"identifier": None, "uri": uri.strip(), "title": value.get("title")}
            self.err(f"{path}.{key}.identifier", "is missing or not a string", anchor)
            return None
        return {
            "identifier": ident.strip(),
            "uri": uri.strip() if isinstance(uri, str) else None,
            "title": value.get("title"),
        }

    def links(self, obj: dict[str, Any], key: str, path: str, anchor: str | None) -> list[dict[str, Any]]:
        value = obj.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.err(f"{path}.{key}", "must be a list of link objects", anchor)
            return []
        out = []
        for n, v in enumerate(value):
            got = self.link({"v": v}, "v", f"{path}.{key}[{n}]", anchor)
            if got:
                out.append(got)
        return out

    def when(
        self, obj: dict[str, Any], key: str, path: str, anchor: str | None, *, datetime_: bool = True
    ) -> str | None:
        value = self.string(obj, key, path, anchor)
        if value and not (_is_datetime(value) if datetime_ else _is_date(value)):
            self.err(f"{path}.{key}", f"{value!r} is not an ISO 8601 {'date-time' if datetime_ else 'date'}", anchor)
            return None
        return value

    def lang_map(self, obj: Any, path: str, anchor: str | None) -> dict[str, str]:
        if obj is None:
            return {}
        if not isinstance(obj, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in obj.items()):
            self.err(path, 'must be an object of language → text, e.g. {"de": "…"}', anchor)
            return {}
        return {k.lower(): v.strip() for k, v in obj.items() if v.strip()}  # checked above: str → str


def _ext(obj: dict[str, Any]) -> dict[str, Any]:
    ext = obj.get("extensions")
    mine = ext.get(EXT) if isinstance(ext, dict) else None
    return {str(k): v for k, v in mine.items()} if isinstance(mine, dict) else {}


def parse_case(path: str | Path) -> Package:
    """Parse and validate a CASE 1.1 CFPackage JSON file."""
    path = Path(path)
    errs = ErrorCollector(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        errs.error(f"cannot read the file as UTF-8 text: {exc}")
        errs.raise_if_any()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        errs.error(f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
        errs.raise_if_any()
    return parse_case_data(data, path, text=text)


def parse_case_data(data: Any, path: str | Path, *, text: str = "") -> Package:
    """Validate a CASE package already read as JSON (``text``, the file's text, lets errors name lines)."""
    return _CaseReader(path, text).read(data)


#: What a definitions reader returns: definitions by code, and code by identifier, code, title (and keywords).
_Definitions = tuple[dict[str, Definition], dict[str, str]]


class _CaseReader:
    """One CASE package read into a :class:`Package`, step by step; every problem goes to one collector.

    The steps run in the file's order (document, definitions, items, associations) so that problems are
    reported in the order a person reading the file meets them.
    """

    def __init__(self, path: str | Path, text: str) -> None:
        self.path = path
        self.errs = ErrorCollector(path)
        self.chk = _Checker(self.errs, _Locator(text))
        self.doc: dict[str, Any] = {}
        self.defs: dict[str, Any] = {}
        self.item_types: dict[str, str] = {}
        self.subjects: dict[str, Definition] = {}
        self.subject_by_key: dict[str, str] = {}
        self.topics: dict[str, Definition] = {}
        self.topic_by_key: dict[str, str] = {}
        self.doc_lang: str | None = None
        self.uri_to_id: dict[str, str] = {}

    def read(self, data: Any) -> Package:
        """Every step, then the package (raises :class:`CurriculumImportError` listing every problem found)."""
        data = self._check_shape(data)
        doc_id, title, doc_uri = self._check_document(data)
        self.item_types = self._item_types()
        self.subjects, self.subject_by_key = self._definitions("CFSubjects", lambda title: title)
        self.topics, self.topic_by_key = self._definitions("CFConcepts", _slug)
        fw = self._framework(doc_id, title, doc_uri)
        items = self._items(data.get("CFItems") or [])
        if not data.get("CFItems"):
            self.errs.warn("the package has no CFItems")
        assocs = self._associations(data.get("CFAssociations") or [], {k for k in (doc_id, doc_uri) if k})
        self._check_cycles(assocs)
        self.errs.raise_if_any()
        for it in items:
            for s in it.subjects:
                self.subjects.setdefault(s, Definition(s))
        fw.languages = sorted({lang for it in items for lang in it.statements})
        pkg = Package(
            fw,
            items,
            assocs,
            self.subjects,
            self.topics,
            source=str(self.path),
            source_format="case",
            warnings=self.errs.warnings,
        )
        inherit_from_parents(pkg)
        return pkg

    # -- document ------------------------------------------------------------------------------------
    def _check_shape(self, data: Any) -> dict[str, Any]:
        """The package object (unwrapped from ``{"CFPackage": …}``); stops at once if it has no CFDocument."""
        if isinstance(data, dict) and "CFPackage" in data and "CFDocument" not in data:
            data = data["CFPackage"]
        if not isinstance(data, dict) or not isinstance(data.get("CFDocument"), dict):
            self.errs.error(
                "a CASE package is a JSON object with a CFDocument object, CFItems and CFAssociations",
                field="CFDocument",
            )
            self.errs.raise_if_any()
        package: dict[str, Any] = data
        return package

    def _check_document(self, data: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
        """The document's identifier, title and URI, and the top-level lists' types; stops on any error."""
        errs, chk = self.errs, self.chk
        self.doc = doc = data["CFDocument"]
        doc_id = chk.string(doc, "identifier", "CFDocument", None, required=True)
        title = chk.string(doc, "title", "CFDocument", doc_id, required=True)
        doc_uri = chk.string(doc, "uri", "CFDocument", doc_id)
        if doc_uri is None and "uri" not in doc:
            errs.warn("CFDocument.uri is missing (CASE 1.1 requires it)")
        for key in ("CFItems", "CFAssociations"):
            if key in data and not isinstance(data[key], list):
                errs.error("must be a list", field=key)
        defs = data.get("CFDefinitions") or {}
        if not isinstance(defs, dict):
            errs.error("must be an object", field="CFDefinitions")
            defs = {}
        self.defs = defs
        errs.raise_if_any()
        return doc_id, title, doc_uri

    def _framework(self, doc_id: str | None, title: str | None, doc_uri: str | None) -> FrameworkRecord:
        """The CFDocument as a framework: metadata, subjects, titles in the four languages."""
        chk, doc, anchor = self.chk, self.doc, doc_id
        self.doc_lang = doc_lang = (chk.string(doc, "language", "CFDocument", anchor) or "").lower() or None
        doc_subjects = [
            self.subject_by_key.get(s.lower(), s) for s in chk.strings(doc, "subject", "CFDocument", anchor)
        ]
        for link in chk.links(doc, "subjectURI", "CFDocument", anchor):
            if link["identifier"] in self.subject_by_key:
                doc_subjects.append(self.subject_by_key[link["identifier"]])
        fw = FrameworkRecord(
            id=doc_id or "",
            title=title or "",
            uri=doc_uri,
            titles=chk.lang_map(_ext(doc).get("title"), f"CFDocument.extensions.{EXT}.title", anchor),
            publisher=chk.string(doc, "publisher", "CFDocument", anchor),
            creator=chk.string(doc, "creator", "CFDocument", anchor),
            version=chk.string(doc, "version", "CFDocument", anchor),
            language=doc_lang,
            description=chk.string(doc, "description", "CFDocument", anchor),
            adoption_status=chk.string(doc, "adoptionStatus", "CFDocument", anchor),
            status_start=chk.when(doc, "statusStartDate", "CFDocument", anchor, datetime_=False),
            status_end=chk.when(doc, "statusEndDate", "CFDocument", anchor, datetime_=False),
            official_source_url=chk.string(doc, "officialSourceURL", "CFDocument", anchor),
            last_change=chk.when(doc, "lastChangeDateTime", "CFDocument", anchor),
            subjects=list(dict.fromkeys(doc_subjects)),
        )
        if doc_lang in LANGS and title:
            fw.titles.setdefault(doc_lang, title)
        fw.titles = {k: v for k, v in fw.titles.items() if k in LANGS}
        return fw

    # -- definitions ---------------------------------------------------------------------------------
    def _definition_list(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        """``CFDefinitions[key]``, numbered; an error (and nothing) if it is not a list of objects."""
        value = self.defs.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.errs.error("must be a list of objects", field=f"CFDefinitions.{key}")
            return []
        return list(enumerate(value))

    def _item_types(self) -> dict[str, str]:
        """CFItemTypes: title by identifier (items may name their type by link only)."""
        item_types: dict[str, str] = {}
        for n, t in self._definition_list("CFItemTypes"):
            p = f"CFDefinitions.CFItemTypes[{n}]"
            ident = self.chk.string(t, "identifier", p, None, required=True)
            ttitle = self.chk.string(t, "title", p, ident, required=True)
            if ident and ttitle:
                item_types[ident] = ttitle
        return item_types

    def _definitions(self, kind: str, default_code: Callable[[str], str]) -> _Definitions:
        """CFSubjects or CFConcepts: definitions by code, and code by identifier, code, title (and keywords)."""
        chk = self.chk
        defs: dict[str, Definition] = {}
        by_key: dict[str, str] = {}
        for n, d in self._definition_list(kind):
            p = f"CFDefinitions.{kind}[{n}]"
            ident = chk.string(d, "identifier", p, None, required=True)
            title = chk.string(d, "title", p, ident, required=True)
            if not (ident and title):
                continue
            code = chk.string(d, "hierarchyCode", p, ident) or default_code(title)
            names = chk.lang_map(_ext(d).get("title"), f"{p}.extensions.{EXT}.title", ident)
            names.setdefault((self.doc.get("language") or "fr").lower()[:2], title)
            defs[code] = Definition(
                code,
                {k: v for k, v in names.items() if k in LANGS},
                uri=chk.string(d, "uri", p, ident),
                identifier=ident,
            )
            keys = [ident, code.lower(), title.lower()]
            kw = d.get("keywords")
            if isinstance(kw, str):
                keys += [k.strip().lower() for k in kw.split("|") if k.strip()]
            for key in keys:
                by_key[key] = code
        return defs, by_key

    # -- items ---------------------------------------------------------------------------------------
    def _items(self, raw_items: list[Any]) -> list[ItemRecord]:
        """Every CFItem that is valid enough to keep; identifiers must be unique, codes should be."""
        items: list[ItemRecord] = []
        seen_ids: dict[str, str] = {}
        seen_codes: dict[str, str] = {}
        for n, raw in enumerate(raw_items):
            p = f"CFItems[{n}]"
            if not isinstance(raw, dict):
                self.errs.error("must be an object", field=p)
                continue
            ident = self.chk.string(raw, "identifier", p, None, required=True)
            statement = self.chk.string(raw, "fullStatement", p, ident, required=True)
            if ident is None:
                continue
            if ident in seen_ids:
                self.chk.err(f"{p}.identifier", f"{ident!r} is used twice (also {seen_ids[ident]})", ident)
                continue
            seen_ids[ident] = p
            code = self.chk.string(raw, "humanCodingScheme", p, ident) or ident
            if code in seen_codes:
                self.errs.warn(f"{p}: humanCodingScheme {code!r} is also used by {seen_codes[code]}")
            seen_codes.setdefault(code, p)
            item = self._item(raw, p, ident, code, statement)
            if item is not None:
                items.append(item)
        return items

    def _item(self, raw: dict[str, Any], p: str, ident: str, code: str, statement: str | None) -> ItemRecord | None:
        """One CFItem (its identifier and code already checked); None when it has no statement."""
        chk, anchor = self.chk, ident
        lang = (chk.string(raw, "language", p, anchor) or self.doc_lang or "").lower() or None
        ext = _ext(raw)
        statements, labels = self._item_texts(raw, ext, p, anchor, lang, statement)
        alt = chk.string(raw, "alternativeLabel", p, anchor)
        itype = self._item_type(raw, p, anchor)
        item_subjects = self._item_subjects(raw, p, anchor)
        levels, levels_raw = self._item_levels(raw, p, anchor)
        item_topics, keywords = self._item_topics(raw, ext, p, anchor)
        notes = chk.string(raw, "notes", p, anchor)
        if alt:
            notes = f"{notes}\n{alt}" if notes else alt
        uri = chk.string(raw, "uri", p, anchor)
        if uri:
            self.uri_to_id[uri] = ident
        if statement is None:
            return None
        return ItemRecord(
            id=ident,
            code=code,
            statement=statement,
            language=lang,
            uri=uri,
            type=itype,
            statements={k: v for k, v in statements.items() if k in LANGS},
            labels={k: v for k, v in labels.items() if k in LANGS},
            notes=notes,
            keywords=keywords,
            subjects=list(dict.fromkeys(item_subjects)),
            levels=list(dict.fromkeys(levels)),
            levels_raw=levels_raw,
            topics=list(dict.fromkeys(item_topics)),
            list_enum=chk.string(raw, "listEnumeration", p, anchor),
            status_start=chk.when(raw, "statusStartDate", p, anchor, datetime_=False),
            status_end=chk.when(raw, "statusEndDate", p, anchor, datetime_=False),
            last_change=chk.when(raw, "lastChangeDateTime", p, anchor),
            where=p,
        )

    def _item_texts(
        self, raw: dict[str, Any], ext: dict[str, Any], p: str, anchor: str, lang: str | None, statement: str | None
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Statements and short labels by language: the CASE fields plus the translations in ``extensions.moien``."""
        chk = self.chk
        statements = chk.lang_map(ext.get("fullStatement"), f"{p}.extensions.{EXT}.fullStatement", anchor)
        if lang and statement:
            statements[lang[:2] if lang[:2] in LANGS else lang] = statement
        labels = chk.lang_map(ext.get("abbreviatedStatement"), f"{p}.extensions.{EXT}.abbreviatedStatement", anchor)
        abbreviated = chk.string(raw, "abbreviatedStatement", p, anchor)
        if abbreviated and lang:
            labels.setdefault(lang[:2], abbreviated)
        return statements, labels

    def _item_type(self, raw: dict[str, Any], p: str, anchor: str) -> str | None:
        """CFItemType, else the title of the type CFItemTypeURI links to."""
        itype = self.chk.string(raw, "CFItemType", p, anchor)
        type_link = self.chk.link(raw, "CFItemTypeURI", p, anchor)
        if not itype and type_link:
            itype = self.item_types.get(type_link["identifier"] or "") or type_link.get("title")
        return itype

    def _item_subjects(self, raw: dict[str, Any], p: str, anchor: str) -> list[str]:
        """Subject codes from subjectURI links and subject names (a CFSubject's code where one matches)."""
        out = []
        for link in self.chk.links(raw, "subjectURI", p, anchor):
            out.append(self.subject_by_key.get(link["identifier"] or "", link.get("title") or link["identifier"]))
        for s in self.chk.strings(raw, "subject", p, anchor):
            out.append(self.subject_by_key.get(s.lower(), s))
        return out

    def _item_levels(self, raw: dict[str, Any], p: str, anchor: str) -> tuple[list[str], list[str]]:
        """Luxembourg level codes for educationLevel, and the values as written where they differ."""
        levels: list[str] = []
        levels_raw: list[str] = []
        for value in self.chk.strings(raw, "educationLevel", p, anchor):
            found = resolve_level(value)
            if not found:
                self.errs.warn(
                    f"{p}.educationLevel: {value!r} is not a Luxembourg level nor a known grade; kept as text"
                )
            levels.extend(found)
            if found != (value,):
                levels_raw.append(value)
        return levels, levels_raw

    def _item_topics(
        self, raw: dict[str, Any], ext: dict[str, Any], p: str, anchor: str
    ) -> tuple[list[str], list[str]]:
        """Transversal topics (CFConcepts named by keyword or link, ``extensions.moien``) and the other keywords."""
        chk, topic_by_key = self.chk, self.topic_by_key
        item_topics: list[str] = []
        keywords: list[str] = []
        for kw in chk.strings(raw, "conceptKeywords", p, anchor):
            (item_topics if kw.lower() in topic_by_key else keywords).append(topic_by_key.get(kw.lower(), kw))
        ck = chk.link(raw, "conceptKeywordsURI", p, anchor)
        if ck and ck["identifier"] in topic_by_key:
            item_topics.append(topic_by_key[ck["identifier"]])
        extra_topics = ext.get("transversalTopics") or []
        if not isinstance(extra_topics, list) or not all(isinstance(t, str) for t in extra_topics):
            chk.err(f"{p}.extensions.{EXT}.transversalTopics", "must be a list of topic codes", anchor)
            extra_topics = []
        for t in extra_topics:
            code = topic_by_key.get(t.lower(), t)
            item_topics.append(code)
            self.topics.setdefault(code, Definition(code))
        return item_topics, keywords

    # -- associations --------------------------------------------------------------------------------
    def _associations(self, raw_assocs: list[Any], doc_keys: set[str]) -> list[AssociationRecord]:
        """Every valid CFAssociation; links to the CFDocument itself (top-level items) are left out."""
        assocs: list[AssociationRecord] = []
        seen: set[str] = set()
        for n, raw in enumerate(raw_assocs):
            p = f"CFAssociations[{n}]"
            if not isinstance(raw, dict):
                self.errs.error("must be an object", field=p)
                continue
            assoc = self._association(raw, p, seen, doc_keys)
            if assoc is not None:
                assocs.append(assoc)
        return assocs

    def _check_cycles(self, assocs: list[AssociationRecord]) -> None:
        """Report every cycle of ``isChildOf`` or ``precedes`` links, naming its items.

        A cycle would be shown as an endless progression (or a parent that is its own descendant); it is
        an error in the file, so it is refused with the items to fix rather than imported silently.
        Iterative depth-first search: linear in the links, and no recursion limit on deep trees.
        """
        for atype in CYCLE_CHECKED:
            edges: dict[str, list[tuple[str, str]]] = {}
            for a in assocs:
                if a.type == atype:
                    edges.setdefault(a.origin, []).append((a.destination, a.where))
            state: dict[str, int] = {}  # 1: on the current path, 2: done
            for root in edges:
                if state.get(root):
                    continue
                path: list[str] = [root]
                stack: list[Iterator[tuple[str, str]]] = [iter(edges.get(root, []))]
                state[root] = 1
                while stack:
                    nxt = next(stack[-1], None)
                    if nxt is None:
                        stack.pop()
                        state[path.pop()] = 2
                        continue
                    node, where = nxt
                    seen = state.get(node)
                    if seen == 1:
                        cycle = path[path.index(node) :] + [node]
                        self.errs.error(
                            f"{atype} links form a cycle: {' → '.join(cycle)}; remove or reverse one of these "
                            "associations",
                            field=where,
                        )
                    elif seen is None:
                        state[node] = 1
                        path.append(node)
                        stack.append(iter(edges.get(node, [])))

    def _association_type(self, raw: dict[str, Any], p: str, anchor: str | None) -> str | None:
        """The associationType, if it is a CASE type or an ``ext:`` extension."""
        atype = self.chk.string(raw, "associationType", p, anchor, required=True)
        if atype and atype not in ASSOCIATION_TYPES and not atype.startswith("ext:"):
            self.chk.err(
                f"{p}.associationType",
                f"{atype!r} is not a CASE association type ({', '.join(ASSOCIATION_TYPES)}, or ext:… for an extension)",
                anchor,
            )
            return None
        return atype

    def _association(self, raw: dict[str, Any], p: str, seen: set[str], doc_keys: set[str]) -> AssociationRecord | None:
        """One CFAssociation, its ends resolved to item identifiers; None when invalid or to the document."""
        chk = self.chk
        ident = chk.string(raw, "identifier", p, None, required=True)
        anchor = ident
        atype = self._association_type(raw, p, anchor)
        origin = chk.link(raw, "originNodeURI", p, anchor, required=True)
        dest = chk.link(raw, "destinationNodeURI", p, anchor, required=True)
        seq = raw.get("sequenceNumber")
        if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool)):
            chk.err(f"{p}.sequenceNumber", "must be an integer", anchor)
            seq = None
        if not (ident and atype and origin and dest):
            return None
        if ident in seen:
            chk.err(f"{p}.identifier", f"{ident!r} is used by two associations", anchor)
            return None
        seen.add(ident)
        o = origin["identifier"] or self.uri_to_id.get(origin["uri"] or "", origin["uri"])
        d = dest["identifier"] or self.uri_to_id.get(dest["uri"] or "", dest["uri"])
        if o in doc_keys:
            chk.err(f"{p}.originNodeURI", "is the CFDocument; only an item can be the origin of an association", anchor)
            return None
        if d in doc_keys or (dest["uri"] and dest["uri"] in doc_keys):
            return None  # "top-level item": the tree's roots are the items without a parent
        return AssociationRecord(
            ident,
            atype,
            o,
            d,
            seq,
            origin_uri=origin["uri"],
            destination_uri=dest["uri"],
            notes=chk.string(raw, "notes", p, anchor),
            where=p,
        )


# ------------------------------------------------------------------------------------------------ export
CASE_CONTEXT_URL = "https://purl.imsglobal.org/spec/case/v1p0/context/imscasev1p0_context_v1p0.jsonld"


def to_case(
    pkg: Package, *, base_uri: str = "urn:moien:case:", last_change: str = "2026-01-01T00:00:00+00:00"
) -> dict[str, Any]:
    """A CASE 1.1 CFPackage (dict) for a package; translations go into ``extensions.moien``."""
    fw = pkg.framework

    def uri(kind: str, ident: str) -> str:
        return f"{base_uri}{kind}/{ident}"

    from moien.curriculum_graph.model import stable_id

    doc_lang = fw.language or "fr"
    subj = dict(pkg.subjects.items())
    subj_ids = {code: d.identifier or stable_id(fw.id, "subject", code) for code, d in subj.items()}
    topic_ids = {code: d.identifier or stable_id(fw.id, "concept", code) for code, d in pkg.topics.items()}
    types = sorted({it.type for it in pkg.items if it.type})
    type_ids = {t: stable_id(fw.id, "itemtype", t) for t in types}
    doc_link = {"title": fw.title, "identifier": fw.id, "uri": fw.uri or uri("CFDocuments", fw.id)}
    items = []
    titles_of = {}
    for it in pkg.items:
        lang = it.language or doc_lang
        others = {k: v for k, v in it.statements.items() if k != lang}
        entry: dict[str, Any] = {
            "identifier": it.id,
            "uri": it.uri or uri("CFItems", it.id),
            "fullStatement": it.statement,
            "humanCodingScheme": it.code,
            "CFItemType": it.type,
            "CFItemTypeURI": {
                "title": it.type,
                "identifier": type_ids[it.type],
                "uri": uri("CFItemTypes", type_ids[it.type]),
            }
            if it.type
            else None,
            "language": lang,
            "educationLevel": it.levels + [r for r in it.levels_raw if r not in it.levels] or None,
            "subject": [subj[s].names.get(doc_lang, s) if s in subj else s for s in it.subjects] or None,
            "subjectURI": [
                {
                    "title": subj[s].names.get(doc_lang, s),
                    "identifier": subj_ids[s],
                    "uri": uri("CFSubjects", subj_ids[s]),
                }
                for s in it.subjects
                if s in subj
            ]
            or None,
            "conceptKeywords": list(it.topics) + list(it.keywords) or None,
            "notes": it.notes,
            "listEnumeration": it.list_enum,
            "statusStartDate": it.status_start,
            "statusEndDate": it.status_end,
            "CFDocumentURI": doc_link,
            "lastChangeDateTime": it.last_change or last_change,
        }
        ext: dict[str, Any] = {}
        if others:
            ext["fullStatement"] = dict(sorted(others.items()))
        if it.labels:
            ext["abbreviatedStatement"] = dict(sorted(it.labels.items()))
        if ext:
            entry["extensions"] = {EXT: ext}
        items.append({k: v for k, v in entry.items() if v is not None})
        titles_of[it.id] = it.code
    has_parent = {a.origin for a in pkg.associations if a.type == "isChildOf"}
    assocs = []
    roots = [it for it in pkg.items if it.id not in has_parent]
    for n, it in enumerate(roots, start=1):
        ident = stable_id(fw.id, it.id, "isChildOf", fw.id)
        assocs.append(
            {
                "identifier": ident,
                "uri": uri("CFAssociations", ident),
                "associationType": "isChildOf",
                "sequenceNumber": n,
                "originNodeURI": {"title": it.code, "identifier": it.id, "uri": it.uri or uri("CFItems", it.id)},
                "destinationNodeURI": doc_link,
                "CFDocumentURI": doc_link,
                "lastChangeDateTime": last_change,
            }
        )
    for a in pkg.associations:
        entry = {
            "identifier": a.id,
            "uri": uri("CFAssociations", a.id),
            "associationType": a.type,
            "sequenceNumber": a.sequence,
            "originNodeURI": {
                "title": titles_of.get(a.origin, a.origin),
                "identifier": a.origin,
                "uri": a.origin_uri or uri("CFItems", a.origin),
            },
            "destinationNodeURI": {
                "title": titles_of.get(a.destination, a.destination),
                "identifier": a.destination,
                "uri": a.destination_uri or uri("CFItems", a.destination),
            },
            "CFDocumentURI": doc_link,
            "lastChangeDateTime": last_change,
        }
        assocs.append({k: v for k, v in entry.items() if v is not None})
    document = {
        "identifier": fw.id,
        "uri": doc_link["uri"],
        "creator": fw.creator or fw.publisher or "unknown",
        "title": fw.title,
        "lastChangeDateTime": fw.last_change or last_change,
        "publisher": fw.publisher,
        "description": fw.description,
        "language": doc_lang,
        "version": fw.version,
        "adoptionStatus": fw.adoption_status,
        "caseVersion": "1.1",
        "subject": [subj[s].names.get(doc_lang, s) for s in fw.subjects if s in subj] or None,
        "subjectURI": [
            {"title": subj[s].names.get(doc_lang, s), "identifier": subj_ids[s], "uri": uri("CFSubjects", subj_ids[s])}
            for s in fw.subjects
            if s in subj
        ]
        or None,
        "officialSourceURL": fw.official_source_url,
        "statusStartDate": fw.status_start,
        "statusEndDate": fw.status_end,
        "extensions": {EXT: {"title": dict(sorted(fw.titles.items()))}} if fw.titles else None,
    }
    definitions = {
        "CFItemTypes": [
            {
                "identifier": type_ids[t],
                "uri": uri("CFItemTypes", type_ids[t]),
                "title": t,
                "description": t,
                "hierarchyCode": t,
                "lastChangeDateTime": last_change,
            }
            for t in types
        ],
        "CFSubjects": [
            {
                "identifier": subj_ids[c],
                "uri": uri("CFSubjects", subj_ids[c]),
                "title": d.names.get(doc_lang, c),
                "hierarchyCode": c,
                "lastChangeDateTime": last_change,
                **({"extensions": {EXT: {"title": dict(sorted(d.names.items()))}}} if d.names else {}),
            }
            for c, d in subj.items()
        ],
        "CFConcepts": [
            {
                "identifier": topic_ids[c],
                "uri": uri("CFConcepts", topic_ids[c]),
                "title": d.names.get(doc_lang, c),
                "keywords": c,
                "hierarchyCode": c,
                "lastChangeDateTime": last_change,
                **({"extensions": {EXT: {"title": dict(sorted(d.names.items()))}}} if d.names else {}),
            }
            for c, d in pkg.topics.items()
        ],
    }
    return {
        "CFDocument": {k: v for k, v in document.items() if v is not None},
        "CFItems": items,
        "CFAssociations": assocs,
        "CFDefinitions": definitions,
    }
