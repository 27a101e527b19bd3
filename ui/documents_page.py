"""The teacher app's "Documents" page: the administration's collections, uploads for staff, and the summary,
plain-language and translation actions shown side by side with their source.

* **Who may read what** is the store's rule, applied here before anything is shown: a collection with groups is
  listed only to someone sharing one of them (``general.groups``: the app's user, as in the CLI).
* **Upload** is for people in ``general.upload_groups`` (default ``staff``): files go through the same importer as
  ``moien docs import`` (incremental, one report line per file, a bad file never loses the others).
* **Actions** run the ``moien docs summarise|simplify|translate --json`` commands in a child process. Why not call
  the actions directly: they belong to the ``general`` plugin, and pages never import a plugin
  (``tests/test_layout.py``); the command line is the plugin's public interface, registered through the hooks, and
  its JSON is the result's ``to_dict()``. The child reads as this page's groups (``--groups``) and answers in the
  page's language (``--lang``); it is stopped when the person leaves or reruns the page.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from moien.assistants.core import i18n
from moien.documents import readability
from moien.documents.chunking import citation
from moien.documents.importer import FileResult, import_path
from moien.documents.model import Chunk
from moien.documents.store import CollectionInfo, DocumentRecord, DocumentStore
from moien.lang import LANGS, lang_name, pick
from moien.ui.common import get_core, md_text, secondary, show_markdown

#: The formats the importer reads (``moien.documents.parsers.SUPPORTED_SUFFIXES``), as the file picker filters them.
UPLOAD_TYPES = ["pdf", "docx", "odt", "html", "htm", "md", "markdown", "txt", "xml"]
#: Collections the ``general`` assistant keeps equal to a folder (the demo, ``general.docs_dir``): an upload into
#: one would be removed at the next synchronisation, so they are not offered as upload targets.
MIRRORED = frozenset({"demo", "docs"})
#: A new collection's name: what ``moien docs import --collection`` accepts and a folder name can hold.
COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: Rows shown in a collection's table of documents (a big collection is listed in part, and says so).
MAX_ROWS = 200
#: Exit status of ``moien docs simplify|translate`` when moien declines (the JSON says why).
DECLINED = 3

T: dict[str, dict[str, str]] = {
    **readability.LABELS,
    "title": {"lb": "Dokumenter", "fr": "Documents", "de": "Dokumente", "en": "Documents"},
    "intro": {
        "lb": "D'Sammlunge vun der Verwaltung: liesen, zesummefaassen, an einfach Sprooch ëmschreiwen an "
        "iwwersetzen. Alles leeft lokal op dësem Server.",
        "fr": "Les collections de l'administration : lire, résumer, réécrire en langage simple et traduire. Tout "
        "fonctionne localement sur ce serveur.",
        "de": "Die Sammlungen der Verwaltung: lesen, zusammenfassen, in einfache Sprache umschreiben und übersetzen. "
        "Alles läuft lokal auf diesem Server.",
        "en": "The administration's collections: read, summarise, rewrite in plain language and translate. "
        "Everything runs locally on this server.",
    },
    "reading_as": {
        "lb": "Dir liest als Member vun: {groups}.",
        "fr": "Vous lisez en tant que membre de : {groups}.",
        "de": "Sie lesen als Mitglied von: {groups}.",
        "en": "You read as a member of: {groups}.",
    },
    "reading_public": {
        "lb": "Dir gesitt just déi ëffentlech Sammlungen (keng Grupp agestallt).",
        "fr": "Vous ne voyez que les collections publiques (aucun groupe configuré).",
        "de": "Sie sehen nur die öffentlichen Sammlungen (keine Gruppe eingestellt).",
        "en": "You see the public collections only (no group configured).",
    },
    "collections": {"lb": "Sammlungen", "fr": "Collections", "de": "Sammlungen", "en": "Collections"},
    "collection": {"lb": "Sammlung", "fr": "Collection", "de": "Sammlung", "en": "Collection"},
    "readers": {"lb": "Wien dierf liesen", "fr": "Qui peut lire", "de": "Wer darf lesen", "en": "Who may read"},
    "everyone": {"lb": "jiddereen", "fr": "tout le monde", "de": "alle", "en": "everyone"},
    "documents": {"lb": "Dokumenter", "fr": "Documents", "de": "Dokumente", "en": "Documents"},
    "passages": {"lb": "Passagen", "fr": "Passages", "de": "Passagen", "en": "Passages"},
    "no_collections": {
        "lb": "Nach keng Sammlung, déi Dir liese kënnt.",
        "fr": "Aucune collection que vous puissiez lire pour l'instant.",
        "de": "Noch keine Sammlung, die Sie lesen dürfen.",
        "en": "No collection you may read yet.",
    },
    "documents_of": {
        "lb": "Dokumenter an der Sammlung „{name}“",
        "fr": "Documents de la collection « {name} »",
        "de": "Dokumente der Sammlung „{name}“",
        "en": "Documents in the collection '{name}'",
    },
    "doc_title": {"lb": "Titel", "fr": "Titre", "de": "Titel", "en": "Title"},
    "extent": {"lb": "Ëmfang", "fr": "Étendue", "de": "Umfang", "en": "Extent"},
    "language": {"lb": "Sprooch", "fr": "Langue", "de": "Sprache", "en": "Language"},
    "format": {"lb": "Format", "fr": "Format", "de": "Format", "en": "Format"},
    "n_pages": {"lb": "{n} Säiten", "fr": "{n} pages", "de": "{n} Seiten", "en": "{n} pages"},
    "n_pages_1": {"lb": "1 Säit", "fr": "1 page", "de": "1 Seite", "en": "1 page"},
    "n_articles": {"lb": "{n} Artikelen", "fr": "{n} articles", "de": "{n} Artikel", "en": "{n} articles"},
    "n_articles_1": {"lb": "1 Artikel", "fr": "1 article", "de": "1 Artikel", "en": "1 article"},
    "n_passages": {"lb": "{n} Passagen", "fr": "{n} passages", "de": "{n} Passagen", "en": "{n} passages"},
    "n_passages_1": {"lb": "1 Passage", "fr": "1 passage", "de": "1 Passage", "en": "1 passage"},
    "unknown": {"lb": "onbekannt", "fr": "inconnue", "de": "unbekannt", "en": "unknown"},
    "first_rows": {
        "lb": "Déi éischt {n} vun {total} Dokumenter.",
        "fr": "Les {n} premiers documents sur {total}.",
        "de": "Die ersten {n} von {total} Dokumenten.",
        "en": "The first {n} of {total} documents.",
    },
    "empty_collection": {
        "lb": "Dës Sammlung huet nach keng Dokumenter.",
        "fr": "Cette collection n'a pas encore de documents.",
        "de": "Diese Sammlung hat noch keine Dokumente.",
        "en": "This collection has no documents yet.",
    },
    # -- upload
    "upload": {
        "lb": "Dokumenter eroplueden",
        "fr": "Téléverser des documents",
        "de": "Dokumente hochladen",
        "en": "Upload documents",
    },
    "files": {
        "lb": "Fichieren (PDF, DOCX, ODT, HTML, Markdown, Text, Akoma-Ntoso- oder Legilux-XML)",
        "fr": "Fichiers (PDF, DOCX, ODT, HTML, Markdown, texte, XML Akoma Ntoso ou Legilux)",
        "de": "Dateien (PDF, DOCX, ODT, HTML, Markdown, Text, Akoma-Ntoso- oder Legilux-XML)",
        "en": "Files (PDF, DOCX, ODT, HTML, Markdown, text, Akoma Ntoso or Legilux XML)",
    },
    "where": {"lb": "Wouhin", "fr": "Où", "de": "Wohin", "en": "Where to"},
    "existing": {
        "lb": "An eng bestoend Sammlung",
        "fr": "Dans une collection existante",
        "de": "In eine bestehende Sammlung",
        "en": "Into an existing collection",
    },
    "new": {
        "lb": "An eng nei Sammlung",
        "fr": "Dans une nouvelle collection",
        "de": "In eine neue Sammlung",
        "en": "Into a new collection",
    },
    "new_name": {
        "lb": "Numm vun der neier Sammlung",
        "fr": "Nom de la nouvelle collection",
        "de": "Name der neuen Sammlung",
        "en": "Name of the new collection",
    },
    "new_name_help": {
        "lb": "Buschtawen, Zifferen, - an _, z. B. circulairen-2025",
        "fr": "Lettres, chiffres, - et _, p. ex. circulaires-2025",
        "de": "Buchstaben, Ziffern, - und _, z. B. rundschreiben-2025",
        "en": "Letters, digits, - and _, e.g. circulars-2025",
    },
    "new_groups": {
        "lb": "Wien dierf se liesen: Gruppen, mat Komma getrennt (eidel: jiddereen)",
        "fr": "Qui peut la lire : groupes séparés par des virgules (vide : tout le monde)",
        "de": "Wer darf sie lesen: Gruppen, durch Komma getrennt (leer: alle)",
        "en": "Who may read it: groups, comma-separated (empty: everyone)",
    },
    "target_collection": {
        "lb": "Sammlung fir den Import",
        "fr": "Collection où importer",
        "de": "Sammlung für den Import",
        "en": "Collection to import into",
    },
    "import": {"lb": "Importéieren", "fr": "Importer", "de": "Importieren", "en": "Import"},
    "importing": {
        "lb": "Import: {done} vun {total} — {name}",
        "fr": "Import : {done} sur {total} — {name}",
        "de": "Import: {done} von {total} — {name}",
        "en": "Importing: {done} of {total} — {name}",
    },
    "import_done": {
        "lb": "Import an d'Sammlung „{name}“ fäerdeg: {counts}.",
        "fr": "Import dans la collection « {name} » terminé : {counts}.",
        "de": "Import in die Sammlung „{name}“ fertig: {counts}.",
        "en": "Import into the collection '{name}' done: {counts}.",
    },
    "some_failed": {
        "lb": "{n} Fichier(en) konnten net importéiert ginn (de Grond steet an der Tabell); déi aner sinn importéiert.",
        "fr": "{n} fichier(s) n'ont pas pu être importés (la raison est dans le tableau) ; les autres le sont.",
        "de": "{n} Datei(en) konnten nicht importiert werden (Grund in der Tabelle); die anderen sind importiert.",
        "en": "{n} file(s) could not be imported (the table says why); the others were imported.",
    },
    "file": {"lb": "Fichier", "fr": "Fichier", "de": "Datei", "en": "File"},
    "status": {"lb": "Status", "fr": "Statut", "de": "Status", "en": "Status"},
    "reason": {"lb": "Firwat", "fr": "Raison", "de": "Grund", "en": "Reason"},
    "added": {"lb": "✓ importéiert", "fr": "✓ importé", "de": "✓ importiert", "en": "✓ imported"},
    "updated": {"lb": "✓ aktualiséiert", "fr": "✓ mis à jour", "de": "✓ aktualisiert", "en": "✓ updated"},
    "unchanged": {
        "lb": "↷ iwwersprongen: onverännert",
        "fr": "↷ ignoré : inchangé",
        "de": "↷ übersprungen: unverändert",
        "en": "↷ skipped: unchanged",
    },
    "skipped": {"lb": "↷ iwwersprongen", "fr": "↷ ignoré", "de": "↷ übersprungen", "en": "↷ skipped"},
    "removed": {"lb": "– ewechgeholl", "fr": "– retiré", "de": "– entfernt", "en": "– removed"},
    "failed": {"lb": "✗ feelgeschloen", "fr": "✗ échec", "de": "✗ fehlgeschlagen", "en": "✗ failed"},
    "no_files": {
        "lb": "Wielt w.e.g. op d'mannst ee Fichier.",
        "fr": "Choisissez au moins un fichier.",
        "de": "Bitte wählen Sie mindestens eine Datei.",
        "en": "Choose at least one file.",
    },
    "bad_name": {
        "lb": "„{name}“ geet net als Numm: benotzt just Buschtawen, Zifferen, - an _ (z. B. circulairen-2025).",
        "fr": "« {name} » ne convient pas comme nom : utilisez seulement des lettres, chiffres, - et _ (p. ex. "
        "circulaires-2025).",
        "de": "„{name}“ geht nicht als Name: Verwenden Sie nur Buchstaben, Ziffern, - und _ (z. B. rundschreiben-2025).",
        "en": "'{name}' cannot be a name: use letters, digits, - and _ only (e.g. circulars-2025).",
    },
    "name_taken": {
        "lb": "Den Numm „{name}“ gëtt et schonn: wielt d'Sammlung uewen oder gitt en anere Numm.",
        "fr": "Le nom « {name} » existe déjà : choisissez la collection ci-dessus ou un autre nom.",
        "de": "Den Namen „{name}“ gibt es schon: Wählen Sie die Sammlung oben oder einen anderen Namen.",
        "en": "The name '{name}' is taken: choose that collection above, or another name.",
    },
    "no_target": {
        "lb": "Et gëtt nach keng Sammlung, an déi Dir eroplueden dierft: maacht eng nei.",
        "fr": "Aucune collection où vous pouvez téléverser : créez-en une nouvelle.",
        "de": "Noch keine Sammlung, in die Sie hochladen dürfen: Legen Sie eine neue an.",
        "en": "No collection you may upload into yet: create a new one.",
    },
    "upload_off": {
        "lb": "Eroplueden ass fir d'Personal. En Administrateur mécht et méiglech, andeems hien Iech an de "
        "Astellungen eng Grupp aus `general.upload_groups` gëtt: `general.groups` oder d'Variabel "
        "`MOIEN_GENERAL__GROUPS='[\"staff\"]'`.",
        "fr": "Le téléversement est réservé au personnel. Un administrateur l'active en vous donnant un groupe de "
        "`general.upload_groups` dans les paramètres : `general.groups` ou la variable "
        "`MOIEN_GENERAL__GROUPS='[\"staff\"]'`.",
        "de": "Hochladen ist dem Personal vorbehalten. Ein Administrator schaltet es frei, indem er Ihnen in den "
        "Einstellungen eine Gruppe aus `general.upload_groups` gibt: `general.groups` oder die Variable "
        "`MOIEN_GENERAL__GROUPS='[\"staff\"]'`.",
        "en": "Uploading is for staff. An administrator enables it by giving you a group of `general.upload_groups` "
        "in the settings: `general.groups` or the variable `MOIEN_GENERAL__GROUPS='[\"staff\"]'`.",
    },
    # -- actions
    "work": {
        "lb": "Mat engem Dokument schaffen",
        "fr": "Travailler sur un document",
        "de": "Mit einem Dokument arbeiten",
        "en": "Work with a document",
    },
    "document": {"lb": "Dokument", "fr": "Document", "de": "Dokument", "en": "Document"},
    "part": {"lb": "Deel", "fr": "Partie", "de": "Teil", "en": "Part"},
    "whole": {
        "lb": "Dat ganzt Dokument",
        "fr": "Tout le document",
        "de": "Das ganze Dokument",
        "en": "The whole document",
    },
    "action": {"lb": "Aktioun", "fr": "Action", "de": "Aktion", "en": "Action"},
    "summary": {"lb": "Zesummefaassung", "fr": "Résumé", "de": "Zusammenfassung", "en": "Summary"},
    "plain": {"lb": "Einfach Sprooch", "fr": "Langage simple (FALC)", "de": "Leichte Sprache", "en": "Plain language"},
    "translation": {"lb": "Iwwersetzung", "fr": "Traduction", "de": "Übersetzung", "en": "Translation"},
    "summary_lang": {
        "lb": "Sprooch vun der Zesummefaassung",
        "fr": "Langue du résumé",
        "de": "Sprache der Zusammenfassung",
        "en": "Language of the summary",
    },
    "target_lang": {"lb": "Iwwersetzen op", "fr": "Traduire en", "de": "Übersetzen in", "en": "Translate into"},
    "plain_lang": {
        "lb": "Sprooch vun der einfacher Versioun",
        "fr": "Langue de la version simple",
        "de": "Sprache der einfachen Fassung",
        "en": "Language of the plain version",
    },
    "plain_note": {
        "lb": "All Zuel, all Datum an all Institutioun vum Original gëtt an der einfacher Versioun nogepréift.",
        "fr": "Chaque nombre, date et organisme de l'original est vérifié dans la version simple.",
        "de": "Jede Zahl, jedes Datum und jede Behörde des Originals wird in der einfachen Fassung geprüft.",
        "en": "Every number, date and body of the original is checked in the plain version.",
    },
    "plain_via_mt": {
        "lb": "An enger anerer Sprooch wéi där vum Dokument gëtt et fir d'éischt maschinell iwwersat.",
        "fr": "Dans une autre langue que celle du document, celui-ci est d'abord traduit automatiquement.",
        "de": "In einer anderen Sprache als der des Dokuments wird es zuerst maschinell übersetzt.",
        "en": "In another language than the document's, it is machine-translated first.",
    },
    "glossary": {
        "lb": "Glossaire (CSV mat de Kolonnen lb, fr, de, en; fakultativ)",
        "fr": "Glossaire (CSV avec les colonnes lb, fr, de, en ; facultatif)",
        "de": "Glossar (CSV mit den Spalten lb, fr, de, en; optional)",
        "en": "Glossary (CSV with the columns lb, fr, de, en; optional)",
    },
    "run_summary": {"lb": "Zesummefaassen", "fr": "Résumer", "de": "Zusammenfassen", "en": "Summarise"},
    "run_plain": {
        "lb": "An einfach Sprooch ëmschreiwen",
        "fr": "Réécrire en langage simple",
        "de": "In einfache Sprache umschreiben",
        "en": "Rewrite in plain language",
    },
    "run_translation": {"lb": "Iwwersetzen", "fr": "Traduire", "de": "Übersetzen", "en": "Translate"},
    "working_summary": {
        "lb": "D'Zesummefaassung gëtt geschriwwen",
        "fr": "Rédaction du résumé",
        "de": "Die Zusammenfassung wird geschrieben",
        "en": "Writing the summary",
    },
    "working_plain": {
        "lb": "Déi einfach Versioun gëtt geschriwwen a mam Original verglach",
        "fr": "Rédaction de la version simple et comparaison avec l'original",
        "de": "Die einfache Fassung wird geschrieben und mit dem Original verglichen",
        "en": "Writing the plain version and comparing it with the original",
    },
    "working_translation": {
        "lb": "D'Iwwersetzung gëtt geschriwwen a gepréift",
        "fr": "Rédaction et vérification de la traduction",
        "de": "Die Übersetzung wird geschrieben und geprüft",
        "en": "Writing and checking the translation",
    },
    "elapsed": {
        "lb": "{what} … {s} s (de Sproochmodell leeft lokal; dat kann e puer Minutten daueren)",
        "fr": "{what} … {s} s (le modèle de langue tourne localement ; cela peut prendre quelques minutes)",
        "de": "{what} … {s} s (das Sprachmodell läuft lokal; das kann einige Minuten dauern)",
        "en": "{what} … {s} s (the language model runs locally; this can take a few minutes)",
    },
    "done": {
        "lb": "Fäerdeg an {s} s.",
        "fr": "Terminé en {s} s.",
        "de": "Fertig in {s} s.",
        "en": "Done in {s} s.",
    },
    "failed_action": {
        "lb": "Dat huet net geklappt: {message}",
        "fr": "Cela n'a pas fonctionné : {message}",
        "de": "Das hat nicht geklappt: {message}",
        "en": "That did not work: {message}",
    },
    "original": {"lb": "Original", "fr": "Original", "de": "Original", "en": "Original"},
    "facts_kept": {
        "lb": "✓ Behale Fakten ({n})",
        "fr": "✓ Faits conservés ({n})",
        "de": "✓ Beibehaltene Fakten ({n})",
        "en": "✓ Facts kept ({n})",
    },
    "facts_missing": {
        "lb": "✗ Feelend Fakten ({n})",
        "fr": "✗ Faits manquants ({n})",
        "de": "✗ Fehlende Fakten ({n})",
        "en": "✗ Missing facts ({n})",
    },
    "facts_added": {
        "lb": "✗ Net am Original ({n})",
        "fr": "✗ Absents de l'original ({n})",
        "de": "✗ Nicht im Original ({n})",
        "en": "✗ Not in the original ({n})",
    },
    "facts_none": {
        "lb": "Keng Zuelen, Datumen oder Institutiounen am Text.",
        "fr": "Aucun nombre, date ni organisme dans le texte.",
        "de": "Keine Zahlen, Daten oder Behörden im Text.",
        "en": "No numbers, dates or bodies in the text.",
    },
    "easier_yes": {
        "lb": "✓ liest sech méi einfach",
        "fr": "✓ se lit plus facilement",
        "de": "✓ liest sich leichter",
        "en": "✓ reads more easily",
    },
    "easier_no": {
        "lb": "✗ liest sech net méi einfach",
        "fr": "✗ ne se lit pas plus facilement",
        "de": "✗ liest sich nicht leichter",
        "en": "✗ does not read more easily",
    },
    "short_text": {
        "lb": "kuerzen Text: d'Formel seet wéineg",
        "fr": "texte court : la formule dit peu de chose",
        "de": "kurzer Text: die Formel sagt wenig",
        "en": "short text: the formula says little",
    },
    "glossary_used": {
        "lb": "Glossaire: {used} vun {total} Begrëffer benotzt",
        "fr": "Glossaire : {used} terme(s) sur {total} utilisé(s)",
        "de": "Glossar: {used} von {total} Begriffen verwendet",
        "en": "Glossary: {used} of {total} terms used",
    },
    "glossary_none": {
        "lb": "Kee Begrëff aus dem Glossaire am Text.",
        "fr": "Aucun terme du glossaire dans le texte.",
        "de": "Kein Glossarbegriff im Text.",
        "en": "No glossary term in the text.",
    },
    "cited": {"lb": "zitéiert", "fr": "cité", "de": "zitiert", "en": "cited"},
    "not_cited": {"lb": "net zitéiert", "fr": "non cité", "de": "nicht zitiert", "en": "not cited"},
    "offer": {
        "lb": "Op {language} iwwersetzen",
        "fr": "Traduire en {language}",
        "de": "Auf {language} übersetzen",
        "en": "Translate into {language}",
    },
    "offer_plain": {
        "lb": "Einfach Sprooch op {language}",
        "fr": "Langage simple en {language}",
        "de": "Einfache Sprache auf {language}",
        "en": "Plain language in {language}",
    },
    "parts": {
        "lb": "A {n} Deeler zesummegefaasst, duerno zesummegesat.",
        "fr": "Résumé en {n} parties, puis combiné.",
        "de": "In {n} Teilen zusammengefasst, dann zusammengeführt.",
        "en": "Summarised in {n} parts, then combined.",
    },
}


def t(key: str, lang: str, **kwargs: object) -> str:
    return pick(T, key, lang, **kwargs)


# -- who may do what ---------------------------------------------------------------------------------------------


def may_read(groups: Sequence[str], user_groups: Sequence[str]) -> bool:
    """The store's rule (``documents.search``): a collection without groups is public, else it needs one of them."""
    return not groups or bool(set(groups) & set(user_groups))


