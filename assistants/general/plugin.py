"""The ``general`` assistant: answers from the administration's document collections (``moien.documents``).

Documents live in collections in a SQLite store (``$MOIEN_HOME/documents/store.sqlite3``), imported with ``moien
docs import`` (PDF, Word, OpenDocument, web pages, Markdown, legal XML), chunked by heading, page or article, and
found by a hybrid search (BM25 + e5 vectors, rank fusion) — for the caller's groups only: a collection with groups
is invisible to anyone outside them, before anything is ranked. The demo documents shipped here are the public
collection ``demo``; ``general.docs_dir``, when set, is the public collection ``docs`` instead (both imported on
first use, incrementally). A configured Rasa action server still answers the intents it owns.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.config import Settings
from moien.assistants.core.intents import parse_nlu
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Grounding, Query, Response, Source
from moien.connectors.rasa_actions_client import ActionServerError, RasaActionsClient
from moien.documents.chunking import citation
from moien.documents.model import Chunk
from moien.documents.search import Hit, terms
from moien.lang import LANGS

if TYPE_CHECKING:
    import typer

    from moien.connectors.llm.runtime import ChatModel
    from moien.documents.importer import ImportReport
    from moien.documents.search import DocumentSearch
    from moien.documents.store import DocumentStore

log = logging.getLogger("moien.general")

HERE = Path(__file__).parent
DEMO_DOCS = HERE / "docs"
#: The public collections the assistant keeps in step with a folder: the shipped demo, or ``general.docs_dir``.
DEMO_COLLECTION = "demo"
DOCS_COLLECTION = "docs"
#: Hits looked at before choosing ``top_k`` (the same topic in four languages takes four).
CANDIDATES = 12


def query_terms(text: str) -> list[str]:
    """The words a question is searched by (folded, no stop words): ``moien.documents.search.terms``."""
    return terms(text)


def store_path(home: Path) -> Path:
    return Path(home) / "documents" / "store.sqlite3"


def open_store(home: Path) -> DocumentStore:
    from moien.documents.store import DocumentStore

    return DocumentStore(store_path(home))


def detect_lang(text: str) -> str | None:
    """moien's language identifier, for documents that do not declare their language."""
    from moien.assistants.core.langid import default_identifier

    return default_identifier().identify(text).lang


def import_folder(
    store: DocumentStore, folder: Path, collection: str, *, progress: Callable[[int, int, str], None] | None = None
) -> ImportReport:
    """Keep a public collection in step with ``folder`` (added, changed and removed files)."""
    from moien.documents.importer import import_path

    return import_path(store, folder, collection, (), detect_lang=detect_lang, progress=progress, mirror=True)


def _family(hit: Hit) -> str:
    """The topic a document belongs to across languages: ``demo/identity-card.fr.md`` → ``demo/identity-card``."""
    doc_id = hit.chunk.doc_id
    parts = doc_id.rsplit(".", 2)
    return parts[0] if len(parts) == 3 and parts[1] in LANGS else doc_id


# --- Rasa custom actions for configured intents (settings.rasa.actions_url + settings.rasa.intent_actions) ---------
# An organisation's existing rasa-sdk action server keeps answering the intents it already answers (opening hours
# from a database, say): its text is written by people or by the action's own code, so moien relays it without
# the model and cites the action server as the source. The intent must be one the router can predict for this
# assistant, i.e. declared with examples in this assistant's nlu.yml or in the deployment's own `rasa.nlu_file`
# (`- intent: opening_hours`, Rasa's format); register_assistants warns about any that is not. When the action server fails or says nothing, the documents
# answer instead (and the log says what to fix).

#: How the action server is named as a source, per language.
ACTION_SOURCE_TITLES = {
    "lb": "Rasa-Aktiounsserver",
    "fr": "serveur d'actions Rasa",
    "de": "Rasa-Aktionsserver",
    "en": "Rasa action server",
}


@dataclass
class ActionGrounding(Grounding):
    """Grounding from a Rasa custom action: ``text`` is what the action uttered, relayed as the answer."""

    text: str = ""


