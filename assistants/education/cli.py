"""``moien curriculum …``: import curricula, search them, show an item, its links, coverage and topics.

Mounted on the ``moien`` command line by the education plugin's ``register_commands`` hook. Every
command that prints data has ``--json`` (one JSON object on stdout) for scripts; errors print one line
on stderr and exit non-zero, never a traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from moien.curriculum_graph.schema import CURRICULUM_LANGS
from moien.lang import LANGS, pick

if TYPE_CHECKING:
    from moien.connectors.neo4j_graph import Graph
    from moien.curriculum_graph.importers.writer import ImportReport

T = TypeVar("T")

curriculum_app = typer.Typer(
    name="curriculum",
    help=(
        "The curriculum graph: import curricula (CASE 1.1 JSON, RDF with a mapping, moien's CSV template), "
        "search them in Luxembourgish, French, German or English, browse items, their official links and "
        "moien's suggested cross-curricular links.\n\n"
        "Examples:\n\n"
        "  moien curriculum import programme.json --format case\n\n"
        "  moien curriculum import concepts.ttl --format rdf --mapping skos\n\n"
        '  moien curriculum search "Wéi erkläert een de Waasserkreeslaf?"\n\n'
        "  moien curriculum show MA-C3-02 --json\n\n"
        "  moien curriculum links MA-C3-04\n\n"
        "Suggested links are moien's proposals (score, method, provenance), never part of the official curriculum."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

#: What the commands print, in the four languages (``--lang``, default the configured UI language).
#: Statements are shown in that language where the curriculum has them, else in the original.
MSG: dict[str, dict[str, str]] = {
    "no_match": {
        "lb": "Keen Element passt.",
        "fr": "Aucun élément ne correspond.",
        "de": "Kein Element passt.",
        "en": "No item matches.",
    },
    "nothing_written": {
        "lb": "Näischt gouf geschriwwen: de Graph ass wéi virdrun.",
        "fr": "Rien n'a été écrit : le graphe est tel qu'avant.",
        "de": "Nichts wurde geschrieben: der Graph ist unverändert.",
        "en": "Nothing was written: the graph is as it was.",
    },
    "no_item": {
        "lb": "keen Element mam Code {code!r}; probéiert `moien curriculum search {code}`",
        "fr": "aucun élément avec le code {code!r} ; essayez `moien curriculum search {code}`",
        "de": "kein Element mit dem Code {code!r}; versuchen Sie `moien curriculum search {code}`",
        "en": "no item with code {code!r}; try `moien curriculum search {code}`",
    },
    "official_of": {
        "lb": "Offiziell Verbindunge vu {code}",
        "fr": "Liens officiels de {code}",
        "de": "Offizielle Verknüpfungen von {code}",
        "en": "Official links of {code}",
    },
    "from_curriculum": {
        "lb": "(aus dem Programm)",
        "fr": "(du programme)",
        "de": "(aus dem Lehrplan)",
        "en": "(from the curriculum)",
    },
    "none": {"lb": "keng", "fr": "aucun", "de": "keine", "en": "none"},
    "suggested_head": {
        "lb": "Virschléi vu moien — net offiziell",
        "fr": "Suggestions de moien — non officielles",
        "de": "Vorschläge von moien — nicht offiziell",
        "en": "Suggested by moien — not official",
    },
    "accepted_by_review": {
        "lb": "bei der Iwwerpréiwung ugeholl",
        "fr": "acceptée à la relecture",
        "de": "bei der Prüfung angenommen",
        "en": "accepted by review",
    },
    "suggested": {
        "lb": "waarden op Iwwerpréiwung",
        "fr": "en attente de relecture",
        "de": "warten auf Prüfung",
        "en": "waiting for review",
    },
    "accepted": {"lb": "ugeholl", "fr": "acceptées", "de": "angenommen", "en": "accepted"},
    "rejected": {"lb": "refuséiert", "fr": "refusées", "de": "abgelehnt", "en": "rejected"},
    "review_head": {
        "lb": "{n} virgeschloe Verbindungen — {status} (Propositioune vu moien, net offiziell)",
        "fr": "{n} liens suggérés — {status} (propositions de moien, non officielles)",
        "de": "{n} vorgeschlagene Verknüpfungen — {status} (Vorschläge von moien, nicht offiziell)",
        "en": "{n} suggested links — {status} (moien's proposals, not official)",
    },
    "review_hint": {
        "lb": "Decidéiert mat: moien curriculum review CODE CODE --accept | --reject [--note …]",
        "fr": "Décidez avec : moien curriculum review CODE CODE --accept | --reject [--note …]",
        "de": "Entscheiden mit: moien curriculum review CODE CODE --accept | --reject [--note …]",
        "en": "Decide with: moien curriculum review CODE CODE --accept | --reject [--note …]",
    },
    "reviewed": {
        "lb": "{a} ↔ {b}: {status} ({n}); bleift e Virschlag, net Deel vum offiziellen Programm.",
        "fr": "{a} ↔ {b} : {status} ({n}) ; reste une suggestion, ne fait pas partie du programme officiel.",
        "de": "{a} ↔ {b}: {status} ({n}); bleibt ein Vorschlag, nicht Teil des offiziellen Lehrplans.",
        "en": "{a} ↔ {b}: {status} ({n}); still a suggestion, not part of the official curriculum.",
    },
    "level": {"lb": "Niveau", "fr": "niveau", "de": "Stufe", "en": "level"},
    "subject": {"lb": "Fach", "fr": "matière", "de": "Fach", "en": "subject"},
    "statement": {"lb": "Formuléierung", "fr": "énoncé", "de": "Formulierung", "en": "statement"},
    "matched": {"lb": "fonnt iwwer", "fr": "trouvé par", "de": "gefunden über", "en": "matched"},
    "path": {"lb": "Wee", "fr": "chemin", "de": "Pfad", "en": "path"},
    "retired": {"lb": "zréckgezunn", "fr": "retiré", "de": "zurückgezogen", "en": "retired"},
    "topics": {
        "lb": "transversal Themen",
        "fr": "thèmes transversaux",
        "de": "Querschnittsthemen",
        "en": "transversal topics",
    },
    "children": {"lb": "Ënnerelementer", "fr": "sous-éléments", "de": "Unterelemente", "en": "children"},
    "progression": {"lb": "Progressioun", "fr": "progression", "de": "Progression", "en": "progression"},
    "history": {
        "lb": "Versiounen: {n} méi al",
        "fr": "historique : {n} version(s) antérieure(s)",
        "de": "Verlauf: {n} frühere Version(en)",
        "en": "history: {n} earlier version(s)",
    },
    "items": {"lb": "{n} Elementer", "fr": "{n} éléments", "de": "{n} Elemente", "en": "{n} items"},
    "embedded": {
        "lb": "Vektore fir {n} Element(er) berechent",
        "fr": "{n} élément(s) vectorisé(s)",
        "de": "{n} Element(e) eingebettet",
        "en": "embedded {n} item(s)",
    },
    "all_embedded": {
        "lb": "All Elementer hu schonn hir Vektoren",
        "fr": "Tous les éléments sont déjà vectorisés",
        "de": "Alle Elemente sind schon eingebettet",
        "en": "every item is already embedded",
    },
    "embedding_bar": {
        "lb": "Vektore berechnen",
        "fr": "vectorisation",
        "de": "Einbettung",
        "en": "embedding",
    },
    "embedding_next": {
        "lb": "Importéiert: d'Volltextsich funktionéiert elo schonn. Elo ginn d'Vektore fir {n} Element(er) "
        "berechent; Ctrl-C ass ouni Risiko, `moien curriculum embed` mécht dann de Rescht.",
        "fr": "Importé : la recherche plein texte fonctionne déjà. Vectorisation de {n} élément(s) ; Ctrl-C est sans "
        "risque, `moien curriculum embed` termine ensuite le reste.",
        "de": "Importiert: die Volltextsuche funktioniert schon. Jetzt werden {n} Element(e) eingebettet; Ctrl-C ist "
        "ungefährlich, `moien curriculum embed` erledigt dann den Rest.",
        "en": "Imported: full-text search works now. Embedding {n} item(s) next; Ctrl-C is safe, "
        "`moien curriculum embed` finishes the rest later.",
    },
    "embedding_interrupted": {
        "lb": "Ënnerbrach: {done} vun {total} Elementer hunn hir Vektoren. De Programm ass importéiert an "
        "d'Volltextsich funktionéiert; `moien curriculum embed` berechent de Rescht.",
        "fr": "Interrompu : {done} éléments sur {total} ont leurs vecteurs. Le référentiel est importé et "
        "cherchable en plein texte ; `moien curriculum embed` calcule le reste.",
        "de": "Abgebrochen: {done} von {total} Elementen sind eingebettet. Der Rahmenplan ist importiert und per "
        "Volltext durchsuchbar; `moien curriculum embed` erledigt den Rest.",
        "en": "Interrupted: {done} of {total} items have their vectors. The framework is imported and searchable "
        "by full text; `moien curriculum embed` computes the rest.",
    },
    "import_noop": {
        "lb": "{fw} ({title}) aus {file}: näischt geännert — {unchanged} Elementer onverännert, de Graph entsprécht der Datei (näischt geschriwwen).",
        "fr": "{fw} ({title}) depuis {file} : rien n'a changé — {unchanged} éléments inchangés, le graphe correspond déjà au fichier (aucune écriture).",
        "de": "{fw} ({title}) aus {file}: nichts geändert — {unchanged} Elemente unverändert, der Graph entspricht der Datei (nichts geschrieben).",
        "en": "{fw} ({title}) from {file}: nothing changed — {unchanged} items unchanged, the graph already matches this file (no write).",
    },
    "import_diff": {
        "lb": "{fw} ({title}) aus {file}: {added} dobäi, {changed} geännert, {retired} zréckgezunn, {restored} erëm aktiv, {unchanged} onverännert; Verbindungen +{la}/−{lr} (Import {imp}).",
        "fr": "{fw} ({title}) depuis {file} : {added} ajoutés, {changed} modifiés, {retired} retirés, {restored} rétablis, {unchanged} inchangés ; liens +{la}/−{lr} (import {imp}).",
        "de": "{fw} ({title}) aus {file}: {added} neu, {changed} geändert, {retired} zurückgezogen, {restored} wiederhergestellt, {unchanged} unverändert; Verknüpfungen +{la}/−{lr} (Import {imp}).",
        "en": "{fw} ({title}) from {file}: {added} added, {changed} changed, {retired} retired, {restored} restored, {unchanged} unchanged; links +{la}/−{lr} (import {imp}).",
    },
    "dry_run": {"lb": "[Probelaf] ", "fr": "[essai à blanc] ", "de": "[Probelauf] ", "en": "[dry run] "},
    "review_no_item": {
        "lb": "keen aktivt Element mam Code {code!r}; kuckt mat `moien curriculum search` no",
        "fr": "aucun élément actif avec le code {code!r} ; vérifiez avec `moien curriculum search`",
        "de": "kein aktives Element mit dem Code {code!r}; prüfen Sie mit `moien curriculum search`",
        "en": "no active item with the code {code!r}; check it with `moien curriculum search`",
    },
    "review_no_link": {
        "lb": "moien huet keng Verbindung tëscht {a} a {b} virgeschloen; `moien curriculum review` weist d'Virschléi",
        "fr": "moien n'a suggéré aucun lien entre {a} et {b} ; `moien curriculum review` liste les suggestions",
        "de": "moien hat keine Verknüpfung zwischen {a} und {b} vorgeschlagen; `moien curriculum review` listet die Vorschläge",
        "en": "moien has suggested no link between {a} and {b}; list the suggestions with `moien curriculum review`",
    },
    "review_two_codes": {
        "lb": "gitt déi zwee Element-Coden vun der Verbindung un, z. B. `moien curriculum review MA-C3-04 SC-C3-02 --accept`",
        "fr": "donnez les deux codes d'éléments du lien, p. ex. `moien curriculum review MA-C3-04 SC-C3-02 --accept`",
        "de": "geben Sie die beiden Element-Codes der Verknüpfung an, z. B. `moien curriculum review MA-C3-04 SC-C3-02 --accept`",
        "en": "give the two item codes of the link to review, e.g. `moien curriculum review MA-C3-04 SC-C3-02 --accept`",
    },
    "review_one_decision": {
        "lb": "sot wat mat der Verbindung geschitt: --accept, --reject oder --undo (eent dovun)",
        "fr": "dites quoi faire du lien : --accept, --reject ou --undo (un seul)",
        "de": "sagen Sie, was mit der Verknüpfung geschehen soll: --accept, --reject oder --undo (eines davon)",
        "en": "say what to do with the link: --accept, --reject or --undo (one of them)",
    },
    "type": {"lb": "Typ", "fr": "type", "de": "Typ", "en": "type"},
    "framework": {"lb": "Programm", "fr": "référentiel", "de": "Rahmenplan", "en": "framework"},
    "item_count": {"lb": "Elementer", "fr": "éléments", "de": "Elemente", "en": "items"},
    "leaves": {
        "lb": "dovun ouni Ënnerelementer",
        "fr": "dont sans sous-éléments",
        "de": "davon ohne Unterelemente",
        "en": "of which leaves",
    },
    "used": {"lb": "benotzt", "fr": "utilisé", "de": "verwendet", "en": "used"},
    "no_types": {
        "lb": "keng Elementer am Graph; importéiert e Programm mat `moien curriculum import`",
        "fr": "aucun élément dans le graphe ; importez un référentiel avec `moien curriculum import`",
        "de": "keine Elemente im Graphen; importieren Sie einen Rahmenplan mit `moien curriculum import`",
        "en": "no items in the graph; import a framework with `moien curriculum import`",
    },
    "review_status": {
        "lb": "--status ass suggested, accepted oder rejected",
        "fr": "--status vaut suggested, accepted ou rejected",
        "de": "--status ist suggested, accepted oder rejected",
        "en": "--status is suggested, accepted or rejected",
    },
}


def m(key: str, lang: str, **kw: object) -> str:
    return pick(MSG, key, lang, **kw)


def describe_import(report: ImportReport, lang: str, dry_run: bool = False) -> str:
    """An import's diff summary in ``lang``."""
    r = report
    args = {"fw": r.framework_id, "title": r.framework_title, "file": Path(r.source).name}
    text = (
        m("import_noop", lang, unchanged=r.unchanged, **args)
        if r.noop
        else m(
            "import_diff",
            lang,
            added=r.added,
            changed=r.changed,
            retired=r.retired,
            restored=r.restored,
            unchanged=r.unchanged,
            la=r.links_added,
            lr=r.links_removed,
            imp=r.import_id or "—",
            **args,
        )
    )
    return (m("dry_run", lang) if dry_run else "") + text


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _quiet_driver() -> None:
    # Neo4j reports "property does not exist yet" on an empty graph as a warning: noise for a CLI user.
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    logging.getLogger("neo4j").setLevel(logging.ERROR)


