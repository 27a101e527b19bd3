"""What the local Neo4j server and the local OpenSearch node have in common: a JVM service that moien builds
once with Maven from Maven Central and runs in the background.

There is no package manager for these servers here (and no Docker), so a tiny Java launcher per server
(``connectors/neo4j_server/``, ``connectors/opensearch_server/``) is built into ``dist/`` (launcher jar +
``lib/*.jar``, rebuilt when its sources change) and started as a detached process. This base class does the
building, starting, readiness waiting, status and stopping; a subclass says what differs: names, JVM flags,
launcher arguments, how to probe the service, and failure hints. Layout under ``home``::

    dist/            the built launcher (or MOIEN_<NAME>__DIST_DIR, shareable between homes)
    data/            the server's data
    logs/<name>.log  the launcher's output (rotated at 10 MB); logs/build.log: Maven's output
    <name>.pid       pid of the running JVM
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Protocol

Echo = Callable[[str], object]


class ServerStatus(Protocol):
    """What every server's status says (each server's own dataclass adds its address: ``uri``, ``url``…)."""

    @property
    def running(self) -> bool: ...
    @property
    def pid(self) -> int | None: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def message(self) -> str: ...


_HASH_FILE = ".source-sha256"
_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_SIZE_RE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # our started JVMs, so exited ones are reaped, not zombies


class JavaServerError(RuntimeError):
    """Something went wrong; the message says what to do next."""


class LocalJavaServer:
    """Builds, starts, stops and reports on one local JVM server living under ``home``."""

    # -- what a subclass sets
    NAME: ClassVar[str]  # "neo4j": log and pid file names, message prefix
    LABEL: ClassVar[str]  # "Neo4j": in sentences
    THING: ClassVar[str]  # "the local Neo4j server"
    ENV: ClassVar[str]  # "MOIEN_NEO4J": the settings' variables (…__PORT, …__HEAP), named in messages
    MAIN_CLASS: ClassVar[str]
    JAR_NAME: ClassVar[str]
    READY_MARK: ClassVar[str]
    BUILD_FORMAT: ClassVar[str]  # bump to force a rebuild when the build recipe changes
    BUILD_NOTE: ClassVar[str]  # what the first build downloads
    ELSEWHERE: ClassVar[str]  # how to use an existing server instead (when Maven is missing)
    JVM_FLAGS: ClassVar[list[str]] = []
    Error: ClassVar[type[JavaServerError]] = JavaServerError

    def __init__(
        self, home: Path, port: int, host: str, heap: str, dist_dir: Path | None, source_dir: Path, java_opts: str = ""
    ) -> None:
        self.home = Path(home).expanduser().absolute()
        #: Extra JVM options (``MOIEN_NEO4J__JAVA_OPTS``…), split like a shell would.
        self.java_opts = shlex.split(java_opts)
        self.port = int(port)
        self.host = host
        self.heap = heap
        self.dist_dir = Path(dist_dir).expanduser().absolute() if dist_dir else self.home / "dist"
        self.source_dir = Path(source_dir).expanduser().absolute()
        if not 0 < self.port < 65536:
            raise self.Error(f"{self.LABEL} port {port} is not a TCP port; set {self.ENV}__PORT to 1024..65535.")
        if not _SIZE_RE.match(self.heap):
            raise self.Error(f"{self.LABEL} heap size {heap!r} is not a size like 768m or 1g; fix {self.ENV}__HEAP.")

    # ------------------------------------------------------------------ what differs (subclass)
    @property
    def address(self) -> str:
        """Where clients connect (bolt://…, http://…)."""
        raise NotImplementedError

    def _status(self, running: bool, pid: int | None, message: str) -> ServerStatus:
        raise NotImplementedError

    def _probe(self) -> str:
        """'ok', 'auth' (answers but refuses our credentials) or 'down'."""
        raise NotImplementedError

    def _launch_args(self) -> list[str]:
        """The launcher's arguments (after the main class)."""
        raise NotImplementedError

    def _prepare(self) -> None:
        """Before a start (e.g. create credentials)."""

    def _auth_refused(self, pid: int) -> str:
        return f"{self.THING} on {self.address} refuses moien's credentials; restart it ({self.NAME} stop, then start)."

    def _port_busy_message(self) -> str:
        return (
            f"port {self.port} on {self.host} is already used by another program, so {self.THING} cannot "
            f"listen there. Set {self.ENV}__PORT to a free port (e.g. {self.ENV}__PORT={free_port(self.host)}) "
            "or stop the program using it."
        )

    def _failure_hint(self, log_text: str) -> str | None:
        """A hint for a start-up failure this server has its own words for (``log_text`` is lower-case)."""
        return None

    # ------------------------------------------------------------------ paths
    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / f"{self.NAME}.log"

    @property
    def build_log(self) -> Path:
        return self.home / "logs" / "build.log"

    @property
    def pid_file(self) -> Path:
        return self.home / f"{self.NAME}.pid"

    # ------------------------------------------------------------------ build
    def ensure_built(self, echo: Echo = print) -> Path:
        """Builds the launcher into ``dist_dir`` unless it is already built from the current sources."""
        digest = self._source_digest()
        if self._built_digest() == digest:
            return self.dist_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise self.Error(
                f"Maven (mvn) is needed once to build {self.THING} but is not on PATH. Install Maven 3.8+ and a "
                f"JDK 17 (e.g. `apt-get install maven openjdk-17-jdk-headless`), {self.ELSEWHERE}"
            )
        self._java()  # fail early with a clear message
        self.dist_dir.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.dist_dir.parent / f".{self.dist_dir.name}.lock"):
            if self._built_digest() == digest:  # built by someone else while we waited
                return self.dist_dir
            self._build(mvn, digest, echo)
        return self.dist_dir

    def _build(self, mvn: str, digest: str, echo: Echo) -> None:
        staging = self.dist_dir.parent / f".{self.dist_dir.name}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        self.build_log.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            mvn,
            "-q",
            "-B",
            "-ntp",
            "-Dstyle.color=never",
            "-f",
            str(self.source_dir / "pom.xml"),
            "package",
            f"-Dmoien.dist.dir={staging}",
            f"-Dmoien.build.dir={staging / 'build'}",
        ]
        echo(f"{self.NAME}: building {self.BUILD_NOTE}; log: {self.build_log}")
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
                        echo(f"{self.NAME}: still building ({int(time.monotonic() - started)} s) …")
                        next_note += 60
            except BaseException:
                proc.terminate()
                proc.wait()
                shutil.rmtree(staging, ignore_errors=True)
                raise
        if proc.returncode != 0 or not (staging / self.JAR_NAME).is_file() or not any((staging / "lib").glob("*.jar")):
            shutil.rmtree(staging, ignore_errors=True)
            raise self.Error(
                f"building {self.THING} failed (mvn exit status {proc.returncode}).\n"
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
        echo(f"{self.NAME}: built in {time.monotonic() - started:.0f} s into {self.dist_dir}")

    def _source_digest(self) -> str:
        pom = self.source_dir / "pom.xml"
        if not pom.is_file():
            raise self.Error(
                f"the {self.LABEL} launcher sources are missing ({pom} not found); "
                "run moien from a full checkout of the repository."
            )
        h = hashlib.sha256(self.BUILD_FORMAT.encode())
        for path in [pom] + sorted(p for p in (self.source_dir / "src").rglob("*") if p.is_file()):
            h.update(b"\0" + path.relative_to(self.source_dir).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
        return h.hexdigest()

    def _built_digest(self) -> str | None:
        try:
            digest = (self.dist_dir / _HASH_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not (self.dist_dir / self.JAR_NAME).is_file() or not (self.dist_dir / "lib").is_dir():
            return None
        return digest

    # ------------------------------------------------------------------ lifecycle
    def status(self) -> ServerStatus:
        pid = self._read_pid()
        if pid is None or not self._is_our_process(pid):
            stale = self.pid_file.exists()
            self.pid_file.unlink(missing_ok=True)
            message = "not running" + (f" (removed stale pid file of pid {pid})" if stale and pid else "")
            if not port_free(self.host, self.port):
                message += f"; port {self.port} is used by another program"
            return self._status(False, None, message)
        probe = self._probe()
        if probe == "ok":
            return self._status(True, pid, f"running (pid {pid}) at {self.address}")
        if probe == "auth":
            return self._status(True, pid, f"running (pid {pid}) at {self.address}, but {self._auth_refused(pid)}")
        return self._status(
            False,
            pid,
            f"process {pid} is alive but {self.address} does not answer (still starting?); see {self.log_file}",
        )

    def start(self, timeout: float = 120, echo: Echo = print) -> ServerStatus:
        """Starts the server in the background (it outlives this process); idempotent."""
        self.home.mkdir(parents=True, exist_ok=True)
        with file_lock(self.home / ".start.lock"):
            current = self.status()
            if current.running:
                if self._probe() == "auth":
                    raise self.Error(current.message)
                return current
            deadline = time.monotonic() + timeout
            if current.pid is not None:  # our JVM is alive but not answering yet: someone else is starting it
                echo(f"{self.NAME}: waiting for {self.THING} being started (pid {current.pid}) …")
                return self._wait_ready(current.pid, None, 0, deadline, timeout, echo)
            if not port_free(self.host, self.port):
                raise self.Error(self._port_busy_message())
            dist = self.ensure_built(echo)
            java = self._java()
            self._prepare()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            _rotate(self.log_file)
            cmd = [
                java,
                f"-Xms{self.heap}",
                f"-Xmx{self.heap}",
                *self.JVM_FLAGS,
                *self.java_opts,
                "-cp",
                f"{dist / 'lib'}/*{os.pathsep}{dist / self.JAR_NAME}",
                self.MAIN_CLASS,
                *self._launch_args(),
            ]
            with open(self.log_file, "ab") as log:
                offset = log.tell()
                log.write(
                    f"\n=== moien: starting at {time.strftime('%Y-%m-%d %H:%M:%S')}: {shlex.join(cmd)}\n".encode()
                )
                log.flush()
                proc = subprocess.Popen(
                    cmd,
                    cwd=self.home,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    close_fds=True,
                )
            _CHILDREN[proc.pid] = proc
            _write_atomic(self.pid_file, f"{proc.pid}\n")
            echo(f"{self.NAME}: starting on {self.address} (pid {proc.pid}, data {self.data_dir}) …")
            return self._wait_ready(proc.pid, proc, offset, deadline, timeout, echo)

    def _wait_ready(
        self, pid: int, proc: subprocess.Popen[bytes] | None, offset: int, deadline: float, timeout: float, echo: Echo
    ) -> ServerStatus:
        started = time.monotonic()
        next_probe = started
        while True:
            exited = proc.poll() is not None if proc is not None else not self._is_our_process(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise self.Error(self._failure_message(offset))
            now = time.monotonic()
            if now >= next_probe:
                probe = self._probe()
                if probe == "ok":
                    echo(f"{self.NAME}: ready on {self.address} after {now - started:.1f} s")
                    return self._status(True, pid, f"running (pid {pid}) at {self.address}")
                if probe == "auth":
                    raise self.Error(self._auth_refused(pid))
                # probe cheaply until the launcher says it is ready
                next_probe = now + (0.2 if _log_has(self.log_file, offset, self.READY_MARK) else 1.0)
            if now >= deadline:
                raise self.Error(
                    f"{self.LABEL} did not answer on {self.address} within {timeout:.0f} s; it keeps starting in the "
                    f"background (pid {pid}).\n"
                    + _indent(_tail(self.log_file, 15))
                    + f"\nCheck `moien {self.NAME} status` in a minute, or `moien {self.NAME} stop`; full log: "
                    f"{self.log_file}"
                )
            time.sleep(0.2)

    def stop(self, timeout: float = 30) -> ServerStatus:
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
            how = f"killed (no clean shutdown within {timeout:.0f} s; {self.LABEL} recovers on next start)"
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if not self._wait_gone(pid, 10):
                raise self.Error(f"could not stop {self.LABEL} (pid {pid}); kill it by hand: kill -9 {pid}")
        self.pid_file.unlink(missing_ok=True)
        _CHILDREN.pop(pid, None)
        return self._status(False, None, f"{how} (pid {pid})")

    # ------------------------------------------------------------------ helpers
    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").is_file():
            return str(Path(java_home) / "bin" / "java")
        java = shutil.which("java")
        if java is None:
            raise self.Error(
                f"Java is needed to run {self.THING} but `java` is not on PATH. Install a JDK 17 or "
                "newer (e.g. `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME."
            )
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
        except (ProcessLookupError, PermissionError):  # gone, or someone else's process
            return False
        proc = Path("/proc") / str(pid)
        if not proc.is_dir():
            return True  # no procfs (macOS): trust the pid file
        try:
            if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return False
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            return False
        return self.MAIN_CLASS.encode() in args and str(self.home).encode() in args

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._is_our_process(pid):
                return True
            time.sleep(0.2)
        return not self._is_our_process(pid)

    def _failure_message(self, offset: int) -> str:
        tail = _tail(self.log_file, 20, offset)
        text = tail.lower()
        hint = self._failure_hint(text)
        if hint is not None:
            pass  # the server's own words
        elif "address already in use" in text or "bindexception" in text:
            hint = self._port_busy_message()
        elif "outofmemoryerror" in text:
            hint = f"the JVM ran out of memory with heap {self.heap}; set {self.ENV}__HEAP higher (e.g. 1g)."
        elif "unsupportedclassversionerror" in text:
            hint = f"this Java is too old; {self.LABEL} needs Java 17 or newer (set JAVA_HOME)."
        elif "classnotfound" in text or "noclassdeffound" in text:
            hint = f"the built launcher looks broken; delete {self.dist_dir} and start again to rebuild it."
        else:
            hint = "see the log above."
        return f"{self.THING} exited during start-up.\n{_indent(tail)}\nWhat to do: {hint}\nFull log: {self.log_file}"


# ---------------------------------------------------------------------- module helpers
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


def port_free(host: str, port: int, connect_only: bool = False) -> bool:
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


#: The old private name, still imported by ``connectors/neo4j_server.py`` (until it moves to :func:`port_free`).
_port_free = port_free


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host if host not in ("0.0.0.0", "::") else "", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Holds an exclusive lock on ``path`` (created if need be) across processes, until the block ends."""
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
            data = f.read()[-64 * 1024 :]
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
