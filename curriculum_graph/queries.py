"""Typed, parameterised read queries over the curriculum graph (no user text is ever spliced into Cypher).

Search is hybrid: the full-text index (statements and labels in four languages, accent-folded) and the
vector index (multilingual-e5-small embeddings) are queried separately and fused by reciprocal rank, so a
Luxembourgish question finds a French item even when no word is shared. Retired items never appear in
search, browse or coverage; :func:`item_history` shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import asdict, dataclass, field
from typing import Any

from moien.connectors.neo4j_graph import Graph
from moien.curriculum_graph.schema import (
    ITEM_TEXT_INDEX,
    ITEM_VECTOR_INDEX,
    OFFICIAL_REL_TYPES,
    SUGGESTED_REL_TYPE,
)
from moien.lang import LANGS, fold

_WORD = re.compile(r"\w+", re.UNICODE)
_CODE = re.compile(r"\b[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+\b")

#: Cosine similarity (multilingual-e5-small) above which a vector match counts on its own. e5 scores sit
#: in a narrow band (unrelated questions reach 0.79–0.83 on the demo, the item asked about 0.81–0.89), so
#: this is high and still lets some noise through; the full-text side and the ranking do the rest.
MIN_SIMILARITY = 0.82
#: How much a full-text match adds to the similarity (the best full-text match gets all of it).
TEXT_BONUS = 0.04
#: Subtracted from the rank of an item that has children of the types searched (a domain, a cluster, a strand):
#: when a leaf standard and the heading above it both match, the teacher gets the leaf first — it is what a lesson
#: can teach and assess. Large enough to order a leaf before its parent when both match about equally (ranks of
#: matching items differ by a few hundredths), small enough that a heading which alone matches well still comes
#: back. Children of types the search leaves out do not count (a competency whose mastery levels are filtered out
#: is a leaf of that search).
DETAIL_PENALTY = 0.1


@dataclass(frozen=True)
class ItemHit:
    id: str
    code: str
    type: str | None
    subject: str | None
    level: str | None
    statements: dict[str, str]
    score: float = 0.0
    parent_code: str | None = None
    topics: list[str] = field(default_factory=list)
    next_codes: list[str] = field(default_factory=list)
    framework: str | None = None
    levels: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    original: str | None = None
    language: str | None = None
    uri: str | None = None
    retired: bool = False
    matched_by: tuple[str, ...] = ()
    text_score: float | None = None
    vector_score: float | None = None

    def statement(self, lang: str) -> str:
        return (
            self.statements.get(lang)
            or self.original
            or self.statements.get("fr")
            or next(iter(self.statements.values()), "")
        )

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.statement(lang)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["matched_by"] = list(self.matched_by)
        return d


def lucene_query(text: str, stopwords: AbstractSet[str] = frozenset()) -> str:
    """An OR query of the message's words. Words are ``\\w+`` only, so nothing needs escaping."""
    stop = {fold(w) for w in stopwords}
    terms = [w for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in stop]
    # fuzzy match (~1) so that "multiplikation" finds "multiplication"
    return " OR ".join(f"{t} OR {t}~1" if len(t) > 5 else t for t in dict.fromkeys(terms))


_ITEM_FIELDS = (
    "i.id AS id, i.code AS code, i.type AS type, i.subject AS subject, i.level AS level, "
    "{fr: i.statement_fr, de: i.statement_de, en: i.statement_en, lb: i.statement_lb} AS statements, "
    "{fr: i.label_fr, de: i.label_de, en: i.label_en, lb: i.label_lb} AS labels, "
    "[(i)-[:IS_CHILD_OF]->(p) | p.code][0] AS parent_code, "
    "[(i)-[:ADDRESSES]->(t) | t.code] AS topics, "
    "[(i)-[:PRECEDES]->(n) WHERE n.retired IS NULL | n.code] AS next_codes, "
    "i.framework AS framework, coalesce(i.levels, []) AS levels, i.statement AS original, i.language AS language, "
    "i.uri AS uri, i.retired IS NOT NULL AS retired"
)


