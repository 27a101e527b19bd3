"""Load on the HTTP API with the real model: many concurrent chat sessions, then HTTP vs in-process.

    .venv/bin/python benchmarks/serve_load.py [--sessions 50] [--duration 180] [--compare-runs 6]

Phase 1 (load): starts ``moien api`` (one uvicorn process, the real model) on a free port with a fresh home and a
secret key, then runs ``--sessions`` conversations at once for ``--duration`` seconds. Each session asks streamed
questions through ``POST /v1/chat/completions`` one after the other, in lb/fr/de/en, and honours ``Retry-After``
when refused. Reported: answers, refusals by status (only 429 and 503 with ``Retry-After`` are acceptable; any other
status, a missing ``Retry-After`` or a broken stream counts as an error), p50/p95 time to the sources event (the
first chunk, which carries ``moien.sources``) and to the first token, and the server's peak memory (RSS).

Phase 2 (overhead): the same questions, one at a time, alternately through the HTTP API (streamed) and through an
in-process ``Core.turn`` in this process, both greedy (temperature 0), so the ratio of the medians is what the HTTP
path adds (goal ≤ 1.05). The baseline runs in the same invocation, on the same machine state.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

QUESTIONS = [
    ("lb", "Wéini muss ech mäi Kand an der Schoul aschreiwen?"),
    ("fr", "Quand commence l'année scolaire et quand sont les vacances de Noël ?"),
    ("de", "Wie viel kostet ein neuer Personalausweis und wie lange dauert es?"),
    ("en", "Is the museum open on Mondays, and how much is a ticket?"),
    ("fr", "Combien coûte l'entrée du musée ?"),
    ("en", "How do I register my child for school?"),
]


@dataclass
class Stats:
    answers: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    to_sources: list[float] = field(default_factory=list)
    to_first_token: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _ask(client: httpx.AsyncClient, question: str, session: str | None, stats: Stats | None) -> float:
    """One streamed question; returns the seconds until the stream ended (or raises on a protocol error)."""
    body = {
        "model": "general",
        "messages": [{"role": "user", "content": question}],
        "stream": True,
        "moien": {"session_id": session},
    }
    started = time.perf_counter()
    async with client.stream("POST", "/v1/chat/completions", json=body) as response:
        if response.status_code in (429, 503):
            await response.aread()
            retry = response.headers.get("Retry-After")
            if stats is not None:
                stats.refused[response.status_code] = stats.refused.get(response.status_code, 0) + 1
                if retry is None:
                    stats.errors.append(f"{response.status_code} without Retry-After")
            raise _Refused(float(retry or 5))
        if response.status_code != 200:
            text = (await response.aread()).decode(errors="replace")[:200]
            raise RuntimeError(f"HTTP {response.status_code}: {text}")
        saw_sources = saw_token = False
        async for line in response.aiter_lines():
            if not line.startswith("data: "):
                continue
            data = line[6:]
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            if "error" in chunk:
                raise RuntimeError(f"error in stream: {chunk['error'].get('message')}")
            now = time.perf_counter() - started
            if not saw_sources and "moien" in chunk:
                saw_sources = True
                if stats is not None:
                    stats.to_sources.append(now)
            delta = (chunk.get("choices") or [{}])[0].get("delta", {})
            if not saw_token and delta.get("content"):
                saw_token = True
                if stats is not None:
                    stats.to_first_token.append(now)
        if not saw_sources:
            raise RuntimeError("the stream carried no moien trust object")
    return time.perf_counter() - started


class _Refused(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


async def _session(base: str, key: str, until: float, stats: Stats, n: int) -> None:
    rng = random.Random(n)
    session = f"load-{n}"
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=httpx.Timeout(900, connect=30)) as client:
        while time.time() < until:
            _, question = rng.choice(QUESTIONS)
            try:
                total = await _ask(client, question, session, stats)
                stats.answers += 1
                stats.total.append(total)
            except _Refused as refused:
                await asyncio.sleep(min(refused.retry_after, max(0.0, until - time.time())))
            except Exception as exc:  # every other failure is an error of the API under load
                stats.errors.append(f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(1)


def _start_api(home: Path, port: int, extra_env: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MOIEN_HOME": str(home),
        "MOIEN_MODEL__CACHE_DIR": str(ROOT / ".moien" / "models"),
        "MOIEN_API__PORT": str(port),
        **extra_env,
    }
    log = (home / "api.log").open("wb")
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "moien.connectors.channels.app:create_app"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 600
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"moien api exited: see {home / 'api.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=3).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("moien api did not start within 10 minutes")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=50, help="conversations at once (default 50)")
    ap.add_argument("--duration", type=float, default=180, help="seconds of load (default 180)")
    ap.add_argument("--compare-runs", type=int, default=6, help="questions for the HTTP vs in-process comparison")
    args = ap.parse_args()

    from moien.connectors.channels.access import AccessStore

    home = Path(tempfile.mkdtemp(prefix="moien-serve-load-"))
    key = AccessStore(home / "access.sqlite3").add_key("bench", [], None, None)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # Temperature 0 for both sides of the comparison; generous per-key and per-IP limits, so that what the load
    # meets is the server's own admission control (503 + Retry-After), not the quotas.
    env = {"MOIEN_MODEL__TEMPERATURE": "0", "MOIEN_API__PER_IP_RPM": "100000", "MOIEN_API__DEMO_SITE": "false"}
    proc = _start_api(home, port, env)
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb(proc.pid))
            stop.wait(1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        # Warm the model once so the first sessions do not all wait for it to load.
        asyncio.run(
            _ask(
                httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=900),
                QUESTIONS[0][1],
                None,
                None,
            )
        )
        stats = Stats()

        async def load() -> None:
            until = time.time() + args.duration
            await asyncio.gather(*(_session(base, key, until, stats, n) for n in range(args.sessions)))

        print(f"==> {args.sessions} sessions for {args.duration:.0f} s against {base}", flush=True)
        t0 = time.time()
        asyncio.run(load())
        wall = time.time() - t0
        print("\n## Load")
        print(
            "| sessions | s | answers | 429 | 503 | errors | sources p50/p95 s | first token p50/p95 s | peak RSS MB |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        print(
            f"| {args.sessions} | {wall:.0f} | {stats.answers} | {stats.refused.get(429, 0)} | "
            f"{stats.refused.get(503, 0)} | {len(stats.errors)} | {_pct(stats.to_sources, 0.5):.2f}/"
            f"{_pct(stats.to_sources, 0.95):.2f} | {_pct(stats.to_first_token, 0.5):.2f}/"
            f"{_pct(stats.to_first_token, 0.95):.2f} | {peak[0]:.0f} |"
        )
        for error in sorted(set(stats.errors))[:10]:
            print(f"  error: {error}")

        # Phase 2: the same questions, alternately in process and over HTTP, one at a time.
        from moien.assistants.core.config import Settings
        from moien.assistants.core.engine import Core

        core = Core(Settings(home=home, model={"temperature": 0, "cache_dir": ROOT / ".moien" / "models"}))
        in_process: list[float] = []
        over_http: list[float] = []
        for i in range(args.compare_runs):
            _, question = QUESTIONS[i % len(QUESTIONS)]
            t = time.perf_counter()
            core.turn(question, assistant="general").complete()
            in_process.append(time.perf_counter() - t)
            client = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=900)
            over_http.append(asyncio.run(_ask(client, question, None, None)))
        ratio = statistics.median(over_http) / statistics.median(in_process)
        print("\n## HTTP path vs in-process turn (same questions, greedy, alternating)")
        print("| runs | in-process median s | HTTP median s | ratio (goal ≤ 1.05) |")
        print("|---|---|---|---|")
        print(
            f"| {args.compare_runs} | {statistics.median(in_process):.2f} | {statistics.median(over_http):.2f} | {ratio:.3f} |"
        )
    finally:
        stop.set()
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
