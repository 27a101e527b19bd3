"""Answer quality: the whole gold set (3 assistants × 4 languages × 10 questions) through the real pipeline.

This is ``moien eval`` itself, run as a benchmark: it asks every question of the chosen gold sets through a real
``Core`` (the configured model, the local Neo4j for the education assistant, the heritage demo collection) and prints
the figures as Markdown tables for ``docs/PERFORMANCE.md``, one row per assistant × language. The full set takes a
long time on a small machine (each answer is one model generation: 10–90 s on 2 shared cores), so choose with
``--assistant``/``--lang`` or sample with ``--subset``:

    .venv/bin/moien neo4j start                                   # the education gold set needs the graph
    .venv/bin/python benchmarks/eval_bench.py                        # everything (hours on 2 cores)
    .venv/bin/python benchmarks/eval_bench.py -a general -l en       # one assistant × one language
    .venv/bin/python benchmarks/eval_bench.py --subset 3 --out /tmp/eval

The outputs (``summary.json``, ``results.jsonl``, ``report.html`` with the charts) are written to ``--out``
(default ``$MOIEN_HOME/eval``, where ``moien registry card`` reads them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.config import get_settings  # noqa: E402
from moien.assistants.core.engine import Core  # noqa: E402
from moien.assistants.core.evaluation import gold, metrics, runner  # noqa: E402

COLUMNS = (
    ("recall@k", "recall"),
    ("citation precision", "citation_precision"),
    ("groundedness", "groundedness"),
    ("language match", "language_match"),
    ("refusal correctness", "refusal_correctness"),
    ("false refusals", "false_refusals"),
    ("facts", "facts"),
    ("p50 s", "latency_p50_s"),
    ("p95 s", "latency_p95_s"),
)


def _cell(value: Any) -> str:
    return "n/a" if value is None else f"{value:.2f}" if isinstance(value, float) else str(value)


def table(summary: dict[str, Any]) -> str:
    head = "| assistant / language | questions | " + " | ".join(name for name, _ in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    rows = [*summary["cells"].items(), ("**overall**", summary["overall"])]
    for label, group in rows:
        lines.append(f"| {label} | {group['questions']} | " + " | ".join(_cell(group[k]) for _, k in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-a", "--assistant", action="append", default=[], help="assistant (repeatable)")
    parser.add_argument("-l", "--lang", action="append", default=[], help="language (repeatable)")
    parser.add_argument("--subset", type=int, default=None, help="at most N questions per assistant × language")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default $MOIEN_HOME/eval)")
    args = parser.parse_args()

    settings = get_settings()
    core = Core(settings)
    items = gold.gold_items(core.assistants, args.assistant, args.lang)
    if args.subset:
        items = gold.stratified(items, args.subset)
    started = runner.now()

    def show(result: metrics.QuestionResult) -> None:
        print(
            f"  {result.id}: {result.kind} {result.latency_s:.1f} s {'ok' if result.passed else 'x'}", file=sys.stderr
        )

    results = runner.run(core, items, on_result=show)
    core.close()
    summary = metrics.summarise(results, runner.meta(core, subset=args.subset, started=started))
    runner.write_outputs(args.out or settings.home / "eval", results, summary)
    print(f"model {summary['model']}, measured {summary['measured_at']}, {len(results)} questions\n")
    print(table(summary))


if __name__ == "__main__":
    main()
