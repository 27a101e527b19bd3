"""``moien docs``: import folders, files and web pages into document collections, list and remove collections,
search them as a given set of groups would.

Mounted on the ``moien`` command line by the ``general`` plugin's ``register_commands`` hook; also runs alone as
``python -m moien.assistants.general.cli``. The store is ``$MOIEN_HOME/documents/store.sqlite3``, the one the
``general`` assistant answers from.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from moien.lang import LANGS, pick

if TYPE_CHECKING:
    from moien.assistants.core.config import Settings
    from moien.documents.importer import ImportReport
    from moien.documents.store import DocumentStore

app = typer.Typer(
    name="docs",
    help="Document collections for the general assistant: import PDF, Word (.docx), OpenDocument (.odt), web "
    "pages, Markdown/text and legal XML (Akoma Ntoso, Legilux); list, remove and search them.\n\n"
    "A collection with --groups can only be read by people in one of those groups (over HTTP: the groups of the "
    "signed token; in the teacher app and the CLI: general.groups in the settings). Without groups it is public.\n\n"
    "Start with `moien docs import ./our-documents --collection intranet --groups staff`, then "
    '`moien docs search "Wat kascht eng Identitéitskaart?" --groups staff`.',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

#: What the command line says, in moien's four languages (the per-file reasons come from the parsers).
MESSAGES: dict[str, dict[str, str]] = {
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
            reason = f.reason or "; ".join(f.warnings)
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


if __name__ == "__main__":
    app()
