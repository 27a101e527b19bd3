"""Model runtimes: the local llama.cpp model (default) and any OpenAI-compatible endpoint.

One model instance per process, shared by every conversation: llama.cpp holds a single context, so
requests take turns behind a lock. A bounded queue in front of it refuses work it could not start in
time (``ModelBusy``) instead of piling up requests until memory runs out.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, TypedDict, cast

import httpx

from moien.connectors.llm.config import ModelSettings
from moien.connectors.llm.model_store import ModelError, Progress, resolve_model_path

if TYPE_CHECKING:  # only for annotations: connectors never import the core at run time
    from llama_cpp.llama_types import ChatCompletionRequestMessage, ChatCompletionRequestResponseFormat


class ChatMessage(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


#: A JSON Schema document (arbitrary JSON, so its values are typed no further).
JsonSchema: TypeAlias = dict[str, Any]


class ModelBusy(RuntimeError):
    """Too many requests are already waiting for the model."""


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    time_to_first_token: float = 0.0
    total_time: float = 0.0


class ChatModel(Protocol):
    # A read-only property, so that a wrapper (the core's lazy model) fits as well as a plain attribute.
    @property
    def model_id(self) -> str: ...

    def stream_chat(
        self, messages: list[ChatMessage], *, max_tokens: int, temperature: float, stats: GenerationStats | None = None
    ) -> Iterator[str]: ...

    def stream_json(
        self,
        messages: list[ChatMessage],
        schema: JsonSchema,
        *,
        max_tokens: int,
        temperature: float,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        """Like ``stream_chat``, but the output is constrained to JSON valid against ``schema``."""
        ...


class _Queue:
    """A lock with a bounded number of waiters."""

    def __init__(self, size: int, timeout: float) -> None:
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size + 1)  # one running + `size` waiting
        self._timeout = timeout
        #: Since when the model has been held (monotonic seconds), for the busy message and the log: a generation
        #: that is never closed holds the model until it is collected, and this says so instead of a bare "busy".
        self._held_since: float | None = None

    def __enter__(self) -> None:
        if not self._slots.acquire(blocking=False):
            raise ModelBusy("the model queue is full")
        if not self._lock.acquire(timeout=self._timeout):
            self._slots.release()
            since = self._held_since
            held = f"; the generation holding it started {time.monotonic() - since:.0f} s ago" if since else ""
            raise ModelBusy(f"waited {self._timeout:.0f} s for the model{held}")
        self._held_since = time.monotonic()

    def __exit__(self, *exc: object) -> None:
        self._held_since = None
        self._lock.release()
        self._slots.release()


def _close_at_exit(ref: weakref.ReferenceType[Any]) -> None:
    llm = ref()
    if llm is not None:
        llm.close()


class LlamaCppModel:
    """A GGUF model run in-process by llama-cpp-python."""

    def __init__(
        self,
        path: Path,
        model_id: str,
        *,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        n_batch: int = 256,
        queue_size: int = 8,
        queue_timeout: float = 300.0,
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelError("llama-cpp-python is not installed: run `make run` (it builds it once).") from exc
        self.model_id = model_id
        self.path = path
        threads = n_threads or max(1, os.cpu_count() or 1)
        t0 = time.perf_counter()
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,  # set explicitly: the GGUF's own default (32k) would reserve GBs of KV cache
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=n_batch,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp could not load {path}: {exc}. Is it a GGUF file?") from exc
        self.load_seconds = time.perf_counter() - t0
        self.n_ctx = n_ctx
        self._queue = _Queue(queue_size, queue_timeout)
        # Free llama.cpp's memory while the interpreter still works: left to Llama.__del__ at shutdown, it runs
        # after the library's globals are gone and prints a TypeError traceback on every exit. A weak reference, so
        # that a model dropped earlier is still freed earlier.
        atexit.register(_close_at_exit, weakref.ref(self._llm))

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream_chat(
        self, messages: list[ChatMessage], *, max_tokens: int, temperature: float, stats: GenerationStats | None = None
    ) -> Iterator[str]:
        return self._stream(messages, max_tokens=max_tokens, temperature=temperature, stats=stats)

    def stream_json(
        self,
        messages: list[ChatMessage],
        schema: JsonSchema,
        *,
        max_tokens: int,
        temperature: float,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        # llama.cpp turns the JSON schema into a grammar: every token sampled keeps the output valid.
        fmt = {"type": "json_object", "schema": schema}
        return self._stream(messages, max_tokens=max_tokens, temperature=temperature, stats=stats, response_format=fmt)

    def _stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stats: GenerationStats | None,
        response_format: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        stats = stats or GenerationStats()
        with self._queue:
            t0 = time.perf_counter()
            # llama-cpp-python keeps the KV cache of the previous prompt and re-evaluates only the part
            # after the longest common prefix, so a fixed system prompt first is paid for once.
            chunks = self._llm.create_chat_completion(
                # llama-cpp-python types each role's message and each format separately; ours carry the same
                # keys, so they are handed over as they are.
                messages=cast("list[ChatCompletionRequestMessage]", messages),
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                response_format=cast("ChatCompletionRequestResponseFormat | None", response_format),
            )
            if isinstance(chunks, dict):  # never with stream=True; the check tells the type checker so
                raise ModelError("llama.cpp answered with a whole completion where a stream was asked for")
            n = 0
            for chunk in chunks:
                delta: Mapping[str, object] = chunk["choices"][0].get("delta") or {}
                piece = delta.get("content")
                if isinstance(piece, str) and piece:
                    if n == 0:
                        stats.time_to_first_token = time.perf_counter() - t0
                    n += 1
                    yield piece
            stats.completion_tokens = n
            # The streamed chunks carry no usage; the context now holds the prompt and the answer (one token per
            # streamed piece), so the prompt's size is the difference.
            stats.prompt_tokens = max(0, int(getattr(self._llm, "n_tokens", 0)) - n)
            stats.total_time = time.perf_counter() - t0


class OpenAICompatibleModel:
    """Any server speaking OpenAI chat completions (llama.cpp server, vLLM, OpenGateLLM): the scale-out path."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 120.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model_id = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)

    def stream_chat(
        self, messages: list[ChatMessage], *, max_tokens: int, temperature: float, stats: GenerationStats | None = None
    ) -> Iterator[str]:
        return self._stream(messages, max_tokens=max_tokens, temperature=temperature, stats=stats)

    def stream_json(
        self,
        messages: list[ChatMessage],
        schema: JsonSchema,
        *,
        max_tokens: int,
        temperature: float,
        stats: GenerationStats | None = None,
    ) -> Iterator[str]:
        fmt = {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}
        return self._stream(messages, max_tokens=max_tokens, temperature=temperature, stats=stats, response_format=fmt)

    def _stream(
        self,
        messages: list[ChatMessage],
        *,
        max_tokens: int,
        temperature: float,
        stats: GenerationStats | None,
        response_format: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        stats = stats or GenerationStats()
        body: dict[str, Any] = {
            "model": self.model_id,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        if response_format:
            body["response_format"] = response_format
        t0 = time.perf_counter()
        n = 0
        try:
            with self._client.stream("POST", "/chat/completions", json=body) as resp:
                if resp.status_code == 429 or resp.status_code == 503:
                    raise ModelBusy(f"model server answered {resp.status_code}")
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    if delta:
                        if n == 0:
                            stats.time_to_first_token = time.perf_counter() - t0
                        n += 1
                        yield delta
        except httpx.HTTPError as exc:
            raise ModelError(
                f"The model server at {self.base_url} failed: {exc}. Check MOIEN_MODEL__OPENAI_BASE_URL."
            ) from exc
        stats.completion_tokens = n
        stats.total_time = time.perf_counter() - t0


_instances: dict[tuple[str | int, ...], ChatModel] = {}
_instances_lock = threading.Lock()


def get_model(m: ModelSettings, cache_dir: Path, progress: Progress | None = None) -> ChatModel:
    """The process-wide model for these settings (loaded on first use); built-in models are assembled in ``cache_dir``."""
    load: Callable[[], ChatModel]
    if m.backend == "openai" or m.openai_base_url:
        base_url, name = m.openai_base_url, m.openai_model
        if not base_url or not name:
            raise ModelError("Set MOIEN_MODEL__OPENAI_BASE_URL and MOIEN_MODEL__OPENAI_MODEL for the openai backend.")
        key: tuple[str | int, ...] = ("openai", base_url, name)

        def load() -> ChatModel:
            return OpenAICompatibleModel(base_url, name, m.openai_api_key)

    else:
        key = ("llama", m.name, str(m.path), str(cache_dir), m.n_ctx)

        def load() -> ChatModel:
            path, model_id = resolve_model_path(m.name, m.path, cache_dir, progress)
            return LlamaCppModel(
                path,
                model_id,
                n_ctx=m.n_ctx,
                n_threads=m.n_threads,
                n_batch=m.n_batch,
                queue_size=m.queue_size,
                queue_timeout=m.queue_timeout,
            )

    with _instances_lock:
        if key not in _instances:
            _instances[key] = load()
        return _instances[key]
