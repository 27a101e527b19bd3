"""The answer guardrail: how well its support measure separates labelled pairs, and what it costs per answer.

1. **Accuracy** on ``tests/data/answer_check/support_pairs.yaml`` (96 hand-written sentence–passage pairs, lb/fr/de/en,
   half supported — paraphrases and translations included — half not): for each measure, the best accuracy and
   its threshold, then the table of the chosen one (e5 query vs. the closest passage sentence) around
   ``SUPPORT_THRESHOLD``: share of supported sentences kept and of unsupported ones caught.
2. **Time** of ``check_answer`` for a 120-word answer (six sentences, three passages): cold (passages not yet
   embedded) and warm (passage vectors cached, as when the same documents answer again), best of five; and its
   share of a typical answer's time. The check runs after generation, so it adds nothing to the time to first
   token; its share of the whole answer is computed from the time to first token and the generation speed given
   (defaults: the 2026-11-27 figures of ``docs/PERFORMANCE.md``, 3.1 s and 8 tokens/s, 160 tokens ≈ 120 words).

    .venv/bin/python benchmarks/answer_check_bench.py
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core import answer_check  # noqa: E402
from moien.assistants.core.answer_check import SUPPORT_THRESHOLD, check_answer, support_scores  # noqa: E402
from moien.assistants.core.types import Source  # noqa: E402
from moien.connectors.embeddings import Embedder  # noqa: E402
from moien.lang import fold  # noqa: E402

DATA = REPO / "tests" / "data" / "answer_check" / "support_pairs.yaml"
_WORD = re.compile(r"\w+")


def lexical(sentence: str, passage: str) -> float:
    """Share of the sentence's longer words (folded, first five letters) that the passage has."""
    words = [w[:5] for w in _WORD.findall(fold(sentence)) if len(w) > 3]
    have = {w[:5] for w in _WORD.findall(fold(passage))}
    return sum(w in have for w in words) / max(1, len(words))


def measures(data: dict[str, Any]) -> dict[str, list[tuple[bool, float, str]]]:
    passages: dict[str, str] = data["passages"]
    pairs = data["pairs"]
    whole = {k: Embedder.passages([v])[0] for k, v in passages.items()}
    out: dict[str, list[tuple[bool, float, str]]] = {"e5 closest sentence": [], "e5 whole passage": [], "lexical": []}
    for p in pairs:
        label, text, passage = p["label"] == "supported", p["sentence"], passages[p["passage"]]
        out["e5 closest sentence"].append((label, float(support_scores([text], [passage])[0, 0]), p["lang"]))
        out["e5 whole passage"].append((label, float(Embedder.query(text) @ whole[p["passage"]]), p["lang"]))
        out["lexical"].append((label, lexical(text, passage), p["lang"]))
    return out


def accuracy(rows: list[tuple[bool, float, str]], threshold: float) -> float:
    return sum((score >= threshold) == label for label, score, _ in rows) / len(rows)


def kept_caught(rows: list[tuple[bool, float, str]], threshold: float) -> tuple[float, float]:
    good = [s for label, s, _ in rows if label]
    bad = [s for label, s, _ in rows if not label]
    return sum(s >= threshold for s in good) / len(good), sum(s < threshold for s in bad) / len(bad)


#: A 120-word answer from three passages (six sentences), as the model writes them.
ANSWER = (
    "You renew your identity card at the citizens' office of the town hall [1]. Book an appointment first and bring "
    "your old card and a recent passport photo [1]. The fee is 14 euros for adults [1]. The new card is ready after "
    "about ten working days [1]. If your card was lost or stolen, first declare the loss at a police station [1]. "
    "The school year starts on Tuesday 15 September and ends on Wednesday 15 July, and on the first day of school "
    "lessons end at 11:45, so plan to collect your children then [2]. The museum is closed on Mondays and open "
    "until 20:00 on Thursdays; entry costs 7 euros, and it is free for visitors under 21 [3]."
)


@contextmanager
def _without_e5() -> Iterator[None]:
    def zeros(claims: list[str], passages: list[str]) -> np.ndarray:
        return np.zeros((len(claims), len(passages)), dtype=np.float32)

    saved = answer_check.support_scores
    answer_check.support_scores = zeros  # type: ignore[assignment]
    try:
        yield
    finally:
        answer_check.support_scores = saved


