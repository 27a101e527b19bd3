"""Import a folder, a file or a web page into a collection: incremental, one transaction per file, a line per file.

* Unchanged files (same SHA-256 of their bytes) are skipped without being parsed; changed ones are parsed,
  chunked, embedded and replaced whole; files gone from an imported folder disappear from the collection.
* A file that cannot be read is reported with its one-line reason and the others still import: each file is
  written in its own transaction (:meth:`~moien.documents.store.DocumentStore.put_document`), so a failure never
  leaves half a document. The reason is in English in ``FileResult.reason`` (logs, scripts) and in lb/fr/de/en in
  ``FileResult.reason_by_lang`` (``--json`` carries both); ``FileResult.reason_text(lang)`` is what a person reads.
* The language is the one the file declares, else what ``detect_lang(text)`` says (the caller passes moien's
  identifier: this package may not import the assistant core).
* Embeddings (e5 passages) are computed here, at import time, and cached by text hash in the store, so a search
  never waits for them and a re-import embeds only the chunks whose text changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from moien.documents.chunking import chunk_document, index_text
from moien.documents.messages import notice_text
from moien.documents.model import Chunk, DocumentError, ParsedDocument
from moien.documents.parsers import DEFAULT_LIMITS, SUPPORTED_SUFFIXES, Limits, parse_bytes, skip_reason
from moien.documents.parsers._common import too_big
from moien.documents.store import DocumentRecord, DocumentStore, text_hash
from moien.lang import LANGS

Status = Literal["added", "updated", "unchanged", "removed", "skipped", "failed"]
#: Called after each file: (files done, files in all, the file's name).
Progress = Callable[[int, int, str], None]
LanguageDetector = Callable[[str], str | None]
#: Embeds passages (e5 "passage:" side): a float32 matrix, one unit row per text.
PassageEmbedder = Callable[[list[str]], np.ndarray]

#: A web page or file fetched for import may be at most this large, and take at most this long.
URL_MAX_BYTES = 50 * 1024 * 1024
URL_TIMEOUT_S = 30.0
#: How much of a document's text the language identifier reads (the start says enough).
LANG_SAMPLE_CHARS = 2000


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: its status and, for a skipped or failed one, why (one line)."""

    name: str
    status: Status
    #: Why, in English (logs, scripts); :meth:`reason_text` says it in the reader's language.
    reason: str = ""
    chunks: int = 0
    warnings: tuple[str, ...] = ()
    #: ``reason`` in each of lb/fr/de/en (``--json`` output carries it as is); empty when there is no reason.
    reason_by_lang: dict[str, str] = field(default_factory=dict, hash=False)
    #: ``warnings`` in each of lb/fr/de/en; empty when there are none.
    warnings_by_lang: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @classmethod
    def because(cls, name: str, status: Status, error: BaseException) -> FileResult:
        """A skipped or failed file with its error's one line, in four languages."""
        if not isinstance(error, DocumentError):  # a bug or the disk, not the file: still one line, still a next step
            detail = f"{type(error).__name__}: {' '.join(str(error).split())}"[:200]
            error = DocumentError(name, "unexpected", "try_again_report", detail=detail)
        return cls(name, status, " ".join(str(error).split()), reason_by_lang=error.texts())

    def reason_text(self, lang: str) -> str:
        """Why, in ``lang`` (lb, fr, de, en), as the import report shows it."""
        return self.reason_by_lang.get(lang, self.reason)

    def warnings_text(self, lang: str) -> tuple[str, ...]:
        """The warnings, in ``lang`` (lb, fr, de, en)."""
        return self.warnings_by_lang.get(lang, self.warnings)