def may_upload(user_groups: Sequence[str], upload_groups: Sequence[str]) -> bool:
    return bool(set(user_groups) & set(upload_groups))


def parse_groups(text: str) -> tuple[str, ...]:
    return tuple(sorted({g.strip() for g in text.split(",") if g.strip()}))


# -- the store -----------------------------------------------------------------------------------------------------


def store_path(home: Path) -> Path:
    """The ``general`` assistant's store (its plugin names the same file: ``$MOIEN_HOME/documents/store.sqlite3``)."""
    return Path(home) / "documents" / "store.sqlite3"


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> DocumentStore:
    """One store object per server process (it keeps a SQLite connection per thread)."""
    return DocumentStore(Path(path))


@dataclass(frozen=True)
class DocRow:
    doc_id: str
    title: str
    lang: str | None
    format: str
    pages: int
    articles: int
    passages: int


def doc_rows(store: DocumentStore, records: Sequence[DocumentRecord]) -> list[DocRow]:
    rows = []
    for r in records:
        chunks = store.chunks(r.doc_id)
        pages = max((c.page for c in chunks if c.page is not None), default=0)
        articles = len({c.article for c in chunks if c.article})
        rows.append(DocRow(r.doc_id, r.title, r.lang, r.format, pages, articles, len(chunks)))
    return rows


