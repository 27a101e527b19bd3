"""Language identification benchmark: moien vs fastText lid.176 vs py3langid.

All systems run in one process on the same held-out messages
(``tests/data/langid_messages.tsv``) and are scored the same way: an answer outside
lb/de/fr/en counts as ``other``.  Each off-the-shelf system runs twice: on all its
languages ("open") and restricted to lb/de/fr/en ("4 langs", the fairest setting for
them, although it can never answer ``other``).

    .venv/bin/python benchmarks/langid_bench.py            # Markdown tables
    .venv/bin/python benchmarks/langid_bench.py --json out.json

Speed is in-process: the best of ``--repeat`` passes over all messages, divided by
the number of messages.  Load time is the construction of the model object (imports
excluded), best of three.  py3langid is optional (``pip install py3langid==0.4.0``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.langid import MODEL_PATH, LanguageIdentifier, lid176_path  # noqa: E402
from moien.lang import LANGS  # noqa: E402

MESSAGES = REPO / "tests" / "data" / "langid_messages.tsv"
BUCKETS = (("1-3 words", 1, 3), ("4-8 words", 4, 8), ("9+ words", 9, 10**9))


def load_messages(path: Path = MESSAGES) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, text = line.split("\t", 1)
            rows.append((lang, text))
    return rows


def _fold(code: str) -> str:
    return code if code in LANGS else "other"


def _best_of(n: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(n):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


# ------------------------------------------------------------------------ systems
def system_moien():
    def load():
        return LanguageIdentifier(MODEL_PATH)

    model = load()
    return load, (lambda text: model.identify(text).lang)


def system_lid176(restricted: bool):
    import fasttext.FastText as ft

    path = str(lid176_path())

    def load():
        return ft._FastText(model_path=path)

    model = load()
    predict = model.f.predict
    wanted = {f"__label__{lang}" for lang in LANGS}

    if restricted:

        def classify(text: str) -> str:
            best, best_p = "other", -1.0
            for p, label in predict(text.replace("\n", " ") + "\n", -1, 0.0, "replace"):
                if label in wanted and p > best_p:
                    best, best_p = label[9:], p
            return best
    else:

        def classify(text: str) -> str:
            got = predict(text.replace("\n", " ") + "\n", 1, 0.0, "replace")
            return _fold(got[0][1][9:]) if got else "other"

    return load, classify


def system_py3langid(restricted: bool):
    from py3langid.langid import MODEL_FILE
    from py3langid.langid import LanguageIdentifier as PyLangId

    def load():
        ident = PyLangId.from_model_file(MODEL_FILE)
        if restricted:
            ident.set_languages(list(LANGS))
        return ident

    model = load()
    return load, (lambda text: _fold(model.classify(text)[0]))


def available_systems() -> dict[str, Callable]:
    systems = {"moien": system_moien}
    if lid176_path() is not None:
        systems["lid.176 (open)"] = lambda: system_lid176(False)
        systems["lid.176 (4 langs)"] = lambda: system_lid176(True)
    try:
        import py3langid  # noqa: F401

        systems["py3langid (open)"] = lambda: system_py3langid(False)
        systems["py3langid (4 langs)"] = lambda: system_py3langid(True)
    except ImportError:
        print("py3langid not installed: skipped (pip install py3langid==0.4.0)", file=sys.stderr)
    return systems


# ------------------------------------------------------------------------ scoring
def score(rows: list[tuple[str, str]], preds: list[str]) -> dict:
    per_lang, per_bucket = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for (gold, text), pred in zip(rows, preds):
        ok = int(pred == gold)
        per_lang[gold][0] += ok
        per_lang[gold][1] += 1
        if gold in LANGS:
            n = len(text.split())
            for name, lo, hi in BUCKETS:
                if lo <= n <= hi:
                    per_bucket[name][0] += ok
                    per_bucket[name][1] += 1

    def prf(lang):
        tp = sum(1 for (g, _), p in zip(rows, preds) if g == lang and p == lang)
        fp = sum(1 for (g, _), p in zip(rows, preds) if g != lang and p == lang)
        fn = sum(1 for (g, _), p in zip(rows, preds) if g == lang and p != lang)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        return pr, rc, (2 * pr * rc / (pr + rc) if pr + rc else 0.0)

    f1 = {lang: prf(lang)[2] for lang in LANGS}
    lb_p, lb_r, _ = prf("lb")
    four = [(g, p) for (g, _), p in zip(rows, preds) if g in LANGS]
    return {
        "accuracy": {k: v[0] / v[1] for k, v in per_lang.items()},
        "buckets": {k: v[0] / v[1] for k, v in per_bucket.items()},
        "accuracy_4": sum(1 for g, p in four if g == p) / len(four),
        "macro_f1_4": sum(f1.values()) / len(f1),
        "lb_precision": lb_p,
        "lb_recall": lb_r,
    }


def run(repeat: int = 5) -> dict:
    rows = load_messages()
    texts = [text for _, text in rows]
    results = {}
    for name, make in available_systems().items():
        load, classify = make()
        load_s = _best_of(3, load)
        preds = [classify(t) for t in texts]
        run_s = _best_of(repeat, lambda classify=classify: [classify(t) for t in texts])
        results[name] = score(rows, preds) | {
            "ms_per_message": 1000 * run_s / len(texts),
            "load_s": load_s,
        }
    return {
        "messages": len(rows),
        "per_language": {lang: sum(1 for g, _ in rows if g == lang) for lang in (*LANGS, "other")},
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "results": results,
    }


def markdown(report: dict) -> str:
    res = report["results"]
    langs = [*LANGS, "other"]
    buckets = [b[0] for b in BUCKETS]
    out = [
        f"{report['messages']} held-out messages "
        + ", ".join(f"{k} {v}" for k, v in report["per_language"].items())
        + f"; {report['machine']}.",
        "",
        "| system | lb recall | lb precision | macro-F1 (4) | accuracy (4) | "
        + " | ".join(f"acc {lang}" for lang in langs)
        + " | ms/message | load s |",
        "|---" * (7 + len(langs)) + "|",
    ]
    for name, r in res.items():
        out.append(
            f"| {name} | {r['lb_recall']:.3f} | {r['lb_precision']:.3f} | {r['macro_f1_4']:.3f} | "
            f"{r['accuracy_4']:.3f} | "
            + " | ".join(f"{r['accuracy'].get(lang, 0):.3f}" for lang in langs)
            + f" | {r['ms_per_message']:.4f} | {r['load_s']:.3f} |"
        )
    out += [
        "",
        "Accuracy over lb/de/fr/en by message length:",
        "",
        "| system | " + " | ".join(buckets) + " |",
        "|---" * (1 + len(buckets)) + "|",
    ]
    for name, r in res.items():
        out.append(f"| {name} | " + " | ".join(f"{r['buckets'].get(b, 0):.3f}" for b in buckets) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the raw numbers to this file")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (best is kept)")
    args = parser.parse_args(argv)
    report = run(args.repeat)
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
