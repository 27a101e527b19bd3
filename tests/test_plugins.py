"""Plugins fail alone: a broken outside package never takes the command line, the channels or the others down."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _broken_plugin(site: Path) -> None:
    """An installed distribution whose plugin module cannot be imported (as after a half-finished upgrade)."""
    info = site / "moien_broken_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: moien-broken-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[moien.assistants]\nbroken = moien_broken_plugin_mod\n")
    (site / "moien_broken_plugin_mod.py").write_text("import a_module_that_is_not_installed\n")


def _moien(args: list[str], tmp_path: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "MOIEN_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, "-m", "moien.assistants.core.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_plugin_that_cannot_be_imported_is_left_out_and_named(tmp_path):
    site = tmp_path / "site"
    _broken_plugin(site)
    help_out = _moien(["--help"], tmp_path, site)
    assert help_out.returncode == 0, help_out.stderr
    assert "curriculum" in help_out.stdout and "heritage" in help_out.stdout  # the other plugins' commands
    assert "broken" in help_out.stderr and "a_module_that_is_not_installed" in help_out.stderr
    listed = _moien(["assistants"], tmp_path, site)
    assert listed.returncode == 0, listed.stderr
    assert {"general", "education", "heritage"} <= set(listed.stdout.split())


def test_one_plugins_failing_hook_does_not_stop_the_others():
    import pluggy

    from moien.assistants.core.plugins import AssistantSpec, SetupError, call_each, hookimpl

    prepared: list[str] = []

    class Fails:
        @hookimpl
        def setup(self, settings, echo):
            raise SetupError("the server did not start: run `moien neo4j start` to see why")

    class Works:
        @hookimpl
        def setup(self, settings, echo):
            prepared.append("works")

    pm = pluggy.PluginManager("moien")  # just these two, not the installed ones
    pm.add_hookspecs(AssistantSpec)
    pm.register(Fails())
    pm.register(Works())
    failures = call_each(pm.hook.setup, settings=None, echo=print)
    assert prepared == ["works"]
    assert [type(e) for e in failures.values()] == [SetupError]


def test_an_old_variable_name_is_reported_not_silently_ignored(monkeypatch):
    from moien.assistants.core.config import Settings, SettingsWarning

    monkeypatch.setenv("MOIEN_HERITAGE_DEMO", "0")
    monkeypatch.delenv("MOIEN_HERITAGE__DEMO", raising=False)
    with pytest.warns(SettingsWarning, match="MOIEN_HERITAGE__DEMO"):
        Settings()
