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

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import typer

    from moien.assistants.core.assistant import Assistant
    from moien.assistants.core.config import Settings

GROUP = "moien.assistants"
hookspec = pluggy.HookspecMarker("moien")
hookimpl = pluggy.HookimplMarker("moien")


class AssistantSpec:
    @hookspec
    def register_assistants(self, register: Callable[[Assistant], None], settings: Settings) -> None:
        """Register one or more assistants by calling ``register(assistant)``."""

    @hookspec
    def register_commands(self, cli: typer.Typer) -> None:
        """Add commands or sub-command groups to the ``moien`` command line (``cli.add_typer(...)``)."""


def plugin_manager(extra_plugins: tuple[object, ...] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("moien")
    pm.add_hookspecs(AssistantSpec)
    pm.load_setuptools_entrypoints(GROUP)
    for plugin in extra_plugins:
        pm.register(plugin)
    return pm


def load_assistants(settings: Settings, extra_plugins: tuple[object, ...] = ()) -> dict[str, Assistant]:
    """Every installed assistant, by name (registration order)."""
    found: dict[str, Assistant] = {}

    def register(assistant: Assistant) -> None:
        if assistant.name in found:
            raise ValueError(f"Two plugins register an assistant called '{assistant.name}'.")
        found[assistant.name] = assistant

    plugin_manager(extra_plugins).hook.register_assistants(register=register, settings=settings)
    # pluggy calls hooks last-registered first; present them in a stable order.
    return dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))
