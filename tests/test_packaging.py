"""moien as other people install it: a wheel that works outside this checkout, and an outside plugin that plugs in.

Both install for real (pip, into a folder of the test's own) and run the `moien` command in a new process, so
they see what a newcomer or a plugin author would see, not this checkout's source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.language import check_reply_language, written_by_the_model

EXAMPLE = ROOT / "tests" / "plugin_example"


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"


def _pip(*args: str) -> None:
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", *args])


def _clean_env(**extra: str) -> dict[str, str]:
    # Run from an empty folder so nothing of this checkout is importable by accident.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "HAYSTACK_TELEMETRY_ENABLED": "False", **extra}


FOLDERS = ("assistants", "curriculum_graph", "heritage", "documents", "connectors", "ui")


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [p for p in out.splitlines() if (ROOT / p).is_file()]


def _copy_tracked(dest: Path) -> Path:
    """The checkout's tracked files as they are now, without build leftovers (setuptools reuses ./build)."""
    for rel in _tracked():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = _copy_tracked(tmp_path_factory.mktemp("src"))
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(src)])
    (found,) = out.glob("moien-*.whl")
    return found


def test_the_wheel_holds_every_tracked_file_under_the_moien_name(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tops = {n.split("/")[0] for n in names if not n.startswith("moien-")}
    assert tops == {"moien"}, f"the wheel installs top-level names other than moien: {tops}"
    # Every module and every data file of the five folders (documents, demo curricula, mappings, pictures…)
    expected = {"moien/" + p for p in _tracked() if p.startswith(tuple(f + "/" for f in FOLDERS))}
    expected |= {p for p in _tracked() if p.startswith("moien/")}
    missing = sorted(expected - names)
    assert not missing, f"files missing from the wheel ({len(missing)}): {missing[:10]}"
    extra = sorted(n for n in names if n.endswith(".py") and n not in expected)
    assert not extra, f"modules in the wheel that the checkout does not have: {extra[:10]}"
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "moien = moien.assistants.core.cli:main" in entry_points
    assert "general = moien.assistants.general.plugin" in entry_points


def test_the_wheel_installs_into_an_empty_venv_and_moien_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    _pip("--target", site, str(wheel))
    # moien itself comes from the wheel; its dependencies from this environment's site-packages. PYTHONPATH adds no
    # .pth files, so this checkout's editable install (a finder started by a .pth file) stays invisible.
    env = _clean_env(PYTHONPATH=sysconfig.get_paths()["purelib"])

    def moien(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [python, "-m", "moien.assistants.core.cli", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = subprocess.run(
        [python, "-c", "import moien.assistants.core.cli as c; print(c.__file__)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(site), f"moien was imported from {where.stdout}, not the wheel"
    help_out = moien("--help")
    assert help_out.returncode == 0, help_out.stderr
    for command in ("ask", "setup", "serve", "model", "langid", "curriculum", "heritage", "neo4j"):
        assert command in help_out.stdout, command
    # A command that needs a data file shipped in the wheel: the language-identification model.
    lid = moien("langid", "--json", "Moien, wéi geet et dir haut?")
    assert lid.returncode == 0, lid.stderr
    assert json.loads(lid.stdout)["lang"] == "lb"


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("plugin-site")
    # From a copy: pip would leave build/ and .egg-info folders in the checkout.
    example = tmp_path_factory.mktemp("example") / "plugin_example"
    shutil.copytree(EXAMPLE, example)
    _pip("--target", str(site), str(example))
    return site


def _moien(args: list[str], settings, site: Path) -> subprocess.CompletedProcess[str]:
    env = _clean_env(
        PYTHONPATH=str(site),
        MOIEN_HOME=str(settings.home),
        MOIEN_NEO4J__PORT=str(settings.neo4j.port),
    )
    return subprocess.run(
        [sys.executable, "-m", "moien.assistants.core.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_an_installed_outside_plugin_is_listed(settings, plugin_site):
    proc = _moien(["assistants"], settings, plugin_site)
    assert proc.returncode == 0, proc.stderr
    assert "library" in proc.stdout
    # and the built-in assistants are still there, registered through the same hook
    assert {"general", "education", "heritage"} <= set(proc.stdout.split())


@pytest.mark.model
@pytest.mark.parametrize(
    ("lang", "question"),
    [("lb", "Wéini ass d'Bibliothéik samschdes op?"), ("en", "Is the library open on Saturday?")],
)
def test_questions_are_routed_to_an_outside_plugin_and_cite_its_sources(
    settings, neo4j_server, plugin_site, lang, question
):
    proc = _moien(["ask", "--json", question], settings, plugin_site)
    assert proc.returncode == 0, proc.stderr
    reply = json.loads(proc.stdout)
    assert reply["assistant"] == "library", reply
    # An answer, or the answer guardrail's notice (the sources kept); in the language asked, or for Luxembourgish
    # in the model's fallback with the notice that says so (tests/language.py).
    assert reply["kind"] in ("answer", "unverified"), reply
    check_reply_language(reply, lang)
    assert [s["id"] for s in reply["sources"]] == [f"library-hours-{lang}"]
    assert reply["ai_generated"] is written_by_the_model(reply) and reply["text"].strip()
