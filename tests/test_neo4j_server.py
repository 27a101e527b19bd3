"""The local Neo4j server started by moien's own files: real JVM, real Bolt, no mocks.

Needs java (17+) and, unless the launcher is already built, mvn with access to Maven Central.
The launcher is built once into pytest's cache dir (.pytest_cache/d/neo4j-dist), so reruns are fast.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from pathlib import Path

import pytest

from moien.connectors.neo4j_server import DEFAULT_SOURCE_DIR, LocalNeo4j, Neo4jServerError

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(shutil.which("java") is None, reason="needs a JDK 17+ (java)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dist_dir(request, tmp_path_factory) -> Path:
    shared = os.environ.get("MOIEN_NEO4J__DIST_DIR")  # set by .ci/pytest.sh: the build `make run` uses
    cache = getattr(request.config, "cache", None)  # absent with -p no:cacheprovider
    root = Path(cache.mkdir("neo4j-dist")) if cache is not None else tmp_path_factory.mktemp("neo4j-dist")
    dist = Path(shared) if shared else root / "dist"
    builder = LocalNeo4j(root / "build-home", dist_dir=dist)
    if shutil.which("mvn") is None and builder._built_digest() is None:
        pytest.fail("needs Maven (mvn) to build the Neo4j launcher: install it (Debian: apt-get install maven)")
    builder.ensure_built(echo=print)
    return dist


@pytest.fixture
def server(tmp_path, dist_dir) -> LocalNeo4j:
    srv = LocalNeo4j(tmp_path / "neo4j", port=_free_port(), heap="512m", dist_dir=dist_dir)
    yield srv
    srv.stop()


def test_build_is_idempotent_and_leaves_the_source_tree_clean(dist_dir):
    srv = LocalNeo4j(Path("/nonexistent-home"), dist_dir=dist_dir)
    messages: list[str] = []
    assert srv.ensure_built(echo=messages.append) == dist_dir
    assert messages == []  # already built: quiet
    assert (dist_dir / "moien-neo4j.jar").is_file()
    assert any(p.name.startswith("neo4j-kernel-5.26.") for p in (dist_dir / "lib").glob("*.jar"))
    assert not (DEFAULT_SOURCE_DIR / "target").exists()
    assert not (dist_dir / "build").exists()


def test_lifecycle_round_trip_and_persistence(server: LocalNeo4j):
    assert server.status().running is False
    assert server.auth() is None

    st = server.start(timeout=180)
    assert st.running and st.pid
    assert st.uri == f"bolt://127.0.0.1:{server.port}"

    # credentials: generated, private, and required
    user, password = server.auth()
    assert user == "neo4j" and len(password) >= 24
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600

    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    with GraphDatabase.driver(server.uri, auth=(user, password)) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        driver.execute_query("CREATE (:MoienProbe {name: $name})", name="Moien")
        records, _, _ = driver.execute_query("MATCH (p:MoienProbe) RETURN p.name AS name")
        assert [r["name"] for r in records] == ["Moien"]
    with pytest.raises(AuthError):
        with GraphDatabase.driver(server.uri, auth=("neo4j", "neo4j")) as driver:
            driver.verify_connectivity()

    status = server.status()
    assert status.running and status.pid == st.pid
    assert server.start().pid == st.pid  # already running: no-op

    stopped = server.stop()
    assert not stopped.running
    assert not server.status().running
    assert not server.pid_file.exists()
    assert server.stop().running is False  # idempotent
    assert "moien-neo4j: stopped" in server.log_file.read_text()

    # restart with a rotated password: data persists, the new password is the one that works
    server.password_file.write_text("rotated-password-for-tests\n")
    st2 = server.start(timeout=180)
    assert st2.running and st2.pid != st.pid
    with server.driver() as driver:
        records, _, _ = driver.execute_query("MATCH (p:MoienProbe) RETURN p.name AS name")
        assert [r["name"] for r in records] == ["Moien"]
    with pytest.raises(AuthError):
        with GraphDatabase.driver(server.uri, auth=("neo4j", password)) as driver:
            driver.verify_connectivity()
    assert not server.stop().running


def test_busy_port_is_reported_with_what_to_do(tmp_path, dist_dir):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(16)
        port = blocker.getsockname()[1]
        srv = LocalNeo4j(tmp_path / "neo4j", port=port, dist_dir=dist_dir)
        with pytest.raises(Neo4jServerError, match="MOIEN_NEO4J__PORT"):
            srv.start(timeout=30)
        st = srv.status()
        assert not st.running and "used by another program" in st.message


def test_stale_pid_file_is_ignored_and_cleaned(tmp_path, dist_dir):
    srv = LocalNeo4j(tmp_path / "neo4j", port=_free_port(), dist_dir=dist_dir)
    srv.home.mkdir(parents=True)
    srv.pid_file.write_text(f"{os.getpid()}\n")  # alive, but not a Neo4j launcher
    assert srv.status().running is False
    assert not srv.pid_file.exists()
    srv.pid_file.write_text(f"{os.getpid()}\n")
    assert srv.stop().running is False  # must not signal the unrelated process
    assert not srv.pid_file.exists()
