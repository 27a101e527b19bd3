"""The ``library`` assistant: answers from four short notices, one per language.

It shows the whole plugin interface: an :class:`Assistant` that finds sources (``ground``), intents in Rasa's
``nlu.yml`` format for routing (``nlu_file``), titles and descriptions in lb/fr/de/en, and the
``register_assistants`` hook. The core does everything else: language, routing, the model, the trust layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.config import Settings
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Grounding, Query, Source
from moien.lang import fold

#: What the library publishes, per language (a real plugin would read its own documents or an API).
NOTICES = {
    "lb": (
        "Ëffnungszäite vun der Gemengebibliothéik",
        "D'Gemengebibliothéik ass vu méindes bis freides vun 10 bis 19 Auer op, samschdes vun 9 bis 13 Auer. "
        "Sonndes ass zou. D'Memberskaart ass gratis fir jiddereen, deen an der Gemeng wunnt.",
    ),
    "fr": (
        "Horaires de la bibliothèque communale",
        "La bibliothèque communale est ouverte du lundi au vendredi de 10 h à 19 h, le samedi de 9 h à 13 h. "
        "Elle est fermée le dimanche. La carte de membre est gratuite pour tous les habitants de la commune.",
    ),
    "de": (
        "Öffnungszeiten der Gemeindebibliothek",
        "Die Gemeindebibliothek ist montags bis freitags von 10 bis 19 Uhr geöffnet, samstags von 9 bis 13 Uhr. "
        "Sonntags ist sie geschlossen. Der Leseausweis ist für alle Einwohner der Gemeinde kostenlos.",
    ),
    "en": (
        "Opening hours of the municipal library",
        "The municipal library is open Monday to Friday from 10:00 to 19:00 and on Saturday from 9:00 to 13:00. "
        "It is closed on Sunday. The membership card is free for everyone who lives in the municipality.",
    ),
}
#: Beginnings of words that make a question ours, folded (accents removed), in the four languages.
TOPIC = ("biblio", "librar", "leseausweis", "memberskaart", "bicher", "livre", "book")


class LibraryAssistant(Assistant):
    name = "library"
    order = 50
    titles = {"lb": "Bibliothéik", "fr": "Bibliothèque", "de": "Bibliothek", "en": "Library"}
    descriptions = {
        "lb": "Ëffnungszäiten a Memberskaart vun der Gemengebibliothéik",
        "fr": "horaires et carte de membre de la bibliothèque communale",
        "de": "Öffnungszeiten und Leseausweis der Gemeindebibliothek",
        "en": "opening hours and membership of the municipal library",
    }
    service_names = titles

    def nlu_file(self) -> Path | None:
        return Path(__file__).with_name("nlu.yml")

    def ground(self, query: Query) -> Grounding:
        words = set(fold(query.text).replace("'", " ").split())
        if not any(w.startswith(TOPIC) for w in words):
            return Grounding(sources=[], passages=[])
        # The notice in the question's language first, then the others: the model answers from the first.
        order = [query.lang] + [lang for lang in NOTICES if lang != query.lang]
        sources, passages = [], []
        for lang in order:
            title, text = NOTICES[lang]
            sources.append(Source(id=f"library-hours-{lang}", title=title, snippet=text[:120]))
            passages.append(f"{title}\n{text}")
        return Grounding(sources=sources[:1], passages=passages[:1])


@hookimpl
def register_assistants(register: Callable[[Assistant], None], settings: Settings) -> None:
    register(LibraryAssistant())
