"""The ``heritage`` assistant: answers museum visitors from the collection's records only, and cites them.

* A question is searched in the records (``moien.heritage.search``: BM25 + multilingual embeddings); only
  records that really match are kept — with none, the grounding is empty and the core answers "I don't
  know" in the visitor's language.
* Answers are short (at most 80 words) and plain, as on a kiosk: ``instructions()`` says so to the
  model and ``respond()`` holds the answer to it, ending at a sentence.
* "Tell me more" (méi, plus, mehr…) describes the object last shown in full; "show related objects"
  (ähnlech, semblables, verwandte…) presents the records linked to it by enrichment. What was shown is
  kept in the conversation's state (``query.state``), in memory only.

The ``heritage`` package stands on its own: this plugin hands it what it needs from moien — the settings as
values (:class:`~moien.heritage.search.SearchConfig`) and moien's language identification
(:func:`language_detector`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from moien.assistants.core.assistant import Assistant, AssistantUnavailable
from moien.assistants.core.plugins import hookimpl
from moien.assistants.core.types import Grounding, Query, Source

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.config import Settings
    from moien.heritage.enrich import LanguageDetector
    from moien.heritage.model import Enrichment, Record
    from moien.heritage.search import Hit, SearchConfig, Searcher
    from moien.heritage.store import RecordStore

HERE = Path(__file__).parent
MAX_WORDS = 80
#: A hit counts as an answer when enough of the question's words match it (BM25) or its meaning is close
#: enough (e5 cosine); measured on the demo collection, unrelated questions stay below both.
MIN_BM25 = 2.5
MIN_MATCHED_SHARE = 0.34
MIN_COSINE = 0.845
MAX_SOURCES = 3

MORE = re.compile(
    r"\b(tell me more|more about (it|this|that)|more details?|say more|"
    r"dis[- ]m'en plus|dites[- ]m'en plus|en savoir plus|plus de d[ée]tails|raconte[zr]?[- ]moi plus|"
    r"erz[äa]hl(en sie)? mir mehr|mehr dar[üu]ber|mehr details|mehr dazu|"
    r"erziel mer m[ée]i|m[ée]i doriwwer|m[ée]i iwwer|m[ée]i detailer|soss nach eppes)\b",
    re.IGNORECASE,
)
RELATED = re.compile(
    r"\b(related|similar|other objects|show related|more like (this|it)|"
    r"objets? (li[ée]s|semblables|similaires|apparent[ée]s)|d'autres objets|[œo]uvres? semblables|"
    r"verwandte|ähnliche|aehnliche|andere objekte|zusammenh[äa]ngende|"
    r"verbonnen|[äa]hnlech|aner objeten|anerer objeten)\b",
    re.IGNORECASE,
)
#: Words that only carry the follow-up itself ("zeig mir verwandte Objekte", "show me other things"): when
#: nothing else is left, the follow-up is about the object last shown.
FOLLOW_UP_FILLER = frozenset(
    """
    object objects objet objets objekt objekte objeten item items thing things sache sachen saachen chose choses
    stuck stucke show montre montrez montrer zeig zeige zeigen weis weist weisen please svp bitte wgl more plus mehr
    mei weider other others autre autres andere anderen aner anerer this ceci cela das dat dest dieses about sur
    uber iwwer it lui ihm him her dazu doriwwer davon
