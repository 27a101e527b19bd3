"""Train the input guardrail's classifier and write ``assistants/core/guard_model/guard.ftz`` + ``guard.json``.

    .venv/bin/python benchmarks/guard_train.py           # retrain, choose the threshold, write model + manifest
    .venv/bin/python benchmarks/guard_train.py --check   # retrain in a temporary folder; exit 1 if the result differs

Data (all in ``assistants/core/guard_model/``, sources and licences in their header lines and in docs/DATA.md):
``public.tsv`` (openly licensed public examples) and ``moien.tsv`` (examples written for moien in lb/fr/de/en),
``label <TAB> lang <TAB> source <TAB> text`` with label ``attack`` or ``ok``. A training row whose normalised text
equals any row of ``tests/data/guardrail/`` is dropped, so the evaluation sets never leak into training.

Threshold: the "tune" rows of ``tests/data/guardrail/{attacks,ordinary}.tsv`` are the dev split (never trained on).
Over thresholds 0.50, 0.51, … 0.99 the script keeps those where the combined decision (patterns OR classifier)
refuses at most 1 % of the dev ordinary questions (half the issue's 2 % limit), takes the ones with the best dev
attack recall, and picks the middle of that run — the widest margin on both sides. The "heldout" rows are only scored, by the tests and ``guardrail_bench.py``.

Deterministic: one thread, a fixed seed, rows sorted then shuffled with that seed, so the same data gives the same
``.ftz`` byte for byte (``--check`` proves it; the manifest records the model's and the inputs' sha256). Training
takes a few seconds on one core.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moien.assistants.core.injection import (  # noqa: E402
    MANIFEST_PATH,
    MODEL_DIR,
    MODEL_PATH,
    InjectionClassifier,
    classifier_text,
    input_verdict,
)

FORMAT = "moien-guard/1"
SEED = 13
#: fastText hyper-parameters, chosen on the dev split (attack recall at zero dev false positives, a handful of
#: settings tried). Character n-grams 2–5 carry the signal across lb/fr/de/en spellings and paraphrases; word bigrams
#: catch "ignore previous", "system prompt"; a low learning rate (lr ≥ 0.5 sometimes diverged: "Encountered NaN") with
#: 25 epochs; dim 16 and 50,000 buckets keep the quantised file well under 1 MB (dim 32 scored the same).
PARAMS: dict[str, Any] = {
    "dim": 16,
    "epoch": 25,
    "lr": 0.2,
    "wordNgrams": 2,
    "minn": 2,
    "maxn": 5,
    "bucket": 50000,
    "minCount": 1,
    "loss": "softmax",
}
#: Product quantisation (fasttext ``quantize``): no retraining, norms quantised, 2-dimensional sub-vectors.
QUANTIZE: dict[str, Any] = {"qnorm": True, "retrain": False, "dsub": 2}
TRAIN_FILES = ("public.tsv", "moien.tsv")
#: The dev false-positive rate the threshold may cost: half the issue's limit (2 %), so that the held-out rate has
#: room to be worse than the dev rate and still pass. With ~170 dev questions this allows one.
MAX_DEV_FALSE_POSITIVES = 0.01
EVAL_DIR = REPO / "tests" / "data" / "guardrail"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_rows(path: Path) -> list[list[str]]:
    """The tab-separated rows of ``path``, without comments and blank lines."""
    return [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def eval_rows(split: str | None = None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(lang, text) of the attack and ordinary evaluation rows, of one split or all."""
    attacks = [(r[0], r[-1]) for r in read_rows(EVAL_DIR / "attacks.tsv") if split in (None, r[1])]
    ordinary = [(r[0], r[-1]) for r in read_rows(EVAL_DIR / "ordinary.tsv") if split in (None, r[1])]
    return attacks, ordinary


def training_lines(data_dir: Path) -> tuple[list[str], dict[str, int], int]:
    """fastText lines, counts per label/source, and how many rows were dropped for matching an evaluation row."""
    attacks, ordinary = eval_rows()
    held = {classifier_text(text)[0] for _, text in attacks + ordinary}
    lines: set[str] = set()
    counts: dict[str, int] = {}
    dropped = 0
    for name in TRAIN_FILES:
        for label, _lang, source, text in read_rows(data_dir / name):
            norm = classifier_text(text)[0]
            if not norm:
                continue
            if norm in held:
                dropped += 1
                continue
            line = f"__label__{label} {norm}"
            if line not in lines:
                lines.add(line)
                key = f"{label}/{source.split(':')[0]}"
                counts[key] = counts.get(key, 0) + 1
    ordered = sorted(lines)
    random.Random(SEED).shuffle(ordered)
    return ordered, dict(sorted(counts.items())), dropped


