"""Shared fixtures: the real model, a real Neo4j server started for the test session, the real core.

The suite runs in its own ``MOIEN_HOME`` (``.ci/pytest.sh`` sets ``.moien-test``) with a Neo4j on a
free port, so it never touches the data of a running ``make run``. It stops the server it started.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]


#: Fixtures that need a slow real part, and the marker a test using them gets, so `make check` can leave them out
#: (`-m "not model and not neo4j and not browser and not opensearch"`) and `make test` runs everything.
_NEEDS = {
    "model": {"model", "core"},
    "neo4j": {"neo4j_server", "graph", "core"},
    "browser": {"browser"},
    "opensearch": {"opensearch_server"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, names in _NEEDS.items():
            if fixtures & names:
                item.add_marker(marker)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("heritage_backend") == "opensearch":
            item.add_marker("opensearch")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def test_home(tmp_path_factory) -> Path:
    home = Path(os.environ.get("MOIEN_HOME") or tmp_path_factory.mktemp("moien-home"))
    home.mkdir(parents=True, exist_ok=True)
    return home


@pytest.fixture(scope="session")
def neo4j_port() -> int:
    port = free_port()
    os.environ["MOIEN_NEO4J__PORT"] = str(port)  # subprocesses (CLI, Streamlit) find the same server
    return port


@pytest.fixture(scope="session")
def settings(test_home, neo4j_port):
    from moien.assistants.core.config import Settings

    os.environ["MOIEN_HOME"] = str(test_home)
    os.environ.setdefault("MOIEN_MODEL__CACHE_DIR", str(ROOT / ".moien" / "models"))
    os.environ.setdefault("MOIEN_MODEL__MAX_TOKENS", "160")  # shorter answers: the same checks, faster
    return Settings()


@pytest.fixture(scope="session")
def neo4j_server(settings):
    """A real Neo4j for the whole session, with the demo curriculum loaded; stopped at the end."""
    from moien.connectors.neo4j_graph import get_graph
    from moien.connectors.neo4j_server import LocalNeo4j
    from moien.curriculum_graph.demo import load_demo

    server = LocalNeo4j(
        settings.neo4j_home, port=settings.neo4j.port, heap=settings.neo4j.heap, dist_dir=settings.neo4j.dist_dir
    )
    server.ensure_built(echo=lambda m: None)
    server.start()
    load_demo(get_graph(settings), cache_dir=settings.home / "cache")  # as `moien demo load` does
    yield server
    server.stop()


@pytest.fixture(scope="session")
def opensearch_server(test_home):
    """A real OpenSearch node (moien's local one, built by Maven once) on a free port; stopped at the end."""
    from moien.connectors.opensearch_server import LocalOpenSearch

    port = free_port()
    os.environ["MOIEN_OPENSEARCH__PORT"] = str(port)  # subprocesses and get_settings() find the same node
    dist = os.environ.get("MOIEN_OPENSEARCH__DIST_DIR")
    server = LocalOpenSearch(test_home / "opensearch", port=port, dist_dir=Path(dist) if dist else None)
    server.ensure_built(echo=lambda m: None)
    server.start(echo=lambda m: None)
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["embedded", "opensearch"])
def heritage_backend(request):
    """Runs a module's heritage search tests on each backend: the index on disk and an OpenSearch server."""
    from moien.assistants.core.config import get_settings

    with pytest.MonkeyPatch.context() as mp:
        if request.param == "opensearch":
            request.getfixturevalue("opensearch_server")
        mp.setenv("MOIEN_HERITAGE__BACKEND", request.param)
        get_settings.cache_clear()
        yield request.param
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def graph(settings, neo4j_server):
    from moien.connectors.neo4j_graph import get_graph

    return get_graph(settings)


@pytest.fixture(scope="session")
def core(settings, neo4j_server):
    from moien.assistants.core.engine import Core

    c = Core(settings)
    yield c
    c.close()


@pytest.fixture(scope="session")
def model(settings):
    from moien.connectors.llm.runtime import get_model

    return get_model(settings.model, settings.model_cache_dir)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def streamlit_app(script: str, env: dict[str, str], log: Path | None = None):
    """Run ``ui/<script>`` with Streamlit on a free loopback port; yields its URL, stops it afterwards."""
    port = free_port()
    out = log.open("w") if log else subprocess.DEVNULL
    from moien.assistants.core.pages import page_command

    proc = subprocess.Popen(
        page_command(script, "127.0.0.1", port),
        cwd=ROOT,
        env={**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False", **env},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # A deadline, not a wait: on a loaded 2-core machine Streamlit can take minutes to import everything.
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail(f"ui/{script} did not start (exit code {proc.poll()}; see the log)")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if log:
            out.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()
