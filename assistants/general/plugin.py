"""The ``general`` assistant: answers from a folder of documents through a Haystack BM25 pipeline.

Documents are Markdown or text files (the first ``# heading`` is the title; ``name.LANG.md`` sets the
language). Every file is split into paragraphs; each paragraph is indexed with its accents folded
(``fänkt`` and ``fenkt`` match, as people type in chat) while the original text is what the model reads
and what the user sees.
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # sovereignty: no usage data leaves the host

from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
from haystack.document_stores.in_memory import InMemoryDocumentStore

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.config import Settings
from moien.assistants.core.intents import parse_nlu
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Grounding, Query, Response, Source
from moien.connectors.rasa_actions_client import ActionServerError, RasaActionsClient
from moien.lang import LANGS, fold

if TYPE_CHECKING:
    from moien.connectors.llm.runtime import ChatModel

log = logging.getLogger("moien.general")

HERE = Path(__file__).parent
DEMO_DOCS = HERE / "docs"
SUFFIXES = {".md", ".txt", ".markdown"}

# Words that carry no topic in chat questions; BM25's IDF already discounts them, but with a handful of
# documents IDF is noisy, so they are dropped from the query before scoring.
STOPWORDS = set(
    """
    a an and are at be can could do does for from have how i in is it me my of on or please tell the to
    what when where which who why will with you your about tell give show some any there this that than
    then into over also just like get got know need want would should let lets us our
    au aux avec ce ces dans de des du elle en est et il je la le les leur mais me mon ne nous on ou par pas
    pour quand que quel quelle qui sa se ses son sur ta te tu un une vos votre vous comment combien
    aber als am an auf aus bei bin bis das dass dem den der des die du ein eine einem einen einer er es
    für hat ich ihr im in ist ja kann mit nach nicht oder sich sie sind so um und von vor was wann wie wo
    wir zu zum zur
    am an bass da dat den der déi dee den dir do ech een eng et gëtt hei hutt ech ier iech kann kënnt mam
    mat mer mir mäi net och op sech si sinn wann wat weini wéi wou wéini ze zu ass vu vun vum hunn huet
    bass dës dësen dëser dem eis är mäin meng deng säin seng hir fir um bei no aus iwwer kee keng nach
    schonn awer oder wien gi ginn sou ganz eppes
    """.split()
)


_WORD = re.compile(r"\w+", re.UNICODE)
_FOLDED_STOPWORDS = frozenset(fold(s) for s in STOPWORDS)


def query_terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in _FOLDED_STOPWORDS]


def load_documents(folder: Path) -> list[Document]:
    docs: list[Document] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or not path.is_file():
            continue
        try:
            raw = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # a file that is not UTF-8 text is skipped, the rest still answers
        lines = raw.strip().splitlines()
        title = path.stem
        if lines and lines[0].startswith("#"):
            title = lines[0].lstrip("#").strip()
            lines = lines[1:]
        parts = path.name.split(".")
        lang = parts[-2] if len(parts) >= 3 and parts[-2] in LANGS else None
        paragraphs = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
        rel = path.relative_to(folder).as_posix()
        for i, para in enumerate(paragraphs):
            docs.append(
                Document(
                    id=f"{rel}#{i}",
                    content=fold(f"{title}\n{para}"),
                    meta={"title": title, "text": para, "path": rel, "lang": lang, "uri": path.resolve().as_uri()},
                )
            )
    return docs


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
        min_score: float = 1.5,
        *,
        actions: RasaActionsClient | None = None,
        intent_actions: dict[str, str] | None = None,
        extra_nlu: Path | None = None,
    ) -> None:
        self.docs_dir = Path(docs_dir) if docs_dir else DEMO_DOCS
        self.top_k = top_k
        self.min_score = min_score
        self._pipeline: Pipeline | None = None
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
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                store = InMemoryDocumentStore(bm25_algorithm="BM25Okapi")
                store.write_documents(load_documents(self.docs_dir))
                pipe = Pipeline()
                pipe.add_component("retriever", InMemoryBM25Retriever(document_store=store, top_k=self.top_k * 3))
                self._pipeline = pipe
            return self._pipeline

    def search(self, text: str, lang: str | None = None) -> list[tuple[Document, float]]:
        terms = query_terms(text)
        if not terms:
            return []
        result = self.pipeline.run({"retriever": {"query": " ".join(terms), "scale_score": False}})
        hits = [(d, float(d.score or 0.0)) for d in result["retriever"]["documents"]]
        hits = [(d, s) for d, s in hits if s >= self.min_score and not math.isnan(s)]
        # Prefer passages in the user's language when the same topic exists in several.
        if lang:
            hits.sort(key=lambda ds: (ds[0].meta.get("lang") not in (lang, None), -ds[1]))
        seen_titles: set[str] = set()
        out = []
        for d, s in hits:
            topic = d.meta["path"].split(".")[0]
            if topic in seen_titles:
                continue
            seen_titles.add(topic)
            out.append((d, s))
        return out[: self.top_k]

    def ground(self, query: Query) -> Grounding:
        action = self.intent_actions.get(query.intent or "")
        if action:
            from_action = self._run_action(action, query)
            if from_action is not None:
                return from_action
        hits = self.search(query.text, query.lang)
        sources = [
            Source(id=d.meta["path"], title=d.meta["title"], uri=d.meta["uri"], snippet=d.meta["text"][:240])
            for d, _ in hits
        ]
        return Grounding(sources=sources, passages=[f"{d.meta['title']}: {d.meta['text']}" for d, _ in hits])

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
            actions=actions,
            intent_actions=rasa.intent_actions,
            extra_nlu=rasa.nlu_file,
        )
    )
