"""The vocabulary every layer shares: moien's four languages, their names, accent folding, table look-up.

Any package may import this module (the assistant core, the domain packages ``curriculum_graph`` and
``heritage``, ``connectors``, ``ui``); it imports nothing of moien's own, so it can never close an import circle.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Final, Literal

Lang = Literal["lb", "fr", "de", "en"]

#: moien's languages, in the order people in Luxembourg name them: Luxembourgish first.
LANGS: Final[tuple[Lang, ...]] = ("lb", "fr", "de", "en")

#: Each language's name in each of the four languages: ``LANG_NAMES["de"]["lb"]`` is "Däitsch".
LANG_NAMES: Final[Mapping[str, Mapping[str, str]]] = {
    "lb": {"lb": "Lëtzebuergesch", "fr": "luxembourgeois", "de": "Luxemburgisch", "en": "Luxembourgish"},
    "fr": {"lb": "Franséisch", "fr": "français", "de": "Französisch", "en": "French"},
    "de": {"lb": "Däitsch", "fr": "allemand", "de": "Deutsch", "en": "German"},
    "en": {"lb": "Englesch", "fr": "anglais", "de": "Englisch", "en": "English"},
}

#: How a prompt or an English-language tool names a language: the English name with its own name beside it
#: (a model writes better Luxembourgish when told "Luxembourgish (Lëtzebuergesch)").
PROMPT_NAMES: Final[Mapping[str, str]] = {
    "lb": "Luxembourgish (Lëtzebuergesch)",
    "fr": "French (français)",
    "de": "German (Deutsch)",
    "en": "English",
}


def lang_name(code: str, in_lang: str) -> str:
    """The name of language ``code`` written in ``in_lang``; the code itself for a language moien does not know."""
    return LANG_NAMES.get(code, {}).get(in_lang, code)


def own_name(code: str) -> str:
    """A language's name in that language ("Lëtzebuergesch", "français"…), as a language switch shows it."""
    return lang_name(code, code)


def pick(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **kwargs: object) -> str:
    """``table[key]`` in ``lang`` (English when the language is not one of the four), formatted with ``kwargs``.

    Every module keeps its own four-language table (core, UI pages, CLIs, heritage labels); this is the one
    look-up they all use.
    """
    entry = table[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text


def fold_nocache(text: str) -> str:
    """Lower case without diacritics: ``Veiner Bréck`` → ``veiner breck``, ``Müller`` → ``muller``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """:func:`fold_nocache`, remembered: search code folds the same words again and again."""
    return fold_nocache(text)
