"""Document search benchmark: retrieval p50/p95 at 100k chunks, against the previous ``general`` retriever.

    .venv/bin/python benchmarks/documents_search_bench.py                 # 100,000 chunks (about two minutes)
    .venv/bin/python benchmarks/documents_search_bench.py --chunks 10000  # quicker
    .venv/bin/python benchmarks/documents_search_bench.py --json out.json
    .venv/bin/python benchmarks/documents_search_bench.py --store-only    # the index kept on disk (below)

* **Synthetic chunks**: 120–200 words each, drawn with a Zipf law from the demo documents' words (four
  languages) plus 40,000 made-up terms, so common words have long posting lists as in real collections; spread
  over 4 collections with different groups (one public), 4 languages and dates.
* **Vectors**: random unit vectors (384-d), **not** e5 vectors — embedding 100k chunks with e5 on this CPU takes
  about 20 minutes and the cost of a query does not depend on the values. The question's e5 embedding is timed
  apart, with the real model, on real questions.
* **Measured** (``moien.documents.search.SearchIndex``, the code ``DocumentSearch.search`` runs, minus the store's
  version check): the group mask + BM25 + exact dense product + RRF fusion (``retrieval``), the same for a caller
  whose groups leave a quarter of the chunks (``retrieval_one_group``), BM25 alone, the dense product alone, and
  the e5 question embedding (``embed_query``). The goal is p95 ≤ 50 ms for retrieval.
* **Baseline, same run**: the retriever the ``general`` assistant used before (Haystack ``InMemoryDocumentStore``
  with ``InMemoryBM25Retriever``, BM25Okapi), over the same chunks, on fewer questions (it takes seconds each).
* **The index kept on disk** (``--store``, ``--store-only``): the same chunks and vectors written into a real
  SQLite store (kept in ``--store-dir`` for the next run), then what a process pays before its first answer:
  building the index from the store (``SearchIndex.from_store``, what every process did before the index was
  saved), saving it, loading it; then fresh processes (Python start-up excluded): the first builds and saves the
  index, the next ones load it — import time, index time, first and second search, peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

import numpy as np  # noqa: E402

from moien.documents.model import Chunk  # noqa: E402
from moien.documents.search import SearchIndex, fuse, terms  # noqa: E402

DIM = 384
QUESTIONS = [
    "Wat kascht eng nei Identitéitskaart?",
    "Combien coûte une carte d'identité ?",
    "Wann beginnt das Schuljahr?",
    "When is the museum open?",
    "Wéi mellen ech mäi Kand an der Schoul un?",
    "Quels documents faut-il pour l'inscription scolaire ?",
    "Wie viel kostet der Eintritt ins Museum?",
    "Who can answer questions about moien?",
]
COLLECTIONS = [("public", ()), ("hr", ("hr",)), ("finance", ("finance",)), ("legal", ("legal", "direction"))]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vocabulary(rng: random.Random) -> list[str]:
    words: list[str] = []
    for path in sorted((REPO / "assistants" / "general" / "docs").glob("*.md")):
        words.extend(re.findall(r"\w+", path.read_text(encoding="utf-8")))
    real = list(dict.fromkeys(w for w in words if len(w) > 2))
    rng.shuffle(real)
    return real + [f"term{i}" for i in range(40_000)]


def make_chunks(n: int, seed: int = 7) -> tuple[list[Chunk], list[str]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = np.array([1.0 / (r + 1) ** 1.05 for r in range(len(vocab))])
    weights /= weights.sum()
    nprng = np.random.default_rng(seed)
    chunks = []
    langs = ["lb", "fr", "de", "en"]
    for i in range(n):
        size = int(nprng.integers(120, 201))
        words = [vocab[j] for j in nprng.choice(len(vocab), size=size, p=weights)]
        coll, groups = COLLECTIONS[i % len(COLLECTIONS)]
        doc = i // 20
        chunks.append(
            Chunk(
                id=f"{coll}/doc{doc}.md#{i % 20}",
                doc_id=f"{coll}/doc{doc}.md",
                collection=coll,
                groups=groups,
                title=f"Document {doc}",
                text=" ".join(words),
                heading="Section",
                lang=langs[doc % 4],
                date=f"{2000 + doc % 25}-01-01",
            )
        )
    return chunks, vocab


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2),
        "max_ms": round(ms[-1], 2),
        "n": len(ms),
    }


def fill_store(store_path: Path, chunks: list[Chunk], vectors: np.ndarray, model: str) -> float:
    """Write the chunks (20 per document) and their vectors into a store; seconds taken."""
    from moien.documents.chunking import index_text
    from moien.documents.store import DocumentRecord, DocumentStore, text_hash

    store = DocumentStore(store_path)
    t = time.perf_counter()
    for name, groups in COLLECTIONS:
        store.ensure_collection(name, groups)
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    for doc_id, part in by_doc.items():
        first = part[0]
        record = DocumentRecord(doc_id, first.collection, doc_id, doc_id, first.title, first.lang, first.date, "md")
        store.put_document(record, part)
    store.put_vectors({text_hash(index_text(c)): v for c, v in zip(chunks, vectors, strict=True)}, model)
    return time.perf_counter() - t


FRESH = """
import sys, time
t0 = time.perf_counter()
import numpy as np
from moien.documents.search import DocumentSearch
from moien.documents.store import DocumentStore
t1 = time.perf_counter()
dim = int(sys.argv[3])
search = DocumentSearch(DocumentStore(sys.argv[1]), embed_query=lambda q: np.ones(dim, np.float32) / np.sqrt(dim),
    model=sys.argv[2])
