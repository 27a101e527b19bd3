"""The heritage record: a Dublin Core / Europeana Data Model core with provenance on every value.

A trusted chain of custody in three rules:

1. **Source values are kept as they came.** ``Record.source`` maps a field (``title``, ``creator``…) to
   the literals the provider sent, each with its language tag (``xml:lang``; ``None`` when the source
   gave none) and, for links, a URI. Nothing in moien rewrites them; a re-import replaces them only with
   the provider's own newer version.
2. **Every source literal has the record's provenance**: ``Record.provenance`` says which format, which
   endpoint or file, which original identifier and datestamp, when and by which importer.
3. **Everything moien derives is an ``Enrichment`` beside the source**: the field and the source value
   (``ref``) it derives from, the method, its version, a confidence and when — shown as enrichment,
   never as source.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from moien.lang import LANGS

#: The record's fields: Dublin Core elements and the EDM properties a visitor or curator needs.
FIELDS: tuple[str, ...] = (
    "title",
    "alternative",
    "description",
    "creator",
    "contributor",
    "date",
    "type",
    "format",
    "extent",
    "medium",
    "subject",
    "place",
    "temporal",
    "language",
    "rights",
    "provider",
    "data_provider",
    "publisher",
    "identifier",
    "relation",
    "is_part_of",
    "is_shown_at",
    "is_shown_by",
    "object",
    "iiif_manifest",
    "edm_type",
)
#: Fields whose values are URLs/URIs rather than text in a language.
LINK_FIELDS = frozenset({"is_shown_at", "is_shown_by", "object", "iiif_manifest"})
#: EDM's top-level types (edm:type).
EDM_TYPES = ("IMAGE", "TEXT", "SOUND", "VIDEO", "3D")

# ISO 639-2 (MODS/LIDO/MARC), ISO 639-3 and common spellings → the two-letter tags moien uses.
_LANG_ALIASES = {
    "ltz": "lb",
    "lux": "lb",
    "lu": "lb",
    "lb-lu": "lb",
    "luxembourgish": "lb",
    "lëtzebuergesch": "lb",
    "luxembourgeois": "lb",
    "luxemburgisch": "lb",
    "fre": "fr",
    "fra": "fr",
    "fr-lu": "fr",
    "fr-fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "französisch": "fr",
    "ger": "de",
    "deu": "de",
    "de-lu": "de",
    "de-de": "de",
    "german": "de",
    "deutsch": "de",
    "allemand": "de",
    "eng": "en",
    "en-gb": "en",
    "en-us": "en",
    "english": "en",
    "anglais": "en",
    "englisch": "en",
    "lat": "la",
    "dut": "nl",
    "nld": "nl",
    "ita": "it",
    "por": "pt",
    "spa": "es",
}
_LANG_OK = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def norm_lang(tag: str | None) -> str | None:
    """A language tag as moien stores it (``ltz``/``lb-LU`` → ``lb``, ``fre`` → ``fr``); ``None`` if absent.

    Tags moien does not know are kept (lower-cased) when they look like BCP 47, so nothing is lost.
    """
    if tag is None:
        return None
    t = tag.strip().lower().replace("_", "-")
    if not t or t in {"und", "zxx", "mul"}:
        return None
    if t in _LANG_ALIASES:
        return _LANG_ALIASES[t]
    base = t.split("-")[0]
    if base in LANGS:
        return base
    return t if _LANG_OK.match(t) else None


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Literal(BaseModel):
    """One source value: text (or a URI) with its language tag as the source gave it."""

    value: str
    lang: str | None = None
    uri: str | None = None

    model_config = {"frozen": True}


class Provenance(BaseModel):
    """Where a record's source values come from (shared by all of them)."""

    format: str  # oai_dc, dc, edm, lido, mets_mods, csv, json
    origin: str  # OAI-PMH base URL, or the file it was read from
    original_id: str  # the identifier in the source (OAI header identifier, lidoRecID, rdf:about…)
    datestamp: str | None = None  # the source's own last-modified date (OAI datestamp, recordInfo…)
    sets: list[str] = Field(default_factory=list)
    imported_at: str = Field(default_factory=now_iso)
    importer: str = "moien-heritage/0.1.0"


class Enrichment(BaseModel):
    """A value moien derived, stored beside the source with how, how sure and when."""

    field: str  # the field it enriches (title, date, creator, place, subject, keyword, related…)
    kind: str  # language | interval | keyword | authority | link
    value: str  # e.g. "fr", "1900/1910", a keyword, an authority label, a related record id
    lang: str | None = None
    uri: str | None = None  # authority identifier / URI, or the related record's id
    ref: int | None = None  # index of the source literal in ``source[field]`` it derives from
    method: str  # e.g. moien-langid, date-rules, tfidf, authority-match, same-creator, e5-cosine
    version: str
    confidence: float = Field(ge=0.0, le=1.0)
    at: str = Field(default_factory=now_iso)
    data: dict[str, Any] = Field(default_factory=dict)


