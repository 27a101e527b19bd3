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

import errno
import fcntl
import hashlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["LocalNeo4j", "Neo4jServerError", "Neo4jStatus", "DEFAULT_SOURCE_DIR"]

DEFAULT_SOURCE_DIR = Path(__file__).resolve().parent / "neo4j_server"
MAIN_CLASS = "lu.moien.neo4j.EmbeddedServer"
JAR_NAME = "moien-neo4j.jar"
USER = "neo4j"
READY_MARK = "moien-neo4j: ready"
ERROR_MARK = "moien-neo4j: error:"
_HASH_FILE = ".source-sha256"
_BUILD_FORMAT = "moien-neo4j-build-1"  # bump to force a rebuild when the build recipe changes
_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_SIZE_RE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")

# JVM flags a packaged Neo4j 5 also uses (its conf/neo4j.conf): without the --add-opens the
# page cache and the transaction log fall back to slower paths and warn in debug.log.
_JVM_FLAGS = [
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

Echo = Callable[[str], object]


class Neo4jServerError(RuntimeError):
    """Something went wrong; the message says what to do next."""


@dataclass
class Neo4jStatus:
    running: bool
    pid: int | None
    uri: str
    port: int
    data_dir: Path
    message: str


class LocalNeo4j:
    """Builds, starts, stops and reports on the local Neo4j server living under ``home``."""

    def __init__(
        self,
        home: Path,
        port: int = 7687,
        host: str = "127.0.0.1",
        heap: str = "768m",
        dist_dir: Path | None = None,
        source_dir: Path = DEFAULT_SOURCE_DIR,
        pagecache: str = "256m",
    ) -> None:
        self.home = Path(home).expanduser().absolute()
        self.port = int(port)
        self.host = host
        self.heap = heap
        self.pagecache = pagecache
        self.dist_dir = Path(dist_dir).expanduser().absolute() if dist_dir else self.home / "dist"
        self.source_dir = Path(source_dir).expanduser().absolute()
        if not 0 < self.port < 65536:
            raise Neo4jServerError(f"Neo4j port {port} is not a TCP port; set MOIEN_NEO4J__PORT to 1024..65535.")
        for name, value in (("heap", heap), ("pagecache", pagecache)):
            if not _SIZE_RE.match(value):
                raise Neo4jServerError(
                    f"Neo4j {name} size {value!r} is not a size like 768m or 1g"
                    + ("; fix MOIEN_NEO4J__HEAP." if name == "heap" else ".")
                )

    @classmethod
    def from_env(cls, moien_home: Path, **overrides) -> "LocalNeo4j":
        """``$MOIEN_HOME/neo4j`` with MOIEN_NEO4J__PORT / _HOST / _HEAP / _PAGECACHE applied."""
        env = os.environ
        kwargs: dict = {}
        if env.get("MOIEN_NEO4J__PORT"):
            try:
                kwargs["port"] = int(env["MOIEN_NEO4J__PORT"])
            except ValueError:
                raise Neo4jServerError(
                    f"MOIEN_NEO4J__PORT={env['MOIEN_NEO4J__PORT']!r} is not a number; set it to a free TCP port."
                ) from None
        for key, var in (("host", "MOIEN_NEO4J__HOST"), ("heap", "MOIEN_NEO4J__HEAP"), ("pagecache", "MOIEN_NEO4J__PAGECACHE")):
            if env.get(var):
                kwargs[key] = env[var]
        kwargs.update(overrides)
        return cls(Path(moien_home) / "neo4j", **kwargs)

    # ------------------------------------------------------------------ paths and identity

    @property
    def uri(self) -> str:
        host = f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        return f"bolt://{host}:{self.port}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "neo4j.log"

    @property
    def build_log(self) -> Path:
        return self.home / "logs" / "build.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

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

    def driver(self, **kwargs):
        """A ``neo4j.Driver`` for this server (the caller closes it)."""
        from neo4j import GraphDatabase

        return GraphDatabase.driver(self.uri, auth=self.auth(), **kwargs)

    # ------------------------------------------------------------------ build

    def ensure_built(self, echo: Echo = print) -> Path:
        """Builds the launcher into ``dist_dir`` unless it is already built from the current sources."""
        digest = self._source_digest()
        if self._built_digest() == digest:
            return self.dist_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError(
                "Maven (mvn) is needed once to build the local Neo4j server but is not on PATH. "
                "Install Maven 3.8+ and a JDK 17 (e.g. `apt-get install maven openjdk-17-jdk-headless`), "
                "or point NEO4J_URI at an existing Neo4j server."
            )
        self._java()  # fail early with a clear message
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
        cmd = [
            mvn, "-q", "-B", "-ntp", "-Dstyle.color=never",
            "-f", str(self.source_dir / "pom.xml"),
            "package",
            f"-Dmoien.dist.dir={staging}",
            f"-Dmoien.build.dir={staging / 'build'}",
        ]
        echo(
            "neo4j: building the local Neo4j 5.26 server with Maven (once; the first time it "
            f"downloads ~125 MB of jars from Maven Central into ~/.m2); log: {self.build_log}"
        )
        started = time.monotonic()
        with open(self.build_log, "w", encoding="utf-8") as log:
            log.write("$ " + shlex.join(cmd) + "\n")
            log.flush()
            proc = subprocess.Popen(
                cmd, cwd=self.source_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
            next_note = started + 60
            try:
                while proc.poll() is None:
                    time.sleep(0.5)
                    if time.monotonic() >= next_note:
                        echo(f"neo4j: still building ({int(time.monotonic() - started)} s) …")
                        next_note += 60
            except BaseException:
                proc.terminate()
                proc.wait()
                shutil.rmtree(staging, ignore_errors=True)
                raise
        if proc.returncode != 0 or not (staging / JAR_NAME).is_file() or not any((staging / "lib").glob("*.jar")):
            shutil.rmtree(staging, ignore_errors=True)
            raise Neo4jServerError(
                f"building the local Neo4j server failed (mvn exit status {proc.returncode}).\n"
                + _indent(_tail(self.build_log, 25))
                + f"\nFull log: {self.build_log}. Check that Maven Central (or the mirror in ~/.m2/settings.xml) "
                "is reachable and that `java -version` says 17 or newer, then retry."
            )
        shutil.rmtree(staging / "build", ignore_errors=True)
        (staging / _HASH_FILE).write_text(digest + "\n", encoding="utf-8")
        old = self.dist_dir.parent / f".{self.dist_dir.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if self.dist_dir.exists():
            self.dist_dir.rename(old)
        staging.rename(self.dist_dir)
        shutil.rmtree(old, ignore_errors=True)
        echo(f"neo4j: built in {time.monotonic() - started:.0f} s into {self.dist_dir}")

    def _source_digest(self) -> str:
        pom = self.source_dir / "pom.xml"
        if not pom.is_file():
            raise Neo4jServerError(
                f"the Neo4j launcher sources are missing ({pom} not found); "
                "run moien from a full checkout of the repository."
            )
        h = hashlib.sha256(_BUILD_FORMAT.encode())
        files = [pom] + sorted(p for p in (self.source_dir / "src").rglob("*") if p.is_file())
        for path in files:
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

    def status(self) -> Neo4jStatus:
        pid = self._read_pid()
        if pid is None or not self._is_our_process(pid):
            stale = self.pid_file.exists()
            if stale:
                self.pid_file.unlink(missing_ok=True)
            message = "not running" + (f" (removed stale pid file of pid {pid})" if stale and pid else "")
            if not _port_free(self.host, self.port):
                message += f"; port {self.port} is used by another program"
            return self._status(False, None, message)
        probe = self._probe()
        if probe == "ok":
            return self._status(True, pid, f"running (pid {pid}) at {self.uri}")
        if probe == "auth":
            return self._status(
                True, pid,
                f"running (pid {pid}) at {self.uri}, but the password in {self.password_file} is refused; "
                "restart it (moien neo4j stop, then start) so the launcher applies that password again",
            )
        return self._status(
            False, pid, f"process {pid} is alive but Bolt does not answer on {self.uri} (still starting?); "
            f"see {self.log_file}"
        )

    def start(self, timeout: float = 120, echo: Echo = print) -> Neo4jStatus:
        """Starts the server in the background (it outlives this process); idempotent."""
        self.home.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.home / ".start.lock"):
            current = self.status()
            if current.running:
                if self._probe() == "auth":
                    raise Neo4jServerError(current.message)
                return current
            deadline = time.monotonic() + timeout
            if current.pid is not None:
                # our JVM is alive but not answering yet: someone else is starting it
                echo(f"neo4j: waiting for the server being started (pid {current.pid}) …")
                return self._wait_ready(current.pid, None, 0, deadline, timeout, echo)
            if not _port_free(self.host, self.port):
                raise Neo4jServerError(self._port_busy_message())

            dist = self.ensure_built(echo)
            java = self._java()
            self._ensure_password()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            _rotate(self.log_file)

            cmd = [
                java, f"-Xms{self.heap}", f"-Xmx{self.heap}", *_JVM_FLAGS,
                *shlex.split(os.environ.get("MOIEN_NEO4J__JAVA_OPTS", "")),
                "-cp", f"{dist / 'lib'}/*{os.pathsep}{dist / JAR_NAME}",
                MAIN_CLASS,
                "--home", str(self.home),
                "--data-dir", str(self.data_dir),
                "--address", self.host,
                "--port", str(self.port),
                "--pagecache", self.pagecache,
                "--password-file", str(self.password_file),
            ]
            with open(self.log_file, "ab") as log:
                offset = log.tell()
                log.write(f"\n=== moien: starting at {time.strftime('%Y-%m-%d %H:%M:%S')}: {shlex.join(cmd)}\n".encode())
                log.flush()
                proc = subprocess.Popen(
                    cmd, cwd=self.home, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True, close_fds=True,
                )
            _CHILDREN[proc.pid] = proc  # keeps it from being reported as a leaked child
            _write_atomic(self.pid_file, f"{proc.pid}\n")
            echo(f"neo4j: starting on {self.uri} (pid {proc.pid}, data {self.data_dir}) …")
            return self._wait_ready(proc.pid, proc, offset, deadline, timeout, echo)

    def _wait_ready(
        self, pid: int, proc: subprocess.Popen | None, offset: int, deadline: float, timeout: float, echo: Echo
    ) -> Neo4jStatus:
        started = time.monotonic()
        next_probe = started
        while True:
            exited = proc.poll() is not None if proc is not None else not self._is_our_process(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise Neo4jServerError(self._failure_message(offset))
            now = time.monotonic()
            if now >= next_probe:
                probe = self._probe()
                if probe == "ok":
                    echo(f"neo4j: ready on {self.uri} after {now - started:.1f} s")
                    return self._status(True, pid, f"running (pid {pid}) at {self.uri}")
                if probe == "auth":
                    raise Neo4jServerError(
                        f"the server on {self.uri} refuses the password in {self.password_file}. "
                        f"Run `moien neo4j stop` and start again; if that does not help, see {self.log_file}."
                    )
                # probe cheaply until the launcher says it is ready
                next_probe = now + (0.2 if _log_has(self.log_file, offset, READY_MARK) else 1.0)
            if now >= deadline:
                raise Neo4jServerError(
                    f"Neo4j did not answer on {self.uri} within {timeout:.0f} s; it keeps starting in the "
                    f"background (pid {pid}).\n" + _indent(_tail(self.log_file, 15))
                    + f"\nCheck `moien neo4j status` in a minute, or `moien neo4j stop`; full log: {self.log_file}"
                )
            time.sleep(0.2)

    def stop(self, timeout: float = 30) -> Neo4jStatus:
        """SIGTERM (clean shutdown), then SIGKILL after ``timeout`` seconds; idempotent."""
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
            how = f"killed (no clean shutdown within {timeout:.0f} s; Neo4j recovers on next start)"
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if not self._wait_gone(pid, 10):
                raise Neo4jServerError(f"could not stop Neo4j (pid {pid}); kill it by hand: kill -9 {pid}")
        self.pid_file.unlink(missing_ok=True)
        _CHILDREN.pop(pid, None)
        return self._status(False, None, f"{how} (pid {pid})")

    # ------------------------------------------------------------------ helpers

    def _status(self, running: bool, pid: int | None, message: str) -> Neo4jStatus:
        return Neo4jStatus(running=running, pid=pid, uri=self.uri, port=self.port, data_dir=self.data_dir, message=message)

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").is_file():
            return str(Path(java_home) / "bin" / "java")
        java = shutil.which("java")
        if java is None:
            raise Neo4jServerError(
                "Java is needed to run the local Neo4j server but `java` is not on PATH. "
                "Install a JDK 17 or newer (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME."
            )
        return java

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
        except ProcessLookupError:
            return False
        except PermissionError:
            return False  # someone else's process
        proc = Path("/proc") / str(pid)
        if not proc.is_dir():
            return True  # no procfs (macOS): trust the pid file
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

    def _probe(self) -> str:
        """'ok', 'auth' (answers but refuses our password) or 'down'."""
        if _port_free(self.host, self.port, connect_only=True):
            return "down"
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, DriverError

        try:
            with GraphDatabase.driver(self.uri, auth=self.auth(), connection_timeout=3, max_connection_pool_size=1) as drv:
                drv.verify_connectivity()
            return "ok"
        except AuthError:
            return "auth"
        except (ServiceUnavailable, Neo4jError, DriverError, OSError):
            return "down"

    def _port_busy_message(self) -> str:
        return (
            f"port {self.port} on {self.host} is already used by another program, so the local Neo4j "
            f"cannot listen there. Set MOIEN_NEO4J__PORT to a free port (e.g. MOIEN_NEO4J__PORT={_free_port(self.host)}) "
            "or stop the program using it."
        )

    def _failure_message(self, offset: int) -> str:
        tail = _tail(self.log_file, 20, offset)
        text = tail.lower()
        if "address already in use" in text or "bindexception" in text:
            hint = self._port_busy_message()
        elif "storelock" in text or "lock file has been locked" in text or "already locked" in text:
            hint = (
                f"another Neo4j process is using {self.data_dir}. Stop it first "
                "(`moien neo4j stop`, or find it with `ps aux | grep EmbeddedServer`)."
            )
        elif "outofmemoryerror" in text:
            hint = f"the JVM ran out of memory with heap {self.heap}; set MOIEN_NEO4J__HEAP higher (e.g. 1g)."
        elif "unsupportedclassversionerror" in text:
            hint = "this Java is too old; Neo4j 5.26 needs Java 17 or newer (set JAVA_HOME)."
        elif "classnotfound" in text or "noclassdeffound" in text:
            hint = f"the built launcher looks broken; delete {self.dist_dir} and start again to rebuild it."
        else:
            hint = f"see the log above and {self.home / 'logs' / 'debug.log'}."
        return f"the local Neo4j server exited during start-up.\n{_indent(tail)}\nWhat to do: {hint}\nFull log: {self.log_file}"


# ---------------------------------------------------------------------- module helpers

_CHILDREN: dict[int, subprocess.Popen] = {}


def _reap(pid: int) -> None:
    """Collects ``pid`` if it is our exited child (else it would linger as a zombie)."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        if proc.poll() is not None:
            _CHILDREN.pop(pid, None)
        return
    try:
        os.waitpid(pid, os.WNOHANG)
    except (ChildProcessError, OSError):
        pass


def _port_free(host: str, port: int, connect_only: bool = False) -> bool:
    """False if something listens on host:port (or, unless connect_only, the port cannot be bound)."""
    target = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    family = socket.AF_INET6 if ":" in target else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        try:
            if s.connect_ex((target, port)) == 0:
                return False
        except OSError:
            pass
    if connect_only:
        return True
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            return e.errno not in (errno.EADDRINUSE, errno.EACCES)
    return True


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host if host not in ("0.0.0.0", "::") else "", 0))
        return s.getsockname()[1]


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _rotate(log: Path) -> None:
    try:
        if log.stat().st_size > _LOG_ROTATE_BYTES:
            os.replace(log, log.with_name(log.name + ".1"))
    except FileNotFoundError:
        pass


def _tail(path: Path, lines: int, offset: int = 0) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()[-64 * 1024:]
    except OSError:
        return "(no log)"
    text = data.decode("utf-8", "replace").rstrip().splitlines()
    return "\n".join(text[-lines:]) if text else "(log is empty)"


def _log_has(path: Path, offset: int, mark: str) -> bool:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return mark.encode() in f.read()
    except OSError:
        return False


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