def _graph() -> Graph:
    """The graph from the settings, schema applied; exits with the fix when Neo4j is unreachable."""
    from moien.assistants.core.config import get_settings
    from moien.connectors.neo4j_graph import GraphUnavailable, get_graph
    from moien.curriculum_graph.schema import ensure_schema

    _quiet_driver()
    try:
        graph = get_graph(get_settings())
        ensure_schema(graph)
    except GraphUnavailable as exc:
        _fail(str(exc))
    except Exception as exc:  # settings or driver problems: one line, no traceback
        _fail(f"cannot open the curriculum graph: {exc}")
    return graph


def _cache_dir() -> Path:
    """The embedding cache of this installation (``$MOIEN_HOME/cache``)."""
    from moien.assistants.core.config import get_settings
    from moien.assistants.education.commands import embedding_cache_dir

    return embedding_cache_dir(get_settings())


def _run(fn: Callable[[], T]) -> T:
    """Run a graph call; Neo4j errors become one line and exit 1."""
    from moien.connectors.neo4j_graph import GraphUnavailable

    try:
        return fn()
    except GraphUnavailable as exc:
        _fail(str(exc))
    except typer.Exit:
        raise
    except Exception as exc:
        name = type(exc).__name__
        if name.endswith(("ClientError", "DatabaseError", "TransientError", "Neo4jError")):
            _fail(f"Neo4j refused the query ({name}): {getattr(exc, 'message', None) or exc}")
        raise


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


