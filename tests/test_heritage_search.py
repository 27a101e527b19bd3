"""Search over the demo collection: the Haystack pipeline (BM25 + multilingual e5, fused with RRF),
filters, the index on disk, and the ``moien heritage search/show`` commands.

The search tests run twice (``heritage_backend``): on the embedded index and on a real OpenSearch node
(moien's local one, started for the session)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from moien.heritage.search import SearchConfig, SearchFilters, get_search
from moien.heritage.search.embedded import HeritageIndex, index_dir
from moien.heritage.store import RecordStore

DATA = Path(__file__).parent / "data" / "heritage"


def configured() -> SearchConfig:
    """The search configuration of the current settings (``heritage_backend`` sets the backend)."""
    from moien.assistants.core.config import get_settings

    return SearchConfig.from_settings(get_settings())


@pytest.fixture(scope="session")
def demo_home(test_home) -> Path:
    """The demo collection loaded, enriched and indexed in its own home (kept between runs: idempotent)."""
    from moien.assistants.heritage.plugin import language_detector
    from moien.heritage.demo import load_demo

    home = test_home / "heritage-demo"
    store = RecordStore.open(home)
    load_demo(store, home, language=language_detector())
    store.close()
    return home


@pytest.fixture(scope="module")
def demo(demo_home, heritage_backend):
    store = RecordStore.open(demo_home)
    config = configured()
    assert config.backend == heritage_backend
    yield store, get_search(store, demo_home, config)
    store.close()


def text_langs(rec) -> set[str]:
    return {rec.lang_of(f, i) for f in ("title", "description") for i in range(len(rec.values(f)))}


@pytest.mark.parametrize(
    "question, expected",
    [
        ("Wou ass d'Buerg vu Veianen?", {"demo:h01", "demo:dup1", "demo:pc001", "demo:h02"}),
        ("Sprangprëssessioun zu Iechternach", {"demo:h06", "demo:dup2"}),
        ("Molerei vun der Musel", {"demo:h17", "demo:h08"}),
        ("Wéini gouf d'Adolphe-Bréck gebaut?", {"demo:h24", "demo:ob029"}),
    ],
)
def test_a_luxembourgish_question_finds_records_described_only_in_french_or_german(demo, question, expected):
    store, search = demo
    hits = search.search(question, top_k=5)
    found = {h.id for h in hits} & expected
    assert found, f"{question!r} → {[h.id for h in hits]}"
    for rid in found:
        assert "lb" not in text_langs(store.get(rid)), rid  # described only in French or German


def test_hits_carry_both_retrievers_scores(demo):
    _, search = demo
    [top, *_] = search.search("Qui a peint le château de Vianden ?", top_k=3)
    assert top.id in {"demo:h01", "demo:dup1"}
    assert top.bm25 > 0 and top.cosine > 0.8 and top.bm25_rank and top.dense_rank
    assert top.matched_terms == top.query_terms == 3


@pytest.mark.parametrize(
    "filters, check",
    [
        (SearchFilters(type="TEXT"), lambda r: r.text("edm_type") == "TEXT"),
        (
            SearchFilters(type="Foto"),
            lambda r: r.text("type").lower() in {"foto", "fotografie", "photographie", "photograph"},
        ),
        (SearchFilters(place="Veianen"), lambda r: r.text("place") in {"Vianden", "Veianen"}),
        (SearchFilters(provider="Bibliothèque"), lambda r: "Bibliothèque" in r.text("data_provider")),
        (SearchFilters(rights="cc0"), lambda r: "zero" in r.text("rights")),
        (SearchFilters(rights="in-copyright"), lambda r: "InC" in r.text("rights")),
        (SearchFilters(year_from=1920, year_to=1929), lambda r: r.interval()[1] >= 1920 and r.interval()[0] <= 1929),
    ],
)
def test_filters(demo, filters, check):
    store, search = demo
    hits = search.search("Postkaart Foto Zeitung Objet", filters, top_k=15)
    assert hits
    for h in hits:
        assert check(store.get(h.id)), h.id


def test_filters_speak_haystack_syntax():
    f = SearchFilters(place="Vianden", year_from=1900)
    hs = f.to_haystack()
    assert hs == {
        "operator": "AND",
        "conditions": [
            {"field": "meta.place", "operator": "==", "value": "Vianden"},
            {"field": "meta.year_end", "operator": ">=", "value": 1900},
        ],
    }
    assert SearchFilters.from_haystack(hs) == f


def test_index_is_persisted_and_rebuilt_when_the_store_changes(tmp_path):
    from moien.heritage.importers import import_path

    store = RecordStore.open(tmp_path)
    import_path(store, DATA / "dc_records.xml")
    search = get_search(store, tmp_path, SearchConfig(backend="embedded"), embeddings=False)
    assert {h.id for h in search.search("Hochofen")} == {"shl-001"}
    files = {p.name for p in index_dir(tmp_path).iterdir()}
    assert {"manifest.json", "bm25.npz", "vocab.json", "ids.json", "facets.npz", "years.npy"} <= files
    assert HeritageIndex(index_dir(tmp_path)).n == 4
    import_path(store, DATA / "lido_sample.xml")
    search = get_search(store, tmp_path, embeddings=False)  # the store changed: rebuilt on use
    assert HeritageIndex(index_dir(tmp_path)).n == 6
    assert "MID-1987-0042" in {h.id for h in search.search("Grubenlampe")}
    store.close()


def test_a_question_of_stopwords_only_is_answered_by_the_embeddings(demo):
    """'Wat ass dat?' leaves BM25 nothing to look for; the search still answers (from the embeddings alone)
    instead of failing, on both backends."""
    _, search = demo
    hits = search.search("Wat ass dat?", top_k=5)
    assert hits and all(h.bm25 == 0.0 and h.matched_terms == 0 and h.dense_rank for h in hits)


def test_cli_search_and_show(demo_home, heritage_backend, monkeypatch):
    from moien.assistants.core.config import get_settings
    from moien.assistants.heritage.cli import app

    monkeypatch.setenv("MOIEN_HOME", str(demo_home))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        res = runner.invoke(app, ["search", "Buerg Veianen", "--json", "--limit", "3"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["query"] == "Buerg Veianen" and len(data["results"]) == 3
        assert {"id", "title", "date", "score", "bm25", "cosine"} <= set(data["results"][0])
        res = runner.invoke(
            app, ["search", "Zeitung", "--type", "TEXT", "--from-year", "1930", "--to-year", "1939", "--json"]
        )
        assert all(r["interval"][0] <= 1939 and r["interval"][1] >= 1930 for r in json.loads(res.stdout)["results"])
        res = runner.invoke(app, ["show", "demo:h01", "--json"])
        rec = json.loads(res.stdout)
        assert rec["source"]["title"][0] == {
            "value": "Le château de Vianden vu depuis la vallée de l'Our",
            "lang": "fr",
        }
        assert any(e["kind"] == "interval" and e["method"] == "date-rules" for e in rec["enrichments"])
        assert rec["provenance"]["format"] == "json"
        res = runner.invoke(app, ["show", "h01", "--lang", "de"])  # a unique end of an id is enough
        assert res.exit_code == 0 and "Quelle" in res.stdout and "Angereichert" in res.stdout
        res = runner.invoke(app, ["show", "no-such-record", "--lang", "en"])
        assert res.exit_code == 2 and "No record with the id" in res.output
        assert "multilingual" in runner.invoke(app, ["search", "--help"]).output
    finally:
        get_settings.cache_clear()


def test_opensearch_index_is_rebuilt_when_the_store_changes(tmp_path, opensearch_server, monkeypatch):
    from moien.assistants.core.config import get_settings
    from moien.heritage.importers import import_path
    from moien.heritage.search.opensearch import index_info

    monkeypatch.setenv("MOIEN_HERITAGE__BACKEND", "opensearch")
    monkeypatch.setenv("MOIEN_HERITAGE__OPENSEARCH_INDEX", "moien-test-rebuild")
    get_settings.cache_clear()
    try:
        config = configured()
        assert config.server_url == opensearch_server.url
        store = RecordStore.open(tmp_path)
        import_path(store, DATA / "dc_records.xml")
        search = get_search(store, tmp_path, config, embeddings=False)
        assert {h.id for h in search.search("Hochofen")} == {"shl-001"}
        assert index_info(config, "moien-test-rebuild")["records"] == 4
        first = opensearch_server.url
        import_path(store, DATA / "lido_sample.xml")
        search = get_search(store, tmp_path, config, embeddings=False)  # the store changed: rebuilt on use
        assert index_info(config)["records"] == 6
        assert "MID-1987-0042" in {h.id for h in search.search("Grubenlampe")}
        behind = httpx.get(f"{first}/_alias/moien-test-rebuild").json()
        assert len(behind) == 1  # the alias moved to the new index and the old one is gone
        store.close()
    finally:
        get_settings.cache_clear()


def test_opensearch_command_reports_the_local_node(opensearch_server, monkeypatch):
    from moien.assistants.core.cli import app
    from moien.assistants.core.config import get_settings

    monkeypatch.setenv("MOIEN_HOME", str(opensearch_server.home.parent))
    get_settings.cache_clear()
    try:
        res = CliRunner().invoke(app, ["opensearch", "status"])
        assert res.exit_code == 0 and opensearch_server.url in res.output and "running" in res.output
    finally:
        get_settings.cache_clear()


def test_demo_images_and_iiif_are_local(demo_home):
    from moien.heritage.views import image_path

    store = RecordStore.open(demo_home)
    assert image_path(store.get("demo:h01"), demo_home).name == "castle.png"  # through its IIIF manifest
    assert image_path(store.get("demo:h05"), demo_home).name == "furnace.png"  # isShownBy, a relative path
    assert image_path(store.get("demo:h22"), demo_home) is None
    with_images = sum(1 for r in store.iter_records() if image_path(r, demo_home))
    assert store.count() >= 200 and with_images >= 50
    store.close()


def test_demo_is_in_four_languages(demo_home):
    store = RecordStore.open(demo_home)
    langs = {lang for rec in store.iter_records() for lang in text_langs(rec)}
    assert {"lb", "fr", "de", "en"} <= langs
    store.close()


def test_copy_of_the_index_still_loads(tmp_path, demo_home):
    shutil.copytree(index_dir(demo_home), tmp_path / "index")
    ix = HeritageIndex(tmp_path / "index")
    assert ix.manifest["embeddings"] and ix.vectors.shape == (ix.n, 384)


def test_large_collections_search_an_hnsw_graph_with_the_same_answers(demo_home, tmp_path, monkeypatch):
    """From ``ann_min`` records on (``MOIEN_HERITAGE__ANN_MIN``), the dense retriever walks a faiss HNSW graph
    instead of reading the whole matrix; a visitor must get the same objects either way — with and without
    filters."""
    import moien.heritage.search.embedded as hi
    from moien.heritage.search import build_index

    store = RecordStore.open(demo_home)
    try:
        exact_ix = hi.HeritageIndex(index_dir(demo_home))
        assert exact_ix.ann is None  # 214 records: the exact product
        manifest = build_index(store, tmp_path, SearchConfig(ann_min=1))
    finally:
        store.close()
    assert manifest["ann"] == "faiss-hnsw"
    ann_ix = hi.HeritageIndex(index_dir(tmp_path))
    assert ann_ix.ann is not None and ann_ix.ann.ntotal == ann_ix.n == exact_ix.n
    exact, ann = hi.HeritageSearch(exact_ix), hi.HeritageSearch(ann_ix)
    for q in ("Wou ass d'Buerg vu Veianen?", "photos of the steelworks in Esch", "Prozession in Echternach"):
        assert [h.id for h in ann.search(q, top_k=5)] == [h.id for h in exact.search(q, top_k=5)], q
    images = SearchFilters(type="IMAGE")
    # a filter that leaves many records goes through the graph with a bitmap of the allowed ones
    monkeypatch.setattr(hi, "ANN_EXACT_BELOW", 0)
    got = ann.search("Buerg", images, top_k=8)
    assert got and [h.id for h in got] == [h.id for h in exact.search("Buerg", images, top_k=8)]
    mask = ann_ix.mask(images)
    assert all(mask[ann_ix.pos[h.id]] for h in got)


def test_settings_reach_the_search_as_values(monkeypatch):
    """The variables that used to be read deep inside heritage/ are typed settings now, passed down as values."""
    from moien.assistants.core.config import Settings

    # This module's other tests run on both backends and set the backend in the environment; this one reads the
    # default.
    monkeypatch.delenv("MOIEN_HERITAGE__BACKEND", raising=False)
    for name, value in (
        ("MOIEN_HERITAGE__ANN_MIN", "5000"),
        ("MOIEN_HERITAGE__EMBED_THREADS", "2"),
        ("MOIEN_HERITAGE__AUTHORITY", "/srv/authority.csv"),
        ("MOIEN_HERITAGE__DEMO", "0"),
        ("MOIEN_HERITAGE__KIOSK_IDLE_SECONDS", "30"),
        ("MOIEN_OPENSEARCH__PORT", "9333"),
    ):
        monkeypatch.setenv(name, value)
    s = Settings()
    assert (s.heritage.demo, s.heritage.kiosk_idle_seconds) == (False, 30.0)
    config = SearchConfig.from_settings(s)
    assert (config.ann_min, config.embed_threads, config.authority) == (5000, 2, Path("/srv/authority.csv"))
    assert config.backend == "embedded" and config.server_url == "http://127.0.0.1:9333"
    with pytest.raises(ValueError, match="backend"):
        SearchConfig(backend="elastic")


def test_both_backends_make_hits_with_one_fusion():
    """Reciprocal rank fusion as Haystack's joiner scores it (first in both lists: 1.0), each list's rank and
    score kept; BM25 alone keeps its own scores; an empty lexical list leaves the embeddings' ranking."""
    from moien.heritage.search.base import fuse, lexical_document, semantic_document

    lex = [lexical_document("a", 9.0, 2, 2), lexical_document("b", 4.0, 1, 2)]
    sem = [semantic_document("b", 0.9), semantic_document("c", 0.8)]
    [b, a, c] = fuse(lex, sem, query_terms=2)
    assert (b.id, b.bm25_rank, b.dense_rank, b.cosine, b.matched_terms) == ("b", 2, 1, 0.9, 1)
    assert a.score == pytest.approx(61 / 2 / 61) and c.query_terms == 2 and c.bm25 == 0.0
    assert [h.score for h in fuse(lex)] == [9.0, 4.0]
    only_dense = fuse([], sem, query_terms=0)
    assert [h.id for h in only_dense] == ["b", "c"] and only_dense[0].score == pytest.approx(0.5)
