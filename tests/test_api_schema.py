"""schemathesis against a real ``moien api`` process's ``/openapi.json``: no 5xx, every response as documented.

Every documented operation is called with generated requests, valid and invalid (with a valid secret key), and
each response is checked against the schema the server publishes (``response_schema_conformance``) and for server
errors (``not_a_server_error``, except a 5xx the operation documents). 503 is such an answer of the turn routes:
the server answers one turn at a time and lets another wait a second, so a generated question that reaches the model
does not hold the run, and the model writes at most a few tokens (generated text rarely finds a source, so the
model is seldom reached at all). The streamed variants are included: each Server-Sent Event is checked against the
documented event schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from moien.connectors.channels.access import AccessStore
from tests.api_server import api_server

#: Generated requests per operation: valid ones (they reach the handlers) and invalid ones (they must be refused in
#: the documented error shape, never with a 5xx). Bounded so that the run ends within a few minutes.
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 15}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, settings: Any) -> Iterator[dict[str, Any]]:
    home: Path = tmp_path_factory.mktemp("api-schema-home")
    key = AccessStore(home / "access.sqlite3").add_key("schemathesis", [], None, None)
    env = {
        "MOIEN_HOME": str(home),
        "MOIEN_MODEL__CACHE_DIR": str(settings.model_cache_dir),
        "MOIEN_NEO4J__URI": "bolt://127.0.0.1:9",
        "MOIEN_NEO4J__PASSWORD": "unused",
        "MOIEN_API__MAX_CONCURRENT_TURNS": "1",
        "MOIEN_API__QUEUE_TIMEOUT": "1",
        "MOIEN_MODEL__MAX_TOKENS": "4",
    }
    with api_server(env, log=home / "api.log") as url:
        yield {"url": url, "headers": {"Authorization": f"Bearer {key}"}}


#: The server's models. schemathesis draws model names from the free-string branch of the documented
#: ``anyOf [enum, string]`` only, so every generated request would stop at 404 model_not_found; half of the valid
#: requests name a real model instead, and their generated messages reach the assistants.
MODELS = ["general", "education", "heritage", "auto", None]


def _use_known_model(case: Any, model: str | None) -> None:
    if model is None:
        return
    if isinstance(case.body, dict) and "model" in case.body:
        case.body["model"] = model
    if case.path_parameters and "model" in case.path_parameters:
        case.path_parameters["model"] = model


def no_undocumented_server_error(ctx: Any, response: Any, case: Any) -> None:
    """schemathesis' ``not_a_server_error``, except for a 5xx the operation documents (503: all slots taken)."""
    if str(response.status_code) in case.operation.definition.raw.get("responses", {}):
        return
    not_a_server_error(ctx, response, case)


def _check(operation: Any, mode: GenerationMode, examples: int, headers: dict[str, str]) -> None:
    """Send ``examples`` generated requests of ``mode`` to ``operation`` and check each response."""

    @given(case=operation.as_strategy(generation_mode=mode), model=st.sampled_from(MODELS))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case: Any, model: str | None) -> None:
        if mode is GenerationMode.POSITIVE:
            _use_known_model(case, model)
        case.call_and_validate(
            headers=headers, checks=[no_undocumented_server_error, response_schema_conformance], timeout=120
        )

    check()


def test_every_route_answers_as_documented(api: dict[str, Any]) -> None:
    # Why not schemathesis' pytest integration (``from_fixture`` + ``parametrize``): with pytest 9 it fails on a
    # private pytest attribute (``Function._nodeid``); this loop runs the same checks through its Python API.
    schema = schemathesis.openapi.from_url(f"{api['url']}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"/v1/chat/completions", "/webhooks/rest/webhook", "/readyz"} <= {op.path for op in operations}
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            try:
                _check(operation, mode, examples, api["headers"])
            except Unsatisfiable:  # no invalid request exists (an operation without parameters): nothing to send
                assert mode is GenerationMode.NEGATIVE, operation.path
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failures, report them all
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
