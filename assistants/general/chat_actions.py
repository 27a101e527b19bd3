"""Summaries, plain language and translation asked for in the chat (issue 12, items 5, 6 and 8).

"Résume le document sur la carte d'identité", "Fass d'Dokument iwwer d'Identitéitskaart zesummen", "Fasse den
Artikel 3 zusammen", "Rewrite the passport page in plain English", "Iwwersetz dat op Franséisch": the general
assistant recognises such a request (:func:`parse_request`), finds the document it names among those the caller
may read (:func:`choose_document`), runs the action of :mod:`moien.assistants.general.actions` on it and answers
with a normal reply (:func:`render_summary` …): the result in the language asked for, the passages as the reply's
sources (a summary cites them by ``[n]``), the label that says what the text is (AI summary, plain-language
version, machine translation), the facts kept and the readability line for plain language, and the
reply-language policy (a model that does not write Luxembourgish writes German and says so; a translation *into*
Luxembourgish is declined with German or French offered).

*Why a matcher of its own beside the intent classifier*: the classifier (``nlu.yml``) routes a turn to this
assistant, but it says neither which action, nor which document, nor which language; and a turn routed here
explicitly (the assistant picked in the UI) has no intent at all. The matcher reads those from the words: action
verbs and language names in four languages, an article or page number, and the remaining words, which name the
document. No action word: an ordinary question, answered as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from moien.documents.search import STOPWORDS
from moien.lang import LANGS, fold, lang_name, pick

if TYPE_CHECKING:
    from moien.assistants.general.actions import SimplifyResult, SummaryResult, TranslationResult
    from moien.documents.model import Chunk

TaskKind = Literal["summary", "simplify", "translate"]

#: Most passages a summary asked for in the chat covers (map-reduce, one model call per few passages), and most a
#: plain version or a translation covers (one or two model calls per passage): a chat answer that takes a quarter
#: of an hour on a CPU serves nobody; the whole of a long document is the CLI's (``moien docs …``), which the reply
#: names.
MAX_SUMMARY_PASSAGES = 60
MAX_REWRITE_PASSAGES = 3
#: e5 cosine above which a document whose title shares no word with the request is still taken to be the one it
#: names (a request in English for a document whose titles are all French). Higher than the search's own
#: ``MIN_COSINE``: a document named must be about the words, not merely near them.
NAMED_BY_MEANING = 0.86


# -- recognising the request -----------------------------------------------------------------------------------------

#: Action words, matched on folded text (lower case, no accents). A separable German or Luxembourgish verb ("fass …
#: zusammen", "fass … zesummen") is one pattern with the words between its parts.
_SUMMARY = re.compile(
    r"\b(?:summar(?:is|iz|y|ies)\w*|sum\s+up|tl;?dr|resum\w*|synthes\w*|zusammenfass\w*|zesummefaass\w*|"
    r"fass\w*\b.{0,80}?\b(?:zusammen|zesummen))\b"
)
_SIMPLIFY = re.compile(
    r"\b(?:plain\s+(?:english|language|words)|easy[\s-]+(?:to[\s-]+)?read\w*|simplif(?:y|ie|ier|iez)|"
    r"(?:langage|langue|mots|termes)\s+(?:plus\s+)?simples?|falc|facile\s+a\s+(?:lire|comprendre)|"
    r"einfache[rn]?\s+sprache|leichte[rn]?\s+sprache|vereinfach(?:e|en)|einfach(?:er)?\s+sprooch)\b"
)
_TRANSLATE = re.compile(r"\b(?:translat\w*|tradu\w*|ubersetz\w*|iwwersetz\w*)\b")
#: Language names in the four languages (folded).
_LANG_NAMES = {
    "lb": r"letzebuergesch\w*|luxembourgeois\w*|luxemburgisch\w*|luxembourgish",
    "fr": r"franseisch\w*|francais\w*|franzosisch\w*|french",
    "de": r"daitsch\w*|allemand\w*|deutsch\w*|german",
    "en": r"englesch\w*|anglais\w*|englisch\w*|english",
}
_ANY_LANG = re.compile("|".join(rf"(?P<{code}>\b(?:{names})\b)" for code, names in _LANG_NAMES.items()))
#: "into German", "en allemand", "ins Deutsche", "op Däitsch": the language a translation goes into.
_INTO = re.compile(
    r"\b(?:into|to|in|en|vers|ins|auf|in\s+die|op|an|an\s+d)\s+(?:l'|le\s+|d'|the\s+|die\s+|dat\s+)?"
    rf"(?:{'|'.join(_LANG_NAMES.values())})\b"
)
#: Plain-language styles that name their language.
_STYLE_LANG = [
    (re.compile(r"\bplain\s+english\b"), "en"),
    (re.compile(r"\b(?:falc|langage\s+simple|facile\s+a\s+lire)\b"), "fr"),
    (re.compile(r"\b(?:leichte[rn]?|einfache[rn]?)\s+sprache\b"), "de"),
    (re.compile(r"\beinfach(?:er)?\s+sprooch\b"), "lb"),
]
#: A question *about* an action ("How do I get my diploma translated?", "Wou kann ech e Resumé kréien?") is an
#: ordinary question for the documents, not a request: it starts with an interrogative word.
_QUESTION = re.compile(
    r"^\W*(?:what|where|when|who|why|how|which|ou|quand|comment|pourquoi|qui|quel\w*|combien|wo|wann|wie|warum|"
    r"wer|welch\w*|was|wou|weini|wei|firwat|wien|wat|weivill)\b"
)
_ARTICLE = re.compile(r"\b(?:article|artikel|art)\.?\s*(\d+(?:er|re|bis|ter|quater|[a-z])?)\b")
_ORDINAL = re.compile(r"(?<=\d)(?:er|re|st|nd|rd|th)$")
_PAGE = re.compile(r"\b(?:page|seite|sait|p)\.?\s*(\d{1,4})\b")
#: Words that say what to do, or what kind of thing, but not which document (folded; prefixes end in "*").
_NOT_A_NAME = frozenset(
    """
    summarise summarize summary summaries sum up resume resumer resumez resumes resumeier resumeiert synthese
    zusammenfassung zusammenfassen fasse fass fasst zusammen zesummen zesummefaassen zesummefaassung
    simplify simplifie simplifier simplifiez simplified simpler vereinfache vereinfachen vereinfach
    translate translation traduire traduis traduisez traduction ubersetze ubersetzen ubersetzung iwwersetz
    iwwersetzen iwwersetzung rewrite write rephrase explain reecris reecrire reecrivez ecris ecrire schreib schreibe
    schreif schreiwen formulier umschreiben explique expliquez expliquer explain erklar erklare erklaren
    plain english language words easy read simple simples langage langue mots termes facile lire comprendre falc
    einfach einfache einfacher einfachen leichte leichter leichten sprache sprooch verstandlech mei
    document documents doc dokument dokumenter dokuments page pages sait seite text texte textes passage passagen
    article artikel art version versioun fassung file fichier datei the le la les l d de du des un une
    this that these it its ce cet cette ca cela ceci celui celle dies diese dieser dieses das den dem dat dest
    deen dei dee hei here ici hier same meme selbe
    please svp bitte wgl weg merci danke thanks kannst kanns kenns kanns konnt pourriez pouvez peux could can
    give donne donnez gib gitt mach maach fais faites make short shortly brief bref kurz kuerz court courte
    about sur uber iwwer zum zur vum vun von on of into to en in ins auf op an vers
    english anglais englisch englesch french francais franzosisch franseisch german allemand deutsch deutsche
    daitsch luxembourgish luxembourgeois luxemburgisch letzebuergesch
    me moi mir mech mer us nous uns eis me
    """.split()
)


@dataclass(frozen=True)
class TaskRequest:
    """What a chat message asks for: an action, the document words, and the languages and parts it names."""

    kind: TaskKind
    #: The words that name the document (folded, without action words or language names); empty: "this document".
    name_terms: tuple[str, ...]
    #: The language the result should be in, when the message names one ("into German", "in plain English").
    target: str | None = None
    #: An article number ("3", "2bis") or a page the message asks for.
    article: str | None = None
    page: int | None = None


def parse_request(text: str) -> TaskRequest | None:
    """The action ``text`` asks for, or ``None`` for an ordinary question (no action word in it).

    A translation needs a language to go into ("translate" alone is a question about translations); a summary or
    a plain version takes the one the message names, else ``target`` stays ``None`` (the user's language).
    """
    folded = fold(text)
    if _QUESTION.match(folded):
        return None
    if _TRANSLATE.search(folded):
        into = _INTO.search(folded)
        named = _ANY_LANG.finditer(into.group(0) if into else folded)
        found = [m.lastgroup for m in named if m.lastgroup]
        if not found:
            return None
        kind: TaskKind = "translate"
        target: str | None = found[-1]
    elif _SIMPLIFY.search(folded):
        kind = "simplify"
        into = _INTO.search(folded)
        target = next((code for pattern, code in _STYLE_LANG if pattern.search(folded)), None)
        if into is not None:
            target = next((m.lastgroup for m in _ANY_LANG.finditer(into.group(0)) if m.lastgroup), target)
    elif _SUMMARY.search(folded):
        kind = "summary"
        into = _INTO.search(folded)
        target = next((m.lastgroup for m in _ANY_LANG.finditer(into.group(0)) if m.lastgroup), None) if into else None
    else:
        return None
    article = _ARTICLE.search(folded)
    page = _PAGE.search(folded)
    rest = _ANY_LANG.sub(" ", _ARTICLE.sub(" ", _PAGE.sub(" ", folded)))
    words = re.findall(r"\w+", rest)
    names = tuple(w for w in words if len(w) > 1 and not w.isdigit() and w not in STOPWORDS and w not in _NOT_A_NAME)
    return TaskRequest(
        kind=kind,
        name_terms=names,
        target=target if target in LANGS else None,
        article=article_key(article.group(1)) if article else None,
        page=int(page.group(1)) if page else None,
    )


def article_key(number: str) -> str:
    """An article number as compared: "Art. 1er" is article 1, "12 bis" is "12bis"."""
    return _ORDINAL.sub("", fold(number).replace(" ", "").rstrip("."))


# -- finding the document --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocRef:
    """A document someone may read, as the chat names it."""

    doc_id: str
    title: str
    lang: str | None
    collection: str

    @property
    def family(self) -> str:
        """The topic across languages: ``demo/identity-card.fr.md`` → ``demo/identity-card``."""
        return family_of(self.doc_id)


def family_of(doc_id: str) -> str:
    parts = doc_id.rsplit(".", 2)
    return parts[0] if len(parts) == 3 and parts[1] in LANGS else doc_id


def readable(chunk: Chunk, groups: Sequence[str]) -> bool:
    """Whether someone in ``groups`` may read ``chunk`` (the document search's rule)."""
    return not chunk.groups or bool(set(chunk.groups) & set(groups))


def _same_word(a: str, b: str) -> bool:
    """Two folded words that name the same thing: equal, or one the start of the other from five letters on
    ("identite" in "identiteitskaart", "passeport" and "passeports")."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 5 and long_.startswith(short)


def title_score(name_terms: Sequence[str], title: str) -> float:
    """Share of the request's name words found in ``title``."""
    if not name_terms:
        return 0.0
    words = re.findall(r"\w+", fold(title))
    return sum(any(_same_word(t, w) for w in words) for t in name_terms) / len(name_terms)


@dataclass
class Choice:
    """What :func:`choose_document` decided: one document (``doc``), several that fit as well (``candidates``),
    or none (both empty)."""

    doc: DocRef | None = None
    candidates: list[DocRef] = field(default_factory=list)


def prefer_version(versions: Sequence[DocRef], langs: Sequence[str | None]) -> DocRef:
    """The version of a document (the same topic in several languages) in the first of ``langs`` it exists in."""
    for lang in langs:
        for v in versions:
            if lang is not None and v.lang == lang:
                return v
    return versions[0]


def choose_document(
    request: TaskRequest,
    documents: Sequence[DocRef],
    *,
    previous: str | None,
    langs: Sequence[str | None],
    with_article: Iterable[str] = (),
    with_page: Iterable[str] = (),
    by_meaning: Sequence[tuple[str, float]] = (),
) -> Choice:
    """The document the request names, among ``documents`` (those the caller may read), in the first of ``langs``
    its topic exists in.

    - Words naming it: the documents whose title holds at least half of them, the best first; several topics that
      fit equally well are ``candidates``. Else the best of ``by_meaning`` (document id, e5 cosine of its best
      passage) whose cosine reaches :data:`NAMED_BY_MEANING`.
    - No words ("summarise this", "Iwwersetz dat op Franséisch"): ``previous``, the document of the previous
      answer's first source, if the caller may still read it.
    - An article or a page (``with_article``, ``with_page``: the ids of the documents that have it): with words,
      the document they name (the reply then says if it lacks the article); without, the previous document if it
      has it, else the one document that does (several: ``candidates``).
    """
    by_id = {d.doc_id: d for d in documents}
    articles, pages = set(with_article), set(with_page)

    def has_part(doc: DocRef) -> bool:
        return (request.article is None or doc.doc_id in articles) and (request.page is None or doc.doc_id in pages)

    def versions(doc: DocRef, pool: Sequence[DocRef]) -> list[DocRef]:
        return [d for d in pool if d.family == doc.family]

    def one_per_family(pool: Sequence[DocRef]) -> list[DocRef]:
        """One document per topic, each in its preferred language version (among all of the topic's versions
        the caller may read: a title matched in Luxembourgish still gives the German version when that is wanted)."""
        families = dict.fromkeys(d.family for d in pool)
        return [
            prefer_version([d for d in documents if d.family == f and has_part(d)] or of_family(f), langs)
            for f in families
        ]

    def of_family(family: str) -> list[DocRef]:
        return [d for d in documents if d.family == family]

    if request.name_terms:
        # Named by words: chosen among all the documents (one without the article asked for is still the one
        # named, and the reply says the article is not in it); among equally good ones, those with the article.
        scored = [(title_score(request.name_terms, d.title), d) for d in documents]
        best = max((s for s, _ in scored), default=0.0)
        if best >= 0.5:
            fitting = [d for s, d in scored if s == best]
            fitting = [d for d in fitting if has_part(d)] or fitting
            found = one_per_family(fitting)
            return Choice(doc=found[0]) if len(found) == 1 else Choice(candidates=found[:8])
        for doc_id, cosine in by_meaning:
            if doc_id in by_id and cosine >= NAMED_BY_MEANING:
                return Choice(doc=prefer_version(versions(by_id[doc_id], documents), langs))
        return Choice()
    earlier = next((d for d in documents if previous is not None and d.family == family_of(previous)), None)
    if request.article is None and request.page is None:
        if earlier is not None:
            return Choice(doc=prefer_version(versions(earlier, documents), langs))
        return Choice()
    # "Summarise article 3": the previous document if it has it, else the one document that does.
    pool = [d for d in documents if has_part(d)]
    if earlier is not None and any(d.family == earlier.family for d in pool):
        return Choice(doc=prefer_version(versions(earlier, pool), langs))
    found = one_per_family(pool)
    if len(found) == 1:
        return Choice(doc=found[0])
    if not found and earlier is not None:  # the previous document, which says it has no such article
        return Choice(doc=prefer_version(versions(earlier, documents), langs))
    return Choice(candidates=found[:8])


def passages_of(chunks: Sequence[Chunk], request: TaskRequest) -> list[Chunk]:
    """The document's passages the request is about: the article or page it names, else all of them."""
    picked = list(chunks)
    if request.article is not None:
        picked = [c for c in picked if c.article is not None and article_key(c.article) == request.article]
    if request.page is not None:
        picked = [c for c in picked if c.page == request.page]
    return picked


# -- what the chat says ----------------------------------------------------------------------------------------------

MESSAGES: dict[str, dict[str, str]] = {
    # Streamed first: a summary of a long document takes minutes on a CPU (map-reduce, one model call per part).
    "summarising": {
        "lb": "Ech fassen den Text zesummen; dat kann e puer Minutten daueren…",
        "fr": "Je résume le texte ; cela peut prendre quelques minutes…",
        "de": "Ich fasse den Text zusammen; das kann einige Minuten dauern…",
        "en": "Summarising the text; this can take a few minutes…",
    },
    "no_document": {
        "lb": "Ech fannen keen Dokument, dat Dir liese kënnt, fir «{name}». Nennt d'Dokument mat engem Wuert aus "
        "sengem Titel, zum Beispill: «{example}».",
        "fr": "Je ne trouve aucun document que vous puissiez lire pour « {name} ». Nommez le document par un mot "
        "de son titre, par exemple : « {example} ».",
        "de": "Ich finde kein Dokument, das Sie lesen dürfen, zu „{name}“. Nennen Sie das Dokument mit einem Wort "
        "aus seinem Titel, zum Beispiel: „{example}“.",
        "en": "I cannot find a document you may read for '{name}'. Name the document by a word of its title, for "
        "example: '{example}'.",
    },
    "which_document": {
        "lb": "Wéi een Dokument mengt Dir? Nennt et mat engem Wuert aus sengem Titel, zum Beispill: «{example}».",
        "fr": "De quel document s'agit-il ? Nommez-le par un mot de son titre, par exemple : « {example} ».",
        "de": "Welches Dokument meinen Sie? Nennen Sie es mit einem Wort aus seinem Titel, zum Beispiel: „{example}“.",
        "en": "Which document do you mean? Name it by a word of its title, for example: '{example}'.",
    },
    "no_part": {
        "lb": "Am Dokument «{title}» fannen ech {part} net. Frot no engem anere Passage oder nom ganzen Dokument.",
        "fr": "Je ne trouve pas {part} dans le document « {title} ». Demandez une autre partie ou le document entier.",
        "de": "Im Dokument „{title}“ finde ich {part} nicht. Fragen Sie nach einem anderen Teil oder dem ganzen "
        "Dokument.",
        "en": "I cannot find {part} in the document '{title}'. Ask for another part or for the whole document.",
    },
    "article": {"lb": "den Artikel {n}", "fr": "l'article {n}", "de": "Artikel {n}", "en": "article {n}"},
    "page": {"lb": "d'Säit {n}", "fr": "la page {n}", "de": "Seite {n}", "en": "page {n}"},
    "several": {
        "lb": "Méi Dokumenter passen: {titles}.",
        "fr": "Plusieurs documents correspondent : {titles}.",
        "de": "Mehrere Dokumente passen: {titles}.",
        "en": "Several documents match: {titles}.",
    },
    "collections": {
        "lb": "Dir kënnt an dëse Sammlunge liesen: {collections}.",
        "fr": "Vous pouvez lire ces collections : {collections}.",
        "de": "Sie dürfen diese Sammlungen lesen: {collections}.",
        "en": "You may read these collections: {collections}.",
    },
    "no_collections": {
        "lb": "Et gëtt nach keng Sammlung, déi Dir liese kënnt: e Mataarbechter mat de Rechter importéiert "
        "Dokumenter mat `moien docs import`.",
        "fr": "Il n'y a encore aucune collection que vous puissiez lire : un membre du personnel habilité importe "
        "des documents avec `moien docs import`.",
        "de": "Es gibt noch keine Sammlung, die Sie lesen dürfen: Berechtigtes Personal importiert Dokumente mit "
        "`moien docs import`.",
        "en": "There is no collection you may read yet: authorised staff import documents with `moien docs import`.",
    },
    "documents_count": {
        "lb": "{name} ({n} Dokumenter)",
        "fr": "{name} ({n} documents)",
        "de": "{name} ({n} Dokumente)",
        "en": "{name} ({n} documents)",
    },
    "documents_one": {
        "lb": "{name} (1 Dokument)",
        "fr": "{name} (1 document)",
        "de": "{name} (1 Dokument)",
        "en": "{name} (1 document)",
    },
    "example_summary": {
        "lb": "Fass d'Dokument „{topic}“ zesummen",
        "fr": "Résume le document “{topic}”",
        "de": "Fasse das Dokument ‚{topic}‘ zusammen",
        "en": "Summarise the document “{topic}”",
    },
    "example_simplify": {
        "lb": "Schreif d'Dokument „{topic}“ an Einfacher Sprooch",
        "fr": "Réécris le document “{topic}” en langage simple",
        "de": "Schreibe das Dokument ‚{topic}‘ in einfacher Sprache",
        "en": "Rewrite the document “{topic}” in plain English",
    },
    "example_translate": {
        "lb": "Iwwersetz d'Dokument „{topic}“ op Franséisch",
        "fr": "Traduis le document “{topic}” en allemand",
        "de": "Übersetze das Dokument ‚{topic}‘ ins Französische",
        "en": "Translate the document “{topic}” into French",
    },
    "this_document": {
        "lb": "dëst Dokument",
        "fr": "ce document",
        "de": "dieses Dokument",
        "en": "this document",
    },
    "first_passages": {
        "lb": "D'Dokument ass laang: dëst deckt seng éischt {n} vu {total} Passagen of. Fir de Rescht frot no "
        "engem Artikel oder enger Säit, oder benotzt `{command}`.",
        "fr": "Le document est long : ceci couvre ses {n} premiers passages sur {total}. Pour la suite, demandez "
        "un article ou une page, ou utilisez `{command}`.",
        "de": "Das Dokument ist lang: Dies umfasst seine ersten {n} von {total} Passagen. Für den Rest fragen Sie "
        "nach einem Artikel oder einer Seite, oder verwenden Sie `{command}`.",
        "en": "The document is long: this covers its first {n} of {total} passages. For the rest, ask for an "
        "article or a page, or use `{command}`.",
    },
    "translated_from": {
        "lb": "Iwwersetzung: {source} → {target}.",
        "fr": "Traduction : {source} → {target}.",
        "de": "Übersetzung: {source} → {target}.",
        "en": "Translation: {source} → {target}.",
    },
    "plain_from": {
        "lb": "Einfach Sprooch: d'Dokument ass net op {requested}, d'Versioun ass dofir op {language}.",
        "fr": "Langage simple : le document n'existe pas en {requested}, la version est donc en {language}.",
        "de": "Einfache Sprache: Das Dokument gibt es nicht auf {requested}, die Fassung ist daher auf {language}.",
        "en": "Plain language: the document is not available in {requested}, so the version is in {language}.",
    },
    "ask_instead": {
        "lb": "Frot zum Beispill: «{example}».",
        "fr": "Demandez par exemple : « {example} ».",
        "de": "Fragen Sie zum Beispiel: „{example}“.",
        "en": "Ask for example: '{example}'.",
    },
    "translate_into": {
        "lb": "Iwwersetz dat op {language}",
        "fr": "Traduis ça en {language}",
        "de": "Übersetze das auf {language}",
        "en": "Translate that into {language}",
    },
}


def example(kind: TaskKind, lang: str, topic: str) -> str:
    key = {"summary": "example_summary", "simplify": "example_simplify", "translate": "example_translate"}[kind]
    return pick(MESSAGES, key, lang, topic=topic)


def not_found_text(
    request: TaskRequest,
    lang: str,
    *,
    name: str,
    collections: Sequence[tuple[str, int]],
    candidates: Sequence[DocRef] = (),
    topic: str,
) -> str:
    """What to do when the document cannot be told: several fit (named), none does, or nothing names one."""
    lines: list[str] = []
    if candidates:
        titles = "; ".join(f"«{d.title}»" if lang == "lb" else f"“{d.title}”" for d in candidates)
        lines.append(pick(MESSAGES, "several", lang, titles=titles))
        lines.append(pick(MESSAGES, "which_document", lang, example=example(request.kind, lang, topic)))
    elif request.name_terms:
        lines.append(pick(MESSAGES, "no_document", lang, name=name, example=example(request.kind, lang, topic)))
    else:
        lines.append(pick(MESSAGES, "which_document", lang, example=example(request.kind, lang, topic)))
    if collections:
        listed = ", ".join(
            pick(MESSAGES, "documents_one" if n == 1 else "documents_count", lang, name=c, n=n) for c, n in collections
        )
        lines.append(pick(MESSAGES, "collections", lang, collections=listed))
    else:
        lines.append(pick(MESSAGES, "no_collections", lang))
    return "\n\n".join(lines)


# -- rendering a result as a chat reply ------------------------------------------------------------------------------


def _italic(line: str) -> str:
    """A label line in italics: ``*`` rather than ``_``, which a model id such as ``q4_k_m`` also holds."""
    return f"*{line}*"


def _cli_messages() -> dict[str, dict[str, str]]:
    """The CLI's wording of facts kept, readability and glossary use: the chat says the same in the same words."""
    from moien.assistants.general.cli import MESSAGES as CLI_MESSAGES

    return CLI_MESSAGES


def render_summary(result: SummaryResult, ui: str, *, cut: str | None = None, notice: bool = True) -> str:
    """The summary with its label (and the notice when written in another language than asked, unless the reply
    carries it: ``notice=False``); the ``[n]`` name the reply's sources."""
    cli = _cli_messages()
    head = [_italic(line) for line in (result.notice if notice else None, result.label) if line]
    tail: list[str] = []
    if result.parts:
        tail.append(pick(cli, "parts", ui, n=len(result.parts)))
    if cut:
        tail.append(cut)
    tail += [f"⚠ {w}" for w in result.warnings]
    return "\n\n".join([*head, result.text.strip(), *tail]).strip()


def render_simplify(result: SimplifyResult, ui: str, *, note: str | None = None, cut: str | None = None) -> str:
    """The plain version with its label, then the facts kept and the readability before → after; or moien's refusal
    (no version keeps every fact)."""
    cli = _cli_messages()
    if result.status != "ok":
        return (result.message or "").strip()
    head = [_italic(line) for line in (result.notice, note, result.label) if line]
    tail: list[str] = []
    kept = result.facts.kept
    if kept:
        listed = " · ".join(dict.fromkeys(f.text for f in kept))
        tail.append(f"**{pick(cli, 'facts_kept', ui, n=len(kept))}:** {listed}")
    else:
        tail.append(pick(cli, "facts_none", ui))
    if result.unchecked:
        tail.append(pick(cli, "unchecked", ui, facts=" · ".join(f.text for f in result.unchecked)))
    before, after = result.before, result.after
    if after is not None:
        if after.formula == before.formula:
            direction = pick(cli, "easier_higher" if before.higher_is_easier else "easier_lower", ui)
            line = pick(cli, "readability", ui, formula=before.formula, before=before.score, after=after.score)
            short = "" if before.reliable else " " + pick(cli, "short_text", ui)
            tail.append(f"{line} ({direction}){short}")
        tail.append(
            pick(
                cli,
                "sentence_length",
                ui,
                before=before.words_per_sentence,
                after=after.words_per_sentence,
                lb_before=round(100 * before.long_words),
                lb_after=round(100 * after.long_words),
            )
        )
    if cut:
        tail.append(cut)
    tail += [f"⚠ {w}" for w in result.warnings]
    return "\n\n".join([*head, result.text.strip(), *tail]).strip()


def render_translation(result: TranslationResult, ui: str, *, cut: str | None = None) -> str:
    """The translation under its machine-translation label; or moien's refusal with the languages it offers."""
    cli = _cli_messages()
    if result.status != "ok":
        lines = [result.message or ""]
        if result.offers:
            asks = " · ".join(
                f"«{pick(MESSAGES, 'translate_into', ui, language=lang_name(code, ui))}»" for code in result.offers
            )
            lines.append(pick(cli, "try_instead", ui, commands=asks))
        return "\n\n".join(lines).strip()
    head = [
        _italic(result.label),
        _italic(
            pick(
                MESSAGES,
                "translated_from",
                ui,
                source=lang_name(result.source_lang, ui),
                target=lang_name(result.target_lang, ui),
            )
        ),
    ]
    tail: list[str] = []
    if result.glossary is not None:
        total = len(result.glossary.used) + len(result.glossary.missing)
        if total:
            used = ", ".join(f"{u.source} → {u.target}" for u in result.glossary.used)
            line = pick(cli, "glossary_used", ui, used=len(result.glossary.used), total=total)
            tail.append(f"{line} {used}".strip())
    if cut:
        tail.append(cut)
    tail += [f"⚠ {w}" for w in result.warnings]
    return "\n\n".join([*head, result.text.strip(), *tail]).strip()
