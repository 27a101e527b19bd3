"""Cross-curricular link discovery: moien *suggests* links between items of different subjects.

Three methods, each scored in [0, 1]:

``shared-topic``      both items address the same transversal topic(s) — Jaccard overlap of their topics,
                      weighted by how close their levels are (same level 1.0, neighbouring 0.6, else 0);
``shared-keywords``   TF-IDF cosine of the content words of their statements (fr + de + en + lb);
``embedding``         cosine similarity of their multilingual-e5 embeddings.

Each suggestion is a ``SUGGESTED_LINK`` relationship — never one of the official CASE types — with
``score``, ``method``, ``evidence`` (the shared topics or words), ``provenance`` (what produced it, with
which settings), ``run``, ``status: 'suggested'``. A reviewer may set ``status`` to ``accepted`` or
``rejected``; a later run leaves reviewed links alone. Pairs that already have an official link are not
suggested. Re-running on an unchanged graph changes nothing.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from moien.connectors.neo4j_graph import Graph
from moien.curriculum_graph.schema import OFFICIAL_REL_TYPES, SUGGESTED_REL_TYPE
from moien.lang import fold_nocache

VERSION = "moien link discovery 1"
METHODS = ("shared-topic", "shared-keywords", "embedding")
DEFAULT_MIN_SCORE = {"shared-topic": 0.5, "shared-keywords": 0.22, "embedding": 0.875}

# Short function words of fr/de/en/lb that TF-IDF would otherwise weigh; content words stay.
_STOP = set(
    """
les des une dans pour avec sur par aux est son ses leur leurs qui que quoi dont cette ces plus ainsi
der die das den dem des und mit für von zum zur ein eine einer eines einem auf aus bei sich ihre ihren
the and for with from into their its this that these those using
den dat déi eng engem enger mat fir vun an op aus sech hir
""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    # fold_nocache: each statement is folded once per run; remembering them all would only hold memory.
    return [w for w in _WORD.findall(fold_nocache(text)) if len(w) >= 4 and w not in _STOP and not w.isdigit()]


@dataclass
class DiscoveryReport:
    run: str
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    items: int = 0

    def summary(self) -> str:
        parts = []
        for m in sorted(set(self.created) | set(self.updated) | set(self.removed) | set(self.unchanged)):
            parts.append(
                f"{m}: +{self.created.get(m, 0)} ~{self.updated.get(m, 0)} "
                f"−{self.removed.get(m, 0)} ={self.unchanged.get(m, 0)}"
            )
        return f"suggested links over {self.items} items — " + ("; ".join(parts) or "none")


#: Scores by pair of item positions: (score, evidence).
_Scores = dict[tuple[int, int], tuple[float, list[str]]]


def _level_closeness(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.5
    d = min(abs(x - y) for x in a for y in b)
    return 1.0 if d == 0 else 0.6 if d == 1 else 0.0


def _top_pairs(scores: _Scores, top_k: int, min_score: float) -> _Scores:
    """Keep a pair if it is among the top_k of either of its items and at least min_score."""
    per: dict[int, list[tuple[float, tuple[int, int]]]] = defaultdict(list)
    for pair, (s, _) in scores.items():
        if s >= min_score:
            per[pair[0]].append((s, pair))
            per[pair[1]].append((s, pair))
    keep = set()
    for lst in per.values():
        lst.sort(key=lambda x: (-x[0], x[1]))
        keep |= {p for _, p in lst[:top_k]}
    return {p: scores[p] for p in keep}


def discover_links(
    graph: Graph,
    *,
    methods: tuple[str, ...] = METHODS,
    top_k: int = 3,
    min_score: dict[str, float] | None = None,
    types: tuple[str, ...] = ("Competency",),
    framework: str | None = None,
    cross_subject: bool = True,
) -> DiscoveryReport:
    """Compute suggestions with each method and bring the graph's SUGGESTED_LINKs in line with them."""
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"unknown method {m!r}; use {', '.join(METHODS)}")
    thresholds = {**DEFAULT_MIN_SCORE, **(min_score or {})}
    rows = _discovery_items(graph, types, framework)
    report = DiscoveryReport(run=uuid.uuid4().hex[:12], items=len(rows))
    subj = [r["subject"] for r in rows]

    def allowed(a: int, b: int) -> bool:
        return not cross_subject or bool(subj[a] and subj[b] and subj[a] != subj[b])

    results: dict[str, _Scores] = {}
    if "shared-topic" in methods:
        results["shared-topic"] = _top_pairs(_shared_topic_scores(rows, allowed), top_k, thresholds["shared-topic"])
    if "shared-keywords" in methods and rows:
        scores = _shared_keyword_scores(rows, allowed)
        results["shared-keywords"] = _top_pairs(scores, top_k, thresholds["shared-keywords"])
    if "embedding" in methods:
        scores = _embedding_scores(rows, allowed, top_k, thresholds["embedding"])
        results["embedding"] = _top_pairs(scores, top_k, thresholds["embedding"])
    sync = _SuggestionSync(graph, report, [r["id"] for r in rows], framework)
    for method, pairs in results.items():
        sync.method(method, pairs, _provenance(method, thresholds[method], top_k, cross_subject))
    return report