def _lang_option() -> Any:  # typer.Option() returns its own OptionInfo
    return typer.Option(
        "--lang",
        "-l",
        help="Language of messages and statements: lb, fr, de or en "
        "(default: the configured UI language, MOIEN_UI_LANG).",
    )


def _check_lang(lang: str | None) -> str:
    if lang is None:
        from moien.assistants.core.config import get_settings

        return get_settings().ui_lang
    lang = lang.lower()
    if lang not in LANGS:
        _fail(f"--lang {lang!r}: use one of {', '.join(LANGS)}")
    return lang


# ------------------------------------------------------------------------------------------------ import
@curriculum_app.command("import")
def import_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="The curriculum: a CASE JSON or CSV file, or RDF (Turtle, RDF/XML, JSON-LD) files or folders, "
            "imported together as one graph."
        ),
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="case, rdf or csv (default: guessed from the file name).")
    ] = None,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping",
            "-m",
            help="RDF only: a mapping file, or a built-in one: skos (default), case-jsonld, uk-national-curriculum.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Validate and show the diff; for RDF also the counts per mapped class and the unmapped classes "
            "and properties, with an example each. Writes nothing.",
        ),
    ] = False,
    no_embed: Annotated[
        bool, typer.Option("--no-embed", help="Do not compute embeddings for new or changed items now.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff of each framework as JSON.")] = False,
    lang: Annotated[str | None, _lang_option()] = None,
) -> None:
    """Import a curriculum: validate the whole file, then write only what changed, in one transaction.

    Re-importing the same file changes nothing; an item missing from a new version is retired (kept,
    marked retired with the date); a changed item keeps its earlier statements as versions. Every import
    prints a diff: added, changed, retired, unchanged. Several RDF files, or a folder, are one import.
    """
    from moien.curriculum_graph.importers import FORMATS, CurriculumImportError, detect_format, import_file

    lang = _check_lang(lang)
    if fmt is not None and fmt.lower() not in FORMATS:
        _fail(f"--format {fmt!r}: use one of {', '.join(FORMATS)}")
    many = len(paths) > 1 or paths[0].is_dir()
    try:
        rdf = (fmt or "").lower() == "rdf" or (fmt is None and (many or detect_format(paths[0]) == "rdf"))
    except CurriculumImportError as exc:
        _fail(str(exc))
    if many and not rdf:
        _fail(
            {
                "lb": "E Dossier oder méi Fichiere ginn nëmme fir RDF (--format rdf); "
                "CASE- a CSV-Fichieren een nom aneren.",
                "fr": "Un dossier ou plusieurs fichiers : RDF seulement (--format rdf) ; "
                "CASE et CSV un fichier à la fois.",
                "de": "Ein Ordner oder mehrere Dateien: nur RDF (--format rdf); CASE und CSV einzeln importieren.",
                "en": "A folder or several files: RDF only (--format rdf); import CASE and CSV files one at a time.",
            }[lang]
        )
    graph = _graph()
    if rdf:
        _import_rdf_cmd(graph, paths, mapping, dry_run=dry_run, embed=not no_embed, as_json=as_json, lang=lang)
        return
    try:
        reports = _run(
            lambda: import_file(
                graph,
                paths[0],
                fmt,
                mapping=mapping,
                progress=not as_json,
                console=err,
                dry_run=dry_run,
                embed=False,  # embedded below, after the import has committed: see _embed
                describe=lambda r: describe_import(r, lang, dry_run),
            )
        )
    except CurriculumImportError as exc:
        _fail(f"{exc}\n{m('nothing_written', lang)}")
    if not no_embed and not dry_run:
        _embed(graph, [i for r in reports for i in r.written_ids], lang=lang, as_json=as_json)
    if as_json:
        _emit({"dry_run": dry_run, "frameworks": [r.as_dict() for r in reports]})


