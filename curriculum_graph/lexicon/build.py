"""Build ``lod.tsv.gz`` (and its provenance, ``lod.json``) from the Lëtzebuerger Online Dictionnaire's open data.

    .venv/bin/python -m moien.curriculum_graph.lexicon.build SOURCE_DIR [--commit SHA] [--source-url URL]

The LOD (https://lod.lu, Zenter fir d'Lëtzebuerger Sprooch) publishes its data under CC0 on data.public.lu. This
script reads it in the flat JSON layout of the ``common_data/`` folder of github.com/krishnans14/luxembourgish-kg-tools
(built from the LOD data): ``lod_fr.js`` (``window.LOD_FR = {key: [{id, pos, lemma, pl, m: [French senses]}]}``),
optionally ``lod_en.js`` (the same with English senses), ``lod_de.js`` (German) and ``lod_forms.js``
(``{inflected form: lemma}``). It keeps what a search needs — content words (nouns, verbs, adjectives, adverbs)
with at least one translation; per headword its plural and inflected forms and the first senses in each language,
without glosses, examples or idioms — and writes one TSV row per headword in the layout of ``lb_school.tsv``
(``lb``, ``fr``, ``de``, ``en``), gzip-compressed, next to a JSON file that says where the data came from.
The hand-written ``lb_school*.tsv`` rows stay on top (see ``__init__.py``).

Nothing is written unless the whole build succeeds (written to temporary files, then renamed).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moien.lang import fold

HERE = Path(__file__).parent
SOURCE_NAME = "Lëtzebuerger Online Dictionnaire (LOD), Zenter fir d'Lëtzebuerger Sprooch"
SOURCE_URL = "https://data.public.lu/fr/datasets/letzebuerger-online-dictionnaire-raw-data/"
MIRROR_URL = "https://github.com/krishnans14/luxembourgish-kg-tools/tree/main/common_data"
LICENCE = "CC0-1.0"
#: Parts of speech worth widening a search with (LOD tags); function words, numbers and names are left out.
KEEP_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})
#: Senses kept per language and headword: the first senses are the main ones; more would dilute a query.
SENSES = 3
#: The LOD placeholder for an article without a translation in that language.
NO_MEANING = "Kee Bedeitung fonnt"
_ASSIGN = re.compile(r"^\s*(?://[^\n]*\n\s*)*window\.\w+\s*=\s*", re.S)
_GLOSS = re.compile(r"\s*\([^)]*\)")


def load_js(path: Path) -> Any:
    """The object of a ``window.NAME = {...};`` file (JSON after the assignment)."""
    text = _ASSIGN.sub("", path.read_text(encoding="utf-8"), count=1).rstrip().rstrip(";")
    return json.loads(text)


def clean_senses(senses: Iterable[str]) -> list[str]:
    """Translations without glosses, idioms (``[…]``) or the no-translation placeholder, split at commas."""
    out: dict[str, None] = {}
    for sense in senses:
        if not sense or sense.startswith("[") or NO_MEANING in sense:
            continue
        for part in _GLOSS.sub("", sense).split(","):
            part = part.strip(" .;")
            if part and len(part) <= 60:
                out[part] = None
    return list(out)[:SENSES]


def build_rows(source: Path) -> tuple[list[dict[str, str]], dict[str, int]]:
    """TSV rows (``lb``, ``fr``, ``de``, ``en``, ``pos``, ``id``) and counts, from the files in ``source``."""
    fr_data: dict[str, list[dict[str, Any]]] = load_js(source / "lod_fr.js")
    other: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for lang in ("de", "en"):
        p = source / f"lod_{lang}.js"
        if p.exists():
            other[lang] = load_js(p)
    forms_of: dict[str, list[str]] = defaultdict(list)
    forms_path = source / "lod_forms.js"
    if forms_path.exists():
        for form, lemma in load_js(forms_path).items():
            forms_of[fold(lemma)].append(form)
    senses_by_id: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for lang, data in other.items():
        for entries in data.values():
            for e in entries:
                senses_by_id[e["id"]][lang] = clean_senses(e.get("m") or [])
    rows: list[dict[str, str]] = []
    read = 0
    for entries in fr_data.values():
        for e in entries:
            read += 1
            if e.get("pos") not in KEEP_POS:
                continue
            langs = {"fr": clean_senses(e.get("m") or []), **senses_by_id.get(e["id"], {})}
            if not any(langs.values()):
                continue
            lemma = e["lemma"]
            lb = [lemma] + ([e["pl"]] if e.get("pl") else []) + forms_of.get(fold(lemma), [])
            rows.append(
                {
                    "lb": "|".join(dict.fromkeys(f for f in lb if f)),
                    "fr": "|".join(langs.get("fr", [])),
                    "de": "|".join(langs.get("de", [])),
                    "en": "|".join(langs.get("en", [])),
                    "pos": e["pos"],
                    "id": e["id"],
                }
            )
    counts = {
        "articles_read": read,
        "headwords_kept": len(rows),
        "lb_forms": sum(r["lb"].count("|") + 1 for r in rows),
        "with_fr": sum(bool(r["fr"]) for r in rows),
        "with_de": sum(bool(r["de"]) for r in rows),
        "with_en": sum(bool(r["en"]) for r in rows),
    }
    return rows, counts


def write(rows: list[dict[str, str]], meta: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``lod.tsv.gz`` and ``lod.json`` into ``out_dir``, all or nothing."""
    buf = io.StringIO()
    buf.write(
        f"# Derived from {SOURCE_NAME}, {LICENCE}; built by moien.curriculum_graph.lexicon.build (see lod.json)\n"
    )
    w = csv.DictWriter(buf, fieldnames=["lb", "fr", "de", "en", "pos", "id"], delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = gzip.compress(buf.getvalue().encode("utf-8"), mtime=0)
    meta = meta | {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    tsv, js = out_dir / "lod.tsv.gz", out_dir / "lod.json"
    tmp_tsv, tmp_js = tsv.with_suffix(".gz.tmp"), js.with_suffix(".json.tmp")
    tmp_tsv.write_bytes(data)
    tmp_js.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp_tsv, tsv)
    os.replace(tmp_js, js)
    return tsv, js


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="folder with lod_fr.js (and lod_en.js, lod_de.js, lod_forms.js)")
    ap.add_argument("--source-url", default=MIRROR_URL, help="where the files were taken from")
    ap.add_argument("--commit", default="", help="commit of the source repository the files were taken from")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: next to this script)")
    args = ap.parse_args(argv)
    if not (args.source / "lod_fr.js").exists():
        print(f"{args.source / 'lod_fr.js'} not found: download the LOD data first (see the module docstring).")
        return 2
    rows, counts = build_rows(args.source)
    meta = {
        "source": SOURCE_NAME,
        "source_url": SOURCE_URL,
        "taken_from": args.source_url,
        "commit": args.commit,
        "licence": LICENCE,
        "built": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kept": "content words (nouns, verbs, adjectives, adverbs) with a translation: forms, first senses",
        "counts": counts,
    }
    tsv, js = write(rows, meta, args.out)
    print(f"{tsv}: {counts['headwords_kept']} headwords, {counts['lb_forms']} forms; provenance in {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
