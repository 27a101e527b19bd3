"""A local OpenSearch node, built and started by moien itself (no package manager for servers).

The heritage search's server backend (``MOIEN_HERITAGE__BACKEND=opensearch``) talks to OpenSearch over
HTTP. Point ``MOIEN_HERITAGE__OPENSEARCH_URL`` at an existing cluster, or let moien run this one: the
OpenSearch 2.19.1 server library, its netty4 and analysis-common modules and the k-NN plugin from Maven
Central, run by a tiny Java launcher (``connectors/opensearch_server/``, ``lu.moien.opensearch.LocalNode``)
as a single node on ``127.0.0.1:9200``. Vectors use k-NN's pure-Java ``lucene`` engine, so no native
library is needed.

Layout under ``home`` (normally ``$MOIEN_HOME/opensearch``)::

    dist/                 the built launcher: moien-opensearch.jar, lib/*.jar, .source-sha256
    data/                 indexes
    logs/opensearch.log   the node's output
    logs/build.log        Maven's output of the last build
    opensearch.pid        pid of the running JVM

Needs a JDK 17+ and, for the one-off build, Maven 3.8+ with access to Maven Central or a mirror. Security
is not installed (the node listens on the loopback interface only), and OpenSearch sends no usage data.

The build/start/stop machinery is shared with the local Neo4j (``connectors/java_server.py``); this module
only says what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moien.connectors.java_server import Echo, JavaServerError, LocalJavaServer, ServerStatus, free_port, port_free

__all__ = ["DEFAULT_SOURCE_DIR", "LocalOpenSearch", "OpenSearchServerError", "OpenSearchStatus"]

DEFAULT_SOURCE_DIR = Path(__file__).resolve().parent / "opensearch_server"


class OpenSearchServerError(JavaServerError):
    """Something went wrong; the message says what to do next."""


@dataclass
class OpenSearchStatus:
    running: bool
    pid: int | None
    url: str
    port: int
    data_dir: Path
    message: str


class LocalOpenSearch(LocalJavaServer):
    """Builds, starts, stops and reports on the local OpenSearch node living under ``home``."""

    NAME = "opensearch"
    LABEL = "OpenSearch"
    THING = "the local OpenSearch node"
    ENV = "MOIEN_OPENSEARCH"
    MAIN_CLASS = "lu.moien.opensearch.LocalNode"
    JAR_NAME = "moien-opensearch.jar"
    READY_MARK = "moien-opensearch: ready"
    BUILD_FORMAT = "moien-opensearch-build-1"
    BUILD_NOTE = (
        "the local OpenSearch 2.19 node with Maven (once; the first time it downloads ~55 MB of jars "
        "from Maven Central into ~/.m2)"
    )
    ELSEWHERE = "or point MOIEN_HERITAGE__OPENSEARCH_URL at an existing OpenSearch."
    Error = OpenSearchServerError
    # What OpenSearch's own jvm.options sets for a node (less the GC logging and heap dumps).
    JVM_FLAGS = [
        "-XX:+UseG1GC",
        "-XX:-OmitStackTraceInFastThrow",
        "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8",
        "-Djava.awt.headless=true",
        "-Djna.nosys=true",
        "-Dio.netty.noUnsafe=true",
        "-Dio.netty.noKeySetOptimization=true",
        "-Dio.netty.recycler.maxCapacityPerThread=0",
        "-Dlog4j.shutdownHookEnabled=false",
        "-Dlog4j2.disable.jmx=true",
        "-Dlog4j2.formatMsgNoLookups=true",
    ]

    def __init__(
        self,
        home: Path,
        port: int = 9200,
        host: str = "127.0.0.1",
        heap: str = "512m",
        dist_dir: Path | None = None,
        source_dir: Path = DEFAULT_SOURCE_DIR,
        java_opts: str = "",
    ) -> None:
        super().__init__(home, port, host, heap, dist_dir, source_dir, java_opts)

    @classmethod
    def from_settings(cls, settings: Any) -> LocalOpenSearch:  # moien's Settings (connectors import no core)
        o = settings.opensearch
        return cls(settings.home / "opensearch", port=o.port, heap=o.heap, dist_dir=o.dist_dir, java_opts=o.java_opts)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    address = url

    def start(self, timeout: float = 180, echo: Echo = print) -> OpenSearchStatus:  # a node takes longer than Neo4j
        return _ours(super().start(timeout=timeout, echo=echo))

    def status(self) -> OpenSearchStatus:
        return _ours(super().status())

    def stop(self, timeout: float = 30) -> OpenSearchStatus:
        return _ours(super().stop(timeout=timeout))

    # ------------------------------------------------------------------ what differs from other JVM servers
    def _status(self, running: bool, pid: int | None, message: str) -> OpenSearchStatus:
        return OpenSearchStatus(
            running=running, pid=pid, url=self.url, port=self.port, data_dir=self.data_dir, message=message
        )

    def _launch_args(self) -> list[str]:
        return ["--home", str(self.home), "--address", self.host, "--port", str(self.port)]

    def _probe(self) -> str:
        """'ok' when the node answers its cluster health over HTTP, else 'down'."""
        if port_free(self.host, self.port, connect_only=True):
            return "down"
        import httpx

        try:
            return "ok" if httpx.get(f"{self.url}/_cluster/health", timeout=3).status_code == 200 else "down"
        except httpx.HTTPError:
            return "down"

    def _port_busy_message(self) -> str:
        return (
            f"port {self.port} on {self.host} is already used by another program. Set MOIEN_OPENSEARCH__PORT "
            f"to a free port (e.g. {free_port(self.host)}), or, if that program is an OpenSearch you want to "
            f"use, set MOIEN_HERITAGE__OPENSEARCH_URL=http://{self.host}:{self.port}."
        )

    def _failure_hint(self, log_text: str) -> str | None:
        if "failed to obtain node locks" in log_text:
            return f"another OpenSearch process uses {self.data_dir}; stop it first (`moien opensearch stop`)."
        return None


def _ours(status: ServerStatus) -> OpenSearchStatus:
    """The shared machinery's status, as the OpenSearchStatus :meth:`LocalOpenSearch._status` made it."""
    if not isinstance(status, OpenSearchStatus):
        raise TypeError(f"expected an OpenSearchStatus, got {type(status).__name__}")
    return status