class Reason(str):
    """Why a record was not imported: the English text (logs, ``--json``) that also knows its code and
    values, so the command line and the staff view can say it in lb/fr/de/en (``moien.heritage.i18n.reason_text``)."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Reason:
        from moien.heritage.i18n import REASONS

        obj = super().__new__(cls, REASONS[code]["en"].format(**params))
        obj.code = code
        obj.params = params
        return obj

    def __reduce__(
        self,
    ) -> tuple[
        Callable[[str, dict[str, Any]], Reason], tuple[str, dict[str, Any]]
    ]:  # copy/pickle rebuild it from its code and values, not from the English text
        return (_reason, (self.code, self.params))


def _reason(code: str, params: dict[str, Any]) -> Reason:
    return Reason(code, **params)


class RecordError(ValueError):
    """A source record that cannot be imported; ``record_id`` names it (or its position) in the source."""

    def __init__(self, record_id: str, reason: str) -> None:
        super().__init__(f"{record_id}: {reason}")
        self.record_id = record_id
        self.reason = reason


class Record(BaseModel):
    id: str
    source: dict[str, list[Literal]]
    provenance: Provenance
    enrichments: list[Enrichment] = Field(default_factory=list)
    deleted: bool = False

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("the record has no identifier")
        return v

    # -- building -----------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        record_id: str | None,
        values: Mapping[str, Iterable[Literal]],
        provenance: Provenance,
        *,
        deleted: bool = False,
        require_title: bool = True,
    ) -> Record:
        """A record from parsed source values; raises ``RecordError`` naming the record and the reason.

        Runs of whitespace inside a text are collapsed (XML indentation is layout, not content), empty
        values and exact repeats are dropped; nothing else about a value is changed.
        """
        rid = (record_id or "").strip()
        if not rid:
            raise RecordError(provenance.original_id or "?", Reason("no_record_id"))
        source: dict[str, list[Literal]] = {}
        seen: set[tuple[str, str, str | None, str | None]] = set()
        for field, lits in values.items():
            if field not in FIELDS:
                raise RecordError(rid, Reason("unknown_field", field=field))
            for lit in lits:
                text = " ".join(lit.value.split()) if field not in LINK_FIELDS else lit.value.strip()
                if not text and not lit.uri:
                    continue
                key = (field, text, lit.lang, lit.uri)
                if key in seen:  # the same value twice in one record adds nothing
                    continue
                seen.add(key)
                source.setdefault(field, []).append(
                    Literal(value=text or (lit.uri or ""), lang=norm_lang(lit.lang), uri=lit.uri)
                )
        if require_title and not deleted and not (source.get("title") or source.get("description")):
            raise RecordError(rid, Reason("no_title"))
        return cls(id=rid, source=source, provenance=provenance, deleted=deleted)

    # -- reading ------------------------------------------------------------------------------------
    def values(self, field: str) -> list[Literal]:
        return self.source.get(field, [])

    def enriched(self, field: str | None = None, kind: str | None = None) -> list[Enrichment]:
        return [e for e in self.enrichments if (field is None or e.field == field) and (kind is None or e.kind == kind)]

    def lang_of(self, field: str, index: int) -> str | None:
        """The literal's language: the source tag, else the best language enrichment."""
        lit = self.source[field][index]
        if lit.lang:
            return lit.lang
        best = max(
            (e for e in self.enrichments if e.kind == "language" and e.field == field and e.ref == index),
            key=lambda e: e.confidence,
            default=None,
        )
        return best.value if best else None

    def text(self, field: str, lang: str | None = None) -> str:
        """The field's value in ``lang`` if there is one, else its first value (source values only)."""
        lits = self.values(field)
        if not lits:
            return ""
        if lang:
            for i, lit in enumerate(lits):
                if self.lang_of(field, i) == lang:
                    return lit.value
        return lits[0].value

    def texts(self, field: str) -> list[str]:
        return [lit.value for lit in self.values(field)]

    def title(self, lang: str | None = None) -> str:
        return self.text("title", lang) or self.text("description", lang)[:80] or self.id

    def interval(self) -> tuple[int, int] | None:
        """The normalised date interval (years) from the date enrichment, if any."""
        best = max(self.enriched("date", "interval"), key=lambda e: e.confidence, default=None)
        if best is None:
            return None
        return int(best.data["start_year"]), int(best.data["end_year"])

    def related(self) -> list[Enrichment]:
        """Links to other records, strongest first."""
        return sorted(self.enriched(kind="link"), key=lambda e: -e.confidence)

    def content_hash(self) -> str:
        """Hash of what the provider said (source values, identifiers, deletion), not of when we read it."""
        payload = {
            "id": self.id,
            "deleted": self.deleted,
            "format": self.provenance.format,
            "datestamp": self.provenance.datestamp,
            "sets": sorted(self.provenance.sets),
            "source": {k: [[lit.value, lit.lang, lit.uri] for lit in v] for k, v in sorted(self.source.items())},
        }
        return hashlib.sha1(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> str:
        return self.model_dump_json(exclude_defaults=False)

    @classmethod
    def from_json(cls, data: str | bytes) -> Record:
        return cls.model_validate_json(data)

    def public_dict(self) -> dict[str, Any]:
        """The record as ``moien heritage show --json`` prints it: source and enrichments side by side."""
        return {
            "id": self.id,
            "deleted": self.deleted,
            "provenance": self.provenance.model_dump(),
            "source": {k: [lit.model_dump(exclude_none=True) for lit in v] for k, v in self.source.items()},
            "enrichments": [e.model_dump(exclude_none=True) for e in self.enrichments],
        }