""".split()
)
KIOSK_RULE = "You are the guide of a museum, answering visitors at a kiosk."


class HeritageAssistant(Assistant):
    name = "heritage"
    order = 30
    max_words = MAX_WORDS  # kiosk answers: short and plain (the core cuts at a full sentence)
    max_tokens = 200
    titles = {
        "lb": "Patrimoine a Sammlungen",
        "fr": "Patrimoine et collections",
        "de": "Kulturerbe und Sammlungen",
        "en": "Heritage collections",
    }
    descriptions = {
        "lb": "beäntwert Froen iwwer d'Objeten aus de Sammlungen (Fotoen, Postkaarten, Biller, Zeitungen), mat Quellen",
        "fr": "répond aux questions sur les objets des collections (photos, cartes postales, tableaux, journaux), avec sources",
        "de": "beantwortet Fragen zu den Objekten der Sammlungen (Fotos, Postkarten, Gemälde, Zeitungen), mit Quellen",
        "en": "answers questions about the objects in the collections (photos, postcards, paintings, newspapers), with sources",
    }
    service_names = {
        "lb": "Sammlungssich",
        "fr": "recherche dans les collections",
        "de": "Sammlungssuche",
        "en": "collection search",
    }

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.home = Path(settings.home)
        self._store: RecordStore | None = None
        self._config: SearchConfig | None = None
        self._lock = threading.Lock()

    # -- plumbing -----------------------------------------------------------------------------------
    @property
    def search_config(self) -> SearchConfig:
        """The heritage settings as the search takes them (computed on first use: registering stays cheap)."""
        if self._config is None:
            from moien.heritage.search import SearchConfig

            self._config = SearchConfig.from_settings(self.settings)
        return self._config

    @property
    def store(self) -> RecordStore:
        with self._lock:
            if self._store is None:
                from moien.heritage.store import RecordStore

                self._store = RecordStore.open(self.home)
                if self._store.count() == 0 and self.settings.heritage.demo:
                    # An empty collection gets the demo one, so a first `make run` has something to show.
                    from moien.heritage.demo import load_demo

                    load_demo(self._store, self.home, search=self.search_config, language=language_detector())
            return self._store

    def searcher(self) -> Searcher:
        from moien.heritage.search import get_search

        return get_search(self.store, self.home, self.search_config)

    def warm_up(self) -> None:
        """Open the store (loading the demo into an empty one) and load, build or rebuild the search index now,
        not at the first visitor's question."""
        self.searcher()

    def nlu_file(self) -> Path | None:
        return HERE / "nlu.yml"

    def instructions(self, lang: str) -> str:
        return (
            f"{KIOSK_RULE} Each source is a record of the collection. Answer in at "
            f"most {MAX_WORDS} words, in two or three plain sentences: no lists, no headings, no markdown. Say "
            "only what the records say; name the object and cite its number like [1]. If a source is marked "
            "'enriched', say it is an estimate."
        )

    # -- grounding ----------------------------------------------------------------------------------
    def ground(self, query: Query) -> Grounding:
        try:
            return self._ground(query)
        except AssistantUnavailable:
            raise
        except Exception as exc:  # the index or the store cannot be read: the core says the service is down
            raise AssistantUnavailable("heritage", f"{type(exc).__name__}: {exc}") from exc

    def _ground(self, query: Query) -> Grounding:
        from moien.heritage.search import terms

        store = self.store
        kind = self._follow_up(query)
        if kind:
            # "tell me more about the bridge": the words beside the follow-up phrase name the object
            rest = (MORE if kind == "more" else RELATED).sub(" ", query.text)
            focus = None
            if [t for t in terms(rest) if t not in FOLLOW_UP_FILLER]:
                best = self._search(rest, 1)
                focus = best[0] if best else None
            if focus is None and query.state.get("focus"):
                focus = store.get(query.state["focus"])
            if focus is not None and kind == "more":
                return self._grounding(
                    [focus], query, detailed=True, note="The visitor asks to hear more about this object."
                )
            if focus is not None and kind == "related":
                links = focus.related()
                related_ids = list(dict.fromkeys(e.value for e in links))[:MAX_SOURCES]
                found = store.get_many(related_ids)
                recs = [found[i] for i in related_ids if i in found and not found[i].deleted]
                if recs:
                    how: dict[str, Enrichment] = {}
                    for e in links:
                        how.setdefault(e.value, e)
                    note = (
                        "The visitor asks for objects related to "
                        + focus.title(query.lang)
                        + ". "
                        + " ".join(
                            f"[{n}] is related by {how[r.id].method.replace('-', ' ')}." for n, r in enumerate(recs, 1)
                        )
                    )
                    query.state["focus"] = focus.id
                    return self._grounding(recs, query, note=note, keep_focus=True)
        recs = self._search(query.text, MAX_SOURCES)
        if not recs:
            return Grounding(sources=[], passages=[])
        return self._grounding(recs, query)

    def _search(self, text: str, limit: int) -> list[Record]:
        hits = self.searcher().search(text, top_k=8)
        relevant = [h for h in hits if self.relevant(h)][:limit]
        if not relevant:
            return []
        found = self.store.get_many([h.id for h in relevant])
        return [found[h.id] for h in relevant if h.id in found and not found[h.id].deleted]

    @staticmethod
    def relevant(hit: Hit) -> bool:
        lexical = (
            hit.bm25 >= MIN_BM25
            and hit.matched_terms >= 1
            and hit.matched_terms / max(hit.query_terms, 1) >= MIN_MATCHED_SHARE
        )
        return lexical or hit.cosine >= MIN_COSINE

    @staticmethod
    def _follow_up(query: Query) -> str | None:
        if query.intent == "heritage_related" or RELATED.search(query.text):
            return "related"
        if query.intent == "heritage_more" or MORE.search(query.text):
            return "more"
        return None

    def _grounding(
        self, recs: list[Record], query: Query, *, detailed: bool = False, note: str = "", keep_focus: bool = False
    ) -> Grounding:
        from moien.heritage.views import date_label

        sources: list[Source] = []
        passages: list[str] = []
        for rec in recs:
            title = rec.title(query.lang)
            date = date_label(rec)
            sources.append(
                Source(
                    id=rec.id,
                    title=f"{title} ({date})" if date else title,
                    uri=rec.text("is_shown_at") or f"urn:moien:heritage:{rec.id}",
                    snippet=rec.text("description", query.lang)[:240],
                )
            )
            # The model reads the record in the language it will answer in (query.answer_lang: German for a
            # Luxembourgish visitor while the model cannot write Luxembourgish); the visitor sees titles in theirs.
            read_in = query.answer_lang or query.lang
            passages.append(f"{sources[-1].title}: {passage(rec, read_in, detailed=detailed)}")
        if recs:
            query.state["shown"] = [r.id for r in recs]
            if not keep_focus:
                query.state["focus"] = recs[0].id
        return Grounding(sources=sources, passages=passages, instructions=note)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def passage(rec: Record, lang: str, *, detailed: bool = False) -> str:
    """What the model reads about a record: its source values, then what enrichment added, marked so."""
    limit = 1200 if detailed else 300
    parts = []
    for f, label in (
        ("type", "Type"),
        ("date", "Date"),
        ("creator", "Creator"),
        ("place", "Place"),
        ("medium", "Material"),
        ("extent", "Size"),
    ):
        vals = list(dict.fromkeys(rec.texts(f)))[:2]
        if vals:
            parts.append(f"{label}: {', '.join(vals)}")
    desc = rec.text("description", lang)
    if desc:
        parts.append(f"Description: {desc}")
    if detailed:
        subj = list(dict.fromkeys(rec.texts("subject")))[:5]
        if subj:
            parts.append("Subjects: " + ", ".join(subj))
        for d in rec.texts("description")[1:3]:
            parts.append(d)
        inst = rec.text("data_provider") or rec.text("provider")
        if inst:
            parts.append(f"Institution: {inst}")
        iv = rec.interval()
        if iv and not rec.texts("date"):
            parts.append(f"Period (enriched estimate): {iv[0]}–{iv[1]}")
        auth = [e.value for e in rec.enrichments if e.kind == "authority"][:5]
        if auth:
            parts.append("Linked terms (enriched): " + ", ".join(dict.fromkeys(auth)))
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    return text[:limit]


