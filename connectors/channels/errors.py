"""Every HTTP error in OpenAI's shape: ``{"error": {"message", "type", "code", "param"}}``.

One shape for every route (the OpenAI API, the Rasa REST channel, the widget's routes, the ops routes), because
the official ``openai`` client is the strictest reader: it raises a typed exception per status
(``AuthenticationError`` for 401, ``PermissionDeniedError`` 403, ``NotFoundError`` 404, ``UnprocessableEntityError``
422, ``RateLimitError`` 429, ``InternalServerError`` 5xx) and reads ``error.message`` and ``error.code`` from the
body. A Rasa front end ignores the body and only sees the status. Messages are in English and say what to do
next: they are read by the developer who wires a page or a program to moien; what the *user* reads (an empty
message, a busy model) comes from the core, in the user's language, as a normal reply.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import redis
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from moien.connectors.channels.access import AccessDenied
from moien.connectors.channels.turns import Busy
from moien.connectors.kv import KeyValueUnavailable

log = logging.getLogger("moien.api")

#: OpenAI's ``error.type`` for each status; anything else is a ``server_error`` (5xx) or ``invalid_request_error``.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "server_error",
}


def error_type(status: int) -> str:
    """OpenAI's ``error.type`` for an HTTP status."""
    return ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")


def error_body(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    """The body of an error response, exactly as OpenAI's API writes it."""
    return {"error": {"message": message, "type": type_, "code": code, "param": param}}


class ApiError(Exception):
    """An error a route raises on purpose (unknown model, body too large, …); rendered in OpenAI's shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        param: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.retry_after = retry_after


def error_response(
    status: int,
    code: str | None,
    message: str,
    *,
    param: str | None = None,
    retry_after: float | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response; ``retry_after`` (seconds, rounded up) becomes the ``Retry-After`` header."""
    all_headers = dict(headers or {})
    if retry_after is not None:
        all_headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return JSONResponse(
        error_body(message, error_type(status), code, param), status_code=status, headers=all_headers or None
    )


def _field_name(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """``("body", "messages", 0, "content")`` → ``messages[0].content``: the field as a developer writes it."""
    name = ""
    for part in loc:
        if part in ("body", "query", "path", "header") and not name:
            continue
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "body"


def validation_message(exc: RequestValidationError) -> tuple[str, str]:
    """The first problem of a rejected request, as ``(message, field)``; the message names the field."""
    errors = exc.errors()
    if not errors:
        return "The request body is not valid.", "body"
    first = errors[0]
    field = _field_name(tuple(first.get("loc", ())))
    kind = first.get("type", "")
    if kind == "json_invalid":
        ctx = first.get("ctx") or {}
        return (
            f"The request body is not valid JSON ({ctx.get('error', 'syntax error')}); send a JSON object.",
            "body",
        )
    more = f" ({len(errors) - 1} more problem(s) in the request)" if len(errors) > 1 else ""
    return f"Invalid field '{field}': {first.get('msg', 'invalid value')}.{more}", field


def _note(request: Request, code: str | None) -> None:
    """Tell the access-log middleware which refusal this was (it counts refusals by status and code)."""
    request.state.error_code = code


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    _note(request, exc.code)
    return error_response(exc.status, exc.code, exc.message, param=exc.param, retry_after=exc.retry_after)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, field = validation_message(exc)
    _note(request, "invalid_request")
    return error_response(422, "invalid_request", message, param=field)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        message = f"No route {request.url.path}; see /docs for the routes this server offers."
        code = "not_found"
    elif status == 405:
        message = f"{request.method} is not allowed on {request.url.path}; see /docs."
        code = "method_not_allowed"
    else:
        message = str(exc.detail)
        code = "http_error"
    _note(request, code)
    return error_response(status, code, message, headers=dict(exc.headers or {}))


async def _on_access_denied(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AccessDenied)
    _note(request, exc.code)
    return error_response(exc.status, exc.code, exc.message, retry_after=exc.retry_after)


async def _on_busy(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Busy)
    _note(request, "server_busy")
    return error_response(503, "server_busy", str(exc), retry_after=exc.retry_after)


async def _on_store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Redis holds the shared sessions and quota counters: without it no turn can be kept or charged. The operators
    # get the reason in the log (the URL without its password); the caller a 503 that says to retry.
    log.error("shared store unavailable on %s %s: %s", request.method, request.url.path, exc)
    _note(request, "store_unavailable")
    return error_response(
        503,
        "store_unavailable",
        "The session store (Redis) cannot be reached; retry in a moment, and tell the operators if it stays.",
        retry_after=10,
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log (never the request body); the caller gets the shape and a next step.
    log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "internal_error", f"Internal error ({type(exc).__name__}); try again, and tell the operators if it stays."
    )


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` an OpenAI-shaped JSON response."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(AccessDenied, _on_access_denied)
    app.add_exception_handler(Busy, _on_busy)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(KeyValueUnavailable, _on_store_unavailable)
    app.add_exception_handler(redis.RedisError, _on_store_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