search.index
t2 = time.perf_counter()
hits = search.search("Wat kascht eng nei Identitéitskaart?", groups=("hr",))
t3 = time.perf_counter()
search.search("Combien coûte une carte d'identité ?", groups=("hr",))
t4 = time.perf_counter()
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
rss = int(status["VmHWM"].split()[0]) / 1024  # ru_maxrss would count the parent that forked this process
print(round(t1 - t0, 3), round(t2 - t1, 3), round((t3 - t2) * 1000, 1), round((t4 - t3) * 1000, 1), round(rss), len(hits))
"""


def measure_store(make: Callable[[], tuple[list[Chunk], np.ndarray]], n: int, folder: Path) -> dict[str, object]:
    """Build from the store, save, load: what a process pays before its first answer, before and after."""
    import gc
    import shutil
    import subprocess

    from moien.documents.search import SearchIndex, index_folder
    from moien.documents.store import DocumentStore

    model = "bench-random-384"
    path = folder / "store.sqlite3"
    result: dict[str, object] = {}
    store = DocumentStore(path)
    if store.count_chunks() != n:  # a store filled by an earlier run with as many chunks is used as it is
        chunks, vectors = make()
        result["fill_store_s"] = round(fill_store(path, chunks, vectors, model), 1)
        del chunks, vectors
    shutil.rmtree(index_folder(store), ignore_errors=True)
    t = time.perf_counter()
    built = SearchIndex.from_store(store, model)
    result["build_from_store_s"] = round(time.perf_counter() - t, 2)
    target = index_folder(store) / "bench"
    t = time.perf_counter()
    built.save(target)
    result["save_s"] = round(time.perf_counter() - t, 2)
    result["saved_mb"] = round(sum(f.stat().st_size for f in target.iterdir()) / 1e6, 1)
    del built
    gc.collect()  # the built index's millions of objects would otherwise be traversed during the timings below
    t = time.perf_counter()
    SearchIndex.load(target, store)
    result["load_s"] = round(time.perf_counter() - t, 3)
    shutil.rmtree(target)
    # What a new process pays before its first answer: without a saved index it builds one (and saves it), after
    # that it loads the saved one.
    run = [sys.executable, "-c", FRESH, str(path), model, str(DIM)]
    for label in ("fresh_process_builds", "fresh_process_loads_1", "fresh_process_loads_2"):
        fresh = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
        result[label] = {
            "import_s": float(fresh[0]),
            "index_s": float(fresh[1]),
            "first_search_ms": float(fresh[2]),
            "second_search_ms": float(fresh[3]),
            "peak_rss_mb": float(fresh[4]),
            "hits": int(fresh[5]),
        }
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200, help="questions timed per measurement")
    ap.add_argument("--baseline-queries", type=int, default=8)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--store", action="store_true", help="also measure the index kept on disk")
    ap.add_argument("--store-only", action="store_true", help="measure only the index kept on disk")
    ap.add_argument("--store-dir", type=Path, help="keep the benchmark's store here (reused when it fits)")
    args = ap.parse_args()

    out: dict[str, object] = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "chunks": args.chunks}

    def make() -> tuple[list[Chunk], np.ndarray]:
        t = time.perf_counter()
        chunks, _ = make_chunks(args.chunks)
        out["generate_s"] = round(time.perf_counter() - t, 1)
        vectors = np.random.default_rng(1).standard_normal((len(chunks), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return chunks, vectors

    if args.store or args.store_only:
        import tempfile

        folder = args.store_dir or Path(tempfile.mkdtemp(prefix="moien-docs-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        out["store"] = measure_store(make, args.chunks, folder)
        print("store", out["store"], flush=True)
        if args.store_only:
            out["rss_mb"] = round(rss_mb())
            print(json.dumps(out, indent=1))
            if args.json:
                args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
            return
    t = time.perf_counter()
    chunks, vocab = make_chunks(args.chunks)
    out["generate_s"] = round(time.perf_counter() - t, 1)
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((len(chunks), DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    t = time.perf_counter()
    index = SearchIndex(chunks, vectors, version=0)
    out["index_build_s"] = round(time.perf_counter() - t, 1)
    out["index_terms"] = len(index.vocab)
    out["postings"] = int(index.docs.size)
    print("built", out, flush=True)

    # Questions: the real ones plus Zipf-drawn word bags (common words → the longest posting lists: the worst case).
    pyrng = random.Random(3)
    bags = [" ".join(pyrng.choices(vocab[:3000], k=pyrng.randint(3, 8))) for _ in range(args.queries)]
    questions = (QUESTIONS * (args.queries // len(QUESTIONS) + 1))[: args.queries // 4] + bags
    questions = questions[: args.queries]
    qvecs = rng.standard_normal((len(questions), DIM)).astype(np.float32)
    qvecs /= np.linalg.norm(qvecs, axis=1, keepdims=True)

    def retrieval(groups: tuple[str, ...]) -> list[float]:
        ms = []
        for q, v in zip(questions, qvecs, strict=True):
            t = time.perf_counter()
            mask = index.mask(groups)
            qterms = terms(q)
            fuse(index, index.bm25(qterms, mask, 50), index.dense(v, mask, 50), len(set(qterms)), 5)
            ms.append((time.perf_counter() - t) * 1000)
        return ms

    everyone = index.mask(("hr", "finance", "legal"))
    result = {
        "retrieval_all_groups": summary(retrieval(("hr", "finance", "legal"))),
        "retrieval_one_group": summary(retrieval(("hr",))),
        "bm25_only": summary(
            [m for q in questions for m in timed(lambda q=q: index.bm25(terms(q), everyone, 50), 1)]  # type: ignore[misc]
        ),
        "dense_only": summary([m for v in qvecs for m in timed(lambda v=v: index.dense(v, everyone, 50), 1)]),  # type: ignore[misc]
    }
    from moien.connectors.embeddings import Embedder

    Embedder.query("warm up")
    result["embed_query_e5"] = summary([m for q in QUESTIONS * 4 for m in timed(lambda q=q: Embedder.query(q), 1)])  # type: ignore[misc]
    print("search", result, flush=True)

    # The previous general assistant's retriever, over the same chunks.
    from haystack import Document
    from haystack.components.retrievers.in_memory import InMemoryBM25Retriever
    from haystack.document_stores.in_memory import InMemoryDocumentStore

    t = time.perf_counter()
    store = InMemoryDocumentStore(bm25_algorithm="BM25Okapi")
    store.write_documents([Document(id=c.id, content=c.text) for c in chunks])
    retriever = InMemoryBM25Retriever(document_store=store, top_k=50)
    baseline_build = time.perf_counter() - t
    qs = questions[: args.baseline_queries]
    result["baseline_haystack_inmemory_bm25"] = summary(
        [m for q in qs for m in timed(lambda q=q: retriever.run(query=" ".join(terms(q)) or q), 1)]  # type: ignore[misc]
    )
    result["baseline_build_s"] = round(baseline_build, 1)
    out["search"] = result
    out["rss_mb"] = round(rss_mb())
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
