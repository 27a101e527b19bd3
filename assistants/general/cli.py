"""``moien docs``: import folders, files and web pages into document collections, list and remove collections,
search them as a given set of groups would.

Mounted on the ``moien`` command line by the ``general`` plugin's ``register_commands`` hook; also runs alone as
``python -m moien.assistants.general.cli``. The store is ``$MOIEN_HOME/documents/store.sqlite3``, the one the
``general`` assistant answers from.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from moien.documents import readability
from moien.lang import LANGS, pick

if TYPE_CHECKING:
    from moien.assistants.core.config import Settings
    from moien.assistants.general.actions import Passage, Writer
    from moien.assistants.general.actions import Progress as ActionProgress
    from moien.documents.importer import ImportReport
    from moien.documents.store import DocumentStore

app = typer.Typer(
    name="docs",
    help="Document collections for the general assistant: import PDF, Word (.docx), OpenDocument (.odt), web "
    "pages, Markdown/text and legal XML (Akoma Ntoso, Legilux); list, remove and search them; summarise, simplify "
    "(plain language) and translate a document, a passage or a text with the local model.\n\n"
    "A collection with --groups can only be read by people in one of those groups (over HTTP: the groups of the "
    "signed token; in the teacher app and the CLI: general.groups in the settings). Without groups it is public.\n\n"
    "Start with `moien docs import ./our-documents --collection intranet --groups staff`, then "
    '`moien docs search "Wat kascht eng Identitéitskaart?" --groups staff`, '
    "`moien docs summarise demo/identity-card.fr.md` or `moien docs translate demo/identity-card.fr.md --to de`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

#: What the command line says, in moien's four languages (the per-file reasons come from the parsers).
MESSAGES: dict[str, dict[str, str]] = {
    **readability.LABELS,
    "file": {"lb": "Fichier", "fr": "Fichier", "de": "Datei", "en": "File"},
    "status": {"lb": "Status", "fr": "Statut", "de": "Status", "en": "Status"},
    "reason": {"lb": "Firwat", "fr": "Raison", "de": "Grund", "en": "Reason"},
    "chunks": {"lb": "Passagen", "fr": "Passages", "de": "Passagen", "en": "Passages"},
    "added": {"lb": "derbäi", "fr": "ajouté", "de": "hinzugefügt", "en": "added"},
    "updated": {"lb": "aktualiséiert", "fr": "mis à jour", "de": "aktualisiert", "en": "updated"},
    "unchanged": {"lb": "onverännert", "fr": "inchangé", "de": "unverändert", "en": "unchanged"},
    "removed": {"lb": "ewechgeholl", "fr": "retiré", "de": "entfernt", "en": "removed"},
    "skipped": {"lb": "iwwersprongen", "fr": "ignoré", "de": "übersprungen", "en": "skipped"},
    "failed": {"lb": "feelgeschloen", "fr": "échec", "de": "fehlgeschlagen", "en": "failed"},
    "importing": {"lb": "Import", "fr": "Import", "de": "Import", "en": "Import"},
    "summary": {
        "lb": "Sammlung '{name}': {counts}.",
        "fr": "Collection « {name} » : {counts}.",
        "de": "Sammlung „{name}“: {counts}.",
        "en": "Collection '{name}': {counts}.",
    },
    "some_failed": {
        "lb": "{n} Fichier(en) konnten net importéiert ginn (kuckt de Grond uewen); déi aner sinn importéiert.",
        "fr": "{n} fichier(s) n'ont pas pu être importés (voir la raison ci-dessus) ; les autres le sont.",
        "de": "{n} Datei(en) konnten nicht importiert werden (Grund siehe oben); die anderen sind importiert.",
        "en": "{n} file(s) could not be imported (see the reason above); the others were imported.",
    },
    "collection": {"lb": "Sammlung", "fr": "Collection", "de": "Sammlung", "en": "Collection"},
    "groups": {"lb": "Gruppen", "fr": "Groupes", "de": "Gruppen", "en": "Groups"},
    "public": {"lb": "ëffentlech", "fr": "publique", "de": "öffentlich", "en": "public"},
    "documents": {"lb": "Dokumenter", "fr": "Documents", "de": "Dokumente", "en": "Documents"},
    "none": {
        "lb": "Nach keng Sammlung. Importéiert mat `moien docs import DOSSIER --collection NUMM`.",
        "fr": "Aucune collection. Importez avec `moien docs import DOSSIER --collection NOM`.",
        "de": "Noch keine Sammlung. Importieren mit `moien docs import ORDNER --collection NAME`.",
        "en": "No collection yet. Import one with `moien docs import FOLDER --collection NAME`.",
    },
    "removed_collection": {
        "lb": "Sammlung '{name}' ewechgeholl ({n} Dokumenter).",
        "fr": "Collection « {name} » supprimée ({n} documents).",
        "de": "Sammlung „{name}“ entfernt ({n} Dokumente).",
        "en": "Collection '{name}' removed ({n} documents).",
    },
    "no_collection": {
        "lb": "Et gëtt keng Sammlung '{name}'; `moien docs list` weist déi, déi et gëtt.",
        "fr": "Il n'y a pas de collection « {name} » ; `moien docs list` montre celles qui existent.",
        "de": "Es gibt keine Sammlung „{name}“; `moien docs list` zeigt die vorhandenen.",
        "en": "There is no collection '{name}'; `moien docs list` shows those there are.",
    },
    "text_or_ref": {
        "lb": "--text ersetzt d'Dokument-ID an --title: gitt just eent dovun un.",
        "fr": "--text remplace l'identifiant du document et --title : n'indiquez que l'un des deux.",
        "de": "--text ersetzt die Dokument-ID und --title: Geben Sie nur eines davon an.",
        "en": "--text replaces a document id and --title: give only one of them.",
    },
    "summarising": {"lb": "Resumé", "fr": "Résumé", "de": "Zusammenfassung", "en": "Summary"},
    "simplifying": {"lb": "Einfach Sprooch", "fr": "Langage simple", "de": "Einfache Sprache", "en": "Plain language"},
    "translating": {"lb": "Iwwersetzung", "fr": "Traduction", "de": "Übersetzung", "en": "Translation"},
    "sources": {"lb": "Quellen", "fr": "Sources", "de": "Quellen", "en": "Sources"},
    "parts": {
        "lb": "A {n} Deeler resuméiert, duerno zesummegefaasst.",
        "fr": "Résumé en {n} parties, puis combiné.",
        "de": "In {n} Teilen zusammengefasst, dann zusammengeführt.",
        "en": "Summarised in {n} parts, then combined.",
    },
    "facts_kept": {
        "lb": "Behale Fakten ({n})",
        "fr": "Faits conservés ({n})",
        "de": "Beibehaltene Fakten ({n})",
        "en": "Facts kept ({n})",
    },
    "facts_none": {
        "lb": "Keng Zuelen, Datumen oder Institutiounen am Text.",
        "fr": "Aucun nombre, date ni organisme dans le texte.",
        "de": "Keine Zahlen, Daten oder Behörden im Text.",
        "en": "No numbers, dates or bodies in the text.",
    },
    "unchecked": {
        "lb": "Net verglach (Numm an enger anerer Sprooch): {facts}",
        "fr": "Non comparés (nom dans une autre langue) : {facts}",
        "de": "Nicht verglichen (Name in einer anderen Sprache): {facts}",
        "en": "Not compared (name in another language): {facts}",
    },
    "short_text": {
        "lb": "(kuerzen Text: d'Formel seet wéineg)",
        "fr": "(texte court : la formule dit peu de chose)",
        "de": "(kurzer Text: die Formel sagt wenig)",
        "en": "(short text: the formula says little)",
    },
    "glossary_used": {
        "lb": "Glossaire: {used} vun {total} Begrëffer benotzt.",
        "fr": "Glossaire : {used} terme(s) sur {total} utilisé(s).",
        "de": "Glossar: {used} von {total} Begriffen verwendet.",
        "en": "Glossary: {used} of {total} terms used.",
    },
    "try_instead": {
        "lb": "Probéiert: {commands}",
        "fr": "Essayez : {commands}",
        "de": "Versuchen Sie: {commands}",
        "en": "Try: {commands}",
    },
    "no_hits": {
        "lb": "Näischt fonnt, dat dës Gruppen liese däerfen.",
        "fr": "Rien trouvé que ces groupes peuvent lire.",
        "de": "Nichts gefunden, was diese Gruppen lesen dürfen.",
        "en": "Nothing found that these groups may read.",
    },
}

LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Language of labels and messages (lb, fr, de, en); default: MOIEN_UI_LANG.")
]
GroupsOpt = Annotated[
    str,
    typer.Option(
        "--groups",
        help="Comma-separated groups that may read the collection, e.g. 'staff,legal' (default: everyone).",
    ),
]


def _settings() -> Settings:
    from moien.assistants.core.config import get_settings

    return get_settings()


def _lang(lang: str | None) -> str:
    lang = (lang or _settings().ui_lang or "lb").lower()
    return lang if lang in LANGS else "en"


def _store() -> DocumentStore:
    from moien.assistants.general.plugin import open_store

    return open_store(_settings().home)


def _groups(text: str) -> tuple[str, ...]:
    return tuple(sorted({g.strip() for g in text.split(",") if g.strip()}))


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(help="A folder (read recursively), one file, or an http(s) address.")],
    collection: Annotated[str, typer.Option("--collection", "-c", help="The collection to import into.")],
    groups: GroupsOpt = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    lang: LangOpt = None,
) -> None:
    """Import documents into a collection, incrementally: unchanged files (same SHA-256) are skipped, changed ones
    re-indexed, files gone from the folder removed from the collection. A file that cannot be read is reported
    with its reason and the others still import.

    Formats: .pdf (text layer, pages kept), .docx, .odt, .html, .md, .txt, .xml (Akoma Ntoso, Legilux).
    Web pages are fetched from public addresses only; an intranet host can be allowed in the allow list picture
    downloads use (MOIEN_HERITAGE__IMAGE_FETCH_ALLOW). Exit status: 0 all imported, 1 some file failed (the table says why).
    """
    from moien.assistants.general.plugin import detect_lang
    from moien.documents.importer import import_path

    lang = _lang(lang)
    fetch = None
    if source.startswith(("http://", "https://")):
        from moien.connectors.image_fetch import FetchPolicy
        from moien.documents.fetch import fetch_url

        policy = FetchPolicy.allowing(_settings().heritage.image_fetch_allow)

        def fetch(url: str) -> tuple[bytes, str]:
            return fetch_url(url, policy=policy)

    progress = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
        console=err,
        transient=True,
        disable=as_json,
    )
    with progress:
        task = progress.add_task(pick(MESSAGES, "importing", lang), total=None, name="")
        try:
            report = import_path(
                _store(),
                source,
                collection,
                _groups(groups),
                detect_lang=detect_lang,
                fetch=fetch,
                progress=lambda done, total, name: progress.update(task, completed=done, total=total, name=name),
            )
        except (FileNotFoundError, ValueError) as exc:
            _fail(str(exc))
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "collection": report.collection,
                    "summary": report.summary(),
                    "files": [f.__dict__ | {"warnings": list(f.warnings)} for f in report.files],
                },
                ensure_ascii=False,
            )
        )
    else:
        _print_report(report, lang)
    if report.failed:
        if not as_json:
            err.print(pick(MESSAGES, "some_failed", lang, n=len(report.failed)), highlight=False)
        raise typer.Exit(1)


def _print_report(report: ImportReport, lang: str) -> None:
    interesting = [f for f in report.files if f.status != "unchanged" or len(report.files) <= 30]
    if interesting:
        table = Table(show_lines=False)
        for key in ("file", "status", "chunks", "reason"):
            table.add_column(pick(MESSAGES, key, lang), overflow="fold")
        colours = {"failed": "red", "skipped": "yellow", "removed": "magenta", "added": "green", "updated": "cyan"}
        for f in interesting:
            colour = colours.get(f.status, "")
            status = pick(MESSAGES, f.status, lang)
            reason = f.reason_text(lang) or "; ".join(f.warnings_text(lang))
            table.add_row(f.name, f"[{colour}]{status}[/]" if colour else status, str(f.chunks or ""), reason)
        out.print(table)
    counts = ", ".join(f"{n} {pick(MESSAGES, s, lang)}" for s, n in report.summary().items() if n)
    out.print(pick(MESSAGES, "summary", lang, name=report.collection, counts=counts or "0"), highlight=False)


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print the collections as JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """The collections, with who may read them and how many documents and passages each holds."""
    lang = _lang(lang)
    infos = _store().collections()
    if as_json:
        out.print_json(json.dumps([i.__dict__ | {"groups": list(i.groups)} for i in infos], ensure_ascii=False))
        return
    if not infos:
        out.print(pick(MESSAGES, "none", lang), highlight=False)
        return
    table = Table()
    for key in ("collection", "groups", "documents", "chunks"):
        table.add_column(pick(MESSAGES, key, lang))
    for i in infos:
        table.add_row(i.name, ", ".join(i.groups) or pick(MESSAGES, "public", lang), str(i.documents), str(i.chunks))
    out.print(table)


@app.command("remove")
def remove(
    collection: Annotated[str, typer.Argument(help="The collection to delete, with its documents and passages.")],
    lang: LangOpt = None,
) -> None:
    """Delete a collection (its documents and passages; the files themselves are not touched)."""
    lang = _lang(lang)
    store = _store()
    n = store.remove_collection(collection)
    if n < 0:
        _fail(pick(MESSAGES, "no_collection", lang, name=collection))
    store.prune_vectors()
    out.print(pick(MESSAGES, "removed_collection", lang, name=collection, n=n), highlight=False)


@app.command("search")
def search(
    query: Annotated[str, typer.Argument(help="The question or words to search for, in any of the four languages.")],
    groups: Annotated[
        str | None,
        typer.Option(
            "--groups",
            help="Comma-separated groups to search as (default: general.groups from the settings, the CLI user's; "
            "'' : public collections only).",
        ),
    ] = None,
    collection: Annotated[
        list[str] | None, typer.Option("--collection", "-c", help="Search only this collection (repeatable).")
    ] = None,
    doc_lang: Annotated[
        str | None, typer.Option("--doc-lang", help="Only passages in this language (lb, fr, de, en).")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Only documents dated on or after (2024, 2024-05).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only documents dated on or before.")] = None,
    top_k: Annotated[int, typer.Option("--top", "-k", help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as JSON (scores, ranks, text).")] = False,
    lang: LangOpt = None,
) -> None:
    """Search the collections as someone in --groups would: BM25 + multilingual embeddings, rank fusion. A
    question in Luxembourgish finds French and German passages too. Collections the groups may not read are
    left out before anything is ranked."""
    from moien.documents.chunking import citation
    from moien.documents.search import DocumentSearch

    lang = _lang(lang)
    hits = DocumentSearch(_store()).search(
        query,
        groups=_groups(groups) if groups is not None else tuple(_settings().general.groups),
        collections=collection or None,
        lang=doc_lang,
        date_from=date_from,
        date_to=date_to,
        top_k=top_k,
    )
    if as_json:
        out.print_json(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return
    if not hits:
        out.print(pick(MESSAGES, "no_hits", lang), highlight=False)
        return
    for n, h in enumerate(hits, 1):
        mark = "" if h.relevant else " [dim](?)[/]"
        out.print(f"[bold]{n}. {citation(h.chunk)}[/]{mark}  [dim]{h.chunk.id} · {h.score:.2f}[/]", highlight=False)
        out.print("   " + " ".join(h.chunk.text.split())[:300], highlight=False)


# -- summarise, simplify, translate (moien.assistants.general.actions) ---------------------------------------------

RefArg = Annotated[
    str | None,
    typer.Argument(
        help="A document id (demo/identity-card.fr.md) or a passage id (demo/identity-card.fr.md#0), as "
        "`moien docs search` shows them. Or use --collection/--title, or --text.",
        show_default=False,
    ),
]
CollectionOpt = Annotated[
    str | None, typer.Option("--collection", "-c", help="With --title: the collection to look in (default: all).")
]
TitleOpt = Annotated[
    str | None, typer.Option("--title", "-t", help="A document found by (part of) its title, instead of an id.")
]
TextOpt = Annotated[
    str | None,
    typer.Option("--text", help="Act on this text instead of a stored document ('-': read it from standard input)."),
]
ReadAsOpt = Annotated[
    str | None,
    typer.Option(
        "--groups",
        help="Read as these comma-separated groups (default: general.groups from the settings); collections they "
        "may not read are 'not found'.",
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="The text's language (lb, fr, de, en); default: the document's, or identified."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON object (no progress bar).")]
#: Exit status when moien declines: no plain version keeps every fact, or the model does not write the language.
DECLINED = 3


def _check_lang(code: str | None, option: str) -> str | None:
    if code is None:
        return None
    code = code.strip().lower()
    if code not in LANGS:
        raise typer.BadParameter(f"{code!r} is not one of lb, fr, de, en", param_hint=option)
    return code


def _passages(
    ref: str | None,
    collection: str | None,
    title: str | None,
    text: str | None,
    groups: str | None,
    text_lang: str | None,
    lang: str,
) -> list[Passage]:
    """What the command acts on: ``--text``, or what ``ref``/``--title`` names and the groups may read."""
    from moien.assistants.general.actions import ActionError, find_passages, text_passages

    if text is not None:
        if ref or title:
            _fail(pick(MESSAGES, "text_or_ref", lang))
        body = sys.stdin.read() if text == "-" else text
        if not body.strip():
            _fail(pick(actions_messages(), "no_input", lang))
        return text_passages(body, text_lang)
    try:
        return find_passages(
            _store(),
            ref,
            groups=_groups(groups) if groups is not None else tuple(_settings().general.groups),
            collection=collection,
            title=title,
            lang=lang,
        )
    except ActionError as exc:
        _fail(str(exc))


def actions_messages() -> dict[str, dict[str, str]]:
    from moien.assistants.general.actions import MESSAGES as ACTION_MESSAGES

    return ACTION_MESSAGES


def _text_lang(passages: list[Passage], given: str | None, lang: str) -> str:
    """The language the passages are written in: --from, the documents' own, or moien's identifier's."""
    from moien.assistants.general.actions import identify

    found = given or passages[0].lang or identify(" ".join(p.text for p in passages))
    if found not in LANGS:
        _fail(pick(actions_messages(), "unknown_language", lang))
    for i, p in enumerate(passages):  # a text given on the command line is labelled with it in the result
        if p.lang is None:
            passages[i] = replace(p, lang=found)
    return found


