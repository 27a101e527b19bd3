"""A small key-value store with expiry: Redis, for what several moien processes must share.

Session memory and rate-limit counters live here when ``MOIEN_SESSIONS__REDIS_URL`` is set. The connector knows
nothing of sessions: it stores strings under keys, each with a time-to-live, so the core decides what is kept.
"""

from __future__ import annotations

from typing import Protocol

import redis


class KeyValue(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: int) -> None: ...

    def set_if_absent(self, key: str, value: str, ttl: int) -> bool:
        """Store ``value`` only if ``key`` holds nothing; ``True`` when it was stored."""
        ...

    def delete(self, key: str) -> None: ...

    def expire(self, key: str, ttl: int) -> None:
        """Give an existing ``key`` a new time-to-live (nothing happens when it does not exist)."""
        ...

    def count(self, prefix: str) -> int:
        """How many keys start with ``prefix`` (an estimate is fine: it feeds metrics and tests)."""
        ...

    def ping(self) -> None:
        """Raise ``KeyValueUnavailable`` when the store cannot be reached."""
        ...


class KeyValueUnavailable(RuntimeError):
    """The shared store cannot be reached; the message says where it was looked for."""


class RedisKV:
    """Redis through the official ``redis`` client (its connection pool is thread-safe)."""

    def __init__(self, url: str) -> None:
        self.url = url
        # Short timeouts: a turn must not hang for minutes because Redis went away; it fails with a clear error.
        self._client: redis.Redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30
        )

    def get(self, key: str) -> str | None:
        try:
            value = self._client.get(key)
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc
        return value if isinstance(value, str) or value is None else str(value)

    def set(self, key: str, value: str, ttl: int) -> None:
        try:
            self._client.set(key, value, ex=ttl)
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    def set_if_absent(self, key: str, value: str, ttl: int) -> bool:
        try:
            return bool(self._client.set(key, value, ex=ttl, nx=True))
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    def delete(self, key: str) -> None:
        try:
            self._client.delete(key)
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    def expire(self, key: str, ttl: int) -> None:
        try:
            self._client.expire(key, ttl)
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    def count(self, prefix: str) -> int:
        try:
            return sum(1 for _ in self._client.scan_iter(match=prefix + "*", count=500))
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    def ping(self) -> None:
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise KeyValueUnavailable(f"Redis at {self._safe_url} cannot be reached: {exc}") from exc

    @property
    def _safe_url(self) -> str:
        """The URL without its password, for error messages and logs."""
        scheme, sep, rest = self.url.partition("://")
        if "@" in rest:
            rest = "***@" + rest.split("@", 1)[1]
        return scheme + sep + rest
