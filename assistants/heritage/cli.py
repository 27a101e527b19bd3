"""``moien heritage``: import, enrich, index, search and show heritage records; start the kiosk. ``moien
opensearch``: the local OpenSearch node of the search's server backend.

Mounted on the ``moien`` command line by the plugin's ``register_commands`` hook; ``moien heritage`` also runs
alone as ``python -m moien.assistants.heritage.cli``. The settings are read here and passed to the ``heritage``
package as values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from moien.lang import LANGS

if TYPE_CHECKING:
    from moien.assistants.core.config import Settings
    from moien.connectors.opensearch_server import LocalOpenSearch
    from moien.heritage.search import SearchConfig
    from moien.heritage.store import RecordStore

app = typer.Typer(
    name="heritage",
    help="Heritage collections: import (OAI-PMH, Dublin Core, EDM, LIDO, METS/MODS, CSV/JSON), enrich with "
    "provenance, search in four languages, show records, run the museum kiosk.\n\n"
    "Everything is stored under $MOIEN_HOME/heritage. Start with `moien heritage demo`, then "
    '`moien heritage search "Buerg Veianen"` or `moien heritage kiosk`.',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
opensearch_app = typer.Typer(
    help="The local OpenSearch node for the heritage search's server backend (MOIEN_HERITAGE__BACKEND=opensearch).",
    no_args_is_help=True,
)
err = Console(stderr=True)
out = Console()

LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Language of labels and messages (lb, fr, de, en); default: MOIEN_UI_LANG.")
]


def _settings() -> Settings:
    from moien.assistants.core.config import get_settings

    return get_settings()


def _lang(lang: str | None) -> str:
    lang = (lang or _settings().ui_lang or "lb").lower()
    return lang if lang in LANGS else "en"


def _store() -> RecordStore:
    from moien.heritage.store import RecordStore

    return RecordStore.open(_settings().home)


def _search_config() -> SearchConfig:
    from moien.heritage.search import SearchConfig

    return SearchConfig.from_settings(_settings())


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


class _Bars:
    """Rich progress bars on stderr, one per phase (import, enrichment, embeddings, links, index)."""

    def __init__(self, enabled: bool = True) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not enabled,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Bars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)

    def update(self, phase: str, done: int, total: int | None) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.progress.add_task(phase, total=total)
        self.progress.update(self.tasks[phase], completed=done, total=total)


# --- import ---------------------------------------------------------------------------------------
@app.command("import")
def import_(
    source: Annotated[str, typer.Argument(help="A file, a folder of files, or an OAI-PMH base URL (https://…).")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="auto, oai-pmh, oai_dc, dc, edm, lido, mets, csv or json "
            "(auto: from the URL, the suffix or the XML root).",
        ),
    ] = "auto",
    mapping: Annotated[
        Path | None, typer.Option(help="Field mapping (YAML/JSON) for CSV and JSON; see docs/heritage.md.")
    ] = None,
    set_spec: Annotated[str | None, typer.Option("--set", help="OAI-PMH: harvest only this set.")] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", help="OAI-PMH: records changed on or after this date (default: since the last complete harvest)."
        ),
    ] = None,
    until: Annotated[str | None, typer.Option(help="OAI-PMH: records changed on or before this date.")] = None,
    restart: Annotated[
        bool, typer.Option(help="OAI-PMH: ignore the saved checkpoint and harvest from the start.")
    ] = False,
    retries: Annotated[int, typer.Option(help="OAI-PMH: retries per request on network errors and HTTP 429/5xx.")] = 5,
    max_requests: Annotated[
        int | None,
        typer.Option(
            "--max-requests",
            min=1,
            help="OAI-PMH: stop after this many requests (retries included; default 200,000), so a provider that "
            "loops its resumption token or pages without end is not hammered. The pages read so far stay stored; "
            "run again to resume.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as one JSON object.")] = False,
    lang: LangOpt = None,
) -> None:
    """Import records; a bad record is reported with its id and reason, and the others still import.

    Imports are incremental and idempotent: unchanged records are skipped, changed ones updated. An
    interrupted OAI-PMH harvest resumes from its saved resumption token when run again.
    Exit status: 0 all imported, 3 some records were reported and skipped, 1 nothing could be read.
    """
    from moien.heritage.i18n import msg, reason_text
    from moien.heritage.importers import ImportFailed, import_path

    lang = _lang(lang)
    store = _store()
    is_url = source.startswith(("http://", "https://"))
    try:
        with _Bars(not as_json) as bars:
            if is_url or fmt == "oai-pmh":
                if not is_url:
                    _fail(msg("oai_needs_url", lang))
                from moien.connectors.oaipmh import MAX_REQUESTS, OAIClient
                from moien.heritage.harvest import harvest

                limit = MAX_REQUESTS if max_requests is None else max_requests
                with OAIClient(source, retries=retries, max_requests=limit) as client:
                    report = harvest(
                        store,
                        source,
                        set_spec=set_spec,
                        from_=from_,
                        until=until,
                        restart=restart,
                        client=client,
                        progress=lambda d, t: bars.update("harvest", d, t),
                    )
            else:
                report = import_path(
                    store, Path(source), fmt, mapping, progress=lambda d, t: bars.update("import", d, t)
                )
    except ImportFailed as exc:
        # one line in the curator's language (soft_wrap: the terminal's width must not break it); ``--json`` and
        # logs keep the English ``str(exc)``
        from rich.markup import escape

        err.print(
            f"[bold red]{msg('import_failed', lang)}[/] {escape(reason_text(exc.reason, lang))}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    if as_json:
        print(report.to_json())
    else:
        if report.resumed:
            err.print(msg("resumed", lang))
        for rid, reason in report.errors:
            err.print(
                f"[yellow]{msg('record_error', lang)}:[/] {rid} — {reason_text(reason, lang)}",
                highlight=False,
                soft_wrap=True,
            )
        out.print(
            msg(
                "imported",
                lang,
                read=report.read,
                new=report.new,
                updated=report.updated,
                unchanged=report.unchanged,
                errors=len(report.errors),
                seconds=report.seconds,
            )
        )
    raise typer.Exit(3 if report.errors else 0)


@app.command()
def identify(url: Annotated[str, typer.Argument(help="OAI-PMH base URL.")]) -> None:
    """Ask an OAI-PMH endpoint who it is (Identify) and which sets it has (ListSets)."""
    from moien.connectors.oaipmh import OAIClient, OAIError, OAIUnavailable

    try:
        with OAIClient(url) as client:
            info = client.identify()
            info["sets"] = client.list_sets()
    except (OAIError, OAIUnavailable, ValueError) as exc:
        _fail(str(exc))
    print(json.dumps(info, ensure_ascii=False, indent=1))


# --- enrich / index -------------------------------------------------------------------------------
@app.command()
def enrich(
    steps: Annotated[
        str, typer.Option(help="Comma-separated steps: language, dates, authority, keywords, embeddings, links.")
    ] = "language,dates,authority,keywords,embeddings,links",
    force: Annotated[bool, typer.Option(help="Enrich every record again, not only new and changed ones.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Derive languages, date intervals (EDTF), keywords, authority links and links between records.

    Every enrichment is stored beside the source values with its method, version and confidence; the
    source values are never changed.
    """
    from moien.assistants.heritage.plugin import language_detector
    from moien.heritage.embeddings import Embedder
    from moien.heritage.enrich import enrich as run
    from moien.heritage.enrich.authority import load_authority
    from moien.heritage.i18n import kind_label, msg

    lang = _lang(lang)
    heritage = _settings().heritage
    Embedder.configure(threads=heritage.embed_threads)
    asked = [s.strip() for s in steps.split(",") if s.strip()]
    try:
        with _Bars(not as_json) as bars:
            report = run(
                _store(),
                asked,
                force=force,
                progress=bars.update,
                authority=load_authority(heritage.authority),
                language=language_detector() if "language" in asked else None,
            )
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    kinds = ", ".join(f"{n} × {kind_label(k, lang)}" for k, n in sorted(report.by_kind.items()))
    out.print(msg("enriched_done", lang, enriched=report.enriched, seconds=report.seconds, kinds=kinds or "-"))


