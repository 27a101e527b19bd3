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

The build/start/stop machinery is the same as the local Neo4j's (``connectors/neo4j_server.py``): this
module reuses its helpers (file lock, port checks, log tail) and only says what differs.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from connectors.neo4j_server import (
    _CHILDREN,
    _SIZE_RE,
    _file_lock,
    _free_port,
    _indent,
    _log_has,
    _port_free,
    _reap,
    _rotate,
    _tail,
    _write_atomic,
)

__all__ = ["LocalOpenSearch", "OpenSearchServerError", "OpenSearchStatus", "DEFAULT_SOURCE_DIR"]

DEFAULT_SOURCE_DIR = Path(__file__).resolve().parent / "opensearch_server"
MAIN_CLASS = "lu.moien.opensearch.LocalNode"
JAR_NAME = "moien-opensearch.jar"
READY_MARK = "moien-opensearch: ready"
_HASH_FILE = ".source-sha256"
_BUILD_FORMAT = "moien-opensearch-build-1"  # bump to force a rebuild when the build recipe changes

# What OpenSearch's own jvm.options sets for a node (less the GC logging and heap dumps).
_JVM_FLAGS = [
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

Echo = Callable[[str], object]


class OpenSearchServerError(RuntimeError):
    """Something went wrong; the message says what to do next."""


@dataclass
class OpenSearchStatus:
    running: bool
    pid: int | None
    url: str
    port: int
    data_dir: Path
    message: str


class LocalOpenSearch:
    """Builds, starts, stops and reports on the local OpenSearch node living under ``home``."""

    def __init__(self, home: Path, port: int = 9200, host: str = "127.0.0.1", heap: str = "512m",
                 dist_dir: Path | None = None, source_dir: Path = DEFAULT_SOURCE_DIR) -> None:
        self.home = Path(home).expanduser().absolute()
        self.port = int(port)
        self.host = host
        self.heap = heap
        self.dist_dir = Path(dist_dir).expanduser().absolute() if dist_dir else self.home / "dist"
        self.source_dir = Path(source_dir).expanduser().absolute()
        if not 0 < self.port < 65536:
            raise OpenSearchServerError(f"OpenSearch port {port} is not a TCP port; set MOIEN_OPENSEARCH__PORT.")
        if not _SIZE_RE.match(heap):
            raise OpenSearchServerError(f"OpenSearch heap {heap!r} is not a size like 512m or 1g; "
                                        "fix MOIEN_OPENSEARCH__HEAP.")

    @classmethod
    def from_settings(cls, settings) -> "LocalOpenSearch":  # settings: assistants.core.config.Settings
        o = settings.opensearch
        return cls(settings.home / "opensearch", port=o.port, heap=o.heap, dist_dir=o.dist_dir)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        return f"http://{host}:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "opensearch.log"

    @property
    def build_log(self) -> Path:
        return self.home / "logs" / "build.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "opensearch.pid"

    # ------------------------------------------------------------------ build
    def ensure_built(self, echo: Echo = print) -> Path:
        """Builds the launcher into ``dist_dir`` unless it is already built from the current sources."""
        digest = self._source_digest()
        if self._built_digest() == digest:
            return self.dist_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise OpenSearchServerError(
                "Maven (mvn) is needed once to build the local OpenSearch node but is not on PATH. Install "
                "Maven 3.8+ and a JDK 17 (e.g. `apt-get install maven openjdk-17-jdk-headless`), or point "
                "MOIEN_HERITAGE__OPENSEARCH_URL at an existing OpenSearch.")
        self._java()
        self.dist_dir.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.dist_dir.parent / f".{self.dist_dir.name}.lock"):
            if self._built_digest() == digest:  # built by someone else while we waited
                return self.dist_dir
            self._build(mvn, digest, echo)
        return self.dist_dir

    def _build(self, mvn: str, digest: str, echo: Echo) -> None:
        staging = self.dist_dir.parent / f".{self.dist_dir.name}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        self.build_log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [mvn, "-q", "-B", "-ntp", "-Dstyle.color=never", "-f", str(self.source_dir / "pom.xml"), "package",
               f"-Dmoien.dist.dir={staging}", f"-Dmoien.build.dir={staging / 'build'}"]
        echo("opensearch: building the local OpenSearch 2.19 node with Maven (once; the first time it downloads "
             f"~55 MB of jars from Maven Central into ~/.m2); log: {self.build_log}")
        started = time.monotonic()
        with open(self.build_log, "w", encoding="utf-8") as log:
            log.write("$ " + shlex.join(cmd) + "\n")
            log.flush()
            proc = subprocess.run(cmd, cwd=self.source_dir, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT, check=False)
        if proc.returncode != 0 or not (staging / JAR_NAME).is_file() or not (staging / "lib").is_dir():
            shutil.rmtree(staging, ignore_errors=True)
            raise OpenSearchServerError(
                f"building the local OpenSearch node failed (mvn exit status {proc.returncode}).\n"
                + _indent(_tail(self.build_log, 25)) + f"\nFull log: {self.build_log}. Check that Maven Central "
                "(or the mirror in ~/.m2/settings.xml) is reachable and `java -version` says 17 or newer.")
        shutil.rmtree(staging / "build", ignore_errors=True)
        (staging / _HASH_FILE).write_text(digest + "\n", encoding="utf-8")
        old = self.dist_dir.parent / f".{self.dist_dir.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.dist_dir.exists():
            self.dist_dir.rename(old)
        staging.rename(self.dist_dir)
        shutil.rmtree(old, ignore_errors=True)
        echo(f"opensearch: built in {time.monotonic() - started:.0f} s into {self.dist_dir}")

    def _source_digest(self) -> str:
        pom = self.source_dir / "pom.xml"
        if not pom.is_file():
            raise OpenSearchServerError(f"the OpenSearch launcher sources are missing ({pom} not found); "
                                        "run moien from a full checkout of the repository.")
        h = hashlib.sha256(_BUILD_FORMAT.encode())
        for path in [pom] + sorted(p for p in (self.source_dir / "src").rglob("*") if p.is_file()):
            h.update(b"\0" + path.relative_to(self.source_dir).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
        return h.hexdigest()

    def _built_digest(self) -> str | None:
        try:
            digest = (self.dist_dir / _HASH_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not (self.dist_dir / JAR_NAME).is_file() or not (self.dist_dir / "lib").is_dir():
            return None
        return digest

    # ------------------------------------------------------------------ lifecycle
    def status(self) -> OpenSearchStatus:
        pid = self._read_pid()
        if pid is None or not self._is_our_process(pid):
            stale = self.pid_file.exists()
            self.pid_file.unlink(missing_ok=True)
            message = "not running" + (f" (removed stale pid file of pid {pid})" if stale and pid else "")
            if not _port_free(self.host, self.port):
                message += f"; port {self.port} is used by another program"
            return self._status(False, None, message)
        if self._probe():
            return self._status(True, pid, f"running (pid {pid}) at {self.url}")
        return self._status(False, pid, f"process {pid} is alive but {self.url} does not answer (still starting?); "
                                        f"see {self.log_file}")

    def start(self, timeout: float = 180, echo: Echo = print) -> OpenSearchStatus:
        """Starts the node in the background (it outlives this process); idempotent."""
        self.home.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.home / ".start.lock"):
            current = self.status()
            if current.running:
                return current
            deadline = time.monotonic() + timeout
            if current.pid is not None:
                echo(f"opensearch: waiting for the node being started (pid {current.pid}) …")
                return self._wait_ready(current.pid, None, 0, deadline, timeout, echo)
            if not _port_free(self.host, self.port):
                raise OpenSearchServerError(
                    f"port {self.port} on {self.host} is already used by another program. Set "
                    f"MOIEN_OPENSEARCH__PORT to a free port (e.g. {_free_port(self.host)}), or, if that program "
                    f"is an OpenSearch you want to use, set MOIEN_HERITAGE__OPENSEARCH_URL=http://{self.host}:{self.port}.")
            dist = self.ensure_built(echo)
            java = self._java()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            _rotate(self.log_file)
            cmd = [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *_JVM_FLAGS,
                   *shlex.split(os.environ.get("MOIEN_OPENSEARCH__JAVA_OPTS", "")),
                   "-cp", f"{dist / 'lib'}/*{os.pathsep}{dist / JAR_NAME}", MAIN_CLASS,
                   "--home", str(self.home), "--address", self.host, "--port", str(self.port)]
            with open(self.log_file, "ab") as log:
                offset = log.tell()
                log.write(f"\n=== moien: starting at {time.strftime('%Y-%m-%d %H:%M:%S')}: {shlex.join(cmd)}\n".encode())
                log.flush()
                proc = subprocess.Popen(cmd, cwd=self.home, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
            _CHILDREN[proc.pid] = proc
            _write_atomic(self.pid_file, f"{proc.pid}\n")
            echo(f"opensearch: starting on {self.url} (pid {proc.pid}, data {self.data_dir}) …")
            return self._wait_ready(proc.pid, proc, offset, deadline, timeout, echo)

    def _wait_ready(self, pid: int, proc: subprocess.Popen | None, offset: int, deadline: float, timeout: float,
                    echo: Echo) -> OpenSearchStatus:
        started = time.monotonic()
        while True:
            exited = proc.poll() is not None if proc is not None else not self._is_our_process(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise OpenSearchServerError(self._failure_message(offset))
            if (proc is None or _log_has(self.log_file, offset, READY_MARK)) and self._probe():
                echo(f"opensearch: ready on {self.url} after {time.monotonic() - started:.1f} s")
                return self._status(True, pid, f"running (pid {pid}) at {self.url}")
            if time.monotonic() >= deadline:
                raise OpenSearchServerError(
                    f"OpenSearch did not answer on {self.url} within {timeout:.0f} s; it keeps starting in the "
                    f"background (pid {pid}).\n" + _indent(_tail(self.log_file, 15))
                    + f"\nCheck `moien opensearch status` in a minute, or `moien opensearch stop`; log: {self.log_file}")
            time.sleep(0.3)

    def stop(self, timeout: float = 30) -> OpenSearchStatus:
        """SIGTERM (the node closes its indexes cleanly), then SIGKILL after ``timeout`` seconds; idempotent."""
        pid = self._read_pid()
        if pid is None or not self._is_our_process(pid):
            stale = self.pid_file.exists()
            self.pid_file.unlink(missing_ok=True)
            return self._status(False, None, "not running" + (" (removed a stale pid file)" if stale else ""))
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        how = "stopped"
        if not self._wait_gone(pid, timeout):
            how = f"killed (no clean shutdown within {timeout:.0f} s)"
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if not self._wait_gone(pid, 10):
                raise OpenSearchServerError(f"could not stop OpenSearch (pid {pid}); kill it by hand: kill -9 {pid}")
        self.pid_file.unlink(missing_ok=True)
        _CHILDREN.pop(pid, None)
        return self._status(False, None, f"{how} (pid {pid})")

    # ------------------------------------------------------------------ helpers
    def _status(self, running: bool, pid: int | None, message: str) -> OpenSearchStatus:
        return OpenSearchStatus(running=running, pid=pid, url=self.url, port=self.port, data_dir=self.data_dir,
                                message=message)

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").is_file():
            return str(Path(java_home) / "bin" / "java")
        java = shutil.which("java")
        if java is None:
            raise OpenSearchServerError("Java is needed to run the local OpenSearch node but `java` is not on PATH. "
                                        "Install a JDK 17 (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME.")
        return java

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _is_our_process(self, pid: int) -> bool:
        """True if ``pid`` is alive and is the launcher for this home (guards against pid reuse)."""
        _reap(pid)
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        proc = Path("/proc") / str(pid)
        if not proc.is_dir():
            return True
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return False
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            return False
        return MAIN_CLASS.encode() in args and str(self.home).encode() in args

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._is_our_process(pid):
                return True
            time.sleep(0.2)
        return not self._is_our_process(pid)

    def _probe(self) -> bool:
        """True when the node answers its cluster health over HTTP."""
        if _port_free(self.host, self.port, connect_only=True):
            return False
        import httpx

        try:
            return httpx.get(f"{self.url}/_cluster/health", timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    def _failure_message(self, offset: int) -> str:
        tail = _tail(self.log_file, 20, offset)
        text = tail.lower()
        if "address already in use" in text or "bindexception" in text:
            hint = f"port {self.port} is taken; set MOIEN_OPENSEARCH__PORT to a free port."
        elif "failed to obtain node locks" in text:
            hint = f"another OpenSearch process uses {self.data_dir}; stop it first (`moien opensearch stop`)."
        elif "outofmemoryerror" in text:
            hint = f"the JVM ran out of memory with heap {self.heap}; set MOIEN_OPENSEARCH__HEAP higher (e.g. 1g)."
        elif "classnotfound" in text or "noclassdeffound" in text:
            hint = f"the built launcher looks broken; delete {self.dist_dir} and start again to rebuild it."
        else:
            hint = "see the log above."
        return f"the local OpenSearch node exited during start-up.\n{_indent(tail)}\nWhat to do: {hint}\nFull log: {self.log_file}"
