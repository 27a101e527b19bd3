"""Operations: ``/healthz`` (alive), ``/readyz`` (able to answer), ``/metrics`` (Prometheus).

The metrics carry routes, statuses, durations, queue depth and refusal codes — never message text, session ids
or key names, so ``/metrics`` can be scraped by a monitoring system that must not see what citizens ask.
Each app gets its own ``CollectorRegistry``: two apps in one process (tests) do not share counters, and the
process-wide default registry's collectors (GC, process) are added explicitly.
"""

from __future__ import annotations

import asyncio
import threading

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from pydantic import BaseModel, Field

from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core

#: Buckets for whole turns and first tokens on a CPU-bound small model: from a canned reply (ms) to 2 minutes.
_TURN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 90, 120, 180)


class Metrics:
    """The Prometheus series of one app. Labels are bounded sets (route templates, statuses, codes)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        process_collector.ProcessCollector(registry=self.registry)
        platform_collector.PlatformCollector(registry=self.registry)
        gc_collector.GCCollector(registry=self.registry)
        self.requests = Counter(
            "moien_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "moien_http_request_duration_seconds",
            "Time to the end of the response (a streamed answer counts until its last chunk).",
            ["route"],
            buckets=_TURN_BUCKETS,
            registry=self.registry,
        )
        self.turn_seconds = Histogram(
            "moien_turn_duration_seconds",
            "Whole turns, from admission to the last chunk, by channel and reply kind.",
            ["channel", "kind"],
            buckets=_TURN_BUCKETS,
            registry=self.registry,
        )
        self.first_token_seconds = Histogram(
            "moien_time_to_first_token_seconds",
            "From admission to the first chunk of text, by channel.",
            ["channel"],
            buckets=_TURN_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge("moien_turns_in_flight", "Turns being answered now (admitted).", registry=self.registry)
        self.waiting = Gauge(
            "moien_turns_waiting", "Turns waiting for a free slot (queue depth).", registry=self.registry
        )
        self.refusals = Counter(
            "moien_refusals",
            "Requests refused, by status (401/403/404/413/422/429/503) and code.",
            ["status", "code"],
            registry=self.registry,
        )

    def refuse(self, status: int, code: str | None) -> None:
        self.refusals.labels(status=str(status), code=code or "none").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class ReadyCheck(BaseModel):
    ready: bool
    #: Each check by name: ``null`` when it passes, else what is wrong and what to do.
    checks: dict[str, str | None] = Field(default_factory=dict)


class Health(BaseModel):
    status: str = "ok"


class Readiness:
    """What ``/readyz`` reports: the assistants' warm-up, the core's own checks, Redis when configured.

    ``warmed`` is set by the app's start-up thread once every assistant's ``warm_up()`` returned; until then the
    process answers ``/healthz`` but is not ready (a load balancer sends it nothing yet).
    """

    def __init__(self, settings: Settings, core: Core) -> None:
        self.settings = settings
        self.core = core
        self.warmed = threading.Event()
        self.warm_error: str | None = None

    def checks(self) -> dict[str, str | None]:
        checks: dict[str, str | None] = {}
        if not self.warmed.is_set():
            checks["warm_up"] = "the assistants are still loading; try again in a few seconds"
        elif self.warm_error:
            checks["warm_up"] = self.warm_error
        checks.update(self.core.readiness())
        if self.settings.sessions.redis_url:
            checks["redis"] = _redis_problem(self.settings.sessions.redis_url)
        return checks


def _redis_problem(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        # The address only: the part before "@" may hold a password.
        where = url.split("@")[-1]
        return f"Redis at {where} does not answer ({type(exc).__name__}); start it or fix MOIEN_SESSIONS__REDIS_URL"
    return None


def router(metrics: Metrics, readiness: Readiness) -> APIRouter:
    """The ops routes. ``/healthz`` never touches the core, so it answers while the model loads."""
    api = APIRouter(tags=["operations"])

    @api.get("/healthz", response_model=Health, summary="Liveness: the process answers")
    async def healthz() -> Health:
        return Health()

    @api.get(
        "/readyz",
        response_model=ReadyCheck,
        summary="Readiness: the model, each assistant's backing service, Redis",
        responses={503: {"model": ReadyCheck, "description": "Not ready; `checks` names what is wrong."}},
    )
    async def readyz() -> JSONResponse:
        # The checks touch Neo4j and Redis with short time-outs: run them off the event loop.
        checks = await asyncio.to_thread(readiness.checks)
        ready = all(v is None for v in checks.values())
        body = ReadyCheck(ready=ready, checks=checks)
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    @api.get(
        "/metrics",
        summary="Prometheus metrics (no message text)",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
    )
    async def metrics_route(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return api
