"""Administrative operations that imports never do. Imports retire; only an administrator deletes."""

from __future__ import annotations

from typing import Any

from moien.connectors.neo4j_graph import Graph


def purge_framework(graph: Graph, framework_id: str) -> int:
    """Delete a framework with its items, their versions and import records (tests, mistaken imports).

    Returns the number of items deleted. Subjects, levels and topics stay (other frameworks share them).
    """

    def work(tx: Any) -> int:
        n: int = tx.run("MATCH (i:Item {framework: $fid}) RETURN count(i) AS n", fid=framework_id).single()["n"]
        tx.run("MATCH (i:Item {framework: $fid})-[:HAS_VERSION]->(v:ItemVersion) DETACH DELETE v", fid=framework_id)
        tx.run("MATCH (i:Item {framework: $fid}) DETACH DELETE i", fid=framework_id)
        tx.run("MATCH (m:Import)-[:IMPORTED]->(f:Framework {id: $fid}) DETACH DELETE m", fid=framework_id)
        tx.run("MATCH (f:Framework {id: $fid}) DETACH DELETE f", fid=framework_id)
        return n

    return int(graph.run_in_transaction(work))


def graph_fingerprint(graph: Graph) -> tuple[str, int, int]:
    """(sha256, nodes, relationships) over every node and relationship with its properties.

    Equal fingerprints before and after an operation mean it changed nothing (tests of re-imports and
    failed imports use it). Reads the whole graph: for test and demo sizes.
    """
    import hashlib

    nodes = graph.read("MATCH (n) RETURN elementId(n) AS id, labels(n) AS l, properties(n) AS p ORDER BY id")
    rels = graph.read(
        "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, type(r) AS t, elementId(a) AS a, "
        "elementId(b) AS b, properties(r) AS p ORDER BY id"
    )
    blob = repr(
        [(n["id"], sorted(n["l"]), sorted(n["p"].items())) for n in nodes]
        + [(r["id"], r["t"], r["a"], r["b"], sorted(r["p"].items())) for r in rels]
    )
    return hashlib.sha256(blob.encode()).hexdigest(), len(nodes), len(rels)