def extent(row: DocRow, lang: str) -> str:
    """A PDF's pages, a law's articles, else its passages: what a citation will point at."""
    unit, n = (
        ("articles", row.articles)
        if row.articles
        else ("pages", row.pages)
        if row.pages
        else ("passages", row.passages)
    )
    return t(f"n_{unit}_1" if n == 1 else f"n_{unit}", lang, n=n)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table (an HTML ``<table>`` with header cells, which screen readers read as a table), every cell
    escaped: titles and file names come from documents and show as written."""
    lines = ["| " + " | ".join(md_text(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_text(c) or "–" for c in row) + " |" for row in rows]
    return "\n".join(lines)


def language(code: str | None, lang: str) -> str:
    return lang_name(code, lang) if code in LANGS else (code or t("unknown", lang))


# -- upload --------------------------------------------------------------------------------------------------------


def file_reason(result: FileResult, lang: str) -> str:
    """Why a file was not imported (or what to know about it), in the page's language."""
    return result.reason_text(lang) or "; ".join(result.warnings_text(lang))


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Keep an uploaded file under ``folder`` by its own name (no folder part, no leading dot: it stays inside and
    is not hidden from a later folder import); a citation's link then points at a file that exists."""
    safe = Path(name.replace("\\", "/")).name.lstrip(".") or "upload"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe
    path.write_bytes(data)
    return path


