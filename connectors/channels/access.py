"""Who may talk to moien over HTTP: sites, secret keys, single sign-on, quotas.

Three kinds of caller reach the HTTP channels:

* a **site** (an intranet page embedding the widget or a Rasa front end): identified by a *publishable* key
  ``mpk_…`` (or, with no key at all, by an ``Origin`` the site lists). A publishable key is public by nature (it
  is in the page's HTML), so what protects a site is its **origin allow-list**: the browser's ``Origin`` must be
  in it, an empty list denies every origin, and a publishable key without an ``Origin`` is refused;
* a **secret key** ``msk_…`` for server-to-server use (an intranet backend, a script): no origin needed;
* optionally a **user**, signed in on the intranet: its backend mints a short-lived JWT (HS256 with
  ``api.jwt_secret`` or RS256 with ``api.jwt_public_key_file``) whose ``sub`` and ``groups`` travel into the turn.

Keys are stored as SHA-256 digests only, in one SQLite file (``$MOIEN_HOME/access.sqlite3``, WAL mode) that several
``moien api`` processes share; every key check reads the file, so a revoked key is refused at once by every
process. Quotas use the ``limits`` library (moving windows), in Redis when ``sessions.redis_url`` is set so that
several processes share the counters, else in this process's memory.

Every refusal is an :class:`AccessDenied` with an HTTP status, a stable ``code`` and an English message that says
what to do next; the channels turn it into their protocol's error shape.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import jwt
from jwt.types import Options
from limits import RateLimitItem, RateLimitItemPerDay, RateLimitItemPerMinute
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from moien.assistants.core.config import Settings
from moien.assistants.core.types import User

__all__ = [
    "AccessDenied",
    "AccessStore",
    "Caller",
    "Gate",
    "KeyInfo",
    "SiteInfo",
    "normalise_origin",
]

#: Publishable (site) and secret key prefixes, and how many random URL-safe characters follow them.
SITE_PREFIX = "mpk_"
SECRET_PREFIX = "msk_"
SITE_KEY_CHARS = 32
SECRET_KEY_CHARS = 40
#: How much of a key ``list`` shows (enough to tell keys apart, far too little to guess one).
VISIBLE_CHARS = 8
#: The site ``ensure_demo_site`` manages for ``/demo``.
DEMO_SITE = "demo"
SCHEMA_VERSION = 1
#: The columns ``_site_info`` and ``_key_info`` read, in their order (one place, so a listing and a lookup agree).
_SITE_SELECT = "SELECT name, origins, assistants, rpm, per_day, key_prefix, created, last_used FROM sites"
_KEY_SELECT = "SELECT name, assistants, rpm, per_day, key_prefix, created, last_used, revoked FROM keys"
#: Sites are read for every CORS preflight; a snapshot this old at most is reused (a removed site or origin stops
#: answering within this many seconds in every process). Keys are never cached: a revoked key is refused at once.
SITE_CACHE_SECONDS = 2.0
#: ``last_used`` is written at most this often per key, so busy keys do not serialise every request on a write.
LAST_USED_EVERY = 60.0
#: Clock skew tolerated between the intranet backend that mints a token and this server.
JWT_LEEWAY_SECONDS = 10


class AccessDenied(Exception):
    """A caller is refused: ``status`` (401/403/404/413/429), a stable ``code``, a message saying what to do.

    ``retry_after`` (seconds, at least 1) is set for 429 so that channels can send ``Retry-After``.
    """

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"AccessDenied({self.status}, {self.code!r}, {self.message!r}, retry_after={self.retry_after})"


@dataclass(frozen=True)
class Caller:
    """Who is asking, as the gate established it. ``owner`` is the stable id sessions are claimed for."""

    kind: Literal["site", "key"]
    name: str
    owner: str
    #: Assistants this caller may use; empty means all of them.
    assistants: tuple[str, ...]
    origin: str | None
    user: User | None
    ip: str


@dataclass(frozen=True)
class SiteInfo:
    """A site as ``moien sites list`` shows it (never its key: only a short prefix)."""

    name: str
    origins: tuple[str, ...]
    assistants: tuple[str, ...]
    rpm: int | None
    per_day: int | None
    key_prefix: str
    created: float
    last_used: float | None


@dataclass(frozen=True)
class KeyInfo:
    """A secret key as ``moien keys list`` shows it (a short prefix, never the key)."""

    name: str
    assistants: tuple[str, ...]
    rpm: int | None
    per_day: int | None
    key_prefix: str
    created: float
    last_used: float | None
    revoked: float | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _visible(key: str) -> str:
    """``msk_ab12…``: the prefix and four random characters."""
    return key[:VISIBLE_CHARS] + "…"


def _new_key(prefix: str, chars: int) -> str:
    # token_urlsafe(n) gives about 1.3 n characters; cut to the exact documented length.
    return prefix + secrets.token_urlsafe(chars)[:chars]


_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


def _owner(base: str, user: User | None) -> str:
    """Who owns the sessions a caller starts: the site or key, and the signed-in person when there is one.

    With single sign-on, two people on the same intranet page are two owners: one cannot continue the other's
    conversation (and see its history) by presenting its session id.
    """
    return f"{base}|user:{user.id}" if user is not None else base


def normalise_origin(origin: str) -> str:
    """``scheme://host[:port]`` in lower case, default ports dropped; raises ``ValueError`` saying what is wrong.

    Only ``https://`` origins are accepted, and ``http://`` for ``localhost`` / ``127.0.0.1`` / ``[::1]`` (pages
    under development): an intranet page served over plain http elsewhere would send its users' tokens in clear.
    Paths, queries, wildcards and user info are refused rather than silently dropped, so that what the
    administrator typed is exactly what is enforced.
    """
    text = origin.strip()
    # Whitespace or a control character inside an origin is a typo that urlsplit would quietly "repair" (a tab is
    # dropped) or keep, and an origin with a space reads as two sources in the CSP's frame-ancestors.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"{origin!r} contains spaces or control characters; write it as https://host[:port]")
    if "*" in text:
        raise ValueError(f"{origin!r}: wildcards are not allowed; list each origin, e.g. https://intranet.example.lu")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{origin!r} is not an origin; write it as scheme://host[:port], e.g. https://intranet.lu")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"{origin!r} has a path; an origin is only scheme://host[:port], e.g. https://intranet.lu")
    if parts.username is not None or parts.password is not None:
        raise ValueError(f"{origin!r} contains user info; an origin is only scheme://host[:port]")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{origin!r} has an invalid port") from exc
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"{origin!r} has no host name")
    if ":" not in host:  # a name (IPv6 literals are checked by urlsplit): as browsers send it, in punycode
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ValueError(f"{origin!r} has an invalid host name") from exc
        if not _HOST_NAME.fullmatch(host):
            raise ValueError(f"{origin!r} has an invalid host name (letters, digits, '-' and '.' only)")
    local = host in ("localhost", "127.0.0.1", "::1")
    if scheme == "http" and not local:
        raise ValueError(
            f"{origin!r} uses plain http; use https:// (http:// is accepted only for localhost and 127.0.0.1)"
        )
    shown_host = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{shown_host}" + (f":{port}" if port is not None and port != default else "")


def own_origins(settings: Settings) -> list[str]:
    """The origins the API's own pages (``/demo``, ``/widget/frame``) are opened from.

    ``api.public_url`` when set (behind a proxy); otherwise ``host:port``, plus the other loopback spelling
    (``localhost`` and ``127.0.0.1``), because people type either and the browser's Origin follows what they typed.
    """
    api = settings.api
    if api.public_url:
        parts = urlsplit(api.public_url)
        return [f"{parts.scheme}://{parts.netloc}"]
    host = api.host
    if host in {"127.0.0.1", "localhost", "0.0.0.0", "::", "::1"}:
        return [f"http://127.0.0.1:{api.port}", f"http://localhost:{api.port}"]
    return [f"http://{host}:{api.port}"]


def _origin_or_none(origin: str | None) -> str | None:
    """A request's ``Origin`` header, normalised, or ``None`` when absent or unusable (``null``, garbage)."""
    if not origin or origin == "null":
        return None
    try:
        return normalise_origin(origin)
    except ValueError:
        return None


