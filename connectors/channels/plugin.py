"""The HTTP channels' commands, registered through the same hooks as the assistants' (entry point ``channels``).

``moien api`` serves every HTTP channel; ``moien sites`` / ``moien keys`` manage who may use them;
``moien rasa-actions`` runs a rasa-sdk action server whose ``action_moien_answer`` asks moien.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from moien.assistants.core.plugins import hookimpl


def api(
    host: Annotated[
        str | None,
        typer.Option(help="Address to bind (default: api.host, 127.0.0.1). Use 0.0.0.0 only behind a reverse proxy."),
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: api.port, 8000).")] = None,
    reload: Annotated[
        bool, typer.Option("--reload/--no-reload", help="Restart on code changes (development only).")
    ] = False,
) -> None:
    """Serve moien over HTTP: the OpenAI-compatible API, Rasa's REST and socket.io channels, the chat widget.

    One process answers api.max_concurrent_turns questions at once; run several processes behind a load balancer
    with MOIEN_SESSIONS__REDIS_URL set so they share conversations and quotas. Message text is never logged.
    """
    import uvicorn

    from moien.assistants.core.config import get_settings

    settings = get_settings()
    bind_host = host or settings.api.host
    bind_port = port or settings.api.port
    # The factory reads the settings from the environment in the server process (and again on each reload).
    os.environ["MOIEN_API__HOST"] = bind_host
    os.environ["MOIEN_API__PORT"] = str(bind_port)
    shown = (
        settings.api.public_url or f"http://{'127.0.0.1' if bind_host in ('0.0.0.0', '::') else bind_host}:{bind_port}"
    )
    typer.echo(f"moien API:      {shown}/v1  (OpenAI-compatible; Rasa REST at {shown}/webhooks/rest/webhook)")
    typer.echo(f"API reference:  {shown}/docs")
    typer.echo(f"Demo page:      {shown}/demo")
    uvicorn.run(
        "moien.connectors.channels.app:create_app",
        factory=True,
        host=bind_host,
        port=bind_port,
        reload=reload,
        # Our own access log (app.AccessLogMiddleware) leaves out query strings; uvicorn's would print them.
        access_log=False,
        # X-Forwarded-For is believed only from these addresses (your reverse proxy): the per-IP quota counts the
        # address it names, so a wider list would let any client choose its own IP.
        proxy_headers=True,
        forwarded_allow_ips=settings.api.trusted_proxies,
    )


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    """``moien api``, ``moien sites``, ``moien keys`` and ``moien rasa-actions``."""
    cli.command("api")(api)
    from moien.connectors.channels.access_cli import keys_app, sites_app
    from moien.connectors.channels.rasa_cli import rasa_actions

    cli.add_typer(sites_app, name="sites")
    cli.add_typer(keys_app, name="keys")
    cli.command("rasa-actions")(rasa_actions)
