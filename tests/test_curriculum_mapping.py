"""RDF mappings a newcomer can write (issue 13, item 3), against the real Neo4j.

Every scenario comes from a newcomer's bug report: several files or a folder per import, association
blocks with inverse paths and order, levels written "Key Stage 2" / "Year 5", names from rdfs:label,
codes from the IRI, links across two frameworks of one import, a validated mapping with one-line errors,
``--dry-run`` that writes nothing, unmapped classes named — and the shipped mapping of a public curriculum
ontology (the DfE/Oak National Curriculum for England, an excerpt under tests/data/curriculum/uk_nc_history/).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.curriculum_graph.admin import graph_fingerprint, purge_framework
from moien.curriculum_graph.importers import CurriculumImportError
from moien.curriculum_graph.importers.rdf import import_rdf, load_mapping, parse_rdf, read_rdf
from moien.curriculum_graph.queries import browse, get_item, item_links

pytestmark = pytest.mark.neo4j

DATA = Path(__file__).parent / "data" / "curriculum"
UNITS = DATA / "school_units.ttl"
UNITS_MAPPING = DATA / "school_units_mapping.yaml"
UK = DATA / "uk_nc_history"
SCHOOL = "https://curriculum.example.lu/school/"
MATHS, SCIENCE = SCHOOL + "programme-maths", SCHOOL + "programme-science"
UK_FW = "https://w3id.org/uk/curriculum/england/knowledge-taxonomy"
FRAMEWORKS = (MATHS, SCIENCE, UK_FW, "moien-test-default", SCHOOL.replace("school/", "school2/") + "programme-maths")


@pytest.fixture
def clean(graph):
    for fid in FRAMEWORKS:
        purge_framework(graph, fid)
    yield graph
    for fid in FRAMEWORKS:
        purge_framework(graph, fid)


def cli(*args: str):
    from moien.assistants.core.cli import app

    return CliRunner().invoke(app, ["curriculum", *args])


def write_mapping(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNITS_HEAD = f"""
language: en
prefixes: {{ex: "{SCHOOL}"}}
ignore_classes: [ex:Subject, ex:LessonInclusion, ex:Programme]
"""


# -- the mapping is checked first: one line naming the key ---------------------------------------------------
@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ("framework: {default: [a, b]}\nitem: {class: ex:Unit, statement: rdfs:label}", "framework.default", "title"),
        (
            "framework: {default: {name: x}}\nitem: {class: ex:Unit, statement: rdfs:label}",
            "framework.default.name",
            "",
        ),
        ("item: {class: ex:Unit, statement: 'ex:a//ex:b'}", "item.statement", "property path"),
        ("item: {class: ex:Unit, statement: 'zz:label'}", "item.statement", "prefixes"),
        (
            "item: {class: ex:Unit, statement: rdfs:label, level: {path: ex:year, map: {Y5: C9}}}",
            "item.level.map.Y5",
            "",
        ),
        (
            "item: {class: ex:Unit, statement: rdfs:label}\nassociations: [{path: ex:a, type: isCousinOf}]",
            "associations[0].type",
            "",
        ),
        (
            "item: {class: ex:Unit, statement: rdfs:label}\nassociations: [{path: ex:a, type: isChildOf, inverse: yes please}]",
            "associations[0].inverse",
            "",
        ),
        (
            "item: {class: ex:Unit, statement: rdfs:label}\nassociations: [{class: ex:L, origin: ex:a, type: isChildOf}]",
            "associations[0].destination",
            "",
        ),
    ],
)
def test_a_bad_mapping_is_one_line_naming_the_key(tmp_path, body, key, words):
    path = write_mapping(tmp_path, UNITS_HEAD + body)
    with pytest.raises(CurriculumImportError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert caught.value.field == key and "\n" not in message and "mapping.yaml" in message, message
    assert words in message


def test_framework_default_as_a_plain_string(clean, tmp_path):
    path = write_mapping(
        tmp_path,
        UNITS_HEAD + "framework: {default: Units (tested)}\nitem: {class: [ex:Unit, ex:Lesson], statement: rdfs:label}",
    )
    packages = parse_rdf(UNITS, path)
    assert [p.framework.title for p in packages] == ["Units (tested)"]
    path = write_mapping(
        tmp_path,
        UNITS_HEAD + "framework: {default: {id: moien-test-default, title: Units}}\n"
        "item: {class: [ex:Unit, ex:Lesson], statement: rdfs:label}",
    )
    report = import_rdf(clean, UNITS, path).reports[0]
    assert (report.framework_id, report.framework_title, report.added) == ("moien-test-default", "Units", 6)


# -- codes -----------------------------------------------------------------------------------------------
def test_codes_default_to_the_iri_and_never_hold_a_newline(tmp_path):
    codes = {it.code for p in parse_rdf(UNITS, UNITS_MAPPING) for it in p.items}
    assert codes == {
        "unit-fractions",
        "unit-measure",
        "lesson-halves",
        "lesson-quarters",
        "lesson-compare",
        "lesson-ruler",
    }
    path = write_mapping(
        tmp_path,
        UNITS_HEAD
        + "framework: {default: U}\nitem: {class: [ex:Unit, ex:Lesson], statement: rdfs:label, code: rdfs:label}",
    )
    items = {it.uri.rsplit("/", 1)[1]: it for p in parse_rdf(UNITS, path) for it in p.items}
    assert items["lesson-compare"].code == "Compare fractions with the same denominator"  # a property; one line


def test_duplicate_codes_and_unknown_levels_are_warned_once_with_a_count(tmp_path):
    path = write_mapping(
        tmp_path,
        UNITS_HEAD.replace(", ex:Programme", "") + "framework: {class: ex:Programme, title: rdfs:label}\n"
        "item: {class: [ex:Unit, ex:Lesson], statement: rdfs:label, code: ex:year, framework: ex:programme,"
        " level: ex:programme}",
    )
    packages, _ = read_rdf(UNITS, path)
    assert len(packages) == 2 and packages[1].warnings == []  # once for the import, not once per framework
    warnings = packages[0].warnings
    dupes = [w for w in warnings if "used by several items" in w]
    assert len(dupes) == 1 and "'Year 5' ×3" in dupes[0], warnings
    assert any("not a Luxembourg level" in w and "×" in w for w in warnings), warnings


# -- one import: a folder or several files; inverse paths; order; levels; names; cross-framework links --------
def test_school_units_import_in_one_go_with_every_link(clean):
    before = graph_fingerprint(clean)
    done = import_rdf(clean, [UNITS], UNITS_MAPPING)
    assert done.complete and {r.framework_id for r in done.reports} == {MATHS, SCIENCE}
    assert graph_fingerprint(clean) != before

    unit = browse(clean, "unit-fractions")
    assert [c.code for c in unit.children] == ["lesson-halves", "lesson-quarters", "lesson-compare"]  # inclusion order
    assert get_item(clean, "lesson-halves").parent_code == "unit-fractions"  # the unit points to the lesson
    # links that cross into the other programme are there after ONE import
    related = [(ln.type, ln.other.code) for ln in item_links(clean, "lesson-ruler").official]
    assert ("isRelatedTo", "lesson-halves") in related and ("isRelatedTo", "lesson-quarters") in related

    # levels as written by another school system, and a value map that overrides
    assert get_item(clean, "unit-fractions").levels == ["C3", "C4"]  # "Year 5" and "Key Stage 2"
    assert get_item(clean, "lesson-halves").levels == ["C3"]  # "Year 5" (ages 9–10) → cycle 3
    assert get_item(clean, "lesson-compare").levels == ["C4"]  # "Y5" mapped to C4 by item.level.map
    assert get_item(clean, "unit-measure").levels == ["C3", "C4"]  # "Grade 3" and "KS2"
    rows = clean.read("MATCH (i:Item {code: 'lesson-halves'})-[:FOR_LEVEL]->(l:Level) RETURN collect(l.code) AS levels")
    assert rows[0]["levels"] == ["C3"]
    # names from rdfs:label: statements, subjects
    assert get_item(clean, "unit-measure").statements == {"en": "Measuring length and mass"}
    subject = clean.read("MATCH (s:Subject {code: 'TMA'}) RETURN s.name_en AS en, s.name_fr AS fr")[0]
    assert (subject["en"], subject["fr"]) == ("Mathematics", "Mathématiques")
    assert get_item(clean, "lesson-ruler").subject == "TSC"  # inherited from its unit

    again = import_rdf(clean, [UNITS], UNITS_MAPPING)
    assert all(r.noop for r in again.reports) and again.complete


def test_an_unmapped_class_is_named_and_nothing_is_written(clean):
    before = graph_fingerprint(clean)
    with pytest.raises(CurriculumImportError) as caught:
        import_rdf(clean, UNITS, DATA / "school_units_unmapped.yaml")
    message = str(caught.value)
    assert caught.value.field == "ignore_classes" and "ex:Lesson" in message and "ex:Programme" in message
    assert "lesson-halves" in message and "--dry-run" in message  # an example node, and where to see them all
    assert graph_fingerprint(clean) == before


def test_dry_run_surveys_the_mapping_and_writes_nothing(clean):
    before = graph_fingerprint(clean)
    result = cli("import", str(UNITS), "--mapping", str(DATA / "school_units_unmapped.yaml"), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    survey = data["survey"]
    assert data["dry_run"] and survey["mapped"]["item ex:Unit"] == 2
    assert survey["unmapped_classes"]["ex:Lesson"] == {
        "nodes": 4,
        "example": "<https://curriculum.example.lu/school/lesson-halves>",
    }
    assert "ex:keyStage" in survey["unmapped_properties"] and survey["unmapped_properties"]["ex:keyStage"]["example"]
    human = cli("import", str(UNITS), "--mapping", str(UNITS_MAPPING), "--dry-run", "--lang", "en")
    assert human.exit_code == 0 and "mapped   item ex:Lesson: 4" in human.output, human.output
    assert graph_fingerprint(clean) == before


def test_show_asks_for_the_framework_when_a_code_is_shared(clean, tmp_path):
    import_rdf(clean, UNITS, UNITS_MAPPING)
    other = tmp_path / "units2.ttl"
    other.write_text(UNITS.read_text(encoding="utf-8").replace("/school/", "/school2/"), encoding="utf-8")
    mapping = write_mapping(tmp_path, UNITS_MAPPING.read_text(encoding="utf-8").replace("/school/", "/school2/"))
    import_rdf(clean, other, mapping)
    result = cli("show", "lesson-halves", "--lang", "en")
    assert result.exit_code == 2 and "2 items have the code lesson-halves" in result.output, result.output
    assert MATHS in result.output and "school2" in result.output
    chosen = cli("show", "lesson-halves", "--framework", MATHS, "--json")
    assert chosen.exit_code == 0 and json.loads(chosen.stdout)["item"]["framework"] == MATHS


# -- a public curriculum ontology, with the shipped mapping ----------------------------------------------
def test_the_uk_national_curriculum_excerpt_imports_as_one_folder(clean):
    result = cli("import", str(UK), "--mapping", "uk-national-curriculum", "--no-embed", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["complete"] and len(data["survey"]["files"]) == 4 and not data["survey"]["unmapped_classes"]
    (report,) = data["frameworks"]
    assert (report["framework_id"], report["added"]) == (UK_FW, 37)

    greece = get_item(clean, "contentdescriptor-ancient-greece")
    assert greece.type == "Content descriptor" and greece.levels == ["C3", "C4"]  # Key Stage 2
    assert greece.parent_code == "substrand-significant-aspects-of-world-history" and greece.subject == "HI"
    strand = browse(clean, "strand-knowledge-of-past")
    assert strand.children[0].code == "substrand-substantive-concepts"  # curric:displayOrder 1
    assert clean.read("MATCH (s:Subject {code: 'HI'}) RETURN s.name_en AS n")[0]["n"] == "History"
    again = cli("import", str(UK), "--mapping", "uk-national-curriculum", "--no-embed", "--json")
    assert again.exit_code == 0 and json.loads(again.stdout.strip().splitlines()[-1])["frameworks"][0]["noop"]


def test_the_command_line_says_a_bad_mapping_in_one_line(clean, tmp_path):
    path = write_mapping(
        tmp_path,
        UNITS_HEAD + "framework: {default: [a, b]}\nitem: {class: [ex:Unit, ex:Lesson], statement: rdfs:label}",
    )
    before = graph_fingerprint(clean)
    result = cli("import", str(UNITS), "--mapping", str(path), "--lang", "en")
    assert result.exit_code == 1 and "framework.default" in result.output, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)  # typer.Exit(1), no crash
    assert graph_fingerprint(clean) == before
