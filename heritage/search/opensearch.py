"""The heritage search on an OpenSearch server: the same records, text, facets and fusion as the embedded
index (``embedded.py``), through Haystack's OpenSearch integration (``opensearch-haystack``).

::

    text ──► E5ListEmbedder ──► OpenSearchEmbeddingRetriever (k-NN, lucene HNSW) ──► LuceneCosine ──┐
    text ──► OpenSearchBM25Retriever ──► MatchedTerms ─────────────────────────────────────────────┴──► RankFusion

Chosen with ``MOIEN_HERITAGE__BACKEND=opensearch``; ``MOIEN_HERITAGE__OPENSEARCH_URL`` names the server
(default: the local node, ``moien opensearch start``). ``moien heritage index`` writes one Document per
record into a new OpenSearch index and then moves the alias (``moien-heritage``) to it, so searches never
see a half-built index; the store's generation is kept in the index mapping's ``_meta`` and a stale index is
rebuilt on first use, as on disk.

What each Document holds, from :func:`moien.heritage.search.base.record_index_text` (the embedded index's own
code): ``content`` = the record's index terms (accent-folded, lightly stemmed, title twice, linked authority
labels in four languages, keywords, its years), analysed by OpenSearch's ``whitespace`` analyser so the
terms stay exactly moien's; ``type``/``place``/``provider``/``rights`` = the folded facet keys (keyword
fields); ``year_start``/``year_end`` = the interval (absent when the record has none); ``embedding`` = the
record's e5 vector (the same cached vectors). Questions go through the same ``terms()``, and hits are made by
the same :func:`~moien.heritage.search.base.fuse`.

Differences from the embedded retrievers, kept small on purpose:

* OpenSearch's BM25 (its default ``LegacyBM25Similarity``: k1 1.2, b 0.75, the same idf and ``(k1 + 1)``
  factor) normalises, like the embedded one, by the source text's length (the enrichment terms are stacked
  tokens, see the ``terms`` analyzer), but its average length counts the enrichment terms too, so its
  scores run 10–20 % higher (11.4 vs 10.5 for the best hit of "Wou ass d'Buerg vu Veianen?"); the heritage
  assistant's threshold keeps its meaning (the same answers and "I don't know"s in the BDD scenarios).
* An unknown compound is read by its head (Karbidluucht → luucht) as in the embedded index, but the
  vocabulary lives on the server: one extra request (a filter aggregation per candidate word) per
  question with a word of eight letters or more.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from haystack import Document, Pipeline, component
from haystack.document_stores.types import DuplicatePolicy

from moien.heritage.enrich.authority import Authority
from moien.heritage.model import Record
from moien.heritage.search.base import (
    FACETS,
    Hit,
    IndexMissing,
    RankFusion,
    SearchConfig,
    SearchFilters,
    head_candidates,
    lexical_document,
    record_index_text,
    semantic_document,
    terms,
)
from moien.heritage.store import RecordStore, heritage_home
from moien.lang import fold_nocache

if TYPE_CHECKING:
    import numpy as np
    from haystack_integrations.document_stores.opensearch import OpenSearchDocumentStore

DIM = 384
INDEX_FORMAT = 2
#: k-NN's pure-Java engine: no native faiss/nmslib library is needed on the server.
KNN_METHOD = {
    "name": "hnsw",
    "engine": "lucene",
    "space_type": "cosinesimil",
    "parameters": {"m": 16, "ef_construction": 100},
}
INDEX_SETTINGS = {
    "index.knn": True,
    "number_of_shards": 1,
    "number_of_replicas": 0,
    # the BM25 retriever's multi_match names no field: only the indexed text, not the keyword facets
    "index.query.default_field": ["content"],
    # facet keys are stored folded; the normaliser folds a filter's value the same way
    "analysis": {
        "normalizer": {"folded": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
        # The record's terms, already folded and stemmed by moien. Enrichment terms (authority labels,
        # keywords, years) arrive glued to the last source term with ``§`` and are emitted at that term's
        # position: BM25 then normalises by the length of the source text only (Lucene does not count
        # stacked tokens), as the embedded index does — labels add vocabulary, not verbosity.
        "filter": {"unglue": {"type": "pattern_capture", "preserve_original": False, "patterns": ["([^§]+)"]}},
        "analyzer": {"terms": {"type": "custom", "tokenizer": "whitespace", "filter": ["unglue"]}},
    },
}


def mappings(generation: str, records: int, embeddings: bool) -> dict[str, Any]:
    facet = {"type": "keyword", "normalizer": "folded"}
    props: dict[str, Any] = {
        "content": {"type": "text", "analyzer": "terms"},
        "year_start": {"type": "float"},
        "year_end": {"type": "float"},
        **dict.fromkeys(FACETS, facet),
    }
    if embeddings:
        props["embedding"] = {"type": "knn_vector", "dimension": DIM, "method": KNN_METHOD}
    return {
        "_meta": {
            "moien": {"format": INDEX_FORMAT, "generation": generation, "records": records, "embeddings": embeddings}
        },
        "dynamic": False,  # nothing but the fields above is indexed
        "properties": props,
    }


# -- connecting -----------------------------------------------------------------------------------------
class OpenSearchUnavailable(IndexMissing):
    """The OpenSearch server does not answer."""


def public_url(url: str) -> str:
    """``url`` without a user name and password (``https://user:pass@host`` → ``https://host``): for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _http_auth() -> tuple[str, str] | None:
    """Credentials from OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD, the variables Haystack's OpenSearch document
    store reads itself (so both clients log in alike); not moien settings."""
    user, password = os.environ.get("OPENSEARCH_USERNAME"), os.environ.get("OPENSEARCH_PASSWORD")
    return (user, password) if user and password else None


def _verify_kwargs(config: SearchConfig) -> dict[str, Any]:
    """TLS certificate checking, for https servers only (the local node speaks plain http)."""
    return {"verify_certs": config.opensearch_verify_certs} if config.server_url.startswith("https") else {}


def unavailable(config: SearchConfig, exc: Exception) -> OpenSearchUnavailable:
    """What to tell a person when the server cannot be used: refused credentials, or nobody answering."""
    from opensearchpy.exceptions import AuthenticationException, AuthorizationException

    url = public_url(config.server_url)
    if isinstance(exc, (AuthenticationException, AuthorizationException)):
        return OpenSearchUnavailable(
            f"OpenSearch at {url} refuses moien's credentials ({type(exc).__name__}): set "
            "OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD (or user:password in MOIEN_HERITAGE__OPENSEARCH_URL)."
        )
    hint = (
        "start the local node with `moien opensearch start`"
        if not config.opensearch_url
        else "check MOIEN_HERITAGE__OPENSEARCH_URL"
    )
    return OpenSearchUnavailable(f"OpenSearch at {url} is not reachable ({type(exc).__name__}): {hint}.")


def document_store(
    config: SearchConfig, index: str, embeddings: bool = True, generation: str = "", records: int = 0
) -> OpenSearchDocumentStore:
    """Haystack's document store for ``index`` (writes and the retrievers go through it)."""
    from haystack_integrations.document_stores.opensearch import OpenSearchDocumentStore

    return OpenSearchDocumentStore(
        hosts=[config.server_url],
        index=index,
        embedding_dim=DIM,
        mappings=mappings(generation, records, embeddings),
        settings=INDEX_SETTINGS,
        timeout=60,
        **_verify_kwargs(config),
    )


class OpenSearchServer:
    """moien's own opensearch-py client, for what Haystack's document store has no public call for: the index
    behind an alias and its ``_meta``, refreshing, moving the alias, aggregations over the stored terms."""

    def __init__(self, config: SearchConfig, timeout: int = 60) -> None:
        from opensearchpy import OpenSearch

        self.config = config
        self.client = OpenSearch(
            hosts=[config.server_url],
            timeout=timeout,
            verify_certs=config.opensearch_verify_certs,
            http_auth=_http_auth(),
        )

    def close(self) -> None:
        self.client.close()

    def index_info(self, alias: str) -> dict[str, Any] | None:
        """The ``_meta`` of the index behind ``alias`` (``None`` when there is none)."""
        from opensearchpy.exceptions import AuthenticationException, AuthorizationException, NotFoundError
        from opensearchpy.exceptions import ConnectionError as OSConnectionError

        try:
            found = self.client.indices.get_mapping(index=alias)
        except NotFoundError:
            return None
        except (OSConnectionError, AuthenticationException, AuthorizationException) as exc:
            raise unavailable(self.config, exc) from exc
        for body in found.values():
            info: dict[str, Any] | None = body.get("mappings", {}).get("_meta", {}).get("moien")
            return info
        return None

    def refresh(self, index: str) -> None:
        self.client.indices.refresh(index=index)

    def point_alias(self, alias: str, index: str) -> list[str]:
        """Move ``alias`` to ``index`` in one step; returns the indexes it left (for the caller to delete)."""
        indices = self.client.indices
        old = [i for i in (indices.get_alias(name=alias) if indices.exists_alias(name=alias) else []) if i != index]
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": alias}} for i in old]
        if indices.exists(index=alias) and not indices.exists_alias(name=alias):
            actions.append({"remove_index": {"index": alias}})  # a plain index in the alias's place
        actions.append({"add": {"index": index, "alias": alias}})
        indices.update_aliases(body={"actions": actions})
        return old

    def delete_index(self, index: str) -> None:
        self.client.indices.delete(index=index, ignore_unavailable=True)

    def facet_keys(self, alias: str, field: str, value: str) -> list[str]:
        """The stored keys of a facet that a filter value selects: equal to it or containing it, accent- and
        case-free — the embedded index's rule, answered by a terms aggregation on the server."""
        want = fold_nocache(str(value)).strip()
        body = {
            "size": 0,
            "aggs": {"keys": {"terms": {"field": field, "size": 10000, "include": f".*{_regex_escape(want)}.*"}}},
        }
        res = self.client.search(index=alias, body=body)
        return [b["key"] for b in res["aggregations"]["keys"]["buckets"]]

    def known_terms(self, alias: str, words: list[str]) -> set[str]:
        """Which of ``words`` some record behind ``alias`` contains (one request: a filter aggregation each)."""
        body = {"size": 0, "aggs": {f"w{k}": {"filter": {"term": {"content": w}}} for k, w in enumerate(words)}}
        res = self.client.search(index=alias, body=body)
        return {w for k, w in enumerate(words) if res["aggregations"][f"w{k}"]["doc_count"]}


def index_info(config: SearchConfig, alias: str | None = None) -> dict[str, Any] | None:
    """The ``_meta`` of the index behind ``alias`` (default: the configured one); ``None`` when there is none."""
    server = OpenSearchServer(config, timeout=10)
    try:
        return server.index_info(alias or config.opensearch_index)
    finally:
        server.close()


# -- building -----------------------------------------------------------------------------------------
def record_document(rec: Record, vector: np.ndarray | None = None, authority: Authority | None = None) -> Document:
    """One record as the Document OpenSearch indexes (text and facets from the embedded index's code)."""
    words, facets, years, source_len = record_index_text(rec, authority)
    meta: dict[str, Any] = {f: sorted(keys) for f, keys in facets.items() if keys}
    if years[0] == years[0]:  # not NaN: the record has an interval
        meta["year_start"], meta["year_end"] = years
    source, extra = words[:source_len], words[source_len:]
    if extra:  # stacked on the last source term (see the "terms" analyzer)
        source = [*source[:-1], "§".join(source[-1:] + extra)]
    return Document(
        id=rec.id,
        content=" ".join(source),
        meta=meta,
        embedding=[float(x) for x in vector] if vector is not None else None,
    )


def build_index(
    store: RecordStore,
    home: Path,
    config: SearchConfig,
    *,
    embeddings: bool = True,
    progress: Callable[[str, int, int | None], None] | None = None,
    authority: Authority | None = None,
    batch: int = 1000,
) -> dict[str, Any]:
    """Write every record into a new OpenSearch index, then point the alias at it and drop the old ones."""
    from opensearchpy.exceptions import ConnectionError as OSConnectionError

    from moien.heritage.embeddings import MODEL_ID, ensure_embeddings, record_text

    started = time.perf_counter()
    alias = config.opensearch_index
    generation = store.generation()
    total = store.count()
    # a random part too: two rebuilds within one second (a test, a quick re-import) must not share a name,
    # or moving the alias would delete the index just written
    name = f"{alias}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:8]}"
    vecs: dict[str, Any] = {}
    if embeddings and total:
        texts = [(rec.id, record_text(rec)) for rec in store.iter_records()]
        report = progress
        vecs = ensure_embeddings(store, texts, (lambda d, t: report("embeddings", d, t)) if report else None)
    ds = document_store(config, name, embeddings=embeddings and bool(vecs), generation=generation, records=total)
    server = OpenSearchServer(config)
    try:
        ds.count_documents()  # connects and creates the index with moien's mapping (before any write)
    except OSConnectionError as exc:
        server.close()
        raise unavailable(config, exc) from exc
    vocab: set[str] = set()
    docs: list[Document] = []
    n = 0
    try:
        try:
            for rec in store.iter_records():
                doc = record_document(rec, vecs.get(rec.id), authority)
                vocab.update(_terms_of(doc))
                docs.append(doc)
                if len(docs) >= batch:
                    n += ds.write_documents(docs, policy=DuplicatePolicy.OVERWRITE, refresh=False)
                    docs = []
                    if progress:
                        progress("index", n, total)
            if docs:
                n += ds.write_documents(docs, policy=DuplicatePolicy.OVERWRITE, refresh=False)
            server.refresh(name)
            old = server.point_alias(alias, name)
        except BaseException:
            server.delete_index(name)
            raise
        for i in old:
            server.delete_index(i)
    finally:
        server.close()
    with _LOCK:
        for key in [k for k in _CACHE if k.endswith("|" + alias)]:
            del _CACHE[key]
    if progress:
        progress("index", total, total)
    return {
        "backend": "opensearch",
        "url": public_url(config.server_url),
        "index": name,
        "alias": alias,
        "version": INDEX_FORMAT,
        "generation": generation,
        "records": n,
        "terms": len(vocab),
        "embeddings": bool(vecs),
        "model": MODEL_ID if vecs else None,
        "seconds": round(time.perf_counter() - started, 3),
    }


# -- searching ----------------------------------------------------------------------------------------
@component
class E5ListEmbedder:
    """The question's e5 vector as a list of floats (what OpenSearch's k-NN query takes)."""

    @component.output_types(embedding=list[float])
    def run(self, text: str) -> dict[str, list[float]]:
        from moien.heritage.embeddings import Embedder

        return {"embedding": [float(x) for x in Embedder.query(text)]}


@component
class MatchedTerms:
    """Counts the question's terms each BM25 hit contains and ranks by BM25 × the share matched.

    OpenSearch cannot report this count through the Haystack retriever (it keeps only ``_source`` and
    ``_score``), and Lucene dropped coordination; both are what the embedded BM25 gives the heritage
    assistant to judge a hit, so they are computed here from the terms the hit holds.
    """

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document], query: str) -> dict[str, list[Document]]:
        qterms = list(dict.fromkeys(query.split()))
        out = []
        for d in documents:
            have = set(_terms_of(d))
            matched = sum(1 for t in qterms if t in have)
            score = float(d.score or 0.0)
            if len(qterms) > 1:
                score *= matched / len(qterms)
            out.append(lexical_document(str(d.id), score, matched, len(qterms)))
        out.sort(key=lambda d: -(d.score or 0.0))
        return {"documents": out}


