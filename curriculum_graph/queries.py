"""Typed, parameterised read queries over the curriculum graph."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from connectors.neo4j_graph import Graph

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class ItemHit:
    id: str
    code: str
    type: str
    subject: str | None
    level: str | None
    statements: dict[str, str]
    score: float = 0.0
    parent_code: str | None = None
    topics: list[str] = field(default_factory=list)
    next_codes: list[str] = field(default_factory=list)

    def statement(self, lang: str) -> str:
        return self.statements.get(lang) or self.statements.get("fr") or next(iter(self.statements.values()), "")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def lucene_query(text: str, stopwords: set[str] = frozenset()) -> str:
    """An OR query of the message's words. Words are ``\\w+`` only, so nothing needs escaping."""
    terms = [w for w in _WORD.findall(_fold(text)) if len(w) > 2 and w not in stopwords]
    # fuzzy match (~1) so that "multiplikation" finds "multiplication"
    return " OR ".join(f"{t} OR {t}~1" if len(t) > 5 else t for t in dict.fromkeys(terms))


_ITEM_FIELDS = (
    "i.id AS id, i.code AS code, i.type AS type, i.subject AS subject, i.level AS level, "
    "{fr: i.statement_fr, de: i.statement_de, en: i.statement_en, lb: i.statement_lb} AS statements, "
    "[(i)-[:IS_CHILD_OF]->(p) | p.code][0] AS parent_code, "
    "[(i)-[:ADDRESSES]->(t) | t.code] AS topics, "
    "[(i)-[:PRECEDES]->(n) | n.code] AS next_codes"
)


def search_items(graph: Graph, text: str, *, limit: int = 5, min_score: float = 0.0,
                 stopwords: set[str] = frozenset(), types: tuple[str, ...] = ()) -> list[ItemHit]:
    query = lucene_query(text, stopwords)
    if not query:
        return []
    rows = graph.read(
        "CALL db.index.fulltext.queryNodes('item_text', $q, {limit: $limit * 4}) YIELD node AS i, score "
        "WHERE score >= $min_score AND (size($types) = 0 OR i.type IN $types) "
        f"RETURN {_ITEM_FIELDS}, score ORDER BY score DESC LIMIT $limit",
        q=query, limit=limit, min_score=min_score, types=list(types),
    )
    return [ItemHit(**{**r, "statements": {k: v for k, v in r["statements"].items() if v}}) for r in rows]


def get_item(graph: Graph, code: str) -> ItemHit | None:
    rows = graph.read(f"MATCH (i:Item {{code: $code}}) RETURN {_ITEM_FIELDS}, 0.0 AS score LIMIT 1", code=code)
    if not rows:
        return None
    r = rows[0]
    return ItemHit(**{**r, "statements": {k: v for k, v in r["statements"].items() if v}})


def count_items(graph: Graph) -> int:
    return graph.read("MATCH (i:Item) RETURN count(i) AS n")[0]["n"]
