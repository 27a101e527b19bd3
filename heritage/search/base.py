"""What both search backends share: the indexed text of a record, filters, hits, the fusion of the lexical and
the semantic list into hits, and the :class:`Searcher` contract.

Nothing here knows where an index lives: ``embedded.py`` keeps it on disk, ``opensearch.py`` on a server, and
both build their documents from :func:`record_index_text` and their hits with :func:`fuse`, so a question gets
the same terms, facets and scores on either.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # sovereignty: no usage data leaves the host

from haystack import Document, component

from moien.heritage.enrich.authority import Authority, load_authority
from moien.heritage.model import Record
from moien.heritage.text import tokens
from moien.lang import fold_nocache

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
#: From this many records on, the embedded dense retriever searches a faiss HNSW graph instead of the exact
#: matrix product (``HeritageSettings.ann_min``).
ANN_MIN_RECORDS = 20000
BACKENDS = ("embedded", "opensearch")


class IndexMissing(RuntimeError):
    """There is no index yet (run ``moien heritage index``, or ``moien heritage demo``)."""


# -- configuration --------------------------------------------------------------------------------------
class _HeritageOptions(Protocol):
    """The part of ``moien.assistants.core.config.HeritageSettings`` the search reads (read-only)."""

    @property
    def backend(self) -> str: ...
    @property
    def ann_min(self) -> int: ...
    @property
    def embed_threads(self) -> int: ...
    @property
    def authority(self) -> Path | None: ...
    @property
    def opensearch_url(self) -> str | None: ...
    @property
    def opensearch_index(self) -> str: ...
    @property
    def opensearch_verify_certs(self) -> bool: ...


class _AppSettings(Protocol):
    """What :meth:`SearchConfig.from_settings` reads of moien's settings; heritage names the shape, it does not
    import the assistant core."""

    @property
    def home(self) -> Path: ...
    @property
    def heritage(self) -> _HeritageOptions: ...
    @property
    def opensearch(self) -> Any: ...


@dataclass(frozen=True)
class SearchConfig:
    """Everything the search takes from the settings, as plain values.

    ``backend``: ``embedded`` (an index on disk, in process) or ``opensearch`` (a server). ``local_url`` is the
    address of moien's own OpenSearch node, used when no ``opensearch_url`` is configured.
    """

    backend: str = "embedded"
    ann_min: int = ANN_MIN_RECORDS
    embed_threads: int = 1
    authority: Path | None = None
    opensearch_url: str | None = None
    opensearch_index: str = "moien-heritage"
    opensearch_verify_certs: bool = True
    local_url: str = "http://127.0.0.1:9200"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown heritage search backend {self.backend!r}; known: {', '.join(BACKENDS)}")

    @property
    def server_url(self) -> str:
        """The OpenSearch the ``opensearch`` backend talks to: the configured one, or the local node."""
        return self.opensearch_url or self.local_url

    @classmethod
    def from_settings(cls, settings: _AppSettings) -> SearchConfig:
        """The search configuration of moien's settings (``MOIEN_HERITAGE__…``, ``MOIEN_OPENSEARCH__…``)."""
        from moien.connectors.opensearch_server import LocalOpenSearch

        h = settings.heritage
        return cls(
            backend=h.backend,
            ann_min=h.ann_min,
            embed_threads=h.embed_threads,
            authority=h.authority,
            opensearch_url=h.opensearch_url,
            opensearch_index=h.opensearch_index,
            opensearch_verify_certs=h.opensearch_verify_certs,
            local_url=LocalOpenSearch.from_settings(settings).url,
        )


# -- text -----------------------------------------------------------------------------------------------
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
    """The search terms of a text (records and questions alike): folded words without stop words, stemmed."""
    return [stem(t) for t in tokens(text)]


def head_candidates(term: str) -> list[str]:
    """The heads a compound may be read by (Karbidluucht → …, luucht): German and Luxembourgish put the head
    noun last. Empty for words too short to be compounds. Both backends try them in this order."""
    if len(term) < 8:
        return []
    return [h for h in (stem(term[i:]) for i in range(3, len(term) - 4)) if len(h) >= 5]


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


def record_index_text(
    rec: Record, authority: Authority | None = None
) -> tuple[list[str], dict[str, set[str]], tuple[float, float], int]:
    """The terms, facet keys, year interval and source length the index keeps for a record.

    The length BM25 normalises by counts the source text only: the labels of linked authority entries
    (in four languages, with their variants) add vocabulary, not verbosity. ``authority`` is the table the
    record was enriched against (default: the shipped one).
    """
    parts: list[str] = []
    for f in TEXT_FIELDS:
        vals = rec.texts(f)
        if f == "title":
            vals = vals * 2  # a word in the title says more than one in the description
        parts.extend(vals)
    source_len = len(terms(" ".join(parts)))
    facets: dict[str, set[str]] = {f: set() for f in FACETS}
    table = authority or load_authority()
    for e in rec.enrichments:
        if e.kind == "authority":
            entry = table.get(e.data.get("id", ""))
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


# -- filters and hits -----------------------------------------------------------------------------------
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
        conds: list[dict[str, Any]] = []
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

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


class Searcher(Protocol):
    """What every backend's search offers: ``search(query, filters, top_k) -> list[Hit]``, best first."""

    def search(self, query: str, filters: SearchFilters | None = None, top_k: int = 10) -> list[Hit]: ...


def lexical_document(doc_id: str, score: float, matched: int, query_terms: int) -> Document:
    """A BM25 hit as the fusion reads it (both backends' lexical retrievers produce these)."""
    return Document(id=doc_id, score=score, meta={"bm25": score, "matched_terms": matched, "query_terms": query_terms})


def semantic_document(doc_id: str, cosine: float) -> Document:
    """An embedding hit as the fusion reads it."""
    return Document(id=doc_id, score=cosine, meta={"cosine": cosine})


def fuse(
    lexical: list[Document], semantic: list[Document] | None = None, query_terms: int = 0, top_k: int = 10
) -> list[Hit]:
    """Reciprocal rank fusion of the lexical and the semantic list into :class:`Hit` objects (the one place hits
    are made, for both backends).

    The scores are those of Haystack's ``DocumentJoiner(join_mode="reciprocal_rank_fusion")`` (k = 61, equal
    weights, scaled so that first in both lists is 1), written out here because the joiner keeps one Document
    per id: each hit's rank and score in *each* list — which the assistant's grounding thresholds and
    ``--json`` use — would be lost. ``semantic=None`` (no embeddings): BM25 alone, with its own scores; an
    empty ``lexical`` list (a question of stop words only): the embeddings alone, with the same RRF scores.
    """
    fused: dict[str, float] = {}
    if semantic is None:  # BM25 alone: its own scores
        fused = {str(d.id): float(d.score or 0.0) for d in lexical}
        scale = 1.0
    else:
        for docs in (lexical, semantic):
            for rank, d in enumerate(docs):
                fused[str(d.id)] = fused.get(str(d.id), 0.0) + 1.0 / (RRF_K + rank)
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
    return hits


@component
class RankFusion:
    """:func:`fuse` as a pipeline component: the lexical and the semantic list in, :class:`Hit` objects out.

    Fusing in the last component (rather than reading both lists back with ``include_outputs_from``) spares the
    pipeline a copy of both lists on every question.
    """

    @component.output_types(hits=list[Hit])
    def run(
        self, lexical: list[Document], semantic: list[Document] | None = None, query_terms: int = 0, top_k: int = 10
    ) -> dict[str, list[Hit]]:
        return {"hits": fuse(lexical, semantic, query_terms, top_k)}
