"""The document store: collections (with the groups that may read them), documents, chunks and cached embeddings
in one SQLite file at a path the caller gives (the ``general`` assistant uses ``$MOIEN_HOME/documents/store.sqlite3``).

* Each document is written in one transaction with all its chunks (:meth:`DocumentStore.put_document`): a file
  that fails half-way leaves the previous version in place, never half a document.
* Groups live on the collection, and every chunk read from the store carries them (a join, not a copy): changing
  a collection's groups changes who may read every chunk at once, with no window where some chunks still carry
  the old groups.
* A version counter goes up with every change, so a search index knows when it is stale (:meth:`version`); with
  the store's random id (:meth:`store_id`: a store deleted and created again starts at version 0 again) it names
  the search index saved beside the store.
* Embeddings are cached by the SHA-256 of the embedded text (``chunking.index_text``) and the model id: re-importing a changed file embeds
  only the chunks whose text changed.

Why SQLite: one file, transactions, safe for several readers (WAL) and in the standard library.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from moien.connectors.sqlite import SQLiteFile
from moien.documents.chunking import index_text
from moien.documents.model import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (
    name TEXT PRIMARY KEY,
    groups TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    lang TEXT,
    date TEXT,
    format TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS documents_collection ON documents(collection);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    heading TEXT NOT NULL DEFAULT '',
    page INTEGER,
    article TEXT,
    lang TEXT,
    uri TEXT,
    date TEXT,
    text_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS embeddings (
    text_hash TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (text_hash, model)
);
INSERT OR IGNORE INTO meta(key, value) VALUES ('version', '0');
INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', lower(hex(randomblob(16))));
"""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    groups: tuple[str, ...]
    documents: int
    chunks: int
    created_at: str


@dataclass(frozen=True)
class DocumentRecord:
    """One imported file or page: where it came from, the hash of its bytes and what the parser found."""

    doc_id: str
    collection: str
    #: The file's absolute path or the page's URL.
    source: str
    sha256: str
    title: str
    lang: str | None = None
    date: str | None = None
    format: str = ""
    warnings: tuple[str, ...] = ()
    imported_at: str = ""


def _chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(
        id=row["id"],
        doc_id=row["doc_id"],
        collection=row["collection"],
        groups=tuple(json.loads(row["groups"])),
        title=row["title"],
        text=row["text"],
        heading=row["heading"],
        page=row["page"],
        article=row["article"],
        lang=row["lang"],
        uri=row["uri"],
        date=row["date"],
    )


_CHUNK_COLUMNS = (
    "c.id, c.doc_id, d.collection, k.groups, c.title, c.text, c.heading, c.page, c.article, c.lang, c.uri, "
    "c.date, c.text_hash"
)
_CHUNK_FROM = "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id JOIN collections k ON k.name = d.collection"
_CHUNK_SELECT = f"SELECT {_CHUNK_COLUMNS} {_CHUNK_FROM}"


