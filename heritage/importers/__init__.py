"""Importers: every format reads into ``moien.heritage.model.Record`` and writes through the store.

``import_path(store, path, fmt)`` reads a file or a folder, writes records in batches (idempotent: an
unchanged record is skipped) and returns an ``ImportReport``; a record that cannot be read is reported
with its identifier (or position) and the reason, and the others still import. A file that breaks a
limit (``LIMITS``: size, nesting, field length, record size and count, errors) or cannot be decoded
stops the whole import with ``ImportFailed`` — and the import runs in one transaction, so nothing of it
is stored then: a hostile or broken file never leaves a half-written collection behind. ``moien.heritage.harvest``
does the same for OAI-PMH endpoints.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moien.heritage.model import Reason, Record, RecordError
from moien.heritage.store import RecordStore, UpsertResult

if TYPE_CHECKING:
    from moien.heritage.importers.tabular import Mapping as FieldMapping

FORMATS = ("auto", "oai-pmh", "oai_dc", "dc", "edm", "lido", "mets", "csv", "json")
FORMAT_HELP = {
    "oai-pmh": "an OAI-PMH 2.0 endpoint (URL), harvested with ListRecords and metadataPrefix oai_dc",
    "oai_dc": "a saved OAI-PMH response with oai_dc records",
    "dc": "Dublin Core XML (records with dc:/dcterms: elements)",
    "edm": "Europeana Data Model, RDF/XML",
    "lido": "LIDO XML (museum objects)",
    "mets": "METS packages with MODS descriptions (digitised books, newspapers)",
    "csv": "CSV with a field mapping (--mapping)",
    "json": "JSON or JSON Lines with a field mapping (--mapping)",
}
BATCH = 1000
Progress = Callable[[int, int | None], None]


class ImportFailed(RuntimeError):
    """Nothing could be imported (a limit, a decoding error, unknown format, unreadable mapping, unreachable endpoint).

    ``str(exc)`` is the English text (logs, callers that only print it); ``exc.reason`` is the same text as a
    :class:`moien.heritage.model.Reason` with its code and values, which ``moien.heritage.i18n.reason_text``
    says in lb/fr/de/en. A plain string is accepted too (it is then shown as it is, in every language).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """What one import accepts at most; each bound stops a hostile or broken file before it costs much.

    The numbers leave room for real collections (a long description, a file of half a million objects)
    while refusing what only an attack or an export gone wrong produces: a field of megabytes, a record
    of hundreds of megabytes, JSON nested deeper than any mapping can reach, a million empty entries.
    """

    json_bytes: int = 256 * 1024 * 1024  # a JSON document (not JSON Lines) is read whole
    depth: int = 64  # nesting of JSON arrays and objects
    field_chars: int = 131_072  # one CSV cell or JSON value (the csv module's own limit, for both)
    record_chars: int = 4_000_000  # all the text of one record
    records: int = 500_000  # per file
    errors: int = 10_000  # records that cannot be read, per import


LIMITS = Limits()


@dataclass
class ImportReport:
    format: str
    origin: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (record id or position, reason)
    resumed: bool = False
    pages: int = 0
    seconds: float = 0.0

    def add(self, res: UpsertResult) -> None:
        self.new += res.new
        self.updated += res.updated
        self.unchanged += res.unchanged
        self.deleted += res.deleted

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["errors"] = [{"id": i, "reason": str(r), "code": getattr(r, "code", None)} for i, r in self.errors]
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def detect_format(path: Path) -> str:
    """The format of a file from its suffix and, for XML, its root element's namespace."""
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".tsv":
        return "csv"
    if suffix in (".json", ".jsonl", ".ndjson"):
        return "json"
    if suffix in (".rdf", ".owl"):
        return "edm"
    try:
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    except OSError as exc:
        raise ImportFailed(Reason("cannot_read_path", path=str(path), detail=str(exc))) from exc
    if "http://www.openarchives.org/OAI/2.0/" in head and (
        "<ListRecords" in head or "<GetRecord" in head or ":ListRecords" in head or ":GetRecord" in head
    ):
        return "oai_dc"
    if "http://www.lido-schema.org" in head:
        return "lido"
    if "http://www.loc.gov/METS/" in head:
        return "mets"
    if "http://www.europeana.eu/schemas/edm/" in head and "rdf:RDF" in head:
        return "edm"
    if "http://purl.org/dc/elements/1.1/" in head or "http://purl.org/dc/terms/" in head:
        return "dc"
    raise ImportFailed(Reason("format_unknown_file", file=path.name, formats=", ".join(FORMATS[1:])))


