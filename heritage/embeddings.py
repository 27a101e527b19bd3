"""Heritage records as multilingual embeddings (the e5 model itself is :mod:`moien.connectors.embeddings`).

Records are embedded as e5 "passages", questions as e5 "queries"; vectors are L2-normalised, so a dot
product is the cosine. Record vectors are cached in the store under a hash of the embedded text: a
re-index embeds only what changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from moien.connectors.embeddings import BATCH, DIM, MAX_CHARS, MODEL_ID, Embedder
from moien.heritage.model import Record
from moien.heritage.store import RecordStore

__all__ = ["DIM", "MAX_CHARS", "MODEL_ID", "Embedder", "ensure_embeddings", "record_text", "text_hash"]

#: Record texts are cut shorter than questions: e5's cost grows with length, and titles, type, place,
#: date, subjects and the first sentence of a description carry what people ask about.
RECORD_CHARS = 320


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