def _embed(graph: Graph, ids: list[str] | None, *, lang: str, as_json: bool, after_import: bool = True) -> int:
    """Vectors for these items (None: every item that needs one), after the import committed; returns how many.

    The import's transaction has committed before this runs, so the items are already found by full-text search;
    each batch of vectors is committed on its own. Ctrl-C stops with a message saying how far it got (exit 130);
    a later ``moien curriculum embed`` computes only what is missing.
    """
    from moien.curriculum_graph.embeddings import EmbeddingInterrupted, EmbeddingsUnavailable, embed_items

    if ids is not None and not ids:
        return 0
    if after_import and not as_json:
        err.print(m("embedding_next", lang, n=len(ids or ())), highlight=False, markup=False)
    try:
        n = _run(
            lambda: embed_items(
                graph,
                ids=ids,
                progress=not as_json,
                console=err,
                cache_dir=_cache_dir(),
                label=m("embedding_bar", lang),
            )
        )
    except EmbeddingInterrupted as exc:
        err.print(m("embedding_interrupted", lang, done=exc.done, total=exc.total), highlight=False, markup=False)
        raise typer.Exit(130) from None
    except EmbeddingsUnavailable as exc:
        if not after_import:
            _fail(str(exc))
        err.print(f"  note: {exc}", highlight=False)
        return 0
    if n and after_import and not as_json:
        err.print(m("embedded", lang, n=n), highlight=False)
    return n


