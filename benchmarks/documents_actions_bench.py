"""Latency of summaries, plain language and translation asked for in the chat, with the default model.

Each task is one chat message through the real core (``Core.ask``, the general assistant named), as a user of the
teacher app, the HTTP API or the widget would send it; the time is the whole turn, from the message to the last
word (these answers are written whole, then sent: the time to the first word is the same).

* ``summary-short``: "Summarise the document about the identity card" (one passage: one model call, two when the
  model copies the passage back and is asked again);
* ``summary-long``: "Summarise the document about the municipal rules" — a generated Markdown document of
  ``--long-words`` words under ten headings (the demo pages' sentences in a different order under each heading),
  longer than the model's context, so it is summarised part by part and the parts combined (map-reduce);
* ``plain``: "Rewrite the identity card page in plain English" (the facts checked; a second call when one was
  lost or the text reads no easier);
* ``translate``: "Translate the identity card page into German" (French → German, with the demo glossary).

The model is loaded (and the e5 index built) by one warm-up turn before anything is timed. Each task runs ``--n``
times (``--long-n`` for the long summary) in a new session; the median and every run are reported, with the model
calls' count, the machine's CPU count and its load average before and after (other work on the machine slows
the model down: say so next to the figures).

    .venv/bin/python benchmarks/documents_actions_bench.py                       # a Markdown table
    nice -n 10 .venv/bin/python benchmarks/documents_actions_bench.py --n 3 --long-n 1 --json out.json
    .venv/bin/python benchmarks/documents_actions_bench.py --tasks summary-short,plain --n 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TASKS = {
    "summary-short": "Summarise the document about the identity card",
    "summary-long": "Summarise the document about the municipal rules",
    "plain": "Rewrite the identity card page in plain English",
    "translate": "Traduis la page sur la carte d'identité en allemand",
}
HEADINGS = [
    "Identity documents",
    "Fees",
    "School registration",
    "The school year",
    "Holidays",
    "Museum visits",
    "Opening hours",
    "Appointments",
    "Lost documents",
    "Contacts",
]


def long_document(words: int) -> str:
    """A Markdown document of about ``words`` words: the English demo pages' sentences under ten headings."""
    sentences: list[str] = []
    for path in sorted((REPO / "assistants" / "general" / "docs").glob("*.en.md")):
        text = " ".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        sentences += [s.strip() + "." for s in text.split(".") if len(s.split()) > 3]
    out = ["# Municipal rules (benchmark)", ""]
    count, k = 0, 0
    per_section = max(1, words // len(HEADINGS))
    for i, heading in enumerate(HEADINGS):
        out += [f"## {heading}", ""]
        section = 0
        paragraph: list[str] = []
        while section < per_section:
            s = sentences[(k * 7 + i) % len(sentences)]
            k += 1
            paragraph.append(s)
            section += len(s.split())
            if len(paragraph) == 4:
                out += [" ".join(paragraph), ""]
                paragraph = []
        if paragraph:
            out += [" ".join(paragraph), ""]
        count += section
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(
        description="Latency of summaries (short and map-reduce), plain language and translation asked for in "
        "the chat, with the default model: median of N runs per task, as a Markdown table or JSON.",
        epilog="Each run is a new chat session through the real core; the model is loaded before timing. Run it "
        "with nice on a shared machine and report the load average it prints.",
    )
    ap.add_argument("--n", type=int, default=3, help="runs per task (default 3; the median is reported)")
    ap.add_argument("--long-n", type=int, default=1, help="runs of the long (map-reduce) summary (default 1)")
    ap.add_argument("--long-words", type=int, default=4000, help="words of the long document (default 4000)")
    ap.add_argument("--tasks", default=",".join(TASKS), help=f"comma-separated, of: {', '.join(TASKS)}")
    ap.add_argument("--json", type=Path, help="write the results to this file as JSON")
    ap.add_argument("--home", type=Path, help="MOIEN_HOME to use (default: a new temporary folder)")
    args = ap.parse_args()
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        ap.error(f"unknown task(s): {', '.join(unknown)}")

    os.environ.setdefault("HAYSTACK_TELEMETRY_ENABLED", "False")
    home = args.home or Path(tempfile.mkdtemp(prefix="moien-actions-bench-"))
    from moien.assistants.core.config import Settings
    from moien.assistants.core.engine import Core
    from moien.assistants.general.plugin import open_store
    from moien.documents.importer import import_path

    folder = home / "bench-docs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "municipal-rules.en.md").write_text(long_document(args.long_words), encoding="utf-8")
    store = open_store(home)
    import_path(store, folder, "bench")
    long_chunks = len(store.chunks("bench/municipal-rules.en.md"))

    settings = Settings(home=home, neo4j={"uri": "bolt://127.0.0.1:9", "password": "x"})
    core = Core(settings)
    load_before = os.getloadavg()
    started = time.perf_counter()
    core.ask("What does an identity card cost?", assistant="general")  # loads the model and the e5 index
    warm_up = time.perf_counter() - started

    calls: list[int] = []
    model = core.model
    original = model.stream_chat

    def counted(*a: Any, **k: Any) -> Any:  # why: the number of model calls explains a latency (map-reduce, retries)
        calls[-1] += 1
        return original(*a, **k)

    model.stream_chat = counted  # type: ignore[method-assign]
    rows: list[dict[str, object]] = []
    for task in tasks:
        runs: list[float] = []
        per_run_calls: list[int] = []
        kinds: list[str] = []
        for _ in range(args.long_n if task == "summary-long" else args.n):
            calls.append(0)
            t0 = time.perf_counter()
            reply = core.ask(TASKS[task], session_id=uuid.uuid4().hex, assistant="general")
            runs.append(time.perf_counter() - t0)
            per_run_calls.append(calls[-1])
            kinds.append(f"{reply.kind}/{reply.lang}/{len(reply.sources)} sources")
        rows.append(
            {
                "task": task,
                "message": TASKS[task],
                "n": len(runs),
                "median_s": round(statistics.median(runs), 1),
                "runs_s": [round(r, 1) for r in runs],
                "model_calls": per_run_calls,
                "replies": kinds,
            }
        )
        print(f"{task}: median {rows[-1]['median_s']} s over {len(runs)} run(s)", file=sys.stderr)
    load_after = os.getloadavg()
    result = {
        "model": core.model_id,
        "n_ctx": settings.model.n_ctx,
        "threads": getattr(model, "n_threads", None),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "warm_up_s": round(warm_up, 1),
        "long_document": {"words": args.long_words, "passages": long_chunks},
        "tasks": rows,
    }
    core.close()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"model {result['model']}, {result['cpus']} CPUs, load {load_before[0]:.1f} → {load_after[0]:.1f}")
    print("| task | median (s) | runs (s) | model calls |")
    print("|---|---:|---|---|")
    for row in rows:
        print(f"| {row['task']} | {row['median_s']} | {row['runs_s']} | {row['model_calls']} |")


if __name__ == "__main__":
    main()
