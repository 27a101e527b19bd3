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

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def api_server(
    env: dict[str, str] | None = None, *, port: int | None = None, log: Path | None = None, ready_within: float = 300
) -> Iterator[str]:
    """Run the API (``create_app`` as a uvicorn factory) with ``env`` added to the environment; yields its URL.

    Waits until ``/healthz`` answers (a deadline, not a fixed wait: imports take long on a loaded machine) and
    fails with the log's tail if the process dies first.
    """
    port = port or _free_port()
    out_path = log or Path(os.environ.get("MOIEN_HOME", ".moien-test")) / f"api-{port}.log"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out = out_path.open("w")
    full_env = {**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False", "MOIEN_API__PORT": str(port), **(env or {})}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "moien.connectors.channels.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + ready_within
        while True:
            if proc.poll() is not None:
                out.flush()
                pytest.fail(f"moien api exited with {proc.returncode}:\n{out_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                pytest.fail(
                    f"moien api did not answer /healthz within {ready_within:.0f} s:\n{out_path.read_text()[-3000:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A real Debian ``redis-server`` on a free port, no persistence; yields its ``redis://`` URL."""
    port = _free_port()
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