@lru_cache(maxsize=1)
def language_detector() -> LanguageDetector:
    """moien's language identification, as the heritage enrichment takes it (a language and a confidence when it
    is confident, else nothing), with the model's format and corpus hash as the enrichments' version."""
    from moien.assistants.core.langid import default_identifier
    from moien.heritage.enrich import LanguageDetector

    ident = default_identifier()
    meta = ident.metadata or {}
    version = f"{meta.get('format', 'moien-langid')}+{str(meta.get('corpus_sha256', ''))[:8]}"

    def detect(text: str) -> tuple[str, float] | None:
        r = ident.identify(text)
        return (r.lang, r.confidence) if r.is_confident else None

    return LanguageDetector(detect=detect, version=version)


@hookimpl
def register_assistants(register: Callable[[Assistant], None], settings: Settings) -> None:
    register(HeritageAssistant(settings))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """``moien heritage …`` (import, enrich, index, search, show, images, demo, kiosk, staff) and ``moien
    opensearch start|stop|status`` (the local node of the search's server backend)."""
    from moien.assistants.heritage.cli import app, opensearch_app

    cli.add_typer(app, name="heritage")
    cli.add_typer(opensearch_app, name="opensearch")


@hookimpl
def setup(settings: Settings, echo: Callable[[str], None]) -> None:
    """Start the local OpenSearch node when the search runs on it, then make the collection searchable: the demo
    collection into an empty store (unless ``MOIEN_HERITAGE__DEMO=0``) and the index built. Quick when done."""
    from moien.assistants.heritage.cli import setup_heritage

    setup_heritage(settings, echo)
