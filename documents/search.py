"""Hybrid search over the store's chunks: BM25 (accents folded) + e5 vectors, fused by reciprocal rank, for the
caller's groups only.

::

    question ─► terms (folded, stop words out) ─► BM25 over allowed chunks ──┐
    question ─► e5 query vector ─────────────► cosine over allowed chunks ───┴─► RRF ─► hits (best first)

**Who may read what.** The filter by the caller's groups (a chunk is readable when its collection has no groups
or shares one with the caller), and the collection/language/date filters, make a boolean mask *before* anything
is ranked: a chunk outside it has its score cleared before candidates are chosen, so it is never a candidate and
never reaches the fusion, a prompt, a source list, a log line or the audit entry.

**Why hand-written numpy BM25** (as the heritage search's embedded backend does): Haystack's
``InMemoryDocumentStore`` scores every document in Python per question (seconds at 100k chunks); here each term's
postings carry precomputed BM25 impacts, so a question costs one vectorised scatter-add per term — about a
millisecond at 100k chunks (``benchmarks/documents_search_bench.py``). The vectors are an exact float32 matrix
product (about 15 ms per question at 100k × 384 on one core); the index lives in memory and is rebuilt from the
store when its version changes.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np

from moien.documents.chunking import index_text
from moien.documents.model import Chunk
from moien.documents.store import DocumentStore
from moien.lang import fold

K1, B = 1.2, 0.75
#: Reciprocal-rank-fusion constant (as Haystack's ``DocumentJoiner`` and the heritage search use).
RRF_K = 61
#: Candidates taken from each list before fusion.
CANDIDATES = 50
#: A hit is worth showing when BM25 found enough of the question's words in it…
MIN_BM25 = 1.5
MIN_MATCHED_SHARE = 0.34
#: …or when its e5 cosine with the question is this high. Measured on the demo documents plus a few test memos
#: (multilingual-e5-small, 4-bit): unrelated questions reach 0.77–0.83 ("Wie spät ist es?" 0.829), answers in the
#: question's language 0.84–0.94, a French answer to a Luxembourgish question 0.83–0.86 — e5-small reads
#: Luxembourgish less well, so a cross-language lb → fr/de match needs some shared meaning words to pass.
MIN_COSINE = 0.84

# Words that carry no topic in chat questions; BM25's IDF already discounts them, but in a small collection IDF is
# noisy, so they are dropped from questions and passages alike.
STOPWORDS = frozenset(
    fold(w)
    for w in """
    a an and are at be can could do does for from have how i in is it me my of on or please tell the to
    what when where which who why will with you your about tell give show some any there this that than
    then into over also just like get got know need want would should let lets us our
    au aux avec ce ces dans de des du elle en est et il je la le les leur mais me mon ne nous on ou par pas
    pour quand que quel quelle qui sa se ses son sur ta te tu un une vos votre vous comment combien
    aber als am an auf aus bei bin bis das dass dem den der des die du ein eine einem einen einer er es
    für hat ich ihr im in ist ja kann mit nach nicht oder sich sie sind so um und von vor was wann wie wo
    wir zu zum zur
    am an bass da dat den der déi dee den dir do ech een eng et gëtt hei hutt ech ier iech kann kënnt mam
    mat mer mir mäi net och op sech si sinn wann wat weini wéi wou wéini ze zu ass vu vun vum hunn huet
    bass dës dësen dëser dem eis är mäin meng deng säin seng hir fir um bei no aus iwwer kee keng nach
    schonn awer oder wien gi ginn sou ganz eppes
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)

QueryEmbedder = Callable[[str], np.ndarray]


def terms(text: str) -> list[str]:
    """The words BM25 matches: folded (``fänkt`` = ``fenkt``, as people type in chat), no stop words."""
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    """One chunk found for a question, with what each retriever thought of it."""

    chunk: Chunk
    #: Fused score: 1.0 for first in both lists (RRF, scaled).
    score: float
    bm25: float = 0.0
    cosine: float = 0.0
    bm25_rank: int | None = None
    dense_rank: int | None = None
    matched_terms: int = 0
    query_terms: int = 0

    @property
    def relevant(self) -> bool:
        """Does the hit answer to the question at all (enough of its words, or close in meaning)? An assistant
        grounds only on relevant hits, so "I don't know" stays the answer when nothing is."""
        lexical = self.bm25 >= MIN_BM25 and self.matched_terms / max(self.query_terms, 1) >= MIN_MATCHED_SHARE
        return lexical or self.cosine >= MIN_COSINE

    def to_dict(self) -> dict[str, object]:
        c = self.chunk
        return {
            "id": c.id,
            "doc_id": c.doc_id,
            "collection": c.collection,
            "title": c.title,
            "heading": c.heading,
            "page": c.page,
            "article": c.article,
            "lang": c.lang,
            "date": c.date,
            "uri": c.uri,
            "text": c.text,
            "score": round(self.score, 4),
            "bm25": round(self.bm25, 4),
            "cosine": round(self.cosine, 4),
            "bm25_rank": self.bm25_rank,
            "dense_rank": self.dense_rank,
            "relevant": self.relevant,
        }


