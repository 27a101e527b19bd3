"""moien calls an existing bot's custom actions: a REAL rasa-sdk 3.6.2 action server, in Rasa's Python 3.10 env.

The server runs tests/rasa_project/actions.py (a bot's own actions, as an existing Rasa project has them). moien's
client (``moien.connectors.rasa_actions_client``) lists and runs them over Rasa's own protocol, and the general
assistant answers a configured intent through one of them (``rasa.intent_actions``) without the model: the core
is given a model server address where nothing listens, so any attempt to generate would end in an error reply.

Then moien's own action server (``moien rasa-actions``) when moien cannot answer: the user reads a clear message
in their language, the operator's log says what to do, and Rasa never sees a failure. (Its happy path, with the
model, is tests/test_rasa_e2e.py.) None of these tests needs the model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from moien.assistants.core.langid import default_identifier
from moien.assistants.core.types import Query
from moien.connectors.rasa_actions_client import (
    ActionRejected,
    ActionServerUnavailable,
    RasaActionsClient,
    UnknownAction,
)
from tests.api_server import serving
from tests.conftest import free_port

pytestmark = pytest.mark.rasa

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "tests" / "rasa_project"


def rasa_venv() -> Path:
    """Rasa's Python 3.10 environment (``make rasa`` builds it); the test fails, saying so, when it is missing."""
    venv = Path(os.environ.get("MOIEN_RASA__VENV", ".rasa-venv"))
    venv = venv if venv.is_absolute() else ROOT / venv
    if not (venv / "bin" / "rasa").exists():
        pytest.fail(f"Rasa's environment is missing at {venv}: build it with `make rasa` (bash .ci/rasa-venv.sh)")
    return venv


