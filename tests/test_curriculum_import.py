"""Curriculum importers against the real Neo4j: CASE 1.1 JSON, CSV template, RDF with mappings.

Each test imports small files written for the tests (tests/data/curriculum/) into frameworks of their
own and deletes those frameworks afterwards; the demo curriculum (loaded by conftest) stays.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moien.curriculum_graph.admin import graph_fingerprint, purge_framework
from moien.curriculum_graph.importers import CurriculumImportError, import_file, parse_file
from moien.curriculum_graph.importers.writer import write_packages
from moien.curriculum_graph.queries import get_item, item_history, item_links, progression, search_items

pytestmark = pytest.mark.neo4j

DATA = Path(__file__).parent / "data" / "curriculum"
BIO = "0b6f2a52-6c1e-4f5e-9a57-3f1d2b7c9e01"
GEO = "9d1e0000-0000-4000-8000-000000000001"
ASTRO = "https://curriculum.example.lu/astro/scheme"
FRAMEWORKS = (BIO, GEO, ASTRO, "moien-test-csv", "moien-test-csv-bad")


@pytest.fixture
def clean(graph):
    for fid in FRAMEWORKS:
        purge_framework(graph, fid)
    yield graph
    for fid in FRAMEWORKS:
        purge_framework(graph, fid)


def imp(graph, name: str, fmt: str | None = None, **kw):
    return import_file(graph, DATA / name, fmt, progress=False, **kw)


def test_reimporting_the_same_case_file_is_a_noop(clean):
    first = imp(clean, "bio_v1.case.json")
    assert (first[0].added, first[0].changed, first[0].retired) == (5, 0, 0)
    before = graph_fingerprint(clean)
    again = imp(clean, "bio_v1.case.json")[0]
    assert again.noop and again.unchanged == 5 and again.import_id is None
    assert "nothing changed" in again.summary()
    assert graph_fingerprint(clean) == before


def test_a_broken_case_file_names_the_field_and_leaves_the_graph_unchanged(clean):
    imp(clean, "bio_v1.case.json")
    before = graph_fingerprint(clean)
    with pytest.raises(CurriculumImportError) as caught:
        imp(clean, "bio_broken.case.json")
    message = str(caught.value)
    assert "bio_broken.case.json:47" in message and "CFItems[2].fullStatement" in message
    assert caught.value.field == "CFItems[2].fullStatement" and caught.value.line == 47
    assert graph_fingerprint(clean) == before


def test_a_failing_write_rolls_back_every_package_of_the_file(clean):
    """Validation passed, then Neo4j (here: the driver) fails half-way: nothing of the file stays."""
    before = graph_fingerprint(clean)
    good = parse_file(DATA / "bio_v1.case.json")[0]
    bad = parse_file(DATA / "good.csv")[0]
    bad.items[-1].notes = object()  # cannot be sent to Neo4j: the transaction fails after good was written
    with pytest.raises(Exception):  # noqa: B017  (any driver error: what matters is that nothing was written)
        write_packages(clean, [good, bad], source="two-packages")
    assert graph_fingerprint(clean) == before


def test_a_new_version_changes_retires_and_keeps_history(clean):
    imp(clean, "bio_v1.case.json")
    report = imp(clean, "bio_v2.case.json")[0]
    assert (report.added, report.changed, report.retired, report.unchanged) == (1, 1, 1, 3)
    assert report.links_added and report.import_id

    assert get_item(clean, "TBIO-02") is None  # not an item to teach any more …
    retired = get_item(clean, "TBIO-02", include_retired=True)
    assert retired is not None and retired.retired  # … but kept, not deleted
    row = clean.read("MATCH (i:Item {code: 'TBIO-02'}) RETURN i.retired AS r, i.retired_at AS at")[0]
    assert row["r"] is True and row["at"] is not None
    assert "TBIO-02" not in [h.code for h in search_items(clean, "oiseaux migrateurs printemps", limit=10)]
    assert [link.other.code for link in item_links(clean, "TBIO-02").official if link.type == "replacedBy"] == [
        "TBIO-05"
    ]

    changed = get_item(clean, "TBIO-01")
    assert changed.statement("fr").startswith("Décrire et dessiner")
    history = item_history(clean, "TBIO-01")
    assert len(history) == 1 and history[0]["statement_fr"].startswith("Décrire les étapes")
    assert [p.code for p in progression(clean, "TBIO-01").after] == ["TBIO-03"]

    assert imp(clean, "bio_v2.case.json")[0].noop
    back = imp(clean, "bio_v1.case.json")[0]  # the old version again: TBIO-02 returns, TBIO-05 retires
    assert (back.restored, back.retired, back.changed) == (1, 1, 1)
    assert not get_item(clean, "TBIO-02").retired and get_item(clean, "TBIO-05", include_retired=True).retired
    assert len(item_history(clean, "TBIO-01")) == 2


def test_csv_template_imports_and_reimport_is_a_noop(clean):
    report = imp(clean, "good.csv")[0]  # ';'-separated, framework metadata in '#' lines
    assert (report.framework_id, report.added, report.links_added) == ("moien-test-csv", 3, 3)
    item = get_item(clean, "TROU-01")
    assert item.statement("lb").startswith("D'Strooss") and item.level == "C2" and item.topics == ["citizenship"]
    assert item.next_codes == ["TROU-02"] and item.parent_code == "TROU"
    assert clean.read("MATCH (s:Subject {code: 'TROU'}) RETURN s.name_de AS de")[0]["de"] == "Verkehrserziehung"
    assert imp(clean, "good.csv")[0].noop


def test_csv_with_a_bad_row_reports_the_line_and_writes_nothing(clean):
    before = graph_fingerprint(clean)
    with pytest.raises(CurriculumImportError) as caught:
        imp(clean, "bad_rows.csv")
    assert caught.value.line == 6 and caught.value.field == "level"
    assert "bad_rows.csv:6" in str(caught.value) and "'C9'" in str(caught.value)
    assert graph_fingerprint(clean) == before


def test_csv_problems_are_all_reported_with_their_lines(tmp_path, clean):
    bad = tmp_path / "many.csv"
    bad.write_text(
        'code,statement_fr,parent_code,precedes\nA,Un,,\nA,Deux,,\nB,,A,\nC,Trois,Z,\nD,Quatre,,"E\n', encoding="utf-8"
    )
    with pytest.raises(CurriculumImportError) as caught:
        parse_file(bad)
    text = str(caught.value)
    for expected in (
        "many.csv:3: code: code 'A' already used on line 2",
        "many.csv:4: statement_fr",
        "many.csv:5: parent_code: 'Z' is not a code",
        "many.csv:6",
    ):
        assert expected in text, text


def test_rdf_skos_turtle_with_the_skos_mapping(clean):
    report = imp(clean, "skos_astronomy.ttl", "rdf", mapping="skos")[0]
    assert (report.framework_id, report.added) == (ASTRO, 4)
    planets = get_item(clean, "TAST-01")
    assert planets.statements == {
        "fr": "Nommer les planètes du système solaire dans l'ordre.",
        "de": "Die Planeten des Sonnensystems der Reihe nach benennen.",
    }
    assert planets.labels == {"fr": "Planètes"} and planets.parent_code == "TAST" and planets.next_codes == ["TAST-02"]
    assert planets.topics == ["sustainability"] and planets.subject == "TAST"  # inherited from its parent
    assert get_item(clean, "TAST-03").levels == ["C3", "C4"]  # "KS2" mapped onto Luxembourg cycles
    related = [(link.type, link.other.code) for link in item_links(clean, "TAST-02").official]
    assert ("isRelatedTo", "TAST-03") in related and ("isChildOf", "TAST") in related
    assert imp(clean, "skos_astronomy.ttl", "rdf", mapping="skos")[0].noop


def test_rdf_case_jsonld_with_the_case_mapping_offline(clean):
    report = imp(clean, "case_geo.jsonld", "rdf", mapping="case-jsonld")[0]
    assert (report.framework_id, report.added, report.links_added) == (GEO, 3, 3)
    item = get_item(clean, "TGEO-01")
    assert item.id == "9d1e0000-0000-4000-8000-000000000012"  # the CASE identifier, as the JSON importer keeps it
    assert item.parent_code == "TGEO" and item.next_codes == ["TGEO-02"] and item.level == "C3"


def test_a_mapping_with_an_unknown_key_is_refused(clean):
    with pytest.raises(CurriculumImportError) as caught:
        imp(clean, "skos_astronomy.ttl", "rdf", mapping=str(DATA / "astro_bad_mapping.yaml"))
    assert caught.value.field == "item.statment" and "astro_bad_mapping.yaml" in str(caught.value)


def test_invalid_json_and_unknown_association_type_are_named(tmp_path):
    broken = tmp_path / "bad.json"
    broken.write_text('{"CFDocument": {"identifier": "x", "title": "t"},\n "CFItems": [\n  {"identifier": "a",}\n]}')
    with pytest.raises(CurriculumImportError) as caught:
        parse_file(broken, "case")
    assert caught.value.line == 3 and "not valid JSON" in str(caught.value)
    data = json.loads((DATA / "bio_v1.case.json").read_text())
    data["CFAssociations"][0]["associationType"] = "isCousinOf"
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data, indent=1))
    with pytest.raises(CurriculumImportError) as caught:
        parse_file(odd, "case")
    assert caught.value.field == "CFAssociations[0].associationType" and "isCousinOf" in str(caught.value)