def _discovery_items(graph: Graph, types: tuple[str, ...], framework: str | None) -> list[dict[str, Any]]:
    """The active items to compare (by id): subject, level orders, topics, statements, embedding."""
    return graph.read(
        "MATCH (i:Item) WHERE i.retired IS NULL AND (size($types) = 0 OR i.type IN $types) "
        "AND ($fw IS NULL OR i.framework = $fw) "
        "RETURN i.id AS id, i.subject AS subject, [(i)-[:FOR_LEVEL]->(l) | l.order] AS orders, "
        "[(i)-[:ADDRESSES]->(t) | t.code] AS topics, i.statement AS s, "
        "[x IN [i.statement_fr, i.statement_de, i.statement_en, i.statement_lb] WHERE x IS NOT NULL] AS st, "
        "i.embedding AS v ORDER BY i.id",
        types=list(types),
        fw=framework,
    )


def _shared_topic_scores(rows: list[dict[str, Any]], allowed: Callable[[int, int], bool]) -> _Scores:
    """Jaccard overlap of two items' transversal topics, weighted by how close their levels are."""
    by_topic: dict[str, list[int]] = defaultdict(list)
    for k, r in enumerate(rows):
        for t in r["topics"]:
            by_topic[t].append(k)
    scores: _Scores = {}
    for members in by_topic.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if (a, b) in scores or not allowed(a, b):
                    continue
                ta, tb = set(rows[a]["topics"]), set(rows[b]["topics"])
                s = len(ta & tb) / len(ta | tb) * _level_closeness(rows[a]["orders"], rows[b]["orders"])
                if s > 0:
                    scores[(a, b)] = (round(s, 4), sorted(ta & tb))
    return scores


def _shared_keyword_scores(rows: list[dict[str, Any]], allowed: Callable[[int, int], bool]) -> _Scores:
    """TF-IDF cosine of the content words of two items' statements (every language), with the words shared."""
    n = len(rows)
    docs = [Counter(_words(" ".join(r["st"] or [r["s"] or ""]))) for r in rows]
    df = Counter(w for d in docs for w in d)
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
    vecs = []
    for d in docs:
        v = {w: c * idf[w] for w, c in d.items() if df[w] < n * 0.2}  # words in >20% of items say little
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({w: x / norm for w, x in v.items()})
    postings: dict[str, list[int]] = defaultdict(list)
    for k, v in enumerate(vecs):
        for w in v:
            postings[w].append(k)
    acc: dict[tuple[int, int], float] = defaultdict(float)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    for w, members in postings.items():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if allowed(a, b):
                    acc[(a, b)] += vecs[a][w] * vecs[b][w]
                    shared[(a, b)].append(w)
    return {p: (round(s, 4), sorted(shared[p])[:8]) for p, s in acc.items()}


def _embedding_scores(
    rows: list[dict[str, Any]], allowed: Callable[[int, int], bool], top_k: int, min_score: float
) -> _Scores:
    """Cosine similarity of the items' embeddings: each item's nearest candidates, in blocks of 1024 rows."""
    have = [k for k, r in enumerate(rows) if r["v"] is not None]
    scores: _Scores = {}
    if not have:
        return scores
    mat = np.asarray([rows[k]["v"] for k in have], dtype=np.float32)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
    step = 1024
    for start in range(0, len(have), step):
        sims = mat[start : start + step] @ mat.T
        for x in range(sims.shape[0]):
            a = have[start + x]
            row = sims[x]
            cand = np.argpartition(-row, min(top_k * 4 + 1, len(have) - 1))[: top_k * 4 + 1]
            for y in cand:
                b = have[int(y)]
                if b == a or not allowed(a, b) or row[y] < min_score:
                    continue
                pair = (min(a, b), max(a, b))
                scores[pair] = (round(float(row[y]), 4), [])
    return scores


def _provenance(method: str, min_score: float, top_k: int, cross_subject: bool) -> str:
    """What produced a method's suggestions, with which settings (stored on each link)."""
    settings = f"min_score={min_score}, top_k={top_k}, cross_subject={cross_subject}"
    if method == "embedding":
        from moien.curriculum_graph.embeddings import MODEL_ID

        settings += f", model={MODEL_ID}"
    return f"{VERSION}; method={method}; {settings}"