def _item_map(v: str) -> str:
    """The item fields as one Cypher map for variable ``v`` (same keys as _ITEM_FIELDS)."""
    return (
        f"{{id: {v}.id, code: {v}.code, type: {v}.type, subject: {v}.subject, level: {v}.level, "
        f"statements: {{fr: {v}.statement_fr, de: {v}.statement_de, en: {v}.statement_en, lb: {v}.statement_lb}}, "
        f"labels: {{fr: {v}.label_fr, de: {v}.label_de, en: {v}.label_en, lb: {v}.label_lb}}, "
        f"parent_code: [({v})-[:IS_CHILD_OF]->(p) | p.code][0], topics: [({v})-[:ADDRESSES]->(t) | t.code], "
        f"next_codes: [({v})-[:PRECEDES]->(n) WHERE n.retired IS NULL | n.code], framework: {v}.framework, "
        f"levels: coalesce({v}.levels, []), original: {v}.statement, language: {v}.language, uri: {v}.uri, "
        f"retired: {v}.retired IS NOT NULL}}"
    )


# Filters shared by every query that lists items ($types, $subjects, $levels, $frameworks, $langs: lists).
_FILTER = (
    "i.retired IS NULL "
    "AND (size($types) = 0 OR i.type IN $types) AND NOT coalesce(i.type, '') IN $exclude_types "
    "AND (size($subjects) = 0 OR any(s IN coalesce(i.subjects, [i.subject]) WHERE s IN $subjects)) "
    "AND (size($levels) = 0 OR any(l IN coalesce(i.levels, []) WHERE l IN $levels)) "
    "AND (size($frameworks) = 0 OR i.framework IN $frameworks) "
    "AND (size($langs) = 0 OR any(l IN $langs WHERE i['statement_' + l] IS NOT NULL))"
)


def _hit(r: dict[str, Any], **extra: Any) -> ItemHit:
    r = dict(r)
    r["statements"] = {k: v for k, v in r["statements"].items() if v}
    r["labels"] = {k: v for k, v in (r.get("labels") or {}).items() if v}
    r.setdefault("score", 0.0)
    r.update(extra)
    return ItemHit(**r)


def _filters(
    types: Iterable[str] = (),
    exclude_types: Iterable[str] = (),
    subjects: Iterable[str] = (),
    levels: Iterable[str] = (),
    frameworks: Iterable[str] = (),
    langs: Iterable[str] = (),
) -> dict[str, list[Any]]:
    return {
        "types": list(types),
        "exclude_types": list(exclude_types),
        "subjects": list(subjects),
        "levels": list(levels),
        "frameworks": list(frameworks),
        "langs": [lang for lang in langs if lang in LANGS],
    }


