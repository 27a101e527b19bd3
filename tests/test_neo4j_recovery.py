"""Neo4j stopped mid-session: the education assistant says so, the app keeps working, and it recovers."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.neo4j]


def test_education_recovers_when_neo4j_comes_back(core, neo4j_server):
    question = "Quelles compétences portent sur le cycle de l'eau ?"
    before = core.turn(question, assistant="education")
    assert before.reply.kind == "answer" and before.reply.sources  # sources are known before generation

    neo4j_server.stop()
    try:
        down = core.ask(question, assistant="education")
        assert down.kind == "unavailable"
        assert down.lang == "fr" and "Neo4j" in down.text
        still = core.ask("Quelle est la capitale du Pérou ?", assistant="general")
        assert still.kind == "no_answer"  # the rest of the app keeps answering
    finally:
        neo4j_server.start()

    after = core.turn(question, assistant="education")
    assert after.reply.kind == "answer"
    assert {s.id for s in after.reply.sources} == {s.id for s in before.reply.sources}
