"""The `moien` command line as other tools use it (subprocess, real model, real Neo4j)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from moien.assistants.core import i18n
from tests.conftest import ROOT
from tests.language import check_reply_language, written_by_the_model

MOIEN = [sys.executable, "-m", "moien.assistants.core.cli"]


def run(args: list[str], settings, extra_env: dict[str, str] | None = None, stdin: bytes | None = None):
    env = {
        **os.environ,
        "MOIEN_HOME": str(settings.home),
        "MOIEN_NEO4J__PORT": str(settings.neo4j.port),
        **(extra_env or {}),
    }
    return subprocess.run(MOIEN + args, cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=900)


@pytest.mark.model
@pytest.mark.neo4j
@pytest.mark.parametrize(
    "lang,question",
    [
        ("lb", "Wat kascht eng nei Identitéitskaart?"),
        ("fr", "Le musée est-il ouvert le lundi ?"),
        ("de", "Wann sind die Weihnachtsferien?"),
        ("en", "How do I register my child for school?"),
    ],
)
def test_ask_json_answers_in_the_question_language_with_sources(settings, neo4j_server, lang, question):
    proc = run(["ask", "--json", question], settings)
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().strip().splitlines()
    assert len(lines) == 1, "--json prints exactly one JSON object"
    reply = json.loads(lines[0])
    assert set(reply) >= {"text", "lang", "sources", "ai_generated", "model", "disclosure", "assistant", "kind"}
    # An answer, or the answer guardrail's notice when it retracted what the model wrote (sources kept either way);
    # the text in the language it is labelled with, which for Luxembourgish is the model's fallback with a notice.
    assert reply["kind"] in ("answer", "unverified"), reply
    assert reply["ai_generated"] is written_by_the_model(reply)  # not a retracted answer's notice, not an extract
    check_reply_language(reply, lang)
    assert reply["sources"] and all({"id", "title", "uri", "snippet"} <= set(s) for s in reply["sources"])
    assert reply["disclosure"] == i18n.t("disclosure", lang)  # moien's own frame: in the language asked


def test_help_explains_every_command(settings):
    proc = run(["--help"], settings)
    out = proc.stdout.decode()
    assert proc.returncode == 0
    for command in ("ask", "setup", "serve", "model", "neo4j", "langid"):
        assert command in out


def test_missing_model_file_fails_with_the_fix(settings, tmp_path):
    proc = run(
        ["ask", "--assistant", "general", "When does school start?"],
        settings,
        {"MOIEN_MODEL__PATH": str(tmp_path / "missing.gguf")},
    )
    assert proc.returncode == 1
    assert "MOIEN_MODEL__PATH" in proc.stderr.decode()


def test_bad_checksum_refuses_to_load(settings, tmp_path):
    """A damaged copy of the default model in a fresh cache is refused and the fix is named."""
    cache = tmp_path / "models"
    cache.mkdir()
    from moien.connectors.llm.model_store import BUILTIN_MODELS

    model = BUILTIN_MODELS[settings.model.name]
    with open(cache / model.filename, "wb") as f:  # right size, wrong bytes (sparse file: no disk cost)
        f.truncate(model.size)
    proc = run(
        ["ask", "--assistant", "general", "When does school start?"], settings, {"MOIEN_MODEL__CACHE_DIR": str(cache)}
    )
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert "Checksum mismatch" in err and "moien model fetch" in err


def test_empty_question_from_stdin_gets_a_clear_reply(settings):
    proc = run(["ask", "--json", "--ui-lang", "de", "-"], settings, stdin=b"   \n")
    reply = json.loads(proc.stdout.decode())
    assert reply["kind"] == "invalid_input" and reply["lang"] == "de"
    assert reply["text"] == i18n.t("empty_message", "de")
