"""Enrichment: languages, dates, authority links, keywords and links between records — each stored
beside the source values with its method, version and confidence; the source values never change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from moien.assistants.heritage.plugin import language_detector
from moien.heritage.enrich import EnrichReport
from moien.heritage.enrich import enrich as run_enrich
from moien.heritage.enrich.authority import load_authority
from moien.heritage.enrich.dates import parse_date
from moien.heritage.importers import import_path
from moien.heritage.store import RecordStore

DATA = Path(__file__).parent / "data" / "heritage"


def enrich(store: RecordStore, steps: list[str], **kwargs: Any) -> EnrichReport:
    """The enrichment as the heritage assistant runs it: with moien's language identification passed in."""
    return run_enrich(store, steps, language=language_detector(), **kwargs)


@pytest.mark.parametrize(
    "text, start, end, edtf",
    [
        ("1923", 1923, 1923, "1923"),
        ("1936-05-02", 1936, 1936, "1936-05-02"),
        ("vers 1905", 1900, 1910, "1905~"),
        ("um 1910", 1905, 1915, "1910~"),
        ("ëm 1905", 1900, 1910, "1905~"),
        ("c. 1905", 1900, 1910, "1905~"),
        ("entre 1925 et 1930", 1925, 1930, "1925/1930"),
        ("zwischen 1890 und 1899", 1890, 1899, "1890/1899"),
        ("tëscht 1890 an 1899", 1890, 1899, "1890/1899"),
        ("1780-90", 1780, 1790, "1780/1790"),
        ("1. Mee 1931", 1931, 1931, "1931-05-01"),
        ("1er mai 1923", 1923, 1923, "1923-05-01"),
        ("May 2, 1936", 1936, 1936, "1936-05-02"),
        ("mai 1923", 1923, 1923, "1923-05"),
        ("XVIIIe siècle", 1700, 1799, "17XX"),
        ("19. Jahrhundert", 1800, 1899, "18XX"),
        ("fin du XIXe siècle", 1866, 1899, "1866/1899"),
        ("early 20th century", 1900, 1933, "1900/1933"),
        ("années 1930", 1930, 1939, "193X"),
        ("1950er Joren", 1950, 1959, "195X"),
        ("1920er Jahre", 1920, 1929, "192X"),
        ("1960s", 1960, 1969, "196X"),
        ("avant 1900", 1850, 1899, "../1899"),
        ("1923?", 1923, 1923, "1923?"),
        ("1915/1925", 1915, 1925, "1915/1925"),
    ],
)
def test_free_text_dates_become_intervals(text, start, end, edtf):
    iv = parse_date(text)
    assert iv is not None, text
    assert (iv.start_year, iv.end_year, iv.edtf) == (start, end, edtf)


@pytest.mark.parametrize("text", ["s.d.", "sans date", "o. J.", "undated", "", "Carte postale"])
def test_undated_text_gives_no_interval(text):
    assert parse_date(text) is None


@pytest.fixture
def store(tmp_path):
    s = RecordStore.open(tmp_path)
    for name, mapping in (
        ("oai_dc_listrecords.xml", None),
        ("dc_records.xml", None),
        ("edm_sample.rdf", None),
        ("lido_sample.xml", None),
        ("mets_mods_newspaper.xml", None),
        ("objects.csv", "objects.mapping.yml"),
        ("objects.json", "objects.json.mapping.yml"),
    ):
        import_path(s, DATA / name, "auto", DATA / mapping if mapping else None)
    yield s
    s.close()


def test_source_values_are_never_overwritten(store):
    before = {r.id: (r.source, r.content_hash()) for r in store.iter_records()}
    report = enrich(store, ["language", "dates", "authority", "keywords", "links"])
    assert report.enriched == len(before) and report.links > 0
    for rec in store.iter_records():
        assert (rec.source, rec.content_hash()) == before[rec.id]
        for e in rec.enrichments:
            assert e.method and e.version and 0.0 <= e.confidence <= 1.0 and e.at


def test_untagged_literals_get_a_language_enrichment(store):
    enrich(store, ["language"])
    rec = store.get("oai:archives.example.lu:cp-0002")  # German, without xml:lang in the source
    assert rec.values("title")[0].lang is None  # the source still says nothing
    langs = {(e.field, e.ref): e for e in rec.enriched(kind="language")}
    assert langs[("title", 0)].value == "de" and langs[("title", 0)].method == "moien-langid"
    assert langs[("description", 0)].value == "de"
    assert rec.lang_of("title", 0) == "de"
    lb = store.get("oai:archives.example.lu:cp-0003")  # Luxembourgish, untagged
    assert {e.value for e in lb.enriched("description", "language")} == {"lb"}


def test_dates_are_normalised_with_their_rule(store):
    enrich(store, ["dates", "authority"])
    rec = store.get("oai:archives.example.lu:cp-0001")
    [iv] = rec.enriched("date", "interval")
    assert iv.value == "1905~" and iv.data["start_year"] == 1900 and iv.data["rule"] == "circa"
    assert iv.method == "date-rules" and iv.ref == 0
    assert store.get("demo-zeitung-1936-05-02").interval() == (1936, 1936)
    assert store.get("MID-2003-0117").interval() == (1930, 1939)


