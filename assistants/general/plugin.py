"""The ``general`` assistant: answers from the administration's document collections (``moien.documents``).

Documents live in collections in a SQLite store (``$MOIEN_HOME/documents/store.sqlite3``), imported with ``moien
docs import`` (PDF, Word, OpenDocument, web pages, Markdown, legal XML), chunked by heading, page or article, and
found by a hybrid search (BM25 + e5 vectors, rank fusion) — for the caller's groups only: a collection with groups
is invisible to anyone outside them, before anything is ranked. The demo documents shipped here are the public
collection ``demo``; ``general.docs_dir``, when set, is the public collection ``docs`` instead (both imported on
first use, incrementally). A configured Rasa action server still answers the intents it owns.

Summaries, plain-language versions and translations asked for in the chat ("Résume le document sur la carte
d'identité", "Iwwersetz dat op Franséisch") are recognised by :mod:`moien.assistants.general.chat_actions` and
answered with the actions of :mod:`moien.assistants.general.actions`, over the passages the caller may read.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.config import Settings
from moien.assistants.core.intents import parse_nlu
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Completion, Grounding, Query, Response, Source
from moien.assistants.general.chat_actions import (
    MAX_REWRITE_PASSAGES,
    MAX_SUMMARY_PASSAGES,
    MESSAGES,
    Choice,
    DocRef,
    TaskRequest,
    article_key,
    choose_document,
    family_of,
    not_found_text,
    parse_request,
    passages_of,
    readable,
    render_simplify,
    render_summary,
    render_translation,
)
from moien.connectors.rasa_actions_client import ActionServerError, RasaActionsClient
from moien.documents.chunking import citation
from moien.documents.model import Chunk
from moien.documents.search import Hit, terms
from moien.lang import LANGS, fold, lang_name, pick

if TYPE_CHECKING:
    import typer

    from moien.assistants.general.actions import Passage, Writer
    from moien.connectors.llm.runtime import ChatModel
    from moien.documents.glossary import Glossary
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


def _identify(passages: Sequence[Passage]) -> str:
    """The language of passages whose document does not say (moien's identifier; English when it cannot tell)."""
    from moien.assistants.general.actions import identify

    return identify(" ".join(p.text for p in passages)) or "en"


def _family(hit: Hit) -> str:
    """The topic a document belongs to across languages: ``demo/identity-card.fr.md`` → ``demo/identity-card``."""
    return family_of(hit.chunk.doc_id)


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


@dataclass
class TaskGrounding(Grounding):
    """Grounding for an action asked for in the chat (a summary, a plain version, a translation).

    ``sources`` are the passages acted on, in reading order (a summary's ``[n]`` name them); ``passages`` only
    their citations: the model reads the passages through the action, never through the core's prompt, so the
    core's fitting keeps every source (and ``respond`` acts only on the sources that are left). With ``message``
    the action cannot run (no such document, several, no such article): it is moien's answer, and ``sources`` list
    what the caller may pick from.
    """

    request: TaskRequest | None = None
    acted_on: list[Passage] = field(default_factory=list)
    #: The language the result should be in (a translation's target; a summary's or plain version's wish).
    target: str = "en"
    message: str | None = None
    #: A line saying that only the first passages of a long document were used.
    cut: str | None = None


#: The command that does the same on the whole of a long document, per action.
_COMMANDS = {"summary": "moien docs summarise", "simplify": "moien docs simplify", "translate": "moien docs translate"}


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
        settings: Settings | None = None,
        glossary: Path | None = None,
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
        self._passages_of: tuple[object, Counter[str]] | None = None
        self._lock = threading.Lock()
        #: A rasa-sdk action server and the intents its actions answer (intent → action name).
        self.actions = actions
        self.intent_actions = dict(intent_actions or {}) if actions is not None else {}
        #: A deployment's own intents (``rasa.nlu_file``, e.g. its Rasa bot's nlu.yml), routed here too.
        self.extra_nlu = extra_nlu
        #: The model's language policy and context for the actions asked for in the chat (default: the process's).
        self._settings = settings
        #: The ministry's glossary for translations: ``glossary``, else ``$MOIEN_HOME/documents/glossary.csv`` when
        #: there is one, else the demo glossary (loaded on the first translation).
        self.glossary_path = glossary
        self._glossary: tuple[Glossary | None] | None = None

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
        searcher = self.searcher
        index = searcher.index
        # One count of passages per document for each index (rebuilt on import), from the ids alone: a loaded index
        # holds no passage text, and reading every passage from SQLite took seconds at 100k passages.
        if self._passages_of is None or self._passages_of[0] is not index:
            self._passages_of = (index, Counter(i.rsplit("#", 1)[0] for i in index.ids))
        _, passages_of = self._passages_of
        sibling = searcher.store.chunks_by_id([wanted]).get(wanted)
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
        request = parse_request(query.text)
        if request is not None:
            return self._task_grounding(query, request, groups)
        hits = self.search(query.text, groups, query.lang)
        if hits:  # "summarise this document" next means this answer's first source (kept in session memory)
            query.state["doc"] = hits[0].chunk.doc_id
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
        if isinstance(grounding, TaskGrounding):
            return self._task_response(query, grounding, model)
        return None

    # -- summaries, plain language and translations asked for in the chat ------------------------------------------
    def settings(self) -> Settings:
        if self._settings is None:
            from moien.assistants.core.config import get_settings

            self._settings = get_settings()
        return self._settings

    def glossary(self) -> Glossary | None:
        """The glossary translations use (see ``glossary_path``); ``None`` when it cannot be read (logged)."""
        if self._glossary is None:
            from moien.documents.glossary import GlossaryError, load_glossary

            path = self.glossary_path
            if path is None:
                own = store_path(self.home or self.settings().home).parent / "glossary.csv"
                path = own if own.is_file() else HERE / "demo" / "glossary.csv"
            try:
                self._glossary = (load_glossary(path),)
            except (GlossaryError, OSError) as exc:
                log.warning("glossary %s not used: %s", path, exc)
                self._glossary = (None,)
        return self._glossary[0]

    def _writing_lang(self, lang: str) -> str:
        """The language the model writes for ``lang`` (``model.writes``, else ``model.fallback_lang``)."""
        m = self.settings().model
        writes = list(m.writes) or list(LANGS)
        if lang in writes:
            return lang
        return m.fallback_lang if m.fallback_lang in writes else writes[0]

    def _task_grounding(self, query: Query, request: TaskRequest, groups: Sequence[str]) -> Grounding:
        """The document the request names, among those ``groups`` may read, and the passages to act on; or the
        reason it cannot be told, with what to do (as ``TaskGrounding.message``)."""
        searcher = self.searcher
        index = searcher.index
        documents: dict[str, DocRef] = {}
        with_article: set[str] = set()
        with_page: set[str] = set()
        counts: Counter[str] = Counter()
        for c in index.chunks:
            if c.collection == self._hidden or not readable(c, groups):
                continue
            if c.doc_id not in documents:
                documents[c.doc_id] = DocRef(c.doc_id, c.title, c.lang, c.collection)
                counts[c.collection] += 1
            if request.article is not None and c.article is not None and article_key(c.article) == request.article:
                with_article.add(c.doc_id)
            if request.page is not None and c.page == request.page:
                with_page.add(c.doc_id)
        ui = query.lang
        wanted = request.target or ui
        if request.kind == "summary":  # the model reads best what it writes
            langs: list[str | None] = [self._writing_lang(wanted), wanted, ui]
        elif request.kind == "simplify":  # a plain version is written in its source's language
            langs = [wanted, ui, self._writing_lang(wanted)]
        else:  # translated from the version the user reads, never from one already in the target language
            langs = [lang for lang in (ui, "fr", "de", "en", "lb") if lang != wanted]
        docs = list(documents.values())
        previous = query.state.get("doc") if isinstance(query.state.get("doc"), str) else None

        def choose(by_meaning: Sequence[tuple[str, float]] = ()) -> Choice:
            return choose_document(
                request,
                docs,
                previous=previous,
                langs=langs,
                with_article=with_article,
                with_page=with_page,
                by_meaning=by_meaning,
            )

        choice = choose()
        if choice.doc is None and not choice.candidates and request.name_terms:
            # No title holds the words: a document named in another language than its title ("the identity card"
            # for a collection in French) is found by meaning, if clearly.
            collections = [str(c) for c in index.collections if c != self._hidden]
            hits = searcher.search(" ".join(request.name_terms), groups=groups, collections=collections, top_k=5)
            choice = choose([(h.chunk.doc_id, h.cosine) for h in hits])
        if choice.doc is None:
            return self._not_found(query, request, choice, docs, counts)
        doc = choice.doc
        query.state["doc"] = doc.doc_id
        chunks = [c for c in searcher.store.chunks(doc.doc_id) if readable(c, groups)]
        picked = passages_of(chunks, request)
        if not picked:
            part = (
                pick(MESSAGES, "article", ui, n=request.article)
                if request.article is not None
                else pick(MESSAGES, "page", ui, n=request.page)
            )
            text = pick(MESSAGES, "no_part", ui, title=doc.title, part=part)
            whole = chunks[:1]
            return TaskGrounding(
                sources=[self._source(c) for c in whole], passages=[citation(c) for c in whole], message=text
            )
        limit = MAX_SUMMARY_PASSAGES if request.kind == "summary" else MAX_REWRITE_PASSAGES
        cut = None
        if len(picked) > limit:
            command = f"{_COMMANDS[request.kind]} {doc.doc_id}" + (
                f" --to {wanted}" if request.kind == "translate" else ""
            )
            cut = pick(MESSAGES, "first_passages", ui, n=limit, total=len(picked), command=command)
            picked = picked[:limit]
        from moien.assistants.general.actions import Passage

        return TaskGrounding(
            sources=[self._source(c) for c in picked],
            passages=[citation(c) for c in picked],
            request=request,
            acted_on=[Passage.from_chunk(c) for c in picked],
            target=wanted,
            cut=cut,
        )

    @staticmethod
    def _source(chunk: Chunk) -> Source:
        return Source(id=chunk.id, title=citation(chunk), uri=chunk.uri, snippet=chunk.text[:240])

    def _not_found(
        self, query: Query, request: TaskRequest, choice: Choice, docs: list[DocRef], counts: Counter[str]
    ) -> Grounding:
        """What to do when the document cannot be told: the documents that fit (as sources, to pick from), or the
        collections the caller may read."""
        ui = query.lang
        # An example in the user's language, named after a document they may read (not the page about moien itself).
        mine = [d for d in docs if d.lang == ui and "moien" not in fold(d.title)] or docs
        topic = mine[0].title.split(" (")[0] if mine else pick(MESSAGES, "this_document", ui)
        collections = sorted(counts.items())
        text = not_found_text(
            request,
            ui,
            name=" ".join(request.name_terms) or pick(MESSAGES, "this_document", ui),
            collections=collections,
            candidates=choice.candidates,
            topic=topic,
        )
        if choice.candidates:
            sources = [Source(id=d.doc_id, title=d.title) for d in choice.candidates]
        else:
            sources = [Source(id=f"collection:{name}", title=name) for name, _ in collections]
        if not sources:
            return Grounding(sources=[], passages=[])  # nothing readable at all: the core's "I don't know"
        return TaskGrounding(sources=sources, passages=[s.title for s in sources], request=request, message=text)

    def _task_response(self, query: Query, grounding: TaskGrounding, model: ChatModel) -> Response:
        """Run the action on the passages that are still sources, and answer with its result in the chat's form."""
        ui = query.lang
        if grounding.message is not None or grounding.request is None:
            return Response(chunks=iter([grounding.message or ""]), lang=ui, ai_generated=False)
        from moien.assistants.general.actions import Writer

        kept = {s.id for s in grounding.sources}
        passages = [p for p in grounding.acted_on if p.id in kept]
        writer = Writer.from_settings(self.settings(), model)
        kind, target, cut = grounding.request.kind, grounding.target, grounding.cut
        if kind == "summary":
            written = writer.writing_lang(target)
            # Asked for a language the model does not write (Luxembourgish): the summary is in its fallback, and the
            # reply says so through ``requested_lang`` (the core adds the notice every channel shows).
            asked = target if written != target else None
            return Response(
                chunks=self._summary(passages, writer, target, ui, cut, notice=asked is None),
                lang=written,
                requested_lang=asked,
            )
        source = next((p.lang for p in passages if p.lang in LANGS), None) or _identify(passages)
        if kind == "simplify":
            return Response(
                chunks=self._simplify(passages, writer, source, target, ui, cut), lang=writer.writing_lang(source)
            )
        declined = target not in writer.writes or target == source
        return Response(
            chunks=self._translate(passages, writer, source, target, ui, cut),
            lang=ui if declined else target,
            ai_generated=not declined,
        )

    @staticmethod
    def _summary(
        passages: list[Passage], writer: Writer, target: str, ui: str, cut: str | None, *, notice: bool = True
    ) -> Generator[str, None, Completion]:
        from moien.assistants.general.actions import summarise

        yield f"*{pick(MESSAGES, 'summarising', ui)}*\n\n"  # at once: the summary itself may take minutes
        result = summarise(passages, writer, lang=target, ui_lang=ui)
        yield render_summary(result, ui, cut=cut, notice=notice)
        return Completion(lang=result.lang)

    @staticmethod
    def _simplify(
        passages: list[Passage], writer: Writer, source: str, target: str, ui: str, cut: str | None
    ) -> Generator[str, None, Completion]:
        from moien.assistants.general.actions import simplify

        result = simplify(passages, writer, lang=source, ui_lang=ui)
        if result.status != "ok":
            yield render_simplify(result, ui)
            return Completion(lang=ui, ai_generated=False)
        note = None
        if source != target and writer.writing_lang(target) != result.lang:  # no version in the language asked
            requested, language = lang_name(target, ui), lang_name(result.lang, ui)
            note = pick(MESSAGES, "plain_from", ui, requested=requested, language=language)
        yield render_simplify(result, ui, note=note, cut=cut)
        return Completion(lang=result.lang)

    def _translate(
        self, passages: list[Passage], writer: Writer, source: str, target: str, ui: str, cut: str | None
    ) -> Generator[str, None, Completion]:
        from moien.assistants.general.actions import translate

        glossary = self.glossary() if target in writer.writes and target != source else None
        result = translate(passages, writer, target=target, source_lang=source, glossary=glossary, ui_lang=ui)
        yield render_translation(result, ui, cut=cut)
        if result.status != "ok":
            return Completion(lang=ui, ai_generated=False)
        return Completion(lang=result.target_lang)

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
            settings=settings,
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
