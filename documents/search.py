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
product (about 15 ms per question at 100k × 384 on one core).

**The index is kept on disk.** Building it from the store means reading and tokenising every chunk (about a minute
at 100k chunks); every process that searches (the app, the API, each ``moien docs search``) would pay that at its
start. So the first process to build an index at a store version saves it beside the store
(``store.sqlite3.index/v{version}-{tag}/``: one ``.npy`` file per array and ``meta.json``), and the next ones
memory-map it (a fraction of a second). ``tag`` hashes the store's random id, the embedding model and
:data:`INDEX_FORMAT`; a new store version gets a new folder and the old ones are deleted. A saved index is written
in a temporary folder, flushed to disk and renamed into place, so it is whole or absent; a folder that cannot be
read (cut short, damaged, another layout) is simply built again. A loaded index does not hold the chunks' text:
the few chunks a search returns are read from the store by id, with their collection's groups as they are *now*.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np

from moien.documents.chunking import index_text
from moien.documents.model import Chunk
from moien.documents.store import DocumentStore
from moien.lang import fold

log = logging.getLogger(__name__)

K1, B = 1.2, 0.75
#: Bump when what a saved index means changes (``terms``, ``STOPWORDS``, ``K1``/``B``, the arrays saved), so an
#: index saved by an older moien is built again instead of read.
INDEX_FORMAT = 1
#: The arrays a saved index holds, one ``.npy`` file each (``vectors`` only when the store has vectors).
_ARRAYS = ("ptr", "docs", "impacts", "group_codes", "coll_codes", "lang_codes", "date_codes")
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


def _readable(groups: Collection[str], caller: frozenset[str]) -> bool:
    """A chunk is readable when its collection has no groups or shares one with the caller."""
    return not groups or bool(caller.intersection(groups))


class _StoredChunks(Sequence[Chunk]):
    """The chunks of a loaded index, read from the store when asked for (by position, in index order)."""

    def __init__(self, store: DocumentStore, ids: list[str]) -> None:
        self.store = store
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> list[Chunk]: ...
    def __getitem__(self, i: int | slice) -> Chunk | list[Chunk]:
        if isinstance(i, slice):
            found = self.store.chunks_by_id(self.ids[i])
            return [found[c] for c in self.ids[i] if c in found]
        chunk = self.store.chunks_by_id([self.ids[i]]).get(self.ids[i])
        if chunk is None:
            raise IndexError(f"chunk {self.ids[i]} is no longer in the store")
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        return iter(self[:])

    def at(self, positions: list[int]) -> list[Chunk | None]:
        found = self.store.chunks_by_id(self.ids[p] for p in positions)
        return [found.get(self.ids[p]) for p in positions]


