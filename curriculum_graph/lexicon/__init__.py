"""A small Luxembourgish school vocabulary (``lb_school.tsv``) that widens curriculum searches.

Curricula in Luxembourg are written in French and German; teachers often type Luxembourgish. The
multilingual embeddings bridge many words (Bréch → fractions), but not the Luxembourgish-only ones
(Päiperlek, Waasserkreeslaf, Gemeng): those are looked up here and their French, German and English
equivalents join the query. Written for moien, CC0 (``docs/DATA.md``); extend it by adding rows.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from moien.lang import fold

__all__ = ["PATH", "equivalents", "fold", "table"]

PATH = Path(__file__).with_name("lb_school.tsv")


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """Folded Luxembourgish form → its French, German and English equivalents (as written)."""
    out: dict[str, tuple[str, ...]] = {}
    with PATH.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            targets = tuple(
                dict.fromkeys(
                    t.strip() for col in ("fr", "de", "en") for t in (row.get(col) or "").split("|") if t.strip()
                )
            )
            for form in (row.get("lb") or "").split("|"):
                if form.strip():
                    out[fold(form.strip())] = targets
    return out


def equivalents(words: list[str]) -> list[str]:
    """The French, German and English equivalents of the Luxembourgish words among ``words`` (folded or not)."""
    lex = table()
    found: dict[str, None] = {}
    for w in words:
        for t in lex.get(fold(w), ()):
            found[t] = None
    return list(found)