def _codes(values: list[object]) -> tuple[np.ndarray, list[object]]:
    """Values as small integer codes (one per distinct value) and the distinct values: filters test the few
    distinct values, then select rows with one vectorised ``np.isin``."""
    distinct: dict[object, int] = {}
    codes = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), dtype=np.int32, count=len(values))
    return codes, list(distinct)


class SearchIndex:
    """BM25 postings, the vector matrix and the filter columns of every chunk in the store at one version."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray | None, version: int) -> None:
        self.version = version
        self.chunks = chunks
        self.n = len(chunks)
        self.vectors = vectors
        self._build_bm25([terms(index_text(c)) for c in chunks])
        self.group_codes, self.group_sets = _codes([frozenset(c.groups) for c in chunks])
        self.coll_codes, self.collections = _codes([c.collection for c in chunks])
        self.lang_codes, self.langs = _codes([c.lang for c in chunks])
        self.date_codes, self.dates = _codes([c.date or "" for c in chunks])

    @classmethod
    def from_store(cls, store: DocumentStore, model: str | None) -> SearchIndex:
        version = store.version()
        pairs = list(store.iter_chunks())
        chunks = [c for c, _ in pairs]
        vectors = None
        if model is not None and pairs:
            cached = store.vectors((h for _, h in pairs), model)
            if cached:
                dim = len(next(iter(cached.values())))
                vectors = np.zeros((len(pairs), dim), dtype=np.float32)  # a chunk without a vector: cosine 0
                for i, (_, h) in enumerate(pairs):
                    v = cached.get(h)
                    if v is not None:
                        vectors[i] = v
        return cls(chunks, vectors, version)

    def _build_bm25(self, docs: list[list[str]]) -> None:
        vocab: dict[str, int] = {}
        t_list: list[int] = []
        d_list: list[int] = []
        tf_list: list[int] = []
        for d, words in enumerate(docs):
            for w, n in Counter(words).items():
                t_list.append(vocab.setdefault(w, len(vocab)))
                d_list.append(d)
                tf_list.append(n)
        t = np.asarray(t_list, dtype=np.int32)
        dd = np.asarray(d_list, dtype=np.int32)
        tf = np.asarray(tf_list, dtype=np.float32)
        order = np.argsort(t, kind="stable")  # postings grouped by term, documents ascending within a term
        t, dd, tf = t[order], dd[order], tf[order]
        df = np.bincount(t, minlength=len(vocab)).astype(np.float32)
        self.ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=self.ptr[1:])
        dl = np.asarray([max(len(w), 1) for w in docs], dtype=np.float32)
        avgdl = float(dl.mean()) if len(docs) else 1.0
        idf = np.log(1.0 + (len(docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = K1 * (1.0 - B + B * dl[dd] / max(avgdl, 1e-6)) if len(docs) else np.zeros(0, dtype=np.float32)
        self.impacts = (idf[t] * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)
        self.docs = dd
        self.vocab = vocab

    # -- filters ----------------------------------------------------------------------------------------------------
    def mask(
        self,
        groups: Collection[str],
        collections: Collection[str] | None = None,
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> np.ndarray:
        """The chunks this caller may read and the filters allow. Groups are always applied: no groups given
        means public collections only."""
        caller = frozenset(groups)
        readable = [i for i, gs in enumerate(self.group_sets) if not gs or gs & caller]  # type: ignore[operator]
        mask = np.isin(self.group_codes, readable)
        if collections is not None:
            wanted = set(collections)
            mask &= np.isin(self.coll_codes, [i for i, c in enumerate(self.collections) if c in wanted])
        if lang is not None:
            mask &= np.isin(self.lang_codes, [i for i, x in enumerate(self.langs) if x == lang])
        if date_from is not None or date_to is not None:
            ok = [
                i
                for i, d in enumerate(self.dates)
                if isinstance(d, str)
                and d
                and (not date_from or d[: len(date_from)] >= date_from)
                and (not date_to or d[: len(date_to)] <= date_to)
            ]
            mask &= np.isin(self.date_codes, ok)
        return mask

    # -- retrieval --------------------------------------------------------------------------------------------------
    def bm25(self, qterms: list[str], mask: np.ndarray, k: int) -> list[tuple[int, float, int]]:
        """(chunk, score, matched query terms) of the best BM25 matches among the allowed chunks."""
        tids = [self.vocab[t] for t in dict.fromkeys(qterms) if t in self.vocab]
        if not tids or self.n == 0:
            return []
        scores = np.zeros(self.n, dtype=np.float32)
        matched = np.zeros(self.n, dtype=np.int16)
        for tid in tids:
            a, b = self.ptr[tid], self.ptr[tid + 1]
            d = self.docs[a:b]  # a term's postings name each chunk once, so plain fancy-index addition is exact
            scores[d] += self.impacts[a:b]
            matched[d] += 1
        if len(tids) > 1:  # coordination: a chunk matching more of the question's words ranks higher
            scores *= matched / np.float32(len(set(qterms)))
        scores[~mask] = 0.0  # what the caller may not read is never ranked
        nz = np.flatnonzero(scores)
        if nz.size == 0:
            return []
        k = min(k, nz.size)
        top = nz[np.argpartition(-scores[nz], k - 1)[:k]]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(d), float(scores[d]), int(matched[d])) for d in top]

    def dense(self, qvec: np.ndarray, mask: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk, cosine) of the nearest allowed chunks (exact search)."""
        if self.vectors is None or self.n == 0:
            return []
        allowed = np.flatnonzero(mask)
        if allowed.size == 0:
            return []
        if allowed.size * 4 < self.n:  # a selective filter: score only the allowed rows
            sims = self.vectors[allowed] @ qvec
            k = min(k, allowed.size)
            top = np.argpartition(-sims, k - 1)[:k]
            top = top[np.argsort(-sims[top], kind="stable")]
            return [(int(allowed[i]), float(sims[i])) for i in top]
        sims = self.vectors @ qvec
        sims[~mask] = -np.inf  # what the caller may not read is never ranked
        k = min(k, allowed.size)
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(d), float(sims[d])) for d in top]