def _import_rdf_cmd(
    graph: Graph, paths: list[Path], mapping: str | None, *, dry_run: bool, embed: bool, as_json: bool, lang: str
) -> None:
    """RDF files and folders as one import: survey (``--dry-run``), diff, write, completeness, embeddings."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from moien.curriculum_graph.importers import CurriculumImportError
    from moien.curriculum_graph.importers.rdf import import_rdf

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as bar:
        try:
            done = _run(lambda: import_rdf(graph, paths, mapping, dry_run=dry_run, progress=bar))
        except CurriculumImportError as exc:
            _fail(f"{exc}\n{m('nothing_written', lang)}")
    if dry_run:
        for line in done.survey.lines():
            err.print(line, highlight=False, markup=False)
    for r in done.reports:
        err.print(describe_import(r, lang, dry_run), highlight=False)
        for w in r.warnings[:10]:
            err.print(f"  ⚠ {w}", highlight=False, markup=False)
        if len(r.warnings) > 10:
            err.print(f"  ⚠ … +{len(r.warnings) - 10}", highlight=False)
    if not done.complete:
        err.print(
            "[bold red]"
            + {
                "lb": f"Net komplett: {done.missing_links} Verbindunge feelen; "
                "importéiert déi selwecht Fichieren nach eng Kéier.",
                "fr": f"Import incomplet : {done.missing_links} liens manquent ; "
                "importez à nouveau les mêmes fichiers.",
                "de": f"Unvollständig: {done.missing_links} Verknüpfungen fehlen; "
                "importieren Sie dieselben Dateien erneut.",
                "en": f"Incomplete: {done.missing_links} links are missing; import the same files again.",
            }[lang]
            + "[/]",
            highlight=False,
        )
    if embed and not dry_run:
        _embed(graph, [i for r in done.reports for i in r.written_ids], lang=lang, as_json=as_json)
    if as_json:
        _emit({"dry_run": dry_run, **done.as_dict()})
    if not done.complete:
        raise typer.Exit(1)


# ------------------------------------------------------------------------------------------------ search
@curriculum_app.command("search")
def search_cmd(
    query: Annotated[
        str, typer.Argument(help="What to look for, in Luxembourgish, French, German or English, or an item code.")
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=100, help="How many items.")] = 10,
    subject: Annotated[
        list[str] | None, typer.Option("--subject", "-s", help="Only this subject code (repeatable).")
    ] = None,
    level: Annotated[
        list[str] | None, typer.Option("--level", help="Only this level code, e.g. C3 or 7e (repeatable).")
    ] = None,
    item_type: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Only this item type, e.g. Competency (repeatable).")
    ] = None,
    only_lang: Annotated[
        list[str] | None, typer.Option("--has-lang", help="Only items that have a statement in this language.")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="hybrid (default), text or vector.")] = "hybrid",
    lang: Annotated[str | None, _lang_option()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as one JSON object.")] = False,
) -> None:
    """Search items across languages: full-text and multilingual embeddings, fused."""
    from moien.curriculum_graph.queries import search_items

    lang = _check_lang(lang)
    if mode not in ("hybrid", "text", "vector"):
        _fail("--mode: use hybrid, text or vector")
    graph = _graph()
    try:
        hits = _run(
            lambda: search_items(
                graph,
                query,
                limit=limit,
                subjects=tuple(subject or ()),
                levels=tuple(level or ()),
                types=tuple(item_type or ()),
                langs=tuple(only_lang or ()),
                mode=mode,
            )
        )
    except RuntimeError as exc:  # vector mode without the embedding model
        _fail(str(exc))
    if as_json:
        _emit({"query": query, "mode": mode, "hits": [h.to_dict() for h in hits]})
        return
    if not hits:
        err.print(m("no_match", lang))
        raise typer.Exit(0)
    table = Table(show_header=True, header_style="bold")
    for col in ("code", m("level", lang), m("subject", lang), f"{m('statement', lang)} ({lang})", m("matched", lang)):
        table.add_column(col)
    for h in hits:
        table.add_row(h.code, h.level or "", h.subject or "", h.statement(lang), "+".join(h.matched_by))
    out.print(table)


# ------------------------------------------------------------------------------------------------ types
@curriculum_app.command("types")
def types_cmd(
    framework: Annotated[str | None, typer.Argument(help="A framework id; default: every framework.")] = None,
    lang: Annotated[str | None, _lang_option()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """The item types each framework uses, how many items each has, and whether the education assistant uses them.

    Frameworks name their types their own way (Competency, Standard, Cluster, Learning Outcome…). The assistant
    uses every type by default, the most detailed items first; set `education.types` or `education.exclude_types`
    in moien.toml (or MOIEN_EDUCATION__EXCLUDE_TYPES='["Grade"]') to narrow it.
    """
    from moien.assistants.core.config import get_settings
    from moien.curriculum_graph.queries import item_types

    lang = _check_lang(lang)
    edu = get_settings().education
    graph = _graph()
    counts = _run(lambda: item_types(graph, framework))

    def used(item_type: str) -> bool:
        return (not edu.types or item_type in edu.types) and item_type not in edu.exclude_types

    if as_json:
        _emit({"types": [{**c.__dict__, "used": used(c.type)} for c in counts]})
        return
    if not counts:
        err.print(m("no_types", lang))
        raise typer.Exit(0)
    table = Table(show_header=True, header_style="bold")
    for col in (m("framework", lang), m("type", lang), m("item_count", lang), m("leaves", lang), m("used", lang)):
        table.add_column(col)
    for c in counts:
        table.add_row(c.framework_title, c.type or "—", str(c.items), str(c.leaves), "✓" if used(c.type) else "—")
    out.print(table)


# ------------------------------------------------------------------------------------------------ show
@curriculum_app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="The item's code, e.g. MA-C3-02.")],
    framework: Annotated[
        str | None, typer.Option("--framework", help="The framework id, where several use the code.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the item as one JSON object.")] = False,
    lang: Annotated[str | None, _lang_option()] = None,
) -> None:
    """An item: statements in every language, its place in the tree, its progression and its history."""
    from moien.curriculum_graph.queries import browse, item_history, progression

    ui = _check_lang(lang)
    graph = _graph()
    if framework is None:
        _one_framework_or_ask(graph, code, ui, as_json)
    b = _run(lambda: browse(graph, code, framework=framework))
    if b.item is None:
        _fail(m("no_item", ui, code=code))
    prog = _run(lambda: progression(graph, code))
    history = _run(lambda: item_history(graph, code, framework=framework))
    if as_json:
        _emit(
            {
                "item": b.item.to_dict(),
                "path": [a.code for a in b.ancestors],
                "children": [c.code for c in b.children],
                "before": [p.code for p in prog.before] if prog else [],
                "after": [p.code for p in prog.after] if prog else [],
                "history": history,
            }
        )
        return
    it = b.item
    out.print(
        f"[bold]{it.code}[/]  {it.type or ''}  {m('level', ui)} {', '.join(it.levels) or '—'}  "
        f"{m('subject', ui)} {it.subject or '—'}" + (f"  [red]({m('retired', ui)})[/]" if it.retired else ""),
        highlight=False,
    )
    if b.ancestors:
        out.print(f"{m('path', ui)}: " + " › ".join(a.code for a in b.ancestors), highlight=False)
    for lang in CURRICULUM_LANGS:  # the curriculum's order: French and German first
        if it.statements.get(lang):
            out.print(f"  {lang}: {it.statements[lang]}", highlight=False)
    if it.topics:
        out.print(f"{m('topics', ui)}: " + ", ".join(it.topics), highlight=False)
    if b.children:
        out.print(f"{m('children', ui)}: " + ", ".join(c.code for c in b.children), highlight=False)
    if prog and (prog.before or prog.after):
        out.print(
            f"{m('progression', ui)}: "
            + " → ".join([p.code for p in prog.before] + [f"[bold]{it.code}[/]"] + [p.code for p in prog.after]),
            highlight=False,
        )
    if history:
        out.print(m("history", ui, n=len(history)), highlight=False)


def _one_framework_or_ask(graph: Graph, code: str, ui: str, as_json: bool) -> None:
    """Several items share ``code`` (in different frameworks): list them and ask for ``--framework``, exit 2."""
    rows = _run(
        lambda: graph.read(
            "MATCH (i:Item {code: $code}) OPTIONAL MATCH (f:Framework {id: i.framework}) "
            "RETURN i.framework AS framework, f.title AS title, i.type AS type, i.statement AS statement, "
            "i.retired IS NOT NULL AS retired ORDER BY retired, framework",
            code=code,
        )
    )
    if len(rows) < 2:
        return
    ask = {
        "lb": f"{len(rows)} Elementer hunn de Code {code}; wielt een mat --framework ID:",
        "fr": f"{len(rows)} éléments portent le code {code} ; choisissez-en un avec --framework ID :",
        "de": f"{len(rows)} Elemente haben den Code {code}; wählen Sie eines mit --framework ID:",
        "en": f"{len(rows)} items have the code {code}; choose one with --framework ID:",
    }[ui]
    if as_json:
        _emit({"error": "ambiguous_code", "code": code, "message": ask, "items": rows})
    else:
        err.print(ask, highlight=False)
        for r in rows:
            statement = " ".join(str(r["statement"] or "").split())
            err.print(
                f"  --framework {r['framework']}  ({r['title'] or '—'})  {r['type'] or ''}  {statement[:80]}",
                highlight=False,
                markup=False,
            )
    raise typer.Exit(2)


# ------------------------------------------------------------------------------------------------ links
@curriculum_app.command("links")
def links_cmd(
    code: Annotated[str, typer.Argument(help="The item's code.")],
    lang: Annotated[str | None, _lang_option()] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print official and suggested links as one JSON object.")
    ] = False,
) -> None:
    """An item's official links (from the curriculum) and, apart, moien's suggested cross-curricular links."""
    from moien.curriculum_graph.queries import item_links

    lang = _check_lang(lang)
    graph = _graph()
    links = _run(lambda: item_links(graph, code))
    if links is None:
        _fail(m("no_item", lang, code=code))
    if as_json:
        _emit(links.to_dict())
        return
    out.print(f"[bold]{m('official_of', lang, code=code)}[/] {m('from_curriculum', lang)}", highlight=False)
    if not links.official:
        out.print(f"  {m('none', lang)}")
    for link in links.official:
        arrow = "→" if link.direction == "out" else "←"
        out.print(f"  {link.type} {arrow} {link.other.code}: {link.other.statement(lang)}", highlight=False)
    out.print(f"[bold yellow]{m('suggested_head', lang)}[/] ({len(links.suggested)})", highlight=False)
    for link in links.suggested:
        why = f" [{', '.join(link.evidence)}]" if link.evidence else ""
        if link.status == "accepted":
            why += f" — {m('accepted_by_review', lang)}"
        out.print(
            f"  {link.other.code} ({link.other.subject}) score {link.score:.2f} via {link.method}{why}: "
            f"{link.other.statement(lang)}",
            highlight=False,
        )


# ------------------------------------------------------------------------------------------------ more
@curriculum_app.command("suggest")
def suggest_cmd(
    method: Annotated[
        list[str] | None,
        typer.Option("--method", help="shared-topic, shared-keywords, embedding (repeatable; default all)."),
    ] = None,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=20, help="Suggestions kept per item and method.")] = 3,
    framework: Annotated[str | None, typer.Option("--framework", help="Only items of this framework.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Discover cross-curricular links between subjects and store them as suggestions (never official)."""
    from moien.curriculum_graph.links import METHODS, discover_links

    methods = tuple(method or METHODS)
    for m in methods:
        if m not in METHODS:
            _fail(f"--method {m!r}: use {', '.join(METHODS)}")
    graph = _graph()
    report = _run(lambda: discover_links(graph, methods=methods, top_k=top_k, framework=framework))
    if as_json:
        _emit(report.__dict__)
    else:
        out.print(report.summary(), highlight=False)


