"""Heritage benchmark: ingest rate, enrichment throughput, search latency and memory at 100k records.

    .venv/bin/python benchmarks/heritage_bench.py                  # 100,000 records (a few minutes)
    .venv/bin/python benchmarks/heritage_bench.py --records 10000  # quicker
    .venv/bin/python benchmarks/heritage_bench.py --json out.json

Everything runs in a scratch ``MOIEN_HOME`` (deleted afterwards unless ``--keep``).

* **Synthetic records**: a CSV written from the demo collection's vocabulary (places, object types,
  subjects, creators, free-text dates in four languages), read through the same field mapping importer
  as any CSV export.
* **Ingest (BM25 path)**: CSV parse + validation → SQLite store (idempotent upserts) → BM25 index with
  filter facets, all timed; the goal is ≥ 3,000 records/s.
* **Enrichment**: the per-record steps (language, dates, authority, keywords) over every record, then
  links between records (same creator/place/subject/period, near-duplicates). Embedding throughput is
  measured on a sample with the bundled model (multilingual e5-small, 4-bit, CPU).
* **Search** at full size: the index gets 384-d vectors for every record — real e5 vectors of the
  distinct record texts of a sample, spread over all records (computing 100k real vectors on this CPU
  would take hours and does not change the cost of a query) — then p50/p95 over questions in
  lb/fr/de/en for: the whole Haystack pipeline (question embedding + BM25 + dense + RRF fusion),
  retrieval only (embedding precomputed), BM25 alone, and with filters. The goal is ≤ 50 ms.
  From 20,000 records on the dense retriever walks a faiss HNSW graph; its recall@30 against the exact
  product is reported too.
* **Memory**: peak RSS of the process and the index's size on disk.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import numpy as np  # noqa: E402

from moien.heritage.demo.make_demo import PLACES  # noqa: E402

TYPES = {
    "fr": ["Carte postale", "Photographie", "Affiche", "Peinture", "Journal", "Outil", "Céramique", "Dessin"],
    "de": ["Ansichtskarte", "Fotografie", "Plakat", "Gemälde", "Zeitung", "Werkzeug", "Keramik", "Zeichnung"],
    "lb": ["Postkaart", "Foto", "Plakat", "Molerei", "Zeitung", "Geschir", "Keramik", "Zeechnung"],
    "en": ["Postcard", "Photograph", "Poster", "Painting", "Newspaper", "Tool", "Ceramics", "Drawing"],
}
SUBJECTS = {
    "fr": [
        "château",
        "pont",
        "église",
        "marché",
        "vignoble",
        "haut fourneau",
        "procession",
        "fanfare",
        "école",
        "gare",
        "moulin",
        "forteresse",
        "ferme",
        "carnaval",
        "kermesse",
    ],
    "de": [
        "Burg",
        "Brücke",
        "Kirche",
        "Markt",
        "Weinberg",
        "Hochofen",
        "Prozession",
        "Blaskapelle",
        "Schule",
        "Bahnhof",
        "Mühle",
        "Festung",
        "Bauernhof",
        "Karneval",
        "Kirmes",
    ],
    "lb": [
        "Buerg",
        "Bréck",
        "Kierch",
        "Maart",
        "Wéngert",
        "Héichuewen",
        "Prëssessioun",
        "Musek",
        "Schoul",
        "Gare",
        "Millen",
        "Festung",
        "Bauerenhaff",
        "Fuesent",
        "Kiermes",
    ],
    "en": [
        "castle",
        "bridge",
        "church",
        "market",
        "vineyard",
        "blast furnace",
        "procession",
        "brass band",
        "school",
        "railway station",
        "mill",
        "fortress",
        "farm",
        "carnival",
        "funfair",
    ],
}
DESC = {
    "fr": "{type} montrant {subject} à {place}, avec des passants et les toits de la ville au premier plan.",
    "de": "{type} mit {subject} in {place}; im Vordergrund Passanten und die Dächer des Ortes.",
    "lb": "{type} mat {subject} zu {place}, mat Leit an den Diech vum Uert am Virdergrond.",
    "en": "{type} showing the {subject} in {place}, with passers-by and the roofs of the town in front.",
}
DATES = {
    "fr": ["vers {y}", "{y}", "années {d}", "entre {y} et {y2}"],
    "de": ["um {y}", "{y}", "{d}er Jahre"],
    "lb": ["ëm {y}", "{y}", "{d}er Joren"],
    "en": ["c. {y}", "{y}", "{d}s"],
}
CREATORS = [
    "Schmit, Marie",
    "Wagner, Claire",
    "Weber, Nicolas",
    "Kieffer, Anne",
    "Reuter, Paul",
    "Thill, Emile",
    "Hoffmann, Lena",
    "Muller, Jos.",
    "Kremer, Jean",
    "Becker, Lucie",
    "Hansen, Pierre",
    "Klein, Sophie",
]
PROVIDERS = [
    "Musée régional de démonstration",
    "Archives communales de démonstration",
    "Bibliothèque de démonstration",
    "Demo-Industriemuseum",
]
RIGHTS = [
    "http://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/publicdomain/mark/1.0/",
    "https://creativecommons.org/licenses/by/4.0/",
    "http://rightsstatements.org/vocab/InC/1.0/",
]
QUESTIONS = [
    "Wou ass d'Buerg vu Veianen?",
    "Hutt dir Fotoe vun der Schmelz zu Esch?",
    "Postkaarte vun der Musel",
    "Wéini gouf d'Bréck gebaut?",
    "Qui a peint le château de Vianden ?",
    "Photos du marché de Diekirch",
    "affiches de la kermesse de Wiltz",
    "cartes postales de la gare d'Ettelbruck",
    "Wer hat die Burg Vianden gemalt?",
    "Fotos vom Hochofen in Differdingen",
    "Zeitungen aus den 1930er Jahren",
    "Prozession in Echternach",
    "Who painted Vianden castle?",
    "photos of the steelworks in Esch",
    "postcards of the Moselle vineyards",
    "the funfair in Luxembourg City",
]

MAPPING = """
format: csv
delimiter: ","
id: id
fields:
  title: {from: title, lang_from: lang}
  description: description
  type: {from: type, lang_from: lang}
  creator: creator
  date: date
  place: place
  subject: {from: subject, lang_from: lang}
  rights: rights
  data_provider: provider
  edm_type: edm_type