@pytest.fixture(scope="module")
def action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """rasa-sdk's own server (``python -m rasa_sdk``) with the test bot's actions; yields its webhook URL."""
    python = rasa_venv() / "bin" / "python"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "SANIC_HOST": "127.0.0.1"}
    log = tmp_path_factory.mktemp("action-server") / "actions.log"
    argv = [str(python), "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    with serving(argv, ready=f"http://127.0.0.1:{port}/health", log=log, env=env):
        yield f"http://127.0.0.1:{port}/webhook"


@pytest.fixture
def client(action_server: str) -> Iterator[RasaActionsClient]:
    with RasaActionsClient(action_server) as c:
        yield c


def test_the_client_sees_the_servers_health_and_its_actions(client):
    assert client.healthy()
    assert {"action_opening_hours", "action_always_rejects"} <= set(client.actions())


def test_an_action_runs_and_its_messages_and_events_come_back(client):
    result = client.run(
        "action_opening_hours",
        sender_id="visitor-1",
        text="Le musée est ouvert le lundi ?",
        intent="ask_public_service",
        metadata={"lang": "fr"},
    )
    assert result.text, result
    assert default_identifier().identify(result.text).lang == "fr"  # the action read the metadata's language
    assert {"event": "slot", "name": "venue", "value": "museum"}.items() <= result.events[0].items()


def test_an_unknown_action_is_a_clear_error(client):
    with pytest.raises(UnknownAction) as caught:
        client.run("action_nobody_wrote", sender_id="s", text="hello")
    assert caught.value.status == 404
    assert "action_nobody_wrote" in str(caught.value) and "GET /actions" in str(caught.value)


def test_an_action_that_refuses_to_run_is_a_clear_error(client):
    with pytest.raises(ActionRejected) as caught:
        client.run("action_always_rejects", sender_id="s", text="hello")
    assert caught.value.status == 400
    assert "never runs" in str(caught.value)  # the action's own reason reaches the operator


def test_an_action_server_that_is_not_there_is_a_clear_error():
    with RasaActionsClient(f"http://127.0.0.1:{free_port()}/webhook", timeout=5) as nowhere:
        assert not nowhere.healthy()
        with pytest.raises(ActionServerUnavailable, match=r"start it .* or fix rasa\.actions_url"):
            nowhere.run("action_opening_hours", sender_id="s", text="hello")


@pytest.fixture
def core_with_actions(settings, action_server):
    """A real Core whose general assistant answers the intent ``ask_public_service`` through the action server.

    Its model server address is a port where nothing listens: this path must never need the model.
    """
    from moien.assistants.core.config import RasaSettings
    from moien.assistants.core.engine import Core

    rasa = RasaSettings(actions_url=action_server, intent_actions={"ask_public_service": "action_opening_hours"})
    model = settings.model.model_copy(
        update={"openai_base_url": f"http://127.0.0.1:{free_port()}/v1", "openai_model": "nowhere"}
    )
    core = Core(settings.model_copy(update={"rasa": rasa, "model": model}))
    yield core
    core.close()


@pytest.mark.parametrize(
    "question, lang", [("Le musée est ouvert le lundi ?", "fr"), ("Wann hat das Museum geöffnet?", "de")]
)
def test_the_general_assistant_answers_a_configured_intent_with_the_action(core_with_actions, client, question, lang):
    route = core_with_actions.router.route(question)
    assert (route.assistant, route.intent) == ("general", "ask_public_service")

    reply = core_with_actions.ask(question)

    assert reply.kind == "answer", reply.text
    assert reply.assistant == "general" and reply.lang == lang
    assert reply.ai_generated is False  # relayed as the action wrote it, not generated
    direct = client.run("action_opening_hours", sender_id="s", text=question, metadata={"lang": lang})
    assert reply.text == direct.text
    assert [(s.id, s.uri) for s in reply.sources] == [("rasa-action:action_opening_hours", client.url)]
    assert "Rasa" in reply.sources[0].title and reply.sources[0].snippet == direct.text


def test_when_the_action_server_is_down_the_documents_answer(settings):
    from moien.assistants.general.plugin import GeneralAssistant

    helper = GeneralAssistant(
        actions=RasaActionsClient(f"http://127.0.0.1:{free_port()}/webhook", timeout=5),
        intent_actions={"ask_public_service": "action_opening_hours"},
    )
    query = Query(text="Le musée est ouvert le lundi ?", lang="fr", session_id="s", intent="ask_public_service")
    grounding = helper.ground(query)
    helper.close()
    assert grounding.sources and not any(s.id.startswith("rasa-action:") for s in grounding.sources)
    assert helper.respond(query, grounding, model=None) is None  # type: ignore[arg-type]  # the core's model answers


# --- moien's own action server (`moien rasa-actions`): what happens when moien cannot answer ------------------------
MOIEN = [sys.executable, "-m", "moien.assistants.core.cli"]


def test_the_action_server_key_is_created_once_and_replaced_when_revoked(tmp_path):
    from moien.connectors.channels.access import AccessStore
    from moien.connectors.channels.rasa_cli import provide_key

    store, kept = AccessStore(tmp_path / "access.sqlite3"), tmp_path / "rasa-actions.key"
    key, name = provide_key(store, kept)
    assert key.startswith("msk_") and name == "rasa-actions"
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert provide_key(store, kept) == (key, name)  # a restart reuses it
    store.revoke_key(name)
    new_key, new_name = provide_key(store, kept)
    assert new_key != key and new_name == "rasa-actions-2"


def test_without_its_rasa_environment_the_command_says_how_to_build_it(tmp_path):
    done = subprocess.run(
        [*MOIEN, "rasa-actions", "--rasa-venv", str(tmp_path / "nowhere")], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "make rasa" in done.stderr and str(tmp_path / "nowhere") in done.stderr


def test_when_moien_cannot_be_reached_the_user_reads_a_clear_message(tmp_path):
    port = free_port()
    argv = [*MOIEN, "rasa-actions", "--port", str(port), "--api-url", f"http://127.0.0.1:{free_port()}"]
    argv += ["--rasa-venv", str(rasa_venv())]
    env = {**os.environ, "MOIEN_HOME": str(tmp_path / "home")}
    env.pop("MOIEN_API_KEY", None)
    with serving(argv, ready=f"http://127.0.0.1:{port}/health", log=tmp_path / "actions.log", env=env):
        with RasaActionsClient(f"http://127.0.0.1:{port}") as moien_actions:
            assert moien_actions.actions() == ["action_moien_answer"]
            for lang in ("fr", "lb"):
                result = moien_actions.run(
                    "action_moien_answer", sender_id="s", text="Bonjour ?", metadata={"lang": lang}
                )
                [message] = result.responses
                assert message.text and not message.custom
                assert default_identifier().identify(message.text).lang == lang  # in the user's language
            unknown = moien_actions.run("action_moien_answer", sender_id="s", text="Bonjour ?")
            assert len(unknown.text.splitlines()) == 4  # no language known: the notice in all four
    log = (tmp_path / "actions.log").read_text(errors="replace")
    assert "moien api" in log and "Bonjour" not in log  # the operator is told what to do; no message text
    assert (tmp_path / "home" / "rasa-actions.key").is_file()  # it created its own key


def test_a_deployments_own_intents_reach_its_action_without_editing_moien(settings, action_server, tmp_path):
    """``rasa.nlu_file``: the bot's own intent (not in moien's nlu.yml) routes to the general assistant's action."""
    from moien.assistants.core.config import RasaSettings
    from moien.assistants.core.engine import Core

    nlu = tmp_path / "nlu.yml"
    nlu.write_text(
        """version: "3.1"
nlu:
- intent: ask_opening_hours
  examples: |
    - Wéini ass de Musée op?
    - Wéini mécht de Guichet op?
    - Wat sinn d'Ëffnungszäiten?
    - Quelles sont les heures d'ouverture ?
    - Le guichet ouvre à quelle heure ?
    - À quelle heure ouvre le musée ?
    - Wann sind die Öffnungszeiten?
    - Wann öffnet der Schalter?
    - Um wie viel Uhr öffnet das Museum?
    - What are the opening hours?
    - When does the counter open?
    - What time does the museum open?
""",
        encoding="utf-8",
    )
    rasa = RasaSettings(
        actions_url=action_server, intent_actions={"ask_opening_hours": "action_opening_hours"}, nlu_file=nlu
    )
    model = settings.model.model_copy(
        update={"openai_base_url": f"http://127.0.0.1:{free_port()}/v1", "openai_model": "nowhere"}
    )
    home = tmp_path / "home"
    core = Core(settings.model_copy(update={"rasa": rasa, "model": model, "home": home}))
    try:
        route = core.router.route("Wat sinn d'Ëffnungszäiten vum Guichet?")
        assert (route.assistant, route.intent) == ("general", "ask_opening_hours")
        reply = core.ask("Wat sinn d'Ëffnungszäiten vum Guichet?")
        assert reply.kind == "answer" and reply.ai_generated is False
        assert [s.id for s in reply.sources] == ["rasa-action:action_opening_hours"]
    finally:
        core.close()
