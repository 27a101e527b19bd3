"""The ``general`` assistant: answers from a folder of documents through a Haystack BM25 pipeline.

Documents are Markdown or text files (the first ``# heading`` is the title; ``name.LANG.md`` sets the
language). Every file is split into paragraphs; each paragraph is indexed with its accents folded
(``fänkt`` and ``fenkt`` match, as people type in chat) while the original text is what the model reads
and what the user sees.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")  # sovereignty: no usage data leaves the host

from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
from haystack.document_stores.in_memory import InMemoryDocumentStore

from moien.assistants.core.assistant import Assistant
from moien.assistants.core.config import Settings
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Grounding, Query, Source
from moien.lang import LANGS, fold

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

    def __init__(self, docs_dir: Path | None = None, top_k: int = 3, min_score: float = 1.5) -> None:
        self.docs_dir = Path(docs_dir) if docs_dir else DEMO_DOCS
        self.top_k = top_k
        self.min_score = min_score
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()

    def nlu_file(self) -> Path | None:
        return HERE / "nlu.yml"

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
        hits = self.search(query.text, query.lang)
        sources = [
            Source(id=d.meta["path"], title=d.meta["title"], uri=d.meta["uri"], snippet=d.meta["text"][:240])
            for d, _ in hits
        ]
        return Grounding(sources=sources, passages=[f"{d.meta['title']}: {d.meta['text']}" for d, _ in hits])


@hookimpl
def register_assistants(register: Callable[[Assistant], None], settings: Settings) -> None:
    register(GeneralAssistant(settings.general.docs_dir, settings.general.top_k))