class SearchIndex:
    """BM25 postings, the vector matrix and the filter columns of every chunk in the store at one version."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray | None, version: int) -> None:
        self.version = version
        self.chunks: Sequence[Chunk] = chunks
        self.ids = [c.id for c in chunks]
        self.n = len(chunks)
        self.vectors = vectors
        self._build_bm25([terms(index_text(c)) for c in chunks])
        self.group_codes, self.group_sets = _codes([frozenset(c.groups) for c in chunks])
        self.coll_codes, self.collections = _codes([c.collection for c in chunks])
        self.lang_codes, self.langs = _codes([c.lang for c in chunks])
        self.date_codes, self.dates = _codes([c.date or "" for c in chunks])

    @classmethod
    def from_store(cls, store: DocumentStore, model: str | None) -> SearchIndex:
        """Build the index from every chunk of the store (and the vectors cached for ``model``)."""
        with store.snapshot():  # the version and the chunks read after it are one state of the store
            version = store.version()
            chunks: list[Chunk] = []
            blobs: list[bytes | None] = []
            for chunk, blob in store.iter_chunks_with_vectors(model):
                chunks.append(chunk)
                blobs.append(blob)
        vectors = None
        dim = next((len(b) // 4 for b in blobs if b), 0) if model is not None else 0
        if dim:
            vectors = np.zeros((len(chunks), dim), dtype=np.float32)  # a chunk without a vector: cosine 0
            for i, blob in enumerate(blobs):
                if blob and len(blob) == dim * 4:
                    vectors[i] = np.frombuffer(blob, dtype=np.float32)
        return cls(chunks, vectors, version)

    def chunks_at(self, positions: list[int]) -> list[Chunk | None]:
        """The chunks at these positions; ``None`` for one gone from the store since a saved index was built."""
        if isinstance(self.chunks, _StoredChunks):
            return self.chunks.at(positions)
        return [self.chunks[p] for p in positions]

    # -- kept on disk ---------------------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (which must not exist): whole, or not at all."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
        try:
            arrays: dict[str, np.ndarray] = {name: getattr(self, name) for name in _ARRAYS}
            if self.vectors is not None:
                arrays["vectors"] = self.vectors
            for name, array in arrays.items():
                with open(tmp / f"{name}.npy", "wb") as f:
                    np.save(f, np.ascontiguousarray(array), allow_pickle=False)
                    f.flush()
                    os.fsync(f.fileno())  # on disk before the rename makes it visible: a power cut cannot half-save
            meta = {
                "format": INDEX_FORMAT,
                "version": self.version,
                "n": self.n,
                "ids": self.ids,
                "vocab": list(self.vocab),
                "group_sets": [sorted(g) for g in self.group_sets],  # type: ignore[call-overload]
                "collections": self.collections,
                "langs": self.langs,
                "dates": self.dates,
            }
            with open(tmp / "meta.json", "w", encoding="utf-8") as f:
                json.dump(meta, f, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, folder)  # atomic; fails when another process saved the same index first
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, folder: Path, store: DocumentStore) -> SearchIndex:
        """The index saved in ``folder``, its arrays memory-mapped; ``ValueError``/``OSError`` when it cannot be
        used (missing, cut short, damaged, another format)."""
        with open(folder / "meta.json", encoding="utf-8") as f:
            meta: dict[str, Any] = json.load(f)
        if meta.get("format") != INDEX_FORMAT:
            raise ValueError(f"index format {meta.get('format')}, not {INDEX_FORMAT}")
        self = cls.__new__(cls)
        self.version = int(meta["version"])
        self.n = int(meta["n"])
        self.ids = list(meta["ids"])
        self.chunks = _StoredChunks(store, self.ids)
        self.vocab = {t: i for i, t in enumerate(meta["vocab"])}
        self.group_sets = [frozenset(g) for g in meta["group_sets"]]
        self.collections = list(meta["collections"])
        self.langs = list(meta["langs"])
        self.dates = list(meta["dates"])
        for name in _ARRAYS:
            setattr(self, name, np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
        vectors = folder / "vectors.npy"
        self.vectors = np.load(vectors, mmap_mode="r", allow_pickle=False) if vectors.exists() else None
        # Sizes that do not fit each other mean a damaged or foreign folder: refuse it (it is then built again).
        sizes_ok = (
            len(self.ids) == self.n
            and len(self.ptr) == len(self.vocab) + 1
            and len(self.docs) == len(self.impacts) == (int(self.ptr[-1]) if len(self.ptr) else 0)
            and all(len(getattr(self, c)) == self.n for c in ("group_codes", "coll_codes", "lang_codes", "date_codes"))
            and (self.vectors is None or (self.vectors.ndim == 2 and self.vectors.shape[0] == self.n))
        )
        if not sizes_ok:
            raise ValueError(f"{folder}: the saved arrays do not fit together")
        return self

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
    groups: Collection[str] | None = None,
) -> list[Hit]:
    """Reciprocal rank fusion (k = 61, equal weights, scaled so first in both lists scores 1.0).

    Written out rather than Haystack's ``DocumentJoiner`` for the same reason as the heritage search: the joiner
    keeps one score per document, and the relevance rule needs each retriever's own score and rank.

    With ``groups``, a chunk read from the store (a saved index) is checked again against its collection's groups
    as they are now: a collection closed to the caller after the index was saved never shows a hit.
    """
    fused: dict[int, float] = {}
    for ranked in ([d for d, _, _ in lexical], [d for d, _ in semantic]):
        for rank, d in enumerate(ranked):
            fused[d] = fused.get(d, 0.0) + 1.0 / (RRF_K + rank)
    lex = {d: (r, s, m) for r, (d, s, m) in enumerate(lexical)}
    sem = {d: (r, s) for r, (d, s) in enumerate(semantic)}
    hits = []
    best = sorted(fused, key=lambda i: -fused[i])[:top_k]
    caller = frozenset(groups) if groups is not None else None
    for d, chunk in zip(best, index.chunks_at(best), strict=True):
        if chunk is None or (caller is not None and not _readable(chunk.groups, caller)):
            continue  # gone from the store, or no longer readable by this caller, since the index was saved
        lr, sr = lex.get(d), sem.get(d)
        hits.append(
            Hit(
                chunk=chunk,
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


def index_folder(store: DocumentStore) -> Path:
    """Where a store's search indexes are saved: beside it (``store.sqlite3`` → ``store.sqlite3.index/``)."""
    return store.path.with_name(store.path.name + ".index")


