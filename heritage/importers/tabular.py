"""CSV and JSON with a declarative field mapping (a YAML or JSON file).

Example (``tests/data/heritage/objects.mapping.yml``)::

    format: csv            # csv | json (default: from the data file's suffix)
    delimiter: ";"         # CSV only (default: sniffed)
    records: items         # JSON only: dotted path to the list of records (default: the top level)
    id: inventory_no       # column / dotted path of the identifier (required)
    id_prefix: "musee:"    # optional, put before every identifier
    lang: fr               # default language of text values (default: untagged)
    constants:             # values every record gets
      provider: {value: "Musée de démonstration", lang: fr}
      edm_type: IMAGE
    fields:
      title:
        - {from: titre, lang: fr}
        - {from: titel, lang: de}
      description: {from: description, lang_from: description_lang}
      creator: {from: artiste, split: "|", uri_from: artiste_id}
      type: {from: type, map: {photo: photographie}}
      date: date           # a bare string is a column / path
    required: [title]      # a record without these is reported, not imported

A JSON value may be a string, a number, a list, a language map (``{"fr": "…", "de": "…"}``, as IIIF
writes labels) or JSON-LD style ``{"@value": "…", "@language": "fr"}`` objects; each becomes a literal
with its language.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from moien.heritage.importers import LIMITS, ImportFailed, Limits
from moien.heritage.model import FIELDS, Literal, Provenance, Reason, Record, RecordError


class MappingError(ValueError):
    """The mapping file itself is wrong: nothing is imported, and the message says what to fix.

    ``str(exc)`` is English; ``exc.reason`` the same as a ``Reason`` (``moien.heritage.i18n.reason_text``).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class FieldSpec:
    source: str
    lang: str | None = None
    lang_from: str | None = None
    split: str | None = None
    value_map: dict[str, str] = field(default_factory=dict)
    uri_from: str | None = None


@dataclass
class Mapping:
    id: str
    fields: dict[str, list[FieldSpec]]
    format: str | None = None
    delimiter: str | None = None
    records: str | None = None
    id_prefix: str = ""
    lang: str | None = None
    constants: dict[str, list[Literal]] = field(default_factory=dict)
    required: list[str] = field(default_factory=lambda: ["title"])

    @classmethod
    def load(cls, path: Path) -> Mapping:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise MappingError(Reason("mapping_unreadable", path=str(path), detail=str(exc))) from exc
        return cls.from_dict(raw, str(path))

    @classmethod
    def from_dict(cls, raw: Any, where: str = "mapping") -> Mapping:
        if not isinstance(raw, dict):
            raise MappingError(Reason("mapping_not_object", where=where))
        if not raw.get("id"):
            raise MappingError(Reason("mapping_no_id", where=where))
        if not isinstance(raw.get("fields"), dict) or not raw["fields"]:
            raise MappingError(Reason("mapping_no_fields", where=where))
        fields: dict[str, list[FieldSpec]] = {}
        for name, spec in raw["fields"].items():
            if name not in FIELDS:
                raise MappingError(Reason("mapping_unknown_field", where=where, field=name, known=", ".join(FIELDS)))
            specs = spec if isinstance(spec, list) else [spec]
            out = []
            for s in specs:
                if isinstance(s, str):
                    out.append(FieldSpec(source=s))
                elif isinstance(s, dict) and isinstance(s.get("from"), str):
                    unknown = set(s) - {"from", "lang", "lang_from", "split", "map", "uri_from"}
                    if unknown:
                        raise MappingError(
                            Reason("mapping_unknown_keys", where=where, field=name, keys=str(sorted(unknown)))
                        )
                    out.append(
                        FieldSpec(
                            source=s["from"],
                            lang=s.get("lang"),
                            lang_from=s.get("lang_from"),
                            split=s.get("split"),
                            value_map=dict(s.get("map") or {}),
                            uri_from=s.get("uri_from"),
                        )
                    )
                else:
                    raise MappingError(Reason("mapping_bad_spec", where=where, field=name))
            fields[name] = out
        constants: dict[str, list[Literal]] = {}
        for name, value in (raw.get("constants") or {}).items():
            if name not in FIELDS:
                raise MappingError(Reason("mapping_unknown_constant", where=where, field=name))
            values = value if isinstance(value, list) else [value]
            constants[name] = [
                Literal(value=str(v["value"]), lang=v.get("lang"), uri=v.get("uri"))
                if isinstance(v, dict)
                else Literal(value=str(v))
                for v in values
            ]
        required = raw.get("required", ["title"])
        if any(r not in FIELDS for r in required):
            raise MappingError(Reason("mapping_bad_required", where=where))
        fmt = raw.get("format")
        if fmt not in (None, "csv", "json"):
            raise MappingError(Reason("mapping_bad_format", where=where))
        return cls(
            id=str(raw["id"]),
            fields=fields,
            format=fmt,
            delimiter=raw.get("delimiter"),
            records=raw.get("records"),
            id_prefix=str(raw.get("id_prefix") or ""),
            lang=raw.get("lang"),
            constants=constants,
            required=list(required),
        )


