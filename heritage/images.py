"""Local copies of pictures that records only reference on the web, for kiosks that work offline.

A record's ``is_shown_by`` / ``object`` (thumbnail) address is copied once, by ``moien heritage images``
(:func:`cache_images`), into ``$MOIEN_HOME/heritage/images/<sha256 of the address><suffix>``; the views
then show the copy (:func:`cached`). Nothing is fetched while visitors use the kiosk. The record itself
is not changed: its source value stays the provider's address.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moien.heritage.model import Record
from moien.heritage.store import RecordStore, heritage_home

if TYPE_CHECKING:
    from moien.connectors.image_fetch import ImageFetcher

IMAGE_FIELDS = ("is_shown_by", "object")
SUFFIXES = (".png", ".jpg", ".gif", ".webp")


def images_dir(home: Path) -> Path:
    return heritage_home(home) / "images"


def _key(url: str) -> str:
    return hashlib.sha256(url.strip().encode()).hexdigest()


def cached(home: Path, url: str) -> Path | None:
    """The local copy of the picture at ``url`` (None when it was never fetched)."""
    base = images_dir(home) / _key(url)
    for suffix in SUFFIXES:
        p = base.with_suffix(suffix)
        if p.is_file():
            return p
    return None


def remote_images(rec: Record) -> list[str]:
    """The web addresses of the record's pictures, first choice first."""
    out = []
    for f in IMAGE_FIELDS:
        for lit in rec.values(f):
            ref = (lit.uri or lit.value or "").strip()
            if ref.startswith(("http://", "https://")) and ref not in out:
                out.append(ref)
    return out


@dataclass
class ImageReport:
    fetched: int = 0
    already: int = 0
    records_without_remote: int = 0
    #: Addresses the fetch policy refused (not on the public internet and not allowed); also listed in ``failed``.
    refused: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # record id, address, reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched,
            "already_cached": self.already,
            "records_without_remote_images": self.records_without_remote,
            "refused": self.refused,
            "failed": [{"id": i, "url": u, "reason": r} for i, u, r in self.failed],
        }


def cache_images(
    store: RecordStore,
    home: Path,
    *,
    fetcher: ImageFetcher | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImageReport:
    """Copy every record's first reachable web picture into the cache; a failure is reported, the rest goes on."""
    from moien.connectors.image_fetch import ImageFetcher, ImageFetchError, ImageFetchRefused

    report = ImageReport()
    todo: list[tuple[str, list[str]]] = []
    for rec in store.iter_records():
        urls = remote_images(rec)
        if not urls:
            report.records_without_remote += 1
        elif not force and any(cached(home, u) for u in urls):
            report.already += 1
        else:
            todo.append((rec.id, urls))
    out = images_dir(home)
    out.mkdir(parents=True, exist_ok=True)
    own = fetcher is None
    fetcher = fetcher or ImageFetcher()
    try:
        for n, (rid, urls) in enumerate(todo, 1):
            reasons = []
            for url in urls:
                try:
                    pic = fetcher.fetch(url)
                except ImageFetchRefused as exc:
                    report.refused += 1
                    reasons.append((url, str(exc)))
                    continue
                except ImageFetchError as exc:
                    reasons.append((url, str(exc)))
                    continue
                target = (out / _key(url)).with_suffix(pic.suffix)
                tmp = target.with_name(target.name + ".part")
                tmp.write_bytes(pic.data)
                os.replace(tmp, target)  # a half-written file is never shown
                for suffix in SUFFIXES:  # an earlier copy in another format (--force) must not be shown instead
                    if suffix != pic.suffix:
                        target.with_suffix(suffix).unlink(missing_ok=True)
                report.fetched += 1
                break
            else:
                report.failed.extend((rid, u, r) for u, r in reasons)
            if progress:
                progress(n, len(todo))
    finally:
        if own:
            fetcher.close()
    return report