def _items_by_id(graph: Graph, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = graph.read(f"UNWIND $ids AS id MATCH (i:Item {{id: id}}) RETURN {_ITEM_FIELDS}", ids=ids)
    return {r["id"]: r for r in rows}


# ------------------------------------------------------------------------------------------------ search
def search_items(
    graph: Graph,
    text: str,
    *,
    limit: int = 5,
    min_score: float = 0.0,
    stopwords: AbstractSet[str] = frozenset(),
    types: tuple[str, ...] = (),
    exclude_types: tuple[str, ...] = (),
    mode: str = "hybrid",
    subjects: tuple[str, ...] = (),
    levels: tuple[str, ...] = (),
    frameworks: tuple[str, ...] = (),
    langs: tuple[str, ...] = (),
    min_similarity: float | None = None,
) -> list[ItemHit]:
    """Items matching ``text`` in any of the four languages, best first.

    ``mode``: ``hybrid`` (default), ``text`` (full-text only) or ``vector`` (embeddings only).
    Hybrid ranking: the cosine similarity between the question and the item (every candidate gets one,
    also those found by full-text) plus a bonus of up to :data:`TEXT_BONUS` for a full-text match,
    relative to the best one; an item code typed as is comes first. An item qualifies by a full-text score
    ≥ ``min_score`` or a similarity ≥ ``min_similarity`` (default :data:`MIN_SIMILARITY`). Without the
    embedding model, hybrid search is full-text search. One round trip to Neo4j.

    ``types`` (empty: every type) and ``exclude_types`` choose the item types, whatever a framework calls them
    (Competency, Standard, Cluster, Learning Outcome…); an item ranks :data:`DETAIL_PENALTY` lower when one of its
    children could be returned too, so the most detailed items come first.
    """
    if mode not in ("hybrid", "text", "vector"):
        raise ValueError("mode is hybrid, text or vector")
    params: dict[str, Any] = _filters(types, exclude_types, subjects, levels, frameworks, langs)
    filtered = any(params.values())
    pool = max(limit * 4, 20)
    threshold = MIN_SIMILARITY if min_similarity is None else min_similarity
    codes = [c for c in _CODE.findall(text) if any(ch.isdigit() for ch in c)] if mode != "vector" else []
    # school words the curricula do not share with the query (Luxembourgish, or German/French/English in a framework
    # of another language) bring a few translations along (lexicon.MAX_TERMS at most, so scores are not diluted)
    from moien.curriculum_graph.lexicon import equivalents

    words = _WORD.findall(text)
    extra = equivalents(words)
    # The dictionary's translations widen the full-text query only: embedded with the question they moved its vector
    # away from what the teacher asked (measured in benchmarks/lexicon_bench.py); the reviewed school rows do both.
    reviewed = equivalents(words, sources=frozenset({"school"}))
    embedded = f"{text} ({', '.join(reviewed)})" if reviewed else text
    if extra:
        text = f"{text} ({', '.join(extra)})"
    vec = None
    if mode in ("hybrid", "vector") and text.strip():
        from moien.curriculum_graph.embeddings import EmbeddingsUnavailable, embed_query

        try:
            vec = embed_query(embedded)
        except EmbeddingsUnavailable:
            if mode == "vector":
                raise
    query = lucene_query(text, stopwords) if mode in ("hybrid", "text") else ""
    parts = []  # each part yields (i, ts, vs, exact); the parts are fixed Cypher, the values parameters
    if query:
        parts.append(
            "CALL db.index.fulltext.queryNodes($tindex, $q, {limit: $pool}) YIELD node AS i, score "
            f"WITH i, score WHERE score >= $min_score AND {_FILTER} "
            "RETURN i, score AS ts, null AS vs, false AS exact"
        )
    if vec is not None:
        parts.append(
            "CALL db.index.vector.queryNodes($vindex, $k, $vec) YIELD node AS i, score "
            f"WITH i, score WHERE score >= $vmin AND {_FILTER} "
            "RETURN i, null AS ts, score AS vs, false AS exact ORDER BY vs DESC LIMIT $pool"
        )
    if codes:
        parts.append(
            f"UNWIND $codes AS c MATCH (i:Item {{code: c}}) WHERE {_FILTER} "
            "RETURN i, null AS ts, null AS vs, true AS exact"
        )
    if not parts:
        return []
    rows = graph.read(
        "CALL () { " + " UNION ALL ".join(parts) + " } "
        "WITH i, max(ts) AS ts, max(vs) AS vs, max(exact) AS exact "
        "WITH i, ts, exact, CASE WHEN vs IS NOT NULL THEN vs WHEN $vec IS NULL OR i.embedding IS NULL THEN null "
        "ELSE vector.similarity.cosine(i.embedding, $vec) END AS vs "
        "WITH collect({i: i, ts: ts, vs: 2.0 * vs - 1.0, exact: exact}) AS found, max(ts) AS best, "
        "max(2.0 * vs - 1.0) AS top "
        "UNWIND found AS f "
        "WITH f.i AS i, f.ts AS ts, f.vs AS vs, f.exact AS exact, coalesce(best, 1.0) AS best, "
        "coalesce(top, $threshold) AS top "
        "WHERE exact OR ts IS NOT NULL OR vs >= $threshold "
        "WITH i, ts, vs, exact, CASE WHEN exact THEN 10.0 WHEN $vec IS NULL THEN coalesce(ts, 0.0) "
        # an item whose vector is not computed yet (an import's embedding still running) ranks by its text alone:
        # as similar as the best vector hit, plus its text bonus, so text matches are not hidden meanwhile
        "WHEN i.embedding IS NULL THEN top + $bonus * coalesce(ts, 0.0) / best "
        "ELSE coalesce(vs, $threshold - $bonus) + $bonus * coalesce(ts, 0.0) / best END "
        "- CASE WHEN NOT exact AND EXISTS { MATCH (c:Item)-[:IS_CHILD_OF]->(i) WHERE c.retired IS NULL "
        "AND (size($types) = 0 OR c.type IN $types) AND NOT coalesce(c.type, '') IN $exclude_types } "
        "THEN $detail ELSE 0.0 END AS rank "
        "ORDER BY rank DESC, i.id LIMIT $limit "
        f"RETURN {_ITEM_FIELDS}, rank, ts, vs, exact",
        tindex=ITEM_TEXT_INDEX,
        vindex=ITEM_VECTOR_INDEX,
        q=query,
        pool=pool,
        min_score=min_score,
        # the vector part asks HNSW for fewer neighbours than the full-text pool: a wider k costs more index
        # hops than it brings (full-text candidates get their cosine anyway); filters need a wider one
        k=max(limit * 2, 20) * (5 if filtered else 1),
        vec=vec,
        vmin=(1.0 + threshold) / 2.0,
        codes=codes,
        threshold=threshold,
        bonus=TEXT_BONUS,
        detail=DETAIL_PENALTY,
        limit=limit,
        **params,
    )
    hits = []
    for r in rows:
        rank, ts, vs, exact = r.pop("rank"), r.pop("ts"), r.pop("vs"), r.pop("exact")
        vs = None if vs is None else round(vs, 4)
        matched = tuple(
            m
            for m, ok in (("code", exact), ("text", ts is not None), ("vector", vs is not None and vs >= threshold))
            if ok
        )
        hits.append(_hit(r, score=round(rank, 6), matched_by=matched, text_score=ts, vector_score=vs))
    return hits


# ------------------------------------------------------------------------------------------------ items
def get_item(graph: Graph, code: str, *, framework: str | None = None, include_retired: bool = False) -> ItemHit | None:
    """The active item with this code (``framework`` where codes repeat across frameworks).

    ``include_retired``: also an item a newer version of its framework retired (then ``.retired``).
    """
    rows = graph.read(
        f"MATCH (i:Item {{code: $code}}) WHERE ($fw IS NULL OR i.framework = $fw) AND ($all OR i.retired IS NULL) "
        f"RETURN {_ITEM_FIELDS} ORDER BY i.retired IS NOT NULL, i.framework LIMIT 1",
        code=code,
        fw=framework,
        all=include_retired,
    )
    return _hit(rows[0]) if rows else None


def get_item_by_id(graph: Graph, item_id: str) -> ItemHit | None:
    rows = _items_by_id(graph, [item_id])
    return _hit(rows[item_id]) if rows else None


def items_exist(graph: Graph, codes: list[str]) -> dict[str, bool]:
    """For each code: is there an active item with it? (For checking what a model cites.)"""
    rows = graph.read(
        "UNWIND $codes AS c OPTIONAL MATCH (i:Item {code: c}) WHERE i.retired IS NULL "
        "RETURN c AS code, count(i) > 0 AS ok",
        codes=list(codes),
    )
    return {r["code"]: r["ok"] for r in rows}


def count_items(graph: Graph, *, include_retired: bool = False) -> int:
    if include_retired:
        return int(graph.read("MATCH (i:Item) RETURN count(i) AS n")[0]["n"])
    return int(graph.read("MATCH (i:Item) WHERE i.retired IS NULL RETURN count(i) AS n")[0]["n"])


# ------------------------------------------------------------------------------------------------ browse
@dataclass(frozen=True)
class Browse:
    item: ItemHit | None  # None: the framework's top level
    ancestors: list[ItemHit]  # root first
    children: list[ItemHit]


def children(graph: Graph, code: str, *, framework: str | None = None) -> list[ItemHit]:
    item = get_item(graph, code, framework=framework)
    if item is None:
        return []
    rows = graph.read(
        f"MATCH (i:Item)-[r:IS_CHILD_OF]->(:Item {{id: $id}}) WHERE i.retired IS NULL "
        f"RETURN {_ITEM_FIELDS}, r.sequence AS seq ORDER BY seq, code",
        id=item.id,
    )
    return [_hit({k: v for k, v in r.items() if k != "seq"}) for r in rows]


def roots(graph: Graph, framework: str | None = None) -> list[ItemHit]:
    """Top-level items (no parent) of a framework, or of every framework."""
    rows = graph.read(
        f"MATCH (i:Item) WHERE i.retired IS NULL AND ($fw IS NULL OR i.framework = $fw) "
        f"AND NOT (i)-[:IS_CHILD_OF]->(:Item) RETURN {_ITEM_FIELDS} ORDER BY i.framework, i.code",
        fw=framework,
    )
    return [_hit(r) for r in rows]


def ancestors(graph: Graph, item_id: str) -> list[ItemHit]:
    rows = graph.read(
        "MATCH p = (:Item {id: $id})-[:IS_CHILD_OF*1..12]->(a:Item) "
        f"WITH a, length(p) AS depth MATCH (i:Item {{id: a.id}}) RETURN {_ITEM_FIELDS}, depth ORDER BY depth DESC",
        id=item_id,
    )
    return [_hit({k: v for k, v in r.items() if k != "depth"}) for r in rows]


def browse(graph: Graph, code: str | None = None, *, framework: str | None = None) -> Browse:
    """An item with its path from the root and its children; without a code, the top level. One round trip."""
    if code is None:
        return Browse(None, [], roots(graph, framework))
    rows = graph.read(
        "MATCH (i:Item {code: $code}) WHERE $fw IS NULL OR i.framework = $fw "
        "WITH i ORDER BY i.retired IS NOT NULL, i.framework LIMIT 1 "
        "CALL (i) { OPTIONAL MATCH p = (i)-[:IS_CHILD_OF*1..12]->(a:Item) WITH a, length(p) AS d "
        f"ORDER BY d DESC RETURN [x IN collect({_item_map('a')}) WHERE x.id IS NOT NULL] AS path }} "
        "CALL (i) { OPTIONAL MATCH (c:Item)-[r:IS_CHILD_OF]->(i) WHERE c.retired IS NULL WITH c, r "
        f"ORDER BY r.sequence, c.code RETURN [x IN collect({_item_map('c')}) WHERE x.id IS NOT NULL] AS kids }} "
        f"RETURN {_item_map('i')} AS item, path, kids",
        code=code,
        fw=framework,
    )
    if not rows:
        return Browse(None, [], [])
    r = rows[0]
    return Browse(_hit(r["item"]), [_hit(a) for a in r["path"]], [_hit(c) for c in r["kids"]])


# ------------------------------------------------------------------------------------------------ progression
@dataclass(frozen=True)
class Progression:
    item: ItemHit
    before: list[ItemHit]  # earliest first
    after: list[ItemHit]  # next first


def progression(graph: Graph, code: str, *, depth: int = 8) -> Progression | None:
    """The progression chain through an item (``precedes`` links), before and after it. One round trip."""
    depth = max(1, min(int(depth), 12))
    rows = graph.read(
        "MATCH (i:Item {code: $code}) WHERE i.retired IS NULL WITH i ORDER BY i.framework LIMIT 1 "
        f"CALL (i) {{ OPTIONAL MATCH p = (a:Item)-[:PRECEDES*1..{depth}]->(i) WHERE a.retired IS NULL "
        "WITH a, max(length(p)) AS d ORDER BY d DESC, a.code "
        f"RETURN [x IN collect({_item_map('a')}) WHERE x.id IS NOT NULL] AS before }} "
        f"CALL (i) {{ OPTIONAL MATCH p = (i)-[:PRECEDES*1..{depth}]->(b:Item) WHERE b.retired IS NULL "
        "WITH b, min(length(p)) AS d ORDER BY d, b.code "
        f"RETURN [x IN collect({_item_map('b')}) WHERE x.id IS NOT NULL] AS after }} "
        f"RETURN {_item_map('i')} AS item, before, after",
        code=code,
    )
    if not rows:
        return None
    r = rows[0]
    return Progression(_hit(r["item"]), [_hit(a) for a in r["before"]], [_hit(b) for b in r["after"]])


# ------------------------------------------------------------------------------------------------ coverage
@dataclass(frozen=True)
class Coverage:
    levels: list[str]  # in school order
    subjects: list[str]
    counts: dict[tuple[str, str], int]  # (level, subject) → items
    subject_names: dict[str, dict[str, str]]
    level_names: dict[str, dict[str, str]]

    def count(self, level: str, subject: str) -> int:
        return self.counts.get((level, subject), 0)

    def gaps(self) -> list[tuple[str, str]]:
        return [(lv, s) for lv in self.levels for s in self.subjects if not self.count(lv, s)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "subjects": self.subjects,
            "counts": [{"level": lv, "subject": s, "items": n} for (lv, s), n in sorted(self.counts.items())],
            "gaps": [{"level": lv, "subject": s} for lv, s in self.gaps()],
        }


def coverage(
    graph: Graph,
    *,
    framework: str | None = None,
    types: tuple[str, ...] = (),
    exclude_types: tuple[str, ...] = (),
) -> Coverage:
    """How many (active) items each level × subject has — the gaps show at a glance.

    Every item type counts by default (each framework names its own: Competency, Standard, Learning Outcome…);
    ``types``/``exclude_types`` narrow it, as the education assistant's settings do.
    """
    rows = graph.read(
        "MATCH (i:Item)-[:FOR_LEVEL]->(l:Level), (i)-[:IN_SUBJECT]->(s:Subject) "
        "WHERE i.retired IS NULL AND ($fw IS NULL OR i.framework = $fw) AND (size($types) = 0 OR i.type IN $types) "
        "AND NOT coalesce(i.type, '') IN $exclude_types "
        "RETURN l.code AS level, coalesce(l.order, 99) AS ord, s.code AS subject, count(DISTINCT i) AS n, "
        "{fr: l.name_fr, de: l.name_de, en: l.name_en, lb: l.name_lb} AS lnames, "
        "{fr: s.name_fr, de: s.name_de, en: s.name_en, lb: s.name_lb} AS snames",
        fw=framework,
        types=list(types),
        exclude_types=list(exclude_types),
    )
    levels = [lv for lv, _ in sorted({(r["level"], r["ord"]) for r in rows}, key=lambda x: (x[1], x[0]))]
    subjects = sorted({r["subject"] for r in rows})
    return Coverage(
        levels,
        subjects,
        {(r["level"], r["subject"]): r["n"] for r in rows},
        {r["subject"]: {k: v for k, v in r["snames"].items() if v} for r in rows},
        {r["level"]: {k: v for k, v in r["lnames"].items() if v} for r in rows},
    )


@dataclass(frozen=True)
class TypeCount:
    """How many active items of one type a framework has, and how many of them are leaves (no children)."""

    framework: str
    framework_title: str
    type: str
    items: int
    leaves: int


def item_types(graph: Graph, framework: str | None = None) -> list[TypeCount]:
    """The item types found per framework (``moien curriculum types``): what a configuration may include or
    exclude, with the leaves counted because the most detailed items are what answers cite first."""
    rows = graph.read(
        "MATCH (i:Item) WHERE i.retired IS NULL AND ($fw IS NULL OR i.framework = $fw) "
        "OPTIONAL MATCH (f:Framework {id: i.framework}) "
        "WITH i.framework AS fw, coalesce(f.title, i.framework) AS title, coalesce(i.type, '') AS type, "
        "count(i) AS items, sum(CASE WHEN EXISTS { (:Item)-[:IS_CHILD_OF]->(i) } THEN 0 ELSE 1 END) AS leaves "
        "RETURN fw, title, type, items, leaves ORDER BY fw, items DESC, type",
        fw=framework,
    )
    return [TypeCount(r["fw"], str(r["title"]), r["type"], r["items"], r["leaves"]) for r in rows]


# ------------------------------------------------------------------------------------------------ topics
@dataclass(frozen=True)
class TopicSummary:
    code: str
    names: dict[str, str]
    items: int
    by_subject: dict[str, int]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fr") or self.code


def transversal_topics(graph: Graph, *, framework: str | None = None) -> list[TopicSummary]:
    """Every transversal topic with how many items address it, per subject."""
    rows = graph.read(
        "MATCH (t:TransversalTopic) OPTIONAL MATCH (i:Item)-[:ADDRESSES]->(t) "
        "WHERE i.retired IS NULL AND ($fw IS NULL OR i.framework = $fw) "
        "WITH t, i.subject AS subject, count(i) AS n "
        "RETURN t.code AS code, {fr: t.name_fr, de: t.name_de, en: t.name_en, lb: t.name_lb} AS names, "
        "collect({subject: subject, n: n}) AS per ORDER BY code",
        fw=framework,
    )
    out = []
    for r in rows:
        per = {p["subject"]: p["n"] for p in r["per"] if p["subject"] and p["n"]}
        out.append(TopicSummary(r["code"], {k: v for k, v in r["names"].items() if v}, sum(per.values()), per))
    return out


def topic_items(
    graph: Graph, topic: str, *, levels: tuple[str, ...] = (), limit: int = 500
) -> dict[str, list[ItemHit]]:
    """The items across subjects that address a transversal topic, grouped by subject."""
    rows = graph.read(
        "MATCH (i:Item)-[:ADDRESSES]->(:TransversalTopic {code: $topic}) "
        "WHERE i.retired IS NULL AND (size($levels) = 0 OR any(l IN coalesce(i.levels, []) WHERE l IN $levels)) "
        f"RETURN {_ITEM_FIELDS} ORDER BY i.subject, i.code LIMIT $limit",
        topic=topic,
        levels=list(levels),
        limit=limit,
    )
    out: dict[str, list[ItemHit]] = {}
    for r in rows:
        out.setdefault(r["subject"] or "", []).append(_hit(r))
    return out


# ------------------------------------------------------------------------------------------------ links
@dataclass(frozen=True)
class Link:
    kind: str  # "official" (from the curriculum) or "suggested" (moien's discovery, not official)
    type: str  # CASE association type (official) or SUGGESTED_LINK
    direction: str  # "out": item → other; "in": other → item
    other: ItemHit
    score: float | None = None
    method: str | None = None
    provenance: str | None = None
    evidence: list[str] = field(default_factory=list)
    status: str | None = None

    @property
    def official(self) -> bool:
        return self.kind == "official"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["other"] = {k: d["other"][k] for k in ("id", "code", "type", "subject", "level", "statements", "framework")}
        return d


@dataclass(frozen=True)
class ItemLinks:
    item: ItemHit
    official: list[Link]
    suggested: list[Link]

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item.to_dict(),
            "official": [link.to_dict() for link in self.official],
            "suggested": [link.to_dict() for link in self.suggested],
            "note": "suggested links are moien's proposals (score, method, provenance), not part of the official curriculum",
        }


