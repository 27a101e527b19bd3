"""The async bridge every HTTP channel uses to run a turn of the (synchronous) core.

``TurnRunner.start`` admits the turn (at most ``api.max_concurrent_turns`` at once; one more waits up to
``api.queue_timeout`` seconds, then ``Busy`` → 503 with ``Retry-After``), claims the session for the caller (a
session id another site or key holds is refused: 403 ``session_not_yours``), and runs ``Core.turn`` in a worker
thread. The ``StartedTurn`` it returns has the reply's known parts at once (language, sources, disclosure) and
streams the text with ``chunks()``, each ``next()`` of the core's blocking iterator in a worker thread too. When the
client goes away, ``aclose()`` closes the core's iterator, which stops the model (``Core._stream`` closes its
source), and frees the slot.

Why a semaphore here and not only the model's own queue: the model queue protects the model, this one protects
the process — a request that cannot start in time is told so (503) rather than holding a connection and a thread.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio.to_thread

from moien.assistants.core.config import Settings
from moien.assistants.core.engine import MEMORY_CHARS, Core, Turn
from moien.assistants.core.trust import redact
from moien.assistants.core.types import Reply, Speaker
from moien.connectors.channels.access import AccessDenied, Caller
from moien.connectors.channels.ops import Metrics

#: Characters per token, to count what the model did not (an assistant's own answer, a canned reply): OpenAI's rule
#: of thumb of about four characters per token for Latin-script text. ``usage`` must be integers either way.
CHARS_PER_TOKEN = 4


class Busy(Exception):
    """No slot freed up within ``api.queue_timeout``: answer 503 with ``Retry-After: retry_after``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"The server is answering as many questions as it can; retry in {retry_after} s "
            "(the Retry-After header says when)."
        )
        self.retry_after = retry_after


def trust_fields(reply: Reply) -> dict[str, Any]:
    """The ``moien`` extension object: what a client needs to show an answer honestly, before its text.

    The same object in every protocol (OpenAI's top-level ``moien``, Rasa's ``custom.moien``, the widget's
    events), so a client written for one reads the others.
    """
    return {
        "lang": reply.lang,
        "sources": [{"id": s.id, "title": s.title, "uri": s.uri, "snippet": s.snippet} for s in reply.sources],
        "ai_generated": reply.ai_generated,
        "model": reply.model,
        "disclosure": reply.disclosure,
        "kind": reply.kind,
        # The language the user wrote in when the text is in another one (the model cannot write it), and the
        # line that says so, in the user's language: shown above the answer.
        "requested_lang": reply.requested_lang,
        "notice": reply.notice,
        "assistant": reply.assistant,
        "session_id": reply.session_id,
        # The answer guardrail checks an answer once it is written: null before (and for replies it does not check),
        # then true/false with the details — so a client holds its "verified" mark until the end.
        "verified": reply.verification.passed if reply.verification is not None else None,
        "verification": reply.verification.model_dump(mode="json") if reply.verification is not None else None,
    }


def estimate_tokens(text: str) -> int:
    """A token count for text the model did not count (see ``CHARS_PER_TOKEN``); at least 1 for non-empty text."""
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


_END = object()


class StartedTurn:
    """A turn the core has started: ``reply`` now, the text from ``chunks()``, then ``usage()``.

    Always end it: iterate ``chunks()`` to the end, or call ``aclose()`` (idempotent), so that the slot is freed
    and an abandoned answer stops the model.

    The core's iterator is advanced in worker threads, one ``next()`` at a time under a lock. Closing it while a
    ``next()`` runs in a thread is impossible (a running generator cannot be closed), so ``aclose()`` marks the turn
    closed and closes the iterator if no step runs; a step in progress closes it as soon as its ``next()`` returns
    (the model then stops at its next token).
    """

    def __init__(self, runner: TurnRunner, turn: Turn, question: str, channel: str, admitted: float) -> None:
        self._runner = runner
        self._turn = turn
        self._iter: Iterator[str] = iter(turn)
        self._question = question
        self._channel = channel
        self._admitted = admitted
        self._lock = threading.Lock()
        self._closed = False
        self._released = False
        self._first_token_seen = False
        self.reply: Reply = turn.reply

    def _close_iterator(self) -> None:
        close = getattr(self._iter, "close", None)
        if close is not None:
            close()

    def _step(self) -> object:
        """One ``next()`` of the core's iterator (in a worker thread), or ``_END``."""
        with self._lock:
            if self._closed:
                self._close_iterator()
                return _END
            try:
                piece = next(self._iter)
            except StopIteration:
                return _END
        # Checked again once the lock is free: a close that came while this step held the lock could not close the
        # iterator itself (``_close_now`` only tries the lock), so this step does it.
        if self._closed:
            self._close_now()
            return _END
        return piece

    def _close_now(self) -> None:
        """Close the iterator now if no step is running; else the running step closes it when it ends (it checks
        ``_closed`` after releasing the lock, and ``_closed`` is set before this tries the lock)."""
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._close_iterator()
            finally:
                self._lock.release()

    async def chunks(self) -> AsyncIterator[str]:
        """The answer's text, piece by piece. Cancelling the consumer closes the turn (the model stops)."""
        try:
            while True:
                piece = await anyio.to_thread.run_sync(self._step)
                if piece is _END:
                    break
                assert isinstance(piece, str)
                if piece and not self._first_token_seen:
                    self._first_token_seen = True
                    self._runner.metrics.first_token_seconds.labels(channel=self._channel).observe(
                        time.perf_counter() - self._admitted
                    )
                yield piece
        finally:
            await self.aclose()

    async def text(self) -> str:
        """The whole answer (for non-streamed protocols); ``reply.text`` holds it afterwards too."""
        async for _ in self.chunks():
            pass
        return self.reply.text

    def usage(self) -> dict[str, int]:
        """OpenAI's ``usage``: the model's own counts, or an estimate when it did not generate (see above)."""
        stats = self._turn.stats
        prompt = stats.prompt_tokens if stats is not None else 0
        completion = stats.completion_tokens if stats is not None else 0
        if completion == 0:
            completion = estimate_tokens(self.reply.text)
        if prompt == 0:
            prompt = estimate_tokens(self._question)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    async def aclose(self) -> None:
        """Stop the turn and free its slot (idempotent; safe to call from a cancelled request)."""
        if self._released:
            return
        self._released = True
        try:
            # Inline, with no await before it: a cancelled request cannot stop this half-way. (It was awaited in a
            # worker thread before; a client that hung up mid-stream then left the generation open now and then — the
            # model stayed held until garbage collection and the next question got "model busy" after 300 s, CI
            # 2026-12-02.) Closing runs the core's clean-up and the model generator's exit: milliseconds.
            self._close_now()
        finally:
            self._runner._finish(self._channel, self.reply.kind, self._admitted)