class _SuggestionSync:
    """Brings the graph's SUGGESTED_LINKs of each method in line with the pairs computed now.

    Pairs with an official link are never suggested; a pair the curriculum team rejected (under any method) is
    not proposed again; reviewed links are left alone; only suggestions in scope (the framework) are removed.
    """

    def __init__(self, graph: Graph, report: DiscoveryReport, ids: list[str], framework: str | None) -> None:
        self.graph, self.report, self.ids, self.framework = graph, report, ids, framework
        self.now = datetime.now(UTC)
        self.official = self._pairs(
            "MATCH (a:Item)-[r]-(b:Item) WHERE type(r) IN $types AND a.id < b.id RETURN a.id AS a, b.id AS b",
            types=list(OFFICIAL_REL_TYPES),
        )
        self.rejected = self._pairs(
            f"MATCH (a:Item)-[r:{SUGGESTED_REL_TYPE} {{status: 'rejected'}}]->(b:Item) RETURN a.id AS a, b.id AS b"
        )

    def _pairs(self, cypher: str, **params: Any) -> set[tuple[str, ...]]:
        """Item id pairs, each in sorted order."""
        return {tuple(sorted((r["a"], r["b"]))) for r in self.graph.read(cypher, **params)}

    def method(self, method: str, pairs: _Scores, provenance: str) -> None:
        """One method: create, update and remove its suggestions in one transaction; count them in the report."""
        wanted = self._wanted(pairs)
        existing = self._existing(method)
        create, update, remove = [], [], []
        unchanged = 0
        for key, (score, evidence) in wanted.items():
            cur = existing.get(key)
            if cur is None:
                if key in self.rejected:  # rejected under another method: not proposed again by this one
                    continue
                create.append({"a": key[0], "b": key[1], "score": score, "evidence": evidence})
            elif cur["status"] == "suggested" and (
                cur["score"] != score or list(cur["evidence"]) != evidence or cur["provenance"] != provenance
            ):
                update.append({"a": key[0], "b": key[1], "score": score, "evidence": evidence})
            else:
                unchanged += 1
        for key, cur in existing.items():
            if key not in wanted and cur["status"] == "suggested" and cur["in_scope"]:
                remove.append({"a": key[0], "b": key[1]})
        if create or update or remove:
            self._write(method, provenance, create + update, remove)
        self.report.created[method] = len(create)
        self.report.updated[method] = len(update)
        self.report.removed[method] = len(remove)
        self.report.unchanged[method] = unchanged

    def _wanted(self, pairs: _Scores) -> dict[tuple[str, str], tuple[float, list[str]]]:
        """The computed pairs as (smaller id, larger id), without those that have an official link."""
        ids = self.ids
        wanted = {}
        for (a, b), (score, evidence) in pairs.items():
            key = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
            if key in self.official:
                continue
            wanted[key] = (score, evidence)
        return wanted

    def _existing(self, method: str) -> dict[tuple[str, str], dict[str, Any]]:
        """The method's suggestions in the graph, with their review status and whether they are in scope."""
        rows = self.graph.read(
            f"MATCH (a:Item)-[r:{SUGGESTED_REL_TYPE} {{method: $m}}]->(b:Item) "
            "RETURN a.id AS a, b.id AS b, r.score AS score, coalesce(r.evidence, []) AS evidence, "
            "r.status AS status, r.provenance AS provenance, "
            "($fw IS NULL OR a.framework = $fw OR b.framework = $fw) AS in_scope",
            m=method,
            fw=self.framework,
        )
        return {(r["a"], r["b"]): r for r in rows}

    def _write(self, method: str, provenance: str, upsert: list[dict[str, Any]], remove: list[dict[str, Any]]) -> None:
        """Removals, then creations and updates (a MERGE), in one transaction."""

        def work(tx: Any) -> None:
            if remove:
                tx.run(
                    f"UNWIND $rows AS x MATCH (:Item {{id: x.a}})-[r:{SUGGESTED_REL_TYPE} {{method: $m}}]->"
                    "(:Item {id: x.b}) DELETE r",
                    rows=remove,
                    m=method,
                )
            if upsert:
                tx.run(
                    f"UNWIND $rows AS x MATCH (a:Item {{id: x.a}}), (b:Item {{id: x.b}}) "
                    f"MERGE (a)-[r:{SUGGESTED_REL_TYPE} {{method: $m}}]->(b) "
                    "ON CREATE SET r.created_at = $now, r.status = 'suggested' "
                    "SET r.score = x.score, r.evidence = x.evidence, r.provenance = $prov, r.run = $run, "
                    "r.updated_at = $now, r.official = false",
                    rows=upsert,
                    m=method,
                    prov=provenance,
                    run=self.report.run,
                    now=self.now,
                )

        self.graph.run_in_transaction(work)


