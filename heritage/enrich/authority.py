"""A local authority table: people, places, concepts and periods with labels in lb/fr/de/en.

``authority.csv`` (next to this file; replace it with ``MOIEN_HERITAGE__AUTHORITY=/path/file.csv``, which the
callers pass to :func:`load_authority`) has the
columns ``id,type,lb,fr,de,en,alt,wikidata,start,end``; ``alt`` lists other spellings separated by ``|``,
``wikidata`` is a Q-identifier where one is known (only identifiers we checked are filled in),
``start``/``end`` give a period's years.

Values are linked two ways: a field value that *is* a label (``place = "Veianen"``) links with
confidence 1.0 (preferred label) or 0.9 (other spelling); a label *mentioned* in a title or a
description links with 0.7. Linked labels in all four languages are what lets a Luxembourgish question
find a record described only in French.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from moien.heritage.text import name_key
from moien.lang import LANGS, fold

DEFAULT_PATH = Path(__file__).with_name("authority.csv")
METHOD_VALUE = "authority-label"
METHOD_MENTION = "authority-mention"
VERSION = "1"
#: Which kinds of entry a field's values may be (a subject can be a place or a person too).
FIELD_TYPES = {
    "creator": ("person",),
    "contributor": ("person",),
    "publisher": ("person",),
    "place": ("place",),
    "temporal": ("period",),
    "subject": ("concept", "place", "person", "period"),
    "type": ("concept",),
    "medium": ("concept",),
}
MIN_MENTION = 4  # shorter labels ("vue", "Zug") are too ambiguous to find inside running text
#: Labels that are other words too ("pain" in English, "Bild", "plan"): linked as field values, never
#: when they merely occur in a text.
AMBIGUOUS = frozenset(
    {
        "pain",
        "plan",
        "bild",
        "auer",
        "mine",
        "stad",
        "carte",
        "train",
        "grund",
        "franc",
        "vin",
        "tram",
        "vue",
        "gare",
        "ville",
        "land",
        "staat",
        # verb forms and trades, listed so that questions ("wien huet … gemoolt?") find
        # paintings, but never a reason to call an object a painting
        "peint",
        "gemalt",
        "gemoolt",
        "painted",
        "meeler",
        "peintre",
        "maler",
        "painter",
    }
)


@dataclass(frozen=True)
class Entry:
    id: str
    type: str
    labels: dict[str, str]
    alt: tuple[str, ...] = ()
    wikidata: str | None = None
    start: int | None = None
    end: int | None = None

    @property
    def uri(self) -> str:
        return f"http://www.wikidata.org/entity/{self.wikidata}" if self.wikidata else f"urn:moien:authority:{self.id}"

    def label(self, lang: str | None = None) -> str:
        return self.labels.get(lang or "", "") or self.labels.get("en") or next(iter(self.labels.values()), self.id)

    def all_labels(self) -> list[str]:
        return list(dict.fromkeys([*self.labels.values(), *self.alt]))


@dataclass
class Authority:
    entries: dict[str, Entry]
    exact: dict[str, tuple[str, bool]] = field(default_factory=dict)  # folded label → (id, preferred)
    _mention: re.Pattern[str] | None = None
    _mention_ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Authority:
        """The table in ``path`` (a CSV as described above); the shipped one when ``path`` is ``None``."""
        path = Path(path or DEFAULT_PATH)
        entries: dict[str, Entry] = {}
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                labels: dict[str, str] = {lang: row[lang].strip() for lang in LANGS if row.get(lang, "").strip()}
                entries[row["id"]] = Entry(
                    id=row["id"],
                    type=row["type"],
                    labels=labels,
                    alt=tuple(a.strip() for a in (row.get("alt") or "").split("|") if a.strip()),
                    wikidata=(row.get("wikidata") or "").strip() or None,
                    start=int(row["start"]) if (row.get("start") or "").strip() else None,
                    end=int(row["end"]) if (row.get("end") or "").strip() else None,
                )
        auth = cls(entries)
        auth._index()
        return auth

    def _index(self) -> None:
        mention: dict[str, str] = {}
        for e in self.entries.values():
            for label in e.labels.values():
                self.exact.setdefault(fold(label), (e.id, True))
                if e.type == "person":
                    self.exact.setdefault("name:" + name_key(label), (e.id, True))
            for label in e.alt:
                self.exact.setdefault(fold(label), (e.id, False))
                if e.type == "person":
                    self.exact.setdefault("name:" + name_key(label), (e.id, False))
            for label in e.all_labels():
                key = fold(label)
                if len(key) >= MIN_MENTION and key not in AMBIGUOUS:
                    mention.setdefault(key, e.id)
        self._mention_ids = mention
        alternatives = "|".join(re.escape(k) for k in sorted(mention, key=len, reverse=True))
        self._mention = re.compile(rf"(?<!\w)({alternatives})(?!\w)") if alternatives else None

    def match_value(self, value: str, field_name: str) -> tuple[Entry, float] | None:
        """The entry a field value names, with confidence (1.0 preferred label, 0.9 other spelling)."""
        types = FIELD_TYPES.get(field_name)
        if not types:
            return None
        hit = self.exact.get(fold(value.strip()))
        if hit is None and "person" in types:
            hit = self.exact.get("name:" + name_key(value))
        if hit is None:
            return None
        entry = self.entries[hit[0]]
        if entry.type not in types:
            return None
        return entry, 1.0 if hit[1] else 0.9

    def mentions(self, text: str) -> list[tuple[Entry, str]]:
        """Entries whose labels occur in ``text`` (each once, first spelling found)."""
        if self._mention is None or not text:
            return []
        found: dict[str, str] = {}
        for m in self._mention.finditer(fold(text)):
            eid = self._mention_ids[m.group(1)]
            found.setdefault(eid, m.group(1))
        return [(self.entries[eid], surface) for eid, surface in found.items()]

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)


@lru_cache(maxsize=4)
def load_authority(path: Path | None = None) -> Authority:
    """The authority table in ``path`` (``None``: the shipped one), loaded once per process and path.

    Enrichment links values to it and the search index reads the linked entries' labels from it, so both must
    be given the same path (``HeritageSettings.authority``; :class:`moien.heritage.search.SearchConfig` carries it).
    """
    return Authority.load(path)