def item_links(
    graph: Graph, code: str, *, framework: str | None = None, include_hierarchy: bool = True
) -> ItemLinks | None:
    """An item's official links (each CASE type) and moien's suggested links, kept apart."""
    item = get_item(graph, code, framework=framework, include_retired=True)
    if item is None:
        return None
    types = [t for t in OFFICIAL_REL_TYPES if include_hierarchy or t != "IS_CHILD_OF"]
    rows = graph.read(
        "MATCH (x:Item {id: $id})-[r]-(o:Item) WHERE type(r) IN $types AND o.retired IS NULL "
        "WITH r, o, startNode(r) = x AS out MATCH (i:Item {id: o.id}) "
        f"RETURN {_ITEM_FIELDS}, r.association_type AS atype, out ORDER BY atype, code",
        id=item.id,
        types=types,
    )
    official = [
        Link(
            "official",
            r["atype"],
            "out" if r["out"] else "in",
            _hit({k: v for k, v in r.items() if k not in ("atype", "out")}),
        )
        for r in rows
    ]
    rows = graph.read(
        # a suggestion the curriculum team rejected is not shown again (``moien curriculum review``)
        f"MATCH (x:Item {{id: $id}})-[r:{SUGGESTED_REL_TYPE}]-(o:Item) WHERE o.retired IS NULL "
        "AND coalesce(r.status, 'suggested') <> 'rejected' "
        "WITH r, o, startNode(r) = x AS out MATCH (i:Item {id: o.id}) "
        f"RETURN {_ITEM_FIELDS}, r.score AS lscore, r.method AS method, r.provenance AS provenance, "
        "coalesce(r.evidence, []) AS evidence, r.status AS status, out ORDER BY lscore DESC",
        id=item.id,
    )
    extra = ("lscore", "method", "provenance", "evidence", "status", "out")
    suggested = [
        Link(
            "suggested",
            SUGGESTED_REL_TYPE,
            "out" if r["out"] else "in",
            _hit({k: v for k, v in r.items() if k not in extra}),
            score=r["lscore"],
            method=r["method"],
            provenance=r["provenance"],
            evidence=list(r["evidence"]),
            status=r["status"],
        )
        for r in rows
    ]
    return ItemLinks(item, official, suggested)


