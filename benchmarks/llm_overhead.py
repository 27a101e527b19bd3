"""moien's pipeline vs raw llama-cpp-python, same model, same prompt, same process.

    .venv/bin/python benchmarks/llm_overhead.py [--runs 3] [--max-tokens 96]

Both sides load the same GGUF once (moien through its runtime, the baseline through ``llama_cpp.Llama``
directly) and generate greedily (temperature 0) for the same messages built by moien's core, so the
difference is moien's own work: language identification, routing, BM25 retrieval, prompt building,
the queue and streaming. Runs alternate between the two sides to spread machine noise evenly.
Reports the overhead ratio (goal ≤ 1.05), time to first token and tokens/s as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")

# Different questions per run, so each run evaluates a new prompt after the cached system prompt, as in
# real use (the same question twice would be answered from the KV cache almost for free).
QUESTIONS = [
    ("fr", "Quand commence l'année scolaire et quand sont les vacances de Noël ?"),
    ("de", "Wie viel kostet ein neuer Personalausweis und wie lange dauert es?"),
    ("en", "Is the museum open on Mondays, and how much is a ticket?"),
    ("lb", "Wéini muss ech mäi Kand an der Schoul aschreiwen?"),
    ("fr", "Combien coûte l'entrée du musée ?"),
    ("en", "How do I register my child for school?"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--max-tokens", type=int, default=96)
    args = ap.parse_args()

    from llama_cpp import Llama

    from moien.assistants.core.config import Settings
    from moien.assistants.core.engine import Core
    from moien.assistants.core.types import Query

    settings = Settings(model={"max_tokens": args.max_tokens, "temperature": 0.0})
    core = Core(settings)
    model = core.model  # loads the GGUF (verified) once
    raw = Llama(
        model_path=str(model.path),
        n_ctx=settings.model.n_ctx,
        n_threads=os.cpu_count(),
        n_threads_batch=os.cpu_count(),
        n_batch=settings.model.n_batch,
        verbose=False,
    )

    helper = core.assistants["general"]

    def run_raw(lang: str, question: str) -> tuple[float, float, int]:
        query = Query(text=question, lang=lang, session_id="bench")
        messages = core.build_messages(helper, query, helper.ground(query))
        t0 = time.perf_counter()
        first, n = 0.0, 0
        for chunk in raw.create_chat_completion(
            messages=messages, max_tokens=args.max_tokens, temperature=0.0, stream=True
        ):
            if chunk["choices"][0].get("delta", {}).get("content"):
                if n == 0:
                    first = time.perf_counter() - t0
                n += 1
        return time.perf_counter() - t0, first, n

    def run_moien(i: int, question: str) -> tuple[float, float, int]:
        t0 = time.perf_counter()
        turn = core.turn(question, session_id=f"bench-{i}", assistant="general")
        first, n = 0.0, 0
        for _ in turn:
            if n == 0:
                first = time.perf_counter() - t0
            n += 1
        return time.perf_counter() - t0, first, n

    # Each side keeps its own KV cache; a warm-up run evaluates the shared prompt prefix once on both.
    warm_lang, warm_q = "en", "When does the school year start?"
    run_raw(warm_lang, warm_q)
    run_moien(-1, warm_q)
    raw_t, moi_t = [], []
    for i in range(args.runs):
        lang, question = QUESTIONS[i % len(QUESTIONS)]
        raw_t.append(run_raw(lang, question))
        moi_t.append(run_moien(i, question))

    def summary(rows):
        total = statistics.median(r[0] for r in rows)
        ttft = statistics.median(r[1] for r in rows)
        toks = statistics.median(r[2] for r in rows)
        return total, ttft, toks, toks / total if total else 0.0

    rt, rf, rn, rs = summary(raw_t)
    mt, mf, mn, ms = summary(moi_t)
    print(f"model: {model.model_id}  threads: {os.cpu_count()}  runs: {args.runs}  max_tokens: {args.max_tokens}")
    print("| side | total s (median) | time to first token s | tokens | tokens/s |")
    print("|---|---|---|---|---|")
    print(f"| raw llama-cpp-python | {rt:.2f} | {rf:.2f} | {rn:.0f} | {rs:.1f} |")
    print(f"| moien pipeline | {mt:.2f} | {mf:.2f} | {mn:.0f} | {ms:.1f} |")
    print(f"\noverhead ratio (moien / raw, total time): {mt / rt:.3f}  (goal ≤ 1.05)")


if __name__ == "__main__":
    main()