@component
class LuceneCosine:
    """k-NN hits with their cosine: lucene's ``cosinesimil`` scores ``(1 + cos) / 2``."""

    @component.output_types(documents=list[Document])
    def run(self, documents: list[Document]) -> dict[str, list[Document]]:
        return {"documents": [semantic_document(str(d.id), 2.0 * float(d.score or 0.0) - 1.0) for d in documents]}


def _terms_of(doc: Document) -> list[str]:
    """The terms of an indexed record (source terms, and the enrichment terms glued on with ``§``)."""
    return re.split(r"[\s§]+", (doc.content or "").strip()) if doc.content else []


def _regex_escape(text: str) -> str:
    """Escapes a string for Lucene's regular-expression syntax (the terms aggregation's ``include``)."""
    return re.sub(r'([.?+*|{}\[\]()"\\#@&<>~])', r"\\\1", text)


class OpenSearchHeritageSearch:
    """The same ``search(query, filters, top_k) -> list[Hit]`` as the embedded ``HeritageSearch``, on OpenSearch."""

    def __init__(self, config: SearchConfig, info: dict[str, Any], candidates: int = 30) -> None:
        self.config = config
        self.alias = config.opensearch_index
        self.info = info
        self.candidates = candidates
        self.dense = bool(info.get("embeddings"))
        self.store = document_store(config, self.alias, embeddings=self.dense)
        self.server = OpenSearchServer(config)
        self.pipeline = self._pipeline(lexical=True)
        # a question of stop words only ("Wat ass dat?") leaves BM25 nothing to ask: the embeddings alone
        self.dense_pipeline = self._pipeline(lexical=False) if self.dense else None

    def _pipeline(self, lexical: bool) -> Pipeline:
        from haystack_integrations.components.retrievers.opensearch import (
            OpenSearchBM25Retriever,
            OpenSearchEmbeddingRetriever,
        )

        pipe = Pipeline()
        pipe.add_component("fusion", RankFusion())
        if lexical:
            pipe.add_component(
                "bm25", OpenSearchBM25Retriever(document_store=self.store, top_k=self.candidates, fuzziness=0)
            )
            pipe.add_component("lexical", MatchedTerms())
            pipe.connect("bm25.documents", "lexical.documents")
            pipe.connect("lexical.documents", "fusion.lexical")
        if self.dense:
            pipe.add_component("embedder", E5ListEmbedder())
            pipe.add_component(
                "dense",
                OpenSearchEmbeddingRetriever(
                    document_store=self.store, top_k=self.candidates, efficient_filtering=True
                ),
            )
            pipe.add_component("cosine", LuceneCosine())
            pipe.connect("embedder.embedding", "dense.query_embedding")
            pipe.connect("dense.documents", "cosine.documents")
            pipe.connect("cosine.documents", "fusion.semantic")
        return pipe

    def haystack_filters(self, filters: SearchFilters | None) -> dict[str, Any] | None:
        """``SearchFilters.to_haystack()``, each facet's ``==`` widened to the stored keys it selects."""
        hf = filters.to_haystack() if filters else None
        if not hf:
            return None
        conds = []
        for c in hf["conditions"]:
            name = c["field"].removeprefix("meta.")
            if name in FACETS and c["operator"] == "==":
                c = {
                    "field": c["field"],
                    "operator": "in",
                    "value": self.server.facet_keys(self.alias, name, c["value"]),
                }
            conds.append(c)
        return {"operator": "AND", "conditions": conds}

    def decompound(self, qterms: list[str]) -> list[str]:
        """The embedded index's rule for a compound the collection does not contain (read it by its head,
        Karbidluucht → luucht), with the vocabulary asked of the server in one request."""
        heads = {t: head_candidates(t) for t in qterms if len(t) >= 8}
        if not heads:
            return qterms
        words = list(dict.fromkeys([*heads, *(h for hs in heads.values() for h in hs)]))
        seen = self.server.known_terms(self.alias, words)
        return [next((h for h in heads[t] if h in seen), t) if t in heads and t not in seen else t for t in qterms]

    def search(self, query: str, filters: SearchFilters | None = None, top_k: int = 10) -> list[Hit]:
        query = (query or "").strip()
        if not query:
            return []
        qterms = self.decompound(list(dict.fromkeys(terms(query))))
        hf = self.haystack_filters(filters)
        if hf and any(c["operator"] == "in" and not c["value"] for c in hf["conditions"]):
            return []  # a facet value no record has
        lex_query = " ".join(qterms)
        data: dict[str, dict[str, Any]] = {"fusion": {"query_terms": len(qterms), "top_k": top_k}}
        if self.dense:
            data["embedder"] = {"text": query}
            data["dense"] = {"filters": hf}
        if lex_query:
            data["bm25"] = {"query": lex_query, "filters": hf}
            data["lexical"] = {"query": lex_query}
            pipeline = self.pipeline
        elif self.dense_pipeline is not None:  # only stop words: RRF of an empty lexical list and the dense one
            data["fusion"]["lexical"] = []
            pipeline = self.dense_pipeline
        else:
            return []
        hits: list[Hit] = pipeline.run(data)["fusion"]["hits"]
        return hits