@curriculum_app.command("review")
def review_cmd(
    code_a: Annotated[str | None, typer.Argument(help="Code of one item of the suggested link.")] = None,
    code_b: Annotated[str | None, typer.Argument(help="Code of the other item.")] = None,
    accept: Annotated[bool, typer.Option("--accept", help="The team finds this link useful.")] = False,
    reject: Annotated[
        bool, typer.Option("--reject", help="The link is wrong or unhelpful; never suggest it again.")
    ] = False,
    undo: Annotated[bool, typer.Option("--undo", help="Back to 'suggested' (waiting for review).")] = False,
    method: Annotated[str | None, typer.Option("--method", help="Only the suggestion of this method.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")] = None,
    reviewer: Annotated[
        str | None,
        typer.Option("--reviewer", help="Who decided: a team or role, e.g. 'cycle 3 team' (no personal names needed)."),
    ] = None,
    status: Annotated[
        str, typer.Option("--status", help="What to list: suggested (waiting), accepted or rejected.")
    ] = "suggested",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many to list.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    lang: Annotated[str | None, _lang_option()] = None,
) -> None:
    """Review moien's suggested cross-curricular links: without codes, list those waiting for review (strongest
    first); with two codes and --accept, --reject or --undo, record the decision. Accepted links stay
    suggestions — only the curriculum's publisher makes a link official — and rejected ones are not
    suggested again by `moien curriculum suggest`.

      moien curriculum review
      moien curriculum review MA-C3-04 SC-C3-02 --accept --note "fractions in the water-cycle project"
    """
    from moien.curriculum_graph.links import METHODS, ReviewError, review_link, suggested_links

    lang = _check_lang(lang)
    if method is not None and method not in METHODS:
        _fail(f"--method {method!r}: use {', '.join(METHODS)}")
    graph = _graph()
    decisions = [d for d, on in (("accepted", accept), ("rejected", reject), ("suggested", undo)) if on]
    if code_a is None:
        if decisions:
            _fail(m("review_two_codes", lang))
        if status not in ("suggested", "accepted", "rejected"):
            _fail(m("review_status", lang))
        rows = _run(lambda: suggested_links(graph, method=method, limit=limit, status=status))
        if as_json:
            _emit(rows)
            return
        out.print(f"[bold yellow]{m('review_head', lang, n=len(rows), status=m(status, lang))}[/]", highlight=False)
        for r in rows:
            why = f" [{', '.join(r['evidence'])}]" if r["evidence"] else ""
            out.print(
                f"  {r['from_code']} ({r['from_subject']}) ↔ {r['to_code']} ({r['to_subject']})  "
                f"score {r['score']:.2f} via {r['method']}{why}",
                highlight=False,
            )
        if rows and status == "suggested":
            out.print(m("review_hint", lang), highlight=False)
        return
    if code_b is None:
        _fail(m("review_two_codes", lang))
    if len(decisions) != 1:
        _fail(m("review_one_decision", lang))
    try:
        n = _run(lambda: review_link(graph, code_a, code_b, decisions[0], method=method, note=note, reviewer=reviewer))
    except ReviewError as exc:
        key = f"review_{exc.reason}"
        _fail(m(key, lang, **exc.params) if key in MSG else str(exc))
    if as_json:
        _emit({"from": code_a, "to": code_b, "status": decisions[0], "updated": n})
    else:
        out.print(m("reviewed", lang, a=code_a, b=code_b, status=m(decisions[0], lang), n=n), highlight=False)


