"""Start a real ``moien api`` process (uvicorn) for a test, on a free loopback port, and stop it afterwards.

Shared by every HTTP-channel test: the OpenAI API, the Rasa channels, the widget, Redis sessions, Rasa itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(
    argv: list[str],
    *,
    ready: str,
    log: Path,
    env: dict[str, str] | None = None,
    within: float = 300,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``argv`` until the block ends; wait (a deadline, not a sleep) until ``ready`` answers HTTP 200.

    The process runs in ``cwd``, by default the log's folder, so nothing it writes (Rasa's caches) lands in the
    repository. It fails the test with the log's tail if the process exits or the deadline passes first. Every real
    server of the channel tests starts through here: moien's API, Rasa, rasa-sdk, llama.cpp's server.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("wb")
    proc = subprocess.Popen(argv, cwd=cwd or log.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + within
        while True:
            if proc.poll() is not None:
                out.flush()
                pytest.fail(f"{argv[:3]} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
            try:
                if httpx.get(ready, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{ready} did not answer within {within:.0f} s:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@contextmanager
def api_server(
    env: dict[str, str] | None = None, *, port: int | None = None, log: Path | None = None, ready_within: float = 300
) -> Iterator[str]:
    """Run the API (``create_app`` as a uvicorn factory) with ``env`` added to the environment; yields its URL.

    Waits until ``/healthz`` answers (a deadline, not a fixed wait: imports take long on a loaded machine) and
    fails with the log's tail if the process dies first.
    """
    port = port or free_port()
    log = log or Path(os.environ.get("MOIEN_HOME", ".moien-test")).resolve() / f"api-{port}.log"
    full_env = {**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False", "MOIEN_API__PORT": str(port), **(env or {})}
    argv = [sys.executable, "-m", "uvicorn", "--factory", "moien.connectors.channels.app:create_app"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    url = f"http://127.0.0.1:{port}"
    with serving(argv, ready=f"{url}/healthz", log=log, env=full_env, within=ready_within, cwd=ROOT):
        yield url


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A real Debian ``redis-server`` on a free port, no persistence; yields its ``redis://`` URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.time() + 60
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=2).ping()
                break
            except redis.RedisError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail(
                        f"redis-server did not start (exit code {proc.poll()}); is Debian's redis-server installed?"
                    )
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
