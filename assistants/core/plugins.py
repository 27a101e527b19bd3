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

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.assistant import Assistant
    from moien.assistants.core.config import Settings
    from moien.assistants.core.types import Attachment, Download

GROUP = "moien.assistants"
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
    """A manager with every plugin of the ``moien.assistants`` entry-point group, plus ``extra_plugins``."""
    pm = pluggy.PluginManager("moien")
    pm.add_hookspecs(AssistantSpec)
    pm.load_setuptools_entrypoints(GROUP)
    for plugin in extra_plugins:
        pm.register(plugin)
    return pm


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

    plugin_manager(extra_plugins).hook.register_assistants(register=register, settings=settings)
    if wanted is not None and (missing := wanted - found.keys()):
        raise ValueError(f"No installed plugin registers the assistant(s) {', '.join(sorted(missing))}.")
    # pluggy calls hooks last-registered first; present them in a stable order.
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))
