"""Heritage search: BM25 and multilingual embeddings over the records, fused (RRF), on one of two backends.

* :mod:`.base` — what both backends share: the indexed text of a record, :class:`SearchFilters`, :class:`Hit`,
  the fusion that makes hits, the :class:`Searcher` contract and :class:`SearchConfig` (the settings as values)
* :mod:`.embedded` — an index on disk under ``$MOIEN_HOME/heritage/index``, searched in process (the default)
* :mod:`.opensearch` — the same search on an OpenSearch server (``MOIEN_HERITAGE__BACKEND=opensearch``)

:func:`get_search` and :func:`build_index` pick the backend from the :class:`SearchConfig` they are given; the
backends are imported only when chosen (the OpenSearch one needs the ``opensearch`` extra). Nothing here reads
settings or the environment: callers pass :meth:`SearchConfig.from_settings` of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from moien.heritage.enrich.authority import load_authority
from moien.heritage.search.base import (
    Hit,
    IndexMissing,
    SearchConfig,
    Searcher,
    SearchFilters,
    terms,
)
from moien.heritage.store import RecordStore

__all__ = [
    "Hit",
    "IndexMissing",
    "SearchConfig",
    "SearchFilters",
    "Searcher",
    "build_index",
    "get_search",
    "terms",
]

Progress = Callable[[str, int, int | None], None]


def _prepare(config: SearchConfig) -> None:
    from moien.heritage.embeddings import Embedder

    Embedder.configure(threads=config.embed_threads)  # before the e5 model's first use in this process


def get_search(
    store: RecordStore,
    home: Path,
    config: SearchConfig | None = None,
    *,
    rebuild_if_stale: bool = True,
    embeddings: bool = True,
) -> Searcher:
    """The search over ``store`` on ``config``'s backend (default: embedded, under ``home``); builds or rebuilds
    the index when it is missing or older than the store (raises :class:`IndexMissing` instead when
    ``rebuild_if_stale`` is false and there is none)."""
    config = config or SearchConfig()
    _prepare(config)
    authority = load_authority(config.authority)
    if config.backend == "opensearch":
        from moien.heritage.search import opensearch

        return opensearch.get_search(
            store, home, config, rebuild_if_stale=rebuild_if_stale, embeddings=embeddings, authority=authority
        )
    from moien.heritage.search import embedded

    return embedded.get_search(
        store,
        home,
        rebuild_if_stale=rebuild_if_stale,
        embeddings=embeddings,
        ann_min=config.ann_min,
        authority=authority,
    )


def build_index(
    store: RecordStore,
    home: Path,
    config: SearchConfig | None = None,
    *,
    embeddings: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Build the index on ``config``'s backend: under ``$MOIEN_HOME/heritage/index`` (atomically replaced), or a
    new OpenSearch index behind the alias. Returns the index's manifest (records, terms, seconds…)."""
    config = config or SearchConfig()
    _prepare(config)
    authority = load_authority(config.authority)
    if config.backend == "opensearch":
        from moien.heritage.search import opensearch

        return opensearch.build_index(
            store, home, config, embeddings=embeddings, progress=progress, authority=authority
        )
    from moien.heritage.search import embedded

    return embedded.build_index(
        store, home, embeddings=embeddings, progress=progress, ann_min=config.ann_min, authority=authority
    )
