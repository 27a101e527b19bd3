"""The curriculum model every importer produces before anything touches the graph.

An importer (CASE JSON, RDF + mapping, CSV) parses and validates a file into one or more
:class:`Package` objects; :mod:`moien.curriculum_graph.importers.writer` compares them with the graph and
writes the difference in one transaction. Keeping this intermediate form plain (dataclasses, no
driver objects) is what makes "validate everything before writing" possible.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moien.curriculum_graph.schema import CURRICULUM_LANGS

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def search_text(parts: Iterable[str | None]) -> str:
    """What the full-text index sees: lower-case, accents folded, elisions split, each text once."""
    seen = dict.fromkeys(p.strip() for p in parts if p and p.strip())
    text = _APOSTROPHES.sub(" ", " \n ".join(seen).lower())
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


class CurriculumImportError(ValueError):
    """A file cannot be imported. ``str()`` names the file and the line or field at fault."""

    def __init__(self, file: str | Path, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.field = field
        self.reason = message
        where = self.file + (f":{line}" if line else "")
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


class ErrorCollector:
    """Collects every problem in a file, so the user fixes them all in one go (the first 20 shown)."""

    MAX_SHOWN = 20

    def __init__(self, file: str | Path) -> None:
        self.file = str(file)
        self.errors: list[CurriculumImportError] = []
        self.warnings: list[str] = []

    def error(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.errors.append(CurriculumImportError(self.file, message, line=line, field=field))

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        if len(self.errors) == 1:
            raise self.errors[0]
        first = self.errors[0]
        shown = "\n  ".join(str(e) for e in self.errors[: self.MAX_SHOWN])
        more = len(self.errors) - self.MAX_SHOWN
        exc = CurriculumImportError(
            self.file,
            f"{len(self.errors)} problems; nothing was imported:\n  {shown}"
            + (f"\n  … and {more} more" if more > 0 else ""),
        )
        exc.line, exc.field = first.line, first.field
        exc.errors = self.errors  # type: ignore[attr-defined]
        raise exc


@dataclass
class FrameworkRecord:
    id: str
    title: str
    uri: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    publisher: str | None = None
    creator: str | None = None
    version: str | None = None
    language: str | None = None
    languages: list[str] = field(default_factory=list)
    description: str | None = None
    adoption_status: str | None = None
    status_start: str | None = None
    status_end: str | None = None
    official_source_url: str | None = None
    last_change: str | None = None
    subjects: list[str] = field(default_factory=list)

    def properties(self) -> dict[str, Any]:
        props = {
            "uri": self.uri,
            "title": self.title,
            "publisher": self.publisher,
            "creator": self.creator,
            "version": self.version,
            "language": self.language,
            "languages": sorted(self.languages) or None,
            "description": self.description,
            "adoption_status": self.adoption_status,
            "status_start": self.status_start,
            "status_end": self.status_end,
            "official_source_url": self.official_source_url,
            "last_change": self.last_change,
            "subjects": sorted(self.subjects) or None,
        }
        for lang in CURRICULUM_LANGS:
            props[f"title_{lang}"] = self.titles.get(lang)
        return props


@dataclass
class ItemRecord:
    id: str
    code: str
    statement: str
    language: str | None = None
    uri: str | None = None
    type: str | None = None
    statements: dict[str, str] = field(default_factory=dict)  # lang → text (includes the original)
    labels: dict[str, str] = field(default_factory=dict)
    notes: str | None = None
    keywords: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    levels_raw: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    list_enum: str | None = None
    status_start: str | None = None
    status_end: str | None = None
    last_change: str | None = None
    where: str = ""  # "line 12" / "CFItems[3]": used in messages

    def properties(self) -> dict[str, Any]:
        """The item's stored properties (None removes a property that an earlier version had)."""
        props = {
            "code": self.code,
            "uri": self.uri,
            "type": self.type,
            "statement": self.statement,
            "language": self.language,
            "notes": self.notes,
            "keywords": sorted(set(self.keywords)) or None,
            "subject": self.subjects[0] if self.subjects else None,
            "subjects": self.subjects or None,
            "level": self.levels[0] if self.levels else None,
            "levels": self.levels or None,
            "levels_raw": self.levels_raw or None,
            "topics": sorted(set(self.topics)) or None,
            "list_enum": self.list_enum,
            "status_start": self.status_start,
            "status_end": self.status_end,
            "last_change": self.last_change,
        }
        for lang in CURRICULUM_LANGS:
            props[f"statement_{lang}"] = self.statements.get(lang)
            props[f"label_{lang}"] = self.labels.get(lang)
        props["search_text"] = search_text(
            [self.statement, *self.statements.values(), *self.labels.values(), *self.keywords]
        )
        return props

    def content_hash(self, props: dict[str, Any] | None = None) -> str:
        """What counts as "this item changed": everything but ``last_change`` (servers bump it freely).

        ``props``: :meth:`properties` when the caller has them already (the writer does; saves a second pass).
        """
        props = {k: v for k, v in (props if props is not None else self.properties()).items() if k != "last_change"}
        return hashlib.sha256(json.dumps(props, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass
class AssociationRecord:
    id: str
    type: str  # the CASE associationType, e.g. "isChildOf" or "ext:alignsTo"
    origin: str  # item id
    destination: str  # item id (or the framework id for top-level isChildOf)
    sequence: int | None = None
    origin_uri: str | None = None
    destination_uri: str | None = None
    notes: str | None = None
    where: str = ""

    def key(self) -> tuple[Any, ...]:
        return (self.id, self.type, self.origin, self.destination, self.sequence)


@dataclass
class Definition:
    """A Subject or TransversalTopic: a code and names in up to four languages."""

    code: str
    names: dict[str, str] = field(default_factory=dict)
    uri: str | None = None
    identifier: str | None = None

    def properties(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "identifier": self.identifier,
            **{f"name_{lang}": self.names.get(lang) for lang in CURRICULUM_LANGS},
        }


@dataclass
class Package:
    """One framework's worth of items, associations and definitions, validated."""

    framework: FrameworkRecord
    items: list[ItemRecord]
    associations: list[AssociationRecord] = field(default_factory=list)
    subjects: dict[str, Definition] = field(default_factory=dict)
    topics: dict[str, Definition] = field(default_factory=dict)
    source: str = ""
    source_format: str = ""
    warnings: list[str] = field(default_factory=list)


def stable_id(*parts: str) -> str:
    """A deterministic UUID (CASE identifiers are UUIDs) for items and links that have none of their own."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:moien:curriculum:" + ":".join(parts)))


def inherit_from_parents(pkg: Package) -> None:
    """Items without a subject or level take their nearest ancestor's (isChildOf), as curricula imply."""
    parent = {a.origin: a.destination for a in pkg.associations if a.type == "isChildOf"}
    by_id = {it.id: it for it in pkg.items}

    def lookup(item: ItemRecord, attr: str) -> list[str]:
        seen: set[str] = set()
        cur: ItemRecord | None = item
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            if getattr(cur, attr):
                return list(getattr(cur, attr))
            cur = by_id.get(parent.get(cur.id, ""))
        return []

    for it in pkg.items:
        if not it.subjects:
            it.subjects = lookup(it, "subjects") or list(pkg.framework.subjects[:1])
        if not it.levels:
            it.levels = lookup(it, "levels")
