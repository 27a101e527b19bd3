"""Operations routes of a real ``moien api`` process: liveness, readiness, Prometheus metrics, logs without text.

The server shares a real Redis (Debian's ``redis-server``) for sessions and quotas, and has no Neo4j: the
education assistant cannot answer, and ``/readyz`` says so by name — that is the honest answer for a load balancer.
No turn here reaches the model.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from moien.connectors.channels.access import AccessStore
from tests.api_server import api_server, redis_server

pytestmark = pytest.mark.redis

#: A message nobody else sends, to look for in the logs and the metrics afterwards.
SECRET = "Zebrafësch-Geheimnis 4711 vum Jang Muller"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[dict[str, Any]]:
    home: Path = tmp_path_factory.mktemp("api-ops-home")
    key = AccessStore(home / "access.sqlite3").add_key("monitoring-test", [], None, None)
    with redis_server(tmp_path_factory.mktemp("redis")) as redis_url:
        env = {
            "MOIEN_HOME": str(home),
            "MOIEN_MODEL__CACHE_DIR": str(settings.model_cache_dir),
            "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",  # nothing listens there: the education assistant is down
            "MOIEN_NEO4J__PASSWORD": "unused",
            "MOIEN_SESSIONS__REDIS_URL": redis_url,
            "MOIEN_SESSIONS__REDIS_PREFIX": "ops-test:",
        }
        log = home / "api.log"
        with api_server(env, log=log) as url:
            yield {"url": url, "key": key, "log": log}


def metric(url: str, name: str, **labels: str) -> float:
    """The value of one sample of ``/metrics`` (0 when the series does not exist yet)."""
    text = httpx.get(f"{url}/metrics").text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def test_healthz_answers_at_once(api: dict[str, Any]) -> None:
    # Liveness never waits for the model or the assistants (a probe would restart a process that is only warming up).
    response = httpx.get(f"{api['url']}/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_names_what_is_not_ready(api: dict[str, Any]) -> None:
    deadline = time.time() + 300
    while True:  # the assistants warm up in the background after start
        response = httpx.get(f"{api['url']}/readyz", timeout=60)
        checks = response.json()["checks"]
        if "warm_up" not in checks or time.time() > deadline:
            break
        time.sleep(0.5)
    assert response.status_code == 503 and response.json()["ready"] is False
    assert checks.get("warm_up") is None
    assert "Neo4j" in (checks["assistant:education"] or ""), checks
    assert checks["assistant:general"] is None and checks["model"] is None
    assert checks["redis"] is None, checks  # the shared Redis answers


def test_metrics_count_requests_and_refusals(api: dict[str, Any]) -> None:
    url = api["url"]
    route = "/v1/chat/completions"
    answered = metric(url, "moien_http_requests_total", route=route, status="200")
    refused = metric(url, "moien_refusals_total", status="401", code="invalid_api_key")
    turns = metric(url, "moien_turn_duration_seconds_count", channel="openai", kind="invalid_input")
    headers = {"Authorization": f"Bearer {api['key']}"}
    body = {"model": "general", "messages": [{"role": "user", "content": "  "}]}
    assert httpx.post(f"{url}{route}", json=body, headers=headers, timeout=60).status_code == 200
    bad = httpx.post(f"{url}{route}", json=body, headers={"Authorization": "Bearer msk_wrong"}, timeout=60)
    assert bad.status_code == 401
    assert metric(url, "moien_http_requests_total", route=route, status="200") == answered + 1
    assert metric(url, "moien_refusals_total", status="401", code="invalid_api_key") == refused + 1
    assert metric(url, "moien_turn_duration_seconds_count", channel="openai", kind="invalid_input") == turns + 1
    assert metric(url, "moien_turns_in_flight") == 0


def test_no_message_text_in_metrics_or_logs(api: dict[str, Any]) -> None:
    url = api["url"]
    headers = {"Authorization": f"Bearer {api['key']}"}
    # A question no document answers (a reply written by people), on both HTTP protocols, plus the text in a query
    # string, where uvicorn's own access log would have printed it.
    body = {"model": "general", "messages": [{"role": "user", "content": SECRET}]}
    completion = httpx.post(f"{url}/v1/chat/completions", json=body, headers=headers, timeout=120)
    assert completion.status_code == 200 and completion.json()["moien"]["kind"] != "answer"
    rasa = httpx.post(
        f"{url}/webhooks/rest/webhook",
        params={"stream": "false", "q": SECRET},
        json={"sender": "ops-secret", "message": SECRET},
        headers=headers,
        timeout=120,
    )
    assert rasa.status_code == 200
    words = [w for w in SECRET.split() if len(w) > 4]
    assert not any(w in httpx.get(f"{url}/metrics").text for w in words)
    log = api["log"].read_text(encoding="utf-8", errors="replace")
    assert "POST /v1/chat/completions 200" in log and "caller=key:monitoring-test" in log  # the access log works
    assert "/webhooks/rest/webhook 200" in log and "?" not in log.split("/webhooks/rest/webhook")[1][:5]
    assert not any(w in log for w in words), "message text reached the server log"


def test_the_api_reference_loads_nothing_from_outside(api: dict[str, Any]) -> None:
    # FastAPI's own /docs pulls Swagger UI from a CDN; moien's must work on a host with no way out.
    import re

    for page in ("/docs", "/redoc"):
        html = httpx.get(api["url"] + page, timeout=30)
        assert html.status_code == 200
        outside = [u for u in re.findall(r"""(?:src|href)=["']([^"']+)""", html.text) if u.startswith(("http", "//"))]
        assert outside == [], f"{page} loads {outside}"
        for asset in re.findall(r"""(?:src|href)=["'](/[^"']+)""", html.text):
            assert httpx.get(api["url"] + asset, timeout=30).status_code == 200, asset
