"""The ``moien api`` ASGI application: every HTTP channel over one ``Core``.

``create_app()`` is a uvicorn factory (``uvicorn --factory moien.connectors.channels.app:create_app``): with no
arguments it reads the settings from the environment. It builds, once per process, the core, the access gate and
the turn runner, and serves:

- the OpenAI-compatible API (``/v1/models``, ``/v1/chat/completions``), the Rasa REST channel (``/webhooks/rest``),
  the widget (``/embed.js``, ``/widget/…``, ``/demo``), the ops routes (``/healthz``, ``/readyz``, ``/metrics``),
  OpenAPI at ``/openapi.json`` and its pages at ``/docs``;
- Rasa's socket.io channel at ``/socket.io`` (python-socketio's ASGI app, with FastAPI as its "other" app).

Around them, four small ASGI middlewares (outermost first): an access log and request metrics without message text
or query strings; security headers; a body-size limit (413); CORS for the origins the sites list. They are plain
ASGI rather than Starlette's ``BaseHTTPMiddleware`` so they wrap the socket.io app too and never buffer a stream.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import socketio
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import moien
from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core
from moien.connectors.channels import openai_api, ops, rasa_rest, widget
from moien.connectors.channels.access import AccessStore, Gate
from moien.connectors.channels.errors import error_body, install_error_handlers
from moien.connectors.channels.rasa_socketio import create_socketio
from moien.connectors.channels.turns import TurnRunner

log = logging.getLogger("moien.api")
access_log = logging.getLogger("moien.api.access")

#: Request headers a page's script may send cross-origin (answered in CORS preflights).
CORS_HEADERS = "Authorization, Content-Type, X-Moien-User-Token"
CORS_METHODS = "GET, POST, OPTIONS"


def _state(scope: Scope) -> dict[str, Any]:
    """The per-request state dict (``request.state`` in a route), shared by the middlewares and the routes."""
    state: dict[str, Any] = scope.setdefault("state", {})
    return state


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    import json

    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


class AccessLogMiddleware:
    """One log line and the request metrics per request: method, path, status, duration, caller — never text.

    Why not uvicorn's access log: it prints the query string, and a client may put a message there. The path
    alone (no query) is logged; ``moien api`` switches uvicorn's own access log off.
    """

    def __init__(self, app: ASGIApp, metrics: ops.Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = _state(scope)
        status = 500

        async def logged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            elapsed = time.perf_counter() - started
            route = self._route(scope, status)
            self.metrics.requests.labels(route=route, method=scope["method"], status=str(status)).inc()
            self.metrics.request_seconds.labels(route=route).observe(elapsed)
            if status in (401, 403, 404, 413, 422, 429, 503):
                self.metrics.refuse(status, state.get("error_code"))
            access_log.info(
                "%s %s %d %.0fms caller=%s",
                scope["method"],
                self._logged_path(scope, route),
                status,
                elapsed * 1000,
                state.get("caller_name", "-"),
            )

    @staticmethod
    def _logged_path(scope: Scope, route: str) -> str:
        """The path as logged: in full for a known route (its parameters are model names, file names); for an
        unknown one only its first segment, since a misdirected client may put anything, message text included,
        in a path."""
        path: str = scope["path"]
        if route != "unmatched":
            return path[:200]
        first = path.split("/")[1] if path.count("/") >= 1 else ""
        return f"/{first[:40]}/…" if path.count("/") > 1 or len(first) > 40 else f"/{first}"

    @staticmethod
    def _route(scope: Scope, status: int) -> str:
        """The route template (``/v1/chat/completions``), so that paths with ids do not explode the label set."""
        route = scope.get("route")
        path = getattr(route, "path", None)
        if isinstance(path, str):
            return path
        if scope["path"].startswith("/socket.io"):
            return "/socket.io"
        return "unmatched"


class SecurityHeadersMiddleware:
    """``X-Content-Type-Options: nosniff`` everywhere; ``frame-ancestors`` on HTML, from the sites' origins.

    ``frame-ancestors`` is added as its own ``Content-Security-Policy`` header unless the page already set one:
    browsers enforce every CSP header, so the widget's own policy and this one combine.
    """

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html") and not any(
                    k.lower() == b"content-security-policy" and b"frame-ancestors" in v for k, v in headers
                ):
                    ancestors = " ".join(["'self'", *self.gate.frame_ancestors()])
                    headers.append((b"content-security-policy", f"frame-ancestors {ancestors}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured_send)


class _BodyTooLarge(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuse bodies over ``api.max_body_bytes`` with 413, whether announced (``Content-Length``) or streamed.

    A streamed (chunked) body is counted as it arrives; once over the limit, reading it fails and whatever the
    app was about to answer is replaced by the 413, so the app never sees more than the limit.
    Hand-written: Starlette and uvicorn have no body limit (uvicorn's ``--limit-*`` options cover connections).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> dict[str, Any]:
        return error_body(
            f"The request body is larger than {self.max_bytes} bytes; send a shorter message.",
            "invalid_request_error",
            "request_too_large",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            _state(scope)["error_code"] = "request_too_large"
            await _send_json(send, 413, self._refusal(), [(b"connection", b"close")])
            return
        received = 0
        too_large = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    _state(scope)["error_code"] = "request_too_large"
                    await _send_json(send, 413, self._refusal(), [(b"connection", b"close")])
                return  # the app's own answer to the broken read is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _BodyTooLarge:
            if not started:
                _state(scope)["error_code"] = "request_too_large"
                await _send_json(send, 413, self._refusal(), [(b"connection", b"close")])


class SiteCorsMiddleware:
    """CORS for exactly the origins some site lists, read from the access store at each request.

    Hand-written rather than Starlette's ``CORSMiddleware``: that one takes a fixed list or regex at start-up,
    but sites are added and removed while the server runs (``moien sites add`` writes the store the gate reads).
    No credentials are allowed (keys travel in headers, never cookies), so a reflected origin is safe. Socket.io
    does its own CORS (python-engineio), so its path is passed through untouched.
    """

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        if origin is None or scope["path"].startswith("/socket.io"):
            await self.app(scope, receive, send)
            return
        allowed = await anyio.to_thread.run_sync(self.gate.allowed_origin, origin)
        preflight = scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method") is not None
        if preflight:
            if not allowed:
                _state(scope)["error_code"] = "origin_not_allowed"
                body = error_body(
                    f"The origin {origin} is not allowed; add it to a site (moien sites add NAME --origin {origin}).",
                    "permission_error",
                    "origin_not_allowed",
                )
                await _send_json(send, 403, body, [(b"vary", b"Origin")])
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-allow-methods", CORS_METHODS.encode()),
                        (b"access-control-allow-headers", CORS_HEADERS.encode()),
                        (b"access-control-max-age", b"600"),
                        (b"vary", b"Origin"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def cors_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"vary", b"Origin"))
                if allowed:
                    headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
                    headers.append((b"access-control-expose-headers", b"Retry-After"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, cors_send)


def _demo_origins(settings: Settings) -> list[str]:
    """The API's own origins, which the demo site lists so that ``/demo`` works on a first run."""
    port = settings.api.port
    origins = [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    if settings.api.public_url:
        parts = urlsplit(settings.api.public_url)
        origins.insert(0, f"{parts.scheme}://{parts.netloc}")
    return origins


def _warm_up(core: Core, readiness: ops.Readiness) -> None:
    """Load what the first question would wait for (indexes, connections), off the event loop."""
    problems: list[str] = []
    for name, helper in core.assistants.items():
        try:
            helper.warm_up()
        except Exception as exc:  # one assistant failing to warm up must not stop the others
            log.warning("assistant %s failed to warm up: %s", name, type(exc).__name__)
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    readiness.warm_error = "; ".join(problems) or None
    readiness.warmed.set()


def _ensure_log_handler() -> None:
    """Show moien's INFO lines (the access log) when nothing else configured logging (plain uvicorn)."""
    logger = logging.getLogger("moien")
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _error_shape_openapi(api: FastAPI, models: list[str]) -> Callable[[], dict[str, Any]]:
    """``api.openapi`` with every 422 described as what the app sends: OpenAI's error shape (``ErrorBody``).

    FastAPI documents validation errors as its own ``HTTPValidationError``; moien's handler (errors.py) answers
    them in OpenAI's shape on every route, so the document is corrected once here for all routers, and every
    operation that takes a body also documents the 413 the body-size limit answers. The models (``models``) are
    named too (see ``openai_api.document_models``).
    """
    original = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is not None:
            return api.openapi_schema
        schema = original()
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault(
            "ErrorBody", openai_api.ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        schemas.setdefault("ErrorDetail", openai_api.ErrorDetail.model_json_schema())
        schemas["ErrorBody"].pop("$defs", None)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "A field is missing or malformed (`error.param` names it).",
                        **error,
                    }
                if "requestBody" in operation and "413" not in responses:
                    responses["413"] = {"description": "The request body is too large.", **error}
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        openai_api.document_models(schema, models)
        api.openapi_schema = schema
        return schema

    return openapi


def create_app(settings: Settings | None = None, core: Core | None = None) -> ASGIApp:
    """The whole ``moien api`` application (see the module's docstring). No arguments: settings from the env."""
    settings = settings or Settings()
    _ensure_log_handler()
    owns_core = core is None
    core = core or Core(settings)
    store = AccessStore(settings.home / "access.sqlite3")
    gate = Gate(settings, store)
    metrics = ops.Metrics()
    runner = TurnRunner(core, settings, metrics)
    readiness = ops.Readiness(settings, core)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.api.demo_site:
            await anyio.to_thread.run_sync(store.ensure_demo_site, _demo_origins(settings))
        threading.Thread(target=_warm_up, args=(core, readiness), name="moien-warm-up", daemon=True).start()
        try:
            yield
        finally:
            if owns_core:  # release what the assistants hold (Neo4j driver, search indexes)
                await anyio.to_thread.run_sync(core.close)

    # FastAPIOffline, not FastAPI: FastAPI's /docs and /redoc load Swagger UI and ReDoc from a CDN, and nothing may
    # leave the host; this well-kept wrapper serves the same pages with their assets bundled in its wheel.
    api = FastAPIOffline(
        title="moien",
        version=moien.__version__,
        description=(
            "moien's HTTP channels: an OpenAI-compatible API, Rasa's REST channel, the chat widget and "
            "operations routes. Every answer carries moien's trust fields (`moien`: language, sources, "
            "AI marking, model, disclosure)."
        ),
        lifespan=lifespan,
    )
    api.state.settings = settings
    api.state.core = core
    api.state.gate = gate
    api.state.runner = runner
    api.state.metrics = metrics
    install_error_handlers(api)
    api.openapi = _error_shape_openapi(api, [*core.assistants, "auto"])  # type: ignore[method-assign]
    api.include_router(ops.router(metrics, readiness))

    api.include_router(openai_api.router(runner, gate))
    api.include_router(rasa_rest.router(runner, gate))
    api.include_router(widget.router(settings, gate, core))

    # socket.io first: python-socketio's ASGI app answers /socket.io and hands everything else to FastAPI.
    sio = create_socketio(runner, gate, settings)
    inner: ASGIApp = socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io")

    wrapped: ASGIApp = SiteCorsMiddleware(inner, gate)
    wrapped = BodySizeLimitMiddleware(wrapped, settings.api.max_body_bytes)
    wrapped = SecurityHeadersMiddleware(wrapped, gate)
    wrapped = AccessLogMiddleware(wrapped, metrics)
    return wrapped


__all__ = ["create_app"]