class DocumentSearch:
    """Search the store for a caller: ``search(text, groups=…)``. The index follows the store's version: on the
    first search after an import it is loaded from disk when a process saved it at that version, else built and
    saved (``index_dir=None``: built, kept in memory only)."""

    def __init__(
        self,
        store: DocumentStore,
        *,
        embed_query: QueryEmbedder | Literal["default"] | None = "default",
        model: str | None = None,
        index_dir: Path | Literal["default"] | None = "default",
    ) -> None:
        self.store = store
        self.index_dir = index_folder(store) if index_dir == "default" else index_dir
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
                self._index = self._load_or_build(version)
            return self._index

    def _tag(self) -> str:
        """What a saved index must match besides the version: this store, this embedding model, this format."""
        key = f"{INDEX_FORMAT}|{self.store.store_id()}|{self.model or ''}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def _load_or_build(self, version: int) -> SearchIndex:
        if self.index_dir is None:
            return SearchIndex.from_store(self.store, self.model)
        tag = self._tag()
        folder = self.index_dir / f"v{version}-{tag}"
        if folder.is_dir():
            try:
                index = SearchIndex.load(folder, self.store)
                if index.version == version:
                    return index
            except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged or foreign: build it again
                log.warning("search index %s cannot be read (%s): building it again", folder, exc)
                shutil.rmtree(folder, ignore_errors=True)
        index = SearchIndex.from_store(self.store, self.model)
        target = self.index_dir / f"v{index.version}-{tag}"
        try:
            if not target.exists():
                index.save(target)
        except OSError as exc:  # a full or read-only disk costs the next process a rebuild, not this search
            if not target.is_dir():
                log.warning("search index not saved in %s (%s): it is kept in memory", self.index_dir, exc)
        self._forget_older(index.version)
        return index

    def _forget_older(self, version: int) -> None:
        """Delete the indexes of older store versions (whatever their model: stale for every reader), and temporary
        folders left by a process that died while saving (a day old). A process still reading an older index keeps
        its memory map: the files go when it lets go of them."""
        assert self.index_dir is not None
        for path in self.index_dir.glob("*"):
            name = path.name
            if name.startswith("v") and "-" in name:
                older = name[1:].split("-", 1)[0]
                if older.isdigit() and int(older) < version:
                    shutil.rmtree(path, ignore_errors=True)
            elif name.startswith(".tmp-"):
                try:
                    if time.time() - path.stat().st_mtime > 86_400:
                        shutil.rmtree(path, ignore_errors=True)
                except OSError:
                    pass

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
        return fuse(index, lexical, semantic, len(set(qterms)), top_k, groups=groups)
