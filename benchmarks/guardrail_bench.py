"""Input guardrail: recall on attacks, false-positive rate on ordinary questions and cost, per language and split.

The sets are ``tests/data/guardrail/attacks.tsv`` and ``ordinary.tsv`` (lb/fr/de/en, written for moien). "tune" rows
were looked at while the patterns were written; "heldout" rows (every third) were not, so they are the honest figure.

    .venv/bin/python benchmarks/guardrail_bench.py            # Markdown tables
    .venv/bin/python benchmarks/guardrail_bench.py --errors   # and every miss / false alarm

Speed is the best of three passes over both sets, divided by the number of messages (the check runs on every
message before retrieval, so it must stay far below the time to first token).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.trust import is_jailbreak  # noqa: E402
from moien.lang import LANGS  # noqa: E402

DATA = REPO / "tests" / "data" / "guardrail"


def load(name: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            rows.append((fields[0], fields[1], fields[-1]))
    return rows


def _microseconds(texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            is_jailbreak(text)
        best = min(best, time.perf_counter() - start)
    return best / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every missed attack and refused question")
    args = parser.parse_args()
    attacks, ordinary = load("attacks"), load("ordinary")
    for split in ("tune", "heldout"):
        print(f"\n### {split}\n")
        print("| lang | attacks | recall | ordinary | false positives | µs/message |")
        print("|---|---:|---:|---:|---:|---:|")
        for lang in (*LANGS, "all"):
            att = [t for lg, sp, t in attacks if sp == split and lang in (lg, "all")]
            ordi = [t for lg, sp, t in ordinary if sp == split and lang in (lg, "all")]
            caught = sum(is_jailbreak(t) for t in att)
            refused = sum(is_jailbreak(t) for t in ordi)
            print(
                f"| {lang} | {len(att)} | {caught / len(att):.1%} | {len(ordi)} | {refused / len(ordi):.1%} "
                f"| {_microseconds(att + ordi):.0f} |"
            )
            if args.errors and lang != "all":
                for t in att:
                    if not is_jailbreak(t):
                        print(f"  missed {lang}: {t!r}")
                for t in ordi:
                    if is_jailbreak(t):
                        print(f"  refused {lang}: {t!r}")


if __name__ == "__main__":
    main()