REVIEW_STATUSES = ("suggested", "accepted", "rejected")


def suggested_links(
    graph: Graph, *, method: str | None = None, limit: int = 100, status: str | None = None
) -> list[dict[str, Any]]:
    """The strongest suggestions (for a review screen), each labelled ``kind: 'suggested'``.

    ``status``: only those still ``suggested`` (waiting for review), ``accepted`` or ``rejected``.
    """
    if status is not None and status not in REVIEW_STATUSES:
        raise ValueError(f"status is one of {', '.join(REVIEW_STATUSES)}")
    return graph.read(
        f"MATCH (a:Item)-[r:{SUGGESTED_REL_TYPE}]->(b:Item) WHERE a.retired IS NULL AND b.retired IS NULL "
        "AND ($m IS NULL OR r.method = $m) AND ($status IS NULL OR r.status = $status) "
        "RETURN 'suggested' AS kind, a.code AS from_code, a.subject AS from_subject, b.code AS to_code, "
        "b.subject AS to_subject, r.method AS method, r.score AS score, r.evidence AS evidence, "
        "r.provenance AS provenance, r.status AS status, r.reviewed_at AS reviewed_at, "
        "r.review_note AS review_note ORDER BY r.score DESC, from_code, to_code LIMIT $limit",
        m=method,
        limit=limit,
        status=status,
    )


class ReviewError(ValueError):
    """A review names items or a link that do not exist; ``str()`` says which (in English), ``reason`` and
    ``params`` let a user interface say it in its own language."""

    def __init__(self, message: str, reason: str, **params: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


def review_link(
    graph: Graph,
    code_a: str,
    code_b: str,
    decision: str,
    *,
    method: str | None = None,
    note: str | None = None,
    reviewer: str | None = None,
) -> int:
    """Record a curriculum team's decision on moien's suggestion(s) between two items (either direction).

    ``decision``: ``accepted``, ``rejected`` or ``suggested`` (undo). The link stays a ``SUGGESTED_LINK``
    either way — accepting says a teacher team finds it useful, it does not make it part of the official
    curriculum, which only its publisher changes — and later discovery runs leave reviewed links alone.
    Returns how many suggestions (one per method) were updated; raises :class:`ReviewError` when there is none.
    """
    if decision not in REVIEW_STATUSES:
        raise ReviewError(
            f"decision is one of {', '.join(REVIEW_STATUSES)}, not {decision!r}", "bad_decision", decision=decision
        )
    known = {
        r["code"]
        for r in graph.read(
            "UNWIND $codes AS c MATCH (i:Item {code: c}) WHERE i.retired IS NULL RETURN DISTINCT i.code AS code",
            codes=[code_a, code_b],
        )
    }
    for code in (code_a, code_b):
        if code not in known:
            raise ReviewError(
                f"no active item with the code {code!r}; check it with `moien curriculum search`", "no_item", code=code
            )
    rows = graph.write(
        f"MATCH (a:Item {{code: $x}})-[r:{SUGGESTED_REL_TYPE}]-(b:Item {{code: $y}}) "
        "WHERE a.retired IS NULL AND b.retired IS NULL AND ($m IS NULL OR r.method = $m) "
        "SET r.status = $d, r.reviewed_at = CASE WHEN $d = 'suggested' THEN null ELSE $now END, "
        "r.review_note = CASE WHEN $d = 'suggested' THEN null ELSE $note END, "
        "r.reviewed_by = CASE WHEN $d = 'suggested' THEN null ELSE $who END "
        "RETURN count(r) AS n",
        x=code_a,
        y=code_b,
        m=method,
        d=decision,
        now=datetime.now(UTC),
        note=note,
        who=reviewer,
    )
    n = rows[0]["n"] if rows else 0
    if not n:
        via = f" by the method {method}" if method else ""
        raise ReviewError(
            f"moien has suggested no link between {code_a} and {code_b}{via}; list the suggestions "
            "with `moien curriculum review`",
            "no_link",
            a=code_a,
            b=code_b,
        )
    return n


__all__ = [
    "DEFAULT_MIN_SCORE",
    "METHODS",
    "REVIEW_STATUSES",
    "DiscoveryReport",
    "ReviewError",
    "discover_links",
    "review_link",
    "suggested_links",
]
