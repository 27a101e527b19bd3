"""moien's CSV template: a curriculum a ministry can fill in with a spreadsheet.

One row per item; the header names the columns (any order; ``,`` ``;`` or tab as separator; UTF-8).
Lines starting with ``#`` *before* the header describe the framework (``# key: value``). The template,
with every column explained, is ``curriculum_graph/templates/curriculum_template.csv``;
``docs/curriculum-model.md`` documents it.

Columns
    code (required)      the human code teachers cite, unique in the file (``MA-C3-02``)
    statement_fr/_de/_en/_lb, statement   the full statement (at least one)
    language             the language of the original statement (default: the framework's)
    parent_code          code of the parent item (isChildOf); empty for a top-level item
    subject              subject code(s), ``;``-separated (``MA``)
    level                level code(s) (``C3``, ``7e``, ``4G-GCG``… or another system's grade)
    type                 Domain, Competency, LearningOutcome, SkillLevel… (default Competency)
    topics               transversal topic codes (``digital-literacy;citizenship``)
    precedes             codes this item leads to (progression)
    related / peers      codes for isRelatedTo / isPeerOf
    associations         any CASE association as ``type:code`` (``hasSkillLevel:MA-C3-02-N1``)
    label_fr/_de/_en/_lb short labels;  keywords (``;``-separated);  notes;  identifier;  uri

Framework lines
    framework_id, title, title_fr/_de/_en/_lb, publisher, version, language, uri, description,
    and repeatable ``subject: CODE | fr | de | en | lb`` / ``topic: CODE | fr | de | en | lb``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from moien.curriculum_graph.levels import LEVELS, resolve_level
from moien.curriculum_graph.model import (
    AssociationRecord,
    Definition,
    ErrorCollector,
    FrameworkRecord,
    ItemRecord,
    Package,
    inherit_from_parents,
    stable_id,
)
from moien.curriculum_graph.schema import ASSOCIATION_TYPES, CURRICULUM_LANGS
from moien.lang import LANGS

COLUMNS = {
    "code",
    "identifier",
    "uri",
    "parent_code",
    "subject",
    "level",
    "type",
    "language",
    "statement",
    *(f"statement_{lang}" for lang in CURRICULUM_LANGS),
    *(f"label_{lang}" for lang in CURRICULUM_LANGS),
    "topics",
    "precedes",
    "related",
    "peers",
    "associations",
    "keywords",
    "notes",
}
META_KEYS = {
    "framework_id",
    "title",
    "publisher",
    "creator",
    "version",
    "language",
    "languages",
    "uri",
    "description",
    "adoption_status",
    "status_start",
    "status_end",
    "official_source_url",
    "subject",
    "topic",
    *(f"title_{lang}" for lang in CURRICULUM_LANGS),
}
_SPLIT = re.compile(r"\s*;\s*")
_TOPIC_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _list(value: str | None) -> list[str]:
    return [v for v in _SPLIT.split(value.strip()) if v] if value and value.strip() else []


def _definition(value: str) -> Definition:
    parts = [p.strip() for p in value.split("|")]
    names = {lang: name for lang, name in zip(CURRICULUM_LANGS, parts[1:]) if name}
    return Definition(parts[0], names)


def parse_csv(path: str | Path, *, framework_id: str | None = None) -> Package:
    """Parse and validate a CSV file; every problem is reported with its line, nothing is written."""
    path = Path(path)
    errs = ErrorCollector(path)
    head = _read_head(path, errs)
    table = _read_table(head, errs)
    fw = _framework(path, head, framework_id)
    items, assocs = _RowReader(fw.id, fw.language or "fr", errs).read(table.rows)
    errs.raise_if_any()
    for it in items:
        for t in it.topics:
            head.topics.setdefault(t, Definition(t))
        for s in it.subjects:
            head.subjects.setdefault(s, Definition(s))
    fw.languages = sorted({lang for it in items for lang in it.statements})
    pkg = Package(
        fw, items, assocs, head.subjects, head.topics, source=str(path), source_format="csv", warnings=errs.warnings
    )
    inherit_from_parents(pkg)
    return pkg


@dataclass
class _Head:
    """The ``#`` lines before the header: framework metadata and subject/topic definitions; then the table's text."""

    meta: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, Definition] = field(default_factory=dict)
    topics: dict[str, Definition] = field(default_factory=dict)
    skip: int = 0  # how many lines come before the header
    body: str = ""


@dataclass
class _Table:
    """The header and the non-empty rows, each with the line it starts on."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, dict[str, str]]]


def _read_text(path: Path, errs: ErrorCollector) -> str:
    """The file as UTF-8 text; stops with a message that says how to save it otherwise."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        errs.error(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as CSV UTF-8")
    except OSError as exc:
        errs.error(f"cannot read the file: {exc.strerror or exc}")
    errs.raise_if_any()
    raise AssertionError("unreachable: raise_if_any raised")  # for the type checker