class GeneralAssistant(Assistant):
    name = "general"
    order = 10
    titles = {
        "lb": "Allgemeng Froen",
        "fr": "Questions générales",
        "de": "Allgemeine Fragen",
        "en": "General questions",
    }
    descriptions = {
        "lb": "beäntwert Froen iwwer d'Servicer an d'Dokumenter vun der Verwaltung, mat Quellen",
        "fr": "répond aux questions sur les services et documents de l'administration, avec sources",
        "de": "beantwortet Fragen zu den Diensten und Dokumenten der Verwaltung, mit Quellen",
        "en": "answers questions about the administration's services and documents, with sources",
    }
    service_names = {
        "lb": "Dokumentsich",
        "fr": "recherche documentaire",
        "de": "Dokumentensuche",
        "en": "document search",
    }

    def __init__(
        self,
        docs_dir: Path | None = None,
        top_k: int = 3,
        *,
        home: Path | None = None,
        groups: Sequence[str] = (),
        actions: RasaActionsClient | None = None,
        intent_actions: dict[str, str] | None = None,
        extra_nlu: Path | None = None,
    ) -> None:
        #: The folder kept as a public collection (the registry card names it as this assistant's source).
        self.docs_dir = Path(docs_dir) if docs_dir else DEMO_DOCS
        self.collection = DOCS_COLLECTION if docs_dir else DEMO_COLLECTION
        #: The other automatic collection is left out of the answers (a store may hold both).
        self._hidden = DEMO_COLLECTION if docs_dir else DOCS_COLLECTION
        self.top_k = top_k
        self.home = home
        #: Groups of whoever asks where no channel says (the teacher app, the CLI): ``general.groups``.
        self.groups = tuple(groups)
        self._search: DocumentSearch | None = None
        #: Chunks by id for the current index, to find a passage's version in another language (``_in_language``).
        self._by_id: tuple[object, dict[str, Chunk], Counter[str]] | None = None
        self._lock = threading.Lock()
        #: A rasa-sdk action server and the intents its actions answer (intent → action name).
        self.actions = actions
        self.intent_actions = dict(intent_actions or {}) if actions is not None else {}
        #: A deployment's own intents (``rasa.nlu_file``, e.g. its Rasa bot's nlu.yml), routed here too.
        self.extra_nlu = extra_nlu

    def nlu_file(self) -> Path | None:
        return HERE / "nlu.yml"

    def nlu_files(self) -> list[Path]:
        return [HERE / "nlu.yml", *([self.extra_nlu] if self.extra_nlu is not None else [])]

    @property
    def searcher(self) -> DocumentSearch:
        """The store's search, after the automatic collection was brought up to date (once per process)."""
        with self._lock:
            if self._search is None:
                from moien.documents.search import DocumentSearch

                home = self.home
                if home is None:
                    from moien.assistants.core.config import get_settings

                    home = get_settings().home
                store = open_store(home)
                try:
                    report = import_folder(store, self.docs_dir, self.collection)
                except FileNotFoundError:
                    log.warning("general.docs_dir %s does not exist: set it to a folder of documents", self.docs_dir)
                else:
                    for f in report.failed:  # the reason names the file, never its text
                        log.warning("document not imported: %s", f.reason)
                self._search = DocumentSearch(store)
            return self._search

    def warm_up(self) -> None:
        """Import what changed, build the index and load the e5 model before the first question."""
        self.search("moien", self.groups)

    def search(self, text: str, groups: Sequence[str], lang: str | None = None) -> list[Hit]:
        """The relevant chunks a caller in ``groups`` may read, at most ``top_k``: one document per topic (the
        version in ``lang`` when the same topic exists in several languages), best first."""
        searcher = self.searcher
        collections = [str(c) for c in searcher.index.collections if c != self._hidden]
        hits = [
            h for h in searcher.search(text, groups=groups, collections=collections, top_k=CANDIDATES) if h.relevant
        ]
        chosen: dict[str, Hit] = {}  # topic → the best hit of the document that answers for it
        for h in hits:
            best = chosen.get(_family(h))
            if best is None or (lang is not None and h.chunk.lang == lang and best.chunk.lang != lang):
                chosen[_family(h)] = h
        return [h for h in hits if chosen[_family(h)].chunk.doc_id == h.chunk.doc_id][: self.top_k]

    def _in_language(self, hit: Hit, lang: str) -> Hit:
        """The same passage from the document's version in ``lang`` (``name.LANG.md`` beside ``name.lb.md``, same
        position), when the collection has one and the search did not rank it: a question asked in one language
        and answered in another (the reply-language policy) should give the model the text in the answer's
        language. A sibling lives in the same collection, so the same groups may read it."""
        if hit.chunk.lang == lang:
            return hit
        parts = hit.chunk.doc_id.rsplit(".", 2)
        if len(parts) != 3 or parts[1] not in LANGS:
            return hit
        wanted = f"{parts[0]}.{lang}.{parts[2]}#{hit.chunk.id.rsplit('#', 1)[-1]}"
        index = self.searcher.index
        if self._by_id is None or self._by_id[0] is not index:  # one look-up table per index (rebuilt on import)
            self._by_id = (index, {c.id: c for c in index.chunks}, Counter(c.doc_id for c in index.chunks))
        _, by_id, passages_of = self._by_id
        sibling = by_id.get(wanted)
        # The same position is the same passage only when both versions are cut alike: as many passages, and this
        # one on the same page and under the same article (a version with an extra introduction is not used).
        if (
            sibling is None
            or passages_of[sibling.doc_id] != passages_of[hit.chunk.doc_id]
            or (sibling.page, sibling.article) != (hit.chunk.page, hit.chunk.article)
        ):
            return hit
        return replace(hit, chunk=sibling)

    def ground(self, query: Query) -> Grounding:
        action = self.intent_actions.get(query.intent or "")
        if action:
            from_action = self._run_action(action, query)
            if from_action is not None:
                return from_action
        # Who may read what: the signed-in person's groups over HTTP, else the configured ones (app, CLI).
        groups = query.user.groups if query.user is not None else self.groups
        hits = self.search(query.text, groups, query.lang)
        sources = [
            Source(id=h.chunk.id, title=citation(h.chunk), uri=h.chunk.uri, snippet=h.chunk.text[:240]) for h in hits
        ]
        # The user sees the sources in their language; the model reads the same passages in the language it answers
        # in, where the collection has that version (German for a Luxembourgish question while the model cannot
        # write Luxembourgish): a small model answers in the language it reads.
        read = [self._in_language(h, query.answer_lang) for h in hits] if query.answer_lang else hits
        found = [f"{citation(h.chunk)}: {h.chunk.text}" for h in hits]
        passages = [f"{citation(h.chunk)}: {h.chunk.text}" for h in read]
        return Grounding(sources=sources, passages=passages, quotes=found if passages != found else [])

    def _run_action(self, action: str, query: Query) -> ActionGrounding | None:
        """The action's answer as grounding, citing the action server; ``None`` (documents answer) if it fails."""
        assert self.actions is not None  # only called for an intent in intent_actions, which needs a server
        try:
            result = self.actions.run(
                action, sender_id=query.session_id, text=query.text, intent=query.intent, metadata={"lang": query.lang}
            )
        except ActionServerError as exc:
            log.warning("Rasa action %s failed, the documents answer instead: %s", action, exc)
            return None
        if not result.text:
            return None  # the action said nothing: the documents may still answer
        title = f"{ACTION_SOURCE_TITLES.get(query.lang, ACTION_SOURCE_TITLES['en'])}: {action}"
        source = Source(id=f"rasa-action:{action}", title=title, uri=self.actions.url, snippet=result.text[:240])
        return ActionGrounding(sources=[source], passages=[f"{title}: {result.text}"], text=result.text)

    def respond(self, query: Query, grounding: Grounding, model: ChatModel) -> Response | None:
        """A Rasa action's answer is relayed as it is (not AI-generated); anything else is the core's to write."""
        if isinstance(grounding, ActionGrounding):
            return Response(chunks=iter([grounding.text]), lang=query.lang, ai_generated=False)
        return None

    def close(self) -> None:
        if self.actions is not None:
            self.actions.close()


