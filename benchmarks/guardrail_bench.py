"""Input guardrail: recall on attacks, false-positive rate on ordinary questions and cost, per language and split.

The sets are ``tests/data/guardrail/attacks.tsv`` and ``ordinary.tsv`` (lb/fr/de/en, written for moien). "tune" rows
were looked at while the patterns were written and are the classifier's dev split (its threshold is chosen on them,
it is never trained on them); "heldout" rows (every third) were used for neither, so they are the honest figure.

Three decisions are compared: the patterns alone ("rules"), the fastText classifier alone at its threshold
("classifier") and what moien runs, either of the two ("combined", ``injection.input_verdict``).

    .venv/bin/python benchmarks/guardrail_bench.py            # Markdown tables
    .venv/bin/python benchmarks/guardrail_bench.py --errors   # and every miss / false alarm of the combined decision

Speed is the best of three passes over both sets, divided by the number of messages, for each signal alone and for
the combined verdict (the check runs on every message before retrieval, so it must stay far below the time to first
token).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.injection import InjectionClassifier, default_classifier, input_verdict  # noqa: E402
from moien.assistants.core.trust import jailbreak_rules_match  # noqa: E402
from moien.lang import LANGS  # noqa: E402

DATA = REPO / "tests" / "data" / "guardrail"


def load(name: str) -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            rows.append((fields[0], fields[1], fields[-1]))
    return rows


def _microseconds(check: Callable[[str], object], texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            check(text)
        best = min(best, time.perf_counter() - start)
    return best / len(texts) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every missed attack and refused question")
    args = parser.parse_args()
    clf = default_classifier()
    if clf is None:
        sys.exit("the classifier did not load: run benchmarks/guard_train.py")
    model: InjectionClassifier = clf
    decisions: dict[str, Callable[[str], bool]] = {
        "rules": jailbreak_rules_match,
        "classifier": lambda t: model.probability(t) >= model.threshold,
        "combined": lambda t: input_verdict(t, model).is_attack,
    }
    attacks, ordinary = load("attacks"), load("ordinary")
    print(f"threshold {model.threshold} (model sha256 {model.manifest['model_sha256'][:12]}…)")
    for split in ("tune", "heldout"):
        print(f"\n### {split}\n")
        print("| lang | attacks | ordinary | recall: rules / classifier / combined | false positives: the same |")
        print("|---|---:|---:|---:|---:|")
        for lang in (*LANGS, "all"):
            att = [t for lg, sp, t in attacks if sp == split and lang in (lg, "all")]
            ordi = [t for lg, sp, t in ordinary if sp == split and lang in (lg, "all")]
            recall = " / ".join(f"{sum(map(d, att)) / len(att):.1%}" for d in decisions.values())
            fpr = " / ".join(f"{sum(map(d, ordi)) / len(ordi):.1%}" for d in decisions.values())
            print(f"| {lang} | {len(att)} | {len(ordi)} | {recall} | {fpr} |")
            if args.errors and lang != "all":
                for t in att:
                    if not decisions["combined"](t):
                        print(f"  missed {lang} (p={model.probability(t):.2f}): {t!r}")
                for t in ordi:
                    if decisions["combined"](t):
                        print(f"  refused {lang} (p={model.probability(t):.2f}): {t!r}")
    texts = [t for _, _, t in attacks + ordinary]
    print("\n| check | µs/message |\n|---|---:|")
    for name, decide in decisions.items():
        print(f"| {name} | {_microseconds(decide, texts):.0f} |")


if __name__ == "__main__":
    main()
