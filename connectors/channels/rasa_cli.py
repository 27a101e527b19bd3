"""``moien rasa-actions``: a real rasa-sdk action server whose ``action_moien_answer`` asks moien.

An existing Rasa bot points its ``endpoints.yml`` ``action_endpoint`` at this server and hands its fallback or FAQ
to moien (a rule ``nlu_fallback → action_moien_answer``); the bot's front end then shows moien's grounded answers
with their sources, unchanged.

Why a separate process in another Python: rasa-sdk needs Python 3.10 (Rasa 3.6) and pins pydantic, websockets and
grpcio to versions that conflict with moien's, so it runs from Rasa's own virtual environment (``make rasa`` builds
``.rasa-venv``; ``settings.rasa.venv``). This command only prepares that process — it finds the environment,
provides a secret API key, puts moien's small actions module (``connectors/channels/rasa_actions/``: rasa-sdk and
the standard library only) on its ``PYTHONPATH`` — and then *becomes* it (``exec``), so signals (Ctrl-C, a
supervisor's SIGTERM) reach the action server directly. The action talks to moien over its HTTP API, as any client.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import httpx
import typer

from moien.assistants.core.config import Settings, get_settings
from moien.connectors.channels.access import AccessStore
from moien.connectors.channels.rasa_actions import FOLDER, MODULE

#: The name of the key this command creates when none is given.
KEY_NAME = "rasa-actions"
#: Where that key is kept (mode 0600, beside the access database), so that a restart reuses it instead of
#: creating a new key each time: only its digest is in the database, it cannot be read back from there.
KEY_FILE = "rasa-actions.key"


def _fail(message: str) -> NoReturn:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(1)


def local_api_url(settings: Settings) -> str:
    """Where the local ``moien api`` answers, from ``settings.api`` (a wildcard bind is reached on loopback)."""
    host = settings.api.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.api.port}"


def api_answers(url: str) -> bool:
    """Whether moien's API answers its liveness probe (``/healthz``) now."""
    try:
        return httpx.get(f"{url}/healthz", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def rasa_python(venv: Path) -> Path:
    """The Rasa environment's Python, checked to import rasa-sdk; exits with how to build it when it cannot."""
    python = venv / "bin" / "python"
    how = (
        f"Rasa's Python 3.10 environment is missing at {venv}. Build it with `make rasa` "
        "(or `bash .ci/rasa-venv.sh`), or point --rasa-venv / MOIEN_RASA__VENV at one that has rasa-sdk."
    )
    if not python.exists():
        _fail(how)
    probe = subprocess.run([str(python), "-c", "import rasa_sdk"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        _fail(f"{how}\n({python} cannot import rasa_sdk: {probe.stderr.strip().splitlines()[-1:]})")
    return python


def provide_key(store: AccessStore, key_file: Path) -> tuple[str, str]:
    """A secret key for the action server, and its name: the one kept in ``key_file`` if still valid, else a new one.

    A new key is named ``rasa-actions`` (``rasa-actions-2``… when that name is taken: names of revoked keys stay
    reserved) and written to ``key_file`` readable by its owner only. ``moien keys revoke NAME`` stops it.
    """
    if key_file.is_file():
        kept = key_file.read_text(encoding="utf-8").strip()
        info = store.key_for_secret(kept) if kept else None
        if info is not None and info.revoked is None:
            return kept, info.name
    taken = {k.name for k in store.list_keys()}
    name = next(n for n in (KEY_NAME, *(f"{KEY_NAME}-{i}" for i in range(2, 10_000))) if n not in taken)
    key = store.add_key(name, assistants=[], rpm=None, per_day=None)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key, name


def rasa_actions(
    port: Annotated[
        int, typer.Option(help="Port of the action server (Rasa's endpoints.yml: action_endpoint).")
    ] = 5055,
    host: Annotated[
        str,
        typer.Option(help="Address to bind. Rasa usually runs on the same host; use 0.0.0.0 only behind a firewall."),
    ] = "127.0.0.1",
    api_url: Annotated[
        str | None, typer.Option("--api-url", help="moien's API (default: the local `moien api`, from settings.api).")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            envvar="MOIEN_API_KEY",
            help="A secret key (msk_…, `moien keys add`). Default: one named rasa-actions, created once and kept "
            "in $MOIEN_HOME/rasa-actions.key.",
        ),
    ] = None,
    rasa_venv: Annotated[
        Path | None,
        typer.Option("--rasa-venv", help="Rasa's Python 3.10 environment (default: settings.rasa.venv, .rasa-venv)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds to wait for moien's answer (Rasa itself gives an action 300 s).")
    ] = 240.0,
) -> None:
    """Run a rasa-sdk action server whose action_moien_answer answers with moien (text, and sources as custom).

    In the Rasa bot: list action_moien_answer under `actions:` in domain.yml, route a rule to it (for example
    `intent: nlu_fallback` → `action: action_moien_answer`), and point endpoints.yml's action_endpoint at
    http://HOST:PORT/webhook. moien's API (`moien api`) must be running.
    """
    settings = get_settings()
    python = rasa_python(rasa_venv or settings.rasa.venv)
    url = (api_url or local_api_url(settings)).rstrip("/")
    if key:
        key_name = "given key"
    else:
        try:
            key, key_name = provide_key(AccessStore(settings.home / "access.sqlite3"), settings.home / KEY_FILE)
        except (OSError, ValueError) as exc:
            _fail(f"could not create an API key for the action server ({exc}); pass one with --key")
    env = {
        **os.environ,
        "MOIEN_API_URL": url,
        "MOIEN_API_KEY": key,
        "MOIEN_API_TIMEOUT": str(timeout),
        # rasa-sdk binds 0.0.0.0 unless SANIC_HOST says otherwise.
        "SANIC_HOST": host,
        "PYTHONPATH": os.pathsep.join(p for p in (str(FOLDER), os.environ.get("PYTHONPATH", "")) if p),
        # Sovereignty: Rasa's usage reporting stays off in this process too.
        "RASA_TELEMETRY_ENABLED": "false",
    }
    typer.echo(f"Rasa action server: http://{host}:{port}/webhook  (action_moien_answer)")
    typer.echo(f"Asks moien at:      {url}  (key: {key_name})")
    if not api_answers(url):  # a warning, not a failure: the API may simply be started after this server
        typer.secho(f"moien's API does not answer at {url} yet: start it with `moien api`.", err=True, fg="yellow")
    sys.stdout.flush()
    sys.stderr.flush()
    argv = [str(python), "-m", "rasa_sdk", "--actions", MODULE, "--port", str(port)]
    # exec, not a child process: the action server gets this process's signals and exit code.
    os.execve(argv[0], argv, env)