def _writer() -> Writer:
    from moien.assistants.general.actions import Writer

    return Writer.from_settings(_settings())


R = TypeVar("R")


def _run_with_progress(label: str, as_json: bool, work: Callable[[ActionProgress], R]) -> R:
    """Run ``work`` with a progress bar on stderr (none with --json); a model that cannot load is a clear error."""
    from moien.connectors.llm.model_store import ModelError
    from moien.connectors.llm.runtime import ModelBusy

    bar = RichProgress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json,
    )
    with bar:
        task = bar.add_task(label, total=None)
        try:
            return work(lambda done, total, _what: bar.update(task, completed=done, total=total))
        except (ModelError, ModelBusy) as exc:
            _fail(str(exc))


def _print_json(data: dict[str, object]) -> None:
    out.print_json(json.dumps(data, ensure_ascii=False))


def _print_head(notice: str | None, label: str) -> None:
    if notice:
        err.print(f"[yellow]{escape(notice)}[/]", highlight=False)
    out.print(f"[dim italic]{escape(label)}[/]", highlight=False)
    out.print()


def _print_warnings(warnings: list[str]) -> None:
    # Warnings quote the model's text and the document's ("«14 €»"): printed without markup.
    for w in warnings:
        err.print(f"[yellow]! {escape(w)}[/]", highlight=False)


