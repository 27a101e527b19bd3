"""How assistants plug in: pluggy hooks loaded from the ``moien.assistants`` entry-point group.

In the style of ``llm``/Datasette: a package declares

    [project.entry-points."moien.assistants"]
    mine = "my_package.plugin"

and ``my_package/plugin.py`` implements the hook::

    from moien.assistants.core.plugins import hookimpl

    @hookimpl
    def register_assistants(register, settings):
        register(MyAssistant(settings))

The core never imports an assistant by name: it only sees what the hooks register.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

import pluggy
from pluggy import HookCaller

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.assistant import Assistant
    from moien.assistants.core.config import Settings
    from moien.assistants.core.types import Attachment, Download

GROUP = "moien.assistants"
log = logging.getLogger("moien.plugins")
#: Plugins whose module could not be imported, by entry-point name, with the reason (see ``plugin_manager``).
BROKEN: dict[str, str] = {}
hookspec = pluggy.HookspecMarker("moien")
hookimpl = pluggy.HookimplMarker("moien")


class AssistantSpec:
    @hookspec
    def register_assistants(self, register: Callable[[Assistant], None], settings: Settings) -> None:
        """Register one or more assistants by calling ``register(assistant)``."""

    @hookspec
    def register_commands(self, cli: typer.Typer) -> None:
        """Add commands or sub-command groups to the ``moien`` command line (``cli.add_typer(...)``).

        Plugins own their commands, as Datasette's built-ins register through Datasette's own hooks: the
        education plugin adds ``moien curriculum``, ``moien neo4j`` and ``moien demo``; heritage adds
        ``moien heritage`` and ``moien opensearch``.
        """

    @hookspec
    def setup(self, settings: Settings, echo: Callable[[str], None]) -> None:
        """Prepare what this plugin needs before a first run (start a local server, load demo data).

        ``moien setup`` calls every implementation; each must be idempotent and quick the second time, and report
        progress through ``echo``. Raise ``SetupError`` with a message that says what to do next.
        """

    @hookspec(firstresult=True)
    def attachment_downloads(self, attachment: Attachment, lang: str) -> list[Download] | None:
        """The files a person can save for ``attachment`` (labels in ``lang``), or ``None`` if it is not yours.

        The plugin whose assistant made the attachment answers; channels render the downloads.
        """


def attachment_downloads(attachment: Attachment, lang: str) -> list[Download]:
    """What a person can save for ``attachment``, from the plugin that made it (nothing if none claims it)."""
    downloads: list[Download] | None = _installed().hook.attachment_downloads(attachment=attachment, lang=lang)
    return downloads or []


@lru_cache(maxsize=1)
def _installed() -> pluggy.PluginManager:
    """The installed plugins, loaded once per process: a page asks for downloads on every rerun."""
    return plugin_manager()


def plugin_manager(extra_plugins: tuple[object, ...] = ()) -> pluggy.PluginManager:
    """A manager with every plugin of the ``moien.assistants`` entry-point group, plus ``extra_plugins``.

    A plugin that cannot be imported is left out and reported (``BROKEN``, and an error in the log). Why not
    pluggy's ``load_setuptools_entrypoints``: it stops at the first plugin that fails to import, and one broken
    outside package would take every channel and the whole command line down with it.
    """
    pm = pluggy.PluginManager("moien")
    pm.add_hookspecs(AssistantSpec)
    for ep in entry_points(group=GROUP):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue  # the same plugin seen twice on the path (an editable and a wheel install)
        try:
            plugin = ep.load()
        except Exception as exc:  # someone else's code: leave it out, say so, carry on
            BROKEN[ep.name] = f"{type(exc).__name__}: {exc}"
            log.error(
                "the plugin %r (%s) could not be loaded and is left out (%s); reinstall or update it",
                ep.name,
                ep.value,
                BROKEN[ep.name],
            )
            continue
        pm.register(plugin, name=ep.name)
    for plugin in extra_plugins:
        pm.register(plugin)
    return pm


def call_each(hook: HookCaller, **kwargs: object) -> dict[str, Exception]:
    """Call every plugin's implementation of ``hook`` in turn; one that raises does not stop the others.

    Returns the failures by plugin name, for the caller to report (pluggy's own call stops at the first).
    """
    failures: dict[str, Exception] = {}
    for impl in hook.get_hookimpls():
        try:
            impl.function(*[kwargs[name] for name in impl.argnames])
        except Exception as exc:  # reported by the caller, with the plugin's name
            failures[impl.plugin_name] = exc
    return failures


class SetupError(RuntimeError):
    """A plugin's ``setup`` could not finish; the message says what to do next."""


def load_assistants(
    settings: Settings, extra_plugins: tuple[object, ...] = (), only: Iterable[str] | None = None
) -> dict[str, Assistant]:
    """Every installed assistant, by name (registration order); with ``only``, just those (a kiosk: heritage)."""
    found: dict[str, Assistant] = {}
    wanted = None if only is None else set(only)

    def register(assistant: Assistant) -> None:
        if wanted is not None and assistant.name not in wanted:
            assistant.close()
            return
        if assistant.name in found:
            raise ValueError(f"Two plugins register an assistant called '{assistant.name}'.")
        found[assistant.name] = assistant

    failures = call_each(plugin_manager(extra_plugins).hook.register_assistants, register=register, settings=settings)
    for name, exc in failures.items():
        log.error(
            "the plugin %r could not register its assistants (%s: %s); the others work", name, type(exc).__name__, exc
        )
    if wanted is not None and (missing := wanted - found.keys()):
        raise ValueError(f"No installed plugin registers the assistant(s) {', '.join(sorted(missing))}.")
    # pluggy calls hooks last-registered first; present them in a stable order.
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))