def test_people_places_and_concepts_link_to_the_authority_table(store):
    enrich(store, ["authority"])
    rec = store.get("shl-003")  # place "Vianden", title in Luxembourgish "Kiermes zu Veianen"
    ids = {e.data["id"] for e in rec.enriched(kind="authority")}
    assert {"place:vianden", "concept:fair"} <= ids
    place = next(e for e in rec.enriched("place", "authority") if e.data["id"] == "place:vianden")
    assert (
        place.confidence == 1.0
        and place.method == "authority-label"
        and place.uri == "urn:moien:authority:place:vianden"
    )
    assert place.data["labels"]["lb"] == "Veianen"
    lux = store.get("mus:MUS-2010-001")  # place "Luxembourg" → the city, with its Wikidata identifier
    city = next(e for e in lux.enriched("place", "authority"))
    assert city.uri == "http://www.wikidata.org/entity/Q1842"
    person = next(e for e in store.get("shl-001").enriched("creator", "authority"))
    assert person.data["id"] == "person:marie-schmit" and person.confidence == 0.9  # "Schmit, Marie": other spelling


def test_links_between_records_carry_method_and_score(store):
    enrich(store, ["language", "dates", "authority", "keywords", "links"])
    rec = store.get("shl-001")
    by_method = {(e.value, e.method): e for e in rec.related()}
    assert ("shl-002", "same-creator") in by_method  # both by Marie Schmit
    link = by_method[("shl-002", "same-creator")]
    assert link.kind == "link" and link.data["via"] == "Marie Schmit" and 0.8 <= link.confidence <= 1.0
    # links go both ways
    assert any(e.value == "shl-001" and e.method == "same-creator" for e in store.get("shl-002").related())
    kieffer = store.get("https://musee.example.lu/item/MRD-1994-017")
    assert any(
        e.value == "https://musee.example.lu/item/MRD-2001-203" and e.method == "same-creator"
        for e in kieffer.related()
    )


def test_near_duplicates_and_embedding_similarity(tmp_path):
    s = RecordStore.open(tmp_path)
    (tmp_path / "dups.xml").write_text(
        """<records xmlns:dc="http://purl.org/dc/elements/1.1/">
  <record id="a"><dc:title>Vianden. Le château et le pont sur l'Our</dc:title>
    <dc:description>Carte postale colorisée montrant le château de Vianden au-dessus de la ville, avec le pont sur l'Our au premier plan.</dc:description></record>
  <record id="b"><dc:title>Vianden. Le château et le pont sur l'Our</dc:title>
    <dc:description>Carte postale colorisée montrant le château de Vianden au-dessus de la ville, avec le pont sur l'Our au premier plan. Tirage de 1912.</dc:description></record>
  <record id="c"><dc:title>Horloge de parquet</dc:title><dc:description>Horloge en chêne au cadran peint.</dc:description></record>
</records>""",
        encoding="utf-8",
    )
    import_path(s, tmp_path / "dups.xml")
    report = enrich(s, ["embeddings", "links"])
    assert report.embedded == 3
    methods = {(e.value, e.method) for e in s.get("a").related()}
    assert ("b", "near-duplicate") in methods and ("b", "e5-cosine") in methods
    assert not any(v == "c" for v, _ in methods)
    s.close()


def test_enrichment_is_incremental_and_repeatable(store):
    first = enrich(store, ["language", "dates", "authority", "keywords"])
    counts = {r.id: len(r.enrichments) for r in store.iter_records()}
    second = enrich(store, ["language", "dates", "authority", "keywords"])
    assert second.enriched == 0 and first.enriched > 0  # nothing changed, nothing redone
    forced = enrich(store, ["language", "dates", "authority", "keywords"], force=True)
    assert forced.enriched == first.enriched
    assert counts == {r.id: len(r.enrichments) for r in store.iter_records()}  # no duplicates


def test_unknown_step_is_refused(store):
    with pytest.raises(ValueError, match="unknown enrichment steps"):
        enrich(store, ["language", "telepathy"])


def test_the_language_step_needs_a_detector(store):
    # heritage has no language model of its own: the caller passes one in, or the step is refused up front
    with pytest.raises(ValueError, match="language detector"):
        run_enrich(store, ["language"])
    assert run_enrich(store, ["dates"]).enriched > 0  # the other steps need none


def test_a_detector_names_the_language_with_its_method_and_version(store):
    from moien.heritage.enrich import LanguageDetector

    always_lb = LanguageDetector(detect=lambda text: ("lb", 0.99), version="test-1")
    run_enrich(store, ["language"], language=always_lb)
    rec = store.get("oai:archives.example.lu:cp-0002")
    [title] = [e for e in rec.enriched(kind="language") if (e.field, e.ref) == ("title", 0)]
    assert (title.value, title.method, title.version) == ("lb", "moien-langid", "test-1")


def test_your_own_authority_table_is_read_from_its_path(tmp_path):
    table = tmp_path / "authority.csv"
    table.write_text(
        "id,type,lb,fr,de,en,alt,wikidata,start,end\nplace:ettelbruck,place,Ettelbréck,Ettelbruck,Ettelbrück,"
        "Ettelbruck,,,,\n",
        encoding="utf-8",
    )
    auth = load_authority(table)
    assert set(auth.entries) == {"place:ettelbruck"} and auth.match_value("Ettelbrück", "place")
    assert load_authority() is not auth and "place:vianden" in load_authority().entries


def test_authority_table_has_four_languages():
    auth = load_authority()
    for entry in auth.entries.values():
        assert set(entry.labels) == {"lb", "fr", "de", "en"}, entry.id
    assert auth.match_value("Veianen", "place")[0].id == "place:vianden"
    assert auth.match_value("Marie Schmit", "creator")[0].id == "person:marie-schmit"
    assert auth.match_value("Vianden", "creator") is None  # a place is not a person
