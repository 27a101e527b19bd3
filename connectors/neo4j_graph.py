"""The Neo4j connection: one driver per process, schema migrations, and errors that say what to do.

Works the same against the local server moien starts (``moien neo4j start``) and against any Neo4j
the ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD`` variables point at (container, cluster, Aura).
Only parameterised Cypher is sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, DatabaseUnavailable, ServiceUnavailable, SessionExpired

log = logging.getLogger("moien.neo4j")

#: The errors that mean "the graph is not reachable right now" (as opposed to a bad query).
UNAVAILABLE_ERRORS = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, AuthError, OSError)


class GraphUnavailable(RuntimeError):
    """Neo4j cannot be reached; the message says what to do next."""


@dataclass(frozen=True)
class GraphTarget:
    uri: str
    auth: tuple[str, str] | None
    database: str | None = None


def target_from_settings(settings: Any) -> GraphTarget:  # Any: connectors never import the core (its Settings)
    n = settings.neo4j
    if n.uri:
        auth = (n.user or "neo4j", n.password) if n.password else None
        return GraphTarget(n.uri, auth, n.database)
    from moien.connectors.neo4j_server import LocalNeo4j

    local = LocalNeo4j(
        settings.neo4j_home, port=n.port, heap=n.heap, dist_dir=n.dist_dir, pagecache=n.pagecache, java_opts=n.java_opts
    )
    return GraphTarget(local.uri, local.auth(), n.database)


class Graph:
    """A thin wrapper around the official driver: reads, writes and migrations."""

    def __init__(self, target: GraphTarget) -> None:
        self.target = target
        self._driver: Driver | None = None
        self._lock = threading.Lock()

    @property
    def driver(self) -> Driver:
        with self._lock:
            if self._driver is None:
                self._driver = GraphDatabase.driver(
                    self.target.uri,
                    auth=self.target.auth,
                    connection_timeout=3.0,  # fail fast: a chat turn must not hang on a dead server
                    connection_acquisition_timeout=5.0,
                    max_transaction_retry_time=2.0,
                    notifications_min_severity="OFF",  # schema/perf hints are for developers, not chat turns
                )
            return self._driver

    def _unavailable(self, exc: Exception) -> GraphUnavailable:
        hint = (
            "start the local server with `moien neo4j start`"
            if self.target.uri.startswith("bolt://127.0.0.1") or self.target.uri.startswith("bolt://localhost")
            else "check NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD"
        )
        return GraphUnavailable(f"Neo4j at {self.target.uri} is not reachable ({type(exc).__name__}): {hint}.")

    def read(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        try:
            records, _, _ = self.driver.execute_query(cypher, params, database_=self.target.database, routing_="r")
        except UNAVAILABLE_ERRORS as exc:
            raise self._unavailable(exc) from exc
        return [r.data() for r in records]

    def write(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        try:
            records, _, _ = self.driver.execute_query(cypher, params, database_=self.target.database)
        except UNAVAILABLE_ERRORS as exc:
            raise self._unavailable(exc) from exc
        return [r.data() for r in records]

    def run_in_transaction(self, work: Callable[[Any], Any]) -> Any:
        """Run ``work(tx)`` in one write transaction: all of it lands, or nothing does."""
        try:
            with self.driver.session(database=self.target.database) as session:
                return session.execute_write(work)
        except UNAVAILABLE_ERRORS as exc:
            raise self._unavailable(exc) from exc

    def ping(self) -> bool:
        try:
            self.driver.verify_connectivity()
            return True
        except Exception:
            return False

    def migrate(self, migrations: Iterable[tuple[str, list[str]]]) -> list[str]:
        """Apply each (id, statements) migration once, in order; returns the ids applied now."""
        self.write("CREATE CONSTRAINT moien_migration_id IF NOT EXISTS FOR (m:MoienMigration) REQUIRE m.id IS UNIQUE")
        done = {r["id"] for r in self.read("MATCH (m:MoienMigration) RETURN m.id AS id")}
        applied = []
        for mig_id, statements in migrations:
            if mig_id in done:
                continue
            for statement in statements:  # schema commands cannot share a transaction with writes
                self.write(statement)
            self.write("MERGE (m:MoienMigration {id: $id}) SET m.applied_at = datetime()", id=mig_id)
            applied.append(mig_id)
            log.info("applied migration %s", mig_id)
        return applied

    def close(self) -> None:
        with self._lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None


_graphs: dict[GraphTarget, Graph] = {}
_graphs_lock = threading.Lock()


def get_graph(settings: Any) -> Graph:
    """The process-wide Graph for these settings."""
    target = target_from_settings(settings)
    with _graphs_lock:
        if target not in _graphs:
            _graphs[target] = Graph(target)
        return _graphs[target]
