"""School vocabulary in four languages that widens curriculum searches (``equivalents``).

Curricula in Luxembourg are written in French and German; teachers type Luxembourgish, German, French or English.
The multilingual embeddings bridge many words, but not all (Päiperlek, Stellewäert; German "Brüche" lands next to
"bruschetta"): a word the vocabulary knows brings its translations in the other languages into the query.

Two sources, merged on load:

- ``lod.tsv.gz`` (optional): derived from the Lëtzebuerger Online Dictionnaire (LOD, CC0) by
  :mod:`moien.curriculum_graph.lexicon.build`, which records where it came from in ``lod.json``;
- ``lb_school.tsv`` and ``lb_school_more.tsv``: the hand-written school vocabulary (written for moien, CC0), which wins
  where both know a word — it is reviewed for school use, the dictionary is not.

Every Luxembourgish form is also known with the n-rule (Eifeler Regel) applied — a final ``-n`` after a vowel falls
before most consonants: ``Bréiwen``/``Bréiwe``, ``den``/``de`` — and every form is matched without diacritics
(``Stellewaert``). German, French and English forms of a row widen queries in those languages too, but only forms
of at least :data:`MIN_FOREIGN_LEN` letters that are not function words: a common short word would drag unrelated
translations into every question.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from moien.lang import fold

__all__ = [
    "LOD_META",
    "LOD_PATH",
    "MAX_TERMS",
    "MORE_PATH",
    "PATH",
    "Entry",
    "equivalents",
    "fold",
    "n_rule_variants",
    "provenance",
    "table",
]

HERE = Path(__file__).parent
PATH = HERE / "lb_school.tsv"
#: More hand-written rows (mathematics and measurement), loaded after ``PATH``.
MORE_PATH = HERE / "lb_school_more.tsv"
LOD_PATH = HERE / "lod.tsv.gz"
LOD_META = HERE / "lod.json"
LANG_COLUMNS = ("lb", "fr", "de", "en")
#: At most this many terms join one query: each extra term dilutes the full-text and vector scores of the words
#: the teacher actually typed, so a long list of synonyms ranks worse than two good translations.
MAX_TERMS = 8
#: Translations kept per language and matched word (the first ones are the dictionary's main sense).
PER_LANG = 2
#: German, French and English forms shorter than this never widen a query ("Bei", "Mal", "eau", "map").
MIN_FOREIGN_LEN = 5
#: A dictionary (LOD) headword shorter than this (its lemma, in letters) never widens a query, in any of its forms.
#: Everyday words are short ("Klass", "bauen", "Figur"), and widening them was measured to push the right item down
#: ("Wéi bauen ech mat der Klass en Insektenhotel?" gained construire, classe, Klasse…); the school terms the
#: embeddings miss are long compounds (Stellewäert, Kreesdiagramm, Dräieck). A word frequency list would be the
#: better test; none is openly licensed for Luxembourgish, so length stands in for it. School rows are not limited.
MIN_DICTIONARY_LEN = 7
_WORD = re.compile(r"\w+", re.UNICODE)
_VOWELS = frozenset("aeiouyäëéèêöü")
# Function words of the four languages that are also forms in some row (articles, pronouns, prepositions): never keys.
_STOP = frozenset(
    fold(w)
    for w in (
        "der die das den dem des ein eine einer eines und oder mit von zum zur für über unter nicht auch sich "
        "le la les un une des du de et ou avec pour dans sur sous par pas "
        "the and with for from into about under not "
        "de d' den dat déi dem der en eng an a mat fir vun op iwwer ënner net och sech"
    ).split()
)


@dataclass(frozen=True)
class Entry:
    """One row: its forms per language (``lb``, ``fr``, ``de``, ``en``), main sense first."""

    forms: dict[str, tuple[str, ...]]
    source: str

    def targets(self, lang: str) -> list[str]:
        """The translations to add when a ``lang`` word of this row is typed: a few per other language."""
        out: list[str] = []
        for other in ("fr", "de", "en"):
            if other != lang:
                out.extend(self.forms.get(other, ())[:PER_LANG])
        return out


def n_rule_variants(form: str) -> set[str]:
    """``form`` and its n-rule variants, folded: ``Bréiwen`` → {breiwen, breiwe}; ``de`` → {de, den}.

    Written here because no library knows the Eifeler Regel: a final -n after a vowel falls before most consonants
    (``Bréiwen``/``Bréiwe``, ``kënnen``/``kënne``), so a teacher may type either spelling of the same word. A final
    -nn is left alone: in nouns such as ``Sonn`` or ``Stonn`` it is part of the stem, and ``so`` or ``sto`` would
    match unrelated words. Variants shorter than two letters are not made.
    """
    f = fold(form)
    out = {f}
    if len(f) >= 3 and f.endswith("n") and not f.endswith("nn") and f[-2] in _VOWELS:
        out.add(f[:-1])
    if len(f) >= 2 and f[-1] in _VOWELS:
        out.add(f + "n")
    return out


def _key(text: str) -> str:
    """A phrase as the search sees it: folded words joined by one space (``cycle de l'eau`` → ``cycle de l eau``)."""
    return " ".join(_WORD.findall(fold(text)))


def _rows(lines: Iterable[str], source: str) -> Iterator[Entry]:
    reader = csv.DictReader((line for line in lines if not line.startswith("#")), delimiter="\t")
    for row in reader:
        forms = {
            lang: tuple(dict.fromkeys(t.strip() for t in (row.get(lang) or "").split("|") if t.strip()))
            for lang in LANG_COLUMNS
        }
        if forms["lb"] or forms["de"]:
            yield Entry(forms=forms, source=source)


def _entries() -> list[Entry]:
    out: list[Entry] = []
    if LOD_PATH.exists():
        with gzip.open(LOD_PATH, "rt", encoding="utf-8") as f:
            out.extend(_rows(f, "lod"))
    for path in (PATH, MORE_PATH):  # last: the hand-written school vocabulary wins
        with path.open(encoding="utf-8") as f:
            out.extend(_rows(f, "school"))
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, Entry]]:
    """Folded form (a word or a phrase) → (its language, its row). Later sources win.

    German, French and English forms of dictionary rows become keys only where a single dictionary row has them:
    "Bank" or "fraction" in several articles has several senses, and a query must not guess between them.
    """
    entries = _entries()
    foreign_rows: dict[str, int] = {}
    for entry in entries:
        if entry.source == "lod":
            for lang in ("de", "fr", "en"):
                for key in {_key(f) for f in entry.forms.get(lang, ())}:
                    foreign_rows[key] = foreign_rows.get(key, 0) + 1
    idx: dict[str, tuple[str, Entry]] = {}
    for entry in entries:
        lemma = entry.forms["lb"][0] if entry.forms.get("lb") else ""
        if entry.source == "lod" and len(_key(lemma)) < MIN_DICTIONARY_LEN:
            continue
        for form in entry.forms.get("lb", ()):
            for variant in n_rule_variants(form):
                key = _key(variant)
                if key and key not in _STOP:
                    idx[key] = ("lb", entry)
        for lang in ("de", "fr", "en"):
            for form in entry.forms.get(lang, ()):
                key = _key(form)
                if len(key) < MIN_FOREIGN_LEN or key in _STOP or (key in idx and idx[key][0] == "lb"):
                    continue
                if entry.source == "lod" and foreign_rows.get(key, 0) > 1:
                    continue
                idx[key] = (lang, entry)
    return idx


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[str, ...]]:
    """Folded Luxembourgish form (n-rule variants included) → its French, German and English equivalents."""
    return {k: tuple(e.targets("lb")) for k, (lang, e) in _index().items() if lang == "lb"}