# ------------------------------------------------------------------------------------------------ history
def item_history(graph: Graph, code: str, *, framework: str | None = None) -> list[dict[str, Any]]:
    """Earlier versions of an item (newest first), as stored when an import changed it."""
    item = get_item(graph, code, framework=framework, include_retired=True)
    if item is None:
        return []
    return graph.read(
        "MATCH (:Item {id: $id})-[:HAS_VERSION]->(v:ItemVersion) "
        "RETURN v.version AS version, v.statement AS statement, v.statement_fr AS statement_fr, "
        "v.statement_de AS statement_de, v.statement_en AS statement_en, v.statement_lb AS statement_lb, "
        "toString(v.valid_from) AS valid_from, toString(v.valid_to) AS valid_to, v.superseded_by AS superseded_by "
        "ORDER BY v.version DESC",
        id=item.id,
    )


# ------------------------------------------------------------------------------------------------ lists
def frameworks(graph: Graph) -> list[dict[str, Any]]:
    return graph.read(
        "MATCH (f:Framework) OPTIONAL MATCH (i:Item)-[:IN_FRAMEWORK]->(f) WHERE i.retired IS NULL "
        "RETURN f.id AS id, f.title AS title, f.version AS version, f.publisher AS publisher, f.language AS language, "
        "f.retired IS NOT NULL AS retired, count(i) AS items ORDER BY retired, id"
    )


