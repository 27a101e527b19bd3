"""Load moien's demo curriculum (written by the moien authors, see docs/DATA.md) into Neo4j.

The demo is a small CSV in the shape of moien's CSV template: one row per item, statements in four
languages, parent, transversal topics and progression. Loading is idempotent (``MERGE``) and runs in
one transaction, so a failure leaves the graph as it was.
"""

from __future__ import annotations

import csv
from pathlib import Path

from connectors.neo4j_graph import Graph
from curriculum_graph.schema import MIGRATIONS

DEMO_CSV = Path(__file__).parent / "demo" / "demo_curriculum.csv"
FRAMEWORK = {
    "id": "moien-demo-curriculum",
    "title": "moien demo curriculum (enseignement fondamental, cycles 2–4)",
    "publisher": "moien authors (demo data)",
    "version": "2026.1",
    "languages": ["fr", "de", "en", "lb"],
}
SUBJECTS = {
    "MA": {"fr": "Mathématiques", "de": "Mathematik", "en": "Mathematics", "lb": "Mathematik"},
    "SC": {"fr": "Sciences naturelles", "de": "Naturwissenschaften", "en": "Natural sciences", "lb": "Naturwëssenschaften"},
    "CI": {"fr": "Vie et société", "de": "Leben und Gesellschaft", "en": "Life and society", "lb": "Liewen a Gesellschaft"},
}
TOPICS = {
    "digital-literacy": {"fr": "Éducation au numérique", "de": "Digitale Kompetenz", "en": "Digital literacy", "lb": "Digital Kompetenz"},
    "sustainability": {"fr": "Développement durable", "de": "Nachhaltigkeit", "en": "Sustainability", "lb": "Nohaltegkeet"},
    "citizenship": {"fr": "Citoyenneté", "de": "Bürgerschaft", "en": "Citizenship", "lb": "Biergerschaft"},
}


def read_rows(path: Path = DEMO_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for n, row in enumerate(rows, start=2):
        if not row.get("code") or None in row:
            raise ValueError(f"{path}:{n}: malformed row (missing code or wrong number of fields)")
    return rows


def load_demo(graph: Graph, path: Path = DEMO_CSV) -> int:
    """Create the schema and load the demo items; returns the number of items."""
    graph.migrate(MIGRATIONS)
    rows = read_rows(path)
    items = [
        {
            "id": f"{FRAMEWORK['id']}:{r['code']}",
            "code": r["code"],
            "type": r["type"],
            "subject": r["subject"],
            "level": r["level"] or None,
            "parent": f"{FRAMEWORK['id']}:{r['parent_code']}" if r["parent_code"] else None,
            "topics": [t for t in r["topics"].split(";") if t],
            "precedes": [f"{FRAMEWORK['id']}:{c}" for c in r["precedes"].split(";") if c],
            **{f"statement_{lang}": r[f"statement_{lang}"] for lang in ("fr", "de", "en", "lb")},
        }
        for r in rows
    ]

    def work(tx) -> None:
        tx.run(
            "MERGE (f:Framework {id: $f.id}) SET f.title = $f.title, f.publisher = $f.publisher, "
            "f.version = $f.version, f.languages = $f.languages",
            f=FRAMEWORK,
        )
        tx.run(
            "UNWIND $subjects AS s MERGE (n:Subject {code: s.code}) "
            "SET n.name_fr = s.fr, n.name_de = s.de, n.name_en = s.en, n.name_lb = s.lb",
            subjects=[{"code": k, **v} for k, v in SUBJECTS.items()],
        )
        tx.run(
            "UNWIND $topics AS t MERGE (n:TransversalTopic {code: t.code}) "
            "SET n.name_fr = t.fr, n.name_de = t.de, n.name_en = t.en, n.name_lb = t.lb",
            topics=[{"code": k, **v} for k, v in TOPICS.items()],
        )
        tx.run(
            "UNWIND $items AS it MATCH (f:Framework {id: $fid}) "
            "MERGE (i:Item {id: it.id}) "
            "SET i.code = it.code, i.type = it.type, i.subject = it.subject, i.level = it.level, "
            "i.statement_fr = it.statement_fr, i.statement_de = it.statement_de, "
            "i.statement_en = it.statement_en, i.statement_lb = it.statement_lb "
            "MERGE (i)-[:PART_OF]->(f) "
            "WITH i, it MATCH (s:Subject {code: it.subject}) MERGE (i)-[:IN_SUBJECT]->(s) "
            "WITH i, it WHERE it.level IS NOT NULL MERGE (l:Level {code: it.level}) MERGE (i)-[:FOR_LEVEL]->(l)",
            items=items,
            fid=FRAMEWORK["id"],
        )
        tx.run(
            "UNWIND $items AS it WITH it WHERE it.parent IS NOT NULL "
            "MATCH (c:Item {id: it.id}), (p:Item {id: it.parent}) MERGE (c)-[:IS_CHILD_OF]->(p)",
            items=items,
        )
        tx.run(
            "UNWIND $items AS it UNWIND it.precedes AS nxt "
            "MATCH (a:Item {id: it.id}), (b:Item {id: nxt}) MERGE (a)-[:PRECEDES]->(b)",
            items=items,
        )
        tx.run(
            "UNWIND $items AS it UNWIND it.topics AS topic "
            "MATCH (i:Item {id: it.id}), (t:TransversalTopic {code: topic}) MERGE (i)-[:ADDRESSES]->(t)",
            items=items,
        )

    graph.run_in_transaction(work)
    return len(items)
