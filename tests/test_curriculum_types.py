"""Education on a curriculum moien has never seen (issue 13, item 1): a framework whose items are typed
Standard / Cluster / Domain, not moien's Competency, on the real Neo4j and the real embedding model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.assistants.core.config import EducationSettings
from moien.assistants.core.types import Query
from moien.curriculum_graph.admin import purge_framework
from moien.curriculum_graph.importers import import_file
from moien.curriculum_graph.queries import coverage, item_types, search_items

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data" / "curriculum"
#: tests/data/curriculum/math_standards.case.json: a grade-2 mathematics framework written for moien, in English,
#: typed the way many national standards are (Domain → Cluster → Standard).
MATH = "5b46a7b8-a644-50c7-8840-7ccef8abcbd8"
PLACE_VALUE = {"2.NBT.A.1", "2.NBT.A.3", "2.NBT.A.4"}


@pytest.fixture(scope="module")
def standards(graph):
    purge_framework(graph, MATH)
    import_file(graph, DATA / "math_standards.case.json", progress=False)
    yield graph
    purge_framework(graph, MATH)


def _education(settings, **education):
    from moien.assistants.education.plugin import EducationAssistant

    return EducationAssistant(settings.model_copy(update={"education": EducationSettings(**education)}))


def test_the_types_of_a_framework_are_listed_with_their_leaves(standards):
    counts = {c.type: c for c in item_types(standards, MATH)}
    assert set(counts) == {"Domain", "Cluster", "Standard"}
    assert (counts["Standard"].items, counts["Standard"].leaves) == (8, 8)
    assert (counts["Cluster"].items, counts["Cluster"].leaves) == (3, 0)
    assert counts["Domain"].leaves == 0


def test_the_education_assistant_grounds_in_standards_and_cites_the_most_detailed_first(settings, standards):
    helper = _education(settings)
    grounding = helper.ground(Query(text="Which standards are about place value?", lang="en", session_id="t"))
    codes = [s.id for s in grounding.sources]
    assert codes and codes[0] in PLACE_VALUE, codes  # a leaf standard, not its cluster or domain
    assert PLACE_VALUE & set(codes[:3])


def test_configuration_can_leave_a_type_out(settings, standards):
    helper = _education(settings, exclude_types=["Standard"])
    grounding = helper.ground(Query(text="Which standards are about place value?", lang="en", session_id="t"))
    assert not any(s.id in PLACE_VALUE or s.id.startswith("2.NBT.B.") for s in grounding.sources)
    only = search_items(standards, "place value", types=("Standard",), frameworks=(MATH,), limit=5)
    assert only and all(h.type == "Standard" for h in only)


def test_a_heading_that_alone_matches_still_comes_back(standards):
    hits = search_items(standards, "measurement and data", frameworks=(MATH,), limit=5)
    assert "2.MD" in [h.code for h in hits] or "2.MD.A" in [h.code for h in hits]


def test_coverage_counts_every_type(standards):
    cov = coverage(standards, framework=MATH)
    assert sum(cov.counts.values()) >= 8  # the standards count, though none is typed Competency


def test_cli_lists_the_types_and_what_the_assistant_uses(settings, standards, monkeypatch):
    from moien.assistants.core.cli import app
    from moien.assistants.core.config import get_settings

    monkeypatch.setenv("MOIEN_EDUCATION__EXCLUDE_TYPES", '["Domain"]')
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["curriculum", "types", MATH, "--json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    rows = {r["type"]: r for r in json.loads(result.output)["types"]}
    assert rows["Standard"]["used"] and rows["Cluster"]["used"] and not rows["Domain"]["used"]
    human = CliRunner().invoke(app, ["curriculum", "types", "--lang", "de"])
    assert human.exit_code == 0 and "Standard" in human.output and "Rahmenplan" in human.output