def parse_file(
    path: Path, fmt: str, mapping: FieldMapping | None = None, limits: Limits = LIMITS
) -> Iterator[Record | RecordError]:
    from moien.heritage.importers import dc, edm, lido, mets, tabular

    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "oai_dc":
        return dc.parse_oai_file(path)
    if fmt == "dc":
        return dc.parse_dc_file(path)
    if fmt == "edm":
        return edm.parse_edm_file(path)
    if fmt == "lido":
        return lido.parse_lido_file(path)
    if fmt == "mets":
        return mets.parse_mets_file(path)
    if fmt in ("csv", "json"):
        if mapping is None:
            raise ImportFailed(Reason("mapping_needed", fmt=fmt.upper()))
        if fmt == "csv":
            return tabular.parse_csv_file(path, mapping, limits)
        return tabular.parse_json_file(path, mapping, limits)
    raise ImportFailed(Reason("format_unknown", fmt=fmt, formats=", ".join(FORMATS)))


def _files(path: Path, fmt: str) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ImportFailed(Reason("path_missing", path=str(path)))
    suffixes = {"csv": {".csv", ".tsv"}, "json": {".json", ".jsonl", ".ndjson"}, "edm": {".rdf", ".xml"}}.get(
        fmt, {".xml", ".rdf"}
    )
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)


def _skip_xml_errors(it: Iterator[Record | RecordError], path: Path) -> Iterator[Record | RecordError]:
    """A file that breaks off midway (not well-formed) keeps what was read before the break."""
    from lxml import etree

    try:
        yield from it
    except etree.XMLSyntaxError as exc:
        yield RecordError(path.name, Reason("xml_broken", line=exc.lineno, detail=exc.msg))


def write_records(
    store: RecordStore,
    items: Iterable[Record | RecordError],
    report: ImportReport,
    progress: Progress | None = None,
    total: int | None = None,
    db: sqlite3.Connection | None = None,
    limits: Limits = LIMITS,
) -> None:
    """Write ``items`` in batches (inside the transaction ``db`` when given, so a later failure undoes them)."""
    batch: list[Record] = []
    for item in items:
        report.read += 1
        if isinstance(item, RecordError):
            report.errors.append((item.record_id, item.reason))
            if len(report.errors) > limits.errors:
                raise ImportFailed(
                    Reason("too_many_errors", limit=limits.errors, record=item.record_id, reason=item.reason)
                )
        else:
            batch.append(item)
        if len(batch) >= BATCH:
            report.add(store.upsert(batch, db))
            batch = []
        if progress and report.read % 100 == 0:
            progress(report.read, total)
    if batch:
        report.add(store.upsert(batch, db))
    if progress:
        progress(report.read, total)


def import_path(
    store: RecordStore,
    path: Path,
    fmt: str = "auto",
    mapping_path: Path | None = None,
    progress: Progress | None = None,
    limits: Limits = LIMITS,
) -> ImportReport:
    """Import a file or every file of a folder. Raises ``ImportFailed`` (nothing stored) when it cannot."""
    import time

    from moien.heritage.importers.tabular import Mapping, MappingError

    started = time.perf_counter()
    path = Path(path)
    mapping = None
    if mapping_path is not None:
        try:
            mapping = Mapping.load(mapping_path)
        except MappingError as exc:
            raise ImportFailed(exc.reason) from exc
        if fmt == "auto" and mapping.format:
            fmt = mapping.format
    files = _files(path, fmt)
    if not files:
        raise ImportFailed(Reason("no_files", path=str(path)))
    report = ImportReport(format=fmt, origin=str(path.resolve()))
    total = None
    if len(files) == 1 and files[0].suffix.lower() in (".csv", ".tsv", ".jsonl", ".ndjson"):
        with files[0].open("rb") as f:
            total = max(sum(1 for _ in f) - (1 if files[0].suffix.lower() in (".csv", ".tsv") else 0), 0)
    # One transaction for the whole import: a file that fails midway (a limit, a decoding error) raises,
    # and every record already written by this import is rolled back with it.
    with store.transaction() as db:
        for file in files:
            file_fmt = detect_format(file) if fmt == "auto" else fmt
            if report.format == "auto" and len(files) == 1:
                report.format = file_fmt
            items = _skip_xml_errors(parse_file(file, file_fmt, mapping, limits), file)
            write_records(store, items, report, progress, total, db, limits)
    report.seconds = time.perf_counter() - started
    return report
