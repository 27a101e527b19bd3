"""Session memory behind one interface: bounded and expiring in process, shared through a real Redis.

None of these turns reaches the model: they end in replies written by people (an empty message, a question the
documents do not answer), which still go through the session memory like any answer.
"""

from __future__ import annotations

import time

import pytest

from moien.assistants.core.config import Settings
from moien.assistants.core.engine import Core
from moien.assistants.core.session import MemorySessions, Session, SharedSessions
from moien.connectors.kv import KeyValueUnavailable, RedisKV
from tests.api_server import redis_server

pytestmark = pytest.mark.redis

NO_NEO4J = {"uri": "bolt://127.0.0.1:9", "password": "x"}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def _core(tmp_path, **kw) -> Core:
    return Core(Settings(home=tmp_path, neo4j=NO_NEO4J, **kw))


def test_two_processes_sharing_redis_continue_one_conversation(tmp_path, redis_url):
    # Two cores stand for two `moien api` processes behind a load balancer: each has its own memory, one Redis.
    first = _core(tmp_path / "a", sessions={"redis_url": redis_url, "redis_prefix": "t1:"})
    second = _core(tmp_path / "b", sessions={"redis_url": redis_url, "redis_prefix": "t1:"})
    opening = first.ask("Quelle est la capitale du Pérou ?", session_id="conv", assistant="general")
    assert opening.kind == "no_answer" and opening.lang == "fr"
    assert opening.disclosure  # the AI disclosure on the conversation's first turn
    # The next turn lands on the other process: same language (an empty message has none of its own), no second
    # disclosure, and the earlier question is part of the conversation.
    follow_up = second.ask("   ", session_id="conv")
    assert follow_up.kind == "invalid_input"
    assert follow_up.lang == "fr"
    assert follow_up.disclosure is None
    history = second.sessions.get("conv").history()
    assert history[0] == ("user", "Quelle est la capitale du Pérou ?")
    # A conversation of a process that does not share Redis starts afresh.
    alone = _core(tmp_path / "c")
    assert alone.ask("   ", session_id="conv", ui_lang="de").disclosure


def test_shared_sessions_are_redacted_and_expire(tmp_path, redis_url):
    core = _core(tmp_path, sessions={"redis_url": redis_url, "redis_prefix": "t2:", "ttl_seconds": 1})
    core.ask(
        "Mäin E-Mail ass jean.muller@example.lu, wat ass d'Haaptstad vu Peru?", session_id="pii", assistant="general"
    )
    import redis

    raw = redis.Redis.from_url(redis_url, decode_responses=True).get("t2:session:pii")
    assert raw is not None and "jean.muller" not in raw and "[EMAIL]" in raw
    deadline = time.time() + 30
    while "pii" in core.sessions:  # Redis expires the key; wait for it rather than for a fixed time
        assert time.time() < deadline, "the session outlived its time-to-live"
        time.sleep(0.2)
    assert core.sessions.get("pii").history() == []


def test_a_session_claimed_by_one_caller_is_refused_to_another(redis_url):
    for store in (MemorySessions(), SharedSessions(RedisKV(redis_url), prefix="t3:")):
        assert store.claim("s1", "site:intranet")
        assert store.claim("s1", "site:intranet")  # the owner continues
        assert not store.claim("s1", "site:other")  # a second site cannot take the conversation over
        store.forget("s1")
        assert store.claim("s1", "site:other")


def test_in_process_sessions_expire_after_their_time_to_live():
    store = MemorySessions(max_sessions=10, ttl=0.2)
    session = store.get("old")
    session.last_lang = "lb"
    store.save(session)
    deadline = time.time() + 30
    while "old" in store:
        assert time.time() < deadline
        time.sleep(0.05)
    assert store.get("old").last_lang is None


def test_a_damaged_shared_session_starts_afresh(redis_url):
    kv = RedisKV(redis_url)
    kv.set("t4:session:broken", "{not json", 60)
    assert SharedSessions(kv, prefix="t4:").get("broken").history() == []
    assert Session.from_json("x", '{"turns": [["user", "Moien"], ["system", "ignored"]]}', 6).history() == [
        ("user", "Moien")
    ]


def test_an_unreachable_redis_is_named_at_start(tmp_path):
    with pytest.raises(KeyValueUnavailable, match=r"127\.0\.0\.1:9"):
        _core(tmp_path, sessions={"redis_url": "redis://127.0.0.1:9/0"})


def test_claims_are_bounded_like_conversations():
    # A client can ask for as many session ids as it likes: the claims must not grow memory for ever.
    store = MemorySessions(max_sessions=10)
    for i in range(500):
        assert store.claim(f"s{i}", "site:intranet")
    assert len(store) == 10


def test_a_new_claim_does_not_inherit_history_left_without_an_owner(redis_url):
    kv = RedisKV(redis_url)
    store = SharedSessions(kv, prefix="t5:")
    assert store.claim("s", "site:a")
    session = store.get("s")
    session.turns.append(("user", "Eng Fro vun A"))
    store.save(session)
    kv.delete("t5:owner:s")  # the claim is gone (as if it had expired) while the history is still there
    assert store.claim("s", "site:b")
    assert store.get("s").history() == [], "B must not read what was said under A's claim"
