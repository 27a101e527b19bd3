"""The audit log: what the assistant showed, to which channel, on what grounds — tamper-evident, without the text.

An administration's oversight team must be able to say afterwards which model answered, from which sources, what
the guardrails decided and whether the AI disclosure was shown, and to prove that nobody edited that record since.
Each turn appends one JSON line to ``$MOIEN_HOME/audit/audit.jsonl``::

    {"assistant": "general", "channel": "core", "disclosure": true, "guardrails": {"input": "ok", "route": "intent"},
     "hash": "…", "kind": "answer", "language": "lb", "latency_s": 1.234, "model": "qwen…", "model_sha256": "…",
     "prev": "…", "seq": 42, "sources": ["doc-1#2"], "ts": "2026-12-02T03:43:52.123456Z", "v": 1}

``hash`` is the SHA-256 of the entry's canonical JSON (keys sorted, no spaces, UTF-8) without ``hash``; ``prev`` is
the previous entry's ``hash`` (:data:`GENESIS` for the first entry ever) and ``seq`` counts from 1. Editing a field
breaks that entry's ``hash``; removing, inserting or reordering lines breaks ``prev`` and ``seq`` of the next one.
:func:`verify` (``moien audit verify``) walks the whole chain and names the first entry that is wrong.

Message text is never written unless the operator sets ``audit.log_text`` (and then only redacted): the log is kept
for years and read by people who must not read citizens' questions.

Rotation: when the active file reaches ``max_bytes`` it is renamed ``audit.jsonl.1`` (then ``.2``, …; a higher
number is newer, so a rotated file is never renamed again) and the new file's first entry continues the chain, so a
missing or shortened rotated file is detected too. What a hash chain alone cannot show is lines cut off at the very
end of the newest file: an oversight team that needs that records the last hash (``moien audit tail``) elsewhere.

Several processes (``moien api`` workers) may append to one file: each append takes an exclusive ``flock`` on
``audit.jsonl.lock`` and reads the last entry under it, so all writers keep a single chain.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moien.connectors.llm.model_store import sha256_file

log = logging.getLogger("moien.audit")

#: ``prev`` of the very first entry.
GENESIS = "0" * 64
#: Version of the entry format, written in every entry.
FORMAT = 1
_TAIL_BLOCK = 64 * 1024


class AuditError(RuntimeError):
    """The audit log cannot be written; the message says what to do next."""


def canonical(entry: Mapping[str, Any]) -> str:
    """The one serialisation that is hashed and written: keys sorted, no spaces, UTF-8 kept as is."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the entry's canonical JSON without its ``hash`` field."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def _rotated_number(path: Path, candidate: Path) -> int | None:
    m = re.fullmatch(re.escape(path.name) + r"\.(\d+)", candidate.name)
    return int(m.group(1)) if m else None


def chain_files(path: Path) -> list[Path]:
    """The files of one chain, oldest first: ``audit.jsonl.1``, ``.2``, … then ``audit.jsonl`` (if present)."""
    rotated: list[tuple[int, Path]] = []
    if path.parent.is_dir():
        for candidate in path.parent.iterdir():
            n = _rotated_number(path, candidate)
            if n is not None and candidate.is_file():
                rotated.append((n, candidate))
    files = [p for _, p in sorted(rotated)]
    if path.is_file():
        files.append(path)
    return files


def _last_line(path: Path) -> str | None:
    """The last non-empty line of ``path`` (read from the end: the file may be large)."""
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        end = f.tell()
        data = b""
        pos = end
        while pos > 0:
            step = min(_TAIL_BLOCK, pos)
            pos -= step
            f.seek(pos)
            data = f.read(step) + data
            stripped = data.rstrip(b"\n")
            if b"\n" in stripped or pos == 0:
                if not stripped:
                    return None
                return stripped.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
    return None


