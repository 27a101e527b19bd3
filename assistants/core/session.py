"""Bounded conversation memory behind one interface: in this process, or in Redis for several processes.

Only what a conversation needs to continue is kept — redacted text of recent turns, the last confident language,
whether the AI disclosure was shown, each assistant's small state — never on disk, and for a limited time
(``sessions.ttl_seconds``). In process, the least recently used session is also forgotten first when there are
too many. In Redis (``MOIEN_SESSIONS__REDIS_URL``), each session is one JSON value with a time-to-live, so two
``moien api`` processes behind a load balancer continue the same conversation.

A session may be *claimed* by a channel's caller (a site, an API key): a session id that another caller claimed
is refused, so a session id seen on one site cannot be replayed from another.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Protocol

from moien.assistants.core.types import AssistantState, Speaker
from moien.connectors.kv import KeyValue


@dataclass
class Session:
    id: str
    turns: deque[tuple[Speaker, str]]  # (who, redacted text)
    disclosed: bool = False
    last_lang: str | None = None
    last_assistant: str | None = None
    #: Each assistant's own state in this conversation, by assistant name (``Query.state``).
    extra: dict[str, AssistantState] = field(default_factory=dict)
    #: Who claimed the conversation (a site, a key, a signed-in user), in process memory; see ``claim``.
    owner: str | None = None

    def history(self) -> list[tuple[Speaker, str]]:
        return list(self.turns)

    def to_json(self) -> str:
        # default=str: an assistant's state is JSON-like, but a date in it must not lose the whole session.
        return json.dumps(
            {
                "turns": [list(t) for t in self.turns],
                "disclosed": self.disclosed,
                "last_lang": self.last_lang,
                "last_assistant": self.last_assistant,
                "extra": self.extra,
            },
            ensure_ascii=False,
            default=str,
        )

    @classmethod
    def from_json(cls, session_id: str, text: str, max_turns: int) -> Session:
        data: dict[str, Any] = json.loads(text)
        turns: deque[tuple[Speaker, str]] = deque(maxlen=max_turns * 2)
        for who, said in data.get("turns", []):
            if who in ("user", "assistant"):
                turns.append((who, str(said)))
        return cls(
            session_id,
            turns,
            disclosed=bool(data.get("disclosed")),
            last_lang=data.get("last_lang"),
            last_assistant=data.get("last_assistant"),
            extra=dict(data.get("extra") or {}),
        )


class SessionStore(Protocol):
    """Where conversations are kept between turns. ``get`` then ``save``: the core saves after every change."""

    def get(self, session_id: str) -> Session:
        """The session (a new, empty one if unknown or expired)."""
        ...

    def save(self, session: Session) -> None: ...

    def forget(self, session_id: str) -> None: ...

    def claim(self, session_id: str, owner: str) -> bool:
        """Bind ``session_id`` to ``owner`` (a site, a key) on first use; ``False`` if another owner holds it."""
        ...

    def __len__(self) -> int: ...

    def __contains__(self, session_id: object) -> bool: ...


class MemorySessions:
    """This process's memory: at most ``max_sessions`` conversations, each forgotten after ``ttl`` idle seconds."""

    def __init__(self, max_sessions: int = 1000, max_turns: int = 6, ttl: float = 1800.0) -> None:
        # The owner lives in the session itself, so claims are bounded and expire exactly like conversations
        # (a claim without a conversation must not grow memory for ever).
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()
        self._max_sessions = max_sessions
        self._max_turns = max_turns
        self._ttl = ttl
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        # Oldest first (the dict is kept in order of use), so the loop stops at the first live session.
        while self._sessions:
            _, touched = next(iter(self._sessions.values()))
            if now - touched <= self._ttl and len(self._sessions) <= self._max_sessions:
                break
            self._sessions.popitem(last=False)

    def _touch(self, session_id: str) -> Session:
        """The session (created if unknown), marked as just used; call with the lock held."""
        now = time.monotonic()
        self._expire(now)
        found = self._sessions.get(session_id)
        session = found[0] if found else Session(session_id, deque(maxlen=self._max_turns * 2))
        self._sessions[session_id] = (session, now)
        self._sessions.move_to_end(session_id)
        self._expire(now)
        return session

    def get(self, session_id: str) -> Session:
        with self._lock:
            return self._touch(session_id)

    def save(self, session: Session) -> None:
        with self._lock:
            self._sessions[session.id] = (session, time.monotonic())
            self._sessions.move_to_end(session.id)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def claim(self, session_id: str, owner: str) -> bool:
        with self._lock:
            session = self._touch(session_id)
            if session.owner is None:
                session.owner = owner
            return session.owner == owner

    def __len__(self) -> int:
        with self._lock:
            self._expire(time.monotonic())
            return len(self._sessions)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            self._expire(time.monotonic())
            return session_id in self._sessions


class SharedSessions:
    """Sessions in a shared key-value store (Redis): one JSON value per session, with a time-to-live."""

    def __init__(self, kv: KeyValue, *, max_turns: int = 6, ttl: int = 1800, prefix: str = "moien:") -> None:
        self._kv = kv
        self._max_turns = max_turns
        self._ttl = ttl
        self._prefix = prefix + "session:"
        self._owner_prefix = prefix + "owner:"

    def get(self, session_id: str) -> Session:
        text = self._kv.get(self._prefix + session_id)
        if text is None:
            return Session(session_id, deque(maxlen=self._max_turns * 2))
        try:
            return Session.from_json(session_id, text, self._max_turns)
        except (ValueError, TypeError, AttributeError):  # a damaged value starts the conversation afresh
            return Session(session_id, deque(maxlen=self._max_turns * 2))

    def save(self, session: Session) -> None:
        self._kv.set(self._prefix + session.id, session.to_json(), self._ttl)
        # The claim lives exactly as long as the conversation: were it to expire first, another caller could
        # claim the id and inherit the history.
        self._kv.expire(self._owner_prefix + session.id, self._ttl)

    def forget(self, session_id: str) -> None:
        self._kv.delete(self._prefix + session_id)
        self._kv.delete(self._owner_prefix + session_id)

    def claim(self, session_id: str, owner: str) -> bool:
        key = self._owner_prefix + session_id
        if self._kv.set_if_absent(key, owner, self._ttl):
            # A new claim starts a new conversation: history left under this id without a live claim (its claim
            # expired) is not handed to the new owner.
            self._kv.delete(self._prefix + session_id)
            return True
        held = self._kv.get(key)
        if held is None:  # expired between the two calls: claim it now
            if self._kv.set_if_absent(key, owner, self._ttl):
                self._kv.delete(self._prefix + session_id)
                return True
            return False
        if held == owner:
            self._kv.set(key, owner, self._ttl)  # keep the claim alive as long as the conversation
        return held == owner

    def __len__(self) -> int:
        return self._kv.count(self._prefix)

    def __contains__(self, session_id: object) -> bool:
        return isinstance(session_id, str) and self._kv.get(self._prefix + session_id) is not None


def session_store(
    *, redis_url: str | None, max_sessions: int, max_turns: int, ttl: int, prefix: str = "moien:"
) -> SessionStore:
    """The store the settings ask for: Redis when ``redis_url`` is given, this process's memory otherwise."""
    if redis_url:
        from moien.connectors.kv import RedisKV

        kv = RedisKV(redis_url)
        kv.ping()  # fail at start-up, naming the URL, rather than at the first question
        return SharedSessions(kv, max_turns=max_turns, ttl=ttl, prefix=prefix)
    return MemorySessions(max_sessions, max_turns, ttl)
