"""Enrichment: what moien derives from the source values, stored beside them with its provenance.

Steps (``moien heritage enrich --steps …``):

* ``language``  — the language of untagged literals, named by the detector the caller passes in (the heritage
  assistant passes moien's language identification)
* ``dates``     — free-text dates → a year interval and EDTF (``moien.heritage.enrich.dates``)
* ``authority`` — people, places, concepts and periods linked to the local authority table
* ``keywords``  — the record's most distinctive words (TF-IDF over the collection)
* ``embeddings``— multilingual e5 vectors (cached; used by search and by similarity links)
* ``links``     — links between records: same creator, place, subject or period, near-duplicates and
  embedding similarity, each with its score and method

Each enrichment names its method, the method's version and a confidence; source values are never
touched. Records whose source did not change since their last enrichment are skipped unless ``force``.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moien.heritage.enrich import dates as dates_mod
from moien.heritage.enrich.authority import METHOD_MENTION, METHOD_VALUE, Authority, Entry, load_authority
from moien.heritage.enrich.authority import VERSION as AUTH_VERSION
from moien.heritage.model import Enrichment, Record, now_iso
from moien.heritage.store import RecordStore
from moien.heritage.text import name_key, tokens
from moien.lang import LANGS, fold

STEPS = ("language", "dates", "authority", "keywords", "embeddings", "links")
LANG_FIELDS = ("title", "alternative", "description", "subject", "type", "medium", "temporal")
KEYWORD_VERSION = "1"
LINK_VERSION = "1"
#: Related records kept per record (the strongest), and the cosine two e5 vectors need to count as similar.
MAX_RELATED = 8
SIMILAR_COSINE = 0.9
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class LanguageDetector:
    """How the ``language`` step names the language of an untagged text.

    Heritage has no language model of its own (it stands apart from the assistants): whoever runs the step
    passes one in — the heritage assistant's command line and demo loader pass moien's language identifier.
    ``detect(text)`` returns ``(language, confidence)`` when it is sure enough to say, else ``None``;
    ``version`` is recorded with every language it names (provenance).
    """

    detect: Callable[[str], tuple[str, float] | None]
    version: str = "1"
    method: str = "moien-langid"


@dataclass
class EnrichReport:
    records: int = 0
    enriched: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    links: int = 0
    embedded: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "enriched": self.enriched,
            "by_kind": dict(self.by_kind),
            "links": self.links,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
        }


# -- per-record steps ---------------------------------------------------------------------------------
class RecordEnricher:
    def __init__(
        self,
        authority: Authority | None = None,
        df: Counter[str] | None = None,
        n_docs: int = 0,
        language: LanguageDetector | None = None,
    ) -> None:
        self.detector = language
        self.authority = authority or load_authority()
        self.df = df or Counter()
        self.n_docs = n_docs

    def language(self, rec: Record, at: str) -> list[Enrichment]:
        out: list[Enrichment] = []
        known: Counter[str] = Counter()
        pending: list[tuple[str, int, str]] = []
        for f in LANG_FIELDS:
            for i, lit in enumerate(rec.values(f)):
                if lit.lang:
                    known[lit.lang] += len(lit.value)
                else:
                    pending.append((f, i, lit.value))
        detector = self.detector
        if detector is None:
            raise ValueError("the language step needs a language detector (enrich(..., language=...))")
        decided: list[tuple[str, int, str, float, str]] = []
        undecided: list[tuple[str, int]] = []
        for f, i, value in pending:
            if sum(ch.isalpha() for ch in value) < 3:
                continue
            found = detector.detect(value)
            short = len(value.split()) < 3
            # One or two words rarely show their language (Portrait, Fotografie, Stahlindustrie): take the
            # model's answer only when it is very sure, else the language of the rest of the record.
            if found is not None and found[0] in LANGS and (not short or found[1] >= 0.9):
                lang, confidence = found
                conf = confidence * (0.8 if short else 1.0)
                decided.append((f, i, lang, conf, detector.method))
                if not short:
                    known[lang] += len(value)
            else:
                undecided.append((f, i))
        dominant = known.most_common(1)[0][0] if known else None
        for f, i in undecided:
            if dominant:
                decided.append((f, i, dominant, 0.5, "record-context"))
        for f, i, lang, conf, method in decided:
            out.append(
                Enrichment(
                    field=f,
                    kind="language",
                    value=lang,
                    ref=i,
                    method=method,
                    version=detector.version if method == detector.method else "1",
                    confidence=round(min(conf, 1.0), 3),
                    at=at,
                )
            )
        return out

    def dates(self, rec: Record, at: str, periods: list[Enrichment]) -> list[Enrichment]:
        best: tuple[dates_mod.DateInterval, int, str] | None = None
        for f in ("date", "temporal"):
            for i, lit in enumerate(rec.values(f)):
                iv = dates_mod.parse_date(lit.value)
                if iv and (best is None or iv.confidence > best[0].confidence):
                    best = (iv, i, f)
        if best:
            iv, i, f = best
            return [
                Enrichment(
                    field="date",
                    kind="interval",
                    value=iv.edtf,
                    ref=i if f == "date" else None,
                    method=dates_mod.METHOD,
                    version=dates_mod.VERSION,
                    confidence=iv.confidence,
                    at=at,
                    data={**iv.to_dict(), "from_field": f},
                )
            ]
        # No readable date: a period the record is linked to (e.g. "Zwischenkriegszeit") gives one.
        for p in periods:
            entry = self.authority.get(p.data.get("id", ""))
            if entry and entry.start and entry.end:
                return [
                    Enrichment(
                        field="date",
                        kind="interval",
                        value=f"{entry.start}/{entry.end}",
                        method="authority-period",
                        version=AUTH_VERSION,
                        confidence=round(0.7 * p.confidence, 3),
                        at=at,
                        data={
                            "start_year": entry.start,
                            "end_year": entry.end,
                            "edtf": f"{entry.start}/{entry.end}",
                            "rule": "period " + entry.id,
                            "from_field": p.field,
                        },
                    )
                ]
        return []

    def authority_links(self, rec: Record, at: str) -> list[Enrichment]:
        out: list[Enrichment] = []
        seen: set[tuple[str, str]] = set()
        for f in ("creator", "contributor", "place", "subject", "type", "medium", "temporal", "publisher"):
            for i, lit in enumerate(rec.values(f)):
                hit = self.authority.match_value(lit.value, f)
                if hit is None:
                    continue
                entry, conf = hit
                if (f, entry.id) in seen:
                    continue
                seen.add((f, entry.id))
                out.append(self._auth(entry, f, i, conf, METHOD_VALUE, at, lit.value))
        for f in ("title", "description"):
            for i, lit in enumerate(rec.values(f)):
                for entry, surface in self.authority.mentions(lit.value):
                    target = {
                        "place": "place",
                        "person": "creator" if f == "title" else "subject",
                        "period": "temporal",
                    }.get(entry.type, "subject")
                    if entry.type == "person":
                        target = "subject"  # a person named in a text is its subject, not its maker
                    if any(e.data.get("id") == entry.id for e in out):
                        continue
                    out.append(
                        self._auth(entry, target, None, 0.7, METHOD_MENTION, at, surface, from_field=f, from_ref=i)
                    )
        return out

    def _auth(
        self, entry: Entry, f: str, ref: int | None, conf: float, method: str, at: str, matched: str, **extra: Any
    ) -> Enrichment:
        return Enrichment(
            field=f,
            kind="authority",
            value=entry.label("fr") if entry.type != "person" else entry.label(),
            uri=entry.uri,
            ref=ref,
            method=method,
            version=AUTH_VERSION,
            confidence=conf,
            at=at,
            data={"id": entry.id, "type": entry.type, "labels": entry.labels, "matched": matched, **extra},
        )

    def keywords(self, rec: Record, at: str, k: int = 5) -> list[Enrichment]:
        if not self.n_docs:
            return []
        tf: Counter[str] = Counter()
        surface: dict[str, tuple[str, str | None]] = {}
        for f in ("title", "description"):
            for i, lit in enumerate(rec.values(f)):
                lang = rec.lang_of(f, i)
                for word in lit.value.replace("'", " ").replace("’", " ").split():
                    w = word.strip('.,;:!?()[]«»"“”„')
                    folded = tokens(w, min_len=4)
                    if not folded or folded[0].isdigit():
                        continue
                    key = folded[0]
                    tf[key] += 2 if f == "title" else 1
                    surface.setdefault(key, (w, lang))
        scored = []
        for key, n in tf.items():
            df = self.df.get(key, 0)
            if df < 2 or df > 0.2 * self.n_docs:  # a word in one record only links nothing; in most, says nothing
                continue
            scored.append((n * math.log(self.n_docs / df), key))
        scored.sort(reverse=True)
        if not scored:
            return []
        top = scored[0][0]
        out = []
        for score, key in scored[:k]:
            word, lang = surface[key]
            out.append(
                Enrichment(
                    field="subject",
                    kind="keyword",
                    value=word.lower() if not word.isupper() else word,
                    lang=lang,
                    method="tfidf",
                    version=KEYWORD_VERSION,
                    confidence=round(0.4 + 0.5 * score / top, 3),
                    at=at,
                    data={"key": key},
                )
            )
        return out

    def enrich(self, rec: Record, steps: Iterable[str], at: str) -> list[Enrichment]:
        steps = set(steps)
        out: list[Enrichment] = []
        if "language" in steps:
            out += self.language(rec, at)
        auth = self.authority_links(rec, at) if "authority" in steps else []
        out += auth
        if "dates" in steps:
            out += self.dates(rec, at, [e for e in auth if e.data.get("type") == "period"])
        if "keywords" in steps:
            out += self.keywords(rec, at)
        return out


def _doc_freq(store: RecordStore) -> tuple[Counter[str], int]:
    df: Counter[str] = Counter()
    n = 0
    for rec in store.iter_records():
        n += 1
        words = set()
        for f in ("title", "description"):
            for v in rec.texts(f):
                words.update(tokens(v, min_len=4))
        df.update(words)
    return df, n


# -- links between records ----------------------------------------------------------------------------
@dataclass
class _Features:
    ids: list[str] = field(default_factory=list)
    groups: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    mid: list[float] = field(default_factory=list)
    simhash: list[int] = field(default_factory=list)
    shingles: list[frozenset[object]] = field(default_factory=list)  # word triples, or the words of a short text


def _simhash(words: list[str]) -> int:
    import hashlib

    v = [0] * 64
    for w in words:
        h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "big")
        for b in range(64):
            v[b] += 1 if h >> b & 1 else -1
    return sum(1 << b for b in range(64) if v[b] > 0)


def _features(rec: Record, feats: _Features) -> None:
    idx = len(feats.ids)
    feats.ids.append(rec.id)
    for kind, fields_ in (("creator", ("creator",)), ("place", ("place",)), ("subject", ("subject", "type"))):
        keys: set[str] = set()
        for f in fields_:
            for i, lit in enumerate(rec.values(f)):
                linked = [e for e in rec.enrichments if e.kind == "authority" and e.field == f and e.ref == i]
                if linked:
                    key = "a:" + linked[0].data["id"]
                    feats.labels[(kind, key)] = linked[0].value
                else:
                    key = ("n:" + name_key(lit.value)) if kind == "creator" else ("v:" + fold(lit.value))
                    feats.labels[(kind, key)] = lit.value
                keys.add(key)
        if kind == "subject":  # concepts found in titles and descriptions count as subjects too
            for e in rec.enrichments:
                if e.kind == "authority" and e.method == METHOD_MENTION and e.data.get("type") == "concept":
                    keys.add("a:" + e.data["id"])
                    feats.labels[(kind, "a:" + e.data["id"])] = e.value
        for key in keys:
            feats.groups[kind][key].append(idx)
    iv = rec.interval()
    feats.mid.append((iv[0] + iv[1]) / 2 if iv else math.nan)
    if iv and iv[1] - iv[0] <= 30:
        feats.groups["period"][f"d:{int((iv[0] + iv[1]) / 2) // 10 * 10}"].append(idx)
        feats.labels[("period", f"d:{int((iv[0] + iv[1]) / 2) // 10 * 10}")] = f"{int((iv[0] + iv[1]) / 2) // 10 * 10}s"
    words = tokens(" ".join(rec.texts("title") + rec.texts("description")[:1]))
    feats.simhash.append(_simhash(words) if words else 0)
    feats.shingles.append(frozenset(zip(words, words[1:], words[2:])) if len(words) >= 3 else frozenset(words))


WEIGHTS = {"creator": 0.85, "place": 0.6, "subject": 0.5, "period": 0.4}
METHODS = {"creator": "same-creator", "place": "same-place", "subject": "same-subject", "period": "same-period"}


def compute_links(
    feats: _Features, vectors: np.ndarray | None = None, window: int = 6, full_group: int = 40
) -> dict[int, list[tuple[int, str, float, str]]]:
    """Candidate links per record index: (other index, method, score, via label)."""
    n = len(feats.ids)
    pairs: dict[int, dict[tuple[int, str], tuple[float, str]]] = defaultdict(dict)

    def add(a: int, b: int, method: str, score: float, via: str) -> None:
        if a == b:
            return
        for x, y in ((a, b), (b, a)):
            old = pairs[x].get((y, method))
            if old is None or old[0] < score:
                pairs[x][(y, method)] = (score, via)

    mid = np.array(feats.mid, dtype=np.float64)
    for kind, groups in feats.groups.items():
        for key, members in groups.items():
            if len(members) < 2:
                continue
            base = WEIGHTS[kind]
            if kind == "subject":  # a rare subject says more than a common one
                base = 0.4 + 0.4 * (1 - math.log(len(members)) / math.log(max(n, 3)))
            via = feats.labels.get((kind, key), key)
            if key.startswith("a:") and kind in ("creator", "place"):
                base = min(base + 0.05, 1.0)
            if len(members) <= full_group:
                for i, a in enumerate(members):
                    for b in members[i + 1 :]:
                        add(a, b, METHODS[kind], base, via)
            else:  # big groups: each record links to its neighbours in time (then by id)
                order = sorted(members, key=lambda m: (math.isnan(mid[m]), mid[m] if not math.isnan(mid[m]) else 0, m))
                for pos, a in enumerate(order):
                    for b in order[pos + 1 : pos + 1 + window]:
                        add(a, b, METHODS[kind], base, via)
    # near-duplicates: records sharing a 16-bit band of their simhash, confirmed by word-shingle Jaccard
    bands: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, h in enumerate(feats.simhash):
        if h:
            for band in range(4):
                bands[(band, h >> (16 * band) & 0xFFFF)].append(i)
    for members in bands.values():
        if len(members) < 2 or len(members) > 200:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                sa, sb = feats.shingles[a], feats.shingles[b]
                if not sa or not sb:
                    continue
                j = len(sa & sb) / len(sa | sb)
                if j >= 0.6:
                    add(a, b, "near-duplicate", round(j, 3), "")
    # embedding similarity (e5 cosine), in blocks
    if vectors is not None and len(vectors) == n and n > 1:
        block = 1024
        for s in range(0, n, block):
            sims = vectors[s : s + block] @ vectors.T
            for r in range(sims.shape[0]):
                sims[r, s + r] = -1.0
            k = min(4, n - 1)
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for r in range(sims.shape[0]):
                for c in top[r]:
                    score = float(sims[r, c])
                    if score >= SIMILAR_COSINE:
                        add(s + r, int(c), "e5-cosine", round(score, 3), "")
    out: dict[int, list[tuple[int, str, float, str]]] = {}
    for a, links in pairs.items():
        total: dict[int, float] = defaultdict(float)
        for (b, _), (score, _) in links.items():
            total[b] += score
        # what Counter.most_common does, for float scores
        keep = {b for b, _ in heapq.nlargest(MAX_RELATED, total.items(), key=lambda kv: kv[1])}
        out[a] = sorted(
            [(b, m, s, via) for (b, m), (s, via) in links.items() if b in keep], key=lambda x: (-total[x[0]], -x[2])
        )
    return out


# -- orchestration ------------------------------------------------------------------------------------
def enrich(
    store: RecordStore,
    steps: Iterable[str] = STEPS,
    *,
    force: bool = False,
    progress: Progress | None = None,
    authority: Authority | None = None,
    language: LanguageDetector | None = None,
) -> EnrichReport:
    """Run the enrichment steps over the store; returns what was added.

    ``authority``: the table to link to (default: the shipped one); ``language``: what names the language of
    untagged texts, needed by the ``language`` step only.
    """
    asked = set(steps)
    unknown = asked - set(STEPS)
    steps = [s for s in STEPS if s in asked]
    if unknown:
        raise ValueError(f"unknown enrichment steps: {', '.join(sorted(unknown))}; known: {', '.join(STEPS)}")
    if "language" in steps and language is None:
        raise ValueError("the language step needs a language detector (enrich(..., language=...))")
    report = EnrichReport()
    started = time.perf_counter()
    at = now_iso()
    per_record = [s for s in steps if s in ("language", "dates", "authority", "keywords")]
    if per_record:
        t0 = time.perf_counter()
        df, n_docs = _doc_freq(store) if "keywords" in per_record else (Counter(), 0)
        enricher = RecordEnricher(authority, df, n_docs, language)
        total = store.count()
        batch: list[tuple[str, list[Enrichment]]] = []
        done = 0
        for rec in store.iter_records(only_unenriched=not force):
            new = enricher.enrich(rec, per_record, at)
            # keep what this run does not recompute (e.g. links, or steps not asked for)
            kept = [e for e in rec.enrichments if not _made_by(e, per_record)]
            batch.append((rec.id, kept + new))
            for e in new:
                report.by_kind[e.kind] += 1
            done += 1
            if len(batch) >= 500:
                store.save_enrichments(batch)
                batch = []
                if progress:
                    progress("records", done, total)
        if batch:
            store.save_enrichments(batch)
        if progress:
            progress("records", done, total)
        report.enriched = done
        report.timings["records"] = time.perf_counter() - t0
    report.records = store.count()
    vectors = None
    if "embeddings" in steps or "links" in steps:
        t0 = time.perf_counter()
        vectors = _embeddings(store, progress, compute="embeddings" in steps)
        report.embedded = 0 if vectors is None else len(vectors[1])
        report.timings["embeddings"] = time.perf_counter() - t0
    if "links" in steps:
        t0 = time.perf_counter()
        report.links = _links(store, at, vectors, progress)
        report.by_kind["link"] += report.links
        report.timings["links"] = time.perf_counter() - t0
    report.seconds = time.perf_counter() - started
    return report


def _made_by(e: Enrichment, steps: list[str]) -> bool:
    kind_step = {"language": "language", "interval": "dates", "authority": "authority", "keyword": "keywords"}
    return kind_step.get(e.kind) in steps


def _embeddings(store: RecordStore, progress: Progress | None, compute: bool) -> tuple[list[str], np.ndarray] | None:
    from moien.heritage.embeddings import ensure_embeddings, record_text

    items = [(rec.id, record_text(rec)) for rec in store.iter_records()]
    if not compute:
        cached = store.embeddings([rid for rid, _ in items])
        if len(cached) < len(items):
            return None
        vecs = {rid: v.astype(np.float32) for rid, (_, v) in cached.items()}
    else:
        vecs = ensure_embeddings(store, items, (lambda d, t: progress("embeddings", d, t)) if progress else None)
    ids = [rid for rid, _ in items]
    return ids, np.stack([vecs[rid] for rid in ids]) if ids else np.zeros((0, 384), np.float32)


def _links(store: RecordStore, at: str, vectors: tuple[list[str], np.ndarray] | None, progress: Progress | None) -> int:
    feats = _Features()
    for rec in store.iter_records():
        _features(rec, feats)
    mat = None
    if vectors is not None:
        ids, mat = vectors
        if ids != feats.ids:
            pos = {rid: i for i, rid in enumerate(ids)}
            mat = np.stack([mat[pos[rid]] for rid in feats.ids]) if all(r in pos for r in feats.ids) else None
    links = compute_links(feats, mat)
    total = 0
    batch: list[tuple[str, list[Enrichment]]] = []
    for idx, rec in enumerate(store.iter_records()):
        new = [
            Enrichment(
                field="related",
                kind="link",
                value=feats.ids[b],
                uri=feats.ids[b],
                method=m,
                version=LINK_VERSION,
                confidence=round(min(max(s, 0.0), 1.0), 3),
                at=at,
                data={"via": via} if via else {},
            )
            for b, m, s, via in links.get(idx, [])
        ]
        total += len(new)
        old = [e for e in rec.enrichments if e.kind == "link"]
        if [(e.value, e.method, e.confidence) for e in old] == [(e.value, e.method, e.confidence) for e in new]:
            continue
        batch.append((rec.id, [e for e in rec.enrichments if e.kind != "link"] + new))
        if len(batch) >= 500:
            store.save_enrichments(batch, mark_enriched=False)
            batch = []
    if batch:
        store.save_enrichments(batch, mark_enriched=False)
    if progress:
        progress("links", len(feats.ids), len(feats.ids))
    return total
