"""The school vocabulary that widens curriculum searches: Luxembourgish, German, French and English words bring their
translations; n-rule variants, inflected forms and spellings without diacritics resolve; the dictionary build
records where its data came from. Searches run on the real Neo4j with the real embedding model (no language model)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import moien.curriculum_graph.lexicon as lexicon
from moien.curriculum_graph.admin import purge_framework
from moien.curriculum_graph.importers import import_file
from moien.curriculum_graph.lexicon import build
from moien.curriculum_graph.queries import search_items
from moien.lang import fold
from tests.conftest import ROOT

DATA = Path(__file__).parent / "data" / "curriculum"
MATHS_FR5 = "49835a96-be6b-5798-b417-fdfd22e0542f"
BIO = "0b6f2a52-6c1e-4f5e-9a57-3f1d2b7c9e01"


def old_list_forms() -> set[str]:
    """The Luxembourgish forms of the 111-word hand-written list (``lb_school.tsv``) — what searches knew before."""
    with lexicon.PATH.open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return {fold(form) for row in rows for form in (row["lb"] or "").split("|")}


# ------------------------------------------------------------------------------------------------ vocabulary
def test_luxembourgish_german_french_and_english_words_bring_their_translations() -> None:
    assert "stellewäert" not in {f.lower() for f in old_list_forms()} and "stellewaert" not in old_list_forms()
    assert "valeur de position" in lexicon.equivalents(["Stellewäert"])
    assert "fractions" in lexicon.equivalents(["Brüche"])  # German, through the German column
    assert "Stellenwert" in lexicon.equivalents("valeur de position".split())  # a French phrase
    assert "valeur de position" in lexicon.equivalents("place value".split())  # an English phrase


def test_n_rule_variants_inflected_forms_and_spellings_without_diacritics_resolve() -> None:
    assert lexicon.n_rule_variants("Bréiwen") == {"breiwen", "breiwe"}
    assert lexicon.n_rule_variants("de") == {"de", "den"}
    papillon = lexicon.equivalents(["Päiperlek"])
    assert "papillon" in papillon
    for spelling in ("Päiperleken", "Päiperleke", "Paiperleke", "PAIPERLEK"):  # plural, n-rule, no diacritics
        assert lexicon.equivalents([spelling]) == papillon, spelling
    assert lexicon.equivalents(["Stellewaert"]) == lexicon.equivalents(["Stellewäert"])


def test_function_words_never_widen_and_widening_stays_small() -> None:
    assert lexicon.equivalents("der die das und mit le la les avec the and with de den an a mat".split()) == []
    long = "Bréch Zuelen Dräieck Krees Fläch Längt Gewiicht Stellewäert Prozent Diagramm Zierkel Lineal".split()
    extra = lexicon.equivalents(long)
    assert 0 < len(extra) <= lexicon.MAX_TERMS
    assert "valeur de position" in extra  # the longest words come first: they carry the topic
    assert "Stellenwert" not in lexicon.equivalents(["Stellewäert", "Stellenwert"])  # already in the query


# ------------------------------------------------------------------------------------------------ dictionary build
# Four articles as the LOD's open data has them (CC0), in the layout build.py reads.
LOD_FR = {
    "aarbechtsblat": [
        {
            "id": "aarbechtsblat1",
            "pos": "NOUN",
            "lemma": "Aarbechtsblat",
            "pl": "Aarbechtsblieder",
            "m": ["fiche de travail, fiche d'exercices"],
        }
    ],
    "faktor": [{"id": "faktor1", "pos": "NOUN", "lemma": "Faktor", "pl": "Faktoren", "m": ["facteur"]}],
    "abschnitt": [
        {
            "id": "abschnitt1",
            "pos": "NOUN",
            "lemma": "Abschnitt",
            "pl": "Abschnitter",
            "m": ["passage, alinéa, paragraphe"],
        }
    ],
    "aacht": [{"id": "aacht1", "pos": "NB", "lemma": "aacht", "m": ["huit"]}],
    "aarbel": [{"id": "aarbel1", "pos": "NOUN", "lemma": "Aarbel", "pl": "Aarbelen", "m": ["Kee Bedeitung fonnt"]}],
}
LOD_FORMS = {"aarbechtsblieder": "aarbechtsblat", "faktoren": "faktor", "abschnitter": "abschnitt"}


@pytest.fixture
def built_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "lod_fr.js").write_text(
        "// Auto-generated\nwindow.LOD_FR = " + json.dumps(LOD_FR, ensure_ascii=False) + ";\n", encoding="utf-8"
    )
    (src / "lod_forms.js").write_text("window.LOD_FORMS = " + json.dumps(LOD_FORMS) + ";", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert build.main([str(src), "--out", str(out), "--commit", "056155fd8fd49a9825ddb71c84d07479d6b5bba4"]) == 0
    monkeypatch.setattr(lexicon, "LOD_PATH", out / "lod.tsv.gz")
    monkeypatch.setattr(lexicon, "LOD_META", out / "lod.json")
    for cached in (lexicon._index, lexicon.table, lexicon.provenance):
        cached.cache_clear()
    yield json.loads((out / "lod.json").read_text(encoding="utf-8"))
    for cached in (lexicon._index, lexicon.table, lexicon.provenance):
        cached.cache_clear()


def test_the_dictionary_build_keeps_content_words_with_their_forms_and_records_its_source(
    built_dictionary: dict[str, Any],
) -> None:
    meta = built_dictionary
    assert meta["licence"] == "CC0-1.0" and "Lëtzebuerger Online Dictionnaire" in meta["source"]
    assert meta["source_url"].startswith("https://data.public.lu/") and meta["commit"]
    assert meta["counts"]["articles_read"] == 5
    assert meta["counts"]["headwords_kept"] == 3  # no numeral, no article without a translation
    assert lexicon.provenance() == meta
    # an inflected form (plural) finds the French translation: the first sense only
    assert lexicon.equivalents(["Aarbechtsblieder"]) == ["fiche de travail"]
    assert lexicon.equivalents(["Abschnitter"]) == ["passage"]
    # a short headword widens nothing: everyday words ("Klass", "bauen") dragged unrelated items up
    assert lexicon.equivalents(["Faktoren"]) == []
    assert lexicon.equivalents(["aacht"]) == []
    # the hand-written vocabulary stays on top of the dictionary
    assert "valeur de position" in lexicon.equivalents(["Stellewäert"])


def test_the_data_docs_name_the_dictionary_source_and_licence() -> None:
    data_md = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
    assert build.SOURCE_URL in data_md and build.LICENCE in data_md
    assert "lb_school_more.tsv" in data_md


# ------------------------------------------------------------------------------------------------ search (Neo4j)
@pytest.fixture(scope="module")
def curricula(graph: Any) -> Iterator[Any]:
    """A French-only mathematics framework and the French-only bio test curriculum, next to the demo."""
    for fw in (MATHS_FR5, BIO):
        purge_framework(graph, fw)
    import_file(graph, DATA / "maths_fr5.case.json", progress=False)
    import_file(graph, DATA / "bio_v1.case.json", progress=False)
    yield graph
    for fw in (MATHS_FR5, BIO):
        purge_framework(graph, fw)


@pytest.mark.neo4j
def test_a_luxembourgish_word_outside_the_old_list_finds_its_french_item(curricula: Any) -> None:
    for query in ("de Stellewäert vun den Zifferen", "Stellewaert"):
        codes = [h.code for h in search_items(curricula, query, limit=3)]
        assert "NUM.1" in codes, (query, codes)  # « Comprendre la valeur de position des chiffres… »


@pytest.mark.neo4j
def test_german_bruche_finds_fraction_items_not_noise(curricula: Any) -> None:
    for query in ("Brüche", "Bruchrechnung"):
        hits = search_items(curricula, query, limit=3)
        assert len(hits) == 3
        for h in hits:
            assert "fraction" in (h.statements.get("fr") or ""), (query, h.code, h.statements)


@pytest.mark.neo4j
def test_n_rule_and_undiacritised_luxembourgish_find_the_french_only_item(curricula: Any) -> None:
    for query in ("d'Metamorphos vum Päiperlek", "Paiperleke"):
        codes = [h.code for h in search_items(curricula, query, limit=3)]
        assert "TBIO-01" in codes, (query, codes)


def test_the_shipped_dictionary_knows_words_the_school_list_does_not() -> None:
    meta = lexicon.provenance()
    assert meta is not None and meta["licence"] == "CC0-1.0" and meta["counts"]["headwords_kept"] > 20000
    # "Uebstbeem" (fruit trees) is in no hand-written row: the LOD's plural form brings the French term
    assert lexicon.equivalents(["Uebstbeem"], sources=frozenset({"school"})) == []
    assert "arbre fruitier" in lexicon.equivalents(["Uebstbeem"])
    # everyday words stay with the embeddings: "Klass", "bauen" and "Figur" are dictionary headwords (and in no school
    # row), too short to widen a query in any source
    assert lexicon.equivalents(["bauen", "Klass", "Figur"]) == []
