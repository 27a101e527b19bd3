"""The demo collection: 214 fictional records in French, German, Luxembourgish and English, 21 drawn
images and three IIIF manifests. ``load_demo`` imports, enriches and indexes it (idempotent).

``embeddings.npz`` holds the e5 vectors of the demo records, computed by the same bundled model
(``python -m moien.heritage.demo.make_demo --embeddings``); they seed the embedding cache so the demo loads in
seconds on a slow machine. Each vector is keyed by a hash of the text it was computed from, so a vector
whose record changed is simply computed again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from moien.heritage.enrich import LanguageDetector
    from moien.heritage.search import SearchConfig
    from moien.heritage.store import RecordStore

HERE = Path(__file__).parent
COLLECTION = HERE / "collection.json"
MAPPING = HERE / "collection.mapping.yml"
EMBEDDINGS = HERE / "embeddings.npz"


def seed_embeddings(store: RecordStore) -> int:
    """Put the shipped demo vectors into the store's embedding cache (only where none is cached)."""
    if not EMBEDDINGS.is_file():
        return 0
    data = np.load(EMBEDDINGS)
    ids = [str(x) for x in data["ids"]]
    hashes = [str(x) for x in data["hashes"]]
    cached = store.embeddings(ids)
    rows = [(rid, th, vec) for rid, th, vec in zip(ids, hashes, data["vectors"]) if rid not in cached]
    if rows:
        store.save_embeddings(rows)
    return len(rows)


def write_embeddings(store: RecordStore) -> int:
    """Write the demo records' cached vectors to ``embeddings.npz`` (after ``load_demo``)."""
    from moien.heritage.embeddings import record_text, text_hash

    ids = [rid for rid in store.ids() if rid.startswith("demo:")]
    cached = store.embeddings(ids)
    recs = store.get_many(ids)
    keep = [rid for rid in ids if rid in cached and cached[rid][0] == text_hash(record_text(recs[rid]))]
    np.savez_compressed(
        EMBEDDINGS,
        ids=np.array(keep),
        hashes=np.array([cached[r][0] for r in keep]),
        vectors=np.stack([cached[r][1] for r in keep]).astype(np.float16),
    )
    return len(keep)


def load_demo(
    store: RecordStore,
    home: Path,
    *,
    embeddings: bool = True,
    progress: Callable[[str, int, int | None], None] | None = None,
    search: SearchConfig | None = None,
    language: LanguageDetector | None = None,
) -> dict[str, Any]:
    """Import the demo collection, enrich it and build the search index; returns a summary.

    ``search``: the backend and options of the index (default: embedded); ``language``: what names the language
    of untagged texts (without one, the ``language`` step is skipped and such texts stay untagged).
    """
    from moien.heritage.enrich import STEPS, enrich
    from moien.heritage.enrich.authority import load_authority
    from moien.heritage.importers import import_path
    from moien.heritage.search import IndexMissing, SearchConfig, build_index
    from moien.heritage.search.embedded import HeritageIndex, index_dir

    search = search or SearchConfig()
    report = import_path(
        store, COLLECTION, "json", MAPPING, progress=(lambda d, t: progress("import", d, t)) if progress else None
    )
    if embeddings:
        seed_embeddings(store)
    steps = [s for s in STEPS if (embeddings or s != "embeddings") and (language is not None or s != "language")]
    enriched = enrich(store, steps, progress=progress, authority=load_authority(search.authority), language=language)
    current = False
    if search.backend == "embedded":  # an index that already matches the store is kept
        try:
            manifest = HeritageIndex(index_dir(home)).manifest
            current = manifest["generation"] == store.generation() and manifest["embeddings"] == embeddings
        except IndexMissing:
            pass
    if not current:
        manifest = build_index(store, home, search, embeddings=embeddings, progress=progress)
    return {"import": report.to_dict(), "enrich": enriched.to_dict(), "index": manifest}