def upload_section(store: DocumentStore, readable: list[CollectionInfo], user_groups: Sequence[str], lang: str) -> None:
    state = st.session_state
    st.header(t("upload", lang))
    core = get_core()
    if not may_upload(user_groups, core.settings.general.upload_groups):
        st.info(t("upload_off", lang), icon=":material/lock:")
        return
    state.setdefault("docs-upload-round", 0)
    files = st.file_uploader(
        t("files", lang), type=UPLOAD_TYPES, accept_multiple_files=True, key=f"docs-files-{state['docs-upload-round']}"
    )
    targets = [c.name for c in readable if c.name not in MIRRORED]
    modes = ["existing", "new"] if targets else ["new"]
    mode = st.radio(t("where", lang), modes, key="docs-mode", horizontal=True, format_func=lambda m: t(m, lang))
    if mode == "existing":
        name = st.selectbox(t("target_collection", lang), targets, key="docs-target-collection") or ""
        groups: tuple[str, ...] | None = None  # the collection keeps its readers
    else:
        if not targets:
            secondary(t("no_target", lang))
        name = st.text_input(t("new_name", lang), key="docs-new-name", placeholder=t("new_name_help", lang)).strip()
        # Private by default: what staff upload is for staff until they say otherwise.
        default = ", ".join(sorted(set(user_groups) & set(core.settings.general.upload_groups)))
        groups = parse_groups(st.text_input(t("new_groups", lang), value=default, key="docs-new-groups"))
    if st.button(t("import", lang), type="primary", key="docs-import"):
        problem = None
        if not files:
            problem = t("no_files", lang)
        elif mode == "new" and not COLLECTION_NAME.match(name):
            problem = t("bad_name", lang, name=name)
        elif mode == "new" and store.collection_groups(name) is not None:
            problem = t("name_taken", lang, name=name)  # readable or not: never overwrite who may read it
        if problem:
            st.error(problem, icon=":material/error:")
        else:
            assert files is not None
            if groups is None:
                groups = store.collection_groups(name) or ()
            state["docs-report"] = run_import(store, files, name, groups, lang)
            state["docs-upload-round"] += 1  # an empty file picker: the files are in the report below
            # Show the collection imported into: set before its picker is drawn again (a drawn widget's value
            # cannot be changed in the same run).
            state["docs-show"] = name
            st.rerun()
    report = state.get("docs-report")
    if report:
        show_report(report, lang)