@dataclass
class ImportReport:
    collection: str
    files: list[FileResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> dict[str, int]:
        statuses: tuple[Status, ...] = ("added", "updated", "unchanged", "removed", "skipped", "failed")
        return {s: self.count(s) for s in statuses}


def default_embedder() -> tuple[PassageEmbedder, str]:
    """The shared e5 model (loaded on first use) and its id, the embedding cache's key."""
    from moien.connectors.embeddings import MODEL_ID, Embedder

    return Embedder.passages, MODEL_ID


def embed_chunks(
    store: DocumentStore, chunks: Sequence[Chunk], embed: PassageEmbedder, model: str, batch: int = 32
) -> None:
    """Embed the chunks whose text is not cached yet and cache them (by hash of the embedded text)."""
    texts = {text_hash(t): t for t in (index_text(c) for c in chunks)}
    missing = [h for h in texts if h not in store.vectors(texts, model)]
    for start in range(0, len(missing), batch):
        part = missing[start : start + batch]
        vecs = embed([texts[h] for h in part])
        store.put_vectors(dict(zip(part, vecs, strict=True)), model)


def _mtime_date(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()


class _Importer:
    def __init__(
        self,
        store: DocumentStore,
        collection: str,
        groups: tuple[str, ...],
        detect_lang: LanguageDetector | None,
        embed: PassageEmbedder | None,
        model: str,
        limits: Limits,
    ) -> None:
        self.store = store
        self.collection = collection
        self.groups = groups
        self.detect_lang = detect_lang
        self.embed = embed
        self.model = model
        self.limits = limits
        self.known = store.documents(collection)

    def lang_of(self, doc: ParsedDocument) -> str | None:
        if doc.lang:
            return doc.lang
        if self.detect_lang is None:
            return None
        sample = "\n".join(s.text for s in doc.sections)[:LANG_SAMPLE_CHARS]
        return self.detect_lang(sample) if sample.strip() else None

    def add(self, doc_id: str, name: str, source: str, uri: str, data: bytes, date: str | None) -> FileResult:
        """Parse, chunk, embed and store one file's bytes (unchanged bytes are skipped before parsing)."""
        digest = hashlib.sha256(data).hexdigest()
        before = self.known.get(doc_id)
        if before is not None and before.sha256 == digest:
            return FileResult(name, "unchanged")
        try:
            doc = parse_bytes(data, name, limits=self.limits)
            lang = self.lang_of(doc)
            chunks = chunk_document(
                doc,
                doc_id=doc_id,
                collection=self.collection,
                groups=self.groups,
                lang=lang,
                uri=uri,
                date=doc.date or date,
            )
            if not chunks:
                raise DocumentError(name, "no_text", "check_not_empty")
            if self.embed is not None:
                embed_chunks(self.store, chunks, self.embed, self.model)
            record = DocumentRecord(
                doc_id=doc_id,
                collection=self.collection,
                source=source,
                sha256=digest,
                title=doc.title,
                lang=lang,
                date=doc.date or date,
                format=doc.format,
                warnings=tuple(doc.warnings),
            )
            self.store.put_document(record, chunks)
        except Exception as exc:
            return FileResult.because(name, "failed", exc)
        return FileResult(
            name,
            "added" if before is None else "updated",
            chunks=len(chunks),
            warnings=record.warnings,
            warnings_by_lang={lang: tuple(notice_text(w, lang) for w in doc.warnings) for lang in LANGS}
            if doc.warnings
            else {},
        )

    def add_file(self, path: Path, doc_id: str, name: str) -> FileResult:
        try:
            size = path.stat().st_size
            if size > self.limits.max_file_bytes:
                return FileResult.because(name, "failed", too_big(name, size, self.limits.max_file_bytes))
            data = path.read_bytes()
            date = _mtime_date(path)
        except OSError as exc:
            error = DocumentError(name, "cannot_open", "check_permissions", detail=exc.strerror or type(exc).__name__)
            return FileResult.because(name, "failed", error)
        return self.add(doc_id, name, str(path.resolve()), path.resolve().as_uri(), data, date)


def _files(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted, without hidden files and folders (``.git``, ``.DS_Store``)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def import_path(
    store: DocumentStore,
    path_or_url: str | Path,
    collection: str,
    groups: Sequence[str] = (),
    *,
    progress: Progress | None = None,
    detect_lang: LanguageDetector | None = None,
    embed: PassageEmbedder | Literal["default"] | None = "default",
    model: str | None = None,
    limits: Limits | None = None,
    fetch: Callable[[str], tuple[bytes, str]] | None = None,
    mirror: bool = False,
) -> ImportReport:
    """Import a folder (recursively), one file, or an http(s) URL into ``collection``, readable by ``groups``
    (empty: everyone).

    ``embed="default"`` uses the shared e5 model; ``None`` imports without vectors (BM25 only, for tests of the
    import itself). ``fetch`` downloads a URL (default: :func:`moien.documents.fetch.fetch_url`, public addresses
    only). ``mirror=True`` makes the collection hold exactly this folder (documents from anywhere else leave it:
    the ``general`` assistant's ``docs_dir`` collection follows the setting). Raises ``FileNotFoundError`` only when ``path_or_url`` itself does not exist; problems with single
    files are in the report.
    """
    if not collection or "/" in collection:
        raise ValueError(f"'{collection}' is not a collection name: use letters, digits, '-' or '_' (no '/')")
    if embed == "default":
        embed, default_model = default_embedder()
        model = model or default_model
    importer = _Importer(
        store, collection, tuple(sorted(set(groups))), detect_lang, embed, model or "none", limits or DEFAULT_LIMITS
    )
    report = ImportReport(collection)
    source = str(path_or_url)
    if source.startswith(("http://", "https://")):
        store.ensure_collection(collection, importer.groups)
        report.files.append(_import_url(importer, source, fetch))
        if progress:
            progress(1, 1, source)
        return report
    if "://" in source:
        raise ValueError(f"{source}: only http:// and https:// addresses can be imported; or give a file or folder")
    root = Path(source).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"{root} does not exist; check the path")
    store.ensure_collection(collection, importer.groups)
    if root.is_file():
        report.files.append(importer.add_file(root, f"{collection}/{root.name}", root.name))
        if progress:
            progress(1, 1, root.name)
        return report
    files = _files(root)
    seen: set[str] = set()
    for i, path in enumerate(files, 1):
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            report.files.append(FileResult.because(rel, "skipped", skip_reason(path.suffix or path.name)))
        else:
            doc_id = f"{collection}/{rel}"
            seen.add(doc_id)
            report.files.append(importer.add_file(path, doc_id, rel))
        if progress:
            progress(i, len(files), rel)
    # Files gone from this folder leave the collection (only those imported from this folder, unless mirroring: a
    # collection may also hold other folders' files and web pages).
    prefix = str(root.resolve()) + "/"
    gone = [d for d, rec in importer.known.items() if (mirror or rec.source.startswith(prefix)) and d not in seen]
    if gone:
        store.remove_documents(gone)
        report.files.extend(FileResult(d.removeprefix(f"{collection}/"), "removed") for d in sorted(gone))
    return report


def _import_url(importer: _Importer, url: str, fetch: Callable[[str], tuple[bytes, str]] | None) -> FileResult:
    if fetch is None:
        from moien.documents.fetch import fetch_url

        fetch = fetch_url
    try:
        data, name = fetch(url)
    except Exception as exc:
        return FileResult.because(url, "failed", exc)
    today = datetime.now(tz=UTC).date().isoformat()
    return importer.add(f"{importer.collection}/{url}", name, url, url, data, today)