class DocumentStore(SQLiteFile):
    """Collections, documents, chunks and embeddings in one SQLite file (created with its folder if missing)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, rows=True, foreign_keys=True)
        self.connect().executescript(SCHEMA)

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'")

    def version(self) -> int:
        """Goes up with every change of collections, documents or chunks (a search index compares it)."""
        row = self.connect().execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0])

    def store_id(self) -> str:
        """A random id given to the store when it was created: a saved search index belongs to one store."""
        row = self.connect().execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        return str(row[0])

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Reads that see one state of the store (a read transaction: WAL lets writers go on meanwhile), so a
        version number and the chunks read after it belong together."""
        db = self.connect()
        db.execute("BEGIN")
        try:
            yield db
        finally:
            db.execute("COMMIT")

    # -- collections ----------------------------------------------------------------------------------------------
    def ensure_collection(self, name: str, groups: Sequence[str] = ()) -> bool:
        """Create the collection, or set its groups; ``True`` when something changed (who may read it, say)."""
        wanted = json.dumps(sorted(set(groups)))
        with self.transaction() as db:
            row = db.execute("SELECT groups FROM collections WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] == wanted:
                return False
            db.execute(
                "INSERT INTO collections(name, groups) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET groups = ?",
                (name, wanted, wanted),
            )
            self._bump(db)
            return True

    def collection_groups(self, name: str) -> tuple[str, ...] | None:
        row = self.connect().execute("SELECT groups FROM collections WHERE name = ?", (name,)).fetchone()
        return None if row is None else tuple(json.loads(row[0]))

    def collections(self) -> list[CollectionInfo]:
        rows = self.connect().execute(
            "SELECT k.name, k.groups, k.created_at, "
            "(SELECT COUNT(*) FROM documents d WHERE d.collection = k.name) AS docs, "
            "(SELECT COUNT(*) FROM chunks c JOIN documents d ON d.doc_id = c.doc_id WHERE d.collection = k.name) "
            "AS chunks FROM collections k ORDER BY k.name"
        )
        return [
            CollectionInfo(r["name"], tuple(json.loads(r["groups"])), r["docs"], r["chunks"], r["created_at"])
            for r in rows
        ]

    def remove_collection(self, name: str) -> int:
        """Delete a collection with its documents and chunks; the number of documents removed (``-1``: unknown)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM collections WHERE name = ?", (name,)).fetchone() is None:
                return -1
            n = int(db.execute("SELECT COUNT(*) FROM documents WHERE collection = ?", (name,)).fetchone()[0])
            db.execute("DELETE FROM collections WHERE name = ?", (name,))  # documents and chunks cascade
            self._bump(db)
            return n

    # -- documents ------------------------------------------------------------------------------------------------
    def documents(self, collection: str) -> dict[str, DocumentRecord]:
        rows = self.connect().execute("SELECT * FROM documents WHERE collection = ?", (collection,))
        return {
            r["doc_id"]: DocumentRecord(
                doc_id=r["doc_id"],
                collection=r["collection"],
                source=r["source"],
                sha256=r["sha256"],
                title=r["title"],
                lang=r["lang"],
                date=r["date"],
                format=r["format"],
                warnings=tuple(json.loads(r["warnings"])),
                imported_at=r["imported_at"],
            )
            for r in rows
        }

    def put_document(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        """Replace the document and all its chunks in one transaction (its collection must exist)."""
        with self.transaction() as db:
            db.execute("DELETE FROM documents WHERE doc_id = ?", (record.doc_id,))  # old chunks cascade
            db.execute(
                "INSERT INTO documents(doc_id, collection, source, sha256, title, lang, date, format, warnings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.doc_id,
                    record.collection,
                    record.source,
                    record.sha256,
                    record.title,
                    record.lang,
                    record.date,
                    record.format,
                    json.dumps(list(record.warnings), ensure_ascii=False),
                ),
            )
            db.executemany(
                "INSERT INTO chunks(id, doc_id, ordinal, title, text, heading, page, article, lang, uri, date, "
                "text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.id,
                        c.doc_id,
                        i,
                        c.title,
                        c.text,
                        c.heading,
                        c.page,
                        c.article,
                        c.lang,
                        c.uri,
                        c.date,
                        text_hash(index_text(c)),
                    )
                    for i, c in enumerate(chunks)
                ],
            )
            self._bump(db)

    def remove_documents(self, doc_ids: Iterable[str]) -> int:
        ids = list(doc_ids)
        if not ids:
            return 0
        with self.transaction() as db:
            n = 0
            for doc_id in ids:
                n += db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount
            self._bump(db)
            return n

    # -- chunks ---------------------------------------------------------------------------------------------------
    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        """Every chunk (or one document's), in document then reading order, each with its collection's groups."""
        where, args = (" WHERE c.doc_id = ?", (doc_id,)) if doc_id else ("", ())
        rows = self.connect().execute(f"{_CHUNK_SELECT}{where} ORDER BY c.doc_id, c.ordinal", args)
        return [_chunk(r) for r in rows]

    def iter_chunks(self, batch: int = 5000) -> Iterator[tuple[Chunk, str]]:
        """Every chunk with the hash of its embedded text (the embedding cache's key), streamed."""
        cur = self.connect().execute(f"{_CHUNK_SELECT} ORDER BY c.doc_id, c.ordinal")
        while rows := cur.fetchmany(batch):
            for r in rows:
                yield _chunk(r), r["text_hash"]

    def iter_chunks_with_vectors(self, model: str | None, batch: int = 5000) -> Iterator[tuple[Chunk, bytes | None]]:
        """Every chunk (in :meth:`iter_chunks` order) with its cached vector's bytes for ``model`` (``None`` when it
        has none): one query, where looking the vectors up by hash afterwards takes hundreds."""
        cur = self.connect().execute(
            f"SELECT {_CHUNK_COLUMNS}, e.vector {_CHUNK_FROM} "
            "LEFT JOIN embeddings e ON e.text_hash = c.text_hash AND e.model = ? ORDER BY c.doc_id, c.ordinal",
            (model or "",),
        )
        while rows := cur.fetchmany(batch):
            for r in rows:
                yield _chunk(r), r["vector"]

    def chunks_by_id(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """The chunks with these ids that still exist, each with its collection's groups *now*."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Chunk] = {}
        db = self.connect()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            rows = db.execute(f"{_CHUNK_SELECT} WHERE c.id IN ({','.join('?' * len(part))})", part)
            out.update((r["id"], _chunk(r)) for r in rows)
        return out

    def count_chunks(self) -> int:
        return int(self.connect().execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    # -- embeddings -----------------------------------------------------------------------------------------------
    def vectors(self, hashes: Iterable[str], model: str) -> dict[str, np.ndarray]:
        """Cached vectors by text hash (those not cached are missing from the answer)."""
        wanted = list(dict.fromkeys(hashes))
        out: dict[str, np.ndarray] = {}
        db = self.connect()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = db.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})", (model, *part)
            )
            for r in rows:
                out[r[0]] = np.frombuffer(r[1], dtype=np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray], model: str) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings(text_hash, model, vector) VALUES (?, ?, ?)",
                [(h, model, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()],
            )

    def prune_vectors(self) -> int:
        """Forget cached vectors of texts no chunk has any more (after removals); the number removed."""
        with self.transaction() as db:
            cur = db.execute("DELETE FROM embeddings WHERE text_hash NOT IN (SELECT text_hash FROM chunks)")
            return cur.rowcount