@app.command("summarise")
def summarise_cmd(
    ref: RefArg = None,
    collection: CollectionOpt = None,
    title: TitleOpt = None,
    text: TextOpt = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Language of the summary (lb, fr, de, en); default: the document's language."),
    ] = None,
    words: Annotated[int, typer.Option("--words", min=30, max=600, help="Longest summary, in words.")] = 150,
    groups: ReadAsOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Summarise a document, a passage or a text with the local model; each point cites the passage it comes from.

    A document longer than the model's context is summarised part by part, then the parts are combined. Numbers,
    dates and amounts in the summary that no passage has are pointed out. A summary asked for in a language the
    model does not write reliably (model.writes; by default not Luxembourgish) is written in model.fallback_lang,
    and a line says so.

    Examples: `moien docs summarise demo/identity-card.fr.md --to de`,
    `moien docs summarise --collection demo --title "carte d'identité"`, `cat memo.txt | moien docs summarise --text -`.
    """
    from moien.assistants.general.actions import summarise

    lang = _lang(lang)
    target = _check_lang(to, "--to")
    passages = _passages(ref, collection, title, text, groups, None, lang)
    if target is None:  # the document's language, else the text's as identified, else the user's
        from moien.assistants.general.actions import identify

        target = next((p.lang for p in passages if p.lang in LANGS), None)
        target = target or identify(" ".join(p.text for p in passages)) or lang
    writer = _writer()
    result = _run_with_progress(
        pick(MESSAGES, "summarising", lang),
        as_json,
        lambda progress: summarise(passages, writer, lang=target, ui_lang=lang, words=words, progress=progress),
    )
    if as_json:
        _print_json(result.to_dict())
        return
    _print_head(result.notice, result.label)
    out.print(result.text, markup=False, highlight=False)  # the model's text: never read as Rich markup
    out.print()
    if result.parts:
        out.print(f"[dim]{pick(MESSAGES, 'parts', lang, n=len(result.parts))}[/]", highlight=False)
    out.print(f"[bold]{pick(MESSAGES, 'sources', lang)}[/]", highlight=False)
    for n, p in enumerate(result.sources, 1):
        mark = "" if n in result.cited else " [dim](–)[/]"
        out.print(f"  \\[{n}] {escape(p.citation)}  [dim]{escape(p.id)}[/]{mark}", highlight=False)
    _print_warnings(result.warnings)


@app.command("summarize", hidden=True)
def summarize_cmd(
    ref: RefArg = None,
    collection: CollectionOpt = None,
    title: TitleOpt = None,
    text: TextOpt = None,
    to: Annotated[str | None, typer.Option("--to")] = None,
    words: Annotated[int, typer.Option("--words", min=30, max=600)] = 150,
    groups: ReadAsOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """`summarise`, spelt the American way."""
    summarise_cmd(ref, collection, title, text, to, words, groups, as_json, lang)


@app.command("simplify")
def simplify_cmd(
    ref: RefArg = None,
    collection: CollectionOpt = None,
    title: TitleOpt = None,
    text: TextOpt = None,
    text_lang: FromOpt = None,
    groups: ReadAsOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Rewrite a document, a passage or a text in plain language (Einfach Sprooch, FALC, Leichte Sprache, Plain
    English), in the text's own language.

    Every number, amount, date, deadline, time, address and named body of the original must be in the rewrite, and
    nothing may be added: moien checks this mechanically, asks the model once more naming what was lost, and if
    the second version fails too it says so and gives no rewrite (exit status 3). Readability is measured before
    and after: Flesch-Kincaid grade (en), Flesch-Amstad and Wiener Sachtextformel (de), Kandel-Moles (fr), LIX
    and sentence length (lb). A Luxembourgish text is rewritten in model.fallback_lang when the model does not
    write Luxembourgish reliably, and a line says so.

    Example: `moien docs simplify demo/identity-card.fr.md`, `moien docs simplify --text "…" --json`.
    """
    from moien.assistants.general.actions import simplify

    lang = _lang(lang)
    source_lang = _check_lang(text_lang, "--from")
    passages = _passages(ref, collection, title, text, groups, source_lang, lang)
    written_in = _text_lang(passages, source_lang, lang)
    writer = _writer()
    result = _run_with_progress(
        pick(MESSAGES, "simplifying", lang),
        as_json,
        lambda progress: simplify(passages, writer, lang=written_in, ui_lang=lang, progress=progress),
    )
    if as_json:
        _print_json(result.to_dict())
        if result.status != "ok":
            raise typer.Exit(DECLINED)
        return
    if result.status != "ok":
        err.print(f"[bold red]{escape(result.message or '')}[/]", highlight=False)
        raise typer.Exit(DECLINED)
    _print_head(result.notice, result.label)
    out.print(result.text, markup=False, highlight=False)
    out.print()
    facts = result.facts.kept
    if facts:
        out.print(f"[bold]{pick(MESSAGES, 'facts_kept', lang, n=len(facts))}[/]", highlight=False)
        out.print("  " + " · ".join(f.text for f in facts), markup=False, highlight=False)
    else:
        out.print(pick(MESSAGES, "facts_none", lang), highlight=False)
    if result.unchecked:
        listed = " · ".join(f.text for f in result.unchecked)
        out.print(f"[dim]{escape(pick(MESSAGES, 'unchecked', lang, facts=listed))}[/]", highlight=False)
    before, after = result.before, result.after
    if after is not None:
        if after.formula == before.formula:
            direction = pick(MESSAGES, "easier_higher" if before.higher_is_easier else "easier_lower", lang)
            line = pick(MESSAGES, "readability", lang, formula=before.formula, before=before.score, after=after.score)
            short = "" if before.reliable else " " + pick(MESSAGES, "short_text", lang)
            out.print(f"{line} [dim]({direction}){short}[/]", highlight=False)
        out.print(
            pick(
                MESSAGES,
                "sentence_length",
                lang,
                before=before.words_per_sentence,
                after=after.words_per_sentence,
                lb_before=round(100 * before.long_words),
                lb_after=round(100 * after.long_words),
            ),
            highlight=False,
        )
    _print_warnings(result.warnings)