@curriculum_app.command("embed")
def embed_cmd(lang: Annotated[str | None, _lang_option()] = None) -> None:
    """Compute embeddings for items whose statements changed since they were last embedded (or never were).

    Shows a progress bar with items/s and the time left. Ctrl-C is safe: what was computed is kept, and the next
    run does only the rest; full-text search works meanwhile.
    """
    lang = _check_lang(lang)
    graph = _graph()
    n = _embed(graph, None, lang=lang, as_json=False, after_import=False)
    out.print(m("embedded", lang, n=n) if n else m("all_embedded", lang))


@curriculum_app.command("coverage")
def coverage_cmd(
    framework: Annotated[str | None, typer.Option("--framework", help="Only this framework.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the level × subject counts as JSON.")] = False,
) -> None:
    """How many competencies each level × subject has; empty cells are gaps."""
    from moien.curriculum_graph.queries import coverage

    graph = _graph()
    cov = _run(lambda: coverage(graph, framework=framework))
    if as_json:
        _emit(cov.to_dict())
        return
    table = Table("level", *cov.subjects, header_style="bold")
    for lv in cov.levels:
        table.add_row(lv, *[str(cov.count(lv, s) or "·") for s in cov.subjects])
    out.print(table)


@curriculum_app.command("topics")
def topics_cmd(
    topic: Annotated[
        str | None, typer.Argument(help="A topic code, e.g. sustainability: list its items by subject.")
    ] = None,
    lang: Annotated[str | None, _lang_option()] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Transversal topics and the items across subjects that address them."""
    from moien.curriculum_graph.queries import topic_items, transversal_topics

    lang = _check_lang(lang)
    graph = _graph()
    if topic is None:
        topics = _run(lambda: transversal_topics(graph))
        if as_json:
            _emit({"topics": [t.__dict__ for t in topics]})
            return
        for t in topics:
            per = ", ".join(f"{s} {n}" for s, n in sorted(t.by_subject.items()))
            out.print(f"{t.code}: {t.name(lang)} — {m('items', lang, n=t.items)} ({per})", highlight=False)
        return
    groups = _run(lambda: topic_items(graph, topic))
    if not groups:
        _fail(f"no item addresses topic {topic!r}; see `moien curriculum topics`")
    if as_json:
        _emit({"topic": topic, "by_subject": {s: [h.to_dict() for h in hs] for s, hs in groups.items()}})
        return
    for subject, hits in groups.items():
        out.print(f"[bold]{subject}[/]", highlight=False)
        for h in hits:
            out.print(f"  {h.code} ({', '.join(h.levels)}): {h.statement(lang)}", highlight=False)