@app.command()
def index(
    embeddings: Annotated[
        bool,
        typer.Option(help="Also embed records with multilingual e5 (slower to build; finds records across languages)."),
    ] = True,
    lang: LangOpt = None,
) -> None:
    """Build the search index (BM25 + embeddings) under $MOIEN_HOME/heritage/index, or in OpenSearch when
    MOIEN_HERITAGE__BACKEND=opensearch."""
    from moien.heritage.i18n import msg
    from moien.heritage.search import IndexMissing, build_index

    lang = _lang(lang)
    try:
        with _Bars() as bars:
            m = build_index(_store(), _settings().home, _search_config(), embeddings=embeddings, progress=bars.update)
    except IndexMissing as exc:  # e.g. the OpenSearch server does not answer
        _fail(str(exc))
    except ModuleNotFoundError as exc:
        _fail(f"{exc.name} is not installed: install moien with its 'opensearch' extra (`make install` does).")
    out.print(
        msg(
            "indexed",
            lang,
            records=m["records"],
            terms=m["terms"],
            seconds=m["seconds"],
            emb=msg("yes" if m["embeddings"] else "no", lang),
        )
    )


@app.command()
def images(
    force: Annotated[bool, typer.Option("--force", help="Fetch again pictures that are already copied.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    lang: LangOpt = None,
) -> None:
    """Copy the pictures that records only reference on the web (isShownBy, thumbnails) to this machine, so
    the kiosk shows them with the network cable pulled. Run it after an import or harvest, where the
    providers can be reached; the kiosk itself never fetches anything. A picture that cannot be fetched is
    reported with its record and reason; the others are copied."""
    import json

    from moien.connectors.image_fetch import FetchPolicy, ImageFetcher
    from moien.heritage.i18n import msg
    from moien.heritage.images import cache_images

    lang = _lang(lang)
    settings = _settings()
    # Public addresses only, unless the operator allows a host or network (a provider on the institution's own
    # network): a record must not make moien fetch from loopback, the intranet or a cloud metadata address.
    policy = FetchPolicy.allowing(settings.heritage.image_fetch_allow)
    with ImageFetcher(policy=policy) as fetcher, _Bars(enabled=not as_json) as bars:
        rep = cache_images(
            _store(), settings.home, fetcher=fetcher, force=force, progress=lambda d, t: bars.update("images", d, t)
        )
    if as_json:
        out.print_json(json.dumps(rep.as_dict(), ensure_ascii=False))
    else:
        out.print(
            msg(
                "images_cached",
                lang,
                fetched=rep.fetched,
                already=rep.already,
                failed=len(rep.failed),
                none=rep.records_without_remote,
            ),
            highlight=False,
        )
        for rid, url, reason in rep.failed[:20]:
            err.print(msg("image_failed", lang, id=rid, url=url, reason=reason), highlight=False)
        if rep.refused:
            err.print(msg("images_refused", lang, n=rep.refused), highlight=False)
    if rep.failed and not rep.fetched and not rep.already:
        raise typer.Exit(1)


# --- search / show / stats ------------------------------------------------------------------------
@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in Luxembourgish, French, German or English.")],
    type_: Annotated[
        str | None, typer.Option("--type", help="Only this type (IMAGE, TEXT, 3D, or a word: Foto, affiche…).")
    ] = None,
    place: Annotated[
        str | None, typer.Option(help="Only records about this place (any language: Veianen, Vianden).")
    ] = None,
    provider: Annotated[
        str | None, typer.Option(help="Only from this institution or aggregator (part of its name).")
    ] = None,
    rights: Annotated[
        str | None,
        typer.Option(help="Only with these rights: cc0, public-domain, cc-by, in-copyright, or part of a URI."),
    ] = None,
    year_from: Annotated[
        int | None, typer.Option("--from-year", help="Only records whose date reaches this year or later.")
    ] = None,
    year_to: Annotated[
        int | None, typer.Option("--to-year", help="Only records whose date begins this year or earlier.")
    ] = None,
    limit: Annotated[int, typer.Option(help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: query, filters, results.")] = False,
    lang: LangOpt = None,
) -> None:
    """Search the records (BM25 and multilingual embeddings, fused): a question in Luxembourgish finds
    records described only in French or German."""
    from dataclasses import asdict

    from moien.heritage.i18n import msg
    from moien.heritage.search import IndexMissing, SearchFilters, get_search
    from moien.heritage.views import summary

    lang = _lang(lang)
    store = _store()
    filters = SearchFilters(
        type=type_, place=place, provider=provider, rights=rights, year_from=year_from, year_to=year_to
    )
    try:
        hits = get_search(store, _settings().home, _search_config()).search(query, filters, top_k=limit)
    except IndexMissing as exc:
        _fail(str(exc))
    recs = store.get_many([h.id for h in hits])
    home = _settings().home
    results = [{**summary(recs[h.id], lang, home), **h.to_dict()} for h in hits if h.id in recs]
    if as_json:
        print(
            json.dumps(
                {
                    "query": query,
                    "filters": {k: v for k, v in asdict(filters).items() if v is not None},
                    "results": results,
                },
                ensure_ascii=False,
            )
        )
        return
    if not results:
        out.print(msg("no_results", lang))
        return
    table = Table(show_header=True, header_style="bold", box=None)
    for col in ("#", "id", "title", "date", "type", "place", "score"):
        table.add_column(col)
    for i, r in enumerate(results, 1):
        table.add_row(
            str(i), r["id"], r["title"][:60], r["date"] or "", r["type"] or "", r["place"] or "", f"{r['score']:.3f}"
        )
    out.print(table)


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(help="The record's id (or a unique end of it, e.g. h01).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the record: source values, enrichments, provenance.")
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Show a record: source values and, beside them, the enrichments with method, version and confidence."""
    from moien.heritage.i18n import field_label, method_label, msg
    from moien.heritage.views import side_by_side

    lang = _lang(lang)
    store = _store()
    rec = store.find(record_id)
    if rec is None:
        _fail(msg("not_found", lang, id=record_id), code=2)
    if as_json:
        print(json.dumps(rec.public_dict(), ensure_ascii=False))
        return
    out.print(
        f"[bold]{rec.title(lang)}[/]  ({rec.id})" + (f"  [red]{msg('deleted', lang)}[/]" if rec.deleted else ""),
        highlight=False,
    )
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("")
    table.add_column(msg("source", lang))
    table.add_column(msg("enriched", lang))
    for row in side_by_side(rec, lang):
        src = "\n".join(f"{s['value']}" + (f" [{s['lang']}]" if s["lang"] else "") for s in row["source"])
        enr = "\n".join(
            f"{e['value']} ({e['kind_label']}; {e['method']} {e['version']}; {e['confidence']:.2f})"
            for e in row["enriched"]
        )
        table.add_row(row["label"], src, enr)
    out.print(table, highlight=False)
    related = rec.related()
    if related:
        out.print(f"\n[bold]{field_label('related', lang)}[/]")
        for e in related[:12]:
            via = f" ({msg('related_via', lang)} {e.data['via']})" if e.data.get("via") else ""
            out.print(f"  {e.value}: {method_label(e.method, lang)}{via}, {e.confidence:.2f}", highlight=False)
    p = rec.provenance
    out.print(
        f"\n[bold]{msg('provenance', lang)}[/]: {p.format} · {p.origin} · {p.original_id}"
        + (f" · {p.datestamp}" if p.datestamp else "")
        + f" · {p.imported_at} · {p.importer}",
        highlight=False,
    )


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """How many records, by provider and format, how many enriched, and the state of the index."""
    from moien.heritage.search import IndexMissing
    from moien.heritage.search.embedded import HeritageIndex, index_dir

    store = _store()
    data = store.stats()
    try:
        data["index"] = HeritageIndex(index_dir(_settings().home)).manifest
    except IndexMissing:
        data["index"] = None
    print(json.dumps(data, ensure_ascii=False, indent=None if as_json else 1))


@app.command()
def demo(
    embeddings: Annotated[bool, typer.Option(help="Build the multilingual embeddings too.")] = True,
    lang: LangOpt = None,
) -> None:
    """Load the demo collection (214 records in lb/fr/de/en, with images), enrich and index it. Idempotent."""
    from moien.assistants.heritage.plugin import language_detector
    from moien.heritage.demo import load_demo
    from moien.heritage.i18n import msg
    from moien.heritage.search import IndexMissing

    lang = _lang(lang)
    store = _store()
    try:
        with _Bars() as bars:
            summary = load_demo(
                store,
                _settings().home,
                embeddings=embeddings,
                progress=bars.update,
                search=_search_config(),
                language=language_detector(),
            )
    except IndexMissing as exc:  # e.g. the OpenSearch server does not answer
        _fail(str(exc))
    out.print(msg("demo_loaded", lang, records=summary["index"]["records"]))


def _streamlit(app_file: str, port: int, host: str, extra_env: dict[str, str] | None = None) -> NoReturn:
    from moien.assistants.core.pages import run_page

    out.print(f"http://{host}:{port}  (Ctrl+C)")
    raise typer.Exit(run_page(app_file, host, port, extra_env))


@app.command()
def kiosk(
    port: Annotated[int, typer.Option(help="Port of the kiosk app.")] = 8502,
    host: Annotated[
        str, typer.Option(help="Address to bind (the kiosk's own browser usually runs on the same machine).")
    ] = "127.0.0.1",
    idle: Annotated[
        int | None,
        typer.Option(
            help="Seconds without a touch before the conversation is wiped (default: MOIEN_HERITAGE__KIOSK_IDLE_SECONDS, 90)."
        ),
    ] = None,
) -> None:
    """Start the full-screen visitor kiosk (four languages, large type, images, idle reset; works offline)."""
    # the app reads its settings from the environment, like every moien process: the option travels there
    env = {"MOIEN_HERITAGE__KIOSK_IDLE_SECONDS": str(idle)} if idle is not None else None
    _streamlit("kiosk_app.py", port, host, env)


@app.command()
def staff(
    port: Annotated[int, typer.Option(help="Port of the staff app.")] = 8503,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Start the staff view: search, and record pages with source and enriched values side by side."""
    _streamlit("staff_app.py", port, host)


# --- moien opensearch -----------------------------------------------------------------------------
def _local_opensearch() -> LocalOpenSearch:
    from moien.connectors.opensearch_server import LocalOpenSearch, OpenSearchServerError

    s = _settings()
    if s.heritage.opensearch_url:
        _fail(
            f"MOIEN_HERITAGE__OPENSEARCH_URL is set ({s.heritage.opensearch_url}): moien does not start a local "
            "OpenSearch. Unset it to use the local one."
        )
    try:
        return LocalOpenSearch.from_settings(s)
    except OpenSearchServerError as exc:
        _fail(str(exc))


@opensearch_app.command("start")
def opensearch_start() -> None:
    """Build the local OpenSearch node once (Maven), start it on 127.0.0.1, wait until it answers."""
    from moien.connectors.opensearch_server import OpenSearchServerError

    server = _local_opensearch()
    try:
        st = server.start(echo=lambda m: err.print(f"[dim]{m}[/]"))
    except OpenSearchServerError as exc:
        _fail(str(exc))
    out.print(f"OpenSearch running at {st.url} (pid {st.pid}); data in {st.data_dir}")


@opensearch_app.command("stop")
def opensearch_stop() -> None:
    """Stop the local OpenSearch node (no-op when it is not running)."""
    out.print(_local_opensearch().stop().message)


@opensearch_app.command("status")
def opensearch_status() -> None:
    """Say whether the local OpenSearch node runs, and where."""
    st = _local_opensearch().status()
    out.print(f"{'running' if st.running else 'stopped'}: {st.url} pid={st.pid} data={st.data_dir} — {st.message}")
    raise typer.Exit(0 if st.running else 3)


# --- moien setup ----------------------------------------------------------------------------------
def setup_heritage(settings: Settings, echo: Callable[[str], None]) -> None:
    """``moien setup``'s heritage part (the plugin's ``setup`` hook). Idempotent, and quick the second time.

    With the OpenSearch backend and no ``MOIEN_HERITAGE__OPENSEARCH_URL``, the local node is started; then the
    demo collection goes into an empty store (unless ``MOIEN_HERITAGE__DEMO=0``) and the search index is built
    if it is missing or older than the store, so the first question does not wait for it.
    """
    from moien.assistants.core.plugins import SetupError
    from moien.assistants.heritage.plugin import language_detector
    from moien.connectors.opensearch_server import LocalOpenSearch, OpenSearchServerError
    from moien.heritage.demo import load_demo
    from moien.heritage.search import IndexMissing, SearchConfig, get_search
    from moien.heritage.store import RecordStore

    config = SearchConfig.from_settings(settings)
    store = RecordStore.open(settings.home)
    try:
        if config.backend == "opensearch" and not config.opensearch_url:
            st = LocalOpenSearch.from_settings(settings).start(echo=echo)
            echo(f"OpenSearch running at {st.url} (pid {st.pid}).")
        if store.count() == 0 and settings.heritage.demo:
            summary = load_demo(store, settings.home, search=config, language=language_detector())
            echo(f"Heritage demo collection loaded: {summary['index']['records']} records.")
        elif store.count():
            get_search(store, settings.home, config)  # builds the index when it is missing or stale
            echo(f"Heritage collection searchable: {store.count()} records.")
    except (OpenSearchServerError, IndexMissing) as exc:
        raise SetupError(str(exc)) from exc
    except ModuleNotFoundError as exc:
        raise SetupError(
            f"{exc.name} is not installed: install moien with its 'opensearch' extra (`make install` does), "
            "or set MOIEN_HERITAGE__BACKEND=embedded."
        ) from exc
    finally:
        store.close()


if __name__ == "__main__":
    app()
