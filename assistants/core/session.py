"""Bounded conversation memory: a fixed number of sessions, a fixed number of turns each.

Only what a conversation needs to continue is kept (redacted text of recent turns, the last confident
language), in process memory, never on disk; the least recently used session is forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from moien.assistants.core.types import AssistantState, Speaker


@dataclass
class Session:
    id: str
    turns: deque[tuple[Speaker, str]]  # (who, redacted text)
    disclosed: bool = False
    last_lang: str | None = None
    last_assistant: str | None = None
    #: Each assistant's own state in this conversation, by assistant name (``Query.state``).
    extra: dict[str, AssistantState] = field(default_factory=dict)

    def history(self) -> list[tuple[Speaker, str]]:
        return list(self.turns)


class SessionStore:
    def __init__(self, max_sessions: int = 1000, max_turns: int = 6) -> None:
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._max_sessions = max_sessions
        self._max_turns = max_turns
        self._lock = threading.Lock()

    def get(self, session_id: str) -> Session:
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                session = Session(session_id, deque(maxlen=self._max_turns * 2))
                self._sessions[session_id] = session
                while len(self._sessions) > self._max_sessions:
                    self._sessions.popitem(last=False)
            else:
                self._sessions.move_to_end(session_id)
            return session

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: str) -> bool:
        return session_id in self._sessions