def fuse(
    index: SearchIndex,
    lexical: list[tuple[int, float, int]],
    semantic: list[tuple[int, float]],
    query_terms: int,
    top_k: int,
) -> list[Hit]:
    """Reciprocal rank fusion (k = 61, equal weights, scaled so first in both lists scores 1.0).

    Written out rather than Haystack's ``DocumentJoiner`` for the same reason as the heritage search: the joiner
    keeps one score per document, and the relevance rule needs each retriever's own score and rank.
    """
    fused: dict[int, float] = {}
    for ranked in ([d for d, _, _ in lexical], [d for d, _ in semantic]):
        for rank, d in enumerate(ranked):
            fused[d] = fused.get(d, 0.0) + 1.0 / (RRF_K + rank)
    lex = {d: (r, s, m) for r, (d, s, m) in enumerate(lexical)}
    sem = {d: (r, s) for r, (d, s) in enumerate(semantic)}
    hits = []
    for d in sorted(fused, key=lambda i: -fused[i])[:top_k]:
        lr, sr = lex.get(d), sem.get(d)
        hits.append(
            Hit(
                chunk=index.chunks[d],
                score=fused[d] * RRF_K / 2,
                bm25=lr[1] if lr else 0.0,
                cosine=sr[1] if sr else 0.0,
                bm25_rank=lr[0] + 1 if lr else None,
                dense_rank=sr[0] + 1 if sr else None,
                matched_terms=lr[2] if lr else 0,
                query_terms=query_terms,
            )
        )
    return hits


class DocumentSearch:
    """Search the store for a caller: ``search(text, groups=…)``. The in-memory index follows the store's version
    (rebuilt on the first search after an import)."""

    def __init__(
        self,
        store: DocumentStore,
        *,
        embed_query: QueryEmbedder | Literal["default"] | None = "default",
        model: str | None = None,
    ) -> None:
        self.store = store
        if embed_query == "default":
            from moien.connectors.embeddings import MODEL_ID, Embedder

            embed_query, model = Embedder.query, model or MODEL_ID
        self.embed_query: QueryEmbedder | None = embed_query
        self.model = model if embed_query is not None else None
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> SearchIndex:
        version = self.store.version()
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = SearchIndex.from_store(self.store, self.model)
            return self._index

    def search(
        self,
        text: str,
        *,
        groups: Collection[str],
        collections: Collection[str] | None = None,
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        top_k: int = 5,
        candidates: int = CANDIDATES,
    ) -> list[Hit]:
        """The best chunks for ``text`` that a caller in ``groups`` may read, best first (relevant or not: see
        :attr:`Hit.relevant`). ``groups`` is required: pass ``()`` for an anonymous caller (public collections).
        Dates are ISO 8601 prefixes (``2024``, ``2024-05``, ``2024-05-01``), both ends included."""
        text = (text or "").strip()
        if not text:
            return []
        index = self.index
        mask = index.mask(groups, collections, lang, date_from, date_to)
        if not mask.any():
            return []
        qterms = terms(text)
        lexical = index.bm25(qterms, mask, candidates)
        semantic: list[tuple[int, float]] = []
        if self.embed_query is not None and index.vectors is not None:
            semantic = index.dense(np.asarray(self.embed_query(text), dtype=np.float32), mask, candidates)
        return fuse(index, lexical, semantic, len(set(qterms)), top_k)