@app.command("translate")
def translate_cmd(
    to: Annotated[str, typer.Option("--to", help="The language to translate into: lb, fr, de or en.")],
    ref: RefArg = None,
    collection: CollectionOpt = None,
    title: TitleOpt = None,
    text: TextOpt = None,
    text_lang: FromOpt = None,
    glossary: Annotated[
        Path | None,
        typer.Option(
            "--glossary",
            help="A ministry's glossary: CSV with the columns lb, fr, de, en, one term a row ('|' between "
            "variants). Its terms are given to the model and checked in the translation. Default: none.",
            dir_okay=False,
        ),
    ] = None,
    groups: ReadAsOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Machine-translate a document, a passage or a text between Luxembourgish, French, German and English,
    labelled as machine translation.

    With --glossary the ministry's terms are required in the translation and checked afterwards; numbers, dates
    and amounts of the original are checked too (a missing one is retried once, then reported). Translating into
    a language the model does not write reliably (model.writes; by default Luxembourgish) is declined with exit
    status 3 and an offer of German or French.

    Example: `moien docs translate demo/identity-card.fr.md --to en --glossary assistants/general/demo/glossary.csv`.
    """
    from moien.assistants.general.actions import translate
    from moien.documents.glossary import GlossaryError, load_glossary

    lang = _lang(lang)
    target = _check_lang(to, "--to")
    assert target is not None  # --to is required
    source_lang = _check_lang(text_lang, "--from")
    terms = None
    if glossary is not None:
        try:
            terms = load_glossary(glossary)
        except GlossaryError as exc:
            _fail(str(exc))
    passages = _passages(ref, collection, title, text, groups, source_lang, lang)
    written_in = _text_lang(passages, source_lang, lang)
    writer = _writer()
    result = _run_with_progress(
        pick(MESSAGES, "translating", lang),
        as_json,
        lambda progress: translate(
            passages, writer, target=target, source_lang=written_in, glossary=terms, ui_lang=lang, progress=progress
        ),
    )
    if as_json:
        _print_json(result.to_dict())
        if result.status == "unsupported":
            raise typer.Exit(DECLINED)
        return
    if result.status != "ok":
        err.print(f"[bold yellow]{escape(result.message or '')}[/]", highlight=False)
        if result.offers:
            hint = " · ".join(f"--to {code}" for code in result.offers)
            err.print(pick(MESSAGES, "try_instead", lang, commands=hint), highlight=False)
        if result.status == "unsupported":
            raise typer.Exit(DECLINED)
        return
    _print_head(None, result.label)
    out.print(result.text, markup=False, highlight=False)
    out.print()
    if result.glossary is not None:
        total = len(result.glossary.used) + len(result.glossary.missing)
        if total:
            line = pick(MESSAGES, "glossary_used", lang, used=len(result.glossary.used), total=total)
            out.print(line, highlight=False)
            for use in result.glossary.used:
                out.print(f"  [green]✓[/] {escape(use.source)} → {escape(use.target or '')}", highlight=False)
    _print_warnings(result.warnings)


if __name__ == "__main__":
    app()
