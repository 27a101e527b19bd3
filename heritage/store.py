"""The record store: one SQLite file under ``$MOIEN_HOME/heritage`` (stdlib, transactional, no server).

Imports are idempotent: a record whose source content (``Record.content_hash``) did not change is left
alone; a changed one gets the provider's new source values and loses the enrichments derived from the old
ones (``moien heritage enrich`` derives them again). Harvest checkpoints are written in the same
transaction as the records of the page they follow, so an interruption can lose neither a record nor
the place to resume from, and resuming writes no record twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from moien.connectors.sqlite import SQLiteFile
from moien.heritage.model import Enrichment, Record, now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    provider TEXT,
    format TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    enriched_hash TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_provider ON records(provider);
CREATE TABLE IF NOT EXISTS harvests (
    key TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    prefix TEXT NOT NULL,
    set_spec TEXT,
    from_date TEXT,
    until_date TEXT,
    token TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    started_at TEXT,
    updated_at TEXT,
    last_response_date TEXT
);
CREATE TABLE IF NOT EXISTS embeddings (
    id TEXT PRIMARY KEY,
    text_hash TEXT NOT NULL,
    vec BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass
class UpsertResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    ids: list[str] = field(default_factory=list)

    def add(self, other: UpsertResult) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted


def heritage_home(home: Path) -> Path:
    """Where heritage keeps its state inside ``$MOIEN_HOME``."""
    return Path(home) / "heritage"


class RecordStore(SQLiteFile):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.connect().executescript(SCHEMA)

    @classmethod
    def open(cls, home: Path) -> RecordStore:
        return cls(heritage_home(home) / "records.sqlite")

    # -- records ------------------------------------------------------------------------------------
    def upsert(self, records: Iterable[Record], db: sqlite3.Connection | None = None) -> UpsertResult:
        """Write records; unchanged ones are skipped. Pass ``db`` to join an open transaction."""
        if db is None:
            with self.transaction() as tx:
                return self.upsert(records, tx)
        result = UpsertResult()
        records = list(records)
        if not records:
            return result
        known: dict[str, str] = {}
        ids = [r.id for r in records]
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, hash FROM records WHERE id IN ({','.join('?' * len(chunk))})"
            known.update(db.execute(q, chunk).fetchall())
        rows = []
        stamp = now_iso()
        for r in records:
            h = r.content_hash()
            old = known.get(r.id)
            if old == h:
                result.unchanged += 1
                continue
            if old is None:
                result.new += 1
            else:
                result.updated += 1
            if r.deleted:
                result.deleted += 1
            known[r.id] = h  # a record repeated inside one batch counts once
            providers = r.values("data_provider") or r.values("provider")
            provider = providers[0] if providers else None
            r = r.model_copy(update={"enrichments": []})  # enrichments of an older version no longer hold
            rows.append(
                (r.id, h, provider.value if provider else None, r.provenance.format, int(r.deleted), stamp, r.to_json())
            )
            result.ids.append(r.id)
        db.executemany(
            "INSERT INTO records(id, hash, provider, format, deleted, updated_at, enriched_hash, data) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT(id) DO UPDATE SET hash=excluded.hash, "
            "provider=excluded.provider, format=excluded.format, deleted=excluded.deleted, "
            "updated_at=excluded.updated_at, enriched_hash=NULL, data=excluded.data",
            rows,
        )
        return result

    def get(self, record_id: str) -> Record | None:
        row = self.connect().execute("SELECT data FROM records WHERE id = ?", (record_id,)).fetchone()
        return Record.from_json(row[0]) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Record]:
        ids = list(ids)
        out: dict[str, Record] = {}
        db = self.connect()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, data FROM records WHERE id IN ({','.join('?' * len(chunk))})"
            for rid, data in db.execute(q, chunk):
                out[rid] = Record.from_json(data)
        return out

    def find(self, prefix_or_id: str) -> Record | None:
        """A record by exact id, else by a unique id suffix (``show 0042`` finds ``demo:0042``)."""
        rec = self.get(prefix_or_id)
        if rec:
            return rec
        rows = (
            self.connect()
            .execute("SELECT data FROM records WHERE id LIKE ? LIMIT 2", ("%" + prefix_or_id.replace("%", ""),))
            .fetchall()
        )
        return Record.from_json(rows[0][0]) if len(rows) == 1 else None

    def iter_records(
        self, *, include_deleted: bool = False, only_unenriched: bool = False, batch: int = 1000
    ) -> Iterator[Record]:
        """Every record in id order, read in pages (no statement stays open, so callers may write meanwhile)."""
        where = ["id > ?"]
        if not include_deleted:
            where.append("deleted = 0")
        if only_unenriched:
            where.append("(enriched_hash IS NULL OR enriched_hash != hash)")
        q = f"SELECT id, data FROM records WHERE {' AND '.join(where)} ORDER BY id LIMIT {int(batch)}"
        last = ""
        db = self.connect()
        while rows := db.execute(q, (last,)).fetchall():
            for _, data in rows:
                yield Record.from_json(data)
            last = rows[-1][0]

    def count(self, *, include_deleted: bool = False) -> int:
        q = "SELECT COUNT(*) FROM records" + ("" if include_deleted else " WHERE deleted = 0")
        n: int = self.connect().execute(q).fetchone()[0]
        return n

    def ids(self) -> list[str]:
        return [r[0] for r in self.connect().execute("SELECT id FROM records ORDER BY id")]

    def stats(self) -> dict[str, Any]:
        db = self.connect()
        by_provider = dict(
            db.execute(
                "SELECT COALESCE(provider, '-'), COUNT(*) FROM records WHERE deleted = 0 GROUP BY provider"
            ).fetchall()
        )
        by_format = dict(
            db.execute("SELECT format, COUNT(*) FROM records WHERE deleted = 0 GROUP BY format").fetchall()
        )
        enriched = db.execute("SELECT COUNT(*) FROM records WHERE deleted = 0 AND enriched_hash = hash").fetchone()[0]
        deleted = db.execute("SELECT COUNT(*) FROM records WHERE deleted = 1").fetchone()[0]
        return {
            "records": self.count(),
            "deleted": deleted,
            "enriched": enriched,
            "by_provider": by_provider,
            "by_format": by_format,
        }

    def save_enrichments(
        self,
        updates: Iterable[tuple[str, list[Enrichment]]],
        db: sqlite3.Connection | None = None,
        *,
        mark_enriched: bool = True,
    ) -> int:
        """Replace the enrichments of records (their source values are not touched).

        ``mark_enriched`` records that the per-record enrichment of this source version is done.
        """
        if db is None:
            with self.transaction() as tx:
                return self.save_enrichments(updates, tx, mark_enriched=mark_enriched)
        n = 0
        db.execute(
            "INSERT INTO meta(key, value) VALUES ('enriched_at', ?) ON CONFLICT(key) DO UPDATE SET "
            "value = excluded.value",
            (now_iso() + f"#{id(updates)}",),
        )
        for rid, enrichments in updates:
            row = db.execute("SELECT data, hash FROM records WHERE id = ?", (rid,)).fetchone()
            if not row:
                continue
            rec = Record.from_json(row[0])
            rec = rec.model_copy(update={"enrichments": enrichments})
            if mark_enriched:
                db.execute("UPDATE records SET data = ?, enriched_hash = ? WHERE id = ?", (rec.to_json(), row[1], rid))
            else:
                db.execute("UPDATE records SET data = ? WHERE id = ?", (rec.to_json(), rid))
            n += 1
        return n

    # -- meta ---------------------------------------------------------------------------------------
    def generation(self) -> str:
        """Changes whenever records or enrichments change (the index compares it to know it is stale)."""
        row = (
            self.connect()
            .execute(
                "SELECT COUNT(*), COALESCE(MAX(updated_at), ''), COALESCE(SUM(deleted), 0), "
                "(SELECT value FROM meta WHERE key = 'enriched_at') FROM records"
            )
            .fetchone()
        )
        return json.dumps(row)

    def get_meta(self, key: str) -> str | None:
        row = self.connect().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.connect().execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- embeddings (cached per record and text, so re-indexing embeds only what changed) -------------
    def embeddings(self, ids: list[str]) -> dict[str, tuple[str, np.ndarray]]:
        out: dict[str, tuple[str, np.ndarray]] = {}
        db = self.connect()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, text_hash, vec FROM embeddings WHERE id IN ({','.join('?' * len(chunk))})"
            for rid, th, vec in db.execute(q, chunk):
                out[rid] = (th, np.frombuffer(vec, dtype=np.float16))
        return out

    def save_embeddings(self, rows: Iterable[tuple[str, str, np.ndarray]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO embeddings(id, text_hash, vec) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "text_hash = excluded.text_hash, vec = excluded.vec",
                [(rid, th, np.asarray(v, dtype=np.float16).tobytes()) for rid, th, v in rows],
            )

    # -- harvest checkpoints --------------------------------------------------------------------------
    def harvest_state(self, key: str) -> dict[str, Any] | None:
        db = self.connect()
        db.row_factory = sqlite3.Row
        try:
            row = db.execute("SELECT * FROM harvests WHERE key = ?", (key,)).fetchone()
        finally:
            db.row_factory = None
        return dict(row) if row else None

    def save_harvest_state(self, db: sqlite3.Connection, key: str, **values: Any) -> None:
        values = {**values, "updated_at": now_iso()}
        sets = ", ".join(f"{c} = ?" for c in values)
        cur = db.execute(f"UPDATE harvests SET {sets} WHERE key = ?", (*values.values(), key))
        if cur.rowcount == 0:
            cols = ", ".join(values)
            marks = ", ".join("?" * len(values))
            db.execute(f"INSERT INTO harvests(key, {cols}) VALUES (?, {marks})", (key, *values.values()))