def train(out_dir: Path) -> tuple[Path, float, dict[str, int], int, int]:
    """Train and quantise into ``out_dir/guard.ftz``; returns the path, seconds, counts, dropped and row count."""
    import fasttext

    lines, counts, dropped = training_lines(MODEL_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        train_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        start = time.perf_counter()
        model = fasttext.train_supervised(input=str(train_file), thread=1, seed=SEED, verbose=0, **PARAMS)
        model.quantize(input=str(train_file), thread=1, verbose=0, **QUANTIZE)
        seconds = time.perf_counter() - start
    out = out_dir / "guard.ftz"
    model.save_model(str(out))
    return out, seconds, counts, dropped, len(lines)


def choose_threshold(clf: InjectionClassifier) -> tuple[float, dict[str, float]]:
    """The middle of the run of thresholds with the best dev recall at a dev false-positive rate of at most
    ``MAX_DEV_FALSE_POSITIVES`` (see the module doc)."""
    attacks, ordinary = eval_rows("tune")
    att = [(clf.probability(t), input_verdict(t, clf).signals) for _, t in attacks]
    ordi = [(clf.probability(t), input_verdict(t, clf).signals) for _, t in ordinary]
    grid = [round(0.5 + i / 100, 2) for i in range(50)]
    scored = []
    for th in grid:
        fp = sum(p >= th or "rules" in s for p, s in ordi)
        caught = sum(p >= th or "rules" in s for p, s in att)
        scored.append((th, fp, caught))
    clean = [(th, caught) for th, fp, caught in scored if fp / len(ordi) <= MAX_DEV_FALSE_POSITIVES] or [(0.99, 0)]
    best = max(caught for _, caught in clean)
    run = [th for th, caught in clean if caught == best]
    threshold = run[len(run) // 2]
    return threshold, {"dev_attacks": len(att), "dev_ordinary": len(ordi), "dev_recall": round(best / len(att), 4)}


def build(out_dir: Path) -> dict[str, Any]:
    """Train into ``out_dir``, choose the threshold, write ``guard.json`` there; return the manifest."""
    model_path, seconds, counts, dropped, rows = train(out_dir)
    manifest_path = out_dir / "guard.json"
    manifest: dict[str, Any] = {"format": FORMAT, "threshold": 0.5}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    threshold, dev = choose_threshold(InjectionClassifier(model_path, manifest_path))
    manifest = {
        "format": FORMAT,
        "labels": ["attack", "ok"],
        "threshold": threshold,
        "threshold_rule": "middle of the thresholds 0.50..0.99 with the best dev recall at <= 1 % dev false positives",
        **dev,
        "seed": SEED,
        "thread": 1,
        "fasttext": PARAMS,
        "quantize": QUANTIZE,
        "fasttext_package": f"fasttext-numpy2 {version('fasttext-numpy2')}",
        "train_rows": rows,
        "train_counts": counts,
        "dropped_as_eval_duplicates": dropped,
        "inputs_sha256": {name: sha256(MODEL_DIR / name) for name in TRAIN_FILES},
        "model_sha256": sha256(model_path),
        "model_bytes": model_path.stat().st_size,
        "train_seconds": round(seconds, 1),
    }
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain elsewhere and compare with the shipped model")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            # A fresh process: fastText's native state is then the same as in a plain run of this script.
            code = (
                "import sys; sys.path.insert(0, sys.argv[1]); import guard_train; from pathlib import Path; "
                "guard_train.build(Path(sys.argv[2]))"
            )
            subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), tmp], check=True)
            fresh = json.loads((Path(tmp) / "guard.json").read_text(encoding="utf-8"))
        shipped = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
        same = fresh["model_sha256"] == shipped["model_sha256"] == sha256(MODEL_PATH)
        print(f"retrained sha256 {fresh['model_sha256']}: {'same as' if same else 'DIFFERENT from'} the shipped model")
        sys.exit(0 if same else 1)
    # Built next to the shipped files, then moved over them: an interrupted run leaves the old model intact.
    with tempfile.TemporaryDirectory(dir=MODEL_DIR) as tmp:
        manifest = build(Path(tmp))
        os.replace(Path(tmp) / "guard.ftz", MODEL_PATH)
        os.replace(Path(tmp) / "guard.json", MANIFEST_PATH)
    print(json.dumps({k: v for k, v in manifest.items() if k not in ("fasttext", "quantize")}, indent=1))


if __name__ == "__main__":
    main()