def _check_name(name: str, what: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "-_." for c in name):
        raise ValueError(f"{what} name {name!r}: use 1-64 letters, digits, '-', '_' or '.'")
    return name


def _check_quota(value: int | None, what: str) -> int | None:
    if value is not None and value < 1:
        raise ValueError(f"{what} must be at least 1 (leave it out for no limit)")
    return value


class AccessStore:
    """Sites and secret keys in one SQLite file, shared by every process of one installation.

    A connection per operation: sqlite3 connections are not meant to be shared between threads, and opening one
    is cheap next to a turn. WAL lets readers work while another process writes; ``busy_timeout`` makes a writer
    wait for the lock instead of failing.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    @contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            if write:
                # IMMEDIATE takes the write lock now, so check-then-insert cannot race another process.
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            else:
                yield conn
        finally:
            conn.close()

    def _migrate(self) -> None:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        with self._db(write=True) as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer moien (schema {version}); upgrade moien to use it"
                )
            if version < 1:
                db.execute(
                    """CREATE TABLE sites (
                        name TEXT PRIMARY KEY,
                        origins TEXT NOT NULL,
                        assistants TEXT NOT NULL,
                        rpm INTEGER,
                        per_day INTEGER,
                        key_hash TEXT NOT NULL UNIQUE,
                        key_prefix TEXT NOT NULL,
                        -- only for the demo site the API manages: its publishable key is printed on /demo anyway
                        shown_key TEXT,
                        created REAL NOT NULL,
                        last_used REAL
                    )"""
                )
                db.execute(
                    """CREATE TABLE keys (
                        name TEXT PRIMARY KEY,
                        assistants TEXT NOT NULL,
                        rpm INTEGER,
                        per_day INTEGER,
                        key_hash TEXT NOT NULL UNIQUE,
                        key_prefix TEXT NOT NULL,
                        created REAL NOT NULL,
                        last_used REAL,
                        revoked REAL
                    )"""
                )
                db.execute("DELETE FROM schema_version")
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))

    # -- sites ------------------------------------------------------------------------------------------------

    def add_site(
        self, name: str, origins: Sequence[str], assistants: Sequence[str], rpm: int | None, per_day: int | None
    ) -> str:
        """Register a site; returns its publishable key (``mpk_…``), which is not stored and cannot be shown again.

        Raises ``ValueError`` with what to fix (bad name or origin, duplicate name).
        """
        name = _check_name(name, "site")
        clean = sorted({normalise_origin(o) for o in origins})
        _check_quota(rpm, "--rpm")
        _check_quota(per_day, "--per-day")
        key = _new_key(SITE_PREFIX, SITE_KEY_CHARS)
        with self._db(write=True) as db:
            if db.execute("SELECT 1 FROM sites WHERE name = ?", (name,)).fetchone():
                raise ValueError(
                    f"a site named {name!r} already exists; choose another name, or remove it first "
                    f"(moien sites remove {name})"
                )
            db.execute(
                "INSERT INTO sites (name, origins, assistants, rpm, per_day, key_hash, key_prefix, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    json.dumps(clean),
                    json.dumps(sorted(set(assistants))),
                    rpm,
                    per_day,
                    _digest(key),
                    _visible(key),
                    time.time(),
                ),
            )
        return key

    def remove_site(self, name: str) -> None:
        """Delete a site (its key stops working at once). Raises ``KeyError`` when there is none of that name."""
        with self._db(write=True) as db:
            if db.execute("DELETE FROM sites WHERE name = ?", (name,)).rowcount == 0:
                raise KeyError(f"no site named {name!r}; see the names with: moien sites list")

    def list_sites(self) -> list[SiteInfo]:
        """Every site, by name."""
        with self._db() as db:
            rows = db.execute(f"{_SITE_SELECT} ORDER BY name").fetchall()
        return [_site_info(row) for row in rows]

    def site_for_key(self, key: str) -> SiteInfo | None:
        """The site whose publishable key this is (read from the file every time)."""
        with self._db() as db:
            row = db.execute(
                f"{_SITE_SELECT} WHERE key_hash = ?",
                (_digest(key),),
            ).fetchone()
        return _site_info(row) if row else None

    def ensure_demo_site(self, origins: Sequence[str]) -> str:
        """The ``demo`` site for ``/demo``, created on first use; returns its publishable key.

        Origins given are added to the site's list (never removed: several API processes on different ports may
        share one home). Unlike other sites, its key is kept so that every start can print it into ``/demo``:
        a publishable key is public, in the page's HTML, so keeping it reveals nothing.
        """
        clean = {normalise_origin(o) for o in origins}
        with self._db(write=True) as db:
            row = db.execute("SELECT origins, shown_key FROM sites WHERE name = ?", (DEMO_SITE,)).fetchone()
            if row and row[1]:
                merged = sorted(set(json.loads(row[0])) | clean)
                db.execute("UPDATE sites SET origins = ? WHERE name = ?", (json.dumps(merged), DEMO_SITE))
                return str(row[1])
            key = _new_key(SITE_PREFIX, SITE_KEY_CHARS)
            merged = sorted((set(json.loads(row[0])) if row else set()) | clean)
            if row:  # a "demo" site made by hand: its key was never kept, so give it a new one we can show.
                db.execute(
                    "UPDATE sites SET origins = ?, key_hash = ?, key_prefix = ?, shown_key = ? WHERE name = ?",
                    (json.dumps(merged), _digest(key), _visible(key), key, DEMO_SITE),
                )
            else:
                db.execute(
                    "INSERT INTO sites (name, origins, assistants, rpm, per_day, key_hash, key_prefix, shown_key,"
                    " created) VALUES (?, ?, '[]', NULL, NULL, ?, ?, ?, ?)",
                    (DEMO_SITE, json.dumps(merged), _digest(key), _visible(key), key, time.time()),
                )
            return key

    # -- secret keys ------------------------------------------------------------------------------------------

    def add_key(self, name: str, assistants: Sequence[str], rpm: int | None, per_day: int | None) -> str:
        """Create a secret key (``msk_…``); returns it. Only its digest is stored: it cannot be shown again."""
        name = _check_name(name, "key")
        _check_quota(rpm, "--rpm")
        _check_quota(per_day, "--per-day")
        key = _new_key(SECRET_PREFIX, SECRET_KEY_CHARS)
        with self._db(write=True) as db:
            if db.execute("SELECT 1 FROM keys WHERE name = ?", (name,)).fetchone():
                raise ValueError(
                    f"a key named {name!r} already exists (revoked keys keep their name for the record); "
                    "choose another name"
                )
            db.execute(
                "INSERT INTO keys (name, assistants, rpm, per_day, key_hash, key_prefix, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    json.dumps(sorted(set(assistants))),
                    rpm,
                    per_day,
                    _digest(key),
                    _visible(key),
                    time.time(),
                ),
            )
        return key

    def revoke_key(self, name: str) -> None:
        """Revoke a key: every process refuses it from the next request on. Raises ``KeyError`` if unknown."""
        with self._db(write=True) as db:
            row = db.execute("SELECT revoked FROM keys WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise KeyError(f"no key named {name!r}; see the names with: moien keys list")
            if row[0] is None:
                db.execute("UPDATE keys SET revoked = ? WHERE name = ?", (time.time(), name))

    def list_keys(self) -> list[KeyInfo]:
        """Every secret key, revoked ones included (for the record), by name."""
        with self._db() as db:
            rows = db.execute(f"{_KEY_SELECT} ORDER BY name").fetchall()
        return [_key_info(row) for row in rows]

    def key_for_secret(self, key: str) -> KeyInfo | None:
        """The key record for this secret key, revoked or not (read from the file every time)."""
        with self._db() as db:
            row = db.execute(
                f"{_KEY_SELECT} WHERE key_hash = ?",
                (_digest(key),),
            ).fetchone()
        return _key_info(row) if row else None

    def quota(self, kind: Literal["site", "key"], name: str) -> tuple[int | None, int | None]:
        """``(rpm, per_day)`` of a site or key, read from the file (a changed quota applies at once)."""
        table = "sites" if kind == "site" else "keys"
        with self._db() as db:
            row = db.execute(f"SELECT rpm, per_day FROM {table} WHERE name = ?", (name,)).fetchone()  # fixed names
        return (row[0], row[1]) if row else (None, None)

    def touch(self, kind: Literal["site", "key"], name: str, last_used: float | None) -> None:
        """Record that a site or key was used (at most once a minute, to keep writes rare)."""
        now = time.time()
        if last_used is not None and now - last_used < LAST_USED_EVERY:
            return
        table = "sites" if kind == "site" else "keys"
        try:
            with self._db(write=True) as db:
                db.execute(
                    f"UPDATE {table} SET last_used = ? WHERE name = ?", (now, name)
                )  # table is one of two fixed names
        except sqlite3.OperationalError:
            pass  # a busy file must not fail a request over a bookkeeping field


def _site_info(row: Any) -> SiteInfo:
    return SiteInfo(
        name=row[0],
        origins=tuple(json.loads(row[1])),
        assistants=tuple(json.loads(row[2])),
        rpm=row[3],
        per_day=row[4],
        key_prefix=row[5],
        created=row[6],
        last_used=row[7],
    )


def _key_info(row: Any) -> KeyInfo:
    return KeyInfo(
        name=row[0],
        assistants=tuple(json.loads(row[1])),
        rpm=row[2],
        per_day=row[3],
        key_prefix=row[4],
        created=row[5],
        last_used=row[6],
        revoked=row[7],
    )


# -- the gate -------------------------------------------------------------------------------------------------


class Gate:
    """Every HTTP channel's door: authenticates callers, checks assistants, charges quotas, answers CORS.

    One per process. Thread-safe: the store opens a connection per call and the ``limits`` storages lock.
    """

    def __init__(self, settings: Settings, store: AccessStore | None = None) -> None:
        self.settings = settings
        self.store = store or AccessStore(settings.home / "access.sqlite3")
        redis_url = settings.sessions.redis_url
        self._storage: Storage
        if redis_url:
            # Shared counters: every process behind the load balancer charges the same windows.
            storage = storage_from_string(redis_url, key_prefix=f"{settings.sessions.redis_prefix}limits")
            if not isinstance(storage, Storage):  # an async scheme (async+redis://) was configured
                raise ValueError(f"sessions.redis_url: use a redis:// URL, not {redis_url.split(':', 1)[0]}://")
            self._storage = storage
        else:
            self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)
        # Socket floods are per connection, and a connection lives in one process: always in memory.
        self._socket_limiter = MovingWindowRateLimiter(MemoryStorage())
        self._socket_item = RateLimitItemPerMinute(settings.api.socket_events_per_minute)
        self._sites_lock = threading.Lock()
        self._sites: tuple[float, list[SiteInfo]] = (0.0, [])
        self._jwt_key: Any = None
        self._own_origins = frozenset(own_origins(settings))

    # -- sites snapshot (CORS asks on every request) ----------------------------------------------------------

    def _site_snapshot(self) -> list[SiteInfo]:
        with self._sites_lock:
            at, sites = self._sites
            if time.monotonic() - at > SITE_CACHE_SECONDS:
                sites = self.store.list_sites()
                self._sites = (time.monotonic(), sites)
            return sites

    def allowed_origin(self, origin: str | None) -> bool:
        """Is this ``Origin`` listed by some site? (CORS answers only these; everything else gets no headers.)"""
        clean = _origin_or_none(origin)
        return clean is not None and any(clean in site.origins for site in self._site_snapshot())

    def frame_ancestors(self) -> list[str]:
        """Every site's origins: the pages allowed to frame the widget (CSP ``frame-ancestors`` of the iframe)."""
        return sorted({o for site in self._site_snapshot() for o in site.origins})

    # -- authentication ---------------------------------------------------------------------------------------

    def authenticate(
        self,
        *,
        authorization: str | None,
        origin: str | None,
        user_token: str | None,
        ip: str,
        site_key: str | None = None,
    ) -> Caller:
        """Who is calling; raises :class:`AccessDenied` (401/403) with what to do.

        ``authorization`` is the raw header (``Bearer msk_…`` or ``Bearer mpk_…``); ``site_key`` a publishable
        key given another way (the widget's ``data-site``, a socket.io handshake); ``user_token`` an SSO JWT.
        Without any key, a request whose ``Origin`` some site lists is that site's (an unchanged Rasa front end
        on a registered page works).
        """
        user = self.verify_user_token(user_token) if user_token else None
        clean_origin = _origin_or_none(origin)
        key = _bearer(authorization) if authorization else None
        key = key or (site_key.strip() if site_key else None)
        if key and key.startswith(SECRET_PREFIX):
            record = self.store.key_for_secret(key)
            if record is None:
                raise AccessDenied(
                    401, "invalid_api_key", "Unknown API key. Check it, or create one: moien keys add NAME"
                )
            if record.revoked is not None:
                raise AccessDenied(
                    401, "invalid_api_key", "This API key was revoked. Ask the administrator for a new one."
                )
            self.store.touch("key", record.name, record.last_used)
            owner = _owner(f"key:{record.name}", user)
            return Caller("key", record.name, owner, record.assistants, clean_origin, user, ip)
        if key and key.startswith(SITE_PREFIX):
            site = self.store.site_for_key(key)
            if site is None:
                raise AccessDenied(
                    401, "invalid_api_key", "Unknown site key. Check data-site, or register the site: moien sites add"
                )
            # The API's own pages are the iframe variant (/widget/frame), whose frame-ancestors admit only this
            # site's origins: there the browser has already checked what the allow-list checks elsewhere. A site
            # that lists no origin is refused everywhere, its own frame included.
            if not site.origins or clean_origin is None or clean_origin not in self._own_origins:
                self._check_site_origin(site, clean_origin, origin)
            self.store.touch("site", site.name, site.last_used)
            owner = _owner(f"site:{site.name}", user)
            return Caller("site", site.name, owner, site.assistants, clean_origin, user, ip)
        if key:
            raise AccessDenied(
                401,
                "invalid_api_key",
                "Not a moien key: secret keys start with msk_, site keys with mpk_ (moien keys add / moien sites add).",
            )
        if clean_origin is not None:
            # Read the file, not the snapshot: a refusal here must reflect a just-removed site at once.
            for site in self.store.list_sites():
                if clean_origin in site.origins:
                    self.store.touch("site", site.name, site.last_used)
                    owner = _owner(f"site:{site.name}", user)
                    return Caller("site", site.name, owner, site.assistants, clean_origin, user, ip)
            raise AccessDenied(
                403,
                "origin_not_allowed",
                f"The origin {clean_origin} is not allowed. An administrator can add it: "
                f"moien sites add NAME --origin {clean_origin}",
            )
        raise AccessDenied(
            401,
            "missing_api_key",
            "No API key. Send 'Authorization: Bearer <key>' (a secret key from: moien keys add NAME), "
            "or call from a page whose origin a site lists (moien sites add NAME --origin https://…).",
        )

    @staticmethod
    def _check_site_origin(site: SiteInfo, clean_origin: str | None, raw: str | None) -> None:
        if not site.origins:
            raise AccessDenied(
                403,
                "origin_not_allowed",
                f"Site {site.name!r} allows no origin yet. Add the page's origin: "
                f"moien sites remove {site.name}, then moien sites add {site.name} --origin https://…",
            )
        if clean_origin is None:
            raise AccessDenied(
                403,
                "origin_not_allowed",
                "A site key works only from a web page (with an Origin header). "
                "For server-to-server calls use a secret key: moien keys add NAME",
            )
        if clean_origin not in site.origins:
            raise AccessDenied(
                403,
                "origin_not_allowed",
                f"The origin {clean_origin} is not allowed for site {site.name!r}; "
                f"it allows {', '.join(site.origins)}.",
            )

    def verify_user_token(self, token: str) -> User:
        """A signed-in user from an SSO JWT; raises 401 for a bad, expired or over-long token.

        Only the configured algorithm is accepted (never ``none``, never HS256 with a public key as the secret),
        ``exp`` is required, ``aud``/``iss`` are checked when configured, and the lifetime ``exp - iat`` (or what
        is left of it when ``iat`` is absent) must not exceed ``api.jwt_max_age``.
        """
        api = self.settings.api
        algorithm, key = self._jwt_verifier()
        options: Options = {"require": ["exp", "sub"], "verify_aud": api.jwt_audience is not None}
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=api.jwt_audience,
                issuer=api.jwt_issuer,
                leeway=JWT_LEEWAY_SECONDS,
                options=options,
            )
        except jwt.ExpiredSignatureError as exc:
            raise AccessDenied(401, "invalid_user_token", "The user token has expired; get a fresh one.") from exc
        except jwt.InvalidTokenError as exc:
            raise AccessDenied(401, "invalid_user_token", f"The user token is not valid ({exc}).") from exc
        start = claims.get("iat", time.time())
        if (
            not isinstance(start, (int, float))
            or float(claims["exp"]) - float(start) > api.jwt_max_age + JWT_LEEWAY_SECONDS
        ):
            raise AccessDenied(
                401,
                "invalid_user_token",
                f"The user token lives too long: tokens may last at most {api.jwt_max_age} s (exp - iat).",
            )
        sub = claims["sub"]
        groups = claims.get("groups", [])
        if not isinstance(sub, str) or not sub:
            raise AccessDenied(401, "invalid_user_token", "The user token's 'sub' must be a non-empty string.")
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise AccessDenied(401, "invalid_user_token", "The user token's 'groups' must be a list of strings.")
        return User(id=sub, groups=tuple(groups))

    def _jwt_verifier(self) -> tuple[str, Any]:
        """The algorithm and key configured for SSO (RS256 public key preferred over an HS256 secret)."""
        api = self.settings.api
        if api.jwt_public_key_file is not None:
            if self._jwt_key is None:
                try:
                    self._jwt_key = Path(api.jwt_public_key_file).expanduser().read_bytes()
                except OSError as exc:
                    raise AccessDenied(
                        401,
                        "sso_not_configured",
                        f"The SSO public key file cannot be read ({exc.strerror}); fix MOIEN_API__JWT_PUBLIC_KEY_FILE.",
                    ) from exc
            return "RS256", self._jwt_key
        if api.jwt_secret is not None:
            return "HS256", api.jwt_secret.get_secret_value()
        raise AccessDenied(
            401,
            "sso_not_configured",
            "A user token was sent, but single sign-on is not configured on this server: set MOIEN_API__JWT_SECRET "
            "(HS256) or MOIEN_API__JWT_PUBLIC_KEY_FILE (RS256 public key, PEM), or send no X-Moien-User-Token.",
        )

    # -- authorisation and quotas -----------------------------------------------------------------------------

    def check_assistant(self, caller: Caller, name: str | None) -> None:
        """Refuse (403) an assistant this caller may not use. ``None`` (let moien choose) is always allowed;
        use :meth:`allowed_assistant` to pin a restricted caller to one it may use."""
        if name is not None and caller.assistants and name not in caller.assistants:
            raise AccessDenied(
                403,
                "assistant_not_allowed",
                f"This {caller.kind} may not use the assistant {name!r}; it may use: {', '.join(caller.assistants)}.",
            )

    def allowed_assistant(self, caller: Caller, name: str | None) -> str | None:
        """The assistant to run: ``name`` if allowed (raises 403 otherwise); for ``None`` with a restricted
        caller, its first allowed assistant (so moien's router cannot pick one the caller may not use)."""
        self.check_assistant(caller, name)
        if name is None and caller.assistants:
            return caller.assistants[0]
        return name

    def _quotas(self, caller: Caller) -> list[tuple[RateLimitItem, tuple[str, ...], str]]:
        """(window, identifiers, who) for every quota this caller is charged."""
        api = self.settings.api
        quotas: list[tuple[RateLimitItem, tuple[str, ...], str]] = []
        rpm, per_day = self._caller_limits(caller)
        if rpm is not None:
            quotas.append((RateLimitItemPerMinute(rpm), (caller.owner, "rpm"), f"{caller.kind} {caller.name!r}"))
        if per_day is not None:
            quotas.append((RateLimitItemPerDay(per_day), (caller.owner, "day"), f"{caller.kind} {caller.name!r}"))
        if caller.user is not None:
            quotas.append((RateLimitItemPerMinute(api.per_user_rpm), ("user", caller.user.id), "this user"))
        # Per IP for browsers only: a secret key is a backend, often one address for a whole ministry; it is
        # limited by its own quota and per user instead.
        if caller.kind == "site":
            quotas.append((RateLimitItemPerMinute(api.per_ip_rpm), ("ip", caller.ip), "this address"))
        return quotas

    def _caller_limits(self, caller: Caller) -> tuple[int | None, int | None]:
        return self.store.quota(caller.kind, caller.name)

    def charge(self, caller: Caller) -> None:
        """Count one request against every quota of this caller; raises 429 (with ``retry_after``) when one is
        spent. All windows are tested before any is charged, so a refused request costs nothing."""
        quotas = self._quotas(caller)
        for item, ids, who in quotas:
            if not self._limiter.test(item, *ids):
                raise self._too_many(item, ids, who)
        for item, ids, who in quotas:
            if not self._limiter.hit(item, *ids):  # another request took the last slot meanwhile
                raise self._too_many(item, ids, who)

    def _too_many(self, item: RateLimitItem, ids: tuple[str, ...], who: str) -> AccessDenied:
        reset = self._limiter.get_window_stats(item, *ids).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        when = datetime.fromtimestamp(time.time() + retry_after, UTC).strftime("%H:%M:%S UTC")
        per = "minute" if item.GRANULARITY.name == "minute" else "day"
        return AccessDenied(
            429,
            "rate_limit_exceeded",
            f"Too many requests from {who} (at most {item.amount} per {per}). Retry in {retry_after} s (after {when}).",
            retry_after=retry_after,
        )

    # -- socket.io flood control ------------------------------------------------------------------------------

    def hit_socket_event(self, sid: str) -> bool:
        """Count one socket.io event of connection ``sid``; ``False`` means drop it (over
        ``api.socket_events_per_minute``). Other connections are unaffected."""
        return self._socket_limiter.hit(self._socket_item, "socket", sid)

    def forget_socket(self, sid: str) -> None:
        """Drop a closed connection's counter (memory is freed; ids are never reused)."""
        self._socket_limiter.clear(self._socket_item, "socket", sid)


def _bearer(header: str) -> str:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise AccessDenied(
            401, "invalid_api_key", "Send the key as 'Authorization: Bearer <key>' (a secret key from moien keys add)."
        )
    return value.strip()
