"""Reproducible trainer for moien's language-identification model.

Corpus layout (``assistants/core/langid/corpus/`` is the one moien ships)::

    <label>/<name>.words.txt      one word per line (dictionary / frequency lists)
    <label>/<name>.stop.txt       one function word per line (weighted up in word soup)
    <label>/<name>.phrases.txt    short chat phrases, one per line
    <label>/<name>.sentences.txt  sentences, one per line
    <label>/<name>.templates.txt  templates: ``{a|b|c}`` picks one, ``{|a}`` is optional

``<label>`` is ``lb``, ``de``, ``fr``, ``en`` or ``other``; files in
``shared/<label>+<label>....<kind>.txt`` go to every label named (chat tokens such as
"ok" or "merci" that carry no evidence for one language alone).  Files under ``other/``
are named ``<code>.<name>.<kind>.txt`` (``nld.tesseract.words.txt``) so that word soup
never mixes two "other" languages in one sample.  Lines starting with ``#`` are
comments.

Samples are generated deterministically from a seed: templates are expanded, phrases
and sentences are repeated with noise (diacritics dropped, typos, 1-3 word windows),
and "word soup" lines are drawn from the word lists.  Every sample whose normalised
text equals a held-out evaluation message (``tests/data/langid_messages.tsv``) is
dropped, so the evaluation stays held out by construction.

15 % of the template/phrase/sentence lines (chosen by a hash of the line) are kept
out of training and used only to fit the temperature that calibrates confidence.

``prepare_corpus`` rebuilds the third-party part of the corpus from Debian's
``tesseract-ocr-*`` packages (Apache-2.0 word lists) and the spaCy wheel (MIT stop
words and example sentences); see docs/models/langid.md.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import random
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from moien.lang import LANGS

from . import LABELS, Predict
from .preprocess import normalize, strip_diacritics

PACKAGE_DIR = Path(__file__).parent
DEFAULT_CORPUS = PACKAGE_DIR / "corpus"
DEFAULT_OUTPUT = PACKAGE_DIR / "langid.ftz"
REPO_ROOT = PACKAGE_DIR.parents[2]
DEFAULT_HOLDOUT = REPO_ROOT / "tests" / "data" / "langid_messages.tsv"

#: fastText hyper-parameters (chosen on the dev split, never on the evaluation set).
FASTTEXT_PARAMS: Final[dict[str, int | float | str]] = dict(
    dim=16,
    minn=2,
    maxn=4,
    wordNgrams=1,
    epoch=10,
    lr=0.5,
    bucket=200_000,
    loss="softmax",
    minCount=1,
)
QUANTIZE_PARAMS: Final[dict[str, bool | int]] = dict(qnorm=True, retrain=True, cutoff=100_000, dsub=2)

# How many samples of each kind per label.
TEMPLATE_EXPANSIONS = 300  # per template line
PHRASE_REPEATS = 6
SENTENCE_REPEATS = 3
WORD_SOUP = 30_000
SINGLE_WORDS = 12_000
OTHER_WORD_SOUP = 45_000
OTHER_SINGLE_WORDS = 15_000


# --------------------------------------------------------------------------- corpus
@dataclass
class LangCorpus:
    words: list[str] = field(default_factory=list)
    stop: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)

    def extend(self, kind: str, lines: list[str]) -> None:
        getattr(self, kind).extend(lines)


_KINDS = ("words", "stop", "phrases", "sentences", "templates")


def _read_lines(path: Path) -> list[str]:
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def load_corpus(corpus_dir: Path) -> dict[str, dict[str, LangCorpus]]:
    """``{label: {sub-language: LangCorpus}}``; the four languages have one sub-language."""
    corpus_dir = Path(corpus_dir)
    result: dict[str, dict[str, LangCorpus]] = {}
    for label in LABELS:
        folder = corpus_dir / label
        if not folder.is_dir():
            raise FileNotFoundError(f"corpus folder missing: {folder}")
        subs: dict[str, LangCorpus] = {}
        for path in sorted(folder.glob("*.txt")):
            parts = path.name.split(".")
            kind = parts[-2]
            if kind not in _KINDS:
                continue
            sub = parts[0] if label == "other" else label
            subs.setdefault(sub, LangCorpus()).extend(kind, _read_lines(path))
        if not subs:
            raise ValueError(f"no corpus files in {folder}")
        result[label] = subs
    shared = corpus_dir / "shared"
    if shared.is_dir():
        for path in sorted(shared.glob("*.txt")):
            parts = path.name.split(".")
            kind = parts[-2]
            if kind not in _KINDS:
                continue
            for label in parts[0].split("+"):
                if label in LANGS:
                    result[label][label].extend(kind, _read_lines(path))
    return result


def corpus_digest(corpus_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(corpus_dir).rglob("*.txt")):
        h.update(path.relative_to(corpus_dir).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def load_holdout(path: Path | None) -> set[str]:
    """Normalised texts of the evaluation messages (lang<TAB>text)."""
    if path is None or not Path(path).exists():
        return set()
    out: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or "\t" not in line:
            continue
        out.add(normalize(line.split("\t", 1)[1]))
    return out


# ------------------------------------------------------------------ sample making
_TEMPLATE_SLOT = re.compile(r"\{([^{}]*)\}")


def expand_template(template: str, rng: random.Random) -> str:
    return _TEMPLATE_SLOT.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def _is_dev(line: str) -> bool:
    """Deterministic 15 % split of hand-written lines into a calibration set."""
    return int(hashlib.md5(line.encode("utf-8")).hexdigest()[:8], 16) % 100 < 15


_KEYBOARD_NEIGHBOURS = "qwertzuiopasdfghjklyxcvbnm"


def _is_train(line: str) -> bool:
    return not _is_dev(line)


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    op = rng.randrange(4)
    if op == 0:  # drop a character
        return text[:i] + text[i + 1 :]
    if op == 1:  # swap two characters
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    if op == 2:  # double a character
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice(_KEYBOARD_NEIGHBOURS) + text[i + 1 :]


def augment(text: str, rng: random.Random) -> str:
    """Chat-like noise: 1-3 word windows, missing diacritics, typos."""
    words = text.split()
    if len(words) > 3 and rng.random() < 0.25:
        n = rng.choice((1, 2, 2, 3, 3))
        start = rng.randrange(0, len(words) - n + 1)
        text = " ".join(words[start : start + n])
    if rng.random() < 0.3:
        text = strip_diacritics(text)
    if rng.random() < 0.15:
        text = _typo(text, rng)
    return text


def _soup(lang: LangCorpus, rng: random.Random) -> str:
    n = rng.choice((1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 10, 12))
    tokens: list[str] = []
    for _ in range(n):
        if lang.stop and (not lang.words or rng.random() < 0.4):
            tokens.append(rng.choice(lang.stop))
        elif lang.words:
            tokens.append(rng.choice(lang.words))
    return " ".join(tokens)


def build_samples(
    corpus: dict[str, dict[str, LangCorpus]],
    *,
    seed: int = 13,
    holdout: set[str] | None = None,
    split: str = "train",
) -> list[tuple[str, str]]:
    """``[(label, normalised text)]`` for ``split`` ``"train"`` or ``"dev"``."""
    holdout = holdout or set()
    rng = random.Random(seed if split == "train" else seed + 1)
    samples: list[tuple[str, str]] = []

    def add(label: str, text: str) -> None:
        norm = normalize(text)
        if norm and norm not in holdout:
            samples.append((label, norm))

    for label in LABELS:
        for sub in corpus[label].values():
            keep = _is_dev if split == "dev" else _is_train
            expansions = TEMPLATE_EXPANSIONS if split == "train" else 20
            for template in filter(keep, sub.templates):
                for _ in range(expansions):
                    text = expand_template(template, rng)
                    add(label, augment(text, rng) if rng.random() < 0.5 else text)
            for phrase in filter(keep, sub.phrases):
                add(label, phrase)
                for _ in range(PHRASE_REPEATS - 1):
                    add(label, augment(phrase, rng))
            for sentence in filter(keep, sub.sentences):
                add(label, sentence)
                for _ in range(SENTENCE_REPEATS - 1):
                    add(label, augment(sentence, rng))
        if split == "dev":
            continue
        subs = list(corpus[label].values())
        soup_n = OTHER_WORD_SOUP if label == "other" else WORD_SOUP
        single_n = OTHER_SINGLE_WORDS if label == "other" else SINGLE_WORDS
        for _ in range(soup_n):
            add(label, augment(_soup(rng.choice(subs), rng), rng))
        for _ in range(single_n):
            sub = rng.choice(subs)
            pool = sub.words if (sub.words and rng.random() < 0.7) else (sub.stop or sub.words)
            if pool:
                word = rng.choice(pool)
                add(label, strip_diacritics(word) if rng.random() < 0.2 else word)
    rng.shuffle(samples)
    return samples


def write_fasttext_file(samples: list[tuple[str, str]], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for label, text in samples:
            f.write(f"__label__{label} {text}\n")


# --------------------------------------------------------------------- calibration
def _fit_temperature(predict: Predict, dev: list[tuple[str, str]]) -> float:
    """Temperature minimising the negative log-likelihood on the dev split."""
    probs: list[tuple[str, dict[str, float]]] = []
    for label, text in dev:
        got = dict.fromkeys(LABELS, 1e-9)
        for p, lab in predict(text + "\n", -1, 0.0, "replace"):
            got[lab[9:]] = max(p, 1e-9)
        probs.append((label, got))
    best_t, best_nll = 1.0, float("inf")
    for t in [0.5 + 0.1 * i for i in range(36)]:
        nll = 0.0
        for label, got in probs:
            powered = {k: v ** (1.0 / t) for k, v in got.items()}
            nll -= math.log(powered[label] / sum(powered.values()))
        if nll < best_nll:
            best_t, best_nll = t, nll
    return round(best_t, 2)


# ------------------------------------------------------------------------ training
def train(
    corpus_dir: Path = DEFAULT_CORPUS,
    output: Path = DEFAULT_OUTPUT,
    *,
    holdout: Path | None = DEFAULT_HOLDOUT,
    seed: int = 13,
    threads: int = 1,
    quantize: bool = True,
    verbose: bool = True,
) -> dict[str, Any]:
    """Train, calibrate and write ``output`` (.ftz) plus its ``.json`` sidecar."""
    import fasttext

    started = time.perf_counter()
    corpus_dir, output = Path(corpus_dir), Path(output)
    corpus = load_corpus(corpus_dir)
    held = load_holdout(holdout)
    train_samples = build_samples(corpus, seed=seed, holdout=held, split="train")
    dev_samples = build_samples(corpus, seed=seed, holdout=held, split="dev")
    counts = {lab: sum(1 for label, _ in train_samples if label == lab) for lab in LABELS}
    if verbose:
        print(f"samples: train {len(train_samples)} {counts}, dev {len(dev_samples)}")
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        write_fasttext_file(train_samples, train_file)
        model = fasttext.train_supervised(
            input=str(train_file), thread=threads, seed=seed, verbose=0, **FASTTEXT_PARAMS
        )
        if quantize:
            model.quantize(input=str(train_file), thread=threads, verbose=0, **QUANTIZE_PARAMS)
    temperature = _fit_temperature(model.f.predict, dev_samples)
    dev_correct = sum(1 for label, text in dev_samples if model.predict(text)[0][0][9:] == label)
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save_model(str(output))
    meta: dict[str, Any] = {  # the sidecar langid.json (JSON)
        "format": "moien-langid/1",
        "labels": list(LABELS),
        "temperature": temperature,
        "threshold": 0.6,
        "seed": seed,
        "fasttext": FASTTEXT_PARAMS,
        "quantized": quantize,
        "corpus_sha256": corpus_digest(corpus_dir),
        "holdout_messages_excluded": len(held),
        "train_samples": counts,
        "dev_samples": len(dev_samples),
        "dev_accuracy": round(dev_correct / max(1, len(dev_samples)), 4),
        "model_bytes": output.stat().st_size,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    output.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if verbose:
        print(json.dumps(meta, indent=2))
    return meta


# ------------------------------------------------------------- corpus preparation
TESSERACT_CODES = {
    "ltz": "lb",
    "deu": "de",
    "fra": "fr",
    "eng": "en",
    # "other": close neighbours first (Dutch, Frisian, Afrikaans, Scandinavian) and the
    # languages most spoken by Luxembourg's residents (Portuguese, Italian, ...).
    "nld": "other",
    "fry": "other",
    "afr": "other",
    "dan": "other",
    "nor": "other",
    "swe": "other",
    "por": "other",
    "ita": "other",
    "spa": "other",
    "cat": "other",
    "ron": "other",
    "pol": "other",
    "ces": "other",
    "slk": "other",
    "hrv": "other",
    "hun": "other",
    "fin": "other",
    "est": "other",
    "lit": "other",
    "tur": "other",
    "ind": "other",
    "rus": "other",
    "ell": "other",
}
SPACY_FOUR = {"lb": "lb", "de": "de", "fr": "fr", "en": "en"}
SPACY_TO_TESSERACT = {
    "nl": "nld",
    "af": "afr",
    "da": "dan",
    "nb": "nor",
    "sv": "swe",
    "pt": "por",
    "it": "ita",
    "es": "spa",
    "ca": "cat",
    "ro": "ron",
    "pl": "pol",
    "cs": "ces",
    "sk": "slk",
    "hr": "hrv",
    "hu": "hun",
    "fi": "fin",
    "et": "est",
    "lt": "lit",
    "tr": "tur",
    "id": "ind",
    "ru": "rus",
    "el": "ell",
}
WORDS_PER_LANG = {"lb": 30_000, "de": 20_000, "fr": 20_000, "en": 20_000, "other": 2_500}
#: More words for the languages most easily confused with the four (or most spoken here).
WORDS_PER_OTHER = {
    "nld": 8_000,
    "fry": 6_000,
    "afr": 6_000,
    "dan": 4_000,
    "nor": 4_000,
    "swe": 4_000,
    "por": 5_000,
    "ita": 5_000,
    "spa": 5_000,
}

_WORD_OK = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")


def _clean_words(words: Iterable[str]) -> list[str]:
    out: set[str] = set()
    for w in words:
        w = unicodedata.normalize("NFC", w.strip()).lower()
        if 2 <= len(w) <= 24 and _WORD_OK.match(w):
            out.add(w)
    return sorted(out)


def _spacy_stop_words(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'"""(.*?)"""', text, re.S)
    return _clean_words(m.group(1).split()) if m else []


def _spacy_examples(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "sentences" for t in node.targets):
            try:
                return [s.strip() for s in ast.literal_eval(node.value) if isinstance(s, str)]
            except ValueError:
                return []
    return []


def prepare_corpus(out_dir: Path, wordlists_dir: Path, spacy_lang_dir: Path, seed: int = 13) -> None:
    """Write the third-party part of the corpus.

    ``wordlists_dir`` holds ``<tesseract code>.words`` files made from Debian's
    ``tesseract-ocr-<code>`` packages with ``combine_tessdata -u`` and
    ``dawg2wordlist <code>.lstm-unicharset <code>.lstm-word-dawg <code>.words``.
    ``spacy_lang_dir`` is ``spacy/lang`` unpacked from the spaCy wheel.
    """
    out_dir, wordlists_dir, spacy_lang_dir = Path(out_dir), Path(wordlists_dir), Path(spacy_lang_dir)
    rng = random.Random(seed)
    lists: dict[str, list[str]] = {}
    for code in TESSERACT_CODES:
        path = wordlists_dir / f"{code}.words"
        if path.exists():
            lists[code] = _clean_words(path.read_text(encoding="utf-8").splitlines())
    spacy_stop = {
        code: _spacy_stop_words(spacy_lang_dir / code / "stop_words.py")
        for code in SPACY_FOUR
        if (spacy_lang_dir / code / "stop_words.py").exists()
    }
    four = {
        "lb": set(lists.get("ltz", [])),
        "de": set(lists.get("deu", [])),
        "fr": set(lists.get("fra", [])),
        "en": set(lists.get("eng", [])),
    }
    lb_stop = set(spacy_stop.get("lb", []))
    for code, words in lists.items():
        label = TESSERACT_CODES[code]
        if label == "lb":
            # The Luxembourgish list was crawled from the web and holds French and
            # English words too; keep the ones German shares (they are Luxembourgish).
            words = [w for w in words if w in lb_stop or (w not in four["fr"] and w not in four["en"])]
        elif label == "other":
            words = [w for w in words if not any(w in s for s in four.values())]
        n = WORDS_PER_OTHER.get(code, WORDS_PER_LANG[label])
        chosen = sorted(rng.sample(words, min(n, len(words))))
        name = "tesseract.words.txt" if label != "other" else f"{code}.tesseract.words.txt"
        target = out_dir / label / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"# {len(chosen)} words sampled from Debian tesseract-ocr-{code} (tessdata_fast, Apache-2.0)\n"
            + "\n".join(chosen)
            + "\n",
            encoding="utf-8",
        )
    for lang_dir in sorted(p for p in spacy_lang_dir.iterdir() if p.is_dir()):
        code = lang_dir.name
        if code == "xx":
            continue
        label = SPACY_FOUR.get(code, "other")
        prefix = "" if label != "other" else f"{SPACY_TO_TESSERACT.get(code, code)}."
        stop_path, ex_path = lang_dir / "stop_words.py", lang_dir / "examples.py"
        if stop_path.exists():
            stop = _spacy_stop_words(stop_path)
            if label == "other":
                stop = [w for w in stop if not any(w in s for s in four.values())]
            if stop:
                (out_dir / label).mkdir(parents=True, exist_ok=True)
                (out_dir / label / f"{prefix}spacy.stop.txt").write_text(
                    f"# spaCy stop words for '{code}' (MIT)\n" + "\n".join(stop) + "\n", encoding="utf-8"
                )
        if ex_path.exists():
            ex = [s.replace("\n", " ") for s in _spacy_examples(ex_path)]
            if ex:
                (out_dir / label).mkdir(parents=True, exist_ok=True)
                (out_dir / label / f"{prefix}spacy.sentences.txt").write_text(
                    f"# spaCy example sentences for '{code}' (MIT)\n" + "\n".join(ex) + "\n", encoding="utf-8"
                )