_LOCK = threading.Lock()
_BUILD_LOCK = threading.Lock()
_CACHE: dict[str, tuple[str, OpenSearchHeritageSearch]] = {}


def get_search(
    store: RecordStore,
    home: Path,
    config: SearchConfig,
    *,
    rebuild_if_stale: bool = True,
    embeddings: bool = True,
    authority: Authority | None = None,
) -> OpenSearchHeritageSearch:
    """The search over the index behind the alias; (re)builds it when missing or out of date."""
    from moien.connectors.java_server import file_lock

    alias = config.opensearch_index
    key = f"{config.server_url}|{alias}"
    generation = store.generation()
    with _LOCK:
        cached = _CACHE.get(key)
        if cached and cached[0] == generation:
            return cached[1]
    # One rebuild at a time, in this process and across the kiosk, staff and CLI processes of this home:
    # two rebuilds racing would each move the alias, and the loser's index would be dropped mid-turn.
    with _BUILD_LOCK, file_lock(heritage_home(home) / ".opensearch-index.lock"):
        info = index_info(config, alias)
        stale = not info or info.get("format") != INDEX_FORMAT or info.get("generation") != generation
        if stale and rebuild_if_stale:
            build_index(store, home, config, embeddings=embeddings, authority=authority)
            info = index_info(config, alias)
        elif info is None:
            raise IndexMissing(f"no heritage index '{alias}' on {public_url(config.server_url)}")
    info = info or {}
    search = OpenSearchHeritageSearch(config, info)
    with _LOCK:
        _CACHE[key] = (info.get("generation", generation), search)
    return search