@lru_cache(maxsize=1)
def provenance() -> dict[str, Any] | None:
    """Where ``lod.tsv.gz`` came from (source, URL, commit, licence, counts), or None when it is not installed."""
    if not LOD_META.exists():
        return None
    data: dict[str, Any] = json.loads(LOD_META.read_text(encoding="utf-8"))
    return data


def equivalents(words: list[str], *, sources: frozenset[str] | None = None) -> list[str]:
    """Translations of the words and phrases of ``words`` the vocabulary knows, at most :data:`MAX_TERMS`.

    ``sources``: only rows of these sources (``"school"``, ``"lod"``); every source when None.

    ``words`` is the query's words in order; phrases of up to three words are looked up first (``valeur de
    position``), so a phrase is not also translated word by word. When more words match than there is room for,
    the longest come first: they carry the topic ("Stellewäert"), short ones rarely do. Terms the query already
    contains are left out.
    """
    idx = _index()
    folded = [fold(w) for w in words]
    present = set(folded)
    matches: list[tuple[str, str, Entry]] = []
    i = 0
    while i < len(folded):
        for n in (3, 2, 1):
            key = " ".join(folded[i : i + n])
            if n <= len(folded) - i and key in idx:
                if sources is None or idx[key][1].source in sources:
                    matches.append((key, *idx[key]))
                i += n
                break
        else:
            i += 1
    found: dict[str, None] = {}
    for _, lang, entry in sorted(matches, key=lambda m: -len(m[0])):
        for t in entry.targets(lang):
            if _key(t) not in present and len(found) < MAX_TERMS:
                found[t] = None
    return list(found)
