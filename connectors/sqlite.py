"""One SQLite file shared by the threads of a process: the base of moien's local stores (documents, heritage records).

Why not a library (SQLAlchemy, peewee): the stores need four things — a connection per thread, WAL, an
all-or-nothing transaction and a clean close — and plain ``sqlite3`` (standard library) gives them in a few lines,
without an ORM's session model between the store and its SQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SQLiteFile:
    """A SQLite file (created with its folder if missing), one connection per thread.

    Streamlit and the HTTP API answer from several threads and a ``sqlite3`` connection belongs to the thread that
    opened it, so each thread gets its own. WAL lets readers read while one writer writes; ``synchronous=NORMAL`` is
    safe with WAL (a power cut loses at most the last commits, never the file's integrity).
    """

    def __init__(self, path: Path, *, rows: bool = False, foreign_keys: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._rows = rows
        self._foreign_keys = foreign_keys
        self._local = threading.local()

    def connect(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: no implicit transactions; ``transaction()`` says where one begins and ends.
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            if self._rows:
                db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            if self._foreign_keys:
                db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    def close(self) -> None:
        """Close this thread's connection (another thread's stays open until that thread closes it)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: every write inside commits together, or none does.

        ``BEGIN IMMEDIATE`` takes the write lock at once, so two writers wait for each other (up to the connection's
        30 s timeout) instead of failing half-way with "database is locked".
        """
        db = self.connect()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
