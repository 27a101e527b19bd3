"""What the command line, the kiosk and the staff view show of a record (data only, no layout).

``home`` arguments are ``$MOIEN_HOME``: where ``moien heritage images`` keeps its copies of web pictures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from moien.heritage.i18n import field_label, kind_label
from moien.heritage.images import cached
from moien.heritage.model import FIELDS, LINK_FIELDS, Record


def origin_dir(rec: Record) -> Path | None:
    """The folder of the file a record was imported from (relative image paths are relative to it)."""
    url = urlparse(rec.provenance.origin)
    if url.scheme == "file":
        return Path(unquote(url.path)).parent
    return None


def _local(rec: Record, ref: str, home: Path) -> Path | None:
    if not ref:
        return None
    if ref.startswith(("http://", "https://")):
        # the copy `moien heritage images` made, if any: the kiosk works offline, nothing is fetched here
        return cached(home, ref)
    url = urlparse(ref)
    path = Path(unquote(url.path)) if url.scheme == "file" else Path(ref)
    if not path.is_absolute():
        base = origin_dir(rec)
        if base is None:
            return None
        path = base / path
    try:
        path = path.resolve()
    except OSError:
        return None
    return path if path.is_file() and path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp") else None


def iiif_image(rec: Record) -> Path | None:
    """The first painted image of a local IIIF Presentation 3 manifest, if it is on this machine."""
    for lit in rec.values("iiif_manifest"):
        manifest = _local_file(rec, lit.value)
        if manifest is None:
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            body = data["items"][0]["items"][0]["items"][0]["body"]
            ref = str(body["id"] if isinstance(body, dict) else body[0]["id"])
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            continue
        candidate = (manifest.parent / ref).resolve() if not ref.startswith(("http://", "https://")) else None
        if candidate and candidate.is_file():
            return candidate
    return None


def _local_file(rec: Record, ref: str) -> Path | None:
    if not ref or ref.startswith(("http://", "https://")):
        return None
    path = Path(ref)
    if not path.is_absolute():
        base = origin_dir(rec)
        if base is None:
            return None
        path = base / path
    return path if path.is_file() else None


def image_path(rec: Record, home: Path) -> Path | None:
    """The object's picture on this machine: IIIF manifest first, then isShownBy, then the thumbnail."""
    found = iiif_image(rec)
    if found:
        return found
    for f in ("is_shown_by", "object"):
        for lit in rec.values(f):
            p = _local(rec, lit.uri or lit.value, home)
            if p:
                return p
    return None


def date_label(rec: Record) -> str:
    iv = rec.interval()
    source = rec.text("date")
    if iv and source:
        return source
    if iv:
        return str(iv[0]) if iv[0] == iv[1] else f"{iv[0]}–{iv[1]}"
    return source


def summary(rec: Record, lang: str, home: Path) -> dict[str, Any]:
    """A short description for result lists and related objects."""
    place = rec.text("place", lang)
    return {
        "id": rec.id,
        "title": rec.title(lang),
        "date": date_label(rec),
        "type": rec.text("type", lang),
        "place": place,
        "creator": rec.text("creator"),
        "interval": rec.interval(),
        "provider": rec.text("data_provider") or rec.text("provider"),
        "image": str(image_path(rec, home) or "") or None,
        "uri": rec.text("is_shown_at") or None,
    }


def source_rows(rec: Record, lang: str) -> list[dict[str, Any]]:
    """Every source value, in field order, with its language as the source tagged it."""
    rows = []
    for f, lits in rec.source.items():
        for i, lit in enumerate(lits):
            rows.append(
                {
                    "field": f,
                    "label": field_label(f, lang),
                    "index": i,
                    "value": lit.value,
                    "lang": lit.lang or "",
                    "uri": lit.uri or "",
                    "link": f in LINK_FIELDS,
                }
            )
    return rows


def enrichment_rows(rec: Record, lang: str) -> list[dict[str, Any]]:
    rows = []
    for e in rec.enrichments:
        derived = ""
        if e.ref is not None and e.field in rec.source and e.ref < len(rec.source[e.field]):
            derived = rec.source[e.field][e.ref].value
        elif e.data.get("from_field"):
            derived = f"({field_label(e.data['from_field'], lang)})"
        value = e.value
        if e.kind == "interval":
            value = f"{e.data.get('start_year')}–{e.data.get('end_year')}  (EDTF {e.value})"
        rows.append(
            {
                "field": e.field,
                "label": field_label(e.field, lang),
                "kind": e.kind,
                "kind_label": kind_label(e.kind, lang),
                "value": value,
                "uri": e.uri or "",
                "derived_from": derived,
                "method": e.method,
                "version": e.version,
                "confidence": round(e.confidence, 3),
                "at": e.at,
            }
        )
    return rows


def side_by_side(rec: Record, lang: str) -> list[dict[str, Any]]:
    """Per field: its source values and the enrichments beside them (what the staff view shows)."""
    fields: dict[str, dict[str, Any]] = {}
    for row in source_rows(rec, lang):
        fields.setdefault(row["field"], {"field": row["field"], "label": row["label"], "source": [], "enriched": []})
        fields[row["field"]]["source"].append(row)
    for row in enrichment_rows(rec, lang):
        if row["kind"] == "link":
            continue
        fields.setdefault(row["field"], {"field": row["field"], "label": row["label"], "source": [], "enriched": []})
        fields[row["field"]]["enriched"].append(row)
    order = {f: i for i, f in enumerate(FIELDS)}
    return sorted(fields.values(), key=lambda r: order.get(r["field"], len(order)))
