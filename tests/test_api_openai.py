"""The OpenAI-compatible API, driven by the official ``openai`` client against a real ``moien api`` process.

Two questions reach the real model (one streamed in French, one whole in German: the model writes both languages
reliably, so the answer's own language can be checked with moien's identifier). Everything else — models, keys,
errors, quotas, bad input, a full server — ends in replies written by people and never loads the model.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from moien.assistants.core.langid import default_identifier
from moien.connectors.channels.access import AccessStore
from tests.api_server import api_server

#: The server answers one turn at a time and lets another wait one second: enough to see a 503 while the model
#: writes, without slowing the other tests (they run one after the other).
SERVER_ENV = {
    "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",  # the general assistant answers; no curriculum server needed
    "MOIEN_NEO4J__PASSWORD": "unused",
    "MOIEN_API__MAX_CONCURRENT_TURNS": "1",
    "MOIEN_API__QUEUE_TIMEOUT": "1",
    "MOIEN_API__DEMO_SITE": "false",
    "MOIEN_MODEL__MAX_TOKENS": "120",
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[dict[str, Any]]:
    home: Path = tmp_path_factory.mktemp("api-openai-home")
    store = AccessStore(home / "access.sqlite3")
    keys = {
        "all": store.add_key("all", [], None, None),
        "general_only": store.add_key("general-only", ["general"], None, None),
        "one_per_minute": store.add_key("one-per-minute", [], 1, None),
    }
    env = {**SERVER_ENV, "MOIEN_HOME": str(home), "MOIEN_MODEL__CACHE_DIR": str(settings.model_cache_dir)}
    with api_server(env, log=home / "api.log") as url:
        yield {"url": url, "home": home, "keys": keys}


def client(api: dict[str, Any], key: str = "all") -> openai.OpenAI:
    # No retries: the tests look at each answer, and a retried 429 would wait for Retry-After.
    return openai.OpenAI(base_url=f"{api['url']}/v1", api_key=api["keys"].get(key, key), max_retries=0, timeout=600)


def lang_of(text: str) -> str:
    return default_identifier().identify(text).lang


def test_models_are_the_assistants_plus_auto(api: dict[str, Any]) -> None:
    models = client(api).models.list().data
    ids = [m.id for m in models]
    assert {"general", "education", "heritage"} <= set(ids) and ids[-1] == "auto"
    assert all(m.owned_by == "moien" and m.object == "model" for m in models)
    # A key limited to one assistant sees only that one (and auto, which stays within it).
    assert [m.id for m in client(api, "general_only").models.list().data] == ["general", "auto"]
    assert client(api).models.retrieve("general").id == "general"


@pytest.mark.model
def test_streamed_answer_sends_sources_before_text(api: dict[str, Any]) -> None:
    # While this answer streams, the server's only slot is taken: a second request waits its second and is told
    # to come back later (503 with Retry-After), in the OpenAI shape the client parses.
    stream = client(api).chat.completions.create(
        model="general",
        messages=[{"role": "user", "content": "Quand commence l'année scolaire ?"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = []
    busy: list[BaseException] = []
    for chunk in stream:
        if not chunks:
            busy_request = threading.Thread(target=_ask_while_busy, args=(api, busy))
            busy_request.start()
            busy_request.join()
        chunks.append(chunk)
    first = chunks[0]
    trust = first.model_extra["moien"]
    assert first.choices[0].delta.role == "assistant" and not first.choices[0].delta.content
    assert trust["kind"] == "answer" and trust["ai_generated"] is True and trust["lang"] == "fr"
    assert trust["sources"] and all(s["id"] and s["title"] for s in trust["sources"])
    assert trust["disclosure"] and lang_of(trust["disclosure"]) == "fr"
    assert trust["session_id"] and trust["model"]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip() and lang_of(text) == "fr", text
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finals) == 1 and finals[0].model_extra["moien"]["kind"] == "answer"
    usage = chunks[-1].usage  # include_usage: a last chunk with no choices carries the counts
    assert not chunks[-1].choices and usage is not None
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert len(busy) == 1 and isinstance(busy[0], openai.InternalServerError), busy
    assert busy[0].status_code == 503 and busy[0].code == "server_busy"
    assert int(busy[0].response.headers["retry-after"]) >= 1


@pytest.mark.model
def test_a_client_that_leaves_frees_its_slot(api: dict[str, Any]) -> None:
    # The only slot is taken by a streamed answer; the client reads the sources and hangs up. The server stops the
    # turn (the model stops at its next token) and the next question is admitted instead of waiting for the end.
    headers = {"Authorization": f"Bearer {api['keys']['all']}"}
    body = {
        "model": "general",
        "stream": True,
        "messages": [{"role": "user", "content": "Combien coûte une nouvelle carte d'identité ?"}],
    }
    with httpx.stream("POST", f"{api['url']}/v1/chat/completions", json=body, headers=headers, timeout=600) as resp:
        first = next(line for line in resp.iter_lines() if line.startswith("data: "))
        assert '"moien"' in first and '"kind": "answer"' in first
    deadline = time.time() + 300
    while in_flight(api) > 0 and time.time() < deadline:
        time.sleep(0.2)
    assert in_flight(api) == 0
    again = client(api).chat.completions.create(model="general", messages=[{"role": "user", "content": " "}])
    assert again.model_extra["moien"]["kind"] == "invalid_input"


def server_log_tail(api: dict[str, Any], lines: int = 40) -> str:
    log = Path(api["home"]) / "api.log"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def in_flight(api: dict[str, Any]) -> float:
    text = httpx.get(f"{api['url']}/metrics").text
    line = next(li for li in text.splitlines() if li.startswith("moien_turns_in_flight "))
    return float(line.split()[1])


def test_keepalive_pings_while_the_model_thinks() -> None:
    # Proxies close idle connections: while no chunk comes, the stream sends comment lines (": ping"), and no
    # chunk is lost or reordered around them.
    from moien.connectors.channels.openai_api import _with_keepalive

    async def slow() -> AsyncIterator[str]:
        yield "a"
        await asyncio.sleep(0.35)
        yield "b"

    async def collect() -> list[str | None]:
        return [item async for item in _with_keepalive(slow(), 0.1)]

    items = asyncio.run(collect())
    assert [i for i in items if i is not None] == ["a", "b"]
    assert items[0] == "a" and items.count(None) >= 2 and items[-1] == "b"


def _ask_while_busy(api: dict[str, Any], errors: list[BaseException]) -> None:
    try:
        client(api).chat.completions.create(model="general", messages=[{"role": "user", "content": " "}])
    except openai.APIError as exc:
        errors.append(exc)


@pytest.mark.model
def test_whole_answer_with_usage_and_trust_fields(api: dict[str, Any]) -> None:
    try:
        completion = client(api).chat.completions.create(
            model="general",
            messages=[
                {"role": "system", "content": "Answer in English."},  # ignored: moien's trust rules are not overridable
                {"role": "user", "content": "Wie viel kostet ein neuer Personalausweis?"},
            ],
        )
    except openai.APIError as exc:  # the server's log says why (a busy model names how long it has been held)
        pytest.fail(f"{exc}\n--- server log (end) ---\n{server_log_tail(api)}")
    trust = completion.model_extra["moien"]
    assert completion.object == "chat.completion" and completion.choices[0].finish_reason == "stop"
    # An answer, or — when the answer guardrail retracted what the model wrote — its notice; both in German, both
    # with the sources (the model's output varies; the channel's shape must not).
    assert trust["kind"] in ("answer", "unverified") and trust["lang"] == "de", trust
    assert trust["verified"] is (trust["kind"] == "answer"), trust
    assert any("identity" in s["id"] or "identit" in s["title"].lower() for s in trust["sources"]), trust
    text = completion.choices[0].message.content or ""
    assert text.strip() and lang_of(text) == "de", text
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0


def test_empty_message_is_answered_like_every_channel(api: dict[str, Any]) -> None:
    # The core's own reply, in the language the client asked for, marked as written by people; status 200.
    for lang in ("lb", "de"):
        completion = client(api).chat.completions.create(
            model="auto",
            messages=[{"role": "user", "content": "   \n "}],
            extra_body={"moien": {"lang": lang}},
        )
        trust = completion.model_extra["moien"]
        assert trust["kind"] == "invalid_input" and trust["lang"] == lang and trust["ai_generated"] is False
        text = completion.choices[0].message.content or ""
        assert lang_of(text) == lang, text
        assert isinstance(completion.usage.total_tokens, int)  # type: ignore[union-attr]


def test_invalid_utf8_gets_the_cores_own_reply(api: dict[str, Any]) -> None:
    from moien.assistants.core.config import Settings
    from moien.assistants.core.engine import Core

    raw = b'{"model": "general", "messages": [{"role": "user", "content": "\xff\xfe\xfd"}]}'
    response = httpx.post(
        f"{api['url']}/v1/chat/completions",
        content=raw,
        headers={"Authorization": f"Bearer {api['keys']['all']}", "Content-Type": "application/json"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    core = Core(Settings(home=api["home"] / "in-process", neo4j={"uri": "bolt://127.0.0.1:9", "password": "x"}))
    expected = core.ask(b"\xff\xfe\xfd", assistant="general")
    assert body["moien"]["kind"] == expected.kind and body["moien"]["kind"] != "answer"
    # A plain OpenAI client (no `moien` request object) gets the disclosure as the first paragraph of a first turn.
    assert expected.disclosure and body["moien"]["disclosure"] == expected.disclosure
    assert body["choices"][0]["message"]["content"] == f"{expected.disclosure}\n\n{expected.text}"


def test_a_plain_client_is_told_it_talks_to_an_ai_once(api):
    client = openai.OpenAI(base_url=f"{api['url']}/v1", api_key=api["keys"]["all"], max_retries=0, timeout=120)
    first = client.chat.completions.create(model="general", messages=[{"role": "user", "content": "   "}])
    session = first.model_extra["moien"]["session_id"]
    disclosure = first.model_extra["moien"]["disclosure"]
    assert disclosure and (first.choices[0].message.content or "").startswith(disclosure)
    # Same conversation, and a moien-aware client: the notice is neither repeated nor put in the text.
    again = client.chat.completions.create(
        model="general", messages=[{"role": "user", "content": "   "}], extra_body={"moien": {"session_id": session}}
    )
    assert again.model_extra["moien"]["disclosure"] is None
    assert disclosure not in (again.choices[0].message.content or "")


def test_unknown_and_forbidden_models(api: dict[str, Any]) -> None:
    with pytest.raises(openai.NotFoundError) as missing:
        client(api).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert missing.value.code == "model_not_found" and "gpt-4o" in missing.value.message
    with pytest.raises(openai.PermissionDeniedError) as forbidden:
        client(api, "general_only").chat.completions.create(
            model="heritage", messages=[{"role": "user", "content": "x"}]
        )
    assert forbidden.value.code == "assistant_not_allowed"


def test_bad_keys_are_refused(api: dict[str, Any]) -> None:
    with pytest.raises(openai.AuthenticationError) as unknown:
        client(api, "msk_not-a-real-key").models.list()
    assert unknown.value.code == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        client(api, "sk-openai-style").models.list()


def test_malformed_requests_name_the_field(api: dict[str, Any]) -> None:
    with pytest.raises(openai.UnprocessableEntityError) as wrong_role:
        client(api).chat.completions.create(
            model="general",
            messages=[{"role": "robot", "content": "x"}],  # type: ignore[list-item, misc]
        )
    assert "messages[0].role" in wrong_role.value.message and wrong_role.value.param == "messages[0].role"
    headers = {"Authorization": f"Bearer {api['keys']['all']}", "Content-Type": "application/json"}
    broken = httpx.post(f"{api['url']}/v1/chat/completions", content=b'{"model": "general", "mess', headers=headers)
    assert broken.status_code == 422 and "JSON" in broken.json()["error"]["message"]
    missing = httpx.post(f"{api['url']}/v1/chat/completions", json={"model": "general"}, headers=headers)
    assert missing.status_code == 422 and missing.json()["error"]["param"] == "messages"


def test_ten_megabytes_are_refused_with_413(api: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {api['keys']['all']}", "Content-Type": "application/json"}
    big = b'{"model": "general", "messages": [{"role": "user", "content": "' + b"a" * 10_000_000 + b'"}]}'
    announced = httpx.post(f"{api['url']}/v1/chat/completions", content=big, headers=headers, timeout=60)
    assert announced.status_code == 413
    assert announced.json()["error"]["code"] == "request_too_large"

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server counts as the body arrives
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    try:
        streamed = httpx.post(f"{api['url']}/v1/chat/completions", content=chunked(), headers=headers, timeout=60)
    except httpx.WriteError:  # the server answered and closed before the whole body was sent: also a refusal
        return
    assert streamed.status_code == 413


def test_quota_per_key_answers_429_with_retry_after(api: dict[str, Any]) -> None:
    ask = client(api, "one_per_minute").chat.completions.create
    ask(model="general", messages=[{"role": "user", "content": " "}])
    with pytest.raises(openai.RateLimitError) as limited:
        ask(model="general", messages=[{"role": "user", "content": " "}])
    assert limited.value.code == "rate_limit_exceeded"
    assert 1 <= int(limited.value.response.headers["retry-after"]) <= 60