class AuditLog:
    """Appends hash-chained entries to one file (and its rotated predecessors); safe across threads and processes."""

    def __init__(self, path: Path, *, max_bytes: int = 50_000_000) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _last_entry(self) -> dict[str, Any] | None:
        for file in reversed(chain_files(self.path)):
            line = _last_line(file)
            if line is None:
                continue
            try:
                last = json.loads(line)
            except ValueError:
                last = None
            if (
                not isinstance(last, dict)
                or not isinstance(last.get("hash"), str)
                or not isinstance(last.get("seq"), int)
            ):
                # Never repair the chain silently: a damaged end is for people to look at.
                raise AuditError(
                    f"The last line of {file} is not a complete audit entry (a crash while writing, or an edit). "
                    f"Run `moien audit verify {self.path}`, keep the file as evidence, and move it aside to start a "
                    "new chain."
                )
            return last
        return None

    def _rotate_if_full(self) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size < self.max_bytes:
            return
        numbers = [_rotated_number(self.path, p) for p in chain_files(self.path)]
        n = max((x for x in numbers if x is not None), default=0) + 1
        self.path.rename(self.path.with_name(f"{self.path.name}.{n}"))

    def append(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Write one entry (``fields`` plus ``v``, ``seq``, ``ts``, ``prev``, ``hash``) and return it.

        Raises ``AuditError`` (or ``OSError``) when it cannot; nothing half-written stays behind a failed append
        except, after a crash mid-write, a damaged last line that the next append refuses to chain onto.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, self.lock_path.open("a") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # released when the file is closed
                self._rotate_if_full()
                last = self._last_entry()
                entry: dict[str, Any] = dict(fields)
                entry.update(
                    v=FORMAT,
                    seq=(last["seq"] + 1) if last else 1,
                    ts=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    prev=last["hash"] if last else GENESIS,
                )
                entry.pop("hash", None)
                entry["hash"] = entry_hash(entry)
                data = (canonical(entry) + "\n").encode("utf-8")
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    os.write(fd, data)  # one write of one line: readers never see half an entry
                    os.fsync(fd)
                finally:
                    os.close(fd)
                return entry
        except OSError as exc:
            raise AuditError(
                f"Cannot write the audit log {self.path}: {exc.strerror or exc}. Check that the folder exists, is "
                "writable by this process and that the disk is not full (setting `audit.path`)."
            ) from exc

    def check(self) -> None:
        """Raise ``AuditError`` unless an entry could be appended now (writable folder, intact end of the chain)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(self.path.parent, os.W_OK) or (self.path.exists() and not os.access(self.path, os.W_OK)):
                raise AuditError(f"The audit log {self.path} is not writable: fix its permissions (`audit.path`).")
            with self._lock, self.lock_path.open("a") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                self._last_entry()
        except OSError as exc:
            raise AuditError(f"Cannot open the audit log {self.path}: {exc.strerror or exc}.") from exc


# -- verification ----------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """What ``verify`` found: ``problem`` is ``None`` when the chain is intact."""

    entries: int
    files: list[Path]
    last_hash: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _entries(files: list[Path]) -> Iterator[tuple[Path, int, str]]:
    for file in files:
        with file.open("rb") as f:
            for number, raw in enumerate(f, 1):
                yield file, number, raw.decode("utf-8", errors="replace")


def verify(path: Path) -> Verdict:
    """Walk the chain from the oldest rotated file to the active one; stop at the first entry that is wrong."""
    files = chain_files(Path(path))
    if not files:
        return Verdict(0, [], problem=f"no audit log at {path} (nor rotated files {Path(path).name}.N next to it)")
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for file, number, line in _entries(files):
        where = f"{file.name} line {number}"
        if not line.endswith("\n"):
            return Verdict(count, files, expected_prev, f"{where}: truncated — the line is incomplete")
        if not line.strip():
            return Verdict(count, files, expected_prev, f"{where}: an empty line was inserted")
        try:
            entry = json.loads(line)
        except ValueError:
            return Verdict(count, files, expected_prev, f"{where}: not valid JSON — the line was edited or damaged")
        if not isinstance(entry, dict):
            return Verdict(count, files, expected_prev, f"{where}: not an audit entry")
        seq = entry.get("seq")
        where = f"{where} (seq {seq})"
        if entry.get("hash") != entry_hash(entry):
            return Verdict(count, files, expected_prev, f"{where}: edited — its hash does not match its content")
        if entry.get("prev") != expected_prev:
            if count == 0:
                problem = (
                    f"{where}: the chain does not start here — earlier entries or rotated files were removed "
                    f"(its prev is {str(entry.get('prev'))[:12]}…, the first entry's is {GENESIS[:12]}…)"
                )
            elif isinstance(seq, int) and seq < expected_seq:
                problem = f"{where}: reordered — expected seq {expected_seq} here"
            elif isinstance(seq, int) and seq > expected_seq:
                n = seq - expected_seq
                problem = f"{where}: {n} entr{'y' if n == 1 else 'ies'} before it removed (expected seq {expected_seq})"
            else:
                problem = f"{where}: its prev does not match the previous entry's hash (a line was removed or moved)"
            return Verdict(count, files, expected_prev, problem)
        if seq != expected_seq:
            return Verdict(count, files, expected_prev, f"{where}: expected seq {expected_seq}")
        expected_prev, expected_seq, count = entry["hash"], expected_seq + 1, count + 1
    return Verdict(count, files, expected_prev if count else None)


def tail(path: Path, n: int = 10) -> list[dict[str, Any]]:
    """The last ``n`` entries (across rotated files), oldest first, parsed; damaged lines are skipped."""
    out: list[dict[str, Any]] = []
    for file in reversed(chain_files(Path(path))):
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in reversed(lines):
            if len(out) >= n:
                return out[::-1]
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                out.append(entry)
    return out[::-1]


# -- the model's fingerprint -----------------------------------------------------------------------------------
_hash_lock = threading.Lock()
_hash_cache: dict[tuple[str, int, int], str] = {}


def model_sha256(path: Path | None) -> str | None:
    """SHA-256 of the model file a turn ran on, without hashing a gigabyte per turn.

    A built-in model's file was verified by the model store, which left a ``.verified`` marker holding the hash
    (valid while size and mtime match). Any other file is hashed once per process and remembered by path, size and
    mtime (a replaced file is hashed again). ``None`` when there is no local file (a remote model endpoint).
    """
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        if key in _hash_cache:
            return _hash_cache[key]
        digest: str | None = None
        marker = path.with_suffix(path.suffix + ".verified")
        try:
            data = json.loads(marker.read_text())
            if data.get("size") == st.st_size and data.get("mtime_ns") == st.st_mtime_ns:
                digest = str(data["sha256"])
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        if digest is None:
            digest = sha256_file(path)
        _hash_cache[key] = digest
        return digest
