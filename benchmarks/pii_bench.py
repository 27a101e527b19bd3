"""Personal-data redaction: precision and recall per label and per language on the gold set.

The gold set (``tests/data/pii/pii_eval.tsv``) holds messages in lb/fr/de/en with the exact spans that must be
redacted, and look-alikes that must stay (invoice and order numbers, codes such as MA-C3-02, prices, years,
postcodes, dates that are not birth dates, IBAN-shaped strings with a wrong checksum). A predicted span counts only
when its label and its exact characters match a gold span.

    .venv/bin/python benchmarks/pii_bench.py            # Markdown tables
    .venv/bin/python benchmarks/pii_bench.py --errors   # and every miss / false alarm

Speed is the best of three passes over the whole set, divided by the number of messages (``redact`` runs on every
message, so it must stay well under a millisecond).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.trust import PII_LABELS, pii_spans, redact  # noqa: E402
from moien.lang import LANGS  # noqa: E402

GOLD = REPO / "tests" / "data" / "pii" / "pii_eval.tsv"
Span = tuple[int, int, str]


def load_gold(path: Path = GOLD) -> list[tuple[str, str, list[Span]]]:
    """(lang, text, gold spans) per line; a gold span's text is located in order of appearance."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, text, expected = line.split("\t")
        spans: list[Span] = []
        if expected != "-":
            for item in expected.split("|"):
                label, _, exact = item.partition("=")
                start = text.find(exact)
                while start >= 0 and any(s == start for s, _, _ in spans):
                    start = text.find(exact, start + 1)
                if start < 0 or label not in PII_LABELS:
                    raise ValueError(f"{path}:{number}: {item!r} is not in the text or not a label")
                spans.append((start, start + len(exact), label))
        rows.append((lang, text, sorted(spans)))
    return rows


def score(rows: list[tuple[str, str, list[Span]]]) -> tuple[dict[tuple[str, str], Counter[str]], list[str]]:
    """Counts of tp/fp/fn keyed by (lang, label), plus a line per error."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    errors = []
    for lang, text, gold in rows:
        predicted = pii_spans(text)
        for span in set(predicted) | set(gold):
            kind = "tp" if span in gold and span in predicted else ("fp" if span in predicted else "fn")
            counts.setdefault((lang, span[2]), Counter())[kind] += 1
            if kind != "tp":
                errors.append(f"{kind} {lang} {span[2]} {text[span[0] : span[1]]!r} in {text!r}")
    return counts, errors


def _pr(c: Counter[str]) -> tuple[float, float]:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return precision, recall


def totals(
    counts: dict[tuple[str, str], Counter[str]], *, lang: str | None = None, label: str | None = None
) -> Counter[str]:
    total: Counter[str] = Counter()
    for (lg, lb), c in counts.items():
        if (lang is None or lg == lang) and (label is None or lb == label):
            total += c
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    args = parser.parse_args()
    rows = load_gold()
    counts, errors = score(rows)
    print(f"{len(rows)} messages, {sum(len(g) for _, _, g in rows)} gold spans\n")
    print("| label | " + " | ".join(f"{lang} P / R" for lang in LANGS) + " | all P / R | gold spans |")
    print("|---|" + "---|" * (len(LANGS) + 2))
    for label in (*PII_LABELS, None):
        cells = ["{:.2f} / {:.2f}".format(*_pr(totals(counts, lang=lang, label=label))) for lang in (*LANGS, None)]
        c = totals(counts, label=label)
        print(f"| {label or '**all**'} | " + " | ".join(cells) + f" | {c['tp'] + c['fn']} |")
    texts = [text for _, text, _ in rows]
    best = min(_timed(texts) for _ in range(3))
    print(f"\nredact(): {best / len(texts) * 1e6:.0f} µs per message (best of 3 over {len(texts)} messages)")
    if args.errors:
        print("\n" + "\n".join(errors) if errors else "\nno errors")


def _timed(texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        redact(text)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
