"""The curriculum graph's schema, as ordered migrations (applied once each by ``Graph.migrate``).

Nodes: ``Framework`` (a curriculum document), ``Item`` (domain, competency, learning outcome…),
``Subject``, ``Level``, ``TransversalTopic``. Official relations mirror CASE associations
(``IS_CHILD_OF``, ``PRECEDES``…); moien's own suggestions will use separate ``SUGGESTED_*`` types.
"""

from __future__ import annotations

LANGS = ("fr", "de", "en", "lb")

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "0001-constraints",
        [
            "CREATE CONSTRAINT item_id IF NOT EXISTS FOR (i:Item) REQUIRE i.id IS UNIQUE",
            "CREATE CONSTRAINT framework_id IF NOT EXISTS FOR (f:Framework) REQUIRE f.id IS UNIQUE",
            "CREATE CONSTRAINT subject_code IF NOT EXISTS FOR (s:Subject) REQUIRE s.code IS UNIQUE",
            "CREATE CONSTRAINT level_code IF NOT EXISTS FOR (l:Level) REQUIRE l.code IS UNIQUE",
            "CREATE CONSTRAINT topic_code IF NOT EXISTS FOR (t:TransversalTopic) REQUIRE t.code IS UNIQUE",
            "CREATE INDEX item_code IF NOT EXISTS FOR (i:Item) ON (i.code)",
        ],
    ),
    (
        "0002-fulltext",
        [
            # ASCII folding: a teacher typing "perimetre" without accents still finds "périmètre".
            "CREATE FULLTEXT INDEX item_text IF NOT EXISTS FOR (i:Item) "
            "ON EACH [i.statement_fr, i.statement_de, i.statement_en, i.statement_lb, i.code] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
        ],
    ),
]