@hookimpl
def register_assistants(register: Callable[[Assistant], None], settings: Settings) -> None:
    rasa = settings.rasa
    actions = RasaActionsClient(rasa.actions_url) if rasa.actions_url and rasa.intent_actions else None
    if actions is not None:
        # The router predicts only intents declared in nlu.yml: an action for any other intent would never run.
        files = [HERE / "nlu.yml", *([rasa.nlu_file] if rasa.nlu_file is not None and rasa.nlu_file.is_file() else [])]
        declared = {intent for path in files for intent, _ in parse_nlu(path)}
        missing = sorted(set(rasa.intent_actions) - declared)
        if missing:
            log.warning(
                "rasa.intent_actions names intents that neither the general assistant's nlu.yml nor rasa.nlu_file "
                "declares (%s): add them to rasa.nlu_file with examples, or their actions never run",
                ", ".join(missing),
            )
    register(
        GeneralAssistant(
            settings.general.docs_dir,
            settings.general.top_k,
            home=settings.home,
            groups=settings.general.groups,
            actions=actions,
            intent_actions=rasa.intent_actions,
            extra_nlu=rasa.nlu_file,
        )
    )


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """``moien docs import|list|remove|search``: the document collections this assistant answers from."""
    from moien.assistants.general.cli import app

    cli.add_typer(app, name="docs")


@hookimpl
def setup(settings: Settings, echo: Callable[[str], None]) -> None:
    """Import the demo documents (and ``general.docs_dir`` when set) as public collections; quick when unchanged."""
    store = open_store(settings.home)
    for folder, collection in [(DEMO_DOCS, DEMO_COLLECTION)] + (
        [(settings.general.docs_dir, DOCS_COLLECTION)] if settings.general.docs_dir else []
    ):
        report = import_folder(store, Path(folder), collection)
        counts = ", ".join(f"{n} {status}" for status, n in report.summary().items() if n)
        echo(f"documents: collection '{collection}' from {folder}: {counts or 'empty'}")
        for f in report.failed:
            echo(f"  not imported: {f.reason}")