def _get(row: Any, path: str) -> Any:
    """A column (CSV) or a dotted path (JSON): ``title.fr``, ``images.0.url``."""
    if isinstance(row, dict) and path in row:
        return row[path]
    node = row
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
        if node is None:
            return None
    return node


def _literals(value: Any, lang: str | None) -> Iterator[tuple[str, str | None]]:
    if value is None or value == "":
        return
    if isinstance(value, list):
        for v in value:
            yield from _literals(v, lang)
    elif isinstance(value, dict):
        if "@value" in value or "value" in value:
            v = value.get("@value", value.get("value"))
            yield from _literals(v, value.get("@language") or value.get("lang") or lang)
        else:  # a language map
            for k, v in value.items():
                yield from _literals(v, k if k not in ("none", "@none") else lang)
    else:
        yield str(value), lang


def record_from_row(
    row: Any, mapping: Mapping, origin: str, fmt: str, where: str, limits: Limits = LIMITS, *, file: str = ""
) -> Record:
    """One record from a CSV row or JSON object; raises ``ImportFailed`` when a value breaks ``limits``.

    ``where`` is the row's place in ``file`` (best a ``Reason("at_line"|"at_item", n=…)``, said in the reader's
    language); both name the culprit in the error.
    """
    raw_id = _get(row, mapping.id)
    rid = str(raw_id).strip() if raw_id not in (None, "") else ""
    if not rid:
        raise RecordError(where, Reason("no_identifier", column=mapping.id))
    rid = mapping.id_prefix + rid
    values: dict[str, list[Literal]] = {k: list(v) for k, v in mapping.constants.items()}
    for name, specs in mapping.fields.items():
        for spec in specs:
            lang = (
                spec.lang or (str(_get(row, spec.lang_from) or "") or None if spec.lang_from else None) or mapping.lang
            )
            uri_value = _get(row, spec.uri_from) if spec.uri_from else None
            uris = str(uri_value).split(spec.split) if uri_value and spec.split else [uri_value] if uri_value else []
            for _n, (value, vlang) in enumerate(_literals(_get(row, spec.source), lang)):
                parts = [p.strip() for p in value.split(spec.split)] if spec.split else [value.strip()]
                for i, part in enumerate(parts):
                    if not part:
                        continue
                    part = spec.value_map.get(part, part)
                    uri = uris[i].strip() if i < len(uris) and uris[i] else None
                    values.setdefault(name, []).append(Literal(value=part, lang=vlang, uri=uri))
    total = 0
    for name, lits in values.items():
        for lit in lits:
            if len(lit.value) > limits.field_chars:
                size, limit = len(lit.value), limits.field_chars
                raise ImportFailed(Reason("field_too_long", file=file, where=where, field=name, size=size, limit=limit))
            total += len(lit.value)
    if total > limits.record_chars:
        raise ImportFailed(Reason("record_too_long", file=file, where=where, size=total, limit=limits.record_chars))
    missing = [f for f in mapping.required if not values.get(f)]
    if missing:
        raise RecordError(rid, Reason("missing_required", fields=", ".join(missing)))
    return Record.build(rid, values, Provenance(format=fmt, origin=origin, original_id=str(raw_id)))


