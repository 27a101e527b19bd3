"""Every import format, read from the realistic sample files in ``tests/data/heritage``.

Each sample holds good records and at least one bad one: the bad one is reported with its id (or
position) and the reason, the others import; a second import changes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from moien.heritage.importers import ImportFailed, detect_format, import_path
from moien.heritage.store import RecordStore

DATA = Path(__file__).parent / "data" / "heritage"

CASES = {
    # file: (format, mapping, {id: {field: expected first value}}, [(error id, reason fragment)])
    "oai_dc_listrecords.xml": (
        "oai_dc",
        None,
        {
            "oai:archives.example.lu:cp-0001": {
                "title": ("Vianden. Le château et le pont sur l'Our", "fr"),
                "date": ("vers 1905", None),
                "place": ("Vianden", None),
            },
            "oai:archives.example.lu:cp-0003": {"title": ("Schueberfouer op der Glacis", None)},
        },
        [("oai:archives.example.lu:cp-0005", "no oai_dc metadata")],
    ),
    "dc_records.xml": (
        "dc",
        None,
        {
            "shl-001": {
                "title": ("Hochofen in Esch an der Alzette", "de"),
                "date": ("1923", None),
                "place": ("Esch-sur-Alzette", None),
                "data_provider": ("Société d'histoire locale de démonstration", None),
            },
            "shl-003": {"title": ("Kiermes zu Veianen", "lb"), "date": ("1. Mee 1931", None)},
        },
        [("shl-099", "neither a title nor a description")],
    ),
    "edm_sample.rdf": (
        "edm",
        None,
        {
            "https://musee.example.lu/item/MRD-1994-017": {
                "title": ("Paysage de la Moselle près de Remich", "fr"),
                "creator": ("Anne Kieffer", "fr"),
                "data_provider": ("Musée régional de démonstration", None),
                "is_shown_by": ("https://iiif.musee.example.lu/image/MRD-1994-017/full/max/0/default.jpg", None),
                "iiif_manifest": ("https://iiif.musee.example.lu/presentation/MRD-1994-017/manifest.json", None),
                "edm_type": ("IMAGE", None),
            },
            "https://musee.example.lu/item/MRD-2001-203": {"title": ("Broschtbild vun enger Fra mat Kapp", "lb")},
        },
        [("https://musee.example.lu/item/MRD-2001-999", "neither a title nor a description")],
    ),
    "lido_sample.xml": (
        "lido",
        None,
        {
            "MID-1987-0042": {
                "title": ("Grubenlampe eines Bergmanns", "de"),
                "type": ("Werkzeug", "de"),
                "creator": ("Werkstatt des Hüttenwerks Düdelingen", "de"),
                "date": ("um 1920", "de"),
                "place": ("Düdelingen", "de"),
                "is_shown_at": ("https://industrie.example.lu/objekt/1987-0042", None),
                "object": ("https://industrie.example.lu/bilder/1987-0042_thumb.jpg", None),
            },
            "MID-2003-0117": {
                "title": ("Affiche de la fête du travail à Differdange", "fr"),
                "date": ("années 1930", "fr"),
            },
        },
        [("lido #3", "no lido:lidoRecID")],
    ),
    "mets_mods_newspaper.xml": (
        "mets",
        None,
        {
            "demo-zeitung-1936-05-02": {
                "title": ("Das Luxemburger Demo-Tageblatt: Ausgabe vom 2. Mai 1936", "de"),
                "date": ("1936-05-02", None),
                "language": ("de", None),
                "edm_type": ("TEXT", None),
                "object": ("https://bibliotheque.example.lu/images/1936-05-02/p1_thumb.jpg", None),
            },
            "demo-zeitung-1936-05-02#DMD_ART1": {
                "title": ("Der 1. Mai in den Industriestädten", "de"),
                "creator": ("Jos. Muller", None),
                "is_part_of": ("Das Luxemburger Demo-Tageblatt: Ausgabe vom 2. Mai 1936", None),
            },
            "demo-zeitung-1936-05-02#DMD_ART2": {"title": ("Nouvelles du pays", "fr")},
        },
        [],
    ),
    "objects.csv": (
        "csv",
        "objects.mapping.yml",
        {
            "mus:MUS-2010-001": {
                "title": ("Vue de la Pétrusse", "fr"),
                "creator": ("Kieffer, Anne", None),
                "type": ("Aquarelle", None),
                "data_provider": ("Musée de démonstration", "fr"),
            },
            "mus:MUS-2010-002": {"description": ("Eng Standuhr aus Eechenholz mat gemoolter Zifferblat.", "lb")},
        },
        [("mus:MUS-2010-003", "missing required field(s): title"), ("line 5", "no identifier")],
    ),
    "objects.json": (
        "json",
        "objects.json.mapping.yml",
        {
            "inv:J-001": {
                "title": ("Bannière de la fanfare de Wiltz", "fr"),
                "place": ("Wiltz", None),
                "description": ("Bannière brodée de fils d'or, portée lors des cortèges de la fanfare.", "fr"),
            },
            "inv:J-002": {"title": ("Ration book from 1944", "en")},
        },
        [("inv:J-003", "missing required field(s): title")],
    ),
}


@pytest.fixture
def store(tmp_path):
    s = RecordStore.open(tmp_path)
    yield s
    s.close()


@pytest.mark.parametrize("name", list(CASES))
def test_sample_file_is_parsed(name, store):
    fmt, mapping, expected, errors = CASES[name]
    path = DATA / name
    assert detect_format(path) == fmt
    report = import_path(store, path, "auto", DATA / mapping if mapping else None)
    assert report.format == fmt
    for rid, fields in expected.items():
        rec = store.get(rid)
        assert rec is not None, f"{rid} not imported from {name}"
        assert rec.provenance.format == ("mets_mods" if fmt == "mets" else fmt)
        assert rec.provenance.origin == path.resolve().as_uri()
        for field, (value, lang) in fields.items():
            lit = rec.values(field)[0]
            assert (lit.value, lit.lang) == (value, lang), (rid, field)
    assert len(report.errors) == len(errors), report.errors
    for (rid, reason), (want_id, want_reason) in zip(report.errors, errors):
        assert rid.startswith(want_id) and want_reason in reason
    assert report.new == report.read - len(errors)
    again = import_path(store, path, "auto", DATA / mapping if mapping else None)
    assert again.new == 0 and again.updated == 0 and again.unchanged == report.new  # idempotent


def test_edm_contextual_entities_keep_their_uris_and_languages(store):
    import_path(store, DATA / "edm_sample.rdf")
    rec = store.get("https://musee.example.lu/item/MRD-1994-017")
    subjects = {(lit.value, lit.lang) for lit in rec.values("subject")}
    assert {("Paysage", "fr"), ("Landschaft", "de"), ("Landschaft", "lb"), ("Landscape", "en")} <= subjects
    assert {lit.uri for lit in rec.values("subject")} == {"https://musee.example.lu/concept/paysage"}
    assert ("Réimech", "lb") in {(lit.value, lit.lang) for lit in rec.values("place")}


def test_oai_deleted_record_is_a_tombstone(store):
    import_path(store, DATA / "oai_dc_listrecords.xml")
    rec = store.get("oai:archives.example.lu:cp-0004")
    assert rec.deleted and not rec.source
    assert store.count() == 3 and store.count(include_deleted=True) == 4


def test_changed_record_is_updated_and_loses_stale_enrichments(store, tmp_path):
    from moien.heritage.enrich import enrich

    src = tmp_path / "dc.xml"
    shutil.copy(DATA / "dc_records.xml", src)
    import_path(store, src)
    enrich(store, ["dates"])
    assert store.get("shl-002").interval() == (1925, 1930)
    src.write_text(src.read_text(encoding="utf-8").replace("entre 1925 et 1930", "vers 1935"), encoding="utf-8")
    report = import_path(store, src)
    assert (report.updated, report.unchanged) == (1, 3)
    rec = store.get("shl-002")
    assert rec.values("date")[0].value == "vers 1935" and rec.interval() is None  # no enrichment of the old date
    enrich(store, ["dates"])
    assert store.get("shl-002").interval() == (1930, 1940)


def test_truncated_xml_keeps_the_records_before_the_break(store, tmp_path):
    text = (DATA / "lido_sample.xml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.xml"
    broken.write_text(text[: text.index('<lido:lidoRecID lido:type="local">MID-2003-0117')], encoding="utf-8")
    report = import_path(store, broken, "lido")
    assert store.get("MID-1987-0042") is not None
    assert any("not well-formed XML" in reason for _, reason in report.errors)


def test_bad_mapping_and_unknown_format_are_clear_errors(store, tmp_path):
    bad = tmp_path / "bad.mapping.yml"
    bad.write_text("id: inventaire\nfields:\n  titel: titre\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="unknown field 'titel'"):
        import_path(store, DATA / "objects.csv", "csv", bad)
    with pytest.raises(ImportFailed, match="needs a field mapping"):
        import_path(store, DATA / "objects.csv", "csv")
    odd = tmp_path / "notes.xml"
    odd.write_text("<notes><note>hello</note></notes>", encoding="utf-8")
    with pytest.raises(ImportFailed, match="cannot tell the format"):
        import_path(store, odd)
    with pytest.raises(ImportFailed, match="does not exist"):
        import_path(store, tmp_path / "missing")
    assert store.count() == 0


def test_folder_import_reads_every_file(store, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("dc_records.xml", "lido_sample.xml", "mets_mods_newspaper.xml", "edm_sample.rdf"):
        shutil.copy(DATA / name, folder / name)
    report = import_path(store, folder)
    assert report.new == 4 + 2 + 3 + 2 and len(report.errors) == 3


def test_cli_import_reports_bad_records_and_exit_status(tmp_path, monkeypatch):
    from moien.assistants.core.config import get_settings
    from moien.assistants.heritage.cli import app

    monkeypatch.setenv("MOIEN_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(
            app, ["import", str(DATA / "objects.csv"), "--mapping", str(DATA / "objects.mapping.yml"), "--lang", "fr"]
        )
        assert result.exit_code == 3  # some records were reported and skipped
        # the reason in the curator's language (the --json report keeps the English text and its code)
        assert "mus:MUS-2010-003" in result.output and "champ(s) obligatoire(s) manquant(s) : title" in result.output
        assert "3 nouveaux" in result.output
        result = runner.invoke(
            app, ["import", str(DATA / "objects.csv"), "--mapping", str(DATA / "objects.mapping.yml"), "--lang", "lb"]
        )
        assert "Net importéiert" in result.output and "Flichtfeld(er) feelen: title" in result.output
        result = runner.invoke(
            app, ["import", str(DATA / "objects.csv"), "--mapping", str(DATA / "objects.mapping.yml"), "--json"]
        )
        assert {
            "id": "mus:MUS-2010-003 (line 4)",
            "reason": "missing required field(s): title",
            "code": "missing_required",
        } in json.loads(result.stdout)["errors"]
        result = runner.invoke(app, ["import", str(DATA / "nope.xml"), "--lang", "en"])
        assert result.exit_code == 1 and "does not exist" in result.output
        help_text = runner.invoke(app, ["import", "--help"]).output
        assert "OAI-PMH" in help_text and "--mapping" in help_text and "Exit status" in help_text
    finally:
        get_settings.cache_clear()
