"""End to end with REAL Rasa Open Source 3.6.21: a Rasa bot hands what it cannot answer to moien.

The tiny bot in tests/rasa_project is trained here (``rasa train``, in Rasa's own Python 3.10 environment), then
three real processes run: ``moien api``, ``moien rasa-actions`` (a rasa-sdk action server whose
``action_moien_answer`` asks moien over HTTP with a secret key it creates) and ``rasa run`` with the REST channel.
A user writes to Rasa, as any Rasa front end does; Rasa's own rules decide: a greeting is answered by the bot
itself, a question it has no intent for goes to moien, and moien's grounded answer comes back through Rasa with
its sources.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from moien.assistants.core.langid import default_identifier
from tests.api_server import api_server, serving
from tests.conftest import free_port
from tests.test_rasa_actions import PROJECT, rasa_venv

pytestmark = [pytest.mark.model, pytest.mark.rasa]

#: Rasa's usage reporting off: nothing leaves the host during the tests either.
QUIET = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
#: A question the tiny bot has no intent for, which the general assistant's demo documents answer
#: (assistants/general/docs/school-registration.fr.md).
QUESTION = "Comment inscrire mon enfant à l'école ? Quels documents faut-il apporter ?"


@pytest.fixture(scope="module")
def rasa_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bot, trained now into a temporary folder (about 15-70 s on two cores); its time is printed."""
    out = tmp_path_factory.mktemp("rasa-train")
    started = time.monotonic()
    done = subprocess.run(
        [
            str(rasa_venv() / "bin" / "rasa"),
            "train",
            "--config",
            str(PROJECT / "config.yml"),
            "--domain",
            str(PROJECT / "domain.yml"),
            "--data",
            str(PROJECT / "data"),
            "--out",
            str(out),
            "--fixed-model-name",
            "moien-test-bot",
        ],
        cwd=out,  # Rasa writes its training cache (.rasa/) in the working folder
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=900,  # a net against a hang, not a speed check: a loaded machine may be slow
        check=False,
    )
    model = out / "moien-test-bot.tar.gz"
    if done.returncode != 0 or not model.is_file():
        pytest.fail(f"rasa train failed ({done.returncode}):\n{(done.stdout + done.stderr)[-4000:]}")
    print(f"\nrasa train: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return model


@pytest.fixture(scope="module")
def rasa_bot(rasa_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moien's API, moien's action server and Rasa itself, all real; yields Rasa's URL."""
    work = tmp_path_factory.mktemp("rasa-run")
    venv = rasa_venv()
    with api_server({"MOIEN_MODEL__MAX_TOKENS": "160"}) as moien_url:
        actions_port = free_port()
        actions = [sys.executable, "-m", "moien.assistants.core.cli", "rasa-actions", "--port", str(actions_port)]
        actions += ["--api-url", moien_url, "--rasa-venv", str(venv)]
        actions_env = {**os.environ, **QUIET}
        actions_env.pop("MOIEN_API_KEY", None)  # the command creates (or reuses) its own key
        with serving(
            actions, ready=f"http://127.0.0.1:{actions_port}/health", log=work / "actions.log", env=actions_env
        ):
            endpoints = work / "endpoints.yml"
            endpoints.write_text(
                yaml.safe_dump({"action_endpoint": {"url": f"http://127.0.0.1:{actions_port}/webhook"}})
            )
            port = free_port()
            rasa = [str(venv / "bin" / "rasa"), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(port)]
            rasa += ["--model", str(rasa_model), "--credentials", str(PROJECT / "credentials.yml")]
            rasa += ["--endpoints", str(endpoints)]
            with serving(
                rasa, ready=f"http://127.0.0.1:{port}/status", log=work / "rasa.log", env={**os.environ, **QUIET}
            ):
                yield f"http://127.0.0.1:{port}"


def say(rasa_url: str, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """What a Rasa front end does: POST to Rasa's REST channel; returns Rasa's list of bot messages."""
    body = {"sender": sender, "message": text, "metadata": metadata or {}}
    # Generous: moien's model takes 10-90 s per answer on a loaded 2-core machine (Rasa allows an action 300 s).
    response = httpx.post(f"{rasa_url}/webhooks/rest/webhook", json=body, timeout=400)
    assert response.status_code == 200, response.text
    messages = response.json()
    assert isinstance(messages, list)
    return messages


def test_a_greeting_is_answered_by_rasa_itself(rasa_bot):
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    greeting = domain["responses"]["utter_greet"][0]["text"]

    messages = say(rasa_bot, uuid.uuid4().hex, "Moien")

    assert [m.get("text") for m in messages] == [greeting]  # the bot's own response, not moien's
    assert not any("custom" in m for m in messages)


def test_an_out_of_scope_question_comes_back_with_moiens_grounded_answer(rasa_bot):
    started = time.monotonic()
    sender = uuid.uuid4().hex

    messages = say(rasa_bot, sender, QUESTION, {"assistant": "general", "lang": "fr"})

    print(f"\nquestion through Rasa and moien: {time.monotonic() - started:.1f} s", file=sys.stderr)
    assert all(m["recipient_id"] == sender for m in messages)
    text = "\n\n".join(m["text"] for m in messages if m.get("text"))
    payloads = [m["custom"]["moien"] for m in messages if "moien" in (m.get("custom") or {})]
    assert text and payloads, messages
    trust = payloads[-1]
    # An answer, or the answer guardrail's notice when it retracted what the model wrote (sources kept either way).
    assert trust["kind"] in ("answer", "unverified"), (trust, text)
    assert trust["assistant"] == "general" and trust["lang"] == "fr"
    assert trust["ai_generated"] is (trust["kind"] == "answer") and trust["model"]
    assert trust["disclosure"]  # the conversation's first turn: moien's AI notice travels through Rasa too
    sources = trust["sources"]  # ids name the collection and the file: demo/school-registration.fr.md#0
    assert sources and any("school-registration" in s["id"] for s in sources), sources
    assert default_identifier().identify(text).lang == "fr", text