def _depth_ok(data: Any, limit: int) -> bool:
    """Whether JSON ``data`` nests at most ``limit`` levels (iterative: a deep file cannot exhaust the stack)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return False
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return True


def parse_csv_file(path: Path, mapping: Mapping, limits: Limits = LIMITS) -> Iterator[Record | RecordError]:
    """Rows of a CSV file; a decoding error, an oversized field or too many rows stop it with ``ImportFailed``."""
    origin = path.resolve().as_uri()
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        sample = handle.read(16384)
        handle.seek(0)
    except (OSError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, Reason("not_utf8", detail=str(exc)))
        return
    with handle:
        delimiter = mapping.delimiter
        if not delimiter:
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        n = 1  # line 1 is the header
        try:
            columns = set(reader.fieldnames or [])
            if mapping.id not in columns:
                yield RecordError(
                    path.name, Reason("id_column_missing", column=mapping.id, columns=", ".join(sorted(columns)))
                )
                return
            for n, row in enumerate(reader, 2):
                if n - 1 > limits.records:
                    raise ImportFailed(Reason("too_many_rows", file=path.name, limit=limits.records))
                try:
                    yield record_from_row(row, mapping, origin, "csv", Reason("at_line", n=n), limits, file=path.name)
                except RecordError as exc:
                    yield RecordError(
                        f"{exc.record_id} (line {n})" if not exc.record_id.startswith("line") else exc.record_id,
                        exc.reason,
                    )
                except ValueError as exc:
                    yield RecordError(f"line {n}", str(exc))
        except UnicodeDecodeError as exc:
            raise ImportFailed(Reason("not_utf8_after", file=path.name, line=n, detail=exc.reason)) from exc
        except csv.Error as exc:
            raise ImportFailed(
                Reason("csv_unreadable", file=path.name, line=n + 1, detail=str(exc), limit=csv.field_size_limit())
            ) from exc


def _json_rows(path: Path, limits: Limits) -> Iterator[Any | RecordError]:
    """The values of a JSON Lines file, one line at a time (a line longer than a record may be is refused)."""
    with path.open(encoding="utf-8") as f:
        n = 0
        while True:
            line = f.readline(limits.record_chars + 1)
            if not line:
                return
            n += 1
            if len(line) > limits.record_chars and not line.endswith("\n"):
                raise ImportFailed(Reason("line_too_long", file=path.name, line=n, limit=limits.record_chars))
            if n > limits.records:
                raise ImportFailed(Reason("too_many_lines", file=path.name, limit=limits.records))
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(f"line {n}", Reason("json_line_invalid", detail=exc.msg))
            except RecursionError as exc:
                raise ImportFailed(Reason("json_too_deep_line", file=path.name, line=n)) from exc


def parse_json_file(path: Path, mapping: Mapping, limits: Limits = LIMITS) -> Iterator[Record | RecordError]:
    """Records of a JSON or JSON Lines file; a file or value over ``limits`` stops it with ``ImportFailed``."""
    origin = path.resolve().as_uri()
    deep = Reason("json_too_deep", file=path.name, limit=limits.depth)
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            data: Any = []
            for value in _json_rows(path, limits):
                if isinstance(value, RecordError):
                    yield value
                else:
                    data.append(value)
        else:
            size = path.stat().st_size
            if size > limits.json_bytes:
                raise ImportFailed(Reason("json_too_big", file=path.name, size=size, limit=limits.json_bytes))
            with path.open(encoding="utf-8") as f:
                data = json.load(f)
    except (OSError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, Reason("cannot_read", detail=str(exc)))
        return
    except json.JSONDecodeError as exc:
        yield RecordError(path.name, Reason("json_invalid", line=exc.lineno, col=exc.colno, detail=exc.msg))
        return
    except RecursionError as exc:
        raise ImportFailed(deep) from exc
    if not _depth_ok(data, limits.depth):
        raise ImportFailed(deep)
    rows = _get(data, mapping.records) if mapping.records else data
    if not isinstance(rows, list):
        yield RecordError(path.name, Reason("json_no_list", path=mapping.records or "(top level)"))
        return
    if len(rows) > limits.records:
        raise ImportFailed(Reason("too_many_entries", file=path.name, count=len(rows), limit=limits.records))
    for n, row in enumerate(rows):
        try:
            yield record_from_row(row, mapping, origin, "json", Reason("at_item", n=n), limits, file=path.name)
        except RecordError as exc:
            yield exc
        except ValueError as exc:
            yield RecordError(f"item {n}", str(exc))
