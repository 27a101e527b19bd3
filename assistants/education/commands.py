"""``moien neo4j start|stop|status``, ``moien demo load`` and the education plugin's part of ``moien setup``.

The curriculum graph is the education plugin's: the local Neo4j server that holds it and the demo curriculum
loaded into it are the plugin's to manage, so its commands live here (registered by ``register_commands``)
rather than in the core's command line. Messages and exit codes are those the core printed before the move.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from moien.assistants.core.config import Settings
    from moien.connectors.neo4j_graph import Graph
    from moien.connectors.neo4j_server import LocalNeo4j, Neo4jStatus

neo4j_app = typer.Typer(help="The local Neo4j server that holds the curriculum graph.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data shipped with moien.", no_args_is_help=True)

err = Console(stderr=True)
out = Console()


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def _dim(message: str) -> None:
    err.print(f"[dim]{message}[/]")


def _settings() -> Settings:
    from moien.assistants.core.config import get_settings

    return get_settings()


def embedding_cache_dir(settings: Settings) -> Path:
    """Where item embeddings are cached between graphs (a fresh graph with the same statements reuses them)."""
    return settings.home / "cache"


# --- the steps, shared by the commands and the setup hook -----------------------------------------
class NotLocal(RuntimeError):
    """``NEO4J_URI`` points at a server moien does not manage; the message says so."""


def local_neo4j(settings: Settings) -> LocalNeo4j:
    """The local server the settings describe; :class:`NotLocal` when ``NEO4J_URI`` names another one."""
    from moien.connectors.neo4j_server import LocalNeo4j

    if not settings.uses_local_neo4j:
        raise NotLocal(
            f"NEO4J_URI is set ({settings.neo4j.uri}): moien does not start a local server. "
            "Unset it to use the local one."
        )
    n = settings.neo4j
    return LocalNeo4j(
        settings.neo4j_home, port=n.port, heap=n.heap, dist_dir=n.dist_dir, pagecache=n.pagecache, java_opts=n.java_opts
    )


def start_neo4j(settings: Settings, echo: Callable[[str], None]) -> str:
    """Build the server once, start it, apply the schema migrations; returns the line that says where it runs.

    Raises ``Neo4jServerError`` (from the server) or :class:`NotLocal`.
    """
    from moien.connectors.neo4j_graph import get_graph
    from moien.curriculum_graph.schema import MIGRATIONS

    server = local_neo4j(settings)
    server.ensure_built(echo=echo)
    st = _neo4j_status(server.start(echo=echo))
    applied = get_graph(settings).migrate(MIGRATIONS)
    return f"Neo4j running at {st.uri} (pid {st.pid}); data in {st.data_dir}" + (
        f"; applied migrations {', '.join(applied)}" if applied else ""
    )


def _neo4j_status(st: object) -> Neo4jStatus:
    """A status of the local Neo4j server with its Bolt address (the generic server status has no ``uri``)."""
    from moien.connectors.neo4j_server import Neo4jStatus

    assert isinstance(st, Neo4jStatus), type(st)  # LocalNeo4j makes every status it reports a Neo4jStatus
    return st


def load_demo_curriculum(settings: Settings, graph: Graph | None = None) -> str:
    """Load the demo curriculum (idempotent); returns the line that says how many items it has.

    Raises ``GraphUnavailable`` when Neo4j cannot be reached.
    """
    from moien.connectors.neo4j_graph import get_graph
    from moien.curriculum_graph.demo import load_demo

    n = load_demo(graph or get_graph(settings), cache_dir=embedding_cache_dir(settings))
    return f"Demo curriculum loaded: {n} items."


def setup(settings: Settings, echo: Callable[[str], None]) -> None:
    """``moien setup``'s curriculum part: the local Neo4j (unless ``NEO4J_URI`` is set), then the demo curriculum."""
    from moien.assistants.core.plugins import SetupError
    from moien.connectors.neo4j_graph import GraphUnavailable
    from moien.connectors.neo4j_server import Neo4jServerError

    try:
        if settings.uses_local_neo4j:
            echo(start_neo4j(settings, echo))
        echo(load_demo_curriculum(settings))
    except (Neo4jServerError, GraphUnavailable) as exc:
        raise SetupError(str(exc)) from exc


# --- moien neo4j ----------------------------------------------------------------------------------
def _local() -> LocalNeo4j:
    try:
        return local_neo4j(_settings())
    except NotLocal as exc:
        _fail(str(exc))


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch Neo4j once (Maven), start it on 127.0.0.1, wait for Bolt, apply schema migrations."""
    from moien.connectors.neo4j_server import Neo4jServerError

    try:
        line = start_neo4j(_settings(), _dim)
    except NotLocal as exc:
        _fail(str(exc))
    except Neo4jServerError as exc:
        _fail(str(exc))
    out.print(line)


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j server (no-op when it is not running)."""
    st = _local().stop()
    out.print(st.message or "Neo4j stopped.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j server runs, and where."""
    st = _neo4j_status(_local().status())
    out.print(
        f"{'running' if st.running else 'stopped'}: {st.uri} pid={st.pid} data={st.data_dir}"
        + (f" — {st.message}" if st.message else "")
    )
    raise typer.Exit(0 if st.running else 3)


# --- moien demo -----------------------------------------------------------------------------------
@demo_app.command("load")
def demo_load() -> None:
    """Load the demo curriculum into Neo4j (idempotent)."""
    from moien.connectors.neo4j_graph import GraphUnavailable

    try:
        line = load_demo_curriculum(_settings())
    except GraphUnavailable as exc:
        _fail(str(exc))
    out.print(line)