class TurnRunner:
    """Admission control, session claims and threads around ``Core.turn``; one per app, shared by every channel."""

    def __init__(self, core: Core, settings: Settings, metrics: Metrics | None = None) -> None:
        self.core = core
        self.settings = settings
        self.metrics = metrics or Metrics()
        self._slots = asyncio.Semaphore(settings.api.max_concurrent_turns)

    @property
    def retry_after(self) -> int:
        """What ``Retry-After`` says when busy: about one queue time-out, at least 1 s, at most a minute."""
        return max(1, min(60, math.ceil(self.settings.api.queue_timeout)))

    async def _admit(self) -> float:
        self.metrics.waiting.inc()
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.settings.api.queue_timeout)
        except TimeoutError:
            raise Busy(self.retry_after) from None
        finally:
            self.metrics.waiting.dec()
        self.metrics.in_flight.inc()
        return time.perf_counter()

    def _finish(self, channel: str, kind: str, admitted: float) -> None:
        self.metrics.in_flight.dec()
        self.metrics.turn_seconds.labels(channel=channel, kind=kind).observe(time.perf_counter() - admitted)
        self._slots.release()

    async def claim(self, session_id: str, caller: Caller) -> None:
        """Bind the session to the caller, or refuse it (403 ``session_not_yours``)."""
        owned = await anyio.to_thread.run_sync(self.core.sessions.claim, session_id, caller.owner)
        if not owned:
            raise AccessDenied(
                403,
                "session_not_yours",
                "This session id belongs to another site or key; start a new session (send no session id).",
            )

    def _seed(self, session_id: str, history: list[tuple[Speaker, str]]) -> None:
        """Start a new session with an earlier conversation: redacted and bounded like the core's own memory (each
        message cut at ``MEMORY_CHARS``, the last ``max_turns`` exchanges kept by the session's bounded deque)."""
        session = self.core.sessions.get(session_id)
        if session.turns:
            return
        for role, text in history:
            session.turns.append((role, redact(text[:MEMORY_CHARS])))
        self.core.sessions.save(session)

    async def start(
        self,
        text: str | bytes,
        *,
        caller: Caller,
        session_id: str | None,
        assistant: str | None,
        lang: str | None,
        history: list[tuple[Speaker, str]] | None = None,
        channel: str = "api",
    ) -> StartedTurn:
        """Admit, claim and start a turn; the returned turn's ``reply`` is known, its text streams.

        ``history`` (OpenAI clients send the whole conversation) seeds a session that has none yet. Raises
        ``Busy`` and ``AccessDenied``; a session id is made up when none is given.
        """
        sid = session_id or uuid.uuid4().hex
        admitted = await self._admit()
        try:
            # Claimed once admitted, so that a request refused as busy leaves no claim behind.
            await self.claim(sid, caller)
            if history:
                await anyio.to_thread.run_sync(self._seed, sid, history)
            turn = await anyio.to_thread.run_sync(
                lambda: self.core.turn(
                    text, session_id=sid, assistant=assistant, ui_lang=lang, user=caller.user, channel=channel
                )
            )
        except BaseException:
            self._finish(channel, "refused", admitted)
            raise
        question = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text
        return StartedTurn(self, turn, question, channel, admitted)
