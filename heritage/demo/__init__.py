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

import numpy as np

HERE = Path(__file__).parent
COLLECTION = HERE / "collection.json"
MAPPING = HERE / "collection.mapping.yml"
EMBEDDINGS = HERE / "embeddings.npz"


def seed_embeddings(store) -> int:
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


def write_embeddings(store) -> int:
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
    store, home: Path, *, embeddings: bool = True, progress: Callable[[str, int, int | None], None] | None = None
) -> dict:
    """Import the demo collection, enrich it and build the search index; returns a summary."""
    from moien.heritage.enrich import STEPS, enrich
    from moien.heritage.importers import import_path
    from moien.heritage.index import HeritageIndex, IndexMissing, build_index, index_dir

    report = import_path(
        store, COLLECTION, "json", MAPPING, progress=(lambda d, t: progress("import", d, t)) if progress else None
    )
    if embeddings:
        seed_embeddings(store)
    steps = STEPS if embeddings else tuple(s for s in STEPS if s != "embeddings")
    enriched = enrich(store, steps, progress=progress)
    try:  # an index that already matches the store is kept
        manifest = HeritageIndex(index_dir(home)).manifest
        current = manifest["generation"] == store.generation() and manifest["embeddings"] == embeddings
    except IndexMissing:
        current = False
    if not current:
        manifest = build_index(store, home, embeddings=embeddings, progress=progress)
    return {"import": report.to_dict(), "enrich": enriched.to_dict(), "index": manifest}