def subjects(graph: Graph) -> list[dict[str, Any]]:
    return graph.read(
        "MATCH (s:Subject) RETURN s.code AS code, "
        "{fr: s.name_fr, de: s.name_de, en: s.name_en, lb: s.name_lb} AS names ORDER BY code"
    )


def levels(graph: Graph, *, used_only: bool = True) -> list[dict[str, Any]]:
    return graph.read(
        "MATCH (l:Level) WHERE NOT $used OR EXISTS { (i:Item)-[:FOR_LEVEL]->(l) WHERE i.retired IS NULL } "
        "RETURN l.code AS code, l.order AS order, l.stage AS stage, l.track AS track, "
        "{fr: l.name_fr, de: l.name_de, en: l.name_en, lb: l.name_lb} AS names ORDER BY l.order, l.code",
        used=used_only,
    )


# ------------------------------------------------------------------------------------------------ lesson plans
@dataclass(frozen=True)
class PlanContext:
    """What a lesson plan on one item needs to know about its place in the curriculum."""

    item: ItemHit
    #: Items linked to it by ``precedes`` (taught before it): what pupils should already know.
    prerequisites: list[ItemHit]
    #: Items it ``precedes``: where the lesson leads.
    next_items: list[ItemHit]
    #: Other items of the same type under the same parent (the rest of the strand), in the curriculum's order.
    siblings: list[ItemHit]
    #: Transversal topics the item addresses: code → name per language.
    topics: dict[str, dict[str, str]]

    def topic_names(self, lang: str) -> list[str]:
        return [names.get(lang) or names.get("fr") or code for code, names in self.topics.items()]