def _read_head(path: Path, errs: ErrorCollector) -> _Head:
    """The framework lines (``# key: value``) before the header; free comments are skipped."""
    lines = _read_text(path, errs).splitlines(keepends=True)
    head = _Head()
    for n, line in enumerate(lines, start=1):
        if not line.startswith("#") and line.strip():
            break
        head.skip = n
        body = line.lstrip("#").strip()
        if ":" not in body:
            continue
        key, _, value = body.partition(":")
        key = key.strip().lower()
        if key not in META_KEYS:
            continue  # free comment
        value = value.strip()
        if key == "subject":
            d = _definition(value)
            head.subjects[d.code] = d
        elif key == "topic":
            d = _definition(value)
            head.topics[d.code] = d
        else:
            head.meta[key] = value
    head.body = "".join(lines[head.skip :])
    return head


def _read_table(head: _Head, errs: ErrorCollector) -> _Table:
    """The header (checked; stops on any problem) and the rows; a row with the wrong number of fields is an error."""
    skip, body = head.skip, head.body
    if not body.strip():
        errs.error("no header row and no items", line=skip + 1)
        errs.raise_if_any()
    first = body.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    header_line = skip + 1
    _check_header(header, header_line, errs)
    errs.raise_if_any()
    rows: list[tuple[int, dict[str, str]]] = []
    prev = reader.line_num
    for raw in reader:
        start = skip + prev + 1
        prev = reader.line_num
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            errs.error(
                f"{len(raw)} fields where the header has {len(header)} (a missing or extra "
                f"'{delimiter}'? quote fields that contain it)",
                line=start,
            )
            continue
        rows.append((start, {h: (v or "").strip() for h, v in zip(header, raw)}))
    if not rows and not errs.errors:
        errs.error("the file has a header but no items", line=header_line)
    return _Table(header, header_line, rows)


def _check_header(header: list[str], header_line: int, errs: ErrorCollector) -> None:
    """Known columns only, each once, with a code and at least one statement column."""
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        errs.error(
            f"unknown column(s) {', '.join(repr(u) for u in unknown)}; the columns are: " + ", ".join(sorted(COLUMNS)),
            line=header_line,
            field="header",
        )
    if "code" not in header:
        errs.error("the header has no 'code' column", line=header_line, field="header")
    if not any(h == "statement" or h.startswith("statement_") for h in header):
        errs.error(
            "the header has no statement column (statement_fr, statement_de, statement_en, statement_lb or statement)",
            line=header_line,
            field="header",
        )
    dupes = {h for h in header if header.count(h) > 1 and h}
    if dupes:
        errs.error(f"column(s) {', '.join(sorted(dupes))} appear twice", line=header_line, field="header")


def _framework(path: Path, head: _Head, framework_id: str | None) -> FrameworkRecord:
    """The framework the ``#`` lines describe (its id defaults to the file name)."""
    meta = head.meta
    fid = framework_id or meta.get("framework_id") or re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem)
    default_lang = meta.get("language") or "fr"
    fw = FrameworkRecord(
        id=fid,
        title=meta.get("title") or fid,
        uri=meta.get("uri"),
        titles={lang: meta[f"title_{lang}"] for lang in CURRICULUM_LANGS if meta.get(f"title_{lang}")},
        publisher=meta.get("publisher"),
        creator=meta.get("creator"),
        version=meta.get("version"),
        language=default_lang,
        description=meta.get("description"),
        adoption_status=meta.get("adoption_status"),
        status_start=meta.get("status_start"),
        status_end=meta.get("status_end"),
        official_source_url=meta.get("official_source_url"),
        subjects=sorted(head.subjects),
    )
    if default_lang in LANGS:
        fw.titles.setdefault(default_lang, fw.title)
    return fw