def timing(data: dict[str, Any]) -> tuple[float, float, float, int]:
    """Best of five: the whole check with passages not yet embedded (cold), with them cached (warm), and the
    rules alone (without e5, which takes about 11 ms per answer sentence on a quiet machine)."""
    passages = [data["passages"][k] for k in ("id_en", "year_fr", "museum_de")]
    sources = [Source(id=str(i), title=f"source {i}") for i in range(1, 4)]
    Embedder.query("warm up")  # the model loads once per process; not part of a check
    best_cold = best_warm = best_rules = float("inf")
    for run in range(5):
        fresh = [f"{p} (run {run})" for p in passages]  # new text: nothing cached
        started = time.perf_counter()
        check_answer(ANSWER, fresh, sources, "en")
        best_cold = min(best_cold, time.perf_counter() - started)
        started = time.perf_counter()
        verdict = check_answer(ANSWER, fresh, sources, "en")
        warm = time.perf_counter() - started
        best_warm = min(best_warm, warm)
        # The rules alone: the same check with the e5 step swapped for zeros (measurement only).
        with _without_e5():
            started = time.perf_counter()
            check_answer(ANSWER, fresh, sources, "en")
            best_rules = min(best_rules, time.perf_counter() - started)
    assert verdict.passed, verdict
    return best_cold, best_warm, best_rules, len(ANSWER.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ttft", type=float, default=3.1, help="time to first token of a typical answer, s")
    parser.add_argument("--tokens-per-s", type=float, default=8.0)
    parser.add_argument("--tokens", type=int, default=160, help="tokens of a typical 120-word answer")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    table = measures(data)
    print(f"## Support measure ({len(data['pairs'])} pairs, {DATA.relative_to(REPO)})\n")
    print("| measure | best accuracy | at threshold |\n|---|---|---|")
    for name, rows in table.items():
        acc, at = max((accuracy(rows, float(t)), float(t)) for t in np.arange(0.0, 1.0, 0.005))
        print(f"| {name} | {acc:.3f} | {at:.3f} |")
    rows = table["e5 closest sentence"]
    print("\n| threshold | supported kept | unsupported caught | accuracy |\n|---|---|---|---|")
    for t in np.arange(0.80, 0.905, 0.01):
        kept, caught = kept_caught(rows, float(t))
        mark = " (chosen)" if abs(t - SUPPORT_THRESHOLD) < 0.004 else ""
        print(f"| {t:.2f}{mark} | {kept:.2f} | {caught:.2f} | {accuracy(rows, float(t)):.3f} |")
    if not any(abs(t - SUPPORT_THRESHOLD) < 0.004 for t in np.arange(0.80, 0.905, 0.01)):
        kept, caught = kept_caught(rows, SUPPORT_THRESHOLD)
        print(
            f"| {SUPPORT_THRESHOLD:.3f} (chosen) | {kept:.2f} | {caught:.2f} | {accuracy(rows, SUPPORT_THRESHOLD):.3f} |"
        )
    print("\n| language | accuracy at the chosen threshold |\n|---|---|")
    for lang in ("lb", "fr", "de", "en"):
        sub = [r for r in rows if r[2] == lang]
        print(f"| {lang} | {accuracy(sub, SUPPORT_THRESHOLD):.2f} |")
    cold, warm, rules, words = timing(data)
    total = args.ttft + args.tokens / args.tokens_per_s
    print(f"\n## Time ({words}-word answer, 3 passages, best of 5)\n")
    print(f"- cold (passages embedded now): {cold * 1000:.0f} ms; warm (passage vectors cached): {warm * 1000:.0f} ms")
    print(f"- the rules alone (without e5): {rules * 1000:.1f} ms")
    print("- added to the time to first token: 0 % (the check runs after generation)")
    print(
        f"- share of a typical answer ({args.ttft:.1f} s to first token, {args.tokens} tokens at "
        f"{args.tokens_per_s:.0f}/s = {total:.1f} s): cold {100 * cold / total:.1f} %, warm {100 * warm / total:.1f} %"
    )


if __name__ == "__main__":
    main()