def plan_context(graph: Graph, code: str, *, framework: str | None = None, max_siblings: int = 4) -> PlanContext | None:
    """An active item with its direct prerequisites and successors (``precedes``), its siblings and its transversal
    topics, for a lesson plan built on it. One round trip; ``None`` when no active item has this code."""
    rows = graph.read(
        "MATCH (i:Item {code: $code}) WHERE i.retired IS NULL AND ($fw IS NULL OR i.framework = $fw) "
        "WITH i ORDER BY i.framework LIMIT 1 "
        "CALL (i) { OPTIONAL MATCH (a:Item)-[:PRECEDES]->(i) WHERE a.retired IS NULL WITH a ORDER BY a.code "
        f"RETURN [x IN collect({_item_map('a')}) WHERE x.id IS NOT NULL] AS before }} "
        "CALL (i) { OPTIONAL MATCH (i)-[:PRECEDES]->(b:Item) WHERE b.retired IS NULL WITH b ORDER BY b.code "
        f"RETURN [x IN collect({_item_map('b')}) WHERE x.id IS NOT NULL] AS after }} "
        "CALL (i) { OPTIONAL MATCH (i)-[:IS_CHILD_OF]->(:Item)<-[r:IS_CHILD_OF]-(s:Item) "
        "WHERE s.retired IS NULL AND s.id <> i.id AND coalesce(s.type, '') = coalesce(i.type, '') "
        "WITH s, r ORDER BY r.sequence, s.code LIMIT $n "
        f"RETURN [x IN collect({_item_map('s')}) WHERE x.id IS NOT NULL] AS siblings }} "
        "CALL (i) { OPTIONAL MATCH (i)-[:ADDRESSES]->(t:TransversalTopic) WITH t ORDER BY t.code "
        "RETURN [x IN collect({code: t.code, names: {fr: t.name_fr, de: t.name_de, en: t.name_en, lb: t.name_lb}}) "
        "WHERE x.code IS NOT NULL] AS topics } "
        f"RETURN {_item_map('i')} AS item, before, after, siblings, topics",
        code=code,
        fw=framework,
        n=max(0, int(max_siblings)),
    )
    if not rows:
        return None
    r = rows[0]
    return PlanContext(
        item=_hit(r["item"]),
        prerequisites=[_hit(a) for a in r["before"]],
        next_items=[_hit(b) for b in r["after"]],
        siblings=[_hit(s) for s in r["siblings"]],
        topics={t["code"]: {k: v for k, v in t["names"].items() if v} for t in r["topics"]},
    )
