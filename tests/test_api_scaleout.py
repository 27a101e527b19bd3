"""Scale-out as an operator would run it: two ``moien api`` processes, one Redis, one OpenAI-compatible model server.

The model server is llama-cpp-python's own ``llama_cpp.server`` (a real one, on the same GGUF file), so neither
API process loads a model. A conversation starts on one process and continues on the other — the way requests
land behind a load balancer — and keeps its language and its single AI disclosure.
"""

from __future__ import annotations

import sys
import uuid

import openai
import pytest

from moien.assistants.core.langid import default_identifier
from moien.connectors.llm.model_store import resolve_model_path
from tests.api_server import ROOT, api_server, redis_server, serving
from tests.conftest import free_port

pytestmark = [pytest.mark.model, pytest.mark.redis]


@pytest.fixture(scope="module")
def model_server(settings, tmp_path_factory):
    """``python -m llama_cpp.server`` on the default model; yields its ``/v1`` URL."""
    gguf, _ = resolve_model_path(settings.model.name, settings.model.path, settings.model_cache_dir)
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", "upstream-qwen"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--verbose", "False"]
    url = f"http://127.0.0.1:{port}/v1"
    with serving(argv, ready=f"{url}/models", log=log, within=600, cwd=ROOT):
        yield url


def test_two_api_processes_sharing_redis_continue_one_conversation(model_server, tmp_path):
    from moien.connectors.channels.access import AccessStore

    home = tmp_path / "home"
    home.mkdir()
    key = AccessStore(home / "access.sqlite3").add_key("scale-out-test", [], None, None)
    with redis_server(tmp_path) as redis_url:
        env = {
            "MOIEN_HOME": str(home),
            "MOIEN_SESSIONS__REDIS_URL": redis_url,
            "MOIEN_MODEL__OPENAI_BASE_URL": model_server,
            "MOIEN_MODEL__OPENAI_MODEL": "upstream-qwen",
            "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",  # no Neo4j: the general assistant answers
            "MOIEN_API__DEMO_SITE": "false",
        }
        with api_server(env) as first, api_server(env) as second:
            session = uuid.uuid4().hex
            a = openai.OpenAI(base_url=f"{first}/v1", api_key=key, timeout=900, max_retries=0)
            b = openai.OpenAI(base_url=f"{second}/v1", api_key=key, timeout=900, max_retries=0)
            opening = a.chat.completions.create(
                model="general",
                messages=[{"role": "user", "content": "Quand commence l'année scolaire ?"}],
                extra_body={"moien": {"session_id": session}},
            )
            trust = opening.model_extra["moien"]
            assert trust["model"] == "upstream-qwen", "the answer must come from the upstream model server"
            assert trust["sources"] and trust["disclosure"]
            assert trust["session_id"] == session
            text = opening.choices[0].message.content or ""
            assert default_identifier().identify(text).lang == "fr", text

            # The follow-up lands on the other process: it knows the conversation (no second disclosure) and
            # streams its sources before its text.
            stream = b.chat.completions.create(
                model="general",
                messages=[{"role": "user", "content": "Et les vacances de Noël ?"}],
                extra_body={"moien": {"session_id": session}},
                stream=True,
            )
            chunks = list(stream)
            first_chunk = chunks[0].model_extra["moien"]
            assert first_chunk["disclosure"] is None, "the disclosure was already shown in this conversation"
            assert first_chunk["lang"] == "fr"
            answer = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            assert answer.strip()