def run_import(
    store: DocumentStore, files: Sequence[Any], collection: str, groups: Sequence[str], lang: str
) -> dict[str, Any]:
    """Import each uploaded file as ``moien docs import`` would (one transaction per file: a bad one never loses
    the others), with a progress bar; the report as plain data for the next rerun."""
    from moien.assistants.core.langid import default_identifier

    def detect(text: str) -> str | None:
        found = default_identifier().identify(text).lang
        return found if found in LANGS else None

    folder = store_path(get_core().settings.home).parent / "uploads" / collection
    results: list[FileResult] = []
    bar = st.progress(0.0, text=t("importing", lang, done=0, total=len(files), name=""))
    for i, f in enumerate(files):
        bar.progress(i / len(files), text=t("importing", lang, done=i, total=len(files), name=f.name))
        path = save_upload(folder, f.name, f.getvalue())
        results.extend(import_path(store, path, collection, groups, detect_lang=detect).files)
    bar.progress(1.0, text=t("importing", lang, done=len(files), total=len(files), name=""))
    return {
        "collection": collection,
        "files": [
            {"name": r.name, "status": r.status, "chunks": r.chunks, "reason": file_reason(r, lang)} for r in results
        ],
        "lang": lang,
    }


def show_report(report: dict[str, Any], lang: str) -> None:
    files = report["files"]
    counts: dict[str, int] = {}
    for f in files:
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    listed = ", ".join(f"{n} {t(s, lang).split(' ', 1)[1]}" for s, n in counts.items())
    failed = counts.get("failed", 0)
    message = t("import_done", lang, name=report["collection"], counts=listed)
    if failed:
        st.warning(f"{message} {t('some_failed', lang, n=failed)}", icon=":material/warning:")
    else:
        st.success(message, icon=":material/check_circle:")
    header = [t("file", lang), t("status", lang), t("passages", lang), t("reason", lang)]
    rows = [[f["name"], t(f["status"], lang), str(f["chunks"] or ""), f["reason"]] for f in files]
    st.markdown(table(header, rows))


