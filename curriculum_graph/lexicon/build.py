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
#: Translations kept per language and headword: the first is the main sense. Three were measured to bring noise
#: ("Figur" → silhouette, allure, physique) that pushed right items out of the top 5 (benchmarks/lexicon_bench.py).
SENSES = 1
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


# ------------------------------------------------------------------------------------------------ LOD XML
#: The LOD's own XML, one article per file (``XML/AARBECHT1.xml`` …), as mirrored by
#: github.com/spellchecker-lu/lod-dictionary-mirror from the data.public.lu dump (CC0): German (``ALL``), French,
#: English and Portuguese equivalents per sense, plurals, past participles, spelling variants (``RENVOI-…``).
XML_MIRROR_URL = "https://github.com/spellchecker-lu/lod-dictionary-mirror"
_NS = "{http://www.lod.lu/}"
_XML_POS = {"MS-TYPE-SUBST": "NOUN", "MS-TYPE-VRB": "VERB", "MS-TYPE-ADJ": "ADJ", "MS-TYPE-ADV": "ADV"}
#: Per language, the element holding an equivalent in a sense and its function attribute (ALL: German).
_XML_EQUIV = {
    "de": ("ETA-EXPLICITE", "FONCTION-ETA"),
    "fr": ("ETF-EXPLICITE", "FONCTION-ETF"),
    "en": ("ETE-EXPLICITE", "FONCTION-ETE"),
}


def read_xml_article(data: bytes) -> dict[str, Any] | None:
    """One LOD XML article: id, lemma, pos, forms, senses per language, and the article it is a variant of."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(data)
    meta, head = root.find(f".//{_NS}META"), root.find(f".//{_NS}ITEM-ADRESSE")
    micro = root.find(f".//{_NS}MICROSTRUCTURE")
    if meta is None or head is None or micro is None or not (head.text or "").strip():
        return None
    kind = next((el for el in micro if el.tag.removeprefix(_NS) in _XML_POS), None)
    if kind is None:
        return None
    form_tags = (f"{_NS}FORME-PLURIEL", f"{_NS}PARTICIPE-PASSE")
    forms = [el.text.strip() for el in kind.iter() if el.tag in form_tags and el.text and el.text.strip()]
    variant_of = None
    for el in kind.iter():
        ref = el.get(f"{_NS}REF-ID-ITEM-ADRESSE")
        if el.tag.startswith(f"{_NS}RENVOI-") and ref:
            variant_of = ref.removesuffix("ITE")
            break
    senses: dict[str, list[str]] = {}
    for lang, (tag, fn) in _XML_EQUIV.items():
        found = [
            el.text.strip()
            for el in kind.iter(f"{_NS}{tag}")
            if el.text and el.get(f"{_NS}{fn}", "EQUIVALENT") == "EQUIVALENT"
        ]
        senses[lang] = clean_senses(found)
    return {
        "id": meta.get(f"{_NS}ID", ""),
        "lemma": (head.text or "").strip(),
        "pos": _XML_POS[kind.tag.removeprefix(_NS)],
        "forms": forms,
        "variant_of": variant_of,
        "senses": senses,
    }


def build_rows_xml(source: Path) -> tuple[list[dict[str, str]], dict[str, int]]:
    """TSV rows and counts from a folder of LOD XML articles (``source/XML/*.xml`` or ``source/*.xml``)."""
    folder = source / "XML" if (source / "XML").is_dir() else source
    articles = [a for a in (read_xml_article(f.read_bytes()) for f in sorted(folder.glob("*.xml"))) if a]
    variants: dict[str, list[str]] = defaultdict(list)  # article id → spellings that refer to it
    for a in articles:
        if a["variant_of"]:
            variants[a["variant_of"]].append(a["lemma"])
    rows: list[dict[str, str]] = []
    for a in articles:
        langs = a["senses"]
        if not any(langs.values()):
            continue  # a variant without translations of its own: its spelling goes with the article it names
        lb = [a["lemma"], *a["forms"], *variants.get(a["id"], [])]
        rows.append(
            {
                "lb": "|".join(dict.fromkeys(f for f in lb if f)),
                "fr": "|".join(langs["fr"]),
                "de": "|".join(langs["de"]),
                "en": "|".join(langs["en"]),
                "pos": a["pos"],
                "id": a["id"],
            }
        )
    counts = {
        "articles_read": len(articles),
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
    ap.add_argument(
        "source",
        type=Path,
        help="folder with lod_fr.js (and lod_en.js, lod_de.js, lod_forms.js), or with the LOD's XML articles (XML/)",
    )
    ap.add_argument("--source-url", default=MIRROR_URL, help="where the files were taken from")
    ap.add_argument("--commit", default="", help="commit of the source repository the files were taken from")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: next to this script)")
    args = ap.parse_args(argv)
    if (args.source / "lod_fr.js").exists():
        rows, counts = build_rows(args.source)
    elif (args.source / "XML").is_dir() or any(args.source.glob("*.xml")):
        rows, counts = build_rows_xml(args.source)
        if args.source_url == MIRROR_URL:
            args.source_url = XML_MIRROR_URL
    else:
        print(
            f"neither {args.source / 'lod_fr.js'} nor LOD XML articles ({args.source / 'XML'}) found: "
            "download the LOD data first (see the module docstring)."
        )
        return 2
    meta = {
        "source": SOURCE_NAME,
        "source_url": SOURCE_URL,
        "taken_from": args.source_url,
        "commit": args.commit,
        "licence": LICENCE,
        "built": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kept": "content words (nouns, verbs, adjectives, adverbs) with a translation: forms and the first sense in each language",
        "counts": counts,
    }
    tsv, js = write(rows, meta, args.out)
    print(f"{tsv}: {counts['headwords_kept']} headwords, {counts['lb_forms']} forms; provenance in {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
