"""A local Neo4j server, built and started by moien itself (no package manager for servers).

Neo4j Community 5.26 LTS ships on Maven Central as libraries. ``connectors/neo4j_server/`` holds a
tiny Java launcher (``lu.moien.neo4j.EmbeddedServer``) that runs that engine with the Bolt
connector on ``host:port``; the official ``neo4j`` driver then talks to ``bolt://host:port``
exactly as to a packaged server, a cluster or Aura.

Layout under ``home`` (normally ``$MOIEN_HOME/neo4j``)::

    dist/            the built launcher: moien-neo4j.jar, lib/*.jar, .source-sha256
    data/            databases and transaction logs
    logs/neo4j.log   the launcher's output (logs/debug.log etc. are Neo4j's own)
    logs/build.log   Maven's output of the last build
    neo4j.pid        pid of the running JVM
    password         password of user ``neo4j`` (mode 0600), generated on first start

Needs a JDK 17+ (``java``) and, for the one-off build, Maven 3.8+ (``mvn``) with access to
Maven Central or a mirror. Nothing else leaves the host: the launcher turns usage reporting off.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moien.connectors.java_server import _SIZE_RE, JavaServerError, LocalJavaServer, _port_free

__all__ = ["DEFAULT_SOURCE_DIR", "LocalNeo4j", "Neo4jServerError", "Neo4jStatus", "auto_heap"]

DEFAULT_SOURCE_DIR = Path(__file__).resolve().parent / "neo4j_server"
USER = "neo4j"


class Neo4jServerError(JavaServerError):
    """Something went wrong; the message says what to do next."""


@dataclass
class Neo4jStatus:
    running: bool
    pid: int | None
    uri: str
    port: int
    data_dir: Path
    message: str


def auto_heap() -> str:
    """The JVM heap when none is configured: an eighth of the machine's memory, from 768m up to 4g.

    One import is one transaction, and Neo4j lets a transaction use up to 70 % of the heap: 768m holds
    about 15,000 new items, 4g about 60,000 (a 600,000-triple ontology). A fixed small default made large
    imports fail on machines that had the memory.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "768m"
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:  # a container's memory limit, when it is lower than the machine's memory
            limit = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            total = min(total, int(limit))
    mb = max(768, min(4096, total // 8 // (1024 * 1024)))
    return f"{mb}m"


class LocalNeo4j(LocalJavaServer):
    """Builds, starts, stops and reports on the local Neo4j server living under ``home``."""

    NAME = "neo4j"
    LABEL = "Neo4j"
    THING = "the local Neo4j server"
    ENV = "MOIEN_NEO4J"
    MAIN_CLASS = "lu.moien.neo4j.EmbeddedServer"
    JAR_NAME = "moien-neo4j.jar"
    READY_MARK = "moien-neo4j: ready"
    BUILD_FORMAT = "moien-neo4j-build-1"
    BUILD_NOTE = (
        "the local Neo4j 5.26 server with Maven (once; the first time it downloads ~125 MB of jars from "
        "Maven Central into ~/.m2)"
    )
    ELSEWHERE = "or point NEO4J_URI at an existing Neo4j server."
    Error = Neo4jServerError
    # JVM flags a packaged Neo4j 5 also uses (its conf/neo4j.conf): without the --add-opens the
    # page cache and the transaction log fall back to slower paths and warn in debug.log.
    JVM_FLAGS = [
        "-XX:+UseG1GC",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8",
        "-Djdk.nio.maxCachedBufferSize=1024",
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Dlog4j2.disable.jmx=true",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    ]

    def __init__(
        self,
        home: Path,
        port: int = 7687,
        host: str = "127.0.0.1",
        heap: str = "auto",
        dist_dir: Path | None = None,
        source_dir: Path = DEFAULT_SOURCE_DIR,
        pagecache: str = "256m",
        java_opts: str = "",
    ) -> None:
        super().__init__(home, port, host, auto_heap() if heap == "auto" else heap, dist_dir, source_dir, java_opts)
        self.pagecache = pagecache
        if not _SIZE_RE.match(pagecache):
            raise Neo4jServerError(f"Neo4j pagecache size {pagecache!r} is not a size like 256m or 1g.")

    # ------------------------------------------------------------------ identity
    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        return f"bolt://{host}:{self.port}"

    address = uri

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def auth(self) -> tuple[str, str] | None:
        """Credentials for the driver: ``("neo4j", password)``; None before the first start."""
        try:
            password = self.password_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return (USER, password) if password else None

    def driver(self, **kwargs: Any) -> Any:
        """A ``neo4j.Driver`` for this server (the caller closes it)."""
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.uri, auth=self.auth(), **kwargs)

    # ------------------------------------------------------------------ what differs from other JVM servers
    def _status(self, running: bool, pid: int | None, message: str) -> Neo4jStatus:
        return Neo4jStatus(
            running=running, pid=pid, uri=self.uri, port=self.port, data_dir=self.data_dir, message=message
        )

    def _prepare(self) -> None:
        self._ensure_password()

    def _launch_args(self) -> list[str]:
        return [
            "--home",
            str(self.home),
            "--data-dir",
            str(self.data_dir),
            "--address",
            self.host,
            "--port",
            str(self.port),
            "--pagecache",
            self.pagecache,
            "--password-file",
            str(self.password_file),
        ]

    def _auth_refused(self, pid: int) -> str:
        return (
            f"the server on {self.uri} refuses the password in {self.password_file}; restart it "
            "(`moien neo4j stop`, then start) so the launcher applies that password again; if that does not "
            f"help, see {self.log_file}."
        )

    def _failure_hint(self, log_text: str) -> str | None:
        if "storelock" in log_text or "lock file has been locked" in log_text or "already locked" in log_text:
            return (
                f"another Neo4j process is using {self.data_dir}. Stop it first "
                "(`moien neo4j stop`, or find it with `ps aux | grep EmbeddedServer`)."
            )
        return None

    def _ensure_password(self) -> str:
        existing = self.auth()
        if existing:
            if self.password_file.stat().st_mode & 0o077:
                os.chmod(self.password_file, 0o600)
            return existing[1]
        password = secrets.token_urlsafe(24)
        self.password_file.unlink(missing_ok=True)  # an empty file
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(password + "\n")
        return password

    def _probe(self) -> str:
        """'ok', 'auth' (answers but refuses our password) or 'down'."""
        if _port_free(self.host, self.port, connect_only=True):
            return "down"
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

        try:
            with GraphDatabase.driver(
                self.uri, auth=self.auth(), connection_timeout=3, max_connection_pool_size=1
            ) as drv:
                drv.verify_connectivity()
            return "ok"
        except AuthError:
            return "auth"
        except (ServiceUnavailable, Neo4jError, DriverError, OSError):
            return "down"