# -- actions -------------------------------------------------------------------------------------------------------


@dataclass
class ActionRun:
    data: dict[str, Any] | None
    error: str | None
    seconds: float


def run_docs_command(args: list[str], what: str, lang: str, stdin: str | None = None) -> ActionRun:
    """``moien docs ARGS --json --lang LANG`` in a child process, with a status line that counts the seconds.

    The child is the core's command line (``moien.assistants.core.cli``), which mounts the plugin's ``docs``
    commands through the hooks. If the person leaves the page or it reruns, Streamlit stops this script at the
    next status update and ``finally`` stops the child: no model keeps working for nobody.
    """
    cmd = [sys.executable, "-m", "moien.assistants.core.cli", "docs", *args, "--json", "--lang", lang]
    env = {**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False", "COLUMNS": "10000"}  # no wrapped JSON or errors
    started = time.monotonic()
    with st.status(t("elapsed", lang, what=what, s=0), expanded=False) as status:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            feed = stdin
            while True:
                try:
                    out, err = proc.communicate(input=feed, timeout=1.0)
                    break
                except subprocess.TimeoutExpired:
                    feed = None  # communicate() sent it already; later calls only read
                    status.update(label=t("elapsed", lang, what=what, s=round(time.monotonic() - started)))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        seconds = time.monotonic() - started
        data: dict[str, Any] | None = None
        if out.strip().startswith("{"):
            try:
                data = json.loads(out)
            except json.JSONDecodeError:
                data = None
        if data is not None and proc.returncode in (0, DECLINED):
            status.update(label=t("done", lang, s=round(seconds)), state="complete")
            return ActionRun(data, None, seconds)
        message = _error_line(err) or f"exit status {proc.returncode}"
        status.update(label=t("failed_action", lang, message=message[:120]), state="error")
        return ActionRun(None, message, seconds)


def _error_line(stderr: str) -> str:
    """The command's own message (``error: …``), else the last line of what it wrote (a traceback's exception)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith("error:"):
            return ln.removeprefix("error:").strip()
    return lines[-1][:500] if lines else ""


def passage_label(i: int, chunk: Chunk) -> str:
    return f"{i}. {citation(chunk)}"


#: The language picker of each action that can be refused for its language (the model does not write it).
OFFER_KEYS = {"translation": "docs-translate-to", "plain": "docs-plain-to"}


def _offer(kind: str, code: str) -> None:
    """The person took a language offered after a refusal: run the same action again in it (a callback: it runs
    before the page is drawn again, when the picker's value may still change)."""
    st.session_state[OFFER_KEYS[kind]] = code
    st.session_state["docs-run"] = kind


def actions_section(
    store: DocumentStore, readable: list[CollectionInfo], user_groups: Sequence[str], lang: str
) -> None:
    state = st.session_state
    st.header(t("work", lang))
    collection = state.get("docs-collection")
    if collection not in {c.name for c in readable}:
        return
    records = sorted(store.documents(collection).values(), key=lambda r: (r.title.casefold(), r.doc_id))
    if not records:
        return
    by_id = {r.doc_id: r for r in records}
    doc_id = st.selectbox(
        t("document", lang),
        list(by_id),
        key="docs-doc",
        format_func=lambda d: f"{by_id[d].title} ({d.split('/', 1)[-1]})",
    )
    if doc_id is None:
        return
    chunks = store.chunks(doc_id)
    parts = ["", *(c.id for c in chunks)] if len(chunks) > 1 else [""]
    labels = {c.id: passage_label(i, c) for i, c in enumerate(chunks, 1)}
    part = st.selectbox(t("part", lang), parts, key="docs-part", format_func=lambda p: labels.get(p, t("whole", lang)))
    chosen = [c for c in chunks if c.id == part] if part else chunks
    doc_lang = by_id[doc_id].lang or next((c.lang for c in chunks if c.lang), None)
    kinds = ["summary", "plain", "translation"]
    kind = st.radio(t("action", lang), kinds, key="docs-action", horizontal=True, format_func=lambda k: t(k, lang))
    ref = part or doc_id
    readers = ["--groups", ",".join(user_groups)]  # the page's reader, whatever the settings say
    glossary_file = None
    if kind == "summary":
        to = pick_lang("summary_lang", "docs-summary-to", list(LANGS), default_lang(doc_lang, lang), lang)
    elif kind == "plain":
        to = pick_lang(
            "plain_lang",
            "docs-plain-to",
            list(LANGS),
            default_lang(doc_lang, lang),
            lang,
            lambda c: f"{lang_name(c, lang)} — {PLAIN_STYLE[c]}",
        )
        secondary(t("plain_note", lang) + (" " + t("plain_via_mt", lang) if to != doc_lang else ""))
    else:
        others = [c for c in LANGS if c != doc_lang] or list(LANGS)
        to = pick_lang("target_lang", "docs-translate-to", others, "fr" if "fr" in others else others[0], lang)
        glossary_file = st.file_uploader(t("glossary", lang), type=["csv"], key="docs-glossary")
    clicked = st.button(t(f"run_{kind}", lang), type="primary", key="docs-run-button")
    if state.pop("docs-run", None) == kind:  # an offered language was taken (``_offer``)
        clicked = True
    key = f"{kind}|{ref}|{to}"
    if clicked:
        if kind == "summary":
            run = run_docs_command(["summarise", ref, "--to", to, *readers], t("working_summary", lang), lang)
        elif kind == "plain":
            run = plain_language(ref, doc_lang, to, readers, lang)
        else:
            run = translation(ref, to, readers, glossary_file, lang)
        state["docs-result"] = {"key": key, "data": run.data, "error": run.error}
    result = state.get("docs-result")
    if not result or result["key"] != key:
        return
    if result["error"]:
        st.error(t("failed_action", lang, message=result["error"]), icon=":material/error:")
        return
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("original", lang))
        secondary(f"{md_text(by_id[doc_id].title)} · {language(doc_lang, lang)}")
        for chunk in chosen:
            st.markdown(f"**{md_text(citation(chunk))}**")
            show_markdown(chunk.text)
    with right:
        st.subheader(t(kind, lang))
        show_result(kind, result["data"], lang)


def pick_lang(
    label: str,
    key: str,
    options: Sequence[str],
    default: str,
    lang: str,
    name: Callable[[str], str] | None = None,
) -> str:
    """A language picker whose choice is kept per action (and set by an offer after a refusal)."""
    state = st.session_state
    if state.get(key) not in options:
        state[key] = default if default in options else options[0]
    chosen = st.selectbox(t(label, lang), options, key=key, format_func=name or (lambda c: lang_name(c, lang)))
    return str(chosen or options[0])


def translation(ref: str, to: str, readers: list[str], glossary_file: Any, lang: str) -> ActionRun:
    """``moien docs translate``, with the glossary the person gave (a temporary file, removed afterwards)."""
    args = ["translate", ref, "--to", to, *readers]
    if glossary_file is None:
        return run_docs_command(args, t("working_translation", lang), lang)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "glossary.csv"
        path.write_bytes(glossary_file.getvalue())
        return run_docs_command([*args, "--glossary", str(path)], t("working_translation", lang), lang)


def plain_language(ref: str, doc_lang: str | None, to: str, readers: list[str], lang: str) -> ActionRun:
    """``moien docs simplify`` in the document's language; in another language, the document is machine-translated
    first (labelled so) and the translation rewritten, citing the original's passages."""
    if to == doc_lang or doc_lang is None:
        return run_docs_command(["simplify", ref, *readers], t("working_plain", lang), lang)
    first = run_docs_command(["translate", ref, "--to", to, *readers], t("working_translation", lang), lang)
    if first.data is None or first.data.get("status") != "ok":
        return first  # an error, or a language the model does not write: said as the translation says it
    second = run_docs_command(
        ["simplify", "--text", "-", "--from", to], t("working_plain", lang), lang, stdin=str(first.data["text"])
    )
    if second.data is None:
        return second
    translated = first.data
    data = dict(second.data)
    data["sources"] = translated["sources"]  # the rewrite's source is the original, through the translation
    data["via_translation"] = {"label": translated["label"], "facts": translated.get("facts")}
    data["warnings"] = [*translated.get("warnings", []), *data.get("warnings", [])]
    return ActionRun(data, None, first.seconds + second.seconds)


#: The name of plain language in each language: the style a rewrite in that language follows.
PLAIN_STYLE = {"lb": "Einfach Sprooch", "fr": "FALC", "de": "Leichte Sprache", "en": "Plain English"}


def default_lang(doc_lang: str | None, lang: str) -> str:
    return doc_lang if doc_lang in LANGS else lang


def show_result(kind: str, data: dict[str, Any], lang: str) -> None:
    """The action's result as the person needs it: the AI label first, the text, then the checks and sources."""
    if data.get("label"):
        secondary(md_text(data["label"]))
    if data.get("notice"):
        st.info(md_text(data["notice"]), icon=":material/translate:")
    status = data.get("status", "ok")
    if status == "unsupported":  # a translation into a language the model does not write: declined, others offered
        st.warning(md_text(data.get("message") or ""), icon=":material/warning:")
        for code in data.get("offers") or []:
            st.button(
                t("offer" if kind == "translation" else "offer_plain", lang, language=lang_name(code, lang)),
                key=f"docs-offer-{code}",
                on_click=_offer,
                args=(kind, code),
            )
        return
    via = data.get("via_translation")
    if via:  # a plain version made from a machine translation says so too
        secondary(md_text(via["label"]))
    if status == "same_language":
        st.info(md_text(data.get("message") or ""), icon=":material/info:")
        return
    if status == "refused":
        st.warning(md_text(data.get("message") or ""), icon=":material/warning:")
    else:
        show_markdown(data.get("text") or "")
    if kind == "summary" and data.get("parts"):
        secondary(t("parts", lang, n=len(data["parts"])))
    if kind in ("plain", "translation") and data.get("facts") is not None:
        show_facts(data["facts"], lang)
    if kind == "plain":
        show_readability(data.get("readability") or {}, lang)
    if kind == "translation" and data.get("glossary") is not None:
        show_glossary(data["glossary"], lang)
    for warning in data.get("warnings") or []:
        st.warning(md_text(warning), icon=":material/warning:")
    show_sources(kind, data, lang)


def show_facts(facts: dict[str, list[dict[str, str]]], lang: str) -> None:
    kept, missing, added = facts.get("kept", []), facts.get("missing", []), facts.get("added", [])
    if not (kept or missing or added):
        secondary(t("facts_none", lang))
        return
    for key, items in (("facts_kept", kept), ("facts_missing", missing), ("facts_added", added)):
        if items:
            listed = " · ".join(md_text(f["text"]) for f in items)
            st.markdown(f"**{t(key, lang, n=len(items))}:** {listed}")


def show_readability(readability: dict[str, Any], lang: str) -> None:
    before, after = readability.get("before"), readability.get("after")
    if not before:
        return
    if not after:  # no rewrite (refused): the original's score alone says how hard it reads
        line = t("readability", lang, formula=before["formula"], before=before["score"], after="–")
        st.markdown(md_text(line))
        return
    lines = []
    if before["formula"] == after["formula"]:
        direction = t("easier_higher" if before["higher_is_easier"] else "easier_lower", lang)
        line = t("readability", lang, formula=before["formula"], before=before["score"], after=after["score"])
        short = f"; {t('short_text', lang)}" if not before.get("reliable", True) else ""
        lines.append(f"{line} ({direction}{short})")
    lines.append(
        t(
            "sentence_length",
            lang,
            before=before["words_per_sentence"],
            after=after["words_per_sentence"],
            lb_before=round(100 * before["long_words"]),
            lb_after=round(100 * after["long_words"]),
        )
    )
    easier = readability.get("easier")
    if easier is not None:
        lines.append(t("easier_yes" if easier else "easier_no", lang))
    st.markdown("  \n".join(md_text(x) for x in lines))


def show_glossary(glossary: dict[str, list[dict[str, Any]]], lang: str) -> None:
    used, missing = glossary.get("used", []), glossary.get("missing", [])
    total = len(used) + len(missing)
    if not total:
        secondary(t("glossary_none", lang))
        return
    lines = [f"**{t('glossary_used', lang, used=len(used), total=total)}**"]
    lines += [f"- ✓ {md_text(u['source'])} → {md_text(u.get('target') or '')}" for u in used]
    lines += [f"- ✗ {md_text(u['source'])} → {md_text(u.get('target') or '')}" for u in missing]
    st.markdown("\n".join(lines))


def show_sources(kind: str, data: dict[str, Any], lang: str) -> None:
    sources = data.get("sources") or []
    if not sources:
        return
    cited = set(data.get("cited") or [])
    lines = [f"**{i18n.t('sources', lang)}**"]
    for n, s in enumerate(sources, 1):
        mark = ""
        if kind == "summary":
            mark = f" ({t('cited', lang) if n in cited else t('not_cited', lang)})"
        lines.append(f"{n}. {md_text(s.get('citation') or s.get('id') or '')}{mark}")
    st.markdown("\n".join(lines))


# -- the page ------------------------------------------------------------------------------------------------------


def documents_page() -> None:
    # Side by side needs the width: this page only (the app's other pages keep their centred column).
    st.set_page_config(layout="wide")
    state = st.session_state
    lang = state.get("ui_lang", "lb")
    core = get_core()
    user_groups = tuple(core.settings.general.groups)
    store = open_store(str(store_path(core.settings.home)))
    st.title(t("title", lang))
    secondary(t("intro", lang))
    secondary(t("reading_as", lang, groups=", ".join(user_groups)) if user_groups else t("reading_public", lang))

    readable = [c for c in store.collections() if may_read(c.groups, user_groups)]
    st.header(t("collections", lang))
    if not readable:
        st.info(t("no_collections", lang), icon=":material/info:")
    else:
        header = [t("collection", lang), t("readers", lang), t("documents", lang), t("passages", lang)]
        rows = [[c.name, ", ".join(c.groups) or t("everyone", lang), str(c.documents), str(c.chunks)] for c in readable]
        st.markdown(table(header, rows))
        names = [c.name for c in readable]
        if state.get("docs-show") in names:
            state["docs-collection"] = state.pop("docs-show")
        if state.get("docs-collection") not in names:
            state["docs-collection"] = names[0]
        name = st.selectbox(t("collection", lang), names, key="docs-collection")
        st.subheader(t("documents_of", lang, name=name))
        records = sorted(store.documents(name).values(), key=lambda r: (r.title.casefold(), r.doc_id))
        if not records:
            secondary(t("empty_collection", lang))
        else:
            shown = doc_rows(store, records[:MAX_ROWS])
            header = [t("doc_title", lang), t("extent", lang), t("language", lang), t("format", lang)]
            st.markdown(table(header, [[r.title, extent(r, lang), language(r.lang, lang), r.format] for r in shown]))
            if len(records) > MAX_ROWS:
                secondary(t("first_rows", lang, n=MAX_ROWS, total=len(records)))

    upload_section(store, readable, user_groups, lang)
    actions_section(store, readable, user_groups, lang)
    # Said again at the end: after a long action the browser was seen back in the centred column.
    st.set_page_config(layout="wide")