"""


def rss_mb() -> float:
    """Peak resident memory of this process (VmHWM; ru_maxrss would include the parent's after exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    places = list(PLACES)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "id",
                "lang",
                "title",
                "description",
                "type",
                "creator",
                "date",
                "place",
                "subject",
                "rights",
                "provider",
                "edm_type",
            ]
        )
        for i in range(n):
            lang = ("fr", "de", "lb", "en")[i % 4]
            t = rng.randrange(len(TYPES[lang]))
            s = rng.randrange(len(SUBJECTS[lang]))
            place = PLACES[rng.choice(places)][lang]
            y = rng.randint(1850, 1975)
            date = rng.choice(DATES[lang]).format(y=y, y2=y + rng.randint(1, 9), d=y // 10 * 10)
            title = f"{place}. {SUBJECTS[lang][s].capitalize()} ({TYPES[lang][t].lower()}) n° {i}"
            desc = DESC[lang].format(type=TYPES[lang][t], subject=SUBJECTS[lang][s], place=place)
            # one description in three arrives without a language (the mapping reads none for it)
            w.writerow(
                [
                    f"bench:{i:06d}",
                    lang,
                    title,
                    desc,
                    TYPES[lang][t],
                    rng.choice(CREATORS),
                    date,
                    place,
                    SUBJECTS[lang][s],
                    rng.choice(RIGHTS),
                    rng.choice(PROVIDERS),
                    "TEXT" if t == 4 else "3D" if t in (5, 6) else "IMAGE",
                ]
            )


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def timed_queries(fn, queries: list, repeat: int) -> dict:
    fn(queries[0])  # warm
    times = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - t0) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(pct(times, 95), 2),
        "mean_ms": round(statistics.fmean(times), 2),
        "n": len(times),
    }


