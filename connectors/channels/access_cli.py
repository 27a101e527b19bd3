"""``moien sites …`` and ``moien keys …``: who may use the HTTP channels (see :mod:`.access`).

Two typer groups, registered by the channels plugin. Keys are printed once, when created, alone on the last line
(so ``moien keys add NAME | tail -n1`` captures one); afterwards only a short prefix is ever shown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from moien.assistants.core.config import get_settings
from moien.connectors.channels.access import AccessStore

__all__ = ["keys_app", "sites_app"]

sites_app = typer.Typer(
    help="Web sites (intranet pages) that may embed the chat widget or a Rasa front end.\n\n"
    "Each site gets a publishable key (mpk_…) for the page and an allow-list of origins: the API answers a "
    "browser only from a listed origin, and a site with no origin answers none.",
    no_args_is_help=True,
)
keys_app = typer.Typer(
    help="Secret API keys (msk_…) for server-to-server use: an intranet backend, a script, an OpenAI client.\n\n"
    "Keep them out of web pages: a page uses a site key (moien sites add).",
    no_args_is_help=True,
)

#: Exit code for a usage error the user can fix (bad origin, duplicate name), as click uses for bad options.
USAGE_ERROR = 2

err = Console(stderr=True)
out = Console()


def _store() -> AccessStore:
    return AccessStore(get_settings().home / "access.sqlite3")


def _fail(message: str, code: int = USAGE_ERROR) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _when(stamp: float | None) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "never"


def _quota(rpm: int | None, per_day: int | None) -> str:
    parts = ([f"{rpm}/min"] if rpm else []) + ([f"{per_day}/day"] if per_day else [])
    return ", ".join(parts) or "no limit"


AssistantOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--assistant",
        "-a",
        help="An assistant this caller may use (repeat for several; default: all of them), e.g. --assistant general.",
    ),
]
RpmOpt = Annotated[
    int | None, typer.Option("--rpm", min=1, help="Requests per minute allowed (default: no limit of its own).")
]
PerDayOpt = Annotated[
    int | None, typer.Option("--per-day", min=1, help="Requests per day allowed (default: no limit of its own).")
]


# --- sites -----------------------------------------------------------------------------------------------------
@sites_app.command("add")
def sites_add(
    name: Annotated[str, typer.Argument(help="A short name for the site, e.g. intranet (letters, digits, - _ .).")],
    origin: Annotated[
        list[str] | None,
        typer.Option(
            "--origin",
            "-o",
            help="An origin the page is served from, scheme://host[:port], e.g. https://intranet.example.lu "
            "(repeat for several). https only, except http://localhost and http://127.0.0.1. None: every origin "
            "is refused until you add the site again with one.",
        ),
    ] = None,
    assistant: AssistantOpt = None,
    rpm: RpmOpt = None,
    per_day: PerDayOpt = None,
) -> None:
    """Register a site and print its publishable key (for data-site="…" in the embed snippet)."""
    try:
        key = _store().add_site(name, origin or [], assistant or [], rpm, per_day)
    except ValueError as exc:
        _fail(str(exc))
    if not origin:
        err.print(
            "[yellow]warning:[/] no --origin given: this site is refused from every page until it lists one.",
            highlight=False,
        )
    out.print(f'Site {name!r} added. Its publishable key (put it in the page: data-site="…"):', highlight=False)
    out.print("It will not be shown again; this key is public, the origin allow-list protects the site.")
    # Alone on the last line, unstyled, so scripts can take it with `tail -n1`.
    typer.echo(key)


@sites_app.command("list")
def sites_list() -> None:
    """Show the sites: origins, assistants, quotas, key prefix, last use (never the keys)."""
    sites = _store().list_sites()
    if not sites:
        out.print("No sites yet. Add one: moien sites add NAME --origin https://intranet.example.lu")
        return
    table = Table("name", "assistants", "quota", "key", "created", "last used")
    table.add_column("origins", overflow="fold")
    for s in sites:
        table.add_row(
            s.name,
            ", ".join(s.assistants) or "all",
            _quota(s.rpm, s.per_day),
            s.key_prefix,
            _when(s.created),
            _when(s.last_used),
            "\n".join(s.origins) or "(none: all refused)",
        )
    out.print(table)


@sites_app.command("remove")
def sites_remove(name: Annotated[str, typer.Argument(help="The site's name (see: moien sites list).")]) -> None:
    """Remove a site: its key and origins stop working at once (within seconds in running API processes)."""
    try:
        _store().remove_site(name)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    out.print(f"Site {name!r} removed.", highlight=False)


# --- keys ------------------------------------------------------------------------------------------------------
@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="A name saying who uses the key, e.g. intranet-backend.")],
    assistant: AssistantOpt = None,
    rpm: RpmOpt = None,
    per_day: PerDayOpt = None,
) -> None:
    """Create a secret key and print it, once, alone on the last line."""
    try:
        key = _store().add_key(name, assistant or [], rpm, per_day)
    except ValueError as exc:
        _fail(str(exc))
    out.print(f"Key {name!r} created. Send it as 'Authorization: Bearer <key>'.", highlight=False)
    out.print("It will not be shown again: store it now (only its SHA-256 digest is kept).")
    typer.echo(key)


@keys_app.command("list")
def keys_list() -> None:
    """Show the keys: prefix, name, assistants, quota, created, last used, revoked (never the keys)."""
    keys = _store().list_keys()
    if not keys:
        out.print("No keys yet. Create one: moien keys add NAME")
        return
    table = Table("key", "name", "assistants", "quota", "created", "last used", "revoked")
    for k in keys:
        table.add_row(
            k.key_prefix,
            k.name,
            ", ".join(k.assistants) or "all",
            _quota(k.rpm, k.per_day),
            _when(k.created),
            _when(k.last_used),
            _when(k.revoked) if k.revoked else "no",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name (see: moien keys list).")]) -> None:
    """Revoke a key: every API process refuses it from its next request on."""
    try:
        _store().revoke_key(name)
    except KeyError as exc:
        _fail(str(exc.args[0]))
    out.print(f"Key {name!r} revoked.", highlight=False)