class _RowReader:
    """The rows of one file into items and official links (every problem collected, with its line)."""

    def __init__(self, fid: str, default_lang: str, errs: ErrorCollector) -> None:
        self.fid, self.default_lang, self.errs = fid, default_lang, errs
        self.line_of: dict[str, int] = {}  # code → the line that defines it (the first)
        self.id_of: dict[str, str] = {}  # code → item identifier
        self.children: dict[str, int] = {}  # parent code → children so far (the sequence number of the next)
        self.assocs: list[AssociationRecord] = []

    def read(self, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[ItemRecord], list[AssociationRecord]]:
        """Codes first (so links may point forward), then each row's item and links."""
        self._index_codes(rows)
        items = []
        for line, r in rows:
            code = r.get("code", "")
            if not code or self.line_of.get(code) != line:
                continue  # no code, or a repeated one: reported by _index_codes
            item = self._item(line, r, code)
            if item is None:
                continue
            items.append(item)
            self._links(line, r, code)
        return items, self.assocs

    def _index_codes(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Each code's line and identifier; an empty or repeated code is an error."""
        for line, r in rows:
            code = r.get("code", "")
            if not code:
                self.errs.error("empty code (every item needs the code teachers cite)", line=line, field="code")
            elif code in self.line_of:
                self.errs.error(f"code {code!r} already used on line {self.line_of[code]}", line=line, field="code")
            else:
                self.line_of[code] = line
        for _, r in rows:
            code = r.get("code", "")
            if code:
                self.id_of[code] = r.get("identifier") or stable_id(self.fid, code)

    def _item(self, line: int, r: dict[str, str], code: str) -> ItemRecord | None:
        """One row's item; None when it has no statement in any language."""
        errs = self.errs
        lang = (r.get("language") or self.default_lang).lower()
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?", lang):
            errs.error(f"language {lang!r} is not a language code like fr, de, en or lb", line=line, field="language")
        statements = {l_: r[f"statement_{l_}"] for l_ in CURRICULUM_LANGS if r.get(f"statement_{l_}")}
        original = r.get("statement") or statements.get(lang) or next(iter(statements.values()), "")
        if not original:
            errs.error(
                "no statement in any language", line=line, field="statement_" + lang if lang in LANGS else "statement"
            )
            return None
        if lang in LANGS:
            statements.setdefault(lang, original)
        levels, raw_levels = self._levels(line, r)
        item_topics = _list(r.get("topics"))
        for t in item_topics:
            if not _TOPIC_CODE.match(t):
                errs.error(f"topic {t!r} is not a code (letters, digits, '-', '_' or '.')", line=line, field="topics")
        return ItemRecord(
            id=self.id_of[code],
            code=code,
            statement=original,
            language=lang,
            uri=r.get("uri") or None,
            type=r.get("type") or "Competency",
            statements=statements,
            labels={l_: r[f"label_{l_}"] for l_ in CURRICULUM_LANGS if r.get(f"label_{l_}")},
            notes=r.get("notes") or None,
            keywords=_list(r.get("keywords")),
            subjects=_list(r.get("subject")),
            levels=list(dict.fromkeys(levels)),
            levels_raw=raw_levels,
            topics=item_topics,
            where=f"line {line}",
        )

    def _levels(self, line: int, r: dict[str, str]) -> tuple[list[str], list[str]]:
        """The row's Luxembourg level codes, and its level values as written where they differ."""
        levels: list[str] = []
        raw_levels: list[str] = []
        for value in _list(r.get("level")):
            found = resolve_level(value)
            if not found:
                self.errs.error(
                    f"unknown level {value!r}; use a code such as C1–C4, 7e–1re, 7C, 5G, 4G-GCG "
                    f"(all: {', '.join(list(LEVELS)[:12])}, …) or a grade like KS2 / 05",
                    line=line,
                    field="level",
                )
            levels.extend(found)
            if found != (value,):
                raw_levels.append(value)
        return levels, raw_levels

    def _links(self, line: int, r: dict[str, str], code: str) -> None:
        """The row's official links: parent, precedes, related, peers and ``type:code`` associations."""
        parent = r.get("parent_code")
        if parent:
            if parent == code:
                self.errs.error("an item cannot be its own parent", line=line, field="parent_code")
            else:
                self.children[parent] = self.children.get(parent, 0) + 1
                self._link(line, "parent_code", "isChildOf", code, parent, self.children[parent])
        for column, atype in (("precedes", "precedes"), ("related", "isRelatedTo"), ("peers", "isPeerOf")):
            for dest in _list(r.get(column)):
                self._link(line, column, atype, code, dest)
        for spec in _list(r.get("associations")):
            atype, _, dest = spec.partition(":")
            atype = atype.strip()
            if not dest or (atype not in ASSOCIATION_TYPES and not atype.startswith("ext:")):
                self.errs.error(
                    f"{spec!r} is not 'type:code' with a CASE association type "
                    f"({', '.join(ASSOCIATION_TYPES)} or ext:…)",
                    line=line,
                    field="associations",
                )
                continue
            self._link(line, "associations", atype, code, dest.strip())

    def _link(
        self, line: int, column: str, atype: str, origin_code: str, dest_code: str, seq: int | None = None
    ) -> None:
        """One link between two codes of this file (an error if the destination is not one)."""
        if dest_code not in self.id_of:
            self.errs.error(f"{dest_code!r} is not a code in this file", line=line, field=column)
            return
        o, d = self.id_of[origin_code], self.id_of[dest_code]
        self.assocs.append(AssociationRecord(stable_id(self.fid, o, atype, d), atype, o, d, seq, where=f"line {line}"))