def serve(home: Path, repeat: int) -> None:
    """Load the index like a serving process and time the searches (prints one JSON line)."""
    from moien.heritage.embeddings import Embedder
    from moien.heritage.search import SearchFilters
    from moien.heritage.search.embedded import HeritageIndex, HeritageSearch, index_dir

    index = HeritageIndex(index_dir(home))
    search = HeritageSearch(index)
    qvecs = {q: Embedder.query(q) for q in QUESTIONS}
    result = {
        "pipeline_full": timed_queries(lambda q: search.search(q, top_k=10), QUESTIONS, repeat),
        "query_embedding_only": timed_queries(lambda q: Embedder.query(q), QUESTIONS, repeat),
        "retrieval_bm25_dense": timed_queries(
            lambda q: (index.bm25(q, None, 30), index.dense(qvecs[q], None, 30)), QUESTIONS, repeat
        ),
        "bm25_only": timed_queries(lambda q: index.bm25(q, None, 30), QUESTIONS, repeat),
        "pipeline_with_filters": timed_queries(
            lambda q: search.search(
                q, SearchFilters(type="IMAGE", place="Vianden", year_from=1900, year_to=1950), top_k=10
            ),
            QUESTIONS,
            repeat,
        ),
        "pipeline_with_broad_filter": timed_queries(  # most records pass: the HNSW graph with a bitmap
            lambda q: search.search(q, SearchFilters(type="IMAGE"), top_k=10), QUESTIONS, repeat
        ),
    }
    if index.ann is not None:  # what the approximate graph costs in quality: its top 30 against the exact top 30
        recall, gap = [], []
        for q in QUESTIONS:
            exact = np.asarray(index.vectors) @ qvecs[q]
            top = np.argsort(-exact)[:30]
            got = index.dense(qvecs[q], None, 30)
            recall.append(len({d for d, _ in got} & set(top.tolist())) / 30)
            gap.append(float(exact[top].mean()) - float(np.mean([s for _, s in got])))
        result["ann_recall_at_30"] = round(statistics.fmean(recall), 3)
        result["ann_mean_cosine_gap_at_30"] = round(statistics.fmean(gap), 5)
    print(json.dumps({"search": result, "rss_mb": round(rss_mb()), "records": index.n}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--embed-sample", type=int, default=128, help="records embedded with the real model")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument(
        "--ann-min", type=int, default=20000, help="records from which a HNSW graph is built (MOIEN_HERITAGE__ANN_MIN)"
    )
    ap.add_argument("--serve-from", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_from:
        serve(args.serve_from, args.repeat)
        return

    from moien.assistants.heritage.plugin import language_detector
    from moien.heritage.embeddings import Embedder, record_text, text_hash
    from moien.heritage.enrich import enrich
    from moien.heritage.importers import import_path
    from moien.heritage.search import SearchConfig, build_index
    from moien.heritage.search.embedded import index_dir
    from moien.heritage.store import RecordStore

    config = SearchConfig(ann_min=args.ann_min)

    home = Path(tempfile.mkdtemp(prefix="moien-heritage-bench-"))
    out: dict = {
        "records": args.records,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_at_start": os.getloadavg()[0],
    }
    try:
        data = home / "bench.csv"
        write_csv(data, args.records)
        (home / "bench.mapping.yml").write_text(MAPPING, encoding="utf-8")
        store = RecordStore.open(home)

        # -- ingest: CSV → store → BM25 index -----------------------------------------------------
        t0 = time.perf_counter()
        rep = import_path(store, data, "csv", home / "bench.mapping.yml")
        t_import = time.perf_counter() - t0
        assert rep.new == args.records and not rep.errors, rep.errors[:3]
        t0 = time.perf_counter()
        manifest = build_index(store, home, config, embeddings=False)
        t_index = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = import_path(store, data, "csv", home / "bench.mapping.yml")
        t_reimport = time.perf_counter() - t0
        out["ingest"] = {
            "import_s": round(t_import, 2),
            "bm25_index_s": round(t_index, 2),
            "records_per_s": round(args.records / (t_import + t_index)),
            "import_only_records_per_s": round(args.records / t_import),
            "reimport_unchanged_records_per_s": round(args.records / t_reimport),
            "unchanged": again.unchanged,
            "terms": manifest["terms"],
        }
        print("ingest", out["ingest"], flush=True)

        # -- enrichment -------------------------------------------------------------------------------
        t0 = time.perf_counter()
        er = enrich(store, ["language", "dates", "authority", "keywords"], language=language_detector())
        t_rec = time.perf_counter() - t0
        t0 = time.perf_counter()
        lr = enrich(store, ["links"])
        t_links = time.perf_counter() - t0
        sample = [r for _, r in zip(range(args.embed_sample), store.iter_records())]
        texts = [record_text(r) for r in sample]
        Embedder.passages(texts[:4])
        t0 = time.perf_counter()
        sample_vecs = Embedder.passages(texts)
        t_emb = time.perf_counter() - t0
        out["enrichment"] = {
            "per_record_steps_records_per_s": round(args.records / t_rec),
            "per_record_s": round(t_rec, 2),
            "enrichments_added": dict(er.by_kind),
            "links_s": round(t_links, 2),
            "links": lr.links,
            "links_records_per_s": round(args.records / t_links),
            "embedding_records_per_s": round(len(texts) / t_emb, 1),
            "embedding_ms_per_record": round(1000 * t_emb / len(texts), 1),
        }
        print("enrichment", out["enrichment"], flush=True)

        # -- vectors for every record (real e5 vectors of the sample, spread with a little noise) ------
        rng = np.random.default_rng(3)
        rows = []
        for i, rec in enumerate(store.iter_records()):
            v = sample_vecs[i % len(sample_vecs)] + rng.normal(0, 0.01, sample_vecs.shape[1]).astype(np.float32)
            rows.append((rec.id, text_hash(record_text(rec)), v / np.linalg.norm(v)))
            if len(rows) >= 5000:
                store.save_embeddings(rows)
                rows = []
        if rows:
            store.save_embeddings(rows)
        t0 = time.perf_counter()
        build_index(store, home, config, embeddings=True)
        out["index_with_vectors_s"] = round(time.perf_counter() - t0, 2)

        # -- search latency, in a fresh process that only serves (as the kiosk or the API would) -------
        import subprocess

        served = subprocess.run(
            [sys.executable, __file__, "--serve-from", str(home), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        serving = json.loads(served.stdout.strip().splitlines()[-1])
        out["search"] = serving["search"]
        print("search", out["search"], flush=True)
        size = sum(p.stat().st_size for p in index_dir(home).iterdir())
        out["memory"] = {
            "peak_rss_mb_benchmark_process": round(rss_mb()),
            "serving_process_rss_mb": serving["rss_mb"],
            "index_on_disk_mb": round(size / 1e6, 1),
            "store_on_disk_mb": round(store.path.stat().st_size / 1e6, 1),
        }
        out["load_average_at_end"] = os.getloadavg()[0]
        print("memory", out["memory"], flush=True)
        store.close()
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
